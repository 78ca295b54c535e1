import { useCallback, useEffect, useMemo, useSyncExternalStore, type RefObject } from "react";
import { useApp } from "../../app/AppContext";
import type { PreviewItem } from "../../ipc/types";

/** How many thumbnails are asked for at once. */
export const THUMBNAIL_CONCURRENCY = 6;

/** Tiles start loading this far before they scroll into view. */
export const THUMBNAIL_ROOT_MARGIN = "200px";

export type Thumbnail =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "ready"; url: string }
  | { state: "failed" };

const IDLE: Thumbnail = { state: "idle" };
const LOADING: Thumbnail = { state: "loading" };
const FAILED: Thumbnail = { state: "failed" };

/**
 * The thumbnails of one preview: each id is asked for once (a loaded or failed one is never
 * asked again), at most `limit` at a time, first asked first served. A tile that scrolls away
 * before its turn gives its place up (`withdraw`). While inactive (the grid unmounted, or the
 * preview replaced) nothing new is asked; answers still arriving are kept but nobody listens.
 */
export class ThumbnailQueue {
  private readonly states = new Map<string, Thumbnail>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private waiting: string[] = [];
  private inFlight = 0;
  private active = false;

  private readonly known: ReadonlySet<string>;

  /** `ids`: the preview's sample; nothing else is asked for. */
  constructor(
    private readonly load: (id: string) => Promise<string>,
    ids: Iterable<string>,
    private readonly limit = THUMBNAIL_CONCURRENCY,
  ) {
    this.known = new Set(ids);
  }

  get(id: string): Thumbnail {
    return this.states.get(id) ?? IDLE;
  }

  subscribe(id: string, cb: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(cb);
    return () => {
      set.delete(cb);
    };
  }

  /** Asks for `id`'s thumbnail unless it is loaded, failed, loading or waiting already. */
  request(id: string): void {
    if (this.states.has(id) || !this.known.has(id)) return;
    this.set(id, LOADING);
    this.waiting.push(id);
    this.pump();
  }

  /** `id` is no longer near the viewport: if it is still waiting, it waits no more. */
  withdraw(id: string): void {
    const i = this.waiting.indexOf(id);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    this.set(id, IDLE);
  }

  activate(): void {
    this.active = true;
    this.pump();
  }

  /** Stops asking: whatever still waits goes back to idle (a tile mounted again asks again). */
  deactivate(): void {
    this.active = false;
    const dropped = this.waiting;
    this.waiting = [];
    for (const id of dropped) this.set(id, IDLE);
  }

  private set(id: string, t: Thumbnail) {
    if (t === IDLE) this.states.delete(id);
    else this.states.set(id, t);
    for (const cb of [...(this.listeners.get(id) ?? [])]) cb();
  }

  private pump() {
    while (this.active && this.inFlight < this.limit && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      this.inFlight++;
      let answer: Promise<string>;
      try {
        answer = this.load(id);
      } catch (e) {
        answer = Promise.reject(e);
      }
      answer.then(
        (url) => this.finish(id, isImageDataUrl(url) ? { state: "ready", url } : FAILED),
        () => this.finish(id, FAILED),
      );
    }
  }

  private finish(id: string, t: Thumbnail) {
    this.inFlight--;
    this.set(id, t);
    this.pump();
  }
}

/** Only inline images reach an `<img src>` (the app's CSP allows nothing else anyway). */
function isImageDataUrl(url: unknown): url is string {
  return typeof url === "string" && url.startsWith("data:image/");
}

/**
 * One queue per preview (a new sample is a new preview, and starts afresh), active while the
 * grid is mounted.
 */
export function usePreviewThumbnails(sample: readonly PreviewItem[]): ThumbnailQueue {
  const { backend } = useApp();
  const queue = useMemo(
    () =>
      new ThumbnailQueue(
        (id) => backend.previewThumbnail(id),
        sample.map((m) => m.id),
      ),
    [backend, sample],
  );
  useEffect(() => {
    queue.activate();
    return () => queue.deactivate();
  }, [queue]);
  return queue;
}

/** A tile's thumbnail, asked for once the tile is within `THUMBNAIL_ROOT_MARGIN` of `root`'s view. */
export function useThumbnail(
  queue: ThumbnailQueue,
  id: string,
  target: RefObject<Element | null>,
  root: RefObject<Element | null>,
): Thumbnail {
  const subscribe = useCallback((cb: () => void) => queue.subscribe(id, cb), [queue, id]);
  const thumb = useSyncExternalStore(subscribe, () => queue.get(id));
  useEffect(() => {
    const el = target.current;
    if (!el) return;
    if (typeof IntersectionObserver === "undefined") {
      queue.request(id);
      return;
    }
    const io = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1];
        if (!entry) return;
        if (entry.isIntersecting) queue.request(id);
        else queue.withdraw(id);
      },
      { root: root.current, rootMargin: THUMBNAIL_ROOT_MARGIN },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [queue, id, target, root]);
  return thumb;
}
