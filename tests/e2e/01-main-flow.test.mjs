// Flow 1, the real app in demo mode (in-process fake clouds): first-run welcome → GoPro login
// window (a second WebDriver window: email + password) → Google loopback sign-in (the fake
// browser) → 1 January – 30 June 2026 on the calendar → summary → Start → every item done →
// History lists the session as done → Settings: Start at login on and off. Screenshots of each
// screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { newHome, startDriver, openApp, closeApp, shot, until, APP } from "./harness.mjs";
import { welcome, assertChipsConnected, pickDemoRange, summaryHeadline, start, waitDone, itemCounts, historyRows, click, text, heading1, waitText, DEMO_RANGE, setSpeedLimit, progress } from "./steps.mjs";

let driver;
let b;
before(async () => {
  driver = await startDriver(await newHome("main-flow"));
});
after(async () => {
  await closeApp(b);
  await driver?.stop();
});

test("welcome → GoPro login window → Google → dates → start → all done → history", { timeout: 420_000 }, async (t) => {
  b = await openApp(driver);
  t.after(async () => {
    if (t.passed === false) await shot(b, "failure-main-flow").catch(() => {});
  });

  await welcome(b, { shots: true });
  await assertChipsConnected(b);
  // About 125 MB/s: the 1.2 GB video takes ~10 s, long enough to watch the session run.
  await setSpeedLimit(b, 1000);
  assert.match((await text(b, '.chip-ok[data-cloud="gopro"]')) ?? "", /GoPro/);
  // The Google chip names the signed-in account (the fake's one person).
  assert.match((await text(b, '.chip-ok[data-cloud="google"]')) ?? "", /you@example\.com/);

  await pickDemoRange(b);
  const headline = await summaryHeadline(b);
  // 34 media in the demo library: photos, videos, a burst, time-lapses, Quik edits, a 360° video.
  const m = /^(\d+) photos? and (\d+) videos?, ([\d.]+) GB$/.exec(headline.trim());
  assert.ok(m, `summary headline "${headline}"`);
  assert.equal(Number(m[1]) + Number(m[2]), 34, headline);
  assert.ok(Number(m[3]) >= 1.2, `the range holds the 1.2 GB video: ${headline}`);
  assert.match((await text(b, ".summary")) ?? "", /can't be moved/);
  // Two demo videos come from GoPros before the HERO11 (local time in their headers).
  assert.match((await text(b, ".summary")) ?? "", /2 videos from older GoPros would show up hours off/);
  // The grid of what will move: thumbnails fetched by the backend from the fake's image host,
  // handed to the page as data (its CSP allows no other image source).
  const thumbs = await until(async () => {
    const n = await b.execute(
      () => document.querySelectorAll('ul[aria-label="Photos and videos in these dates"] img[src^="data:image/png"]').length,
    );
    return n >= 8 ? n : null;
  }, "thumbnails in the preview grid", 30_000);
  assert.ok(thumbs >= 8, `${thumbs} thumbnails`);
  await shot(b, "home-summary");
  await b.execute(() => document.querySelector(".preview-grid")?.scrollIntoView({ block: "center" }));
  await shot(b, "home-preview-grid");
  await b.execute(() => window.scrollTo(0, 0));

  await start(b);
  assert.match((await heading1(b)) ?? "", /^Moving .*2026/);
  await until(async () => /^Moving \d+ of \d+/.test((await text(b, '[data-testid="status-line"]')) ?? ""), "the Moving N of M status", 60_000);
  await until(async () => (await progress(b)).value > 0, "bytes moving", 60_000);
  // The byte total counts the files not moved yet, the 1.2 GB video included.
  const p = await progress(b);
  assert.ok(p.max >= 1.2e9 && p.value < p.max, `progress ${p.value} of ${p.max}`);
  await shot(b, "session-running");

  const done = await waitDone(b);
  assert.equal(done.title.trim(), "All done");
  assert.equal(done.facts["Couldn't move"], "0");
  assert.ok(Number(done.facts.Moved) > 0, JSON.stringify(done.facts));
  const counts = await itemCounts(b);
  assert.equal(counts["Couldn't move"], 0, JSON.stringify(counts));
  assert.equal(counts["Waiting or moving"], 0, JSON.stringify(counts));
  assert.equal(counts["In Google Photos"] + counts.Skipped, counts.All, JSON.stringify(counts));
  assert.equal(counts["In Google Photos"], Number(done.facts.Moved), JSON.stringify({ counts, done }));
  assert.equal(counts.Skipped, Number(done.facts.Skipped), JSON.stringify({ counts, done }));
  for (const s of counts.rowStates) assert.match(s, /^item-state-(created|skipped)$/, JSON.stringify(counts.rowStates));
  await shot(b, "session-done");

  const rows = await historyRows(b);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.match(rows[0].range, DEMO_RANGE);
  assert.equal(rows[0].status, "Done");
  assert.equal(rows[0].moved, Number(done.facts.Moved));
  assert.equal(rows[0].failed, 0);
  assert.equal(rows[0].resumable, false);
  await shot(b, "history");

  await click(b, "Settings");
  await until(async () => (await heading1(b)) === "Settings", "Settings");
  await shot(b, "settings");

  // Start at login: off by default; on writes the desktop's autostart entry (XDG), starting
  // this app at login with --at-login; off removes it. Read back from the entry, not a file of ours.
  const entry = join(driver.home.home, ".config", "autostart", "q2google.desktop");
  const atLogin = async () => b.$("//label[contains(., 'Start q2google when I log in')]//input[@type='checkbox']");
  assert.equal(await (await atLogin()).isSelected(), false, "off by default");
  assert.equal(existsSync(entry), false);
  await (await atLogin()).click();
  await click(b, "Save settings");
  await waitText(b, /Saved\./, "the settings saved");
  const desktop = await readFile(entry, "utf8");
  assert.ok(desktop.split("\n").includes(`Exec=${APP} --at-login`), desktop);
  await click(b, "Home");
  await click(b, "Settings");
  await until(async () => (await heading1(b)) === "Settings", "Settings again");
  assert.equal(await (await atLogin()).isSelected(), true, "read back as on");
  await (await atLogin()).click();
  await click(b, "Save settings");
  await waitText(b, /Saved\./, "the settings saved");
  await until(async () => !existsSync(entry), "the autostart entry removed", 5_000);
});
