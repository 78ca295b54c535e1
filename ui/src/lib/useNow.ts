import { useEffect, useState } from "react";

/** The current time, refreshed every `everyMs` (for "resets tomorrow at 09:00"-style text). */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
