import { chromium } from "playwright-core";
import { createAppServer } from "../../scripts/lib/app-server.mjs";
import { listen } from "../../scripts/lib/static-server.mjs";
import { CHROMIUM, CHROMIUM_ARGS, fixture } from "./helpers.mjs";
const server = createAppServer();
const origin = `http://127.0.0.1:${await listen(server, 0)}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const width = Number(process.argv[2] ?? 360);
const page = await browser.newPage({ viewport: { width, height: 900 } });
page.on("console", (m) => console.log("console", m.type(), m.text()));
page.on("pageerror", (e) => console.log("pageerror", e.message));
await page.goto(origin + "/");
await page.waitForSelector("body[data-ready]");
await page.fill("#pem", fixture(process.argv[3] ?? "ec-chain-with-text.pem") + fixture("ec-p256.pub.pem"));
await page.click("#show");
await page.waitForSelector("#items li");
if (process.argv[4]) await page.click(`input[value=${process.argv[4]}]`);
const h = await page.evaluate(() => document.documentElement.scrollHeight);
console.log("scrollWidth", await page.evaluate(() => document.documentElement.scrollWidth), "height", h);
const step = width < 600 ? 1400 : 1800;
for (let y = 0, i = 0; y < h; y += step, i++) {
  await page.screenshot({ path: `/tmp/wwwshot/${width}-${i}.png`, fullPage: true, clip: { x: 0, y, width, height: Math.min(step, h - y) } });
}
await page.screenshot({ path: `/tmp/www-${width < 600 ? "mobile" : "desktop"}.png`, fullPage: true });
await browser.close(); server.close();
