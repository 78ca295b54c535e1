import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { AccountChip } from "../../components/AccountChip";
import type { Cloud } from "../../ipc/types";

/** Both accounts, always visible: logged in as …, or a Log in button. */
export function AccountChips() {
  const { app, login, announce } = useApp();
  const [busy, setBusy] = useState<Cloud | null>(null);
  if (!app) return null;
  const doLogin = async (cloud: Cloud) => {
    setBusy(cloud);
    const err = await login(cloud);
    setBusy(null);
    if (err) announce(err.message);
  };
  return (
    <div className="chips" aria-label="Accounts" role="group">
      <AccountChip account={app.gopro} busy={busy === "gopro"} onLogin={() => void doLogin("gopro")} />
      <AccountChip account={app.google} busy={busy === "google"} onLogin={() => void doLogin("google")} />
      {app.demo ? <span className="chip chip-demo">Demo — sample data</span> : null}
    </div>
  );
}
