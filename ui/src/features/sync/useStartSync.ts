import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { toCommandError } from "../../ipc/backend";
import type { CommandError } from "../../ipc/types";

/** Start a session over `from`..`to` and show its progress. */
export function useStartSync() {
  const { backend, store, go } = useApp();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const start = async (from: string, to: string) => {
    setStarting(true);
    setError(null);
    try {
      const s = await backend.startSync(from, to);
      store.setSession(s);
      go({ name: "session", id: s.id });
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setStarting(false);
    }
  };
  return { start, starting, error };
}
