// Browser-test harness: serves ui/dist on a free loopback port with the CSP the app gets in
// Tauri, and drives headless Debian Chromium through playwright-core.
import { createServer } from "node:http";
import { readFile, mkdir, copyFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const UI_DIR = join(here, "..");
export const DIST = join(UI_DIR, "dist");
export const SCREENS = join(UI_DIR, "test-results", "screens");
export const DOC_SCREENS = join(UI_DIR, "..", "docs", "screens");

/** What the app's build needs; the same policy belongs in tauri.conf.json (app.security.csp). */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ipc: http://ipc.localhost",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join("; ");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

export async function startServer() {
  if (!existsSync(join(DIST, "index.html"))) throw new Error("ui/dist is missing: run `npm run build` first");
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, "");
    if (path === "/" || !extname(path)) path = "/index.html";
    try {
      const body = await readFile(join(DIST, path));
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        "content-security-policy": CSP,
        "cache-control": "no-store",
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** A page that records CSP violations and page errors, with a fixed clock (2026-05-20 10:00 local). */
export async function newPage(browser, { width = 1280, height = 900, colorScheme = "light", fixedTime = true } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    colorScheme,
    timezoneId: "Europe/Berlin",
    locale: "en-GB",
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  if (fixedTime) {
    // Only Date is fixed; timers run normally so the mock's simulation advances.
    await page.clock.setFixedTime(new Date("2026-05-20T10:00:00+02:00"));
  }
  return { page, context, problems };
}

/** A screenshot (the whole page unless `fullPage: false`, e.g. for a modal dialog) to the
 * ignored test-results/screens/; also to docs/screens/ when REFRESH_DOC_SCREENS=1
 * (scripts/refresh-screens), so a test run leaves the tree as it found it. */
export async function shot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENS, { recursive: true });
  const file = join(SCREENS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  if (process.env.REFRESH_DOC_SCREENS === "1") {
    await mkdir(DOC_SCREENS, { recursive: true });
    await copyFile(file, join(DOC_SCREENS, `${name}.png`));
  }
  return file;
}

/** No horizontal scrolling: the document is no wider than the viewport. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
