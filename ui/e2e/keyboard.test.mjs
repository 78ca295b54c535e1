// The main flow with the keyboard only: Tab/Enter/Space/arrows/Escape, visible focus, no mouse.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, newPage } from "./harness.mjs";

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

/** Presses Tab until the focused element's text or label matches, and checks focus is visible. */
async function tabTo(page, pattern, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        text: `${el.getAttribute("aria-label") ?? ""} ${el.textContent ?? ""}`.trim(),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
      };
    });
    if (info && pattern.test(info.text)) {
      assert.ok(info.outline, `focus is visible on “${info.text}”`);
      return;
    }
  }
  assert.fail(`could not Tab to ${pattern}`);
}

test("keyboard only: welcome → dates → start → cancel dialog with Escape → done → history", { timeout: 120_000 }, async () => {
  const { page, problems } = await newPage(browser);
  await page.goto(`${server.url}/?mock=1&speed=8`);
  await page.getByRole("heading", { level: 1, name: /Move your GoPro/ }).waitFor();

  // The skip link comes first.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to main content");

  await tabTo(page, /^Connect GoPro$/);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: /Connect GoPro — done/ }).waitFor();
  await tabTo(page, /^Connect Google Photos$/);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Continue" }).waitFor();
  await tabTo(page, /^Continue$/);
  await page.keyboard.press("Enter");

  // Home: the heading takes focus; a preset with Space; then the calendar with arrows.
  await page.getByRole("heading", { level: 1, name: "Choose the dates to move" }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1");
  await tabTo(page, /^Last 7 days$/);
  await page.keyboard.press("Space");
  await page.getByText(/14\s*–\s*20 May 2026/).first().waitFor();
  // Into the calendar grid: one day is focusable; Enter starts a range, arrows move, Enter ends it.
  await tabTo(page, /May .*2026/);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Enter");
  await page.getByText(/Now pick the last day/).waitFor();
  await page.keyboard.press("ArrowUp"); // a week earlier
  await page.keyboard.press("Enter");
  // Focus starts on the first selected day (14 May): two left → 12 May, a week up → 5 May.
  await page.getByText(/5\s*–\s*12 May 2026 · 8 days/).waitFor();
  await page.getByTestId("summary-headline").waitFor();

  await tabTo(page, /^Start moving$/);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: /^Moving/ }).waitFor();

  // Cancel opens a dialog; Escape closes it and focus returns to Cancel; the session goes on.
  await tabTo(page, /^Cancel$/);
  await page.keyboard.press("Enter");
  await page.getByRole("dialog", { name: "Stop moving?" }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Keep moving");
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel");

  // The files list opens with the keyboard.
  await tabTo(page, /^Files \(/);
  await page.keyboard.press("Enter");
  await page.locator(".item-row").first().waitFor();

  await page.getByRole("heading", { name: /All done|Finished/ }).waitFor({ timeout: 60_000 });
  // The status region announced the end.
  await page.waitForFunction(() => /All done/.test(document.querySelector('[data-testid="announcer"]')?.textContent ?? ""));

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.focus("h1");
  await tabTo(page, /^History$/);
  await page.keyboard.press("Enter");
  await page.getByRole("row").filter({ hasText: /May 2026/ }).waitFor();

  assert.deepEqual(problems, [], "no console errors or CSP violations");
});
