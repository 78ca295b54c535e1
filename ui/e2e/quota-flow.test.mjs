// A session that pauses on Google's daily quota → History → Resume (one click) → completes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, shot } from "./harness.mjs";

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

test("quota pause → History → Resume → completes", { timeout: 120_000 }, async () => {
  const { page, problems } = await newPage(browser);
  await page.goto(`${server.url}/?mock=1&scenario=quota&speed=8`);
  await page.getByRole("button", { name: "Try the demo" }).click();
  await page.getByRole("heading", { level: 1, name: "Choose the dates to move" }).waitFor();
  await page.getByText("Demo — sample data").waitFor();

  await page.getByRole("button", { name: "Last 30 days" }).click();
  await page.getByTestId("summary-headline").waitFor();
  await page.getByRole("button", { name: "Start moving" }).click();
  await page.getByRole("heading", { level: 1, name: /^Moving/ }).waitFor();

  // Google's quota pauses it, and the screen says when it resets, in local time.
  const reset = page.getByTestId("quota-reset");
  await reset.waitFor({ timeout: 60_000 });
  assert.match(await reset.innerText(), /Google's limit resets (today|tomorrow) at \d\d:\d\d \(your time\)/);
  assert.match(await page.getByTestId("status-line").innerText(), /^Paused after moving \d+ of \d+/);
  await shot(page, "08-session-quota-paused");

  // History: the new session is first, paused, with Resume on its row.
  await page.getByRole("button", { name: "History", exact: true }).click();
  const rows = page.locator("tbody tr");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 4, "3 demo sessions + this one");
  assert.match(await rows.first().innerText(), /Paused/);
  await shot(page, "09-history-resumable");
  await rows.first().getByRole("button", { name: /^Resume/ }).click();

  await page.getByRole("heading", { level: 1, name: /^Moving/ }).waitFor();
  await page.getByRole("heading", { name: /All done|Finished/ }).waitFor({ timeout: 60_000 });
  await page.getByRole("button", { name: "History", exact: true }).click();
  await rows.first().waitFor();
  assert.match(await rows.first().innerText(), /Done/);
  assert.equal(await rows.first().getByRole("button", { name: /^Resume/ }).count(), 0);

  assert.deepEqual(problems, [], "no console errors or CSP violations");
});
