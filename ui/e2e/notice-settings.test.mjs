// A whole-app notice on Home (the session database could not be opened → demo mode meanwhile),
// and Settings' write-only Google client secret and paste-a-GoPro-token fallback. Screenshots.
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

test("notice on Home; Settings: client secret and GoPro token", { timeout: 60_000 }, async () => {
  const { page, problems } = await newPage(browser);
  await page.goto(`${server.url}/?mock=1&notice=1`);
  await page.getByRole("heading", { level: 1, name: "Choose the dates to move" }).waitFor();
  const notice = page.getByRole("region", { name: "q2google is using sample data for now" });
  await notice.waitFor();
  assert.match(await notice.innerText(), /could not be opened/);
  assert.match(await notice.innerText(), /demo mode/);
  await page.getByTestId("summary-headline").waitFor();
  await shot(page, "11-home-notice");

  await page.getByRole("button", { name: "Settings", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
  await page.getByText("Advanced", { exact: true }).click();
  await page.getByLabel(/^Google client ID/).fill("123-abc.apps.googleusercontent.com");
  const secret = page.getByLabel(/^Google client secret/);
  assert.equal(await secret.getAttribute("type"), "password");
  await secret.fill("GOCSPX-example");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Saved in your keyring.").waitFor();
  assert.equal(await secret.inputValue(), "");
  assert.equal(await horizontalOverflow(page), 0);
  await shot(page, "12-settings-advanced");

  await page.getByRole("button", { name: "Paste a GoPro token" }).click();
  await page.getByRole("heading", { name: "Connect GoPro with a token" }).waitFor();
  await shot(page, "13-settings-token", { fullPage: false });
  await page.keyboard.press("Escape");
  assert.deepEqual(problems, [], "no console errors or CSP violations");
});
