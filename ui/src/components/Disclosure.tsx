import { useState, type ReactNode } from "react";

/**
 * Progressive disclosure on the native <details> (keyboard and screen-reader friendly). The body
 * is only rendered while open, so hidden charts and lists cost nothing.
 */
export function Disclosure({ summary, children, testId }: { summary: ReactNode; children: () => ReactNode; testId?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="disclosure" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid={testId}>
      <summary>{summary}</summary>
      <div className="disclosure-body">{open ? children() : null}</div>
    </details>
  );
}
