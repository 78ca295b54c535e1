// Steps shared by the flows: each drives the real app the way a person would and checks what the
// screen says.
import assert from "node:assert/strict";
import { until, bodyText, sleep, shot } from "./harness.mjs";

/** XPath for a button whose whole visible text is `text` (hidden helper spans included). */
const buttonX = (text) => `//button[normalize-space(.)=${JSON.stringify(text)}]`;

export async function button(b, text, timeout = 20_000) {
  const el = await b.$(buttonX(text));
  await el.waitForClickable({ timeout, timeoutMsg: `button "${text}" not clickable within ${timeout} ms` });
  return el;
}

export async function click(b, text, timeout) {
  await (await button(b, text, timeout)).click();
}

export async function text(b, selector) {
  return b.execute((s) => document.querySelector(s)?.textContent ?? null, selector);
}

export async function waitText(b, re, what, timeout = 20_000) {
  return until(async () => re.test(await bodyText(b)), what ?? `text ${re}`, timeout);
}

export async function heading1(b) {
  return text(b, "h1");
}

/** Welcome → "Connect GoPro" → the login window (a second window handle) → sign in → closed. */
export async function connectGoPro(b, { screenshot } = {}) {
  const main = await b.getWindowHandle();
  await click(b, "Connect GoPro");
  const login = await until(async () => (await b.getWindowHandles()).find((h) => h !== main), "the GoPro login window", 20_000);
  await b.switchToWindow(login);
  const email = await b.$("#email");
  await email.waitForDisplayed({ timeout: 20_000 });
  assert.match(await b.getTitle(), /Sign in \| GoPro/);
  await email.setValue("demo@example.com");
  await (await b.$("#password")).setValue("demo");
  if (screenshot) await shot(b, screenshot);
  await (await b.$("#login-submit")).click();
  // The app reads the HttpOnly cookie the login sets and closes the window itself.
  await b.switchToWindow(main);
  await until(async () => (await b.getWindowHandles()).length === 1, "the GoPro login window to close", 20_000);
}

/** "Connect Google Photos": the fake browser (Q2GOOGLE_BROWSER) completes the loopback flow. */
export async function connectGoogle(b) {
  await click(b, "Connect Google Photos");
}

/** The welcome steps, whatever is already connected (demo logins live in the keyring). */
export async function welcome(b, { shots = false } = {}) {
  await waitText(b, /Move your GoPro videos and photos to Google Photos/, "the welcome screen", 30_000);
  if (shots) await shot(b, "welcome");
  const body = await bodyText(b);
  if (!/Connect GoPro — done|Connected as/.test(body) || (await b.$(buttonX("Connect GoPro")).isExisting())) {
    await connectGoPro(b, { screenshot: shots ? "gopro-login" : undefined });
  }
  await until(async () => (await text(b, ".welcome-steps li:nth-child(1)"))?.includes("Connected as"), "GoPro connected on the welcome step");
  if (await b.$(buttonX("Connect Google Photos")).isExisting()) await connectGoogle(b);
  await until(async () => (await text(b, ".welcome-steps li:nth-child(2)"))?.includes("Connected as"), "Google Photos connected on the welcome step", 30_000);
  await click(b, "Continue");
  await until(async () => (await heading1(b)) === "Choose the dates to move", "Home");
}

/** Both account chips say connected. */
export async function assertChipsConnected(b) {
  for (const cloud of ["gopro", "google"]) {
    await until(async () => b.$(`.chip-ok[data-cloud="${cloud}"]`).isExisting(), `the ${cloud} chip to show connected`);
    assert.equal(await b.$(`.chip-warn[data-cloud="${cloud}"]`).isExisting(), false);
  }
}

/** Clicks the calendar day labelled `label` (e.g. "January 1st, 2026"), which must be shown. */
async function clickDay(b, label) {
  const day = await b.$(`//button[contains(@aria-label, ${JSON.stringify(label)})]`);
  await day.waitForClickable({ timeout: 10_000 });
  await day.click();
}

/**
 * The range 1 January – 30 June 2026 (the demo library is captured 4 January – 28 May): the
 * "This year" preset, then both ends clicked on the calendar.
 */
export async function pickDemoRange(b) {
  await click(b, "This year");
  // Back to January (the calendar shows the two months before today).
  for (let i = 0; i < 24 && !(await b.$("//button[contains(@aria-label,'January 1st, 2026')]").isExisting()); i++) {
    await (await b.$('button[aria-label="Go to the Previous Month"]')).click();
    await sleep(80);
  }
  await clickDay(b, "January 1st, 2026");
  await waitText(b, /Now pick the last day/, "the first end picked");
  for (let i = 0; i < 12 && !(await b.$("//button[contains(@aria-label,'June 30th, 2026')]").isExisting()); i++) {
    await (await b.$('button[aria-label="Go to the Next Month"]')).click();
    await sleep(80);
  }
  await clickDay(b, "June 30th, 2026");
  // The app formats dates in the system locale: "1 January – 30 June 2026" or "January 1 – June 30, 2026".
  await until(async () => /^(1 January\s*–\s*30 June 2026|January 1\s*–\s*June 30, 2026) · 181 days/.test((await text(b, ".range-status")) ?? ""), "the range 1 January – 30 June 2026");
}

/** The preview summary of the range, once counted: "N photos and M videos, X GB". */
export async function summaryHeadline(b) {
  return until(async () => {
    const t = await text(b, '[data-testid="summary-headline"]');
    return t && /\d+ photos? and \d+ videos?/.test(t) ? t : null;
  }, "the range summary", 60_000);
}

/** Start → the session screen. */
export async function start(b) {
  await click(b, "Start moving");
  await until(async () => /^Moving /.test((await heading1(b)) ?? ""), "the session screen", 30_000);
}

/** The session screen's done summary ("All done"), as numbers. */
export async function waitDone(b, timeout = 300_000) {
  await until(async () => (await text(b, "#done-title")) !== null, "the session to finish", timeout, 500);
  const facts = await b.execute(() =>
    Object.fromEntries([...document.querySelectorAll(".done-summary dl > div")].map((d) => [d.querySelector("dt").textContent, d.querySelector("dd").textContent])),
  );
  return { title: await text(b, "#done-title"), facts };
}

/** Opens the session's file list and counts files per filter (the list is virtualised). */
export async function itemCounts(b) {
  await b.execute(() => {
    const files = [...document.querySelectorAll("details.disclosure summary")].find((s) => /^Files/.test(s.textContent));
    if (files && !files.parentElement.open) files.click();
  });
  const select = await b.$("#item-filter");
  await select.waitForExist({ timeout: 10_000 });
  const counts = {};
  for (const [id, label] of [["all", "All"], ["done", "In Google Photos"], ["skipped", "Skipped"], ["failed", "Couldn't move"], ["active", "Waiting or moving"]]) {
    await select.selectByAttribute("value", id);
    await sleep(150);
    counts[label] = await until(async () => {
      const t = await text(b, ".item-filter .muted");
      const m = t && /^([\d,]+) files?$/.exec(t.trim());
      return m ? { n: Number(m[1].replace(/,/g, "")) } : null;
    }, `the ${label} count`).then((x) => x.n);
    if (id === "all") {
      // What the rendered rows say: only created / skipped states.
      counts.rowStates = await b.execute(() => [...new Set([...document.querySelectorAll(".item-row .item-state")].map((s) => s.className.replace("item-state ", "")))]);
    }
  }
  await select.selectByAttribute("value", "all");
  return counts;
}

/** The range of the demo flows as the app writes it (either locale order). */
export const DEMO_RANGE = /1 January\s*–\s*30 June 2026|January 1\s*–\s*June 30, 2026/;

/** Opens History and returns its rows as {range, status, moved, skipped, failed, resumable}. */
export async function historyRows(b) {
  await click(b, "History");
  await until(async () => (await heading1(b)) === "History", "History");
  await until(async () => b.$("table.history-table tbody tr").isExisting(), "a History row", 20_000);
  return b.execute(() =>
    [...document.querySelectorAll("table.history-table tbody tr")].map((tr) => {
      const cell = (label) => tr.querySelector(`td[data-label="${label}"]`)?.textContent.trim() ?? "";
      return {
        id: tr.getAttribute("data-session"),
        range: tr.querySelector("td.cell-main")?.textContent.replace(", open details", "").trim(),
        status: cell("Status"),
        moved: Number(cell("Moved").replace(/,/g, "")),
        skipped: Number(cell("Skipped").replace(/,/g, "")),
        failed: Number(cell("Couldn't move").replace(/,/g, "")),
        resumable: [...tr.querySelectorAll("button")].some((x) => /Resume/.test(x.textContent)),
      };
    }),
  );
}

/** Settings → "Limit the speed" at `mbps` Mbit/s → Save (so a session runs long enough to watch). */
export async function setSpeedLimit(b, mbps) {
  await click(b, "Settings");
  await until(async () => (await heading1(b)) === "Settings", "Settings");
  const box = await b.$("//label[contains(., 'Limit the speed')]//input[@type='checkbox']");
  await box.waitForExist({ timeout: 10_000 });
  if (!(await box.isSelected())) await box.click();
  const input = await b.$("//label[contains(., 'Speed limit')]//input[@type='number']");
  await input.waitForExist({ timeout: 10_000 });
  await input.clearValue();
  await input.setValue(String(mbps));
  await click(b, "Save settings");
  await waitText(b, /Saved\./, "the settings saved");
  await click(b, "Home");
  await until(async () => (await heading1(b)) === "Choose the dates to move", "Home");
}

/** The session screen's progress: bytes done / total (0 when not shown). */
export async function progress(b) {
  return b.execute(() => {
    const p = document.querySelector("#session-progress");
    return p ? { value: Number(p.value), max: Number(p.max) } : { value: 0, max: 0 };
  });
}

/**
 * The set-up flows 2 and 3 share: past the welcome with both demo logins, the upload limited to
 * `mbps`, the full demo range picked and started. Returns the session screen's heading.
 */
export async function startDemoMove(b, mbps = 400) {
  await welcome(b);
  await assertChipsConnected(b);
  await setSpeedLimit(b, mbps);
  await pickDemoRange(b);
  await summaryHeadline(b);
  await start(b);
  return heading1(b);
}

/**
 * Waits until the status line reads "Moving N of M" with `ok(n, m)` true (the demo range has
 * 44 files to move); returns the matched text.
 */
export async function waitMoving(b, ok, what, timeoutMs = 120_000) {
  return until(async () => {
    const m = /^Moving (\d+) of (\d+)/.exec((await text(b, '[data-testid="status-line"]')) ?? "");
    return m && Number(m[2]) >= 40 && ok(Number(m[1]), Number(m[2])) ? m[0] : null;
  }, what, timeoutMs, 250);
}
