// Flow 3, the window closed mid-move: the full demo range at a speed limit, the window's close
// button pressed mid-transfer (WM_DELETE_WINDOW, as a window manager sends it) → the window
// hides, the app keeps running and moving, and a notification says so → the tray (a tray host
// on the test bus reads its menu as a panel does) shows the progress; Pause and Resume from it
// → q2google opened a
// second time → the same app shows its window, further on → done, with a notification of the
// counts → with nothing running, the close button quits as before. Throughout, logind's sleep
// inhibitor (a stand-in on a private system bus) is held exactly while the move moves: taken at
// the start, let go on Pause, taken again on Resume, gone once done.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { newHome, startDriver, openApp, closeApp, shot, until, appPid, alive, running, sleep, launchAgain, xwin, watchNotifications, startTray, startLogind } from "./harness.mjs";
import { waitDone, itemCounts, progress, startDemoMove, waitMoving, text } from "./steps.mjs";

let driver;
let b;
let notes;
let tray;
let logind;
before(async () => {
  notes = watchNotifications();
  await notes.ready;
  tray = await startTray();
  logind = await startLogind();
});
after(async () => {
  notes?.stop();
  tray?.stop();
  logind?.stop();
  await closeApp(b);
  await driver?.stop();
});

test("close mid-move → hidden, still moving → open again → shown → done → close quits", { timeout: 480_000 }, async (t) => {
  t.after(async () => {
    if (t.passed === false && b) await shot(b, "failure-close-to-tray").catch(() => {});
  });

  driver = await startDriver(await newHome("close-to-tray"));
  b = await openApp(driver);
  await startDemoMove(b);
  const pid = await appPid(driver);
  assert.ok(pid, "found the app process under tauri-driver");

  // Under way and not done: the small files move in seconds, the 1.2 GB video keeps it short of the end.
  await waitMoving(b, (n, of) => n >= 1 && n < of, "the transfer to be under way");
  // Idle sleep held off, not the display, and the session screen says so.
  const held = await until(async () => {
    const locks = await logind.locks();
    return locks.length === 2 ? locks : null;
  }, "the sleep inhibitor while moving", 15_000);
  assert.deepEqual(held.map((l) => l.what).sort(), ["idle", "sleep"], JSON.stringify(held));
  assert.ok(held.every((l) => l.who === "q2google" && l.mode === "block"), JSON.stringify(held));
  assert.equal((await text(b, '[data-testid="keeping-awake"]'))?.trim(), "Keeping this computer awake while moving");
  assert.equal(await xwin("state"), "viewable");
  const atClose = await progress(b);
  assert.ok(atClose.value < atClose.max, `closed before the end: ${atClose.value} of ${atClose.max}`);

  // The close button, mid-move.
  await xwin("close");
  await until(async () => (await xwin("state")) === "unmapped", "the window to hide", 10_000);
  const hidden = await until(() => notes.list.find((n) => /keeps moving/.test(n.title)), "the hidden-window notification", 15_000);
  assert.match(hidden.body, /move goes on/);
  await sleep(1000);
  assert.ok(alive(pid), "the app still runs with its window closed");

  // The tray, as a panel reads it: the first line is the progress, then Show, Pause, Quit.
  const menu = await until(async () => {
    const m = await tray.menu();
    return m && /^Moving \d+ of \d+/.test(m[0]?.label ?? "") ? m : null;
  }, "the tray's progress line", 20_000);
  t.diagnostic(`tray menu: ${JSON.stringify(menu.map((e) => e.label))}`);
  assert.equal(menu[0].enabled, false, "the progress line is not a button");
  assert.deepEqual(menu.slice(1).map((e) => [e.label, e.enabled]), [["Show q2google", true], ["Pause", true], ["Quit q2google", true]]);
  // Pause and Resume from the tray, the window still hidden.
  await tray.click("Pause");
  await until(async () => {
    const m = await tray.menu();
    return m?.[0].label === "Paused" && m.some((e) => e.label === "Resume" && e.enabled);
  }, "paused from the tray (Resume offered)", 30_000);
  await until(async () => (await logind.locks()).length === 0, "the inhibitor let go on Pause", 15_000);
  await tray.click("Resume");
  await until(async () => /^Moving \d+ of/.test((await tray.menu())?.[0].label ?? ""), "moving again after Resume from the tray", 30_000);
  await until(async () => (await logind.locks()).length === 2, "the inhibitor taken again on Resume", 15_000);
  // The person's own pause is no news.
  assert.deepEqual(notes.list.filter((n) => /paused/i.test(n.title)), [], "no notification for a pause the person made");
  assert.equal(await xwin("state"), "unmapped", "still hidden");

  // Opened again: the running app shows its window (the second process hands over and ends).
  const code = await launchAgain(driver);
  assert.equal(code, 0, "the second launch exits cleanly");
  await until(async () => (await xwin("state")) === "viewable", "the window shown again", 15_000);
  assert.ok(alive(pid), "the same app, not a new one");
  const reopened = await progress(b);
  // One rule for both: files of the session to move, skips left out (read side by side, now
  // that the listing is long done).
  const windowTotal = /^Moving \d+ of (\d+)/.exec((await text(b, '[data-testid="status-line"]')) ?? "")?.[1];
  const trayTotal = /^Moving \d+ of (\d+)/.exec((await tray.menu())?.[0].label ?? "")?.[1];
  assert.ok(windowTotal && windowTotal === trayTotal, `the tray counts as the window does: ${trayTotal} vs ${windowTotal}`);
  t.diagnostic(`progress: ${atClose.value} at close, ${reopened.value} when shown again, of ${atClose.max}`);
  assert.ok(reopened.value > atClose.value, `moved while hidden: ${atClose.value} → ${reopened.value}`);

  const done = await waitDone(b);
  assert.equal(done.title.trim(), "All done");
  await until(async () => (await logind.locks()).length === 0, "the inhibitor gone once done", 15_000);
  const counts = await itemCounts(b);
  assert.equal(counts["Couldn't move"], 0, JSON.stringify(counts));
  assert.equal(counts["In Google Photos"] + counts.Skipped, counts.All, JSON.stringify(counts));
  const doneNote = await until(() => notes.list.find((n) => n.title === "Your media is in Google Photos"), "the done notification", 15_000);
  assert.match(doneNote.body, new RegExp(`^${done.facts.Moved} files moved, \\d+ skipped\\.$`), doneNote.body);
  assert.equal(notes.list.filter((n) => /keeps moving/.test(n.title)).length, 1, "the hidden-window notice once");

  // Nothing running: the close button quits, as before.
  await xwin("close");
  await until(async () => !(await running(pid)), "the app to quit when closed with nothing running", 20_000);
  b = null;
});
