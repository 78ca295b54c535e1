/**
 * Live state of the current (running or last) session, fed by the backend's events, outside
 * React. Components read it with `useSyncExternalStore`; bursts of events are coalesced into
 * one notification per `flushMs`, so a busy sync does not re-render on every item.
 */
import type { Backend, Unsubscribe } from "../../ipc/backend";
import type { AppState, AutoResumeView, AwakeEvent, Cloud, Counts, ItemView, Metrics, NetworkEvent, SessionView } from "../../ipc/types";

/** A cloud the running session cannot reach right now (`sync://network`), and since when. */
export type NetworkWait = { cloud: Cloud; since: string | null };

export type LiveSnapshot = {
  session: SessionView | null;
  items: ReadonlyMap<string, ItemView>;
  itemsLoaded: boolean;
  metrics: Metrics | null;
  /** The clouds the session is waiting for, GoPro first; empty when it is not waiting. */
  waiting: readonly NetworkWait[];
  /**
   * The session runs and the backend keeps the computer from idle sleep for it (`sync://awake`,
   * or app_state's `keepingAwake`); false when the setting is off or the system refused.
   */
  keepingAwake: boolean;
  /**
   * What the app will do or did by itself (`sync://auto-resume`, or app_state's `autoResume`):
   * go on with a session at a time, or it went on with one. About any session: match its id.
   */
  autoResume: AutoResumeView | null;
};

const NOT_WAITING: readonly NetworkWait[] = [];
const CLOUD_ORDER: readonly Cloud[] = ["gopro", "google"];

export class SyncStore {
  private snapshot: LiveSnapshot = {
    session: null,
    items: new Map(),
    itemsLoaded: false,
    metrics: null,
    waiting: NOT_WAITING,
    keepingAwake: false,
    autoResume: null,
  };
  /**
   * What the backend last said about keeping the computer awake, and for which session. Kept
   * apart from the session: a run's `sync://awake` can arrive before its session does (a start,
   * a resume from paused), and it only counts while that session runs.
   */
  private awake: AwakeEvent | null = null;
  private items = new Map<string, ItemView>();
  private listeners = new Set<() => void>();
  private statusListeners = new Set<(s: SessionView, prev: SessionView | null) => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private subs: Unsubscribe[] = [];

  constructor(
    private readonly backend: Backend,
    private readonly flushMs = 100,
  ) {}

  start(): Unsubscribe {
    const b = this.backend;
    this.subs = [
      b.on("sync://session", ({ session }) => this.setSession(session)),
      b.on("sync://item", ({ sessionId, item }) => {
        if (sessionId !== this.snapshot.session?.id) return;
        this.items.set(item.key, item);
        this.schedule();
      }),
      b.on("sync://metrics", ({ sessionId, metrics }) => {
        if (sessionId !== this.snapshot.session?.id) return;
        this.snapshot = { ...this.snapshot, metrics };
        this.schedule();
      }),
      b.on("sync://stage", ({ sessionId, stage, state }) => {
        const s = this.snapshot.session;
        if (!s || sessionId !== s.id) return;
        this.snapshot = { ...this.snapshot, session: { ...s, stages: { ...s.stages, [stage]: state } } };
        this.schedule();
      }),
      b.on("sync://network", (e) => this.setNetwork(e)),
      b.on("sync://awake", (e) => this.setAwake(e)),
      b.on("sync://auto-resume", ({ autoResume }) => {
        this.snapshot = { ...this.snapshot, autoResume };
        this.emitNow();
      }),
    ];
    return () => {
      this.subs.forEach((u) => u());
      this.subs = [];
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
    };
  }

  /**
   * app_state's answer: its current session, and whether the backend keeps the computer awake
   * for it (`keepingAwake` is about the running session, so a stopped one never is), and what
   * the app will do or did by itself.
   */
  setAppState({ current, keepingAwake, autoResume }: Pick<AppState, "current" | "keepingAwake" | "autoResume">) {
    this.awake = current ? { sessionId: current.id, keepingAwake } : null;
    this.snapshot = { ...this.snapshot, autoResume };
    this.setSession(current);
  }

  /**
   * A session view from a command result or an event; a new id resets items, metrics and
   * waiting. A session that is not running (paused, finished…) waits for nothing and keeps
   * nothing awake.
   */
  setSession(session: SessionView | null) {
    const prev = this.snapshot.session;
    const keepingAwake = this.awakeFor(session);
    if (session && prev?.id !== session.id) {
      this.items = new Map();
      const { autoResume } = this.snapshot;
      this.snapshot = { session, items: this.items, itemsLoaded: false, metrics: null, waiting: NOT_WAITING, keepingAwake, autoResume };
      void this.loadItems(session.id);
    } else {
      const waiting = session?.status === "running" ? this.snapshot.waiting : NOT_WAITING;
      // Item events that came before this session event go out with it: a finished session's
      // summary must not show counts from before its last files' events.
      const items = this.takePendingItems() ?? this.snapshot.items;
      this.snapshot = { ...this.snapshot, session, items, waiting, keepingAwake };
    }
    this.emitNow();
    if (session && (prev?.id !== session.id || prev.status !== session.status)) {
      this.statusListeners.forEach((cb) => cb(session, prev?.id === session.id ? prev : null));
    }
  }

  /** `sync://network`: a cloud of the running session is out of reach (`waiting`) or back. */
  private setNetwork({ sessionId, cloud, waiting, since }: NetworkEvent) {
    const s = this.snapshot.session;
    if (!s || sessionId !== s.id) return;
    if (waiting && s.status !== "running") return;
    const prev = this.snapshot.waiting.find((w) => w.cloud === cloud);
    if (!waiting && !prev) return;
    // A repeated waiting event without an instant keeps the one we have.
    const next = this.snapshot.waiting.filter((w) => w.cloud !== cloud);
    if (waiting) next.push({ cloud, since: since ?? prev?.since ?? null });
    next.sort((a, b) => CLOUD_ORDER.indexOf(a.cloud) - CLOUD_ORDER.indexOf(b.cloud));
    this.snapshot = { ...this.snapshot, waiting: next.length > 0 ? next : NOT_WAITING };
    this.emitNow();
  }

  /** `sync://awake`: a run starts keeping the computer awake (true) or lets it sleep again (false). */
  private setAwake(e: AwakeEvent) {
    // Only one session runs at a time; a late release of another session's run changes nothing.
    if (!e.keepingAwake && this.awake !== null && this.awake.sessionId !== e.sessionId) return;
    this.awake = { sessionId: e.sessionId, keepingAwake: e.keepingAwake };
    const keepingAwake = this.awakeFor(this.snapshot.session);
    if (keepingAwake === this.snapshot.keepingAwake) return;
    this.snapshot = { ...this.snapshot, keepingAwake };
    this.emitNow();
  }

  private awakeFor(session: SessionView | null): boolean {
    return session?.status === "running" && this.awake?.sessionId === session.id && this.awake.keepingAwake;
  }

  private async loadItems(id: string) {
    try {
      const list = await this.backend.sessionItems(id);
      if (this.snapshot.session?.id !== id) return;
      // Events that arrived meanwhile are newer than the list: keep them.
      for (const it of list) if (!this.items.has(it.key)) this.items.set(it.key, it);
      this.snapshot = { ...this.snapshot, items: new Map(this.items), itemsLoaded: true };
      this.emitNow();
    } catch {
      this.snapshot = { ...this.snapshot, itemsLoaded: true };
      this.emitNow();
    }
  }

  /** Called when a session changes status (started, paused, finished…). */
  onStatus(cb: (s: SessionView, prev: SessionView | null) => void): Unsubscribe {
    this.statusListeners.add(cb);
    return () => this.statusListeners.delete(cb);
  }

  subscribe = (cb: () => void): Unsubscribe => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  getSnapshot = (): LiveSnapshot => this.snapshot;

  private schedule() {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.snapshot = { ...this.snapshot, items: new Map(this.items) };
      this.listeners.forEach((cb) => cb());
    }, this.flushMs);
  }

  /** The items as they are now, when events changed them since the last notification. */
  private takePendingItems(): ReadonlyMap<string, ItemView> | null {
    if (this.timer === null) return null;
    clearTimeout(this.timer);
    this.timer = null;
    return new Map(this.items);
  }

  private emitNow() {
    this.listeners.forEach((cb) => cb());
  }
}

/** Counts from the items when we have them (fresher than the last session event). */
export function liveCounts(session: SessionView, items: ReadonlyMap<string, ItemView>, loaded: boolean): Counts {
  if (!loaded && items.size === 0) return session.counts;
  const c: Counts = { total: 0, discovered: 0, uploaded: 0, created: 0, failed: 0, skipped: 0, bytesTotal: 0, bytesCreated: 0 };
  for (const it of items.values()) {
    c.discovered++;
    if (it.state === "skipped") {
      c.skipped++;
      continue;
    }
    c.total++;
    c.bytesTotal += it.size ?? 0;
    if (it.state === "uploaded" || it.state === "creating" || it.state === "created") c.uploaded++;
    if (it.state === "created") {
      c.created++;
      c.bytesCreated += it.size ?? 0;
    }
    if (it.state === "failed") c.failed++;
  }
  return c;
}
