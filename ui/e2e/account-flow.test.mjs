// A session that moves into another Google account than the one signed in (the mock's
// otheraccount scenario): its screen says whose Google Photos it goes into, and offers a new move
// of the same dates beside the sign-in; that starts a new session, into the signed-in account.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import { startServer, launch, newPage, horizontalOverflow, SCREENS } from "./harness.mjs";

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("signed in to another Google account → start a new move of these dates", { timeout: 120_000 }, async () => {
  const { page, problems } = await newPage(browser);
  await page.goto(`${server.url}/?mock=1&scenario=otheraccount&speed=8`);
  await page.getByRole("heading", { level: 1, name: "Choose the dates to move" }).waitFor();
  assert.match(await page.locator('.chip[data-cloud="google"]').innerText(), /you@example\.com/);

  // History says which account each session went into; the row opens the session.
  await page.getByRole("button", { name: "History", exact: true }).click();
  const row = page.locator("tbody tr").first();
  await row.waitFor();
  assert.equal(await row.getByTestId("history-account").innerText(), "into jane@example.com");
  await row.getByRole("button", { name: /open details/ }).click();

  await page.getByRole("heading", { level: 1, name: "March 2026" }).waitFor();
  assert.equal(await page.getByTestId("session-account").innerText(), "Into jane@example.com's Google Photos");
  await page.getByText("Signed in to a different Google account").waitFor();
  assert.ok(await page.getByRole("button", { name: "Sign in to Google as jane@example.com" }).isVisible());
  const newMove = page.getByRole("button", { name: "Start a new move of these dates" });
  assert.ok(await newMove.isVisible());
  await mkdir(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, "session-other-account.png"), fullPage: true });
  await page.setViewportSize({ width: 640, height: 900 });
  assert.equal(await horizontalOverflow(page), 0, "the session scrolls sideways at 640 px");
  await page.setViewportSize({ width: 1280, height: 900 });

  await newMove.click();
  await page.getByRole("heading", { level: 1, name: "Moving March 2026" }).waitFor();
  assert.equal(await page.getByTestId("session-account").innerText(), "Into you@example.com's Google Photos");
  await page.getByRole("heading", { name: /All done|Finished/ }).waitFor({ timeout: 60_000 });

  await page.getByRole("button", { name: "History", exact: true }).click();
  const rows = page.locator("tbody tr");
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2, "the other account's session stays, the new one comes first");
  assert.match(await rows.first().innerText(), /Done/);
  assert.equal(await rows.first().getByTestId("history-account").innerText(), "into you@example.com");
  assert.equal(await rows.nth(1).getByTestId("history-account").innerText(), "into jane@example.com");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
});
