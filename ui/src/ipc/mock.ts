/**
 * An in-memory backend that simulates the whole app for the browser, the demo and the tests:
 * logins, range previews from a fake library (2026-01..2026-05) with a thumbnail per medium, a
 * sync whose stages progress, items moving through their states, metrics ticks with a realistic
 * throughput curve, pause/cancel/resume, Google's daily quota pausing a session, an expired
 * GoPro login, a network outage the session waits out by itself (`sync://network`), keeping the
 * computer awake while a session runs (`sync://awake`, with the `keepAwake` setting), going on by
 * itself (`sync://auto-resume`, with the `resumeByItself` setting: at Google's quota reset plus a
 * margin, and right after a GoPro login that a session stopped for), history (a resumable session
 * in demo mode) and settings.
 *
 * Time: one timer per running session ticks every `tickMs` (4 per second, the contract's
 * metrics limit). Each tick advances *simulated* time by `tickMs × timeScale`, where the scale
 * makes a session take about `40 / speed` real seconds while bytes, throughput and time left
 * stay realistic. Query options (see `mockOptionsFromUrl`): `firstRun=0`, `connected=1`,
 * `demo=1`, `scenario=quota|expire|storage|offline|otheraccount|otherclient`, `offline=google|gopro|both` (which cloud the
 * offline scenario loses; Google by default), `outage=MS` (how long, in real time; 8000 by
 * default), `awake=refused` (the system will not keep the computer awake), `speed=N`, `latency=MS`,
 * `notice=1`.
 *
 * Links (`open_url`): like the real backend, only Google Photos links are accepted; the mock
 * opens nothing (its album and photo links are made up).
 */
import { commandError, type Backend, type Unsubscribe } from "./backend";
import type {
  AccountStatus,
  AutoResumeView,
  CannotMove,
  Cloud,
  Counts,
  EventMap,
  EventName,
  ItemView,
  Metrics,
  PreviewItem,
  RangePreview,
  SessionView,
  Settings,
  Stage,
  StageState,
  ThroughputSample,
} from "./types";
import { isDay } from "../features/sync/range";
import {
  buildLibrary,
  CANNOT_MOVE_360,
  FAIL_FLAKY,
  fromOlderGoPro,
  mediaInRange,
  prng,
  SKIP_360,
  SKIP_ALREADY,
  type FakeMedia,
} from "./mock/library";
import { thumbnailDataUrl } from "./mock/thumbnail";
import { BASE_BPS, throughputAt } from "./mock/throughput";

/** How many photos and videos a preview's grid shows at most (the real backend's limit). */
export const PREVIEW_GRID_SIZE = 120;

/**
 * `quota`: Google's daily limit pauses the session at 40 %. `expire`: the GoPro login expires at
 * 30 %. `storage`: Google storage is full, start is refused. `offline`: at 30 % a cloud stops
 * answering (`sync://network` waiting); nothing moves for `outageMs`, then it answers again and
 * the session goes on by itself. `otheraccount`: connected, with a history session that moves into
 * another Google account (`OTHER_GOOGLE_ACCOUNT`) and stopped needing that login, as the real
 * backend leaves one resumed while signed in to a different Google account. `otherclient`: the
 * same, but the session was started with the same account through another OAuth client
 * (`OTHER_GOOGLE_CLIENT`).
 */
export type Scenario = "normal" | "quota" | "expire" | "storage" | "offline" | "otheraccount" | "otherclient";

export type MockOptions = {
  firstRun?: boolean;
  /** Start with both clouds connected. */
  connected?: boolean;
  /** Start in demo mode (connected, with a seeded history). */
  demo?: boolean;
  scenario?: Scenario;
  /** The clouds the `offline` scenario cannot reach (Google by default). */
  offline?: Cloud[];
  /** How long the `offline` scenario's outage lasts, in real ms (8000 by default). */
  outageMs?: number;
  /**
   * A whole-app problem reported by app_state (as when the session database cannot be opened);
   * like the real backend, the app then runs in demo mode meanwhile.
   */
  notice?: string;
  /**
   * The system refuses to keep the computer awake (as on a Linux without logind): runs say
   * `sync://awake` false even with the `keepAwake` setting on.
   */
  awakeRefused?: boolean;
  /** How much faster than the default ~40 s per session. */
  speed?: number;
  /** Latency of each command in ms (logins take 3×). */
  latencyMs?: number;
  tickMs?: number;
  now?: () => number;
  seed?: number;
  /**
   * What q2google's update server offers (nothing newer by default). `badSignature`: its
   * download is not signed with q2google's key, so installing is refused as the real app does.
   */
  update?: { version: string; notes?: string; badSignature?: boolean };
};

export function mockOptionsFromUrl(params: URLSearchParams): MockOptions {
  const opts: MockOptions = {};
  if (params.get("firstRun") === "0") opts.firstRun = false;
  if (params.get("connected") === "1") opts.connected = true;
  if (params.get("demo") === "1") opts.demo = true;
  const scenario = params.get("scenario");
  if (
    scenario === "quota" ||
    scenario === "expire" ||
    scenario === "storage" ||
    scenario === "offline" ||
    scenario === "otheraccount" ||
    scenario === "otherclient"
  ) {
    opts.scenario = scenario;
  }
  const offline = params.get("offline");
  if (offline === "google" || offline === "gopro") opts.offline = [offline];
  if (offline === "both") opts.offline = ["gopro", "google"];
  const outage = Number(params.get("outage"));
  if (Number.isFinite(outage) && outage > 0) opts.outageMs = outage;
  const speed = Number(params.get("speed"));
  if (Number.isFinite(speed) && speed > 0) opts.speed = speed;
  const latency = params.get("latency");
  if (latency !== null && Number.isFinite(Number(latency))) opts.latencyMs = Number(latency);
  if (params.get("notice") === "1") opts.notice = DB_NOTICE;
  if (params.get("awake") === "refused") opts.awakeRefused = true;
  return opts;
}

export const DEFAULT_SETTINGS: Settings = {
  albumPerSession: true,
  albumNamePattern: "GoPro {from} – {to}",
  concurrency: 4,
  bandwidthCapMbps: null,
  includeRaw: false,
  includeJoinedVideo: false,
  correctVideoTimes: false,
  googleClientId: null,
  googleClientSecret: null,
  googleClientSecretSaved: false,
  demoMode: false,
  theme: "system",
  keepAwake: true,
  resumeByItself: true,
  startAtLogin: false,
};

/** How long after Google's daily limit resets a paused session goes on (the engine's default). */
export const QUOTA_RESUME_MARGIN_MS = 120_000;

/** What the real backend says when its session database cannot be opened (`?notice=1`). */
export const DB_NOTICE =
  "q2google's session history could not be opened (it may be damaged, or from a newer q2google). It was left untouched.";

/** The hosts of Google Photos links, the only links `open_url` opens. */
const GOOGLE_PHOTOS_HOSTS: ReadonlySet<string> = new Set(["photos.google.com", "photos.app.goo.gl"]);

const QUOTA_REASON =
  "Google Photos' daily upload limit was reached. What's moved is safe; the rest can move after the limit resets.";
const EXPIRED_REASON = "GoPro needs you to log in again (it does this every few hours). Your progress is saved.";
const PAUSED_REASON = "You paused moving. Nothing is lost — resume whenever you like.";
const CANCELLED_REASON = "You stopped this session. Everything already moved stays in Google Photos.";

/** The version the mock app reports. */
export const APP_VERSION = "0.1.0";

/** What the real backend says when an update's download is not signed with q2google's key. */
export const BAD_SIGNATURE_MESSAGE =
  "The downloaded update is not signed with q2google's key (the signature does not match), so it was not installed. Nothing changed; try again later.";

/** The Google account the mock signs in to (the Google chip's label, and each session's). */
export const GOOGLE_ACCOUNT = "you@example.com";
/** The other Google account of the `otheraccount` scenario's history session. */
export const OTHER_GOOGLE_ACCOUNT = "jane@example.com";
/** The OAuth client the mock signs in to Google through. */
export const GOOGLE_CLIENT = "q2google-demo.apps.googleusercontent.com";
/** The other OAuth client of the `otherclient` scenario's history session. */
export const OTHER_GOOGLE_CLIENT = "someone-own.apps.googleusercontent.com";

/** What the real backend says when a session is resumed through another OAuth client. */
export function otherClientReason(client: string): string {
  return (
    `This move was started with a different Google sign-in setup (OAuth client ${client}). ` +
    "Google lets an app add only to the albums it made with the same client, so it cannot go on with this one. " +
    "Switch back to that client to continue it, or start a new move of the same dates (its files are moved again, into a new album)."
  );
}

/** What the real backend says when a session is resumed while signed in to another Google account. */
export function otherAccountReason(own: string, signedIn: string): string {
  return (
    `This move goes into the Google Photos of ${own}, but you are signed in to Google as ${signedIn}. ` +
    `Sign in to Google as ${own} to continue it, or start a new move of the same dates to move them into ${signedIn}.`
  );
}

type SimItem = { media: FakeMedia; view: ItemView; done: number; attempts: number };

type Run = {
  view: SessionView;
  items: SimItem[];
  revealed: number;
  batch: SimItem[];
  simT: number;
  runStartT: number;
  expectedSecs: number;
  timeScale: number;
  samples: ThroughputSample[];
  smoothedBps: number;
  pauseRequested: boolean;
  cancelRequested: boolean;
  scenarioFired: boolean;
  /** The clouds out of reach (the `offline` scenario) and for how many more ticks. */
  outage: { clouds: Cloud[]; ticksLeft: number } | null;
  /** This run keeps the computer from idle sleep (`sync://awake`), from its start to its halt. */
  awake: boolean;
  timer: ReturnType<typeof setInterval> | null;
  noise: () => number;
};

const clone = <T>(v: T): T => structuredClone(v);

function emptyCounts(): Counts {
  return { total: 0, discovered: 0, uploaded: 0, created: 0, failed: 0, skipped: 0, bytesTotal: 0, bytesCreated: 0 };
}

function account(cloud: Cloud, label: string | null): AccountStatus {
  const connected = label !== null;
  return { cloud, connected, label, problem: null, clientId: cloud === "google" && connected ? GOOGLE_CLIENT : null };
}

/** Google's daily quota resets at midnight Pacific time; 08:00 UTC is close enough for a mock. */
function nextQuotaReset(nowMs: number): string {
  const d = new Date(nowMs);
  const reset = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 8, 0, 0);
  return new Date(reset > nowMs ? reset : reset + 86_400_000).toISOString();
}

function albumTitle(pattern: string, from: string, to: string): string {
  return pattern.replaceAll("{from}", from).replaceAll("{to}", to);
}

export function createMockBackend(options: MockOptions = {}): Backend {
  const opts = {
    firstRun:
      options.firstRun ??
      !(options.connected || options.demo || options.notice !== undefined || options.scenario === "otheraccount" || options.scenario === "otherclient"),
    scenario: options.scenario ?? "normal",
    offline: options.offline ?? (["google"] satisfies Cloud[]),
    outageMs: options.outageMs ?? 8000,
    speed: options.speed ?? 1,
    latencyMs: options.latencyMs ?? 300,
    tickMs: options.tickMs ?? 250,
    now: options.now ?? (() => Date.now()),
    seed: options.seed ?? 7,
  };
  const library = buildLibrary(opts.seed);
  const mediaById = new Map(library.map((m) => [m.id, m]));
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const notice = options.notice ?? null;
  // With a notice the real backend falls back to demo mode; so does the mock.
  const demoAtStart = (options.demo ?? false) || notice !== null;
  let settings: Settings = { ...DEFAULT_SETTINGS, demoMode: demoAtStart };
  /** The Google client secret, as the keyring would hold it (never read back). */
  let clientSecret: string | null = null;
  let firstRun = opts.firstRun;
  const connectedAtStart =
    (options.connected ?? false) || demoAtStart || opts.scenario === "otheraccount" || opts.scenario === "otherclient";
  let gopro = account("gopro", connectedAtStart ? "demo@example.com" : null);
  let google = account("google", connectedAtStart ? GOOGLE_ACCOUNT : null);
  const runs = new Map<string, Run>(); // insertion order = oldest first
  let nextId = 1;
  /** What the app will do or did by itself, and the timer waiting for its time. */
  let autoResume: AutoResumeView | null = null;
  let autoTimer: ReturnType<typeof setTimeout> | null = null;

  const iso = () => new Date(opts.now()).toISOString();
  const delay = (factor = 1) =>
    new Promise<void>((resolve) => (opts.latencyMs > 0 ? setTimeout(resolve, opts.latencyMs * factor) : queueMicrotask(resolve)));

  function emit<E extends EventName>(event: E, payload: EventMap[E]) {
    for (const cb of [...(listeners.get(event) ?? [])]) cb(clone(payload));
  }

  function running(): Run | null {
    for (const r of runs.values()) if (r.view.status === "running") return r;
    return null;
  }

  /** Replaces the plan (a waiting timer is dropped), and says so when it changed. */
  function setAutoResume(next: AutoResumeView | null, timer: ReturnType<typeof setTimeout> | null = null) {
    if (autoTimer !== null) clearTimeout(autoTimer);
    autoTimer = timer;
    if (JSON.stringify(next) === JSON.stringify(autoResume)) return;
    autoResume = next;
    emit("sync://auto-resume", { autoResume: next });
  }

  /** Like the real backend's resumer: the session goes on now, and the page is told why. */
  function goOnByItself(run: Run, why: AutoResumeView["why"]) {
    if (running() || !run.view.resumable || !gopro.connected || !google.connected) return setAutoResume(null);
    goOn(run);
    setAutoResume({ sessionId: run.view.id, why, at: null });
  }

  /** A quota pause goes on at the reset plus a margin, when the setting allows. */
  function planQuotaResume(run: Run) {
    const reset = run.view.quotaResetsAt;
    if (!settings.resumeByItself || reset === null) return setAutoResume(null);
    const at = Date.parse(reset) + QUOTA_RESUME_MARGIN_MS;
    // setTimeout holds at most ~24.8 days; a reset is at most a day away.
    const wait = Math.min(Math.max(0, at - opts.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      autoTimer = null;
      goOnByItself(run, "daily_quota");
    }, wait);
    setAutoResume({ sessionId: run.view.id, why: "daily_quota", at: new Date(at).toISOString() }, timer);
  }

  /** A paused or stopped session runs again from where it stopped (failed files retried). */
  function goOn(run: Run) {
    for (const it of run.items) {
      if (it.view.state === "failed") {
        it.view = { ...it.view, state: "discovered", reason: null };
        it.done = 0;
        emitItem(run, it);
      }
    }
    const v = run.view;
    v.status = "running";
    v.statusReason = null;
    v.quotaResetsAt = null;
    v.finishedAt = null;
    v.resumable = false;
    if (v.stages.create === "done") v.stages.create = "running";
    if (v.stages.transfer === "done" && run.items.some((it) => it.view.state === "discovered")) v.stages.transfer = "running";
    emitSession(run);
    startTimer(run);
  }

  function newestRun(): Run | null {
    const all = [...runs.values()];
    return all[all.length - 1] ?? null;
  }

  function setAccount(a: AccountStatus) {
    if (a.cloud === "gopro") gopro = a;
    else google = a;
    emit("auth://changed", { account: a });
    return clone(a);
  }

  // ---- building sessions ----------------------------------------------------------------

  function makeRun(from: string, to: string): Run {
    const media = mediaInRange(library, { from, to }, settings);
    const id = `s${String(nextId++).padStart(3, "0")}`;
    const items: SimItem[] = media.map((m, i) => ({
      media: m,
      done: 0,
      attempts: 0,
      view: {
        key: `${m.id}#${i}:${m.variant === "raw" ? "raw" : "original"}`,
        filename: m.filename,
        kind: m.kind,
        size: m.size,
        capturedAt: m.capturedAt,
        state: "discovered",
        reason: null,
        googleUrl: null,
        progress: null,
      },
    }));
    const view: SessionView = {
      id,
      rangeFrom: from,
      rangeTo: to,
      status: "running",
      statusReason: null,
      quotaResetsAt: null,
      createdAt: iso(),
      updatedAt: iso(),
      finishedAt: null,
      durationSecs: 0,
      counts: emptyCounts(),
      bytesTransferred: 0,
      albumTitle: settings.albumPerSession ? albumTitle(settings.albumNamePattern, from, to) : null,
      albumUrl: null,
      // The real backend learns it on the first run; the mock knows it at once.
      googleAccount: google.label,
      googleClient: google.clientId,
      stages: { discovery: "pending", transfer: "pending", create: "pending" },
      resumable: false,
    };
    const run: Run = {
      view,
      items,
      revealed: 0,
      batch: [],
      simT: 0,
      runStartT: 0,
      expectedSecs: 1,
      timeScale: 1,
      samples: [],
      smoothedBps: 0,
      pauseRequested: false,
      cancelRequested: false,
      scenarioFired: false,
      outage: null,
      awake: false,
      timer: null,
      noise: prng(opts.seed + nextId),
    };
    runs.set(id, run);
    return run;
  }

  function recount(run: Run) {
    const c = emptyCounts();
    for (const it of run.items.slice(0, run.revealed)) {
      c.discovered++;
      const s = it.view.state;
      if (s === "skipped") c.skipped++;
      else {
        c.total++;
        c.bytesTotal += it.media.size;
      }
      if (s === "uploaded" || s === "creating" || s === "created") c.uploaded++;
      if (s === "created") {
        c.created++;
        c.bytesCreated += it.media.size;
      }
      if (s === "failed") c.failed++;
    }
    run.view.counts = c;
  }

  function movableRemainingBytes(run: Run) {
    return run.items
      .filter((it) => !isSkippedMedia(it.media) && it.view.state !== "created" && it.view.state !== "uploaded")
      .reduce((n, it) => n + it.media.size - it.done, 0);
  }

  const isSkippedMedia = (m: FakeMedia) => m.variant === "360" || m.alreadyInGoogle;

  function startTimer(run: Run) {
    const remaining = Math.max(movableRemainingBytes(run), 1);
    const cap = settings.bandwidthCapMbps === null ? null : settings.bandwidthCapMbps * 125_000;
    const speedBps = Math.min(BASE_BPS, cap ?? Infinity) * 0.9;
    run.expectedSecs = remaining / speedBps;
    const targetRealSecs = 40 / opts.speed;
    run.timeScale = Math.max(1, run.expectedSecs / targetRealSecs);
    run.runStartT = run.simT;
    run.pauseRequested = false;
    run.cancelRequested = false;
    run.timer = setInterval(() => tick(run), opts.tickMs);
    // Like the real backend: each run says at its start whether it keeps the computer awake.
    run.awake = settings.keepAwake && !(options.awakeRefused ?? false);
    emit("sync://awake", { sessionId: run.view.id, keepingAwake: run.awake });
  }

  function stopTimer(run: Run) {
    if (run.timer !== null) clearInterval(run.timer);
    run.timer = null;
  }

  function setStage(run: Run, stage: Stage, state: StageState) {
    if (run.view.stages[stage] === state) return;
    run.view.stages[stage] = state;
    emit("sync://stage", { sessionId: run.view.id, stage, state });
  }

  function emitItem(run: Run, it: SimItem) {
    emit("sync://item", { sessionId: run.view.id, item: it.view });
  }

  function emitSession(run: Run) {
    recount(run);
    run.view.updatedAt = iso();
    emit("sync://session", { session: run.view });
  }

  /** Items in flight go back to waiting; a batch that was being created is kept as uploaded. */
  function settleInFlight(run: Run) {
    for (const it of run.items) {
      if (it.view.state === "uploading") {
        it.view = { ...it.view, state: "discovered", progress: null };
        it.done = 0;
        emitItem(run, it);
      } else if (it.view.state === "creating") {
        it.view = { ...it.view, state: "uploaded" };
        emitItem(run, it);
      }
    }
    run.batch = [];
  }

  function halt(run: Run, status: SessionView["status"], reason: string | null, resumable: boolean) {
    stopTimer(run);
    // Like the real backend: a session that stops running ends its waiting, with no event of its own.
    run.outage = null;
    settleInFlight(run);
    run.view.status = status;
    run.view.statusReason = reason;
    run.view.resumable = resumable;
    if (status === "cancelled" || status === "completed" || status === "failed") run.view.finishedAt = iso();
    emitSession(run);
    // Released once the run has stopped, after its session says so (as the real backend does).
    if (run.awake) {
      run.awake = false;
      emit("sync://awake", { sessionId: run.view.id, keepingAwake: false });
    }
  }

  // ---- the simulation ------------------------------------------------------------------

  function tick(run: Run) {
    const v = run.view;
    if (run.cancelRequested) return halt(run, "cancelled", CANCELLED_REASON, false);
    if (run.pauseRequested) return halt(run, "paused", PAUSED_REASON, true);
    // Like the real backend: a run signed in to another Google account than the session's ends.
    if (v.googleAccount !== null && google.label !== null && google.label !== v.googleAccount) {
      return halt(run, "needs_login", otherAccountReason(v.googleAccount, google.label), true);
    }
    if (v.googleClient !== null && google.clientId !== null && google.clientId !== v.googleClient) {
      return halt(run, "needs_login", otherClientReason(v.googleClient), true);
    }

    const dt = (opts.tickMs / 1000) * run.timeScale;
    run.simT += dt;
    v.durationSecs += dt;

    // Discovery: pages of results arrive over the first second or two.
    if (v.stages.discovery !== "done") {
      setStage(run, "discovery", "running");
      const per = Math.max(8, Math.ceil(run.items.length / 6));
      const end = Math.min(run.items.length, run.revealed + per);
      for (let i = run.revealed; i < end; i++) {
        const it = run.items[i]!;
        if (it.media.variant === "360") it.view = { ...it.view, state: "skipped", reason: SKIP_360 };
        else if (it.media.alreadyInGoogle) it.view = { ...it.view, state: "skipped", reason: SKIP_ALREADY };
        emitItem(run, it);
      }
      run.revealed = end;
      recount(run);
      if (run.revealed >= run.items.length) setStage(run, "discovery", "done");
      emitMetrics(run, 0);
      return;
    }

    // Out of reach (the offline scenario): nothing moves, files in flight keep their progress, the
    // throughput curve waits too; then the clouds answer again and it goes on by itself.
    if (run.outage) {
      run.outage.ticksLeft--;
      if (run.outage.ticksLeft > 0) {
        run.runStartT += dt;
        emitMetrics(run, 0, true);
        return;
      }
      for (const cloud of run.outage.clouds) emit("sync://network", { sessionId: v.id, cloud, waiting: false, since: null });
      run.outage = null;
    }

    // Create: a batch sent last tick has landed.
    if (run.batch.length > 0) {
      for (const it of run.batch) {
        it.view = { ...it.view, state: "created", googleUrl: `https://photos.google.com/lr/photo/${it.media.id}` };
        emitItem(run, it);
      }
      run.batch = [];
    }

    // Transfer: share this tick's bytes among the files in flight.
    const waiting = run.items.filter((it) => it.view.state === "discovered");
    let inflight = run.items.filter((it) => it.view.state === "uploading");
    if (waiting.length + inflight.length > 0) setStage(run, "transfer", "running");
    const bps = throughputAt(run.simT - run.runStartT, run.expectedSecs, capBps(), run.noise());
    let budget = bps * dt;
    let moved = 0;
    const touched = new Set<SimItem>();
    for (let guard = 0; guard < 10_000 && budget > 1; guard++) {
      while (inflight.length < settings.concurrency && waiting.length > 0) {
        const it = waiting.shift()!;
        it.view = { ...it.view, state: "uploading", progress: 0 };
        inflight.push(it);
        touched.add(it);
      }
      if (inflight.length === 0) break;
      const share = budget / inflight.length;
      for (const it of inflight) {
        const take = Math.min(it.media.size - it.done, share);
        it.done += take;
        budget -= take;
        moved += take;
        touched.add(it);
        if (it.done >= it.media.size) {
          it.attempts++;
          if (it.media.flaky && it.attempts === 1) {
            it.view = { ...it.view, state: "failed", progress: null, reason: FAIL_FLAKY };
          } else {
            it.view = { ...it.view, state: "uploaded", progress: null };
          }
        } else {
          it.view = { ...it.view, progress: it.done / it.media.size };
        }
      }
      inflight = inflight.filter((it) => it.view.state === "uploading");
    }
    for (const it of touched) emitItem(run, it);
    v.bytesTransferred += moved;
    const transferDone = waiting.length === 0 && inflight.length === 0;
    if (transferDone && v.stages.transfer !== "done") setStage(run, "transfer", "done");

    // Create: batches of up to 50 as soon as they are ready (not after the whole transfer).
    const uploaded = run.items.filter((it) => it.view.state === "uploaded");
    if (uploaded.length >= 50 || (transferDone && uploaded.length > 0)) {
      setStage(run, "create", "running");
      run.batch = uploaded.slice(0, 50);
      for (const it of run.batch) {
        it.view = { ...it.view, state: "creating" };
        emitItem(run, it);
      }
    }
    recount(run);
    emitMetrics(run, bps);

    // Scenarios, once per session.
    const movable = run.items.filter((it) => !isSkippedMedia(it.media)).length;
    if (!run.scenarioFired && opts.scenario === "quota" && v.counts.created >= Math.max(1, Math.floor(movable * 0.4))) {
      run.scenarioFired = true;
      v.quotaResetsAt = nextQuotaReset(opts.now());
      halt(run, "paused", QUOTA_REASON, true);
      return planQuotaResume(run);
    }
    if (!run.scenarioFired && opts.scenario === "expire" && v.counts.uploaded >= Math.max(1, Math.floor(movable * 0.3))) {
      run.scenarioFired = true;
      setAccount({ ...gopro, connected: false, problem: "GoPro needs you to log in again" });
      return halt(run, "needs_login", EXPIRED_REASON, true);
    }
    if (!run.scenarioFired && opts.scenario === "offline" && v.counts.uploaded >= Math.max(1, Math.floor(movable * 0.3))) {
      run.scenarioFired = true;
      run.outage = { clouds: [...opts.offline], ticksLeft: Math.max(1, Math.round(opts.outageMs / opts.tickMs)) };
      for (const cloud of run.outage.clouds) emit("sync://network", { sessionId: v.id, cloud, waiting: true, since: iso() });
      return;
    }

    if (transferDone && run.batch.length === 0 && uploaded.length === 0) {
      setStage(run, "create", "done");
      if (v.albumTitle) v.albumUrl = `https://photos.google.com/album/demo-${v.id}`;
      const failed = run.items.filter((it) => it.view.state === "failed").length;
      const reason =
        failed > 0
          ? `${failed} ${failed === 1 ? "file" : "files"} couldn't be moved this time. Resume to try again.`
          : null;
      halt(run, "completed", reason, failed > 0);
    }
  }

  function capBps() {
    return settings.bandwidthCapMbps === null ? null : settings.bandwidthCapMbps * 125_000;
  }

  /** `stalled`: waiting for the network (a zero in the chart, no time left). */
  function emitMetrics(run: Run, bps: number, stalled = false) {
    const t = run.simT;
    run.smoothedBps = stalled ? 0 : run.smoothedBps === 0 ? bps : run.smoothedBps * 0.7 + bps * 0.3;
    if (bps > 0 || stalled) {
      run.samples.push({ t: Math.round(t), bps: Math.round(bps) });
      if (run.samples.length > 600) run.samples.shift();
    }
    const movable = run.items.filter((it) => !isSkippedMedia(it.media));
    const bytesTotal = movable.reduce((n, it) => n + it.media.size, 0);
    const remaining = movableRemainingBytes(run);
    const uploaded = bytesTotal - remaining;
    const wall = t - 0;
    const metrics: Metrics = {
      bytesDownloaded: Math.min(bytesTotal, uploaded + Math.round(run.smoothedBps * 2)),
      bytesUploaded: uploaded,
      bytesTotal,
      bytesDone: uploaded,
      secondsDownloading: wall * 0.55,
      secondsUploading: wall * 0.8,
      secondsTransferWall: wall,
      throughputBps: Math.round(run.smoothedBps),
      etaSecs: run.smoothedBps > 0 ? Math.round(remaining / run.smoothedBps) : null,
      filesDone: movable.filter((it) => it.view.state === "created").length,
      filesTotal: movable.length,
      samples: run.samples.slice(),
    };
    emit("sync://metrics", { sessionId: run.view.id, metrics });
  }

  // ---- demo history --------------------------------------------------------------------

  const day = 86_400_000;

  /** A past session of `from`..`to`, `doneFrac` of it moved, started `daysAgo` days ago. */
  function seedSession(from: string, to: string, doneFrac: number, status: SessionView["status"], daysAgo: number): SessionView {
    const run = makeRun(from, to);
    run.revealed = run.items.length;
    const movable = run.items.filter((it) => !isSkippedMedia(it.media));
    const doneCount = Math.floor(movable.length * doneFrac);
    for (const it of run.items) {
      if (it.media.variant === "360") it.view.state = "skipped";
      else if (it.media.alreadyInGoogle) it.view.state = "skipped";
      it.view.reason = it.media.variant === "360" ? SKIP_360 : it.media.alreadyInGoogle ? SKIP_ALREADY : null;
    }
    movable.slice(0, doneCount).forEach((it) => {
      it.view.state = "created";
      it.done = it.media.size;
      it.view.googleUrl = `https://photos.google.com/lr/photo/${it.media.id}`;
    });
    recount(run);
    const v = run.view;
    const started = opts.now() - daysAgo * day;
    v.createdAt = new Date(started).toISOString();
    v.bytesTransferred = v.counts.bytesCreated;
    v.durationSecs = Math.round(v.counts.bytesCreated / (BASE_BPS * 0.8));
    run.simT = v.durationSecs;
    v.updatedAt = new Date(started + v.durationSecs * 1000).toISOString();
    v.status = status;
    v.stages = { discovery: "done", transfer: doneFrac >= 1 ? "done" : "running", create: doneFrac >= 1 ? "done" : "running" };
    if (status === "completed") {
      v.finishedAt = v.updatedAt;
      v.albumUrl = `https://photos.google.com/album/demo-${v.id}`;
    } else if (status === "cancelled") {
      v.finishedAt = v.updatedAt;
      v.statusReason = CANCELLED_REASON;
    } else if (status === "paused") {
      v.statusReason = QUOTA_REASON;
      v.quotaResetsAt = new Date(started + 20 * 3_600_000).toISOString();
      v.resumable = true;
    }
    return v;
  }

  function seedDemoHistory() {
    if (runs.size > 0) return;
    seedSession("2026-01-01", "2026-01-15", 1, "completed", 9);
    seedSession("2026-01-16", "2026-01-31", 0.35, "cancelled", 6);
    seedSession("2026-02-01", "2026-02-28", 0.6, "paused", 1);
  }

  /** The `otheraccount` scenario: March 2026 went half into another Google account, then stopped. */
  function seedOtherAccountSession() {
    const v = seedSession("2026-03-01", "2026-03-31", 0.5, "needs_login", 2);
    v.googleAccount = OTHER_GOOGLE_ACCOUNT;
    v.statusReason = otherAccountReason(OTHER_GOOGLE_ACCOUNT, google.label ?? GOOGLE_ACCOUNT);
    v.resumable = true;
  }

  /** The `otherclient` scenario: March 2026 went half in through another OAuth client, then stopped. */
  function seedOtherClientSession() {
    const v = seedSession("2026-03-01", "2026-03-31", 0.5, "needs_login", 2);
    v.googleClient = OTHER_GOOGLE_CLIENT;
    v.statusReason = otherClientReason(OTHER_GOOGLE_CLIENT);
    v.resumable = true;
  }

  if (demoAtStart) seedDemoHistory();
  if (opts.scenario === "otheraccount") seedOtherAccountSession();
  if (opts.scenario === "otherclient") seedOtherClientSession();

  // ---- the Backend ---------------------------------------------------------------------

  const sessionsNewestFirst = () => [...runs.values()].reverse().map((r) => (recount(r), clone(r.view)));

  /** Settings as get_settings returns them: the secret never echoed, only whether one is saved. */
  const readSettings = (): Settings => ({ ...clone(settings), googleClientSecret: null, googleClientSecretSaved: clientSecret !== null });

  async function login(cloud: Cloud): Promise<AccountStatus> {
    await delay(settings.demoMode ? 1 : 3);
    const a = setAccount(account(cloud, cloud === "google" ? GOOGLE_ACCOUNT : "demo@example.com"));
    // A sign-in is the person's own click: the session that stopped for it goes on, whatever
    // the setting (as the real backend does).
    const waiting = newestRun();
    if (cloud === "gopro" && waiting?.view.status === "needs_login" && waiting.view.statusReason === EXPIRED_REASON) {
      goOnByItself(waiting, "login");
    }
    return a;
  }

  return {
    kind: "mock",
    async appState() {
      await delay(0.3);
      const cur = running() ?? newestRun();
      if (cur) recount(cur);
      const keepingAwake = running()?.awake ?? false;
      return clone({
        gopro,
        google,
        demo: settings.demoMode,
        firstRun,
        current: cur ? cur.view : null,
        notice,
        keepingAwake,
        autoResume,
        version: APP_VERSION,
      });
    },
    loginGopro: () => login("gopro"),
    async loginGoproToken(token) {
      await delay();
      if (token.trim().length < 8) {
        throw commandError("InvalidInput", "That doesn't look like a GoPro token. Copy the whole value and try again.");
      }
      return setAccount(account("gopro", "GoPro user 4F2A91"));
    },
    loginGoogle: () => login("google"),
    async logout(cloud) {
      await delay();
      const r = running();
      if (r) halt(r, "paused", PAUSED_REASON, true);
      return setAccount(account(cloud, null));
    },
    async previewRange(from, to): Promise<RangePreview> {
      await delay();
      if (!isDay(from) || !isDay(to) || from > to) {
        throw commandError("InvalidInput", "Pick a start day and an end day (the end can't be before the start).");
      }
      if (!gopro.connected) throw commandError("NotLoggedIn", "Log in to GoPro to see what's in these dates.");
      const media = mediaInRange(library, { from, to }, settings);
      const movable = media.filter((m) => m.variant !== "360");
      const n360 = media.length - movable.length;
      return {
        from,
        to,
        photos: movable.filter((m) => m.kind === "photo").length,
        videos: movable.filter((m) => m.kind === "video").length,
        files: movable.length,
        bytes: movable.reduce((n, m) => n + m.size, 0),
        alreadyInGoogle: movable.filter((m) => m.alreadyInGoogle).length,
        videoTimesToCorrect: movable.filter(fromOlderGoPro).length,
        correctingVideoTimes: settings.correctVideoTimes,
        cannotMove: n360 > 0 ? [{ reason: CANNOT_MOVE_360, count: n360 } satisfies CannotMove] : [],
        toMove: movable.filter((m) => !m.alreadyInGoogle).length,
        sample: movable
          .filter((m) => !m.alreadyInGoogle)
          .sort((a, b) => (a.capturedAt === b.capturedAt ? b.id.localeCompare(a.id) : b.capturedAt.localeCompare(a.capturedAt)))
          .slice(0, PREVIEW_GRID_SIZE)
          .map((m): PreviewItem => ({ id: m.id, kind: m.kind, filename: m.filename, capturedAt: m.capturedAt })),
      };
    },
    async previewThumbnail(mediaId) {
      const media = mediaById.get(mediaId);
      // Not all at once, as thumbnails come from a CDN.
      await delay(media ? 0.3 + (Number(media.id.slice(1)) % 5) / 10 : 0.3);
      if (!gopro.connected) throw commandError("NotLoggedIn", "Log in to GoPro to see your photos and videos.");
      if (!media) throw commandError("NotFound", "That photo or video isn't in your GoPro cloud any more.");
      return thumbnailDataUrl(media.id, media.kind);
    },
    async startSync(from, to) {
      await delay();
      if (!isDay(from) || !isDay(to) || from > to) throw commandError("InvalidInput", "Pick a start day and an end day first.");
      if (!gopro.connected) throw commandError("NotLoggedIn", "Log in to GoPro first.");
      if (!google.connected) throw commandError("NotLoggedIn", "Connect Google Photos first.");
      if (running()) throw commandError("Busy", "Another session is already moving. Pause it or let it finish first.");
      if (opts.scenario === "storage") {
        throw commandError(
          "StorageFull",
          "Your Google storage is full, so nothing can be added. Free up space or get more storage in your Google account, then try again.",
        );
      }
      const run = makeRun(from, to);
      setAutoResume(null);
      firstRun = false;
      emitSession(run);
      startTimer(run);
      return clone(run.view);
    },
    async pauseSync() {
      await delay(0.5);
      const r = running();
      if (r) r.pauseRequested = true;
      setAutoResume(null);
      return null;
    },
    async cancelSync() {
      await delay(0.5);
      const r = running();
      if (r) r.cancelRequested = true;
      setAutoResume(null);
      return null;
    },
    async resumeSession(id) {
      await delay();
      const run = runs.get(id);
      if (!run) throw commandError("NotFound", "That session isn't in the history any more.");
      const other = running();
      if (other && other !== run) throw commandError("Busy", "Another session is already moving. Pause it first.");
      if (run.view.status === "running") return clone(run.view);
      if (!run.view.resumable) throw commandError("InvalidInput", "This session can't be resumed; start a new one for these dates.");
      if (!gopro.connected) throw commandError("TokenExpired", "GoPro needs you to log in again. Your progress is saved.");
      if (!google.connected) throw commandError("NotLoggedIn", "Connect Google Photos again to continue.");
      setAutoResume(null);
      goOn(run);
      return clone(run.view);
    },
    async listSessions() {
      await delay(0.5);
      return sessionsNewestFirst();
    },
    async sessionItems(id) {
      await delay(0.5);
      const run = runs.get(id);
      if (!run) throw commandError("NotFound", "That session isn't in the history any more.");
      return clone(run.items.slice(0, run.revealed).map((it) => it.view));
    },
    async exportReport(id) {
      await delay();
      const run = runs.get(id);
      if (!run) throw commandError("NotFound", "That session isn't in the history any more.");
      return `~/Downloads/q2google report ${run.view.rangeFrom} to ${run.view.rangeTo}.csv`;
    },
    async getSettings() {
      await delay(0.3);
      return readSettings();
    },
    async setSettings(next) {
      await delay(0.5);
      if (!Number.isInteger(next.concurrency) || next.concurrency < 1 || next.concurrency > 64) {
        throw commandError("InvalidInput", "Files at once must be a whole number from 1 to 64.");
      }
      if (next.bandwidthCapMbps !== null && !(next.bandwidthCapMbps > 0)) {
        throw commandError("InvalidInput", "The speed limit must be more than 0, or turned off.");
      }
      if (!next.albumNamePattern.trim()) throw commandError("InvalidInput", "The album name can't be empty.");
      const enteringDemo = next.demoMode && !settings.demoMode;
      // Write-only: a typed secret goes to the "keyring"; an empty or null one keeps the saved one.
      const secret = next.googleClientSecret?.trim() ?? "";
      if (secret !== "") clientSecret = secret;
      settings = { ...clone(next), googleClientSecret: null, googleClientSecretSaved: false };
      // Turned off: a resume waiting for its time will not happen.
      if (!settings.resumeByItself && autoResume?.at) setAutoResume(null);
      if (enteringDemo) {
        setAccount(account("gopro", "demo@example.com"));
        setAccount(account("google", GOOGLE_ACCOUNT));
        seedDemoHistory();
      }
      return readSettings();
    },
    async openUrl(url) {
      await delay(0.3);
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw commandError("InvalidInput", "That is not a link.");
      }
      if (parsed.protocol !== "https:" || !GOOGLE_PHOTOS_HOSTS.has(parsed.hostname)) {
        throw commandError("InvalidInput", "q2google only opens Google Photos links.");
      }
      return null;
    },
    async openLogsFolder() {
      await delay(0.3);
      return null;
    },
    async finishWelcome() {
      await delay(0.3);
      firstRun = false;
      return null;
    },
    async checkForUpdates() {
      await delay();
      const offered = options.update;
      return {
        currentVersion: APP_VERSION,
        available: offered ? { version: offered.version, notes: offered.notes ?? null } : null,
      };
    },
    async installUpdate() {
      await delay();
      const offered = options.update;
      if (!offered) return { currentVersion: APP_VERSION, available: null };
      // Like the real backend: the download is checked before anything stops.
      if (offered.badSignature) throw commandError("Internal", BAD_SIGNATURE_MESSAGE);
      // A move pauses at a checkpoint; the app then restarts, so this never resolves.
      const r = running();
      if (r) r.pauseRequested = true;
      return new Promise<never>(() => {});
    },
    on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): Unsubscribe {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const fn = cb as (p: unknown) => void;
      set.add(fn);
      return () => {
        set.delete(fn);
      };
    },
  };
}
