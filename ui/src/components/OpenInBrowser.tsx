import { useState, type ReactNode } from "react";
import { useApp } from "../app/AppContext";
import { toCommandError } from "../ipc/backend";
import type { CommandError } from "../ipc/types";
import { Icon } from "./Icon";

/**
 * An external link (Google Photos) as a button: the backend opens it in the person's browser
 * (`open_url`), so the webview itself never navigates away. Styled as a link by default.
 * `compact` (e.g. in a list row) announces a failure instead of showing it inline.
 */
export function OpenInBrowser({
  url,
  children,
  className,
  compact = false,
}: {
  url: string;
  children: ReactNode;
  className?: string;
  compact?: boolean;
}) {
  const { backend, announce } = useApp();
  const [error, setError] = useState<CommandError | null>(null);
  const open = async () => {
    setError(null);
    try {
      await backend.openUrl(url);
    } catch (e) {
      const err = toCommandError(e);
      if (compact) announce(err.message);
      else setError(err);
    }
  };
  return (
    <>
      <button type="button" className={className ?? "btn-link"} onClick={() => void open()}>
        {children}
        <Icon name="external" className="icon-inline" />
        <span className="visually-hidden"> (opens your browser)</span>
      </button>
      {error ? (
        <span className="inline-error small" role="alert">
          {error.message}
        </span>
      ) : null}
    </>
  );
}
