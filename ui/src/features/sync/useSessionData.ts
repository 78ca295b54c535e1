import { useEffect, useState, useSyncExternalStore } from "react";
import { useApp } from "../../app/AppContext";
import { toCommandError } from "../../ipc/backend";
import type { AutoResumeView, CommandError, ItemView, Metrics, SessionView } from "../../ipc/types";
import type { NetworkWait } from "./syncStore";

const NOT_WAITING: readonly NetworkWait[] = [];

export type SessionData = {
  session: SessionView | null;
  items: ReadonlyMap<string, ItemView>;
  itemsLoaded: boolean;
  metrics: Metrics | null;
  /** The clouds the live session is waiting for (empty when not live). */
  waiting: readonly NetworkWait[];
  /** The live session runs and keeps the computer from idle sleep (false when not live). */
  keepingAwake: boolean;
  /** What the app will do or did by itself with this session, if anything. */
  autoResume: AutoResumeView | null;
  live: boolean;
  error: CommandError | null;
};

/** The live session from the store when `id` is the current one; otherwise a one-off load. */
export function useSessionData(id: string): SessionData {
  const { store, backend } = useApp();
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const live = snap.session?.id === id;
  const autoResume = snap.autoResume?.sessionId === id ? snap.autoResume : null;
  const [loaded, setLoaded] = useState<{ id: string; session: SessionView | null; items: Map<string, ItemView>; error: CommandError | null } | null>(null);

  useEffect(() => {
    if (live) return;
    let alive = true;
    Promise.all([backend.listSessions(), backend.sessionItems(id)]).then(
      ([list, items]) => {
        if (!alive) return;
        const session = list.find((s) => s.id === id) ?? null;
        setLoaded({
          id,
          session,
          items: new Map(items.map((i) => [i.key, i])),
          error: session ? null : { code: "NotFound", message: "That session isn't in the history any more." },
        });
      },
      (e: unknown) => alive && setLoaded({ id, session: null, items: new Map(), error: toCommandError(e) }),
    );
    return () => {
      alive = false;
    };
  }, [backend, id, live]);

  if (live) {
    return { session: snap.session, items: snap.items, itemsLoaded: snap.itemsLoaded, metrics: snap.metrics, waiting: snap.waiting, keepingAwake: snap.keepingAwake, autoResume, live, error: null };
  }
  const l = loaded?.id === id ? loaded : null;
  return {
    session: l?.session ?? null,
    items: l?.items ?? new Map(),
    itemsLoaded: l !== null,
    metrics: null,
    waiting: NOT_WAITING,
    keepingAwake: false,
    autoResume,
    live: false,
    error: l?.error ?? null,
  };
}
