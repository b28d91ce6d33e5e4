// Security review of the JavaScript side (review-js): attacks on reportSender, the
// policyUpdater and the adapters, each against real servers on 127.0.0.1 started here.
// Each test names the attack; the assertion is what must hold for the attack to fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import { X509Certificate, createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pinnedAgent, policyUpdater, reportSender } from "certpin/node";
import { FIXTURES } from "./helpers.mjs";
import { makeBundle, makeRoot, newKey } from "./bundle-helpers.mjs";

const read = (name) => readFileSync(join(FIXTURES, "tls", name));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const CA = read("good-root.pem");
// Expected pins from node:crypto, never from certpin.
const spkiPin = (pem) => `sha256/${createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64")}`;
const GOOD = spkiPin(read("good-leaf.pem"));
const REPORT = { "date-time": "2027-01-01T00:00:00Z", hostname: "localhost", port: 443, "served-certificate-chain": [] };

async function listen(server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const sockets = new Set();
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  return { port: server.address().port, close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(resolve); }) };
}

// ---------------------------------------------------------------------------------
// reportSender

test("reportSender: close({ timeoutMs }) returns by its deadline even when the collector never answers", async () => {
  const collector = await listen(http.createServer(() => {})); // reads the request, never answers
  const send = reportSender({ url: `http://127.0.0.1:${collector.port}/report`, batchDelayMs: 0, timeoutMs: 30_000 });
  try {
    send(REPORT, { reportKey: "a".repeat(64), status: "mismatch" });
    await sleep(100); // the batch is in flight
    const started = Date.now();
    const stats = await send.close({ timeoutMs: 300 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 3000, `close({ timeoutMs: 300 }) took ${elapsed} ms`);
    assert.equal(stats.droppedByReason.closed, 1, "the undelivered report is dropped as closed");
    assert.equal(stats.queued, 0);
  } finally {
    await collector.close();
  }
});

test("reportSender: a collector that trickles its answer byte by byte is given up after timeoutMs", async () => {
  const collector = await listen(http.createServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-type": "application/json" });
    const drip = setInterval(() => response.write(" "), 50); // never idle for timeoutMs, never done
    response.on("close", () => clearInterval(drip));
    setTimeout(() => { clearInterval(drip); response.end(); }, 15_000).unref();
  }));
  const send = reportSender({ url: `http://127.0.0.1:${collector.port}/report`, batchDelayMs: 0, timeoutMs: 400, retryBaseMs: 60_000 });
  try {
    send(REPORT, { reportKey: "b".repeat(64), status: "mismatch" });
    const started = Date.now();
    const { sent, pending } = await send.flush();
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 4000, `flush took ${elapsed} ms against a collector trickling for 15 s (timeoutMs 400)`);
    assert.equal(sent, 0);
    assert.equal(pending, 1, "the report stays queued for a retry");
    assert.match(send.stats().lastError, /within 400 ms/);
  } finally {
    await send.close({ timeoutMs: 0 });
    await collector.close();
  }
});
