// Flow 2, kill and go on: a fresh app data folder, the full demo range at a speed limit (so the
// 1.2 GB video takes ~25 s), the app process SIGKILLed mid-transfer (not the driver), the app
// started again on the same data and keyring as the login item starts it (--at-login) → the
// session goes on by itself in the background (window hidden, a notification), no click →
// opening q2google shows it → done.
// The demo logins (kept in the keyring) must still work after the restart: no login prompt.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { newHome, startDriver, openApp, closeApp, shot, until, appPid, alive, bodyText, launchAgain, xwin, watchNotifications } from "./harness.mjs";
import { assertChipsConnected, waitDone, itemCounts, historyRows, click, text, heading1, progress, DEMO_RANGE, startDemoMove, waitMoving } from "./steps.mjs";

let home;
let driver;
let b;
before(async () => {
  home = await newHome("kill-resume");
});
after(async () => {
  await closeApp(b);
  await driver?.stop();
});

test("SIGKILL mid-transfer → restart → goes on by itself → done", { timeout: 480_000 }, async (t) => {
  t.after(async () => {
    if (t.passed === false && b) await shot(b, "failure-kill-resume").catch(() => {});
  });

  // First run: log in (or find the demo logins in the keyring), then start the full range.
  driver = await startDriver(home);
  b = await openApp(driver);
  const sessionRange = await startDemoMove(b);

  // Mid-transfer: the small files (moved in parallel with the big one) in, the 1.2 GB video not
  // yet. By then the session's album exists in Google Photos. Killed once most are in.
  const mid = await waitMoving(b, (n, of) => n >= 30 && n < of, "the transfer to be under way");
  await shot(b, "session-before-kill");
  const bytes = await progress(b);
  assert.ok(bytes.value < bytes.max, `killed before the end: ${bytes.value} of ${bytes.max} bytes`);
  const pid = await appPid(driver);
  assert.ok(pid, "found the app process under tauri-driver");
  process.kill(pid, "SIGKILL");
  await until(async () => !alive(pid), "the app to die", 10_000);
  t.diagnostic(`killed app pid ${pid} at "${mid}", ${bytes.value} of ${bytes.max} bytes`);
  await closeApp(b);
  b = null;
  await driver.stop();

  // Second run: same HOME/XDG folders (so the same data), same session bus and keyring, started
  // as the login item starts it (a reboot mid-move): the move goes on in the background, the
  // window hidden and a notification saying so; opening q2google shows it.
  const notes = watchNotifications();
  t.after(() => notes.stop());
  await notes.ready;
  driver = await startDriver(home);
  b = await openApp(driver, { args: ["--demo", "--at-login"] });
  const atLogin = await until(() => notes.list.find((n) => /goes on with your move/.test(n.title)), "the going-on-at-login notification", 30_000);
  assert.match(atLogin.body, /background/);
  await until(async () => (await xwin("state")) === "unmapped", "the window hidden at login", 10_000);
  assert.equal(await launchAgain(driver), 0, "the second launch hands over");
  await until(async () => (await xwin("state")) === "viewable", "the window shown", 15_000);
  await until(async () => (await heading1(b)) === "Choose the dates to move", "Home after the restart (no welcome)", 30_000);
  await assertChipsConnected(b);
  assert.doesNotMatch(await bodyText(b), /Log in again|Please log in/);

  // No click: the session q2google was killed in the middle of goes on by itself.
  await click(b, "Show progress", 30_000);
  await until(async () => /^Moving /.test((await heading1(b)) ?? "") || (await text(b, "#done-title")) !== null, "the resumed session on screen", 30_000);
  assert.equal((await heading1(b)).replace(/^Moving /, ""), sessionRange.replace(/^Moving /, ""));
  const notice = await until(async () => text(b, '[data-testid="auto-resumed"]'), "the went-on-by-itself notice", 30_000);
  assert.match(notice, /closed/i, notice);
  await shot(b, "session-auto-resumed");

  const done = await waitDone(b);
  assert.equal(done.title.trim(), "All done");
  assert.equal(done.facts["Couldn't move"], "0");
  const counts = await itemCounts(b);
  assert.equal(counts["Couldn't move"], 0, JSON.stringify(counts));
  assert.equal(counts["Waiting or moving"], 0, JSON.stringify(counts));
  assert.equal(counts["In Google Photos"] + counts.Skipped, counts.All, JSON.stringify(counts));
  // The second run moved what the first had not: every file once, by the app's own records. (The
  // demo's Google fake lives in the app's process and dies with it, so Google's side of "nothing
  // twice" is counted where the fake outlives the kills: the CLI's kill test, merge off.)
  // The summary and the file list agree (a finished session's event carries its last files').
  assert.equal(Number(done.facts.Moved), counts["In Google Photos"], JSON.stringify({ counts, done }));

  const rows = await historyRows(b);
  assert.equal(rows.length, 1, `resumed, not a new session: ${JSON.stringify(rows)}`);
  assert.match(rows[0].range, DEMO_RANGE);
  assert.equal(rows[0].status, "Done");
  assert.equal(rows[0].failed, 0);
  assert.equal(rows[0].resumable, false);
});
