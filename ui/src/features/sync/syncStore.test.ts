import { describe, expect, it, vi } from "vitest";
import type { Backend } from "../../ipc/backend";
import { createMockBackend } from "../../ipc/mock";
import type { AwakeEvent, EventMap, EventName, ItemView, NetworkEvent, SessionView } from "../../ipc/types";
import { SyncStore } from "./syncStore";

/** A backend whose events the test sends itself (commands are the mock's, without latency). */
function fakeBackend() {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const backend: Backend = {
    ...createMockBackend({ latencyMs: 0 }),
    sessionItems: () => Promise.resolve([]),
    on(event, cb) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const fn = cb as (p: unknown) => void;
      set.add(fn);
      return () => set.delete(fn);
    },
  };
  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    for (const cb of listeners.get(event) ?? []) cb(payload);
  };
  return { backend, emit };
}

function session(id: string, status: SessionView["status"] = "running"): SessionView {
  return {
    id,
    rangeFrom: "2026-03-01",
    rangeTo: "2026-03-31",
    status,
    statusReason: null,
    quotaResetsAt: null,
    createdAt: "2026-05-20T08:00:00Z",
    updatedAt: "2026-05-20T08:00:00Z",
    finishedAt: null,
    durationSecs: 0,
    counts: { total: 0, discovered: 0, uploaded: 0, created: 0, failed: 0, skipped: 0, bytesTotal: 0, bytesCreated: 0 },
    bytesTransferred: 0,
    albumTitle: null,
    albumUrl: null,
    googleAccount: null,
    googleClient: null,
    stages: { discovery: "done", transfer: "running", create: "pending" },
    resumable: false,
  };
}

const net = (cloud: NetworkEvent["cloud"], waiting: boolean, since: string | null = null, sessionId = "s1"): NetworkEvent => ({
  sessionId,
  cloud,
  waiting,
  since: waiting ? since : null,
});

function started() {
  const { backend, emit } = fakeBackend();
  const store = new SyncStore(backend, 0);
  const stop = store.start();
  let notified = 0;
  store.subscribe(() => notified++);
  store.setSession(session("s1"));
  return { store, emit, stop, notified: () => notified };
}

describe("SyncStore: waiting for the network (sync://network)", () => {
  it("is not waiting at first", () => {
    const { store } = started();
    expect(store.getSnapshot().waiting).toEqual([]);
  });

  it("waits for a cloud and clears it when that cloud answers again", () => {
    const { store, emit, notified } = started();
    const before = notified();
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    expect(store.getSnapshot().waiting).toEqual([{ cloud: "google", since: "2026-05-20T12:02:00Z" }]);
    expect(notified()).toBe(before + 1); // at once, not coalesced with the busy events
    emit("sync://network", net("google", false));
    expect(store.getSnapshot().waiting).toEqual([]);
  });

  it("tracks both clouds at once, GoPro first, each cleared on its own", () => {
    const { store, emit } = started();
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    emit("sync://network", net("gopro", true, "2026-05-20T12:03:00Z"));
    expect(store.getSnapshot().waiting).toEqual([
      { cloud: "gopro", since: "2026-05-20T12:03:00Z" },
      { cloud: "google", since: "2026-05-20T12:02:00Z" },
    ]);
    emit("sync://network", net("gopro", false));
    expect(store.getSnapshot().waiting).toEqual([{ cloud: "google", since: "2026-05-20T12:02:00Z" }]);
    emit("sync://network", net("google", false));
    expect(store.getSnapshot().waiting).toEqual([]);
  });

  it("a repeated waiting event without an instant keeps the first one", () => {
    const { store, emit } = started();
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    emit("sync://network", net("google", true, null));
    expect(store.getSnapshot().waiting).toEqual([{ cloud: "google", since: "2026-05-20T12:02:00Z" }]);
  });

  it("ends when the session stops running, even with no restore event", () => {
    for (const status of ["paused", "needs_login", "completed", "failed", "cancelled"] as const) {
      const { store, emit } = started();
      emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
      emit("sync://network", net("gopro", true, "2026-05-20T12:02:30Z"));
      emit("sync://session", { session: session("s1", status) });
      expect(store.getSnapshot().waiting, status).toEqual([]);
    }
  });

  it("stays while the same session goes on running (a session event mid-wait)", () => {
    const { store, emit } = started();
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    emit("sync://session", { session: { ...session("s1"), durationSecs: 60 } });
    expect(store.getSnapshot().waiting).toHaveLength(1);
  });

  it("ignores other sessions, and a new session starts with no waiting", () => {
    const { store, emit } = started();
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z", "s0"));
    expect(store.getSnapshot().waiting).toEqual([]);
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    store.setSession(session("s2"));
    expect(store.getSnapshot().waiting).toEqual([]);
  });

  it("a waiting event for a session that is not running is ignored", () => {
    const { store, emit } = started();
    emit("sync://session", { session: session("s1", "paused") });
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    expect(store.getSnapshot().waiting).toEqual([]);
  });

  it("stops listening when stopped", () => {
    const { store, emit, stop } = started();
    stop();
    emit("sync://network", net("google", true, "2026-05-20T12:02:00Z"));
    expect(store.getSnapshot().waiting).toEqual([]);
  });
});

const awake = (keepingAwake: boolean, sessionId = "s1"): AwakeEvent => ({ sessionId, keepingAwake });

describe("SyncStore: keeping the computer awake (sync://awake)", () => {
  it("is not keeping awake at first", () => {
    const { store } = started();
    expect(store.getSnapshot().keepingAwake).toBe(false);
  });

  it("follows the run's hold and release, telling listeners at once", () => {
    const { store, emit, notified } = started();
    const before = notified();
    emit("sync://awake", awake(true));
    expect(store.getSnapshot().keepingAwake).toBe(true);
    expect(notified()).toBe(before + 1);
    emit("sync://awake", awake(true)); // nothing new: no re-render
    expect(notified()).toBe(before + 1);
    emit("sync://awake", awake(false));
    expect(store.getSnapshot().keepingAwake).toBe(false);
    expect(notified()).toBe(before + 2);
  });

  it("starts from app_state's keepingAwake for its current session", () => {
    const { backend } = fakeBackend();
    const store = new SyncStore(backend, 0);
    store.start();
    store.setAppState({ current: session("s1"), keepingAwake: true, autoResume: null });
    expect(store.getSnapshot().keepingAwake).toBe(true);
    store.setAppState({ current: session("s1"), keepingAwake: false, autoResume: null });
    expect(store.getSnapshot().keepingAwake).toBe(false);
    store.setAppState({ current: null, keepingAwake: false, autoResume: null });
    expect(store.getSnapshot().keepingAwake).toBe(false);
  });

  it("keeps app_state's and sync://auto-resume's plan, across a new session", () => {
    const { backend, emit } = fakeBackend();
    const store = new SyncStore(backend, 0);
    store.start();
    const plan = { sessionId: "s1", why: "daily_quota" as const, at: "2026-12-03T08:02:00Z" };
    store.setAppState({ current: session("s1", "paused"), keepingAwake: false, autoResume: plan });
    expect(store.getSnapshot().autoResume).toEqual(plan);
    const went = { sessionId: "s1", why: "daily_quota" as const, at: null };
    emit("sync://auto-resume", { autoResume: went });
    expect(store.getSnapshot().autoResume).toEqual(went);
    store.setSession(session("s2"));
    expect(store.getSnapshot().autoResume).toEqual(went);
    emit("sync://auto-resume", { autoResume: null });
    expect(store.getSnapshot().autoResume).toBeNull();
  });

  it("ignores another session's events", () => {
    const { store, emit } = started();
    emit("sync://awake", awake(true, "s0"));
    expect(store.getSnapshot().keepingAwake).toBe(false);
    emit("sync://awake", awake(true));
    // A late release of another session's run leaves this one's hold alone.
    emit("sync://awake", awake(false, "s0"));
    expect(store.getSnapshot().keepingAwake).toBe(true);
  });

  it("ends when the session stops running, before the release event", () => {
    for (const status of ["paused", "needs_login", "completed", "failed", "cancelled"] as const) {
      const { store, emit } = started();
      emit("sync://awake", awake(true));
      emit("sync://session", { session: session("s1", status) });
      expect(store.getSnapshot().keepingAwake, status).toBe(false);
    }
  });

  it("a hold that comes before its session does counts once that session runs (a start, a resume)", () => {
    const { store, emit } = started();
    emit("sync://session", { session: session("s1", "paused") });
    emit("sync://awake", awake(true)); // the resumed run holds, its session still says paused
    expect(store.getSnapshot().keepingAwake).toBe(false);
    emit("sync://session", { session: session("s1") });
    expect(store.getSnapshot().keepingAwake).toBe(true);

    emit("sync://awake", awake(true, "s2")); // a new session's run, before its session
    store.setSession(session("s2"));
    expect(store.getSnapshot().keepingAwake).toBe(true);
  });

  it("a run that does not hold (setting off, system refused) keeps nothing awake", () => {
    const { store, emit } = started();
    emit("sync://awake", awake(false));
    expect(store.getSnapshot().keepingAwake).toBe(false);
  });

  it("stops listening when stopped", () => {
    const { store, emit, stop } = started();
    stop();
    emit("sync://awake", awake(true));
    expect(store.getSnapshot().keepingAwake).toBe(false);
  });
});

describe("SyncStore: items and the session's end", () => {
  const item = (key: string, state: ItemView["state"]): ItemView => ({
    key,
    filename: `${key}.JPG`,
    kind: "photo",
    size: 1000,
    capturedAt: null,
    state,
    reason: null,
    googleUrl: null,
    progress: null,
  });

  it("a session event carries the item events that came before it, not yet flushed", async () => {
    const { backend, emit } = fakeBackend();
    // A flush far away: only the session event can publish the last item.
    const store = new SyncStore(backend, 60_000);
    const stop = store.start();
    store.setSession(session("s1"));
    await vi.waitFor(() => expect(store.getSnapshot().itemsLoaded).toBe(true));
    emit("sync://item", { sessionId: "s1", item: item("a", "created") });
    expect(store.getSnapshot().items.get("a")).toBeUndefined();
    emit("sync://session", { session: { ...session("s1", "completed"), counts: { ...session("s1").counts, created: 1 } } });
    const snap = store.getSnapshot();
    expect(snap.session?.status).toBe("completed");
    expect(snap.items.get("a")?.state).toBe("created");
    stop();
  });
});
