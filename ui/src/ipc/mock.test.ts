import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Backend } from "./backend";
import {
  createMockBackend,
  GOOGLE_ACCOUNT,
  mockOptionsFromUrl,
  OTHER_GOOGLE_ACCOUNT,
  QUOTA_RESUME_MARGIN_MS,
  otherAccountReason,
  type MockOptions,
} from "./mock";
import type { EventMap, Metrics, NetworkEvent, SessionView, StageEvent } from "./types";

function make(opts: MockOptions = {}): Backend {
  return createMockBackend({ latencyMs: 0, tickMs: 250, speed: 10, connected: true, ...opts });
}

/** Collects every event of a backend. */
function record(b: Backend) {
  const sessions: SessionView[] = [];
  const stages: StageEvent[] = [];
  const metrics: Metrics[] = [];
  const items: EventMap["sync://item"][] = [];
  b.on("sync://session", (e) => sessions.push(e.session));
  b.on("sync://stage", (e) => stages.push(e));
  b.on("sync://metrics", (e) => metrics.push(e.metrics));
  b.on("sync://item", (e) => items.push(e));
  return { sessions, stages, metrics, items };
}

async function runUntil(cond: () => boolean, maxMs = 120_000) {
  for (let t = 0; t < maxMs && !cond(); t += 250) await vi.advanceTimersByTimeAsync(250);
  expect(cond()).toBe(true);
}

describe("mock backend", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "setInterval", "clearTimeout", "clearInterval", "Date"] });
    vi.setSystemTime(new Date("2026-05-20T10:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads its options from the page URL", () => {
    expect(mockOptionsFromUrl(new URLSearchParams("mock=1&demo=1&scenario=quota&speed=4&latency=0"))).toEqual({
      demo: true,
      scenario: "quota",
      speed: 4,
      latencyMs: 0,
    });
  });

  it("first run: nobody is logged in; logins flip the accounts and tell listeners", async () => {
    const b = createMockBackend({ latencyMs: 0 });
    const changed: string[] = [];
    b.on("auth://changed", (e) => changed.push(`${e.account.cloud}:${String(e.account.connected)}`));
    const s = await b.appState();
    expect(s.firstRun).toBe(true);
    expect(s.gopro.connected).toBe(false);
    await expect(b.previewRange("2026-03-01", "2026-03-31")).rejects.toMatchObject({ code: "NotLoggedIn" });
    await b.loginGopro();
    await b.loginGoogle();
    expect(changed).toEqual(["gopro:true", "google:true"]);
    await b.finishWelcome();
    expect((await b.appState()).firstRun).toBe(false);
  });

  it("previews a range from the fake library, with skips and cannot-move reasons", async () => {
    const b = make();
    const march = await b.previewRange("2026-03-01", "2026-03-31");
    expect(march.photos + march.videos).toBe(march.files);
    expect(march.files).toBeGreaterThan(20);
    expect(march.bytes).toBeGreaterThan(1e9);
    const all = await b.previewRange("2026-01-01", "2026-05-31");
    expect(all.cannotMove[0]?.reason).toBe("360° videos");
    expect(all.alreadyInGoogle).toBeGreaterThan(0);
    const empty = await b.previewRange("2026-07-01", "2026-07-31");
    expect(empty.files).toBe(0);
    await expect(b.previewRange("2026-03-31", "2026-03-01")).rejects.toMatchObject({ code: "InvalidInput" });
    // The end day is included: a one-day range equals that day's media.
    const days = await Promise.all(["2026-03-14", "2026-03-15"].map((d) => b.previewRange(d, d)));
    const both = await b.previewRange("2026-03-14", "2026-03-15");
    expect(both.files).toBe(days[0]!.files + days[1]!.files);
  });

  it("a preview's sample: at most 120 of its photos and videos, newest first, each with a thumbnail", async () => {
    const b = make();
    const march = await b.previewRange("2026-03-01", "2026-03-31");
    expect(march.toMove).toBe(march.files - march.alreadyInGoogle);
    expect(march.sample.length).toBe(Math.min(120, march.toMove));
    expect(march.sample.filter((m) => m.kind === "photo").length).toBeLessThanOrEqual(march.photos);
    expect(march.sample.filter((m) => m.kind === "video").length).toBeLessThanOrEqual(march.videos);
    expect(new Set(march.sample.map((m) => m.id)).size).toBe(march.sample.length);
    const times = march.sample.map((m) => m.capturedAt ?? "");
    expect(times).toEqual([...times].sort().reverse());
    expect(times.every((t) => t >= "2026-03-01" && t < "2026-04-01")).toBe(true);
    expect(march.sample.some((m) => m.filename.endsWith(".360"))).toBe(false);
    const all = await b.previewRange("2026-01-01", "2026-05-31");
    expect(all.files).toBeGreaterThan(120);
    expect(all.sample.length).toBe(120);
    expect((await b.previewRange("2026-07-01", "2026-07-31")).sample).toEqual([]);

    const [photo, video] = [march.sample.find((m) => m.kind === "photo")!, march.sample.find((m) => m.kind === "video")!];
    const url = await b.previewThumbnail(photo.id);
    expect(url).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = atob(url.slice(url.indexOf(",") + 1));
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 160 120"/);
    expect(await b.previewThumbnail(photo.id)).toBe(url); // deterministic
    expect(await b.previewThumbnail(video.id)).not.toBe(url);
    await expect(b.previewThumbnail("nope")).rejects.toMatchObject({ code: "NotFound" });
    await b.logout("gopro");
    await expect(b.previewThumbnail(photo.id)).rejects.toMatchObject({ code: "NotLoggedIn" });
  });

  it("runs a whole sync: stages in order, items through their states, metrics, completion", async () => {
    const b = make();
    const ev = record(b);
    const started = await b.startSync("2026-03-01", "2026-03-31");
    expect(started.status).toBe("running");
    await expect(b.startSync("2026-04-01", "2026-04-30")).rejects.toMatchObject({ code: "Busy" });
    await runUntil(() => ev.sessions.some((s) => s.status === "completed"));
    const done = ev.sessions.at(-1)!;
    expect(ev.stages.filter((s) => s.state === "done").map((s) => s.stage)).toEqual(["discovery", "transfer", "create"]);
    expect(done.counts.created + done.counts.failed).toBe(done.counts.total);
    expect(done.counts.skipped).toBeGreaterThan(0);
    expect(done.albumUrl).toContain(done.id);
    expect(done.finishedAt).not.toBeNull();
    // Metrics: at most 4 a second, a throughput curve, an ETA while moving.
    expect(ev.metrics.length).toBeGreaterThan(10);
    const moving = ev.metrics.filter((m) => m.throughputBps > 0);
    expect(Math.max(...moving.map((m) => m.throughputBps))).toBeGreaterThan(5e6);
    expect(moving.some((m) => m.etaSecs !== null && m.etaSecs > 0)).toBe(true);
    expect(ev.metrics.at(-1)!.samples.length).toBeGreaterThan(5);
    const states = new Set(ev.items.map((e) => e.item.state));
    for (const s of ["discovered", "uploading", "uploaded", "creating", "created", "skipped"]) expect(states).toContain(s);
    const items = await b.sessionItems(done.id);
    expect(items.length).toBe(done.counts.total + done.counts.skipped);
    expect((await b.listSessions())[0]?.id).toBe(done.id);
    expect(await b.exportReport(done.id)).toMatch(/\.csv$/);
  });

  it("pauses at the next tick and resumes where it stopped", async () => {
    const b = make();
    const ev = record(b);
    const s = await b.startSync("2026-01-01", "2026-05-31");
    await runUntil(() => ev.metrics.some((m) => m.bytesUploaded > 0));
    await b.pauseSync();
    await runUntil(() => ev.sessions.at(-1)?.status === "paused");
    const paused = ev.sessions.at(-1)!;
    expect(paused.resumable).toBe(true);
    expect(paused.statusReason).toMatch(/paused/i);
    const n = ev.metrics.length;
    await vi.advanceTimersByTimeAsync(2000);
    expect(ev.metrics.length).toBe(n); // nothing moves while paused
    const resumed = await b.resumeSession(s.id);
    expect(resumed.status).toBe("running");
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");
  });

  it("cancels: the session ends and cannot be resumed", async () => {
    const b = make();
    const ev = record(b);
    const s = await b.startSync("2026-01-01", "2026-05-31");
    await vi.advanceTimersByTimeAsync(1000);
    await b.cancelSync();
    await runUntil(() => ev.sessions.at(-1)?.status === "cancelled");
    expect(ev.sessions.at(-1)!.resumable).toBe(false);
    await expect(b.resumeSession(s.id)).rejects.toMatchObject({ code: "InvalidInput" });
  });

  it("quota scenario: pauses with Google's reset time, then resumes to the end", async () => {
    const b = make({ scenario: "quota" });
    const ev = record(b);
    const s = await b.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => ev.sessions.at(-1)?.status === "paused");
    const paused = ev.sessions.at(-1)!;
    expect(paused.quotaResetsAt).not.toBeNull();
    expect(new Date(paused.quotaResetsAt!).getTime()).toBeGreaterThan(Date.now());
    expect(paused.statusReason).toMatch(/daily upload limit/);
    expect(paused.counts.created).toBeGreaterThan(0);
    await b.resumeSession(s.id);
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");
  });

  it("expired GoPro login: needs_login, resume refused until logged in again, then it goes on by itself", async () => {
    const b = make({ scenario: "expire" });
    const ev = record(b);
    const plans: EventMap["sync://auto-resume"][] = [];
    b.on("sync://auto-resume", (e) => plans.push(e));
    const s = await b.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => ev.sessions.at(-1)?.status === "needs_login");
    expect((await b.appState()).gopro.connected).toBe(false);
    await expect(b.resumeSession(s.id)).rejects.toMatchObject({ code: "TokenExpired" });
    expect(plans).toEqual([]);
    // The sign-in alone: no resume_session call.
    await b.loginGopro();
    expect(ev.sessions.at(-1)?.status).toBe("running");
    expect(plans).toEqual([{ autoResume: { sessionId: s.id, why: "login", at: null } }]);
    expect((await b.appState()).autoResume).toEqual({ sessionId: s.id, why: "login", at: null });
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");
  });

  it("quota pause: goes on by itself at the reset plus the margin; a pause or the setting off drops the plan", async () => {
    const b = make({ scenario: "quota" });
    const ev = record(b);
    const plans: EventMap["sync://auto-resume"][] = [];
    b.on("sync://auto-resume", (e) => plans.push(e));
    const s = await b.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => ev.sessions.at(-1)?.status === "paused");
    const reset = Date.parse(ev.sessions.at(-1)!.quotaResetsAt!);
    const at = new Date(reset + QUOTA_RESUME_MARGIN_MS).toISOString();
    expect(plans.at(-1)).toEqual({ autoResume: { sessionId: s.id, why: "daily_quota", at } });
    expect((await b.appState()).autoResume?.at).toBe(at);
    // Not a moment before its time.
    await vi.advanceTimersByTimeAsync(reset + QUOTA_RESUME_MARGIN_MS - Date.now() - 1000);
    expect(ev.sessions.at(-1)?.status).toBe("paused");
    const seen = ev.sessions.length;
    await vi.advanceTimersByTimeAsync(1100);
    expect(ev.sessions[seen]?.status).toBe("running");
    expect(plans.at(-1)).toEqual({ autoResume: { sessionId: s.id, why: "daily_quota", at: null } });
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");

    // The setting off: a quota pause waits for a click.
    const c = make({ scenario: "quota" });
    const cev = record(c);
    await c.setSettings({ ...(await c.getSettings()), resumeByItself: false });
    await c.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => cev.sessions.at(-1)?.status === "paused");
    expect((await c.appState()).autoResume).toBeNull();
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    expect(cev.sessions.at(-1)?.status).toBe("paused");

    // Planned, then the person pauses (nothing runs) or turns the setting off: no resume later.
    const d = make({ scenario: "quota" });
    const dev = record(d);
    await d.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => dev.sessions.at(-1)?.status === "paused");
    expect((await d.appState()).autoResume).not.toBeNull();
    await d.setSettings({ ...(await d.getSettings()), resumeByItself: false });
    expect((await d.appState()).autoResume).toBeNull();
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    expect(dev.sessions.at(-1)?.status).toBe("paused");
  });

  it("demo mode seeds a history with a resumable session", async () => {
    const b = createMockBackend({ latencyMs: 0 });
    const settings = await b.getSettings();
    await b.setSettings({ ...settings, demoMode: true });
    const list = await b.listSessions();
    expect(list.map((s) => s.status)).toEqual(["paused", "cancelled", "completed"]);
    expect(list[0]!.resumable).toBe(true);
    const state = await b.appState();
    expect(state.gopro.connected && state.google.connected).toBe(true);
  });

  it("validates settings", async () => {
    const b = make();
    const s = await b.getSettings();
    await expect(b.setSettings({ ...s, concurrency: 65 })).rejects.toMatchObject({ code: "InvalidInput" });
    await expect(b.setSettings({ ...s, bandwidthCapMbps: 0 })).rejects.toMatchObject({ code: "InvalidInput" });
    expect((await b.setSettings({ ...s, includeRaw: true })).includeRaw).toBe(true);
  });

  it("the Google client secret is write-only: kept, never echoed, an empty one keeps it", async () => {
    const b = make();
    const s = await b.getSettings();
    expect(s).toMatchObject({ googleClientSecret: null, googleClientSecretSaved: false });
    const saved = await b.setSettings({ ...s, googleClientId: "id.apps", googleClientSecret: "  s3cret  " });
    expect(saved).toMatchObject({ googleClientSecret: null, googleClientSecretSaved: true });
    expect(JSON.stringify(await b.getSettings())).not.toContain("s3cret");
    const again = await b.setSettings({ ...saved, includeRaw: true });
    expect(again.googleClientSecretSaved).toBe(true);
  });

  it("open_url: Google Photos links only", async () => {
    const b = make();
    await expect(b.openUrl("https://photos.google.com/album/x")).resolves.toBeNull();
    await expect(b.openUrl("https://photos.app.goo.gl/abc")).resolves.toBeNull();
    await expect(b.openUrl("http://photos.google.com/album/x")).rejects.toMatchObject({ code: "InvalidInput" });
    await expect(b.openUrl("https://example.com/")).rejects.toMatchObject({ code: "InvalidInput" });
    await expect(b.openUrl("not a link")).rejects.toMatchObject({ code: "InvalidInput" });
  });

  it("a whole-app notice comes with demo mode, like the real backend's fallback", async () => {
    expect((await make().appState()).notice).toBeNull();
    expect(mockOptionsFromUrl(new URLSearchParams("mock=1&notice=1")).notice).toMatch(/could not be opened/);
    const state = await createMockBackend({ latencyMs: 0, notice: "The database is damaged." }).appState();
    expect(state).toMatchObject({ notice: "The database is damaged.", demo: true, firstRun: false });
  });

  it("offline scenario: waits for Google (nothing moves, nothing fails), then goes on by itself", async () => {
    expect(mockOptionsFromUrl(new URLSearchParams("scenario=offline&offline=both&outage=3000"))).toEqual({
      scenario: "offline",
      offline: ["gopro", "google"],
      outageMs: 3000,
    });
    const b = make({ scenario: "offline", outageMs: 5000 });
    const ev = record(b);
    const network: NetworkEvent[] = [];
    b.on("sync://network", (e) => network.push(e));
    const s = await b.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => network.length > 0);
    expect(network).toEqual([{ sessionId: s.id, cloud: "google", waiting: true, since: expect.any(String) as string }]);
    expect(Math.abs(Date.parse(network[0]!.since!) - Date.now())).toBeLessThan(1000);
    const inflight = new Map(ev.items.map((e) => [e.item.key, e.item]));
    const uploaded = ev.metrics.at(-1)!.bytesUploaded;
    const nMetrics = ev.metrics.length;
    const nItems = ev.items.length;
    await vi.advanceTimersByTimeAsync(4000);
    // Still running, metrics still ticking, but no byte moves, no file changes, none fails.
    expect(ev.sessions.at(-1)!.status).toBe("running");
    expect(ev.metrics.length).toBeGreaterThan(nMetrics + 10);
    const stalled = ev.metrics.slice(nMetrics);
    expect(stalled.every((m) => m.bytesUploaded === uploaded && m.throughputBps === 0 && m.etaSecs === null)).toBe(true);
    expect(ev.items.length).toBe(nItems);
    expect([...inflight.values()].some((it) => it.state === "uploading" && (it.progress ?? 0) > 0)).toBe(true);
    await runUntil(() => network.length > 1);
    expect(network[1]).toEqual({ sessionId: s.id, cloud: "google", waiting: false, since: null });
    // The files in flight go on from where they were (not back to the start).
    const next = ev.items.slice(nItems).find((e) => inflight.get(e.item.key)?.state === "uploading");
    expect(next?.item.progress).toBeGreaterThanOrEqual(inflight.get(next!.item.key)!.progress!);
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");
    expect(network).toHaveLength(2);
  });

  it("offline scenario with both clouds; pausing meanwhile ends the waiting without an event", async () => {
    const b = make({ scenario: "offline", offline: ["gopro", "google"], outageMs: 60_000 });
    const ev = record(b);
    const network: NetworkEvent[] = [];
    b.on("sync://network", (e) => network.push(e));
    const s = await b.startSync("2026-03-01", "2026-03-31");
    await runUntil(() => network.length === 2);
    expect(network.map((e) => [e.cloud, e.waiting])).toEqual([
      ["gopro", true],
      ["google", true],
    ]);
    await b.pauseSync();
    await runUntil(() => ev.sessions.at(-1)?.status === "paused");
    await b.resumeSession(s.id);
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");
    expect(network).toHaveLength(2); // once per session, and the pause ended it
  });

  it("sessions record the Google account they move into: the Google chip's email", async () => {
    const b = make();
    const state = await b.appState();
    expect(state.google.label).toBe(GOOGLE_ACCOUNT);
    const s = await b.startSync("2026-03-01", "2026-03-31");
    expect(s.googleAccount).toBe(GOOGLE_ACCOUNT);
    expect((await b.listSessions())[0]!.googleAccount).toBe(GOOGLE_ACCOUNT);
  });

  it("otheraccount scenario: a session of another Google account; resuming it ends needing that login", async () => {
    expect(mockOptionsFromUrl(new URLSearchParams("mock=1&scenario=otheraccount"))).toEqual({ scenario: "otheraccount" });
    const b = createMockBackend({ latencyMs: 0, tickMs: 250, speed: 10, scenario: "otheraccount" });
    const ev = record(b);
    const state = await b.appState();
    expect(state.firstRun).toBe(false);
    expect(state.google).toMatchObject({ connected: true, label: GOOGLE_ACCOUNT });
    const [other] = await b.listSessions();
    expect(other).toMatchObject({
      rangeFrom: "2026-03-01",
      rangeTo: "2026-03-31",
      status: "needs_login",
      googleAccount: OTHER_GOOGLE_ACCOUNT,
      resumable: true,
      statusReason: otherAccountReason(OTHER_GOOGLE_ACCOUNT, GOOGLE_ACCOUNT),
    });
    expect(state.current?.id).toBe(other!.id);
    // Resumed while signed in to the other account: the run ends at once, needing that login.
    await b.resumeSession(other!.id);
    await runUntil(() => ev.sessions.at(-1)?.status === "needs_login");
    expect(ev.sessions.at(-1)!.statusReason).toMatch(/^This move goes into the Google Photos of jane@example\.com, but you are signed in to Google as you@example\.com\./);
    expect(ev.sessions.at(-1)!.counts.created).toBe(other!.counts.created);
    // A new move of the same dates goes into the signed-in account, to the end.
    const fresh = await b.startSync(other!.rangeFrom, other!.rangeTo);
    expect(fresh.googleAccount).toBe(GOOGLE_ACCOUNT);
    await runUntil(() => ev.sessions.at(-1)?.id === fresh.id && ev.sessions.at(-1)?.status === "completed");
  });

  it("keeps the computer awake from a run's start to its halt (sync://awake), and app_state says so", async () => {
    const b = make();
    const ev = record(b);
    expect((await b.getSettings()).keepAwake).toBe(true);
    expect((await b.appState()).keepingAwake).toBe(false);
    const order: string[] = [];
    b.on("sync://session", (e) => order.push(`session:${e.session.status}`));
    b.on("sync://awake", (e) => order.push(`awake:${e.sessionId}:${String(e.keepingAwake)}`));
    const s = await b.startSync("2026-03-01", "2026-03-31");
    // Its session first, then the hold (as the real backend's run task does).
    expect(order).toEqual(["session:running", `awake:${s.id}:true`]);
    expect((await b.appState()).keepingAwake).toBe(true);
    await b.pauseSync();
    await runUntil(() => ev.sessions.at(-1)?.status === "paused");
    expect(order.slice(-2)).toEqual(["session:paused", `awake:${s.id}:false`]);
    expect((await b.appState()).keepingAwake).toBe(false);
    await b.resumeSession(s.id);
    expect(order.slice(-1)).toEqual([`awake:${s.id}:true`]);
    expect((await b.appState()).keepingAwake).toBe(true);
    await runUntil(() => ev.sessions.at(-1)?.status === "completed");
    expect(order.filter((o) => o.startsWith("awake:"))).toEqual([
      `awake:${s.id}:true`,
      `awake:${s.id}:false`,
      `awake:${s.id}:true`,
      `awake:${s.id}:false`,
    ]);
    expect((await b.appState()).keepingAwake).toBe(false);
  });

  it("with keepAwake off, or the system refusing, a run says false at its start and never true", async () => {
    expect(mockOptionsFromUrl(new URLSearchParams("mock=1&awake=refused"))).toEqual({ awakeRefused: true });
    for (const [label, b] of [
      ["setting off", make()],
      ["refused", make({ awakeRefused: true })],
    ] as const) {
      if (label === "setting off") await b.setSettings({ ...(await b.getSettings()), keepAwake: false });
      const ev = record(b);
      const awake: EventMap["sync://awake"][] = [];
      b.on("sync://awake", (e) => awake.push(e));
      const s = await b.startSync("2026-03-01", "2026-03-31");
      expect(awake, label).toEqual([{ sessionId: s.id, keepingAwake: false }]);
      expect((await b.appState()).keepingAwake, label).toBe(false);
      await runUntil(() => ev.sessions.at(-1)?.status === "completed");
      expect(awake, label).toHaveLength(1);
    }
  });

  it("storage scenario: start is refused with StorageFull", async () => {
    const b = make({ scenario: "storage" });
    await expect(b.startSync("2026-03-01", "2026-03-31")).rejects.toMatchObject({ code: "StorageFull" });
  });
});
