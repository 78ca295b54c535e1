import { useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { Icon } from "../../components/Icon";
import { OpenInBrowser } from "../../components/OpenInBrowser";
import type { ItemState, ItemView } from "../../ipc/types";
import { formatBytes } from "../../lib/format";

const STATE_WORDS: Record<ItemState, string> = {
  discovered: "Waiting",
  uploading: "Moving",
  uploaded: "Moved, adding",
  creating: "Adding",
  created: "In Google Photos",
  failed: "Couldn't move",
  skipped: "Skipped",
};

type Filter = "all" | "active" | "done" | "skipped" | "failed";
const FILTERS: { id: Filter; label: string; test: (s: ItemState) => boolean }[] = [
  { id: "all", label: "All", test: () => true },
  { id: "active", label: "Waiting or moving", test: (s) => s === "discovered" || s === "uploading" || s === "uploaded" || s === "creating" },
  { id: "done", label: "In Google Photos", test: (s) => s === "created" },
  { id: "skipped", label: "Skipped", test: (s) => s === "skipped" },
  { id: "failed", label: "Couldn't move", test: (s) => s === "failed" },
];

function stateText(it: ItemView): string {
  if (it.state === "uploading" && it.progress !== null) return `Moving ${Math.round(it.progress * 100)} %`;
  return STATE_WORDS[it.state];
}

const ROW = 64;

/** Every file of the session, virtualised (sessions can hold thousands). */
export function ItemList({ items }: { items: ReadonlyMap<string, ItemView> }) {
  const [filter, setFilter] = useState<Filter>("all");
  const list = useMemo(() => {
    const f = FILTERS.find((x) => x.id === filter)!;
    return [...items.values()].filter((it) => f.test(it.state));
  }, [items, filter]);
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const v = useVirtualizer({
    count: list.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW,
    overscan: 6,
    initialRect: { width: 600, height: 352 },
  });
  return (
    <div>
      <div className="item-filter">
        <label htmlFor="item-filter">Show</label>
        <select id="item-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
          {FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
        <span className="muted small" aria-live="polite">
          {list.length.toLocaleString()} {list.length === 1 ? "file" : "files"}
        </span>
      </div>
      {list.length === 0 ? (
        <p className="muted">{items.size === 0 ? "No files found yet." : "No files in this group."}</p>
      ) : (
        <div ref={parent} className="item-list" tabIndex={0} role="region" aria-label="Files in this session (scrollable)">
          <ul className="item-list-inner" style={{ height: v.getTotalSize() }} aria-label="Files">
            {v.getVirtualItems().map((row) => {
              const it = list[row.index]!;
              return (
                <li
                  key={it.key}
                  className="item-row"
                  style={{ transform: `translateY(${row.start}px)`, height: ROW }}
                  aria-setsize={list.length}
                  aria-posinset={row.index + 1}
                >
                  <Icon name={it.kind === "video" ? "video" : "photo"} label={it.kind === "video" ? "Video" : "Photo"} />
                  <span className="item-name">{it.filename}</span>
                  <span className={`item-state item-state-${it.state}`}>
                    {it.state === "created" ? <Icon name="check" className="icon-inline" /> : null}
                    {it.state === "failed" ? <Icon name="warning" className="icon-inline" /> : null}
                    {stateText(it)}
                  </span>
                  <span className="item-meta">
                    {it.size !== null ? formatBytes(it.size) : "size unknown"}
                    {it.reason ? ` · ${it.reason}` : ""}
                    {it.state === "created" && it.googleUrl ? (
                      <>
                        {" · "}
                        <OpenInBrowser url={it.googleUrl} className="btn-link" compact>
                          View<span className="visually-hidden"> {it.filename}</span> in Google Photos
                        </OpenInBrowser>
                      </>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
