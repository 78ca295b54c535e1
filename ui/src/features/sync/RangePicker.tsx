import { useState } from "react";
import { DayPicker } from "react-day-picker";
import "react-day-picker/style.css";
import {
  clickDay,
  dayOf,
  daysInRange,
  formatRange,
  localDate,
  matchPreset,
  presetRange,
  PRESETS,
  type DayRange,
  type PresetId,
  type Selection,
} from "./range";

function monthOf(day: string): Date {
  const d = localDate(day);
  return new Date(d.getFullYear(), d.getMonth(), 1);
}

/** Two months before the one holding `day`'s month, so a range ending there is in view. */
function firstShownMonth(day: string): Date {
  const m = monthOf(day);
  return new Date(m.getFullYear(), m.getMonth() - 1, 1);
}

/**
 * Presets and a two-month calendar. Click the first day, then the last day (either order);
 * arrow keys move between days, Enter or Space picks. The range includes both ends.
 */
export function RangePicker({
  value,
  onChange,
  now,
}: {
  value: DayRange | null;
  onChange: (r: DayRange) => void;
  now: Date;
}) {
  const [sel, setSel] = useState<Selection>({ range: value, anchor: null });
  const [month, setMonth] = useState<Date>(() => firstShownMonth(value?.to ?? dayOf(now)));
  const range = sel.anchor !== null ? sel.range : value;
  const active: PresetId | null = sel.anchor === null ? matchPreset(value, now) : null;
  const today = dayOf(now);

  const pickPreset = (id: PresetId) => {
    const r = presetRange(id, now);
    setSel({ range: r, anchor: null });
    setMonth(firstShownMonth(r.to));
    onChange(r);
  };

  const pickDay = (date: Date) => {
    const next = clickDay(sel.anchor === null ? { range: value, anchor: null } : sel, dayOf(date));
    setSel(next);
    if (next.range && next.anchor === null) onChange(next.range);
  };

  return (
    <div className="range-picker">
      <div className="presets" role="group" aria-label="Quick choices">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="btn btn-toggle"
            aria-pressed={active === p.id}
            onClick={() => pickPreset(p.id)}
          >
            {p.label}
          </button>
        ))}
      </div>
      <DayPicker
        mode="range"
        numberOfMonths={2}
        month={month}
        onMonthChange={setMonth}
        endMonth={monthOf(today)}
        selected={range ? { from: localDate(range.from), to: localDate(range.to) } : undefined}
        onSelect={(_r, triggerDate) => pickDay(triggerDate)}
        disabled={{ after: localDate(today) }}
        showOutsideDays={false}
        weekStartsOn={weekStart()}
        aria-label="Capture dates"
      />
      <p className="range-status" aria-live="polite">
        {sel.anchor !== null
          ? `Starting ${formatRange({ from: sel.anchor, to: sel.anchor })}. Now pick the last day.`
          : value
            ? `${formatRange(value)} · ${daysInRange(value)} ${daysInRange(value) === 1 ? "day" : "days"}, both ends included`
            : "Pick the first day, then the last day."}
      </p>
    </div>
  );
}

/** The first day of the week in the person's locale (Monday in most of Europe, Sunday in the US). */
function weekStart(): 0 | 1 | 2 | 3 | 4 | 5 | 6 {
  try {
    const loc = new Intl.Locale(navigator.language) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    const first = loc.getWeekInfo?.().firstDay ?? loc.weekInfo?.firstDay ?? 1;
    return (first % 7) as 0 | 1 | 2 | 3 | 4 | 5 | 6;
  } catch {
    return 1;
  }
}
