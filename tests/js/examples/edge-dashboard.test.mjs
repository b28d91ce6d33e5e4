// The edge collector's dashboard in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core), served by the worker in a real workerd with reports stored in its
// Durable Object: the page asks for the read token, reads the API, draws the chart as
// SVG, and makes no request to any origin but the worker's. A screenshot is saved in the
// test's temp dir (its path is printed).
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, FIXTURES, fixture, pemBlocks, tempDir } from "../support/helpers.mjs";
import { readFileSync } from "node:fs";
import { startCollector } from "../support/collector-harness.mjs";

const blocks = (pem) => pemBlocks(pem).map(({ der }) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`);
const EC_CHAIN = blocks(fixture("ec-chain.pem"));
const INTERCEPTED = [readFileSync(join(FIXTURES, "tls", "intercept-ec-leaf.pem"), "utf8"), readFileSync(join(FIXTURES, "tls", "rogue-root.pem"), "utf8")];
const report = (hostname, chain, port = 443) => ({ "date-time": "2027-01-01T00:00:00Z", hostname, port, "served-certificate-chain": chain });

test("dashboard: violations per host, the classification mix, unknown pins with subjects, newest reports; no third-party request", { timeout: 120000 }, async () => {
  const work = tempDir("edge-dashboard");
  const collector = await startCollector({
    name: "edge-dashboard",
    config: { policy: { version: 1, domains: [{ host: "**.example.com", pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] }, knownRoots: [fixture("ec-root.pem")] },
    storageDir: join(work.dir, "storage"),
    bindings: { READ_TOKEN: "dash-token" },
  });
  let browser;
  try {
    const post = (body) => fetch(new URL("/report", collector.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    for (let i = 0; i < 3; i++) assert.equal((await post(report("ec.example.com", EC_CHAIN))).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await post(report("api.ec.example.com", INTERCEPTED, 8443))).status, 200);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const origin = new URL(collector.url).origin;
    const requests = [];
    const problems = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
    await page.goto(`${origin}/`);
    // Without the token the page shows nothing; a wrong token is refused.
    assert.equal(await page.locator("#main").isHidden(), true);
    await page.fill("#token", "wrong");
    await page.click("#login button");
    await page.waitForFunction(() => /401/.test(document.getElementById("status").textContent));
    assert.equal(await page.locator("#main").isHidden(), true);
    problems.length = 0; // the 401 itself logs a console error
    await page.fill("#token", "dash-token");
    await page.click("#login button");
    await page.waitForSelector("body[data-loaded=true]");

    const seen = await page.evaluate(() => ({
      series: [...document.querySelectorAll("#chart svg g.series")].map((g) => ({ host: g.dataset.host, points: g.querySelectorAll("circle").length })),
      bars: [...document.querySelectorAll("#mix svg g.bar")].map((g) => [g.dataset.classification, g.querySelector("text:last-child").textContent]),
      hosts: [...document.querySelectorAll("#hosts tbody tr")].map((tr) => [...tr.cells].slice(0, 3).map((c) => c.textContent)),
      pins: [...document.querySelectorAll("#pins tbody tr")].map((tr) => [...tr.cells].map((c) => c.textContent)),
      newest: [...document.querySelectorAll("#newest tbody tr")].map((tr) => [tr.cells[1].textContent, tr.cells[2].textContent, tr.cells[3].textContent]),
      status: document.getElementById("status").textContent,
    }));
    assert.deepEqual(seen.series.map((s) => s.host).sort(), ["api.ec.example.com", "ec.example.com"]);
    assert.ok(seen.series.every((s) => s.points >= 1));
    assert.deepEqual(seen.bars, [["pin-mismatch", "3 (60%)"], ["interception", "2 (40%)"]]);
    assert.deepEqual(seen.hosts, [["ec.example.com", "3", "1"], ["api.ec.example.com", "2", "1"]]);
    assert.ok(seen.pins.some(([, subject, host, count]) => /O=Somebody Else,CN=ec\.example\.com/.test(subject) && host === "api.ec.example.com" && count === "2"), JSON.stringify(seen.pins));
    assert.ok(seen.pins.some(([, subject, host]) => /Certpin Test EC Intermediate/.test(subject) && host === "ec.example.com"));
    assert.deepEqual(seen.newest.map((r) => r.join(" ")).sort(), ["api.ec.example.com interception 2", "ec.example.com pin-mismatch 3"]);
    assert.match(seen.status, /^5 reports \(2 distinct\)/);

    // A report made now shows up within seconds (the page refreshes every 5 s).
    assert.equal((await post(report("www.ec.example.com", EC_CHAIN))).status, 200);
    await page.waitForFunction(() => [...document.querySelectorAll("#hosts tbody tr")].some((tr) => tr.cells[0].textContent === "www.ec.example.com"), null, { timeout: 15000 });

    const screenshot = join(work.dir, "dashboard.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot) && statSync(screenshot).size > 10000);
    console.log(`dashboard screenshot: ${screenshot} (${statSync(screenshot).size} bytes; the temp dir is removed after the test unless CERTPIN_KEEP_SCREENSHOT=1)`);
    const foreign = requests.filter((url) => new URL(url).origin !== origin && !url.startsWith("data:"));
    assert.deepEqual(foreign, [], "no request leaves the worker's origin");
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    await collector.stop();
    if (process.env.CERTPIN_KEEP_SCREENSHOT !== "1") work.remove();
  }
});
