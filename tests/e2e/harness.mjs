// End-to-end harness for the real desktop app: starts tauri-driver (over WebKitWebDriver) with a
// throwaway HOME, opens the built app in it through webdriverio (standalone, WebDriver classic),
// finds the app's process for hard kills, and saves screenshots.
//
// It expects a display (DISPLAY, e.g. Xvfb) and a session bus with an unlocked Secret Service
// (DBUS_SESSION_BUS_ADDRESS): scripts/test-app provides both. Paths come from the environment,
// with defaults for a plain debug build of this repository:
//   Q2GOOGLE_APP       the app binary built with the custom-protocol feature
//   Q2GOOGLE_BROWSER   the fake browser for the Google loopback sign-in
//   TAURI_DRIVER       tauri-driver;  WEBKIT_DRIVER  WebKitWebDriver
//   E2E_TMP            where per-test homes go (a temporary folder otherwise)
import { spawn } from "node:child_process";
import { createServer, connect } from "node:net";
import { mkdir, mkdtemp, copyFile, readdir, readFile, readlink } from "node:fs/promises";
import { existsSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, "..", "..");
export const ARTIFACTS = join(here, "artifacts");
export const DOC_SCREENS = join(ROOT, "docs", "screens");
export const APP = process.env.Q2GOOGLE_APP ?? join(ROOT, "target", "debug", "q2google-app");
export const FAKE_BROWSER = process.env.Q2GOOGLE_BROWSER ?? join(ROOT, "target", "debug", "fake-browser");
const TAURI_DRIVER = process.env.TAURI_DRIVER ?? "tauri-driver";
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, deadlineMs, child) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited (${child.exitCode}) before listening`);
    const ok = await new Promise((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${deadlineMs} ms`);
}

/** A throwaway home: HOME and the XDG folders the app (and WebKit) write to. */
export async function newHome(name) {
  const base = process.env.E2E_TMP ?? tmpdir();
  await mkdir(base, { recursive: true });
  const home = await mkdtemp(join(base, `${name}-`));
  const dirs = { home, data: join(home, "data"), config: join(home, "config"), cache: join(home, "cache") };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  return dirs;
}

/**
 * tauri-driver on free ports, whose children (WebKitWebDriver, then the app) get `home` as
 * HOME and XDG folders. The session bus and display are inherited.
 */
export async function startDriver(home, extraEnv = {}) {
  for (const f of [APP, FAKE_BROWSER]) if (!existsSync(f)) throw new Error(`missing ${f}: build it first (scripts/test-app does)`);
  if (!process.env.DISPLAY) throw new Error("no DISPLAY: run under Xvfb (scripts/test-app)");
  const port = await freePort();
  const nativePort = await freePort();
  const env = {
    ...process.env,
    HOME: home.home,
    XDG_DATA_HOME: home.data,
    XDG_CONFIG_HOME: home.config,
    XDG_CACHE_HOME: home.cache,
    Q2GOOGLE_BROWSER: FAKE_BROWSER,
    // Calm, deterministic rendering in screenshots.
    GTK_THEME: "Adwaita",
    NO_AT_BRIDGE: "1",
    RUST_LOG: process.env.RUST_LOG ?? "info",
    ...extraEnv,
  };
  const child = spawn(TAURI_DRIVER, ["--port", String(port), "--native-port", String(nativePort), "--native-driver", WEBKIT_DRIVER], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = [];
  const keep = (d) => {
    log.push(d.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  await waitForPort(port, 15_000, child);
  return {
    port,
    pid: child.pid,
    home,
    env,
    log,
    /**
     * Stops tauri-driver and whatever it started (WebKitWebDriver, the app). A process that
     * outlives it is named on stderr and killed: it would keep this file's pipes open, so the
     * test file would never end.
     */
    async stop() {
      const tree = await descendants(child.pid);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(5000)]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      const living = async () => (await Promise.all(tree.map(async (p) => ((await running(p)) ? p : null)))).filter((p) => p !== null);
      for (let i = 0; i < 50 && (await living()).length > 0; i++) await sleep(100);
      for (const pid of await living()) {
        const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "?");
        process.stderr.write(`harness: pid ${pid} (${comm.trim()}) outlived tauri-driver; killing it\n`);
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/** A WebDriver session: tauri-driver starts the app with `args`. */
export async function openApp(driver, { args = ["--demo"], app = APP } = {}) {
  // tauri-driver listens before its native WebKitWebDriver does; on a loaded machine the first
  // session request can meet a native driver not yet listening (no app was started then).
  for (let attempt = 1; ; attempt++) {
    try {
      return await newSession(driver, args, app);
    } catch (e) {
      const notYet = /UND_ERR_SOCKET|ECONNREFUSED/.test(String(e?.message)) && driver.log.join("").includes("tcp connect error");
      if (notYet && attempt < 5) {
        await sleep(1000 * attempt);
        continue;
      }
      e.message += `\n--- tauri-driver output (last lines) ---\n${driver.log.join("").split("\n").slice(-40).join("\n")}`;
      throw e;
    }
  }
}

async function newSession(driver, args, app) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: driver.port,
    logLevel: "warn",
    connectionRetryTimeout: 60_000,
    connectionRetryCount: 0,
    waitforTimeout: 20_000,
    waitforInterval: 150,
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      browserName: "wry",
      "tauri:options": { application: app, args },
    },
  });
  await browser.setTimeout({ implicit: 0, pageLoad: 30_000, script: 30_000 });
  return browser;
}

/** Ends the WebDriver session (the driver closes the app); never hangs. */
export async function closeApp(browser) {
  if (!browser) return;
  await Promise.race([browser.deleteSession().catch(() => {}), sleep(10_000)]);
}

async function childrenOf(pid) {
  const out = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The process exists and is not a zombie. */
export async function running(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Every process below `pid`, children first. */
async function descendants(pid) {
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of await childrenOf(queue.shift())) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/**
 * Starts the app binary again beside the one under the driver, as a person opening q2google a
 * second time would (same HOME, data, display and session bus), and waits for it to exit: the
 * single-instance plugin hands over to the running app and ends this one.
 */
export async function launchAgain(driver, args = ["--demo"], timeoutMs = 20_000) {
  const child = spawn(APP, args, { env: driver.env, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d.toString()));
  const code = await Promise.race([new Promise((r) => child.once("exit", (c) => r(c))), sleep(timeoutMs).then(() => "timeout")]);
  if (code === "timeout") {
    child.kill("SIGKILL");
    throw new Error(`a second launch did not hand over and exit within ${timeoutMs} ms\n${err.slice(-2000)}`);
  }
  return code;
}

/**
 * What a window manager would do (Xvfb has none), by tests/e2e/xwin.c, which scripts/test-app
 * builds (Q2GOOGLE_XWIN): `state` → "viewable" | "unmapped" | "absent" for the top-level window
 * titled `title`; `close` → its close button (WM_DELETE_WINDOW).
 */
export async function xwin(command, title = "q2google") {
  const bin = process.env.Q2GOOGLE_XWIN;
  if (!bin) throw new Error("Q2GOOGLE_XWIN is not set: run under scripts/test-app");
  const child = spawn(bin, [command, title], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d.toString()));
  child.stderr.on("data", (d) => (err += d.toString()));
  const code = await new Promise((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`xwin ${command} ${title}: exit ${code}: ${err.trim()}`);
  return out.trim();
}

/**
 * Records the desktop notifications sent on the session bus (the Notify calls to
 * org.freedesktop.Notifications, seen by dbus-monitor: the test bus has no notification
 * service, the calls are made all the same). `list` holds `{ title, body }`; `stop()` ends it.
 */
export function watchNotifications() {
  const child = spawn("dbus-monitor", ["--session", "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"], {
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const list = [];
  let buffer = "";
  let strings = null;
  child.stdout.on("data", (d) => {
    buffer += d.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const line of lines) {
      if (/^method call .*member=Notify/.test(line)) {
        strings = [];
        continue;
      }
      const m = /^\s+string "(.*)"$/.exec(line);
      // Notify(app_name, replaces_id, app_icon, summary, body, actions, hints, timeout)
      if (strings && m) {
        strings.push(m[1]);
        if (strings.length === 4) {
          list.push({ title: strings[2], body: strings[3] });
          strings = null;
        }
      }
    }
  });
  const ready = new Promise((r) => setTimeout(r, 500));
  return {
    list,
    ready,
    stop() {
      child.kill("SIGTERM");
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/**
 * A desktop's tray host on the session bus (crates/fakes/src/bin/fake-tray.rs, Q2GOOGLE_TRAY):
 * the app's tray icon registers with it; `menu()` reads the icon's menu as a panel does
 * (`[{ id, label, enabled }]`, or null before the icon registered) and `click(label)` clicks
 * the entry with that label (a RegExp or a string). Start it before the app.
 */
export async function startTray() {
  const fake = await startLineFake("Q2GOOGLE_TRAY", []);
  if (fake.first !== "ready") throw new Error(`fake-tray did not start: ${fake.stderr()}`);
  const menu = async () => {
    const line = await fake.ask("menu");
    return line === "none" ? null : JSON.parse(line);
  };
  return {
    menu,
    async click(label) {
      const entries = (await menu()) ?? [];
      const entry = entries.find((e) => (label instanceof RegExp ? label.test(e.label) : e.label === label));
      if (!entry) throw new Error(`no tray menu entry ${label} in ${JSON.stringify(entries)}`);
      if (!entry.enabled) throw new Error(`tray menu entry ${entry.label} is disabled`);
      await fake.ask(`click ${entry.id}`);
    },
    stop: fake.stop,
  };
}

/**
 * logind's sleep inhibitor on the stand-in system bus scripts/test-app makes
 * (crates/fakes/src/bin/fake-logind.rs, Q2GOOGLE_LOGIND): `locks()` lists the inhibitor locks
 * still held, `[{ what, who, why, mode }]`. Start it before the app.
 */
export async function startLogind() {
  const fake = await startLineFake("Q2GOOGLE_LOGIND", []);
  if (fake.first !== "ready") throw new Error(`fake-logind did not start: ${fake.stderr()}`);
  return { locks: async () => JSON.parse(await fake.ask("locks")), stop: fake.stop };
}

/**
 * Starts the fake whose binary the environment variable `envName` names, speaking one command
 * a line on stdin and one answer a line on stdout. Resolves once its first line is out (or
 * after 10 s, with `first` null); `ask(command)` sends one command and resolves with its answer
 * (answers starting `error:` reject), one at a time.
 */
async function startLineFake(envName, args) {
  const bin = process.env[envName];
  if (!bin) throw new Error(`${envName} is not set: run under scripts/test-app`);
  const child = spawn(bin, args, { env: process.env, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d.toString()));
  const lines = [];
  const waiting = [];
  let buffer = "";
  child.stdout.on("data", (d) => {
    buffer += d.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop();
    for (const l of parts) (waiting.length ? waiting.shift() : (x) => lines.push(x))(l);
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => waiting.push(r)));
  const first = await Promise.race([next(), sleep(10_000).then(() => null)]);
  let queue = Promise.resolve();
  const ask = (command) => {
    const answer = queue.then(async () => {
      child.stdin.write(`${command}\n`);
      const line = await next();
      if (line.startsWith("error:")) throw new Error(`${bin} ${command}: ${line}`);
      return line;
    });
    queue = answer.catch(() => {});
    return answer;
  };
  return {
    first,
    ask,
    stderr: () => err,
    stop() {
      child.kill("SIGTERM");
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/** The app's process id: the descendant of this driver running the app binary. */
export async function appPid(driver, app = APP) {
  const want = realpathSync(app);
  const queue = [driver.pid];
  while (queue.length) {
    const pid = queue.shift();
    for (const c of await childrenOf(pid)) {
      try {
        const exe = (await readlink(`/proc/${c}/exe`)).replace(/ \(deleted\)$/, "");
        if (exe === want) return c;
      } catch {
        // not ours to read, or gone
      }
      queue.push(c);
    }
  }
  return null;
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Saves a screenshot of the current window to artifacts/ (ignored), and to
 * docs/screens/app-<name>.png when REFRESH_DOC_SCREENS=1 (scripts/refresh-screens), so a test
 * run leaves the tree as it found it. */
export async function shot(browser, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  // Let the page paint what it shows: a snapshot right after a change can come out blank.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await sleep(300);
  await browser.saveScreenshot(file);
  if (process.env.REFRESH_DOC_SCREENS === "1") {
    await mkdir(DOC_SCREENS, { recursive: true });
    await copyFile(file, join(DOC_SCREENS, `app-${name}.png`));
  }
  return file;
}

/** Waits until `fn` returns a truthy value (polling), else fails with `what`. */
export async function until(fn, what, timeoutMs = 20_000, intervalMs = 200) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

/** The visible text of the page body. */
export async function bodyText(browser) {
  return browser.execute(() => document.body.innerText);
}

/** Every process running the executable at `path` (whoever started it). */
export async function pidsOf(path) {
  const want = realpathSync(path);
  const out = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const exe = (await readlink(`/proc/${name}/exe`)).replace(/ \(deleted\)$/, "");
      if (exe === want) out.push(Number(name));
    } catch {
      // not ours to read, or gone
    }
  }
  return out;
}

/**
 * The app's update server (crates/fakes/src/bin/fake-updates.rs, Q2GOOGLE_UPDATES): serves
 * `artifact` as release `version`, signed with a key it makes. Returns its manifest URL and
 * public key (for Q2GOOGLE_UPDATE_URL / Q2GOOGLE_UPDATE_PUBKEY), `badSignature(on)`,
 * `downloads()` and `stop()`.
 */
export async function startUpdateServer(artifact, version, notes = "") {
  const fake = await startLineFake("Q2GOOGLE_UPDATES", ["--version", version, "--artifact", artifact, "--notes", notes]);
  if (!fake.first) throw new Error(`fake-updates did not start: ${fake.stderr()}`);
  const info = JSON.parse(fake.first);
  return {
    manifestUrl: info.manifest_url,
    pubkey: info.pubkey,
    badSignature: (on) => fake.ask(`bad-signature ${on ? "on" : "off"}`),
    downloads: async () => Number(await fake.ask("downloads")),
    stop: fake.stop,
  };
}
