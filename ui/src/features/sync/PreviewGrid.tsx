import { useRef, type RefObject } from "react";
import { Icon } from "../../components/Icon";
import type { PreviewItem, RangePreview } from "../../ipc/types";
import { formatCount } from "../../lib/format";
import { usePreviewThumbnails, useThumbnail, type ThumbnailQueue } from "./usePreviewThumbnails";

/**
 * Thumbnails of the preview's sample (the newest photos and videos that will move), each asked
 * for from the backend only once its tile scrolls near the view; "…and N more" for the rest.
 */
export function PreviewGrid({ preview: p }: { preview: RangePreview }) {
  const queue = usePreviewThumbnails(p.sample);
  const listRef = useRef<HTMLUListElement>(null);
  if (p.sample.length === 0) return null;
  const more = p.toMove - p.sample.length;
  return (
    <div className="preview-grid" data-testid="preview-grid">
      <div className="preview-grid-head">
        <h3 className="preview-grid-title">What will move</h3>
        <p className="muted small">{formatCount(p.toMove, "file", "files")}</p>
      </div>
      {/* Scrolls by itself (the Start button stays near); focusable so the keyboard can scroll it. */}
      <ul ref={listRef} className="preview-tiles" aria-label="Photos and videos in these dates" tabIndex={0}>
        {p.sample.map((item) => (
          <Tile key={item.id} item={item} queue={queue} root={listRef} />
        ))}
      </ul>
      {more > 0 ? <p className="preview-grid-more muted small">…and {more.toLocaleString()} more</p> : null}
    </div>
  );
}

function Tile({ item, queue, root }: { item: PreviewItem; queue: ThumbnailQueue; root: RefObject<HTMLUListElement | null> }) {
  const ref = useRef<HTMLLIElement>(null);
  const thumb = useThumbnail(queue, item.id, ref, root);
  const label = `${item.filename}, ${item.kind}`;
  return (
    <li ref={ref} className="preview-tile" title={item.filename} data-state={thumb.state}>
      {thumb.state === "ready" ? (
        <img src={thumb.url} alt={label} width={160} height={120} decoding="async" draggable={false} />
      ) : thumb.state === "failed" ? (
        <div className="preview-tile-placeholder" role="img" aria-label={label} data-testid="thumbnail-placeholder">
          <Icon name={item.kind} />
        </div>
      ) : (
        <div className="skeleton preview-tile-skeleton" role="img" aria-label={label} />
      )}
      {item.kind === "video" && thumb.state === "ready" ? (
        <span className="preview-tile-badge" aria-hidden="true">
          <Icon name="play" />
        </span>
      ) : null}
    </li>
  );
}
