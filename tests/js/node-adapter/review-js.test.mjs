// Security review of the JavaScript side: attacks on reportSender, the
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
import { FIXTURES } from "../support/helpers.mjs";
import { makeBundle, makeRoot, newKey } from "../support/bundle-helpers.mjs";

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

// ---------------------------------------------------------------------------------
// policyUpdater

const ROGUE = spkiPin(read("rogue-leaf.pem"));
const BOTH_CAS = [CA, read("rogue-root.pem")];
const key = newKey("ed25519");
const root = makeRoot([key]);
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const bundleOf = (version, pins, { issuedAt = Date.now() - 60_000, expires = Date.now() + 86_400_000, signers = [key] } = {}) =>
  JSON.stringify(makeBundle(signers, { version, issuedAt: iso(issuedAt), expires: iso(expires), policy: { version: 1, domains: [{ host: "localhost", pins }] } }));

/** An HTTPS server on 127.0.0.1 that counts the requests it receives; `answer` serves a bundle. */
async function httpsServer(identity, answer = () => "ok") {
  const state = { requests: 0 };
  const server = https.createServer(identity, (req, res) => {
    state.requests++;
    req.resume();
    const body = answer(req);
    if (typeof body === "object") return res.writeHead(body.status, body.headers).end(body.body);
    res.writeHead(200, { connection: "close" }).end(body);
  });
  Object.assign(state, await listen(server));
  return state;
}
const GENUINE = { key: read("good-leaf.key"), cert: Buffer.concat([read("good-leaf.pem"), read("good-intermediate.pem")]) };
const ATTACKER = { key: read("rogue-leaf.key"), cert: read("rogue-leaf.pem") };

/** One GET through `agent`: { status, reused } or the error's code. */
const get = (agent, port) => new Promise((resolve) => {
  const req = https.get({ host: "127.0.0.1", servername: "localhost", port, agent, path: "/" }, (res) => {
    const reused = res.socket.isSessionReused();
    res.resume();
    res.on("end", () => resolve({ status: res.statusCode, reused }));
  });
  req.on("error", (e) => resolve({ error: e.code || e.message }));
});

test("updater: a session resumed from the previous bundle version is not trusted by the next one (a pin removed by the update stays removed)", async () => {
  let served = bundleOf(1, [GOOD, ROGUE]);
  const bundles = await httpsServer(GENUINE, () => served);
  const attacker = await httpsServer(ATTACKER);
  const updater = policyUpdater({ url: `https://127.0.0.1:${bundles.port}/policy`, root, ca: CA, onExpired: "fail-closed", intervalMs: 0 });
  try {
    assert.equal((await updater.refresh()).status, "updated");
    const agent = pinnedAgent(updater, { ca: BOTH_CAS, maxCachedSessions: 10, keepAlive: false });
    assert.deepEqual(await get(agent, attacker.port), { status: 200, reused: false }, "version 1 pins the attacker's key");
    assert.deepEqual(await get(agent, attacker.port), { status: 200, reused: true }, "the agent resumes the session (else this test proves nothing)");
    served = bundleOf(2, [GOOD]);
    assert.equal((await updater.refresh()).status, "updated");
    const before = attacker.requests;
    const third = await get(agent, attacker.port);
    assert.equal(third.error, "NO_CHAIN", "version 2 refuses the session resumed from version 1");
    assert.equal(attacker.requests, before, "no request reached the attacker");
    // Every later attempt is refused too: resumed (NO_CHAIN) until the agent drops the
    // old session, then on a full handshake (PIN_MISMATCH).
    const later = [];
    for (let i = 0; i < 4; i++) later.push((await get(agent, attacker.port)).error);
    assert.ok(later.every((code) => code === "NO_CHAIN" || code === "PIN_MISMATCH"), later.join());
    assert.ok(later.includes("PIN_MISMATCH"), later.join());
    assert.equal(attacker.requests, before, "no request reached the attacker");
    agent.destroy();
  } finally {
    updater.close();
    await bundles.close();
    await attacker.close();
  }
});

test("updater: fail-closed refuses a resumed session once the bundle expired, before any byte is sent", async () => {
  const expires = Date.now() + 2500;
  const updater = policyUpdater({ url: "https://127.0.0.1:9/policy", root, ca: CA, onExpired: "fail-closed", intervalMs: 0, fallback: bundleOf(1, [GOOD], { expires }) });
  const genuine = await httpsServer(GENUINE);
  try {
    const agent = pinnedAgent(updater, { ca: CA, maxCachedSessions: 10, keepAlive: false });
    assert.deepEqual(await get(agent, genuine.port), { status: 200, reused: false });
    assert.deepEqual(await get(agent, genuine.port), { status: 200, reused: true });
    await sleep(Math.max(0, Math.floor(expires / 1000) * 1000 - Date.now()) + 100);
    const before = genuine.requests;
    assert.deepEqual(await get(agent, genuine.port), { error: "BUNDLE_EXPIRED" });
    assert.equal(genuine.requests, before);
    agent.destroy();
  } finally {
    updater.close();
    await genuine.close();
  }
});

test("updater: a tampered state file never brings back an older, unsigned or foreign-signed policy, and never throws", () => {
  const dir = mkdtempSync(join(tmpdir(), "certpin-review-"));
  const statePath = join(dir, "state.json");
  const fallback = bundleOf(5, [GOOD]);
  const state = (bundle, extra = {}) => JSON.stringify({ format: "certpin-updater-state-v1", highestVersion: 1, bundle, ...extra });
  const foreign = newKey("ed25519");
  const cases = {
    "an older signed version": [state(bundleOf(3, [ROGUE])), 5],
    "an unsigned policy": [state(JSON.stringify({ signed: JSON.parse(bundleOf(9, [ROGUE])).signed, signatures: [] })), 5],
    "a higher version signed by a key the root does not list": [state(bundleOf(9, [ROGUE], { signers: [foreign] })), 5],
    "a higher version with its policy swapped after signing": [state((() => { const b = JSON.parse(bundleOf(9, [GOOD])); b.signed.policy.domains[0].pins = [ROGUE, ROGUE]; return JSON.stringify(b); })()), 5],
    "highestVersion far above every bundle (lock-out)": [state(bundleOf(4, [GOOD]), { highestVersion: 1e12 }), 5],
    "JSON null": ["null", 5],
    "an array": ["[]", 5],
    "a number bundle": [state(42), 5],
    "bundle is not JSON": [state("{not json"), 5],
    "an expired bundle without signed": [state(JSON.stringify({ signatures: [] })), 5],
    "not UTF-8 / binary": [Buffer.from([0xff, 0xfe, 0, 1, 2]), 5],
  };
  for (const [label, [contents, version]] of Object.entries(cases)) {
    writeFileSync(statePath, contents);
    const outcomes = [];
    let updater;
    assert.doesNotThrow(() => {
      updater = policyUpdater({ url: "https://127.0.0.1:9/policy", root, statePath, fallback, onExpired: "fail-closed", intervalMs: 0, onOutcome: (o) => outcomes.push(o) });
    }, label);
    assert.equal(updater.version, version, label);
    assert.ok(updater.highestVersion <= 5, `${label}: highestVersion ${updater.highestVersion}`);
    const verdict = updater.currentPolicy().check(read("rogue-leaf.pem"), { hostname: "localhost", verifySignatures: false });
    assert.equal(verdict.status, "mismatch", `${label}: the attacker's key must not be pinned`);
    for (const o of outcomes) assert.equal(o.error?.name, "CertpinError", `${label}: ${o.error?.message}`);
    updater.close();
  }
});

test("updater: the server cannot push an older, unsigned, oversized or redirected answer", async () => {
  let answer = () => bundleOf(5, [GOOD]);
  const bundles = await httpsServer(GENUINE, (req) => answer(req));
  const updater = policyUpdater({ url: `https://127.0.0.1:${bundles.port}/policy`, root, ca: CA, onExpired: "fail-closed", intervalMs: 0, maxBytes: 64 * 1024 });
  try {
    assert.equal((await updater.refresh()).status, "updated");
    const attempts = {
      "an older version": [() => bundleOf(4, [ROGUE]), "refused"],
      "an unsigned policy": [() => JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [ROGUE, ROGUE] }] }), "refused"],
      "a bundle signed by another key": [() => bundleOf(6, [ROGUE], { signers: [newKey("ed25519")] }), "refused"],
      "an expired newer version": [() => bundleOf(6, [ROGUE], { issuedAt: Date.now() - 7200_000, expires: Date.now() - 3600_000 }), "refused"],
      "a content-length over maxBytes": [() => ({ status: 200, headers: { "content-length": String(10 * 1024 * 1024) }, body: "" }), "failed"],
      "a redirect to another bundle": [() => ({ status: 302, headers: { location: "https://127.0.0.1:1/evil" }, body: "" }), "failed"],
      "an empty body": [() => "", "refused"],
      "deeply nested JSON": [() => "[".repeat(60_000), "refused"],
    };
    for (const [label, [make, status]] of Object.entries(attempts)) {
      answer = make;
      const outcome = await updater.refresh();
      assert.equal(outcome.status, status, `${label}: ${outcome.error?.message}`);
      assert.equal(outcome.error?.name, "CertpinError", `${label}: ${outcome.error?.message}`);
      assert.equal(typeof outcome.error.code, "string");
      assert.equal(updater.version, 5, label);
      assert.equal(updater.currentPolicy().check(read("rogue-leaf.pem"), { hostname: "localhost", verifySignatures: false }).status, "mismatch", label);
    }
  } finally {
    updater.close();
    await bundles.close();
  }
});

// ---------------------------------------------------------------------------------
// Adapters

test("pinnedDispatcher: a connector that returns one TLS socket and hands back another cannot slip the other through unpinned", async () => {
  const { createRequire } = await import("node:module");
  const undici = createRequire(import.meta.url)("undici");
  const { pinnedDispatcher } = await import("certpin/node");
  const { PinPolicy } = await import("certpin");
  const tls = await import("node:tls");
  const genuine = await httpsServer(GENUINE);
  const attacker = await httpsServer(ATTACKER);
  const policy = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: [GOOD, "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] });
  // A connector in the style of one that races attempts: it returns its first attempt
  // at once and calls back later with the one that won (here, the attacker's).
  const connect = (options, callback) => {
    const first = tls.connect({ host: "127.0.0.1", port: genuine.port, servername: "localhost", ca: BOTH_CAS });
    first.on("error", () => {});
    const winner = tls.connect({ host: "127.0.0.1", port: attacker.port, servername: "localhost", ca: BOTH_CAS });
    winner.once("secureConnect", () => { first.destroy(); callback(null, winner); });
    winner.once("error", (error) => callback(error));
    return first;
  };
  const dispatcher = pinnedDispatcher(policy, { connect });
  try {
    const outcome = await undici.request(`https://localhost:${genuine.port}/`, { dispatcher }).then(
      async (res) => ({ status: res.statusCode, body: await res.body.text() }),
      (error) => ({ error: error.code }),
    );
    assert.equal(outcome.error, "PIN_MISMATCH", JSON.stringify(outcome));
    assert.equal(attacker.requests, 0, "the attacker received a request");
  } finally {
    await dispatcher.close().catch(() => {});
    await genuine.close();
    await attacker.close();
  }
});

test("updater: a bad url or headers is refused when the updater is made, with a CertpinError; a refresh never yields a bare TypeError", async () => {
  const base = { root, onExpired: "fail-closed", intervalMs: 0 };
  for (const [label, extra] of Object.entries({
    "not a URL": { url: "not a url" },
    "ftp:": { url: "ftp://127.0.0.1/policy" },
    "a header name with a space": { url: "https://127.0.0.1:9/policy", headers: { "bad name": "x" } },
    "a header value with a newline": { url: "https://127.0.0.1:9/policy", headers: { "x-ok": "a\r\nx-injected: 1" } },
    "headers as a string": { url: "https://127.0.0.1:9/policy", headers: "x-a: 1" },
  })) {
    assert.throws(() => policyUpdater({ ...base, ...extra }), (e) => e.name === "CertpinError" && e.code === "INVALID_ARGUMENT", label);
  }
  const updater = policyUpdater({ ...base, url: "https://127.0.0.1:9/policy", headers: { "x-client": "certpin" }, timeoutMs: 2000 });
  const outcome = await updater.refresh();
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error.name, "CertpinError");
  assert.equal(outcome.error.code, "BUNDLE_FETCH_FAILED");
  updater.close();
});

test("bytes written before the handshake (pinTlsSocket, pinnedAgent) never reach the attacker, TLS 1.2 and 1.3", async () => {
  const tls = await import("node:tls");
  const { pinTlsSocket } = await import("certpin/node");
  const { PinPolicy } = await import("certpin");
  const policy = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: [GOOD, "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] });
  for (const version of ["TLSv1.2", "TLSv1.3"]) {
    const state = { received: 0 };
    const server = tls.createServer({ ...ATTACKER, minVersion: version, maxVersion: version }, (socket) => {
      socket.on("data", (data) => (state.received += data.length));
      socket.on("error", () => {});
    });
    const { port, close } = await listen(server);
    try {
      const socket = pinTlsSocket(tls.connect({ host: "127.0.0.1", servername: "localhost", port, ca: BOTH_CAS }), policy);
      socket.write("GET /secret HTTP/1.1\r\nauthorization: Bearer s3cret\r\n\r\n"); // queued before the handshake
      const error = await new Promise((resolve) => { socket.on("error", resolve); socket.on("secureConnect", () => resolve(null)); });
      assert.equal(error?.code, "PIN_MISMATCH", `${version} pinTlsSocket`);
      const agent = pinnedAgent(policy, { ca: BOTH_CAS });
      const requestError = await new Promise((resolve) => {
        const req = https.request({ host: "127.0.0.1", servername: "localhost", port, agent, method: "POST", headers: { authorization: "Bearer s3cret" } }, () => resolve(null));
        req.on("error", resolve);
        req.end("body written at once");
      });
      assert.equal(requestError?.code, "PIN_MISMATCH", `${version} pinnedAgent`);
      await sleep(100);
      assert.equal(state.received, 0, `${version}: the attacker received ${state.received} application bytes`);
      agent.destroy();
    } finally {
      await close();
    }
  }
});

test("updater: an unreadable or oversized state file is reported as BUNDLE_STATE_INVALID (a CertpinError) and not read whole", async () => {
  const { mkdirSync, openSync, ftruncateSync, closeSync } = await import("node:fs");
  const dir = mkdtempSync(join(tmpdir(), "certpin-review-"));
  const asDirectory = join(dir, "state-dir");
  mkdirSync(asDirectory);
  const huge = join(dir, "huge.json");
  const fd = openSync(huge, "w");
  ftruncateSync(fd, 700 * 1024 * 1024); // sparse: 700 MB of NULs, over V8's longest string
  closeSync(fd);
  const fallback = bundleOf(5, [GOOD]);
  for (const [label, statePath] of [["a directory", asDirectory], ["700 MB", huge]]) {
    const outcomes = [];
    const started = Date.now();
    const updater = policyUpdater({ url: "https://127.0.0.1:9/policy", root, statePath, fallback, onExpired: "fail-closed", intervalMs: 0, onOutcome: (o) => outcomes.push(o) });
    assert.ok(Date.now() - started < 2000, `${label}: ${Date.now() - started} ms`);
    assert.equal(updater.version, 5, label);
    assert.equal(outcomes.length, 1, label);
    assert.equal(outcomes[0].error.name, "CertpinError", `${label}: ${outcomes[0].error.message}`);
    assert.equal(outcomes[0].error.code, "BUNDLE_STATE_INVALID", label);
    updater.close();
  }
});

test("pinTlsSocket: a session approved under lax check options does not resume into an adapter with stricter ones (same policy object)", async () => {
  const tls = await import("node:tls");
  const { pinTlsSocket } = await import("certpin/node");
  const { PinPolicy } = await import("certpin");
  // forged-chain.pem: a leaf naming the pinned intermediate (name and key id) but signed
  // by another key (tests/fixtures/tls/make.sh); only verifySignatures tells them apart.
  const policy = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: [spkiPin(read("good-intermediate.pem")), "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }] });
  const server = tls.createServer({ key: read("forged-leaf.key"), cert: read("forged-chain.pem") }, (socket) => {
    socket.on("error", () => {});
    socket.end("hi");
  });
  const { port, close } = await listen(server);
  const connect = (pinning, session) => new Promise((resolve) => {
    const sessions = [];
    const socket = pinTlsSocket(tls.connect({ host: "127.0.0.1", servername: "localhost", port, ca: BOTH_CAS, rejectUnauthorized: false, session }), policy, pinning);
    socket.on("session", (s) => sessions.push(s));
    socket.on("error", (error) => resolve({ error: error.code }));
    let reused = null;
    socket.on("secureConnect", () => { reused = socket.isSessionReused(); socket.resume(); });
    socket.on("close", () => resolve({ reused, status: socket.certpinVerdict?.status, sessions }));
  });
  try {
    const strictFull = await connect({});
    assert.ok(strictFull.error, "the default options refuse the forged chain on a full handshake");
    const lax = await connect({ verifySignatures: false });
    assert.equal(lax.status, "matched", "verifySignatures: false matches the forged chain (the caller's choice)");
    assert.ok(lax.sessions.length > 0);
    const laxAgain = await connect({ verifySignatures: false }, lax.sessions.at(-1));
    assert.equal(laxAgain.reused, true, `the session resumes under the options that approved it: ${JSON.stringify({ ...laxAgain, sessions: laxAgain.sessions?.length })}`);
    const strict = await connect({}, lax.sessions.at(-1));
    assert.equal(strict.error, "NO_CHAIN", `the strict adapter resumed a session its options never approved: ${JSON.stringify({ ...strict, sessions: undefined })}`);
  } finally {
    await close();
  }
});

test("pinnedAgent with keepAlive: after an update (or a fail-closed expiry) a socket pinned under the old policy is not reused", async () => {
  let served = bundleOf(1, [GOOD, ROGUE]);
  const bundles = await httpsServer(GENUINE, () => served);
  const state = { requests: 0 };
  const attackerServer = https.createServer(ATTACKER, (req, res) => { state.requests++; req.resume(); res.end("ok"); });
  const attacker = await listen(attackerServer);
  const updater = policyUpdater({ url: `https://127.0.0.1:${bundles.port}/policy`, root, ca: CA, onExpired: "fail-closed", intervalMs: 0 });
  const agent = pinnedAgent(updater, { ca: BOTH_CAS, keepAlive: true, maxSockets: 1 });
  try {
    assert.equal((await updater.refresh()).status, "updated");
    assert.equal((await get(agent, attacker.port)).status, 200, "version 1 pins the attacker's key");
    await sleep(20);
    assert.equal(Object.values(agent.freeSockets).flat().length, 1, "the socket is kept alive (else this test proves nothing)");
    assert.equal((await get(agent, attacker.port)).status, 200, "reused under the same version");
    await sleep(20);
    served = bundleOf(2, [GOOD]);
    assert.equal((await updater.refresh()).status, "updated");
    const before = state.requests;
    const after = await get(agent, attacker.port);
    assert.equal(after.error, "PIN_MISMATCH", `version 2 no longer pins the attacker: ${JSON.stringify(after)}`);
    assert.equal(state.requests, before, "no request reached the attacker after the update");
  } finally {
    agent.destroy();
    updater.close();
    await bundles.close();
    await attacker.close();
  }
});

test("reportSender: a report JSON cannot carry (BigInt, a cycle, mutated after send) never makes flush reject or the timer crash the process", async () => {
  const bodies = [];
  const collector = await listen(http.createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", () => { bodies.push(JSON.parse(body)); response.writeHead(200).end("{}"); });
  }));
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  const send = reportSender({ url: `http://127.0.0.1:${collector.port}/report`, batchDelayMs: 0 });
  try {
    assert.doesNotThrow(() => send({ ...REPORT, extra: 1n }, { reportKey: "c".repeat(64), status: "mismatch" }));
    const cyclic = { ...REPORT };
    cyclic.self = cyclic;
    assert.doesNotThrow(() => send(cyclic, { reportKey: "d".repeat(64), status: "mismatch" }));
    const mutated = { ...REPORT, port: 8443 };
    send(mutated, { reportKey: "e".repeat(64), status: "mismatch" });
    mutated.extra = 2n; // changed after send: what was sent is what send() saw
    await sleep(200); // the timer's own pump runs
    await send.flush();
    assert.deepEqual(unhandled, []);
    const delivered = bodies.flat();
    assert.equal(delivered.length, 1, JSON.stringify(delivered));
    assert.equal(delivered[0].report.port, 8443);
    assert.equal(delivered[0].report.extra, undefined);
    assert.equal(send.stats().ignored, 2);
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await send.close({ timeoutMs: 0 });
    await collector.close();
  }
});

for (const way of ["pinnedDispatcher", "undici Agent with pinnedPoolFactory"]) test(`${way} with keep-alive: after an update a connection pinned under the old policy is not reused`, async () => {
  const { createRequire } = await import("node:module");
  const undici = createRequire(import.meta.url)("undici");
  const { pinnedDispatcher, pinnedPoolFactory } = await import("certpin/node");
  let served = bundleOf(1, [GOOD, ROGUE]);
  const bundles = await httpsServer(GENUINE, () => served);
  const state = { requests: 0 };
  const attacker = await listen(https.createServer(ATTACKER, (req, res) => { state.requests++; req.resume(); res.end("ok"); }));
  const updater = policyUpdater({ url: `https://127.0.0.1:${bundles.port}/policy`, root, ca: CA, onExpired: "fail-closed", intervalMs: 0 });
  const connect = { ca: BOTH_CAS, servername: "localhost" };
  const dispatcher = way === "pinnedDispatcher" ? pinnedDispatcher(updater, { connect }) : new undici.Agent({ factory: pinnedPoolFactory(updater, { connect }) });
  const request = () => undici.request(`https://127.0.0.1:${attacker.port}/`, { dispatcher }).then(
    async (res) => ({ status: res.statusCode, body: await res.body.text() }),
    (error) => ({ error: error.code }),
  );
  try {
    assert.equal((await updater.refresh()).status, "updated");
    assert.equal((await request()).status, 200, "version 1 pins the attacker's key");
    assert.equal((await request()).status, 200);
    served = bundleOf(2, [GOOD]);
    assert.equal((await updater.refresh()).status, "updated");
    const before = state.requests;
    const after = await request();
    assert.equal(after.error, "PIN_MISMATCH", `version 2 no longer pins the attacker: ${JSON.stringify(after)}`);
    assert.equal(state.requests, before, "no request reached the attacker after the update");
  } finally {
    await dispatcher.close().catch(() => {});
    updater.close();
    await bundles.close();
    await attacker.close();
  }
});
