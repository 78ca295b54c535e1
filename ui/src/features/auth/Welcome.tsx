import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Icon } from "../../components/Icon";
import { toCommandError } from "../../ipc/backend";
import type { AccountStatus, Cloud, CommandError } from "../../ipc/types";
import { TokenDialog } from "./TokenDialog";
import { ScreenHeading } from "../../components/ScreenHeading";
import { AppNotice } from "../../app/AppNotice";

function StepCard({
  n,
  title,
  what,
  account,
  busy,
  disabled,
  primary,
  onConnect,
  button,
  children,
}: {
  n: number;
  title: string;
  what: string;
  account: AccountStatus | undefined;
  busy: boolean;
  disabled: boolean;
  primary: boolean;
  onConnect: () => void;
  button: string;
  children?: React.ReactNode;
}) {
  const done = Boolean(account?.connected && !account.problem);
  return (
    <li className={`welcome-step ${done ? "is-done" : ""}`}>
      <span className="welcome-step-marker" aria-hidden="true">
        {done ? <Icon name="check" /> : n}
      </span>
      <div className="welcome-step-body">
        <h2 className="welcome-step-title">
          {title}
          {done ? <span className="visually-hidden"> — done</span> : null}
        </h2>
        {done ? (
          <p className="success-text">
            <Icon name="check" className="icon-inline" /> Connected as <strong>{account?.label ?? "you"}</strong>
          </p>
        ) : (
          <>
            <p className="muted">{what}</p>
            <button
              type="button"
              className={`btn ${primary ? "btn-primary" : ""}`}
              onClick={onConnect}
              disabled={busy || disabled}
              aria-describedby={busy ? `wait-${n}` : undefined}
            >
              {busy ? "Waiting for you to sign in…" : button}
            </button>
            {busy ? (
              <p id={`wait-${n}`} className="muted small">
                Finish signing in in the window that opened, then come back here.
              </p>
            ) : null}
            {children}
          </>
        )}
      </div>
    </li>
  );
}

export function Welcome() {
  const { app, login, backend, reload, settings, setSettings, go, announce } = useApp();
  const [busy, setBusy] = useState<Cloud | "demo" | "finish" | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const [tokenOpen, setTokenOpen] = useState(false);
  const goproDone = Boolean(app?.gopro.connected);
  const googleDone = Boolean(app?.google.connected);

  const connect = async (cloud: Cloud) => {
    setBusy(cloud);
    setError(null);
    const err = await login(cloud);
    setBusy(null);
    if (err) setError(err);
  };

  const finish = async () => {
    setBusy("finish");
    try {
      await backend.finishWelcome();
      await reload();
      go({ name: "home" });
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };

  const tryDemo = async () => {
    if (!settings) return;
    setBusy("demo");
    setError(null);
    try {
      const s = await backend.setSettings({ ...settings, demoMode: true });
      setSettings(s);
      await backend.finishWelcome();
      announce("Demo mode is on: everything uses sample data.");
      await reload();
      go({ name: "home" });
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="welcome">
      <ScreenHeading>Move your GoPro videos and photos to Google Photos</ScreenHeading>
      <AppNotice />
      <p className="lead">
        Two quick steps. Nothing is ever deleted from your GoPro cloud — the app only copies.
      </p>
      <ol className="welcome-steps">
        <StepCard
          n={1}
          title="Connect GoPro"
          what="A GoPro sign-in window opens. Sign in as you do on the GoPro website."
          account={app?.gopro}
          busy={busy === "gopro"}
          disabled={busy !== null}
          primary={!goproDone}
          onConnect={() => void connect("gopro")}
          button="Connect GoPro"
        >
          <button type="button" className="btn-link small" onClick={() => setTokenOpen(true)}>
            Trouble with the sign-in window?
          </button>
        </StepCard>
        <StepCard
          n={2}
          title="Connect Google Photos"
          what="Your browser opens Google's sign-in page. Allow the app to add to your library."
          account={app?.google}
          busy={busy === "google"}
          disabled={busy !== null}
          primary={goproDone && !googleDone}
          onConnect={() => void connect("google")}
          button="Connect Google Photos"
        />
      </ol>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="welcome-footer">
        {goproDone && googleDone ? (
          <button type="button" className="btn btn-primary btn-large" onClick={() => void finish()} disabled={busy !== null}>
            Continue
          </button>
        ) : null}
        {goproDone && googleDone ? null : (
          <p>
            Just looking?{" "}
            <button type="button" className="btn-link" onClick={() => void tryDemo()} disabled={busy !== null}>
              {busy === "demo" ? "Starting the demo…" : "Try the demo"}
            </button>{" "}
            <span className="muted">— runs everything on sample data, without your accounts.</span>
          </p>
        )}
      </div>
      <TokenDialog open={tokenOpen} onClose={() => setTokenOpen(false)} />
    </div>
  );
}
