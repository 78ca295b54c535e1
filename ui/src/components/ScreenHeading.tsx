import { useEffect, useRef, type ReactNode } from "react";
import { useApp } from "../app/AppContext";

/**
 * The screen's h1. It takes focus when the screen appears, so keyboard and screen-reader users
 * land at the top of the new screen (it is not in the tab order). The first screen after launch
 * leaves focus alone, so the skip link comes first.
 */
export function ScreenHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { navigated: focus } = useApp();
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: false });
  }, [focus]);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
