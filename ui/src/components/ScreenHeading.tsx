import { useEffect, useRef, type ReactNode } from "react";

/**
 * The screen's h1. It takes focus when the screen appears, so keyboard and screen-reader users
 * land at the top of the new screen (it is not in the tab order).
 */
export function ScreenHeading({ children, focus = true }: { children: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus({ preventScroll: false });
  }, [focus]);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
