// The main flow in headless Chromium against the built app and the mock backend:
// welcome → connect both → a preset → a range clicked on the calendar → summary → Start →
// progress to completion → History lists the session. Screenshots of each screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage, shot, horizontalOverflow } from "./harness.mjs";

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

test("welcome → connect → pick dates → start → done → history", { timeout: 120_000 }, async () => {
  const { page, problems } = await newPage(browser);
  await page.goto(`${server.url}/?mock=1&speed=8`);

  await page.getByRole("heading", { level: 1, name: /Move your GoPro videos/ }).waitFor();
  await shot(page, "01-welcome");
  await page.getByRole("button", { name: "Connect GoPro" }).click();
  await page.getByRole("heading", { name: /Connect GoPro — done/ }).waitFor();
  await page.getByRole("button", { name: "Connect Google Photos" }).click();
  await page.getByRole("button", { name: "Continue" }).waitFor();
  await shot(page, "02-welcome-connected");
  await page.getByRole("button", { name: "Continue" }).click();

  // Home: a preset first.
  await page.getByRole("heading", { level: 1, name: "Choose the dates to move" }).waitFor();
  await page.getByRole("button", { name: "Last 30 days" }).click();
  assert.equal(await page.getByRole("button", { name: "Last 30 days" }).getAttribute("aria-pressed"), "true");
  await page.getByText(/21 April\s*–\s*20 May 2026/).first().waitFor();
  const headline = page.getByTestId("summary-headline");
  await headline.waitFor();
  assert.match(await headline.innerText(), /^\d+ photos? and \d+ videos?, [\d.]+ GB$/);

  // Then a range by clicking the calendar: 1 March → 31 March (shown after one step back).
  await page.getByRole("button", { name: /previous month/i }).click();
  await page.getByRole("button", { name: /March 1st, 2026/ }).click();
  await page.getByText(/Now pick the last day/).waitFor();
  await page.getByRole("button", { name: /March 31st, 2026/ }).click();
  await page.getByText(/1\s*–\s*31 March 2026 · 31 days, both ends included/).waitFor();
  assert.equal(await page.getByRole("button", { name: "Last 30 days" }).getAttribute("aria-pressed"), "false");
  await page.waitForFunction(() => document.querySelector('[data-testid="summary-headline"]') !== null);
  const march = await headline.innerText();
  assert.match(march, /photos? and \d+ videos?/);
  assert.match(await page.locator(".summary").innerText(), /can't be moved: 360° videos|already in Google Photos/);
  // The thumbnails of what will move: tiles near the view load their images (data: URLs the
  // CSP allows), each named by file and kind; the rest of the range is counted.
  const tiles = page.getByRole("list", { name: "Photos and videos in these dates" });
  await tiles.locator("img").first().waitFor();
  assert.ok((await tiles.getByRole("listitem").count()) > 0);
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll(".preview-tiles img")];
    return imgs.length >= 6 && imgs.every((i) => i.complete && i.naturalWidth > 0 && i.src.startsWith("data:image/"));
  });
  assert.match(await tiles.locator("img").first().getAttribute("alt"), /^\S+\.(JPG|MP4), (photo|video)$/);
  await shot(page, "03-home-summary");
  assert.equal(await horizontalOverflow(page), 0);

  // Start, and watch it move.
  await page.getByRole("button", { name: "Start moving" }).click();
  await page.getByRole("heading", { level: 1, name: "Moving March 2026" }).waitFor();
  await page.getByText(/Safe to close — you can resume later/).waitFor();
  await page.waitForFunction(() => /^Moving \d+ of \d+/.test(document.querySelector('[data-testid="status-line"]')?.textContent ?? ""));
  await page.waitForFunction(() => /left/.test(document.querySelector('[data-testid="time-left"]')?.textContent ?? ""));
  await page.getByText("Files (", { exact: false }).click();
  await page.getByText("Speed chart").click();
  await page.locator(".chart canvas").waitFor();
  await page.locator(".item-row").first().waitFor();
  await page.waitForTimeout(1500);
  await shot(page, "04-session-running");

  await page.getByRole("heading", { name: /All done|Finished/ }).waitFor({ timeout: 60_000 });
  // External links are buttons that ask the backend (open_url) to open the system browser:
  // the page itself never navigates and no window opens.
  const before = page.url();
  const album = page.getByRole("button", { name: /Open album in Google Photos/ });
  assert.ok(await album.isVisible());
  await album.click();
  await page.waitForTimeout(500);
  assert.equal(page.url(), before);
  assert.equal(page.context().pages().length, 1);
  assert.equal(await page.locator("a[target], a[href^='http']").count(), 0);
  await page.getByRole("button", { name: "Export report" }).click();
  await page.getByText(/Report saved to/).waitFor();
  await shot(page, "05-session-done");

  // History lists it.
  await page.getByRole("button", { name: "History", exact: true }).click();
  const row = page.getByRole("row").filter({ hasText: /March 2026/ });
  await row.waitFor();
  assert.match(await row.innerText(), /Done/);
  await shot(page, "06-history");

  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  await shot(page, "07-settings");

  assert.deepEqual(problems, [], "no console errors or CSP violations");
});
