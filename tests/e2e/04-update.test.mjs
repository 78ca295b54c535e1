// Flow 4, an update in the middle of a move. The app runs from a copy of its binary (the update
// replaces that file), against a local update server offering version 0.2.0 signed with a key of
// the test's. The full demo range moves at a speed limit → Settings shows the version; "Check for
// updates" finds 0.2.0 with its notes → the server now signs other bytes: Install is refused in
// words and the move goes on untouched → the right signature: Install pauses the move at a
// checkpoint, replaces the binary, and q2google restarts by itself → the restarted app goes on
// with the move without a click (its tray says so, read as a panel reads it) → Quit from the tray.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFile, chmod, stat } from "node:fs/promises";
import { join } from "node:path";
import { APP, newHome, startDriver, openApp, closeApp, shot, until, appPid, alive, pidsOf, startTray, startUpdateServer } from "./harness.mjs";
import { click, heading1, startDemoMove, text, waitMoving, waitText } from "./steps.mjs";

let driver;
let b;
let tray;
let updates;
let copy;
before(async () => {
  tray = await startTray();
});
after(async () => {
  await closeApp(b);
  await driver?.stop();
  // The restarted app is no child of the driver: end it here if the test did not.
  for (const pid of copy ? await pidsOf(copy).catch(() => []) : []) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  updates?.stop();
  tray?.stop();
});

const trayLine = async () => (await tray.menu())?.[0]?.label ?? "";

test("update mid-move → bad signature refused → install → checkpoint, restart, goes on by itself", { timeout: 480_000 }, async (t) => {
  t.after(async () => {
    if (t.passed === false && b) await shot(b, "failure-update").catch(() => {});
  });

  const home = await newHome("update");
  copy = join(home.home, "q2google-app");
  await copyFile(APP, copy);
  await chmod(copy, 0o755);
  // The release is this very build: what is checked is that the file is replaced and run again.
  updates = await startUpdateServer(copy, "0.2.0", "Follows GoPro's new login page.");
  driver = await startDriver(home, { Q2GOOGLE_UPDATE_URL: updates.manifestUrl, Q2GOOGLE_UPDATE_PUBKEY: updates.pubkey });
  b = await openApp(driver, { app: copy });
  // Slow enough that the 1.2 GB video is still moving through both install attempts.
  await startDemoMove(b, 50);
  await waitMoving(b, (n, of) => n >= 1 && n < of, "the transfer to be under way");
  const pid = await appPid(driver, copy);
  assert.ok(pid, "found the app process under tauri-driver");

  await click(b, "Settings");
  await until(async () => (await heading1(b)) === "Settings", "Settings");
  assert.equal((await text(b, '[data-testid="app-version"]'))?.trim(), "You have q2google 0.1.0.");
  await click(b, "Check for updates");
  await waitText(b, /Version 0\.2\.0 is available\./, "the update found");
  await waitText(b, /Follows GoPro's new login page\./, "its notes");
  await shot(b, "settings-update-available");

  // A download whose signature is not the key's: refused, nothing changed, the move goes on.
  await updates.badSignature(true);
  const before = await stat(copy);
  await click(b, "Install and restart");
  await waitText(b, /is not signed with q2google's key.*so it was not installed/, "the refusal in words", 60_000);
  assert.equal((await stat(copy)).ino, before.ino, "the binary untouched");
  assert.ok(alive(pid), "the same app still runs");
  assert.match(await trayLine(), /^Moving \d+ of \d+/, "the move never stopped");

  // The right signature: a checkpoint, the new file, a restart, and the move goes on by itself.
  await updates.badSignature(false);
  await click(b, "Install and restart");
  await until(async () => !alive(pid), "the old app to exit for the restart", 60_000);
  const replaced = await stat(copy);
  assert.notEqual(replaced.ino, before.ino, "the update replaced the binary");
  assert.equal(replaced.size, before.size);
  assert.equal(await updates.downloads(), 2, "downloaded twice: refused once, installed once");
  const restarted = await until(async () => (await pidsOf(copy)).find((p) => p !== pid) ?? null, "q2google to start again by itself", 30_000);
  t.diagnostic(`app pid ${pid} updated and restarted as pid ${restarted}`);
  await closeApp(b).catch(() => {});
  b = null;
  const going = await until(async () => {
    const line = await trayLine().catch(() => "");
    return /^Moving \d+ of \d+/.test(line) ? line : null;
  }, "the restarted app's tray: the move goes on by itself", 60_000);
  t.diagnostic(`after the restart the tray reads "${going}"`);
  assert.ok(alive(restarted), "the restarted app runs");

  await tray.click("Quit q2google");
  await until(async () => !alive(restarted), "the restarted app to quit from the tray", 30_000);
});
