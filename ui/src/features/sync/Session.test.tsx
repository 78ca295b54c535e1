import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { mockBackend, renderApp } from "../../test/render";
import { GOOGLE_CLIENT, OTHER_GOOGLE_CLIENT } from "../../ipc/mock";
import type { Backend } from "../../ipc/backend";

/** March 2026 in the mock library, via the backend (the calendar is exercised in the browser tests). */
async function startMarch(b: Backend) {
  const original = b.previewRange;
  b.previewRange = () => original("2026-03-01", "2026-03-31");
  const start = b.startSync;
  b.startSync = () => start("2026-03-01", "2026-03-31");
  await renderApp(b);
  const btn = screen.getByRole("button", { name: "Start moving" });
  await waitFor(() => expect(btn).toHaveProperty("disabled", false));
  await userEvent.click(btn);
  await screen.findByRole("heading", { level: 1, name: "Moving March 2026" });
}

describe("Session screen", () => {
  it("shows the stepper, progress with bytes and time left, and completes with a summary", async () => {
    const b = mockBackend({ connected: true, speed: 20 });
    const openUrl = vi.spyOn(b, "openUrl");
    await startMarch(b);
    expect(screen.getByText(/Safe to close — you can resume later/)).toBeTruthy();
    expect(screen.getByTestId("session-account").textContent).toBe("Into you@example.com's Google Photos");
    expect(screen.getAllByText("Finding your media").length).toBeGreaterThan(0);
    await waitFor(() => expect(screen.getByTestId("status-line").textContent).toMatch(/^Moving \d+ of \d+ videos and photos$/), { timeout: 5000 });
    await waitFor(() => expect(screen.getByTestId("time-left").textContent).toMatch(/left/), { timeout: 5000 });
    expect(screen.getByRole("progressbar", { name: "Progress" })).toBeTruthy();
    await screen.findByRole("heading", { name: /All done|Finished/ }, { timeout: 15000 });
    // The album opens in the system browser through open_url; the webview never navigates.
    expect(screen.queryByRole("link", { name: /Open album in Google Photos/ })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Open album in Google Photos (opens your browser)" }));
    expect(openUrl).toHaveBeenCalledWith(expect.stringMatching(/^https:\/\/photos\.google\.com\/album\//));
    const album = (await b.listSessions())[0]!.albumUrl;
    expect(openUrl).toHaveBeenLastCalledWith(album);
    expect(document.querySelector("a[target], a[href^='http']")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Export report" }));
    await screen.findByText(/Report saved to/);
  }, 30000);

  it("Pause stops and offers Resume; Resume continues", async () => {
    const b = mockBackend({ connected: true, speed: 2 });
    await startMarch(b);
    await userEvent.click(screen.getByRole("button", { name: /Pause/ }));
    await screen.findByText(/You paused moving/, undefined, { timeout: 5000 });
    expect(screen.getByTestId("status-line").textContent).toMatch(/^Paused after moving/);
    await userEvent.click(screen.getByRole("button", { name: "Resume" }));
    await waitFor(() => expect(screen.getByRole("button", { name: /Pause/ })).toHaveProperty("disabled", false), { timeout: 5000 });
  }, 20000);

  it("Cancel asks first; Keep moving keeps going; Stop ends the session", async () => {
    const b = mockBackend({ connected: true, speed: 2 });
    await startMarch(b);
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(await screen.findByRole("heading", { name: "Stop moving?" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Keep moving" }));
    expect(screen.queryByRole("heading", { name: "Stop moving?" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await userEvent.click(await screen.findByRole("button", { name: "Stop this session" }));
    await screen.findByText(/You stopped this session/, undefined, { timeout: 5000 });
    expect(screen.queryByRole("button", { name: "Resume" })).toBeNull();
  }, 20000);

  it("paused by Google's quota: says when it resets, in words", async () => {
    const b = mockBackend({ connected: true, scenario: "quota", speed: 20 });
    await startMarch(b);
    const reset = await screen.findByTestId("quota-reset", undefined, { timeout: 10000 });
    expect(reset.textContent).toMatch(/Google's limit resets (today|tomorrow) at/);
    expect(screen.getByText(/daily upload limit/)).toBeTruthy();
    // It goes on by itself a little after the reset, and says when; a click still goes on now.
    const countdown = screen.getByTestId("auto-resume-countdown");
    expect(countdown.textContent).toMatch(/^Goes on by itself (today|tomorrow) at \d\d:\d\d( [AP]M)? \((about .+|less than a minute) from now\)\./);
    await userEvent.click(screen.getByRole("button", { name: "Resume now" }));
    await screen.findByRole("heading", { level: 1, name: "Moving March 2026" });
    expect(screen.queryByTestId("auto-resume-countdown")).toBeNull();
    // Resumed by a click: no "carried on by itself".
    expect(screen.queryByTestId("auto-resumed")).toBeNull();
  }, 20000);

  it("paused by Google's quota with going on by itself turned off: a plain Resume, no countdown", async () => {
    const b = mockBackend({ connected: true, scenario: "quota", speed: 20 });
    await b.setSettings({ ...(await b.getSettings()), resumeByItself: false });
    await startMarch(b);
    await screen.findByTestId("quota-reset", undefined, { timeout: 10000 });
    expect(screen.queryByTestId("auto-resume-countdown")).toBeNull();
    expect(screen.getByRole("button", { name: "Resume" })).toBeTruthy();
  }, 20000);

  it("waiting for the network: a calm notice in words, then it goes on by itself", async () => {
    const b = mockBackend({ connected: true, scenario: "offline", outageMs: 1500, speed: 20 });
    await startMarch(b);
    const notice = await screen.findByTestId("network-waiting", undefined, { timeout: 10000 });
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toMatch(/^Waiting for the network/);
    expect(notice.textContent).toMatch(/Google Photos can't be reached right now \(since [^)]+\)\. q2google keeps trying and will continue by itself; nothing is lost\./);
    expect(notice.textContent).toMatch(/You can leave this window open or come back later\./);
    expect(notice.textContent).not.toMatch(/GoPro/);
    expect(notice.className).not.toMatch(/error|warn/);
    // The badge and the notice say it; the line of state keeps its counts.
    expect(screen.getByTestId("status-line").textContent).toMatch(/^Moving \d+ of \d+ videos and photos$/);
    expect(screen.getByTestId("time-left").textContent).toBe("Goes on when the network is back");
    expect(screen.getByText("Waiting for the network", { selector: ".badge" })).toBeTruthy();
    expect(screen.getByText(/Safe to close — you can resume later/)).toBeTruthy();
    expect(screen.getByRole("button", { name: /Pause/ })).toHaveProperty("disabled", false);
    await waitFor(() => expect(screen.queryByTestId("network-waiting")).toBeNull(), { timeout: 5000 });
    expect(screen.queryByText("Waiting for the network", { selector: ".badge" })).toBeNull();
    await screen.findByRole("heading", { name: /All done|Finished/ }, { timeout: 15000 });
  }, 30000);

  it("waiting for both clouds, on Home too; pausing meanwhile ends the waiting", async () => {
    const b = mockBackend({ connected: true, scenario: "offline", offline: ["gopro", "google"], outageMs: 60_000, speed: 20 });
    await startMarch(b);
    const notice = await screen.findByTestId("network-waiting", undefined, { timeout: 10000 });
    expect(notice.textContent).toMatch(/GoPro and Google Photos can't be reached right now/);
    await userEvent.click(screen.getByRole("button", { name: "Home" }));
    expect((await screen.findByTestId("card-network-waiting")).textContent).toMatch(/^GoPro and Google Photos can't be reached/);
    await userEvent.click(screen.getByRole("button", { name: "Show progress" }));
    await screen.findByTestId("network-waiting");
    await userEvent.click(screen.getByRole("button", { name: /Pause/ }));
    await screen.findByText(/You paused moving/, undefined, { timeout: 5000 });
    expect(screen.queryByTestId("network-waiting")).toBeNull();
    expect(screen.getByTestId("status-line").textContent).toMatch(/^Paused after moving/);
  }, 30000);

  it("needs login: one click on Log in again, and it carries on by itself", async () => {
    const b = mockBackend({ connected: true, scenario: "expire", speed: 20 });
    await startMarch(b);
    expect(screen.queryByTestId("auto-resumed")).toBeNull();
    await userEvent.click(await screen.findByRole("button", { name: "Log in to GoPro again" }, { timeout: 10000 }));
    // Same Google account as the session's: no new move offered.
    expect(screen.getByTestId("session-account").textContent).toBe("Into you@example.com's Google Photos");
    expect(screen.queryByRole("button", { name: "Start a new move of these dates" })).toBeNull();
    // No Resume click: the login was the click.
    const notice = await screen.findByTestId("auto-resumed", undefined, { timeout: 10000 });
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toMatch(/^Carried on by itself/);
    expect(notice.textContent).toMatch(/You logged in again/);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Moving March 2026");
    await screen.findByRole("heading", { name: /All done|Finished/ }, { timeout: 15000 });
  }, 30000);
});

const AWAKE_LINE = "Keeping this computer awake while moving";

describe("Session screen: keeping the computer awake", () => {
  it("says so quietly while the run holds it; not while paused, again once resumed", async () => {
    const b = mockBackend({ connected: true, speed: 2 });
    await startMarch(b);
    const line = await screen.findByTestId("keeping-awake");
    expect(line.textContent.trim()).toBe(AWAKE_LINE);
    // Quiet: not a notice, a warning or a live region.
    expect(line.tagName).toBe("P");
    expect(line.className).not.toMatch(/notice|warn|error/);
    expect(line.getAttribute("role")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: /Pause/ }));
    await screen.findByText(/You paused moving/, undefined, { timeout: 5000 });
    expect(screen.queryByTestId("keeping-awake")).toBeNull();
    expect(screen.queryByText(AWAKE_LINE)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Resume" }));
    await screen.findByTestId("keeping-awake", undefined, { timeout: 5000 });
  }, 20000);

  it("is gone when the session completes", async () => {
    const b = mockBackend({ connected: true, speed: 20 });
    await startMarch(b);
    await screen.findByTestId("keeping-awake");
    await screen.findByRole("heading", { name: /All done|Finished/ }, { timeout: 15000 });
    expect(screen.queryByText(AWAKE_LINE)).toBeNull();
  }, 30000);

  it("not shown while running when the setting is off, or when the system refused", async () => {
    const off = mockBackend({ connected: true, speed: 2 });
    await off.setSettings({ ...(await off.getSettings()), keepAwake: false });
    const refused = mockBackend({ connected: true, speed: 2, awakeRefused: true });
    for (const [label, b] of [
      ["setting off", off],
      ["refused", refused],
    ] as const) {
      const awake = vi.fn();
      b.on("sync://awake", awake);
      await startMarch(b);
      await waitFor(() => expect(screen.getByTestId("time-left").textContent).toMatch(/left/), { timeout: 5000 });
      // The run did say, at its start, that it keeps nothing awake.
      expect(awake, label).toHaveBeenCalledWith({ sessionId: expect.any(String) as string, keepingAwake: false });
      expect(screen.getByRole("button", { name: /Pause/ }), label).toBeTruthy();
      expect(screen.queryByTestId("keeping-awake"), label).toBeNull();
      expect(screen.queryByText(AWAKE_LINE), label).toBeNull();
      cleanup();
    }
  }, 20000);

  it("a run already holding it when the app opens (app_state's keepingAwake)", async () => {
    const b = mockBackend({ connected: true, speed: 2 });
    await b.startSync("2026-03-01", "2026-03-31");
    expect((await b.appState()).keepingAwake).toBe(true);
    const on = b.on;
    // The app opens after the run's event went by: it knows only from app_state.
    b.on = (event, cb) => (event === "sync://awake" ? () => undefined : on(event, cb));
    await renderApp(b);
    await userEvent.click(await screen.findByRole("button", { name: "Show progress" }));
    await screen.findByRole("heading", { level: 1, name: "Moving March 2026" });
    expect(screen.getByTestId("keeping-awake").textContent.trim()).toBe(AWAKE_LINE);
    await b.pauseSync();
    await screen.findByText(/You paused moving/, undefined, { timeout: 5000 });
    expect(screen.queryByTestId("keeping-awake")).toBeNull();
  }, 20000);
});

/** The other-account session of the `otheraccount` scenario (March 2026), opened from History. */
async function openOtherAccountSession(b: Backend, rowAccount: string | null = "into jane@example.com") {
  await renderApp(b);
  await userEvent.click(screen.getByRole("button", { name: "History" }));
  const table = await screen.findByRole("table");
  const [row] = within(table).getAllByRole("row").slice(1);
  expect(within(row!).queryByTestId("history-account")?.textContent ?? null).toBe(rowAccount);
  await userEvent.click(within(row!).getByRole("button", { name: /open details/ }));
  await screen.findByRole("heading", { level: 1, name: "March 2026" });
}

describe("Session screen: moving into another Google account", () => {
  it("signed in to another account: the session says whose it is, and offers a new move of its dates", async () => {
    const b = mockBackend({ scenario: "otheraccount", speed: 20 });
    const startSync = vi.spyOn(b, "startSync");
    await openOtherAccountSession(b);
    expect(screen.getByTestId("session-account").textContent).toBe("Into jane@example.com's Google Photos");
    expect(screen.getByText("Signed in to a different Google account")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in to Google as jane@example.com" })).toBeTruthy();
    // Resume would only stop again: it is not offered while signed in to the other account.
    expect(screen.queryByRole("button", { name: "Resume" })).toBeNull();
    const old = (await b.listSessions())[0]!;

    await userEvent.click(screen.getByRole("button", { name: "Start a new move of these dates" }));
    expect(startSync).toHaveBeenCalledTimes(1);
    expect(startSync).toHaveBeenCalledWith("2026-03-01", "2026-03-31");
    await screen.findByRole("heading", { level: 1, name: "Moving March 2026" });
    expect(screen.getByTestId("session-account").textContent).toBe("Into you@example.com's Google Photos");
    // A new session over the same dates, first in the history; the other account's one stays.
    const [fresh, kept] = await b.listSessions();
    expect(fresh).toMatchObject({ rangeFrom: "2026-03-01", rangeTo: "2026-03-31", googleAccount: "you@example.com" });
    expect(fresh!.id).not.toBe(old.id);
    expect(kept).toMatchObject({ id: old.id, googleAccount: "jane@example.com" });
  }, 20000);

  it("decides from the data, not the words: no account recorded, no account line and no new move", async () => {
    const b = mockBackend({ scenario: "otheraccount" });
    const list = b.listSessions;
    b.listSessions = async () => (await list()).map((s) => ({ ...s, googleAccount: null }));
    const state = b.appState;
    b.appState = async () => {
      const st = await state();
      return { ...st, current: st.current && { ...st.current, googleAccount: null } };
    };
    await openOtherAccountSession(b, null);
    // The reason still speaks of another account; the screen goes by googleAccount only.
    expect(screen.getByText(/but you are signed in to Google as you@example\.com/, { selector: ".notice-body p" })).toBeTruthy();
    expect(screen.queryByTestId("session-account")).toBeNull();
    expect(screen.queryByRole("button", { name: "Start a new move of these dates" })).toBeNull();
    expect(screen.getByRole("button", { name: "Resume" })).toBeTruthy();
  });

  it("a failed new move says why, in words, and stays on the session", async () => {
    const b = mockBackend({ scenario: "otheraccount" });
    b.startSync = () => Promise.reject({ code: "Busy", message: "Another session is already moving. Pause it or let it finish first." });
    await openOtherAccountSession(b);
    await userEvent.click(screen.getByRole("button", { name: "Start a new move of these dates" }));
    await screen.findByText(/Another session is already moving/);
    expect(screen.getByRole("heading", { level: 1, name: "March 2026" })).toBeTruthy();
  });

  it("started through another OAuth client: says so, offers only a new move, and the new one goes through this client", async () => {
    const b = mockBackend({ scenario: "otherclient", speed: 20 });
    const startSync = vi.spyOn(b, "startSync");
    await openOtherAccountSession(b, "into you@example.com");
    expect(screen.getByText("Started with a different Google sign-in setup")).toBeTruthy();
    expect(screen.getByText(/Google lets an app add only to the albums it made with the same client/, { selector: ".notice-body p" })).toBeTruthy();
    // Same account: no sign-in to offer; Resume would only stop again.
    expect(screen.queryByRole("button", { name: /Sign in to Google/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "Resume" })).toBeNull();
    const old = (await b.listSessions())[0]!;

    await userEvent.click(screen.getByRole("button", { name: "Start a new move of these dates" }));
    expect(startSync).toHaveBeenCalledWith("2026-03-01", "2026-03-31");
    await screen.findByRole("heading", { level: 1, name: "Moving March 2026" });
    const [fresh, kept] = await b.listSessions();
    expect(fresh).toMatchObject({ googleAccount: "you@example.com", googleClient: GOOGLE_CLIENT });
    expect(kept).toMatchObject({ id: old.id, googleClient: OTHER_GOOGLE_CLIENT });
  }, 20000);
});
