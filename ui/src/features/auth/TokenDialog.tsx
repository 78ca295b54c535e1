import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { toCommandError } from "../../ipc/backend";
import type { CommandError } from "../../ipc/types";

/** The paste-a-token fallback when GoPro's sign-in window does not work. */
export function TokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { backend, setAccount, announce } = useApp();
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const a = await backend.loginGoproToken(token);
      setAccount(a);
      announce("GoPro is connected.");
      setToken("");
      onClose();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      title="Connect GoPro with a token"
      onClose={onClose}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="token-form" className="btn btn-primary" disabled={busy || token.trim() === ""}>
            {busy ? "Checking…" : "Connect"}
          </button>
        </>
      }
    >
      <form
        id="token-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">
          If the sign-in window stays blank, sign in to GoPro in your web browser instead. GoPro keeps your login in a
          cookie named <code>gp_access_token</code>: open the browser's developer tools (F12), find the cookies for
          gopro.com (under Application or Storage), and copy that cookie's value here. It stays on this computer, in
          your system's password store.
        </p>
        <label className="field">
          <span className="field-label">GoPro token</span>
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        {error ? <ErrorNotice error={error} /> : null}
      </form>
    </Dialog>
  );
}
