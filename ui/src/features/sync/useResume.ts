import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { toCommandError } from "../../ipc/backend";
import type { CommandError } from "../../ipc/types";

/** Resume a session in one click: same range and settings; shows its progress. */
export function useResume() {
  const { backend, store, go, announce } = useApp();
  const [resuming, setResuming] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const resume = async (id: string, navigate = true) => {
    setResuming(id);
    setError(null);
    try {
      const s = await backend.resumeSession(id);
      store.setSession(s);
      announce("Resumed. Moving continues where it stopped.");
      if (navigate) go({ name: "session", id: s.id });
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setResuming(null);
    }
  };
  return { resume, resuming, error, clearError: () => setError(null) };
}
