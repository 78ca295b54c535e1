import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { ErrorNotice } from "../../components/ErrorNotice";
import { toCommandError } from "../../ipc/backend";
import type { CommandError, UpdateCheck } from "../../ipc/types";

/**
 * Settings → Updates: this version, "Check for updates", and when a newer one exists its notes
 * and "Install and restart". Installing pauses a move at a checkpoint first; the restarted app
 * goes on with it by itself. A download whose signature is not q2google's is refused.
 */
export function Updates() {
  const { backend, app } = useApp();
  const [check, setCheck] = useState<UpdateCheck | null>(null);
  const [busy, setBusy] = useState<"checking" | "installing" | null>(null);
  const [error, setError] = useState<CommandError | null>(null);

  const run = async (what: "checking" | "installing") => {
    setBusy(what);
    setError(null);
    try {
      setCheck(await (what === "checking" ? backend.checkForUpdates() : backend.installUpdate()));
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };

  const available = check?.available ?? null;
  return (
    <div className="settings-form">
      <fieldset>
        <legend>Updates</legend>
        <p data-testid="app-version">You have q2google {check?.currentVersion ?? app?.version ?? ""}.</p>
        {check && !available ? <p data-testid="update-status">This is the latest version.</p> : null}
        {available ? (
          <div data-testid="update-status">
            <p>
              <strong>Version {available.version} is available.</strong> A move in progress pauses at a checkpoint,
              q2google restarts with the new version, and the move goes on by itself.
            </p>
            {available.notes ? <p className="field-help">{available.notes}</p> : null}
          </div>
        ) : null}
        {busy === "installing" ? (
          <p aria-live="polite">Downloading and checking the update… q2google restarts by itself when it is installed.</p>
        ) : null}
        {error ? <ErrorNotice error={error} /> : null}
        <div className="settings-actions">
          <button type="button" className="btn" onClick={() => void run("checking")} disabled={busy !== null}>
            {busy === "checking" ? "Checking…" : "Check for updates"}
          </button>
          {available ? (
            <button type="button" className="btn btn-primary" onClick={() => void run("installing")} disabled={busy !== null}>
              {busy === "installing" ? "Installing…" : "Install and restart"}
            </button>
          ) : null}
        </div>
      </fieldset>
    </div>
  );
}
