// Flow 5, Google's daily limit in the middle of a move, on the fakes' clock: the demo clouds'
// clock starts 150 s before Google's daily reset (midnight at UTC−8) and the Google fake allows 30
// requests a day, saying in Retry-After when its day ends. The full demo range starts → Google
// refuses for the day: the session pauses, says when the limit resets and counts down to when it
// goes on by itself → nobody clicks → at the reset (plus q2google's 2-minute margin) it goes on by
// itself, says so, and finishes with nothing failed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { newHome, startDriver, openApp, closeApp, shot, until } from "./harness.mjs";
import { itemCounts, startDemoMove, text, waitDone } from "./steps.mjs";

let driver;
let b;
after(async () => {
  await closeApp(b);
  await driver?.stop();
});

/** 150 s before the next midnight at UTC−8 (Google's daily reset, as the fake keeps it). */
function justBeforeTheReset() {
  const day = 86_400_000;
  const eightHours = 8 * 3_600_000;
  const nextReset = Math.floor((Date.now() - eightHours) / day + 1) * day + eightHours;
  return new Date(nextReset - 150_000).toISOString();
}

test("daily limit mid-move → paused with a countdown → goes on by itself at the reset → done", { timeout: 660_000 }, async (t) => {
  t.after(async () => {
    if (t.passed === false && b) await shot(b, "failure-quota-resume").catch(() => {});
  });

  // The demo logins earlier flows left in the keyring were issued on the real clock; 17-odd
  // hours later on this flow's clock GoPro's has expired (as a real one would). Start signed out.
  try {
    execFileSync("secret-tool", ["clear", "service", "q2google-demo"]);
  } catch {
    // Nothing stored (this flow ran alone).
  }
  driver = await startDriver(await newHome("quota-resume"), {
    Q2GOOGLE_DEMO_CLOCK_START: justBeforeTheReset(),
    // Only whole requests count (not each chunk of the big video's resumable upload), so the
    // limit falls among the small files and the next day's allowance finishes the range.
    Q2GOOGLE_DEMO_GOOGLE: JSON.stringify({ daily_request_limit: 30, daily_retry_after: true, count_session_requests: false }),
  });
  b = await openApp(driver);
  await startDemoMove(b);

  const paused = await until(async () => text(b, '[data-testid="quota-reset"]'), "the pause for Google's daily limit", 90_000);
  t.diagnostic(`paused: ${paused.trim()}`);
  const countdown = await until(async () => text(b, '[data-testid="auto-resume-countdown"]'), "the countdown to going on by itself", 20_000);
  assert.match(countdown, /^Goes on by itself .+ \(.+ from now\)/, countdown);
  assert.match(await text(b, ".notice-title"), /Paused/);
  await shot(b, "session-quota-countdown");
  const moved = /^Moving (\d+) of (\d+)/.exec((await text(b, '[data-testid="status-line"]')) ?? "");
  t.diagnostic(`status at the pause: ${await text(b, '[data-testid="status-line"]')}`);
  if (moved) assert.ok(Number(moved[1]) < Number(moved[2]), "paused before the end");

  // No click: at the reset (on the fakes' clock) plus the margin, it goes on by itself.
  const went = await until(async () => text(b, '[data-testid="auto-resumed"]'), "the move going on by itself after the reset", 420_000, 1000);
  t.diagnostic(`went on: ${went.trim()}`);
  assert.match(went, /daily limit/i, went);
  await shot(b, "session-auto-resumed");

  const done = await waitDone(b);
  assert.equal(done.title.trim(), "All done");
  const counts = await itemCounts(b);
  assert.equal(counts["Couldn't move"], 0, JSON.stringify(counts));
  assert.equal(counts["In Google Photos"] + counts.Skipped, counts.All, JSON.stringify(counts));
});
