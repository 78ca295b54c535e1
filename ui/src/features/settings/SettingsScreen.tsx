import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Icon } from "../../components/Icon";
import { ScreenHeading } from "../../components/ScreenHeading";
import { Spinner } from "../../components/Spinner";
import { toCommandError } from "../../ipc/backend";
import type { Cloud, CommandError, Settings, Theme } from "../../ipc/types";
import { TokenDialog } from "../auth/TokenDialog";
import { Updates } from "./Updates";

const NAMES: Record<Cloud, string> = { gopro: "GoPro", google: "Google Photos" };

export function SettingsScreen() {
  const { settings } = useApp();
  if (!settings) return <Spinner label="Loading settings…" />;
  return <SettingsForm initial={settings} />;
}

function SettingsForm({ initial }: { initial: Settings }) {
  const { backend, setSettings, announce, app, setAccount, login, reload } = useApp();
  const [draft, setDraft] = useState<Settings>(initial);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [capText, setCapText] = useState(initial.bandwidthCapMbps?.toString() ?? "50");
  // Write-only: what the person typed this time (never what is saved; the backend never sends it).
  const [secretText, setSecretText] = useState("");
  const [tokenOpen, setTokenOpen] = useState(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);

  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setSaved(false);
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const s = await backend.setSettings(draft);
      setSettings(s);
      setDraft(s);
      setSecretText("");
      setSaved(true);
      announce("Settings saved.");
      if (s.demoMode !== initial.demoMode) await reload();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setSaving(false);
    }
  };

  const logout = async (cloud: Cloud) => {
    try {
      setAccount(await backend.logout(cloud));
      announce(`Logged out of ${NAMES[cloud]}.`);
    } catch (e) {
      setError(toCommandError(e));
    }
  };

  const example = draft.albumNamePattern.replaceAll("{from}", "2026-03-01").replaceAll("{to}", "2026-03-31");

  return (
    <>
      <form
        className="settings-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <ScreenHeading>Settings</ScreenHeading>

        <fieldset>
          <legend>Albums</legend>
          <label className="check">
            <input type="checkbox" checked={draft.albumPerSession} onChange={(e) => set("albumPerSession", e.target.checked)} />
            <span>Put each session's photos and videos in their own album</span>
          </label>
          <label className="field">
            <span className="field-label">Album name</span>
            <input
              type="text"
              value={draft.albumNamePattern}
              disabled={!draft.albumPerSession}
              onChange={(e) => set("albumNamePattern", e.target.value)}
              aria-describedby="album-help"
            />
            <span id="album-help" className="field-help">
              {"{from}"} and {"{to}"} become the first and last day. Example: “{example}”
            </span>
          </label>
        </fieldset>

        <fieldset>
          <legend>What to include</legend>
          <label className="check">
            <input type="checkbox" checked={draft.includeRaw} onChange={(e) => set("includeRaw", e.target.checked)} />
            <span>
              RAW photos (.GPR files)
              <span className="field-help"> — large; most people don't need them in Google Photos.</span>
            </span>
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.includeJoinedVideo} onChange={(e) => set("includeJoinedVideo", e.target.checked)} />
            <span>
              Joined full-length videos
              <span className="field-help"> — GoPro's one-piece copy of a long video, besides its chapters (uses twice the space).</span>
            </span>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.correctVideoTimes}
              onChange={(e) => set("correctVideoTimes", e.target.checked)}
              aria-describedby="video-times-help"
            />
            <span>
              Correct video times from older GoPros
              <span id="video-times-help" className="field-help">
                {" "}
                — GoPros before the HERO11 save the camera's local time in a way Google Photos reads as UTC, so their videos
                show up hours away from the photos of the same moment. This fixes the time inside each video as it moves;
                nothing else in the file changes. The cost: a corrected video no longer matches a copy you may already have
                in Google Photos (from your phone, say), so Google keeps both.
              </span>
            </span>
          </label>
        </fieldset>

        <fieldset>
          <legend>Speed</legend>
          <label className="field">
            <span className="field-label">Most files moved at the same time</span>
            <input
              type="number"
              min={1}
              max={64}
              step={1}
              value={draft.concurrency}
              onChange={(e) => set("concurrency", Number(e.target.value))}
              aria-describedby="conc-help"
            />
            <span id="conc-help" className="field-help">
              1 to 64. q2google finds the fastest number by itself, up to this; fewer leaves room
              for other things on your connection.
            </span>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.bandwidthCapMbps !== null}
              onChange={(e) => set("bandwidthCapMbps", e.target.checked ? Number(capText) || 50 : null)}
            />
            <span>Limit the speed, so the internet stays quick for everyone else</span>
          </label>
          {draft.bandwidthCapMbps !== null ? (
            <label className="field">
              <span className="field-label">Speed limit (Mbit/s)</span>
              <input
                type="number"
                min={1}
                step={1}
                value={capText}
                onChange={(e) => {
                  setCapText(e.target.value);
                  set("bandwidthCapMbps", Number(e.target.value));
                }}
              />
            </label>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>While moving</legend>
          <label className="check">
            <input type="checkbox" checked={draft.keepAwake} onChange={(e) => set("keepAwake", e.target.checked)} />
            <span>
              Keep this computer awake while moving
              <span className="field-help"> — your computer will not go to sleep on its own during a move. The screen can still turn off and lock.</span>
            </span>
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.resumeByItself} onChange={(e) => set("resumeByItself", e.target.checked)} />
            <span>
              Go on by itself
              <span className="field-help">
                {" "}
                — when q2google opens again after being closed in the middle of a move, and when Google's daily limit resets, the move carries on without you pressing Resume.
              </span>
            </span>
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.startAtLogin} onChange={(e) => set("startAtLogin", e.target.checked)} />
            <span>
              Start q2google when I log in
              <span className="field-help"> — so a move that a restart of your computer interrupted goes on in the background.</span>
            </span>
          </label>
        </fieldset>

        <fieldset>
          <legend>Appearance</legend>
          <div role="radiogroup" aria-label="Theme" className="row">
            {(["system", "light", "dark"] as Theme[]).map((t) => (
              <label key={t} className="check">
                <input type="radio" name="theme" value={t} checked={draft.theme === t} onChange={() => set("theme", t)} />
                <span>{t === "system" ? "Same as my computer" : t === "light" ? "Light" : "Dark"}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>Demo</legend>
          <label className="check">
            <input type="checkbox" checked={draft.demoMode} onChange={(e) => set("demoMode", e.target.checked)} />
            <span>
              Demo mode
              <span className="field-help"> — uses sample data instead of your accounts. Nothing real is moved.</span>
            </span>
          </label>
        </fieldset>

        <fieldset>
          <legend>Accounts</legend>
          {app
            ? (["gopro", "google"] as Cloud[]).map((cloud) => {
                const a = app[cloud];
                return (
                  <div key={cloud} className="row account-row">
                    <span>
                      <strong>{NAMES[cloud]}</strong>: {a.connected ? `logged in as ${a.label ?? "you"}` : "not connected"}
                    </span>
                    {a.connected ? (
                      <button type="button" className="btn btn-small" onClick={() => void logout(cloud)}>
                        Log out of {NAMES[cloud]}
                      </button>
                    ) : (
                      <button type="button" className="btn btn-small" onClick={() => void login(cloud)}>
                        Log in to {NAMES[cloud]}
                      </button>
                    )}
                  </div>
                );
              })
            : null}
          <p className="field-help">Logging out pauses a running session; nothing already moved is touched.</p>
          <div className="token-fallback">
            <p className="field-help">
              GoPro's login window not working? You can connect with a token instead: sign in to GoPro in your web
              browser, then copy the value of its <code>gp_access_token</code> cookie (in the browser's developer tools,
              under Cookies for gopro.com).
            </p>
            <button type="button" className="btn btn-small" onClick={() => setTokenOpen(true)}>
              Paste a GoPro token
            </button>
          </div>
        </fieldset>

        <details className="disclosure">
          <summary>Advanced</summary>
          <div className="disclosure-body">
            <label className="field">
              <span className="field-label">Google client ID</span>
              <input
                type="text"
                value={draft.googleClientId ?? ""}
                placeholder="Leave empty to use the app's own"
                onChange={(e) => set("googleClientId", e.target.value.trim() === "" ? null : e.target.value.trim())}
                aria-describedby="client-help"
              />
              <span id="client-help" className="field-help">
                Only if you set up your own Google Cloud project. Changing it means logging in to Google again.
              </span>
            </label>
            <label className="field">
              <span className="field-label">Google client secret</span>
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={secretText}
                placeholder={draft.googleClientSecretSaved ? "Saved — type a new one to replace it" : "Only with your own client ID"}
                onChange={(e) => {
                  setSecretText(e.target.value);
                  set("googleClientSecret", e.target.value.trim() === "" ? null : e.target.value.trim());
                }}
                aria-describedby="secret-help"
              />
              <span id="secret-help" className="field-help">
                {draft.googleClientSecretSaved ? (
                  <span className="secret-saved" data-testid="secret-saved">
                    <Icon name="lock" className="icon-inline" />
                    Saved in your keyring.
                  </span>
                ) : null}{" "}
                The secret of your own Google Cloud client, if it has one. It's kept in your system's keyring and never
                shown again.
              </span>
            </label>
            <button type="button" className="btn" onClick={() => void backend.openLogsFolder()}>
              Open logs folder
            </button>
          </div>
        </details>

        {error ? <ErrorNotice error={error} /> : null}
        <div className="settings-actions">
          <button type="submit" className="btn btn-primary" disabled={saving || !dirty}>
            {saving ? "Saving…" : "Save settings"}
          </button>
          {dirty ? (
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => {
                setDraft(initial);
                setSecretText("");
              }}
            >
              Undo changes
            </button>
          ) : null}
          <span aria-live="polite" className="muted">
            {saved && !dirty ? "Saved." : dirty ? "You have unsaved changes." : ""}
          </span>
        </div>
      </form>
      <Updates />
      <TokenDialog open={tokenOpen} onClose={() => setTokenOpen(false)} />
    </>
  );
}
