// Headless Chromium smoke test (Debian's /usr/bin/chromium driven by playwright-core).
// A local server on 127.0.0.1 serves pkg/ (with application/wasm) and a page whose
// import map points "certpin" at the package's `browser` export; the page awaits
// init() and computes a pin, which must equal the one node:crypto computes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { createStaticServer, listen } from "../../../scripts/lib/static-server.mjs";
import { CHROMIUM, CHROMIUM_ARGS, PKG_DIR, resolveExport, smokeCase, tempDir } from "../support/helpers.mjs";

let server;
let browser;
let page;
let work;
let origin;
const consoleMessages = [];

before(async () => {
  work = tempDir("chromium");
  const entry = resolveExport(["browser", "import"]);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>certpin test</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: { certpin: `/pkg/${entry}` } })}</script>
</head><body></body></html>`;
  server = createStaticServer({
    mounts: { "/pkg/": PKG_DIR },
    routes: { "/": () => ({ type: "text/html; charset=utf-8", body: html }) },
  });
  origin = `http://127.0.0.1:${await listen(server, 0)}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  page.on("console", (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => consoleMessages.push(`pageerror: ${error.message}`));
  await page.goto(`${origin}/`);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  work?.remove();
});

test("chromium: the browser entry is chosen by the export conditions", () => {
  assert.equal(resolveExport(["browser", "import"]), "browser.js");
});

test("chromium: the wasm is served as application/wasm", async () => {
  const response = await fetch(`${origin}/pkg/certpin_bg.wasm`, { method: "HEAD" });
  assert.equal(response.headers.get("content-type"), "application/wasm");
});

test("chromium: await init() then computePins gives node:crypto's pin", async () => {
  const { pem, pin } = smokeCase();
  const result = await page.evaluate(async (input) => {
    const certpin = await import("certpin");
    const first = certpin.init();
    const second = certpin.default();
    await first;
    await second;
    return { pins: certpin.computePins(input), same: first === second };
  }, pem);
  assert.deepEqual(result, { pins: [pin], same: true });
});

test("chromium: errors are CertpinErrors with a code, and the module keeps working", async () => {
  const { pem, pin } = smokeCase();
  const result = await page.evaluate(async (input) => {
    const { init, computePins, CertpinError, ERROR_CODES } = await import("certpin");
    await init();
    let error = null;
    try {
      computePins("");
    } catch (e) {
      error = { name: e.name, code: e.code, isError: e instanceof Error, isCertpinError: e instanceof CertpinError };
    }
    return { error, pins: computePins(input), frozen: Object.isFrozen(ERROR_CODES) };
  }, pem);
  assert.deepEqual(result, {
    error: { name: "CertpinError", code: "INPUT_EMPTY", isError: true, isCertpinError: true },
    pins: [pin],
    frozen: true,
  });
  // e.g. wasm-bindgen's warning when the wasm is not served as application/wasm
  assert.deepEqual(consoleMessages, []);
});

test("chromium: the bypass suite gives the browser entry the same verdicts as Node, and no off-path pin matches", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const nodeCertpin = await import("certpin");
  const dir = join(PKG_DIR, "..", "tests", "fixtures", "path", "bypass");
  const fixtures = readdirSync(dir).filter((f) => f.endsWith(".pem")).sort().map((f) => ({ name: f, pem: readFileSync(join(dir, f), "utf8") }));
  const NOW = Date.UTC(2026, 5, 1);
  // For every fixture and every served certificate: pin that one certificate and check.
  const run = (certpin, list, now) =>
    list.map(({ name, pem }) => {
      const served = certpin.computePins(pem);
      return served.map((pin, index) => {
        const v = certpin.checkPins(pem, [pin], { now });
        return { name, index, status: v.status, matched: v.matched, verifiedPath: v.verifiedPath };
      });
    });
  const inNode = run(nodeCertpin, fixtures, NOW);
  const inBrowser = await page.evaluate(
    async ({ list, now, source }) => {
      const certpin = await import("certpin");
      await certpin.init();
      // eslint-disable-next-line no-new-func
      return new Function("certpin", "list", "now", `return (${source})(certpin, list, now);`)(certpin, list, now);
    },
    { list: fixtures, now: NOW, source: run.toString() },
  );
  assert.deepEqual(inBrowser, inNode);
  let refused = 0;
  for (const results of inNode) {
    for (const { name, index, status, matched, verifiedPath } of results) {
      if (!verifiedPath.includes(index)) {
        assert.notEqual(status, "matched", `${name}: certificate ${index} is off the verified path yet its pin matched`);
        refused += 1;
      } else if (status === "matched") {
        assert.equal(matched.certIndex, index, name);
      }
    }
  }
  assert.ok(refused >= 8, `the bypass fixtures should put many certificates off the path (${refused})`);
  const honest = inNode.find((r) => r[0].name === "honest.pem");
  assert.ok(honest.every((r) => r.status === "matched"), "the honest twin matches at every depth");
});
