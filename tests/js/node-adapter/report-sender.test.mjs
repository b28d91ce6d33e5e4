// certpin/node's reportSender against real collectors on 127.0.0.1: the edge collector in
// workerd (with its Durable Object on SQLite), and a Node collector that is down, slow
// and flapping. A pinned https request using the sender as onReport is timed against
// one whose onReport does nothing (the numbers are printed).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import { join } from "node:path";
import { test } from "node:test";
import { pinnedAgent, reportSender } from "certpin/node";
import { FIXTURES, fixture, pemBlocks, tempDir } from "../support/helpers.mjs";
import { startCollector } from "../support/collector-harness.mjs";

const tls = (name) => readFileSync(join(FIXTURES, "tls", name), "utf8");
const blocks = (pem) => pemBlocks(pem).map(({ der }) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`);
const EC_CHAIN = blocks(fixture("ec-chain.pem"));
const report = (port, extra = {}) => ({ "date-time": "2027-01-01T00:00:00Z", hostname: "ec.example.com", port, "served-certificate-chain": EC_CHAIN, ...extra });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

/** A collector on 127.0.0.1 whose behaviour the test switches: "ok", "down" (503), "slow", "reset" (reads, then drops the connection). */
async function nodeCollector() {
  const state = { mode: "ok", delayMs: 0, accepted: [], requests: 0 };
  const server = createHttpServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      state.requests++;
      const mode = state.mode;
      if (mode === "down") return response.writeHead(503, { "retry-after": "0" }).end();
      if (mode === "reset") return request.socket.destroy();
      if (mode === "slow") await sleep(state.delayMs);
      const items = JSON.parse(body);
      const fresh = items.filter((item) => !state.accepted.some((a) => a.id === item.id));
      state.accepted.push(...fresh); // ids seen before are retries: kept once, as the edge collector does
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: items.length }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${server.address().port}/report`;
  state.close = () => new Promise((resolve) => server.close(resolve));
  return state;
}

test("reportSender: options are checked when it is made, never when a report is sent", () => {
  assert.throws(() => reportSender({ url: "ftp://x/" }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => reportSender({ url: "http://collector.example/report" }), { code: "INVALID_ARGUMENT" }, "plain http off loopback");
  assert.throws(() => reportSender({ url: "https://c.example/report", batchSize: 0 }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => reportSender({ url: "https://c.example/report", bogus: 1 }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => reportSender({ url: "http://127.0.0.1:9/report", policy: { version: 1, domains: [] } }), { code: "INVALID_ARGUMENT" });
  const send = reportSender({ url: "http://127.0.0.1:9/report" });
  assert.equal(typeof send.flush, "function");
  send(null, { status: "policy-expired" }); // an expired entry's callback: nothing to send
  send("not a report");
  assert.equal(send.stats().ignored, 2);
  return send.close({ timeoutMs: 0 });
});

test("reportSender: into the edge collector in workerd, deduplicated by reportKey, batched, stored once each", async () => {
  const work = tempDir("sender-collector");
  const collector = await startCollector({
    name: "sender-collector",
    config: { policy: { version: 1, domains: [{ host: "ec.example.com", pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] }, knownRoots: [fixture("ec-root.pem")] },
    storageDir: join(work.dir, "storage"),
    bindings: { READ_TOKEN: "r", WRITE_TOKEN: "svc:w-token" },
  });
  try {
    const drops = [];
    const send = reportSender({ url: new URL("/report", collector.url), token: "w-token", batchSize: 4, batchDelayMs: 50, onDrop: (d) => drops.push(d) });
    for (let round = 0; round < 3; round++) for (let port = 1; port <= 10; port++) send(report(port, { "date-time": `2027-01-0${round + 1}T00:00:00Z` }));
    await send.flush();
    const stats = send.stats();
    assert.equal(stats.sent, 10);
    assert.equal(stats.deduplicated, 20);
    assert.ok(stats.batches >= 3, `${stats.batches} batches of at most 4`);
    const { reports } = await (await fetch(new URL("/reports", collector.url), { headers: { authorization: "Bearer r" } })).json();
    // Duplicates still queued were folded into one report with occurrences: 3 each.
    assert.deepEqual(reports.map((r) => [r.port, r.count]).sort((a, b) => a[0] - b[0]), Array.from({ length: 10 }, (_, i) => [i + 1, 3]));
    assert.ok(reports.every((r) => r.classification === "pin-mismatch" && r.client === "certpin-node-report-sender/1"));
    // A report the collector refuses inside a batch is dropped alone (the collector names it), the rest go through.
    send(report(11));
    send({ hostname: "ec.example.com" });
    send(report(12));
    await send.flush();
    await sleep(10);
    assert.equal(send.stats().sent, 12);
    assert.deepEqual(drops.map((d) => [d.reason, d.count]), [["rejected", 1]]);
    await send.close();
  } finally {
    await collector.stop();
    work.remove();
  }
});

test("reportSender: a collector that is down, slow and flapping: every report arrives once after it recovers; the queue bound holds", async () => {
  const collector = await nodeCollector();
  try {
    const drops = [];
    const send = reportSender({ url: collector.url, batchSize: 5, batchDelayMs: 10, retryBaseMs: 20, retryMaxMs: 200, maxQueue: 30, timeoutMs: 500, onDrop: (d) => drops.push(d) });
    // Down: 503s; the reports wait.
    collector.mode = "down";
    for (let port = 1; port <= 20; port++) send(report(port));
    await sleep(300);
    assert.equal(collector.accepted.length, 0);
    assert.ok(send.stats().failures >= 2, "retried with backoff");
    assert.equal(send.stats().queued, 20);
    // Flapping: the connection is dropped after the collector read (and stored) the batch.
    collector.mode = "reset";
    await sleep(200);
    // Slow: answers after 800 ms, past the sender's 500 ms timeout, yet it stores them.
    collector.mode = "slow";
    collector.delayMs = 800;
    await sleep(1200);
    // The queue bound holds meanwhile: 20 queued + 15 more, 30 kept, 5 dropped and counted.
    for (let port = 21; port <= 35; port++) send(report(port));
    const during = send.stats();
    assert.equal(during.sent, 0, "nothing acknowledged yet");
    assert.equal(during.queued, 30, JSON.stringify(during)); // in-flight reports are still queued until acknowledged
    // Recovery.
    collector.mode = "ok";
    for (let i = 0; i < 100 && send.stats().queued > 0; i++) await sleep(50);
    await send.flush();
    const stats = send.stats();
    const ports = collector.accepted.map((item) => item.report.port);
    const dropped = drops.filter((d) => d.reason === "queue-full").flatMap((d) => d.reports.map((r) => r.port));
    assert.equal(stats.droppedByReason["queue-full"], dropped.length);
    assert.deepEqual(dropped, [31, 32, 33, 34, 35], "the newest beyond the bound, each counted");
    assert.deepEqual([...ports, ...dropped].sort((a, b) => a - b), Array.from({ length: 35 }, (_, i) => i + 1), "each report arrived or was counted as dropped");
    assert.equal(new Set(ports).size, ports.length, "none arrived twice");
    assert.equal(stats.sent, ports.length);
    assert.ok(stats.retries >= 2);
    console.log(`sender: ${collector.requests} requests for ${ports.length} reports (${stats.failures} failed attempts), ${dropped.length} dropped at the queue bound`);
    await send.close();
  } finally {
    await collector.close();
  }
});

test("reportSender: a pinned request using it as onReport is not slower than one whose onReport does nothing", async () => {
  const collector = await nodeCollector();
  collector.mode = "slow";
  collector.delayMs = 5000; // the collector never answers during the measurement
  const server = createHttpsServer({ key: tls("good-leaf.key"), cert: tls("good-chain.pem") }, (request, response) => response.end("ok"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  // Report mode with a pin nothing serves: every connection proceeds and reports.
  const policy = { version: 1, domains: [{ host: "localhost", pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="], mode: "report" }] };
  const send = reportSender({ url: collector.url, batchDelayMs: 0, timeoutMs: 10000, dedupWindowMs: 0 });
  const pushes = [];
  const timedSend = (r, v) => {
    const t = process.hrtime.bigint();
    send(r, v);
    pushes.push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  const agents = { sender: pinnedAgent(policy, { ca: tls("good-root.pem"), maxCachedSessions: 0, pinning: { onReport: timedSend } }), noop: pinnedAgent(policy, { ca: tls("good-root.pem"), maxCachedSessions: 0, pinning: { onReport: () => {} } }) };
  const get = (agent) =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      httpsRequest({ host: "localhost", port, path: "/", agent }, (response) => {
        response.resume();
        response.on("end", () => resolve(performance.now() - t));
      })
        .on("error", reject)
        .end();
    });
  try {
    const times = { sender: [], noop: [] };
    for (let i = 0; i < 10; i++) await get(i % 2 ? agents.sender : agents.noop); // warm up
    for (let i = 0; i < 100; i++) {
      for (const name of i % 2 ? ["sender", "noop"] : ["noop", "sender"]) times[name].push(await get(agents[name]));
    }
    const [withSender, withNoop] = [median(times.sender), median(times.noop)];
    // Requests ran in interleaved pairs: the median of the paired differences cancels the drift of a shared machine.
    const paired = median(times.sender.map((t, i) => t - times.noop[i]));
    console.log(
      `onReport timing: pinned request p50 ${withSender.toFixed(2)} ms with reportSender vs ${withNoop.toFixed(2)} ms with a no-op onReport ` +
        `(p99 ${p99(times.sender).toFixed(2)} vs ${p99(times.noop).toFixed(2)}; median paired difference ${paired.toFixed(2)} ms); send() itself p50 ${(median(pushes) * 1000).toFixed(1)} µs, p99 ${(p99(pushes) * 1000).toFixed(1)} µs, over ${pushes.length} reports`,
    );
    assert.ok(pushes.length >= 100, "every sender connection reported");
    assert.ok(p99(pushes) < 2, `send() must only queue: p99 ${p99(pushes)} ms`);
    // The difference is within the time of a push plus the noise of this shared machine.
    assert.ok(paired < 2 + median(pushes), `paired difference ${paired} ms (p50 ${withSender} ms vs ${withNoop} ms)`);
    assert.ok(send.stats().sent === 0, "the collector has answered nothing yet: reports were not awaited");
  } finally {
    await send.close({ timeoutMs: 0 });
    agents.sender.destroy();
    agents.noop.destroy();
    await new Promise((resolve) => server.close(resolve));
    await collector.close();
  }
});

test("reportSender: its own agent delivers the report of a pin failure to the same host; its own policy pins the report endpoint", async () => {
  // One https server is both the pinned upstream and the collector (the worst case: the
  // report goes to the host whose pin just failed).
  const accepted = [];
  const server = createHttpsServer({ key: tls("good-leaf.key"), cert: tls("good-chain.pem") }, (request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.url === "/report") accepted.push(...JSON.parse(body));
      response.end("{}");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const url = `https://localhost:${port}/report`;
  const ca = tls("good-root.pem");
  const wrong = { version: 1, domains: [{ host: "localhost", pins: ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] };
  const intermediatePin = `sha256/${(await import("node:crypto")).createHash("sha256").update(new (await import("node:crypto")).X509Certificate(tls("good-intermediate.pem")).publicKey.export({ type: "spki", format: "der" })).digest("base64")}`;
  const right = { version: 1, domains: [{ host: "localhost", pins: [intermediatePin] }] };
  const plain = reportSender({ url, agentOptions: { ca }, batchDelayMs: 0 });
  const pinned = reportSender({ url, policy: right, agentOptions: { ca }, batchDelayMs: 0 });
  const refused = reportSender({ url, policy: wrong, agentOptions: { ca }, batchDelayMs: 0, retryBaseMs: 10000 });
  const production = pinnedAgent(wrong, { ca, pinning: { onReport: (r, v) => (plain(r, v), pinned(r, v), refused(r, v)) } });
  try {
    const error = await new Promise((resolve) => httpsRequest({ host: "localhost", port, path: "/", agent: production }, () => resolve(null)).on("error", resolve).end());
    assert.equal(error?.code, "PIN_MISMATCH", "the production agent refuses the host");
    await plain.flush();
    await pinned.flush();
    await refused.flush();
    assert.equal(plain.stats().sent, 1, "delivered over the sender's own agent");
    assert.equal(pinned.stats().sent, 1, "delivered over an agent pinned by the endpoint's own policy");
    assert.equal(refused.stats().sent, 0, "an endpoint policy that does not match refuses the delivery");
    assert.match(refused.stats().lastError, /pin|sha256/i);
    assert.equal(accepted.length, 2);
    assert.ok(accepted.every((item) => item.report.hostname === "localhost" && item.status === "mismatch" && /^[0-9a-f]{64}$/.test(item.reportKey)));
    assert.equal(accepted[0].id === accepted[1].id, false);
  } finally {
    await Promise.all([plain.close({ timeoutMs: 0 }), pinned.close({ timeoutMs: 0 }), refused.close({ timeoutMs: 0 })]);
    production.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
