// certpin/node against real TLS servers on 127.0.0.1, started and stopped here.
// Fixtures: tests/fixtures/tls (make.sh). Expected pins come from node:crypto.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { PinPolicy, CertpinError } from "certpin";
import {
  pinnedAgent,
  pinnedCheckServerIdentity,
  pinnedDispatcher,
  pinnedFetch,
  pinTlsSocket,
} from "certpin/node";
import { FIXTURES } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const undici = require("undici");

const read = (name) => readFileSync(join(FIXTURES, "tls", name));
const spkiPin = (pem) =>
  "sha256/" +
  createHash("sha256")
    .update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" }))
    .digest("base64");
const PIN = {
  leaf: spkiPin(read("good-leaf.pem")),
  intermediate: spkiPin(read("good-intermediate.pem")),
  root: spkiPin(read("good-root.pem")),
  rogueLeaf: spkiPin(read("rogue-leaf.pem")),
  backup:
    "sha256/" +
    createHash("sha256")
      .update(createPublicKey(read("backup.pub.pem")).export({ type: "spki", format: "der" }))
      .digest("base64"),
};
// Every root is trusted by the client, as a compromised or corporate CA would be.
const CA = [read("good-root.pem"), read("rogue-root.pem"), read("rsa-root.pem")];
PIN.rsaLeaf = spkiPin(read("rsa-leaf.pem"));
PIN.rsaIntermediate = spkiPin(read("rsa-intermediate.pem"));
PIN.rsaRoot = spkiPin(read("rsa-root.pem"));
PIN.rogueRoot = spkiPin(read("rogue-root.pem"));

function policyFor(pins, extra = {}) {
  return new PinPolicy({
    version: 1,
    domains: [{ host: "localhost", pins, ...extra }],
  });
}

/** TLS options serving `chain` (fixture files, leaf first) with the leaf's `key`. */
const identity = (key, ...chain) => ({ key: read(key), cert: Buffer.concat(chain.map(read)) });
const IDENTITIES = {
  good: identity("good-leaf.key", "good-leaf.pem", "good-intermediate.pem"),
  rogue: identity("rogue-leaf.key", "rogue-leaf.pem"),
  rsa: identity("rsa-leaf.key", "rsa-leaf.pem", "rsa-intermediate.pem"),
  rotated: identity("backup.key", "rotated-leaf.pem", "good-intermediate.pem"),
  attack: identity("rogue-leaf.key", "attack-chain.pem"),
  leafOnly: identity("good-leaf.key", "good-leaf.pem"),
  intercept: identity("intercept-ec-leaf.key", "intercept-ec-leaf.pem"),
  forged: identity("forged-leaf.key", "forged-chain.pem"),
};

/**
 * A TLS server that answers HTTP/1.1 and counts every byte it receives. `name` picks
 * one of IDENTITIES; `sni` maps server names to other identities.
 */
async function startServer(name, { maxVersion, sni } = {}) {
  const state = { received: 0, connections: 0, sockets: new Set() };
  const contexts = Object.fromEntries(Object.entries(sni || {}).map(([host, id]) => [host, tls.createSecureContext(IDENTITIES[id])]));
  const server = tls.createServer(
    {
      ...IDENTITIES[name],
      maxVersion,
      SNICallback: (servername, callback) => callback(null, contexts[servername]),
    },
    (socket) => {
      state.connections += 1;
      state.sockets.add(socket);
      socket.on("close", () => state.sockets.delete(socket));
      socket.on("error", () => {});
      let buffered = "";
      socket.on("data", (data) => {
        state.received += data.length;
        buffered += data.toString("latin1");
        if (buffered.includes("\r\n\r\n")) {
          buffered = "";
          socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
        }
      });
    },
  );
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = server.address().port;
  state.close = () =>
    new Promise((resolve) => {
      server.close(resolve);
      // keep-alive sockets would hold close() open
      for (const socket of state.sockets) socket.destroy();
    });
  return state;
}

function get(port, agent, { servername, rejectUnauthorized } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: servername ? "127.0.0.1" : "localhost", servername, rejectUnauthorized, port, path: "/", ca: CA, agent, method: "GET" },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode, body, socket: res.socket }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function connect(port, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", servername: "localhost", port, ca: CA, ...options.tls });
    const sessions = [];
    let reused = null; // isSessionReused() is null once the socket has closed
    socket.on("session", (s) => sessions.push(s));
    if (options.pin) pinTlsSocket(socket, options.pin.policy, options.pin.options);
    socket.on("secureConnect", () => {
      reused = socket.isSessionReused();
      socket.write("GET / HTTP/1.1\r\nhost: localhost\r\n\r\n");
    });
    socket.on("data", () => {
      // wait for TLS 1.3 tickets, then close
      setTimeout(() => socket.end(), 20);
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ socket, sessions, reused }));
  });
}

let good;
let good12;
let rogue;
const more = {};
before(async () => {
  // Node's SNI switch adds the context's certificate beside the default one and OpenSSL
  // picks by key type (ECDSA first), so identities behind SNI share the default's type.
  good = await startServer("good", { sni: { "ec.example.com": "intercept" } });
  good12 = await startServer("good", { maxVersion: "TLSv1.2" });
  rogue = await startServer("rogue");
  for (const name of ["rsa", "rotated", "attack", "leafOnly", "forged"]) more[name] = await startServer(name);
});
after(async () => {
  await Promise.all([good, good12, rogue, ...Object.values(more)].map((s) => s.close()));
});

const refused = (promise) => promise.then(() => assert.fail("the request must fail"), (e) => e);

test("matches at leaf, intermediate and root, for the EC and the RSA chain", async () => {
  const cases = [
    ["good", PIN.leaf, 0], ["good", PIN.intermediate, 1], ["good", PIN.root, 2],
    ["rsa", PIN.rsaLeaf, 0], ["rsa", PIN.rsaIntermediate, 1], ["rsa", PIN.rsaRoot, 2],
  ];
  for (const [server, pin, depth] of cases) {
    const agent = pinnedAgent(policyFor([pin, PIN.backup]));
    const port = server === "good" ? good.port : more.rsa.port;
    const res = await get(port, agent);
    assert.equal(res.status, 200, `${server} at depth ${depth}`);
    assert.deepEqual(res.socket.certpinVerdict.matched.depth, depth);
    assert.equal(res.socket.certpinVerdict.matched.pin, pin);
    agent.destroy();
  }
});

test("the server rotates to the backup key: the backup pin passes", async () => {
  const policy = policyFor([PIN.leaf, PIN.backup]);
  const before = await get(good.port, pinnedAgent(policy));
  assert.equal(before.socket.certpinVerdict.matched.pin, PIN.leaf);
  const after = await get(more.rotated.port, pinnedAgent(policy));
  assert.equal(after.status, 200);
  assert.equal(after.socket.certpinVerdict.matched.pin, PIN.backup);
  // Without the backup pin, the rotation locks the client out.
  const error = await refused(get(more.rotated.port, pinnedAgent(policyFor([PIN.leaf, PIN.rogueLeaf]))));
  assert.equal(error.code, "PIN_MISMATCH");
});

test("a revoked pin fails the chain even when another pin matches", async () => {
  const policy = policyFor([PIN.intermediate, { pin: PIN.leaf, state: "revoked" }]);
  const error = await refused(get(good.port, pinnedAgent(policy)));
  assert.equal(error.code, "PIN_REVOKED");
  assert.equal(error.verdict.status, "revoked");
});

test("an expired policy fails open, with a warning through onReport", async () => {
  const calls = [];
  const agent = pinnedAgent(policyFor([PIN.rogueLeaf, PIN.backup], { expires: "2020-01-01" }), {
    pinning: { onReport: (report, verdict) => calls.push({ report, verdict }) },
  });
  const res = await get(good.port, agent);
  assert.equal(res.status, 200);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].report, null);
  assert.equal(calls[0].verdict.status, "policy-expired");
  assert.ok(calls[0].verdict.findings.some((f) => f.severity === "warning"));
});

test("several hostnames by SNI on one server, each with its own policy", async () => {
  const policy = new PinPolicy({
    version: 1,
    domains: [
      { host: "localhost", pins: [PIN.intermediate, PIN.backup] },
      { host: "ec.example.com", pins: [PIN.rogueRoot, PIN.backup] },
    ],
  });
  const agent = pinnedAgent(policy);
  const local = await get(good.port, agent, { servername: "localhost" });
  assert.equal(local.socket.certpinVerdict.domain, "localhost");
  assert.equal(local.socket.certpinVerdict.matched.pin, PIN.intermediate);
  const other = await get(good.port, agent, { servername: "ec.example.com" });
  assert.equal(other.socket.certpinVerdict.domain, "ec.example.com");
  assert.equal(other.socket.certpinVerdict.matched.pin, PIN.rogueRoot);
  const crossed = new PinPolicy({ version: 1, domains: [{ host: "ec.example.com", pins: [PIN.intermediate, PIN.backup] }] });
  const error = await refused(get(good.port, pinnedAgent(crossed), { servername: "ec.example.com" }));
  assert.equal(error.code, "PIN_MISMATCH");
  agent.destroy();
});

test("a server that appends the pinned intermediate to an unrelated chain is rejected", async () => {
  const before = more.attack.received;
  const error = await refused(get(more.attack.port, pinnedAgent(policyFor([PIN.intermediate, PIN.backup]))));
  assert.equal(error.code, "PIN_MISMATCH");
  // Node links peer certificates by name, so it drops the unrelated intermediate before
  // certpin sees it; either way the pinned key is not on the verified path.
  const onPath = error.verdict.verifiedPath.map((i) => error.verdict.servedPins[i]);
  assert.ok(!onPath.includes(PIN.intermediate));
  assert.equal(more.attack.received, before);
});

test("a forged leaf naming the pinned intermediate (name and key id) is refused: only signatures tell", async () => {
  // Node links the forged leaf to the real intermediate by name; with its own chain
  // validation turned off, only certpin's signature-verified path stands in the way.
  const before = more.forged.received;
  const error = await refused(get(more.forged.port, pinnedAgent(policyFor([PIN.intermediate, PIN.backup])), { rejectUnauthorized: false }));
  assert.equal(error.code, "CHAIN_INVALID");
  assert.equal(error.verdict.status, "invalid-chain");
  assert.ok(error.verdict.servedPins.includes(PIN.intermediate), "Node did hand over the pinned intermediate");
  // The path stops at the leaf: the pinned intermediate's signature check failed.
  assert.deepEqual(error.verdict.verifiedPath, [0]);
  assert.equal(more.forged.received, before);
  // The explicit opt-out for hosts that pass an already-verified path shows the risk.
  const optOut = await get(more.forged.port, pinnedAgent(policyFor([PIN.intermediate, PIN.backup]), { pinning: { verifySignatures: false } }), { rejectUnauthorized: false });
  assert.equal(optOut.socket.certpinVerdict.status, "matched");
});

test("a server that presents no chain of use (its leaf alone) fails with a readable message", async () => {
  // Node cannot verify the lone leaf; even with rejectUnauthorized: false the pins are checked.
  const error = await refused(get(more.leafOnly.port, pinnedAgent(policyFor([PIN.intermediate, PIN.root])), { rejectUnauthorized: false }));
  assert.equal(error.code, "PIN_MISMATCH");
  assert.deepEqual(error.verdict.servedPins, [PIN.leaf]);
  assert.ok(error.message.includes(PIN.leaf) && error.message.includes(PIN.intermediate));
});

test("pinnedAgent: a request to the pinned server passes when the intermediate's pin matches", async () => {
  const agent = pinnedAgent(policyFor([PIN.intermediate, PIN.backup]));
  const res = await get(good.port, agent);
  assert.equal(res.status, 200);
  assert.equal(res.body, "ok");
  assert.equal(res.socket.certpinVerdict.status, "matched");
  assert.equal(res.socket.certpinVerdict.matched.pin, PIN.intermediate);
  assert.equal(res.socket.certpinVerdict.matched.depth, 1);
  agent.destroy();
});

test("pinnedAgent: a trusted but unpinned chain is refused before any request byte is sent", async () => {
  const agent = pinnedAgent(policyFor([PIN.intermediate, PIN.backup]));
  const before = rogue.received;
  const error = await get(rogue.port, agent).then(
    () => assert.fail("the request must fail"),
    (e) => e,
  );
  assert.ok(error instanceof Error);
  assert.ok(error instanceof CertpinError);
  assert.equal(error.name, "CertpinError");
  assert.equal(error.code, "PIN_MISMATCH");
  assert.equal(error.verdict.status, "mismatch");
  // The server sends its leaf only; Node may append the root it trusts (by name).
  assert.equal(error.verdict.servedPins[0], PIN.rogueLeaf);
  assert.ok(error.verdict.servedPins.every((p) => [PIN.rogueLeaf, spkiPin(read("rogue-root.pem"))].includes(p)));
  // The message names what the server presented and what was expected.
  for (const pin of [PIN.rogueLeaf, PIN.intermediate, PIN.backup]) assert.ok(error.message.includes(pin), pin);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(rogue.received, before, "the server must receive no request bytes");
  agent.destroy();
});

test("pinnedAgent: report mode lets the request through and hands over the RFC 7469 report", async () => {
  const reports = [];
  const agent = pinnedAgent(policyFor([PIN.intermediate, PIN.backup], { mode: "report", reportUri: "https://r.example/pkp" }), {
    pinning: { onReport: (report, verdict) => reports.push({ report, verdict }) },
  });
  const res = await get(rogue.port, agent);
  assert.equal(res.status, 200);
  assert.equal(reports.length, 1);
  const { report, verdict } = reports[0];
  assert.equal(verdict.status, "mismatch");
  assert.equal(verdict.enforced, false);
  assert.equal(report.hostname, "localhost");
  assert.equal(report.port, rogue.port);
  assert.ok(report["known-pins"].some((p) => p.includes(PIN.intermediate.slice(7))));
  assert.match(report["served-certificate-chain"][0], /^-----BEGIN CERTIFICATE-----/);
  agent.destroy();
});

test("pinnedAgent: a host the policy does not pin passes untouched", async () => {
  const agent = pinnedAgent(new PinPolicy({ version: 1, domains: [{ host: "other.example", pins: [PIN.backup, PIN.root] }] }));
  const res = await get(rogue.port, agent);
  assert.equal(res.status, 200);
  assert.equal(res.socket.certpinVerdict.status, "not-pinned");
  agent.destroy();
});

test("pinnedAgent: a socket pooled by another agent is never handed to a pinned request", async () => {
  const plain = new https.Agent({ keepAlive: true });
  assert.equal((await get(rogue.port, plain)).status, 200); // leaves a pooled socket
  const agent = pinnedAgent(policyFor([PIN.intermediate, PIN.backup]), { keepAlive: true });
  const error = await get(rogue.port, agent).then(() => null, (e) => e);
  assert.equal(error?.code, "PIN_MISMATCH");
  plain.destroy();
  agent.destroy();
});

test("pinnedAgent with session caching on: resumed sessions are accepted only when first pinned", async () => {
  const policy = policyFor([PIN.intermediate, PIN.backup]);
  const agent = pinnedAgent(policy, { maxCachedSessions: 10 });
  const first = await get(good12.port, agent);
  assert.equal(first.socket.isSessionReused(), false);
  await new Promise((r) => setTimeout(r, 20));
  const second = await get(good12.port, agent);
  assert.equal(second.status, 200);
  assert.equal(second.socket.isSessionReused(), true, "the agent should have resumed the session");
  assert.equal(second.socket.certpinVerdict.status, "matched");
  assert.ok(second.socket.certpinVerdict.findings.some((f) => f.code === "SESSION_RESUMED"));
  agent.destroy();
});

test("pinTlsSocket: rejectUnauthorized: false does not skip the pin check", async () => {
  const policy = policyFor([PIN.intermediate, PIN.backup]);
  const before = rogue.received;
  const error = await connect(rogue.port, {
    tls: { ca: [read("good-root.pem")], rejectUnauthorized: false },
    pin: { policy },
  }).then(() => null, (e) => e);
  assert.equal(error?.code, "PIN_MISMATCH");
  assert.equal(rogue.received, before);
});

for (const [label, server] of [["TLS 1.3", () => good], ["TLS 1.2", () => good12]]) {
  test(`pinTlsSocket (${label}): a session that certpin did not see pass is not resumed into trust`, async () => {
    const policy = policyFor([PIN.intermediate, PIN.backup]);
    const port = server().port;
    // An unpinned connection yields a session...
    const { sessions } = await connect(port);
    assert.ok(sessions.length > 0);
    const before = server().received;
    // ...which a pinned connection then resumes: no certificate is visible, so it fails closed.
    const error = await connect(port, { tls: { session: sessions.at(-1) }, pin: { policy } }).then(() => null, (e) => e);
    assert.equal(error?.code, "NO_CHAIN", String(error));
    assert.match(error.message, /resumed/);
    assert.equal(server().received, before);
  });

  test(`pinTlsSocket (${label}): a session first established under the policy resumes and passes`, async () => {
    const policy = policyFor([PIN.intermediate, PIN.backup]);
    const port = server().port;
    const first = await connect(port, { pin: { policy } });
    assert.equal(first.socket.certpinVerdict.status, "matched");
    const second = await connect(port, { tls: { session: first.sessions.at(-1) }, pin: { policy } });
    assert.equal(second.reused, true);
    assert.equal(second.socket.certpinVerdict.status, "matched");
    // The same session does not carry over to another policy object.
    const other = policyFor([PIN.intermediate, PIN.backup]);
    const error = await connect(port, { tls: { session: first.sessions.at(-1) }, pin: { policy: other } }).then(() => null, (e) => e);
    assert.equal(error?.code, "NO_CHAIN");
  });
}

test("pinnedCheckServerIdentity: Node's hostname check, then the pins", async () => {
  const policy = policyFor([PIN.intermediate, PIN.backup]);
  const check = (port) =>
    new Promise((resolve, reject) => {
      const socket = tls.connect({ host: "127.0.0.1", servername: "localhost", port, ca: CA, checkServerIdentity: pinnedCheckServerIdentity(policy) });
      socket.on("secureConnect", () => { socket.end(); resolve("connected"); });
      socket.on("error", reject);
    });
  assert.equal(await check(good.port), "connected");
  const error = await check(rogue.port).then(() => null, (e) => e);
  assert.equal(error?.code, "PIN_MISMATCH");
});

test("pinnedDispatcher and pinnedFetch pin undici's fetch", async () => {
  const policy = policyFor([PIN.intermediate, PIN.backup]);
  const options = { connect: { ca: CA } };
  const fetch = pinnedFetch(policy, options);
  const ok = await fetch(`https://localhost:${good.port}/`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "ok");
  const before = rogue.received;
  const error = await fetch(`https://localhost:${rogue.port}/`).then(() => null, (e) => e);
  assert.ok(error, "fetch must fail");
  assert.equal(error.cause?.code, "PIN_MISMATCH", String(error.cause));
  assert.equal(rogue.received, before);
  const dispatcher = pinnedDispatcher(policy, options);
  const direct = await undici.request(`https://localhost:${good.port}/`, { dispatcher });
  assert.equal(direct.statusCode, 200);
  await direct.body.text();
  await dispatcher.close();
  await fetch.dispatcher.close();
});

test("adapters refuse misuse with CertpinError codes", () => {
  assert.throws(() => pinnedAgent(42), (e) => e.code === "INVALID_ARGUMENT");
  assert.throws(() => pinnedAgent("{not json"), (e) => e.code === "POLICY_INVALID");
  assert.throws(() => pinnedAgent(policyFor([PIN.leaf, PIN.backup]), { pinning: { onRport() {} } }), (e) => e.code === "INVALID_ARGUMENT");
  assert.throws(() => pinTlsSocket({}, policyFor([PIN.leaf, PIN.backup])), (e) => e.code === "INVALID_ARGUMENT");
});

test("pinTlsSocket: no secureConnect listener, not even one prepended later, sees a refused connection", async () => {
  const socket = tls.connect({ host: "127.0.0.1", servername: "localhost", port: rogue.port, ca: CA });
  pinTlsSocket(socket, policyFor([PIN.intermediate, PIN.backup]));
  let seen = 0;
  socket.prependListener("secureConnect", () => seen++);
  socket.on("secureConnect", () => seen++);
  const error = await new Promise((resolve) => socket.on("error", resolve));
  assert.equal(error.code, "PIN_MISMATCH");
  assert.equal(seen, 0);
  assert.equal(socket.certpinVerdict.status, "mismatch");
});

test("a leaf that does not cover the pinned hostname is refused with HOSTNAME_MISMATCH", async () => {
  // Node's own hostname check is bypassed here (rejectUnauthorized: false); certpin's is not.
  const policy = new PinPolicy({ version: 1, domains: [{ host: "other.example", pins: [PIN.intermediate, PIN.backup] }] });
  const error = await new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", servername: "other.example", port: good.port, ca: CA, rejectUnauthorized: false });
    pinTlsSocket(socket, policy);
    socket.on("secureConnect", () => resolve(null));
    socket.on("error", resolve);
  });
  assert.equal(error?.code, "HOSTNAME_MISMATCH");
  assert.equal(error.verdict.status, "hostname-mismatch");
});

test("a certificate outside its validity at the adapter's clock is refused with CERT_EXPIRED", async () => {
  const agent = pinnedAgent(policyFor([PIN.intermediate, PIN.backup]), { pinning: { now: () => new Date("2050-01-01T00:00:00Z") } });
  const error = await refused(get(good.port, agent));
  assert.equal(error.code, "CERT_EXPIRED");
  assert.equal(error.verdict.status, "cert-expired");
});

// ---------------------------------------------------------------------------------------
// The name that is pinned: one test per way it was once wrong (each failed before the
// fix). The rogue server serves a chain from a second CA the client trusts, for
// localhost and 127.0.0.1; the policy pins those names to the good chain's intermediate.

const pinnedNames = (pins) =>
  new PinPolicy({ version: 1, domains: ["localhost", "127.0.0.1"].map((host) => ({ host, pins })) });

test("finding 1: pinnedFetch to an IP URL with connect.servername pins the servername", async () => {
  const fetch = pinnedFetch(policyFor([PIN.intermediate, PIN.backup]), { connect: { ca: CA, servername: "localhost" } });
  const before = rogue.received;
  const error = await fetch(`https://127.0.0.1:${rogue.port}/`).then(() => null, (e) => e);
  assert.equal(error?.cause?.code, "PIN_MISMATCH", String(error?.cause ?? error));
  assert.equal(error.cause.verdict.hostname, "localhost");
  assert.equal(rogue.received, before);
  const ok = await fetch(`https://127.0.0.1:${good.port}/`);
  assert.equal(ok.status, 200);
  await ok.text();
  await fetch.dispatcher.close();
});

test("finding 2: pinTlsSocket over tls.connect({ socket }) pins the wrapped socket's host, never the peer address", async () => {
  const net = await import("node:net");
  const before = rogue.received;
  const error = await new Promise((resolve) => {
    const raw = net.connect({ host: "localhost", port: rogue.port });
    const socket = pinTlsSocket(tls.connect({ socket: raw, ca: CA }), policyFor([PIN.intermediate, PIN.backup]));
    socket.on("secureConnect", () => resolve(null));
    socket.on("error", resolve);
  });
  assert.equal(error?.code, "PIN_MISMATCH", String(error));
  assert.equal(error.verdict.hostname, "localhost");
  assert.equal(rogue.received, before);
});

test("finding 3: a pinned IP is pinned under every spelling of it", async () => {
  for (const host of ["127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1"]) {
    // Node verifies these as DNS names (net.isIP refuses them), so the rogue leaf that
    // names localhost fails Node's own check: certpin's check is what is asserted here.
    const error = await new Promise((resolve) => {
      const socket = tls.connect({ host, port: rogue.port, ca: CA, checkServerIdentity: () => undefined });
      pinTlsSocket(socket, pinnedNames([PIN.intermediate, PIN.backup]));
      socket.on("secureConnect", () => { socket.destroy(); resolve(null); });
      socket.on("error", resolve);
    });
    assert.equal(error?.code, "PIN_MISMATCH", `${host}: ${error}`);
    assert.equal(error.verdict.domain, "127.0.0.1", host);
    assert.equal(pinnedNames([PIN.backup, PIN.root]).lookup(host)?.host, "127.0.0.1", host);
  }
  const v4mapped = await new Promise((resolve) => {
    const socket = tls.connect({ host: "::ffff:127.0.0.1", port: rogue.port, ca: CA, checkServerIdentity: () => undefined });
    pinTlsSocket(socket, pinnedNames([PIN.intermediate, PIN.backup]));
    socket.on("secureConnect", () => { socket.destroy(); resolve(null); });
    socket.on("error", resolve);
  });
  assert.equal(v4mapped?.code, "PIN_MISMATCH", String(v4mapped));
  assert.throws(() => pinnedNames([PIN.backup, PIN.root]).lookup("localhost.123"), (e) => e.code === "INVALID_ARGUMENT");
});

test("finding 4: a pinning option where the adapter does not read it is INVALID_ARGUMENT naming where it belongs", () => {
  const policy = policyFor([PIN.intermediate, PIN.backup]);
  const misplaced = { onReport() {}, now: () => 0, verifySignatures: false, hostname: "localhost", clockSkewSeconds: 1 };
  for (const [key, value] of Object.entries(misplaced)) {
    const cases = [
      () => pinnedAgent(policy, { ca: CA, [key]: value }),
      () => pinnedDispatcher(policy, { [key]: value }),
      () => pinnedDispatcher(policy, { connect: { ca: CA, [key]: value } }),
      () => pinnedFetch(policy, { [key]: value }),
    ];
    for (const make of cases) {
      assert.throws(make, (e) => e instanceof CertpinError && e.code === "INVALID_ARGUMENT" && e.message.includes("pinning"), `${key}: ${make}`);
    }
  }
  // The name pinned is the name TLS verifies: it cannot be overridden in pinning either.
  assert.throws(() => pinnedAgent(policy, { pinning: { hostname: "other.example" } }), (e) => e.code === "INVALID_ARGUMENT" && /servername/.test(e.message));
});

test("finding 5: pinnedFetch passes plain http:// untouched, and its errors are CertpinErrors", async () => {
  const server = (await import("node:http")).createServer((req, res) => res.end("plain"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fetch = pinnedFetch(pinnedNames([PIN.intermediate, PIN.backup]));
  const res = await fetch(`http://127.0.0.1:${server.address().port}/`);
  assert.equal(await res.text(), "plain");
  const misuse = await fetch(`http://127.0.0.1:${server.address().port}/`, { dispatcher: new undici.Agent() }).then(() => null, (e) => e);
  assert.ok(misuse instanceof CertpinError && misuse.code === "INVALID_ARGUMENT", String(misuse));
  // Options undici refuses come back as CertpinErrors too, undici's error as cause.
  const policy = pinnedNames([PIN.intermediate, PIN.backup]);
  for (const make of [() => pinnedDispatcher(policy, { maxOrigins: 0 }), () => pinnedFetch(policy, { connect: { maxCachedSessions: -1 } }), () => pinnedDispatcher(policy, { connect: 42 })]) {
    assert.throws(make, (e) => e instanceof CertpinError && e.code === "INVALID_ARGUMENT", String(make));
  }
  await fetch.dispatcher.close();
  await new Promise((resolve) => server.close(resolve));
});

for (const early of [false, true]) {
test(`finding 6: pinnedDispatcher records TLS 1.2 sessions${early ? " announced before secureConnect" : ""}, so they resume`, async () => {
  // Node 20 itself holds a TLS 1.2 session back until after 'secureConnect'
  // (lib/_tls_wrap.js, kPendingSession); its docs allow a session to be announced before
  // the handshake completes. `early` makes the stack do so: the session is emitted on
  // 'secure', before 'secureConnect', and Node's own later emit is cancelled.
  const original = tls.connect;
  if (early) {
    tls.connect = function connectAnnouncingEarly(...args) {
      const socket = original.apply(this, args);
      socket.prependOnceListener("secure", () => {
        const pending = Object.getOwnPropertySymbols(socket).find((s) => s.description === "pendingSession");
        const session = pending && socket[pending];
        if (session) {
          socket[pending] = null;
          socket.emit("session", session);
        }
      });
      return socket;
    };
  }
  const dispatcher = pinnedDispatcher(policyFor([PIN.intermediate, PIN.backup]), { connect: { ca: CA, maxCachedSessions: 10 } });
  const verdicts = [];
  const channel = (await import("node:diagnostics_channel")).channel("undici:client:connected");
  const seen = ({ socket }) => verdicts.push([socket.isSessionReused(), socket.certpinVerdict]);
  channel.subscribe(seen);
  try {
    for (let i = 0; i < 2; i++) {
      const res = await undici.request(`https://localhost:${good12.port}/`, { dispatcher, reset: true });
      assert.equal(res.statusCode, 200);
      await res.body.text();
      for (const s of good12.sockets) s.destroy(); // the next request needs a new connection
      await new Promise((r) => setTimeout(r, 30));
    }
  } finally {
    tls.connect = original;
    channel.unsubscribe(seen);
    await dispatcher.close();
  }
  assert.equal(verdicts.length, 2);
  assert.equal(verdicts[1][0], true, "the second connection resumed the first one's session");
  assert.equal(verdicts[1][1].status, "matched");
  assert.ok(verdicts[1][1].findings.some((f) => f.code === "SESSION_RESUMED"));
});
}

test("undici that fails to load: the error is a CertpinError carrying the load error as cause", async () => {
  const { makeAdapter } = require("../../../pkg/node-adapter-core.cjs");
  const Module = require("node:module");
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === "undici") throw new Error("simulated: undici needs a newer Node");
    return original.call(this, request, ...rest);
  };
  try {
    const adapter = makeAdapter(await import("certpin"));
    assert.throws(() => adapter.pinnedFetch(policyFor([PIN.intermediate, PIN.backup])), (e) =>
      e instanceof CertpinError && e.code === "INVALID_ARGUMENT" && e.cause?.message === "simulated: undici needs a newer Node" && e.message.includes("simulated"));
  } finally {
    Module._load = original;
  }
});

test("PinPolicy.lookup returns the entry that applies, or null", () => {
  const policy = new PinPolicy({ version: 1, domains: [{ host: "**.example.com", pins: [PIN.intermediate, PIN.backup], mode: "report" }] });
  assert.deepEqual(policy.lookup("API.example.com."), {
    host: "**.example.com", includeSubdomains: false, pins: [PIN.intermediate, PIN.backup], expires: null, mode: "report", reportUri: null,
  });
  assert.equal(policy.lookup("example.org"), null);
  assert.throws(() => policy.lookup(42), (e) => e.code === "INVALID_ARGUMENT");
});

test("pinnedDispatcher with a connector function: a connector that calls back late is pinned before undici writes", async () => {
  const policy = policyFor([PIN.intermediate, PIN.backup]);
  const base = undici.buildConnector({ ca: CA });
  // Returns nothing and calls back after the handshake, as a tunnel does.
  const late = (options, callback) => { base(options, callback); };
  const before = rogue.received;
  for (const connect of [late, base]) {
    const dispatcher = pinnedDispatcher(policy, { connect });
    const error = await undici.request(`https://localhost:${rogue.port}/`, { dispatcher }).then(() => null, (e) => e);
    assert.equal(error?.code, "PIN_MISMATCH", String(error));
    const ok = await undici.request(`https://localhost:${good.port}/`, { dispatcher });
    assert.equal(ok.statusCode, 200);
    await ok.body.text();
    await dispatcher.close();
  }
  assert.equal(rogue.received, before);
  // A connector that hands back a socket before its handshake finished cannot be pinned.
  const early = (options, callback) => {
    const socket = tls.connect({ host: options.hostname, port: options.port, servername: "localhost", ca: CA });
    callback(null, socket);
  };
  const dispatcher = pinnedDispatcher(policy, { connect: early });
  const error = await undici.request(`https://localhost:${good.port}/`, { dispatcher }).then(() => null, (e) => e);
  assert.ok(error instanceof CertpinError && error.code === "INVALID_ARGUMENT", String(error));
  await dispatcher.close();
});

test("keep-alive pools: a connection pooled by another dispatcher or policy is never reused unchecked", async () => {
  const plain = new undici.Agent({ connect: { ca: CA } });
  const warm = await undici.request(`https://localhost:${rogue.port}/`, { dispatcher: plain });
  await warm.body.text(); // leaves a pooled keep-alive connection to the rogue server
  const before = rogue.received;
  const pinned = pinnedDispatcher(policyFor([PIN.intermediate, PIN.backup]), { connect: { ca: CA } });
  const error = await undici.request(`https://localhost:${rogue.port}/`, { dispatcher: pinned }).then(() => null, (e) => e);
  assert.equal(error?.code, "PIN_MISMATCH");
  assert.equal(rogue.received, before);
  // Two dispatchers, two policies, one origin: each makes and checks its own connection.
  const passes = pinnedDispatcher(policyFor([PIN.intermediate, PIN.backup]), { connect: { ca: CA } });
  const refuses = pinnedDispatcher(policyFor([PIN.rogueLeaf, PIN.backup]), { connect: { ca: CA } });
  const first = await undici.request(`https://localhost:${good.port}/`, { dispatcher: passes });
  await first.body.text();
  const second = await undici.request(`https://localhost:${good.port}/`, { dispatcher: refuses }).then(() => null, (e) => e);
  assert.equal(second?.code, "PIN_MISMATCH");
  await Promise.all([plain, pinned, passes, refuses].map((d) => d.close()));
});
