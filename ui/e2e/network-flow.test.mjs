// A running session loses the network (the mock's offline scenario emits sync://network): the
// session screen says so calmly in words, with the time in local time, and that it goes on by
// itself; when the cloud answers again the notice goes and the session completes. Light at full
// width, dark at 640 px. Screenshots of the notice.
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

const cases = [
  { colorScheme: "light", width: 1280, offline: "google", names: "Google Photos", screen: "14-session-waiting-network" },
  { colorScheme: "dark", width: 640, offline: "both", names: "GoPro and Google Photos", screen: "dark-640-session-waiting-network" },
];

for (const { colorScheme, width, offline, names, screen } of cases) {
  test(`${colorScheme}, ${width} px: waiting for ${names} → back → completes`, { timeout: 120_000 }, async () => {
    const { page, problems } = await newPage(browser, { width, colorScheme });
    await page.goto(`${server.url}/?mock=1&connected=1&scenario=offline&offline=${offline}&outage=6000&speed=4`);
    await page.getByRole("button", { name: "Last 30 days" }).click();
    await page.getByTestId("summary-headline").waitFor();
    await page.getByRole("button", { name: "Start moving" }).click();
    await page.getByRole("heading", { level: 1, name: /^Moving/ }).waitFor();

    // Waiting: a status notice in words, the time it began in local time (the page's clock is
    // fixed at 10:00 in Berlin), and the progress does not turn into an error.
    const notice = page.getByRole("status").filter({ hasText: "Waiting for the network" });
    await notice.waitFor({ timeout: 60_000 });
    const text = await notice.innerText();
    assert.match(text, /^Waiting for the network\n/);
    assert.ok(
      text.includes(`${names} can't be reached right now (since 10:00). q2google keeps trying and will continue by itself; nothing is lost.`),
      text,
    );
    assert.match(text, /You can leave this window open or come back later\./);
    assert.match(await page.getByTestId("status-line").innerText(), /^Moving \d+ of \d+ videos and photos$/);
    assert.equal(await page.locator(".badge").innerText(), "Waiting for the network");
    assert.equal(await page.getByTestId("time-left").innerText(), "Goes on when the network is back");
    assert.equal(await page.getByRole("alert").count(), 0, "no error while waiting");
    assert.equal(await page.locator(".notice-error, .notice-warn").count(), 0);
    await page.getByText(/Safe to close — you can resume later/).waitFor();
    assert.equal(await horizontalOverflow(page), 0);
    await shot(page, screen);

    // Back: the notice goes by itself, and the session goes on to the end.
    await notice.waitFor({ state: "detached", timeout: 30_000 });
    assert.doesNotMatch(await page.locator(".badge").innerText(), /Waiting/);
    await page.getByRole("heading", { name: /All done|Finished/ }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId("network-waiting").count(), 0);

    assert.deepEqual(problems, [], "no console errors or CSP violations");
  });
}
