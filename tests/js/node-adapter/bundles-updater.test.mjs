// policyUpdater against a real HTTPS server on 127.0.0.1 started here: it
// updates; a replayed old bundle is refused and the current policy kept; a 100 MB answer
// is cut off at the bound; a SIGKILL in the middle of writing state leaves the last good
// bundle intact; a pinned agent uses the new pins for its next connection.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { spawn } from "node:child_process";
import { X509Certificate, createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { policyUpdater, pinnedAgent, pinnedFetch, pinnedCheckServerIdentity } from "certpin/node";
import { FIXTURES } from "../support/helpers.mjs";
import { makeBundle, makeRoot, newKey } from "../support/bundle-helpers.mjs";

const read = (name) => readFileSync(join(FIXTURES, "tls", name));
const CA = read("good-root.pem");
const spkiPin = (pem) => `sha256/${createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64")}`;
const GOOD = spkiPin(read("good-leaf.pem"));
const ROGUE = spkiPin(read("rogue-leaf.pem"));
const key = newKey("ed25519");
const root = makeRoot([key]);
const dir = mkdtempSync(join(tmpdir(), "certpin-updater-"));
writeFileSync(join(dir, "root.json"), JSON.stringify(root));
writeFileSync(join(dir, "ca.pem"), CA);

const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const bundleOf = (version, pins = [GOOD, ROGUE], { issuedAt = Date.now() - 60_000, expires = Date.now() + 86_400_000 } = {}) =>
  JSON.stringify(makeBundle([key], { version, issuedAt: iso(issuedAt), expires: iso(expires), policy: { version: 1, domains: [{ host: "localhost", pins }] } }));

// The bundle server: `serve` decides each answer.
let serve = () => ({ body: bundleOf(1) });
let sentBytes = 0;
let server;
before(async () => {
  server = https.createServer({ key: read("good-leaf.key"), cert: Buffer.concat([read("good-leaf.pem"), read("good-intermediate.pem")]) }, (req, res) => {
    const answer = serve(req);
    if (answer.hang) return;
    if (answer.huge) {
      // 100 MB without a content-length, written as fast as the client reads.
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = (100 * 1024 * 1024) / chunk.length;
      const pump = () => {
        while (left > 0) {
          left--;
          sentBytes += chunk.length;
          if (!res.write(chunk)) return res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => { left = 0; });
      pump();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", etag: `"${createHash("sha256").update(answer.body).digest("hex").slice(0, 16)}"` });
    res.end(answer.body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
});
after(() => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }));
const url = () => `https://127.0.0.1:${server.address().port}/policy`;
const updaterWith = (extra) => policyUpdater({ url: url(), root, ca: CA, onExpired: "fail-closed", intervalMs: 0, ...extra });

test("updates, keeps state, refuses a replayed old bundle and keeps the current policy", async () => {
  const statePath = join(dir, "state-a.json");
  const outcomes = [];
  const updater = updaterWith({ statePath, fallback: bundleOf(1), onOutcome: (o) => outcomes.push(o) });
  assert.equal(updater.version, 1);
  serve = () => ({ body: bundleOf(3) });
  let outcome = await updater.refresh();
  assert.equal(outcome.status, "updated", outcome.error?.message);
  assert.equal(updater.version, 3);
  assert.equal(updater.policy.bundleVersion, 3);
  const state = JSON.parse(readFileSync(statePath, "utf8"));
  assert.equal(state.highestVersion, 3);
  const policyBefore = updater.policy;
  serve = () => ({ body: bundleOf(2, [ROGUE]) });
  outcome = await updater.refresh();
  assert.equal(outcome.status, "refused");
  assert.equal(outcome.error.code, "BUNDLE_ROLLBACK");
  assert.equal(updater.version, 3);
  assert.equal(updater.policy, policyBefore);
  assert.deepEqual(outcomes.map((o) => o.status), ["updated", "refused"]);
  // A restart (state v3, fallback v1) starts at 3 and still refuses 2.
  const restarted = updaterWith({ statePath, fallback: bundleOf(1) });
  assert.equal(restarted.version, 3);
  assert.equal((await restarted.refresh()).error.code, "BUNDLE_ROLLBACK");
  // The file's highestVersion is not signed: a tampered one cannot lock the updater out.
  const stateNow = JSON.parse(readFileSync(statePath, "utf8"));
  writeFileSync(statePath, JSON.stringify({ ...stateNow, highestVersion: 1e9 }));
  const notLocked = updaterWith({ statePath });
  assert.equal(notLocked.highestVersion, 3);
  serve = () => ({ body: bundleOf(4) });
  assert.equal((await notLocked.refresh()).status, "updated");
  writeFileSync(statePath, JSON.stringify(stateNow));
  // A tampered bundle is refused as well.
  serve = () => ({ body: bundleOf(9).replace("localhost", "localhosu") });
  assert.equal((await restarted.refresh()).error.code, "BUNDLE_BAD_SIGNATURE");
  assert.equal(restarted.version, 3);
});

test("a 100 MB answer is cut off at the size bound", async () => {
  const updater = updaterWith({ fallback: bundleOf(1), maxBytes: 512 * 1024 });
  sentBytes = 0;
  serve = () => ({ huge: true });
  const outcome = await updater.refresh();
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error.code, "INPUT_TOO_LARGE");
  assert.equal(updater.version, 1);
  await new Promise((r) => setTimeout(r, 200));
  if (process.env.DEBUG_BUNDLES) console.log("sent", sentBytes);
  assert.ok(sentBytes < 20 * 1024 * 1024, `the server wrote ${sentBytes} bytes before the client hung up`);
});

test("a server that never answers is given up after timeoutMs; intervalMs refreshes on its own", async () => {
  const updater = updaterWith({ fallback: bundleOf(1), timeoutMs: 300 });
  serve = () => ({ hang: true });
  const started = Date.now();
  const outcome = await updater.refresh();
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error.code, "BUNDLE_FETCH_FAILED", outcome.error.message);
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
  assert.equal(updater.version, 1);
  serve = () => ({ body: bundleOf(6) });
  const updates = [];
  const ticking = updaterWith({ fallback: bundleOf(1), intervalMs: 100, onUpdate: (o) => updates.push(o.version) });
  for (let i = 0; i < 50 && ticking.version !== 6; i++) await new Promise((r) => setTimeout(r, 100));
  ticking.close();
  assert.equal(ticking.version, 6);
  assert.deepEqual(updates, [6]);
});

test("expiry does what onExpired says: fail-open (policy-expired, warning) or fail-closed (BUNDLE_EXPIRED)", async () => {
  const short = bundleOf(1, [ROGUE], { expires: Date.now() + 2000 });
  const warnings = [];
  const open = updaterWith({ fallback: short, onExpired: "fail-open", onWarning: (m) => warnings.push(m) });
  const closed = updaterWith({ fallback: short, onExpired: "fail-closed" });
  const leaf = read("good-leaf.pem");
  assert.equal(open.currentPolicy().check(leaf, { hostname: "localhost", verifySignatures: false }).status, "mismatch");
  await new Promise((r) => setTimeout(r, 2100));
  const verdict = open.currentPolicy().check(leaf, { hostname: "localhost", verifySignatures: false });
  assert.equal(verdict.status, "policy-expired");
  assert.equal(verdict.enforced, false);
  assert.equal(warnings.length, 1);
  assert.throws(() => closed.currentPolicy(), (e) => e.code === "BUNDLE_EXPIRED");
  // Through an adapter: fail-closed refuses the connection, fail-open lets it through.
  const get = (updater) => new Promise((resolve) => {
    const req = https.get({ host: "127.0.0.1", servername: "localhost", port: server.address().port, agent: pinnedAgent(updater, { ca: CA }), ca: CA }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", (e) => resolve(e.code));
  });
  serve = () => ({ body: "{}" });
  assert.equal(await get(closed), "BUNDLE_EXPIRED");
  assert.equal(await get(open), 200);
  assert.throws(() => policyUpdater({ url: url(), root, fallback: short }), (e) => e.code === "INVALID_ARGUMENT" && e.argument === "onExpired");
});

test("a pinned agent switches to the new pins for its next connection", async () => {
  const target = https.createServer({ key: read("good-leaf.key"), cert: Buffer.concat([read("good-leaf.pem"), read("good-intermediate.pem")]) }, (req, res) => res.end("ok"));
  await new Promise((resolve) => target.listen(0, "127.0.0.1", resolve));
  try {
    const updater = updaterWith({ fallback: bundleOf(1, [ROGUE]) });
    const agent = pinnedAgent(updater, { ca: CA });
    const get = () => new Promise((resolve) => {
      const req = https.get({ host: "127.0.0.1", servername: "localhost", port: target.address().port, agent, ca: CA }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode }));
      });
      req.on("error", (error) => resolve({ error }));
    });
    const first = await get();
    assert.equal(first.error?.code, "PIN_MISMATCH");
    serve = () => ({ body: bundleOf(2, [GOOD]) });
    assert.equal((await updater.refresh()).status, "updated");
    const second = await get();
    assert.equal(second.status, 200, second.error?.message);
    agent.destroy();
    // undici (pinnedFetch) and checkServerIdentity read the updater per connection too.
    const fetchUpdater = updaterWith({ fallback: bundleOf(1, [ROGUE]) });
    const fetch = pinnedFetch(fetchUpdater, { connect: { ca: CA } });
    const address = `https://localhost:${target.address().port}/`;
    const refusedFetch = await fetch(address).then(() => null, (e) => e);
    assert.equal((refusedFetch?.cause ?? refusedFetch)?.code, "PIN_MISMATCH", String(refusedFetch));
    await fetchUpdater.refresh();
    assert.equal(fetchUpdater.version, 2);
    assert.equal((await fetch(address)).status, 200);
    await fetch.dispatcher.close();
    const identityUpdater = updaterWith({ fallback: bundleOf(1, [ROGUE]) });
    const check = pinnedCheckServerIdentity(identityUpdater);
    const peer = { raw: new X509Certificate(read("good-leaf.pem")).raw, subject: { CN: "localhost" }, subjectaltname: "DNS:localhost" };
    peer.issuerCertificate = peer;
    assert.equal(check("localhost", peer)?.code, "PIN_MISMATCH");
    await identityUpdater.refresh();
    assert.equal(check("localhost", peer), undefined);
  } finally {
    target.closeAllConnections?.();
    await new Promise((resolve) => target.close(resolve));
  }
});

const CHILD = fileURLToPath(new URL("./bundle-updater-child.mjs", import.meta.url));
function child(mode, statePath) {
  const proc = spawn(process.execPath, [CHILD], {
    env: { ...process.env, CHILD_MODE: mode, CHILD_URL: url(), CHILD_ROOT: join(dir, "root.json"), CHILD_STATE: statePath, CHILD_CA: join(dir, "ca.pem") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = [];
  const waiters = [];
  let buffered = "";
  proc.stdout.on("data", (d) => {
    buffered += d;
    let i;
    while ((i = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) w();
    }
  });
  // "close" comes after the last stdout data ("exit" may come before it).
  const exited = new Promise((resolve) => proc.on("close", (code, signal) => resolve({ code, signal })));
  const waitFor = async (prefix) => {
    for (;;) {
      const line = lines.find((l) => l.startsWith(prefix));
      if (line) return line;
      await Promise.race([new Promise((r) => waiters.push(r)), exited.then(() => { throw new Error(`child exited; output: ${lines.join(" | ")}`); })]);
    }
  };
  return { proc, lines, waitFor, exited };
}

test("SIGKILL between writing and renaming the state keeps the last good bundle; a restart starts from it", async () => {
  const statePath = join(dir, "state-kill.json");
  serve = () => ({ body: bundleOf(4) });
  const first = child("once", statePath);
  assert.match(await first.waitFor("DONE"), /^DONE updated 4/);
  await first.exited;
  const good = readFileSync(statePath, "utf8");
  serve = () => ({ body: bundleOf(5) });
  const paused = child("pause", statePath);
  const line = await paused.waitFor("PAUSED");
  const temp = line.slice("PAUSED ".length);
  assert.ok(existsSync(temp), "the temporary file is written");
  assert.equal(JSON.parse(readFileSync(temp, "utf8")).highestVersion, 5);
  paused.proc.kill("SIGKILL");
  assert.equal((await paused.exited).signal, "SIGKILL");
  assert.equal(readFileSync(statePath, "utf8"), good, "the state file is the last good one, byte for byte");
  serve = () => ({ body: bundleOf(3) });
  const restarted = child("once", statePath);
  assert.equal(await restarted.waitFor("START"), "START 4");
  assert.match(await restarted.waitFor("DONE"), /^DONE refused 4 BUNDLE_ROLLBACK/);
  await restarted.exited;
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith("state-kill.json.tmp-")), [], "leftover temporary files are removed");
});

test("SIGKILL at random moments while the state is rewritten: every restart finds a verified bundle at least as new as the last persisted one", async () => {
  const statePath = join(dir, "state-random.json");
  let version = 10;
  serve = () => ({ body: bundleOf(++version) });
  let highestPersisted = 0;
  for (let round = 0; round < 6; round++) {
    const running = child("loop", statePath);
    await running.waitFor("START");
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 250)));
    running.proc.kill("SIGKILL");
    await running.exited;
    const persisted = running.lines.filter((l) => l.startsWith("PERSISTED")).map((l) => Number(l.split(" ")[1]));
    const problems = [];
    const updater = policyUpdater({ url: url(), root, statePath, onExpired: "fail-closed", intervalMs: 0, onError: (e) => problems.push(e) });
    assert.deepEqual(problems, [], `round ${round}`);
    highestPersisted = Math.max(highestPersisted, ...persisted);
    if (process.env.DEBUG_BUNDLES) console.log("round", round, "persisted", persisted.length, "state version", updater.version);
    if (highestPersisted > 0) assert.ok(updater.version >= highestPersisted, `round ${round}: ${updater.version} < ${highestPersisted}`);
  }
});

test("an updater with no verified bundle yet (no state, no fallback, no refresh) refuses: BUNDLE_UNAVAILABLE, also through an adapter", async () => {
  const updater = policyUpdater({ url: "https://127.0.0.1:9/policy", root, statePath: join(dir, "never-written.json"), onExpired: "fail-closed", intervalMs: 0 });
  try {
    assert.throws(() => updater.currentPolicy(), (e) => e.name === "CertpinError" && e.code === "BUNDLE_UNAVAILABLE" && /fallback/.test(e.message));
    // A real TLS server: the policy is asked for when its handshake completes.
    let requests = 0;
    const server = https.createServer({ key: read("good-leaf.key"), cert: Buffer.concat([read("good-leaf.pem"), read("good-intermediate.pem")]) }, (req, res) => {
      requests += 1;
      res.end("ok");
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    const agent = pinnedAgent(updater, { ca: CA });
    try {
      const error = await new Promise((resolve) => {
        https.get(`https://localhost:${server.address().port}/`, { agent }, () => resolve(null)).on("error", resolve);
      });
      assert.equal(error?.code, "BUNDLE_UNAVAILABLE", String(error));
      assert.equal(requests, 0, "no request reached the server");
    } finally {
      agent.destroy();
      await new Promise((r) => server.close(r));
    }
  } finally {
    updater.close();
  }
});
