// Every screen at 640 px wide (what 200 % zoom gives a 1280 px window) in light and dark:
// no horizontal scrolling; screenshots of the dark theme and the narrow layout.
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

for (const colorScheme of ["light", "dark"]) {
  test(`640 px, ${colorScheme}: no horizontal scrolling on any screen`, { timeout: 90_000 }, async () => {
    const { page, problems } = await newPage(browser, { width: 640, height: 900, colorScheme });
    await page.goto(`${server.url}/?mock=1&demo=1&speed=2`);
    const check = async (name) => {
      assert.equal(await horizontalOverflow(page), 0, `${name} scrolls sideways`);
      if (colorScheme === "dark" || name === "home") await shot(page, `${colorScheme}-640-${name}`);
    };
    await page.getByRole("heading", { level: 1, name: "Choose the dates to move" }).waitFor();
    await page.getByTestId("summary-headline").waitFor();
    await check("home");
    await page.getByRole("button", { name: "History", exact: true }).click();
    await page.locator("tbody tr").first().waitFor();
    await check("history");
    await page.locator("tbody tr").first().getByRole("button", { name: /^Resume/ }).click();
    await page.getByRole("heading", { level: 1, name: /^Moving/ }).waitFor();
    await page.getByText("Files (", { exact: false }).click();
    await page.getByText("Speed chart").click();
    await page.locator(".chart canvas").waitFor();
    await page.waitForTimeout(1500);
    await check("session");
    await page.getByRole("button", { name: "Settings", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    await check("settings");
    assert.deepEqual(problems, [], "no console errors or CSP violations");
  });
}

test("wide dark theme follows the OS", { timeout: 60_000 }, async () => {
  const { page, problems } = await newPage(browser, { colorScheme: "dark" });
  await page.goto(`${server.url}/?mock=1&demo=1`);
  await page.getByTestId("summary-headline").waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, "rgb(20, 23, 27)");
  await shot(page, "10-home-dark");
  assert.deepEqual(problems, []);
});
