// The page that `npm start` serves, in headless Chromium through the same server: it
// loads under its strict CSP (no connections at all), and shows node:crypto's pins.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { CONTENT_SECURITY_POLICY, createAppServer } from "../../scripts/lib/app-server.mjs";
import { listen } from "../../scripts/lib/static-server.mjs";
import { CHROMIUM, CHROMIUM_ARGS, fixture, pemBlocks, pinOfSpki, spkiOfCert } from "./helpers.mjs";

let server;
let browser;
let page;
let origin;
const consoleMessages = [];

before(async () => {
  server = createAppServer();
  origin = `http://127.0.0.1:${await listen(server, 0)}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.on("console", (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleMessages.push(`pageerror: ${error.message}`));
  await page.goto(`${origin}/`);
  await page.getByRole("button", { name: "Show pins" }).waitFor({ state: "visible" });
  await page.waitForFunction(() => !document.getElementById("show").disabled);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test("www: served with a CSP that allows no connections", async () => {
  const response = await fetch(`${origin}/`);
  assert.equal(response.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /connect-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
});

test("www: pasting a chain lists each certificate with node:crypto's pin", async () => {
  const pem = fixture("ec-chain.pem");
  const expected = pemBlocks(pem).map(({ der }) => pinOfSpki(spkiOfCert(der)));
  await page.getByLabel("PEM input").fill(pem);
  await page.getByRole("button", { name: "Show pins" }).click();
  const rows = page.locator("#results tbody tr");
  await rows.first().waitFor();
  const pins = await page.locator("#results td.pin").allTextContents();
  assert.deepEqual(pins, expected);
  const subjects = await page.locator("#results tbody tr td:nth-child(2)").allTextContents();
  assert.match(subjects[0], /CN=ec\.example\.com/);
  assert.deepEqual(consoleMessages, []);
});

test("www: bad input shows the error's code instead of pins", async () => {
  await page.getByLabel("PEM input").fill("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n");
  await page.getByRole("button", { name: "Show pins" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor({ state: "visible" });
  assert.match(await alert.textContent(), /\([A-Z_]+\)/);
  assert.equal(await page.locator("#results").isHidden(), true);
});
