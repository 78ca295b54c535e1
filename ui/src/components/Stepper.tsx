import type { StageState } from "../ipc/types";
import { Icon } from "./Icon";

export type Step = { label: string; state: StageState; detail: string };

const STATE_WORDS: Record<StageState, string> = {
  pending: "Waiting",
  running: "In progress",
  done: "Done",
  failed: "Stopped",
};

/** Steps in order; each says its state in words and with an icon, never by colour alone. */
export function Stepper({ steps, paused }: { steps: Step[]; paused?: boolean }) {
  return (
    <ol className="stepper">
      {steps.map((s, i) => {
        const words = s.state === "running" && paused ? "Paused" : STATE_WORDS[s.state];
        return (
          <li key={s.label} className={`step step-${s.state}${paused ? " step-paused" : ""}`} aria-current={s.state === "running" ? "step" : undefined}>
            <span className="step-marker" aria-hidden="true">
              {s.state === "done" ? <Icon name="check" /> : s.state === "failed" ? <Icon name="cross" /> : s.state === "running" && paused ? <Icon name="pause" /> : i + 1}
            </span>
            <span className="step-text">
              <span className="step-label">{s.label}</span>
              <span className="step-state">
                {words}
                {s.detail ? ` · ${s.detail}` : ""}
              </span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
