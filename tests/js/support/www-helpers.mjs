// Shared by the www-*.test.mjs files: the page served by the real `npm start` server,
// opened in headless Chromium (playwright-core) with clipboard permissions, every
// request and console message recorded.
import { chromium } from "playwright-core";
import { createAppServer } from "../../../scripts/lib/app-server.mjs";
import { listen } from "../../../scripts/lib/static-server.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from "./helpers.mjs";

/** Starts the app server and a browser; returns helpers and a close(). */
export async function openPage({ width = 1280, height = 900 } = {}) {
  const server = createAppServer();
  const origin = `http://127.0.0.1:${await listen(server, 0)}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: { width, height },
    permissions: ["clipboard-read", "clipboard-write"],
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const requests = [];
  const consoleMessages = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleMessages.push(`pageerror: ${error.message}`));
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready]");
  return {
    server,
    origin,
    browser,
    context,
    page,
    requests,
    consoleMessages,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Clears the input, pastes text, shows the pins. */
export async function pasteAndShow(page, text) {
  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByLabel("PEM input").fill(text);
  await page.getByRole("button", { name: "Show pins" }).click();
}

/** The text of one format's row for every shown item (certificates, then keys), in order. */
export async function shownFormat(page, format) {
  await page.locator("#items > li").first().waitFor();
  return page.locator(`#items > li [data-format="${format}"]`).evaluateAll((rows) =>
    rows.map((row) => (row.querySelector(".pin-text") ?? row.querySelector(".unsupported")).textContent),
  );
}

/** Expected text of a format, from the package in Node. Throws what formatPin throws. */
export function expectedFormat(certpin, pin, format) {
  // Given in curl notation: the engine's parser misreads okhttp pins whose base64
  // starts with "/" (see the todo test in www.test.mjs).
  const slash = pin.indexOf("/");
  return certpin.formatPin(`${pin.slice(0, slash)}//${pin.slice(slash + 1)}`, format);
}

export const PIN_FORMATS = ["okhttp", "hpkp", "curl", "android", "trustkit", "tlsa", "hex", "base64", "base64url"];

/** Calls `check` until it stops throwing (or throws its last error after ~5 s). */
export async function eventually(check, timeoutMs = 5000) {
  const start = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Where the page tests write their screenshots: tests/js/.tmp/screenshots (git-ignored). */
export function screenshotPath(name) {
  const dir = join(ROOT, "tests", "js", ".tmp", "screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
