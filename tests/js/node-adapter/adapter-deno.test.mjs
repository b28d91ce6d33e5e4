// certpin/node in Deno (the npm package `deno`), against real TLS servers on 127.0.0.1
// that this Node test starts and stops. Deno runs with --allow-net only: the adapter's
// Deno entry loads the wasm without --allow-read. Expected pins come from node:crypto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, NODE_MODULES_BIN, installPackedPackage, runProcess } from "../support/helpers.mjs";

const DENO = join(NODE_MODULES_BIN, "deno");
const read = (name) => readFileSync(join(FIXTURES, "tls", name));
const backupPin =
  "sha256/" + createHash("sha256").update(createPublicKey(read("backup.pub.pem")).export({ type: "spki", format: "der" })).digest("base64");
const spkiPin = (pem) =>
  "sha256/" + createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64");

let project;
const servers = {};

async function serve(name) {
  const received = { bytes: 0 };
  const sockets = new Set();
  const server = tls.createServer(
    { key: read(`${name}-leaf.key`), cert: Buffer.concat([read(`${name}-leaf.pem`), name === "good" ? read("good-intermediate.pem") : Buffer.alloc(0)]) },
    (socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("data", (d) => {
        received.bytes += d.length;
        socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
      });
    },
  );
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { port: server.address().port, received, close: () => new Promise((r) => { server.close(r); for (const s of sockets) s.destroy(); }) };
}

before(async () => {
  project = await installPackedPackage("deno-adapter");
  servers.good = await serve("good");
  servers.rogue = await serve("rogue");
  servers.open = await serve("rogue"); // for the cases that must let requests through
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  project?.remove();
});

/** Runs a Deno test file with `deno test --allow-net`; resolves its exit code and output. */
async function denoTest(source) {
  const file = join(project.dir, `adapter_${Math.random().toString(16).slice(2)}_test.mjs`);
  writeFileSync(file, source);
  const env = { ...process.env, DENO_DIR: join(project.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  return runProcess(DENO, ["test", "--no-check", "--no-prompt", "--allow-net", file], { cwd: project.dir, env, allowFailure: true });
}

// The Deno side: Deno.test cases with node:assert, against the servers started here.
const denoSuite = ({ good, rogue, open, pins, leafPin, rogueLeafPin, ca }) => `
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { PinPolicy, CertpinError } from "certpin";
import { pinnedAgent, pinTlsSocket } from "certpin/node";
const policy = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: ${JSON.stringify(pins)} }] });
const ca = ${JSON.stringify(ca)};
const get = (port, agent = pinnedAgent(policy)) => new Promise((resolve, reject) => {
  const req = https.request({ host: "localhost", port, ca, agent }, (res) => {
    let body = ""; res.on("data", (d) => body += d); res.on("end", () => resolve({ status: res.statusCode, body }));
  });
  req.on("error", reject);
  req.end();
});
const socketVerdict = (port) => new Promise((resolve, reject) => {
  const socket = tls.connect({ host: "127.0.0.1", servername: "localhost", port, ca, rejectUnauthorized: false });
  pinTlsSocket(socket, policy);
  socket.on("secureConnect", () => { socket.destroy(); resolve(socket.certpinVerdict); });
  socket.on("error", reject);
});

Deno.test("pinnedAgent passes the pinned server", async () => {
  assert.deepEqual(await get(${good}), { status: 200, body: "ok" });
});

Deno.test("pinTlsSocket sees the served chain through node:tls", async () => {
  const verdict = await socketVerdict(${good});
  assert.equal(verdict.status, "matched");
  assert.equal(verdict.servedPins[0], ${JSON.stringify(leafPin)});
});

Deno.test("a trusted but unpinned chain is refused with PIN_MISMATCH", async () => {
  const error = await get(${rogue}).then(() => null, (e) => e);
  assert.ok(error instanceof CertpinError, String(error));
  assert.equal(error.code, "PIN_MISMATCH");
  assert.ok(error.message.includes(${JSON.stringify(rogueLeafPin)}));
  const socketError = await socketVerdict(${rogue}).then(() => null, (e) => e);
  assert.equal(socketError?.code, "PIN_MISMATCH");
});

Deno.test("report mode lets the request through and hands over the RFC 7469 report", async () => {
  const reports = [];
  const reporting = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: ${JSON.stringify(pins)}, mode: "report", reportUri: "https://r.example/pkp" }] });
  const res = await get(${open}, pinnedAgent(reporting, { pinning: { onReport: (report, verdict) => reports.push({ report, verdict }) } }));
  assert.equal(res.status, 200);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].verdict.status, "mismatch");
  assert.equal(reports[0].report.hostname, "localhost");
});

Deno.test("a revoked pin fails even when another pin matches", async () => {
  const revoking = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: [${JSON.stringify(pins[0])}, { pin: ${JSON.stringify(leafPin)}, state: "revoked" }] }] });
  const error = await get(${good}, pinnedAgent(revoking)).then(() => null, (e) => e);
  assert.equal(error?.code, "PIN_REVOKED");
});

Deno.test("an expired policy fails open with a warning through onReport", async () => {
  const calls = [];
  const expired = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: ${JSON.stringify(pins)}, expires: "2020-01-01" }] });
  const res = await get(${open}, pinnedAgent(expired, { pinning: { onReport: (report, verdict) => calls.push(verdict.status) } }));
  assert.equal(res.status, 200);
  assert.deepEqual(calls, ["policy-expired"]);
});
`;

test("deno test: certpin/node under Deno against real TLS servers", async () => {
  const before = servers.rogue.received.bytes;
  const { code, stdout, stderr } = await denoTest(denoSuite({
    good: servers.good.port,
    rogue: servers.rogue.port,
    open: servers.open.port,
    // The intermediate and a spare key: nothing of the rogue chain (whose root Deno, like
    // Node, appends from the trusted `ca`).
    pins: [spkiPin(read("good-intermediate.pem")), backupPin],
    leafPin: spkiPin(read("good-leaf.pem")),
    rogueLeafPin: spkiPin(read("rogue-leaf.pem")),
    ca: [read("good-root.pem").toString(), read("rogue-root.pem").toString()],
  }));
  assert.equal(code, 0, `deno test failed:\n${stdout}\n${stderr}`);
  assert.match(stdout, /ok \| 6 passed \| 0 failed/);
  assert.equal(servers.rogue.received.bytes, before, "the rogue server must receive no request bytes");
});

// The adapter matrix under Deno (node:https, node:tls): every adapter × every way a name
// reaches it × the genuine server and an attacker from a second trusted CA
// (tests/fixtures/tls/make-matrix.sh). Each cell is its own Deno.test; none is skipped.
const matrixSuite = ({ genuine, attacker, pins, attackerLeafPin, ca, proxyPort }) => `
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { PinPolicy, CertpinError } from "certpin";
import { pinnedAgent, pinTlsSocket } from "certpin/node";
const policy = new PinPolicy({ version: 1, domains: ["api.example.com", "localhost", "127.0.0.1"].map((host) => ({ host, pins: ${JSON.stringify(pins)} })) });
const ca = ${JSON.stringify(ca)};
const ports = { genuine: ${genuine}, attacker: ${attacker} };
const toLoopback = (hostname, options, callback) => {
  if (typeof options === "function") callback = options;
  if (options && options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
};
const WAYS = {
  "URL host is the name": { host: "localhost", pinned: "localhost" },
  "host is an IP, with servername": { host: "127.0.0.1", servername: "api.example.com", pinned: "api.example.com" },
  "custom lookup": { host: "api.example.com", lookup: toLoopback, pinned: "api.example.com" },
  "trailing dot": { host: "localhost.", lookup: toLoopback, pinned: "localhost" },
  "upper case": { host: "LOCALHOST", pinned: "localhost" },
  "IP 127.0.0.1": { host: "127.0.0.1", pinned: "127.0.0.1" },
  "IP 127.1": { host: "127.1", lookup: toLoopback, pinned: "127.0.0.1" },
  "IP 2130706433": { host: "2130706433", lookup: toLoopback, pinned: "127.0.0.1" },
  "IP 0x7f.0.0.1": { host: "0x7f.0.0.1", lookup: toLoopback, pinned: "127.0.0.1" },
  "IP 0177.0.0.1": { host: "0177.0.0.1", lookup: toLoopback, pinned: "127.0.0.1" },
  "IP ::ffff:127.0.0.1": { host: "::ffff:127.0.0.1", pinned: "127.0.0.1" },
};
const exchange = (socket) => new Promise((resolve, reject) => {
  pinTlsSocket(socket, policy);
  socket.on("secureConnect", () => socket.write("GET / HTTP/1.1\\r\\nhost: x\\r\\n\\r\\n"));
  let body = "";
  socket.on("data", (d) => (body += d));
  socket.on("end", () => (body.endsWith("ok") ? resolve(socket.certpinVerdict) : reject(new Error("no answer: " + body))));
  socket.on("error", reject);
});
const ADAPTERS = {
  "pinnedAgent with https.request": (way, port) => new Promise((resolve, reject) => {
    const agent = pinnedAgent(policy);
    const req = https.request({ host: way.host, servername: way.servername, lookup: way.lookup, port, ca, agent }, (res) => {
      res.resume();
      res.on("end", () => { const v = res.socket.certpinVerdict; agent.destroy(); resolve(v); });
    });
    req.on("error", (e) => { agent.destroy(); reject(e); });
    req.end();
  }),
  "pinTlsSocket over tls.connect": (way, port) => exchange(tls.connect({ host: way.host, servername: way.servername, lookup: way.lookup, port, ca })),
  "pinTlsSocket over tls.connect({ socket })": (way, port) => exchange(tls.connect({ socket: net.connect({ host: way.host, lookup: way.lookup, port }), host: way.host, servername: way.servername, ca })),
  // Through the CONNECT proxy the Node side runs: the tunnel's own host is the proxy's,
  // so the origin's name is given (Deno refuses an IP literal as servername: host it is).
  "pinTlsSocket through a CONNECT proxy": async (way, port) => {
    const tunnel = await new Promise((resolve, reject) => {
      const target = (way.host.includes(":") ? "[" + way.host + "]" : way.host) + ":" + port;
      const req = http.request({ host: "127.0.0.1", port: ${proxyPort}, method: "CONNECT", path: target, agent: false });
      req.on("connect", (res, socket) => (res.statusCode === 200 ? resolve(socket) : reject(new Error("proxy said " + res.statusCode))));
      req.on("error", reject);
      req.end();
    });
    return exchange(tls.connect({ socket: tunnel, host: way.host, servername: way.servername, ca }));
  },
};
for (const [adapterName, run] of Object.entries(ADAPTERS)) {
  for (const [wayName, way] of Object.entries(WAYS)) {
    Deno.test(adapterName + " × " + wayName + ": the genuine server passes", async () => {
      const verdict = await run(way, ports.genuine);
      assert.equal(verdict.status, "matched");
      assert.equal(verdict.domain, way.pinned);
    });
    Deno.test(adapterName + " × " + wayName + ": the attacker is refused", async () => {
      const error = await run(way, ports.attacker).then(() => null, (e) => e);
      assert.ok(error instanceof CertpinError, String(error));
      assert.equal(error.code, "PIN_MISMATCH");
      assert.equal(error.verdict.domain, way.pinned);
      assert.equal(error.verdict.servedPins[0], ${JSON.stringify(attackerLeafPin)});
    });
  }
}
`;

test("deno test: the adapter matrix under Deno", async () => {
  // A CONNECT proxy that tunnels every target to 127.0.0.1 (its port kept).
  const net = await import("node:net");
  const http = await import("node:http");
  const proxySockets = new Set();
  const proxyServer = http.createServer((req, res) => res.writeHead(405).end());
  const proxy = { tunnels: 0 };
  proxyServer.on("connect", (req, client, head) => {
    proxy.tunnels += 1;
    const upstream = net.connect(Number(req.url.slice(req.url.lastIndexOf(":") + 1)), "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      proxySockets.add(s);
      s.on("error", () => {});
      s.on("close", () => { client.destroy(); upstream.destroy(); });
    }
  });
  await new Promise((r) => proxyServer.listen(0, "127.0.0.1", r));
  proxy.port = proxyServer.address().port;
  proxy.close = () => new Promise((r) => { proxyServer.close(r); for (const s of proxySockets) s.destroy(); });
  const identity = (leaf, chain) => ({ key: read(`${leaf}.key`), cert: Buffer.concat(chain.map(read)) });
  const matrix = {};
  for (const [name, id] of [["genuine", identity("matrix-genuine", ["matrix-genuine.pem", "good-intermediate.pem"])], ["attacker", identity("matrix-attacker", ["matrix-attacker.pem"])]]) {
    const received = { bytes: 0 };
    const sockets = new Set();
    const server = tls.createServer(id, (socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("data", (d) => {
        received.bytes += d.length;
        socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
      });
    });
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    matrix[name] = { port: server.address().port, received, close: () => new Promise((r) => { server.close(r); for (const s of sockets) s.destroy(); }) };
  }
  try {
    const { code, stdout, stderr } = await denoTest(matrixSuite({
      genuine: matrix.genuine.port,
      attacker: matrix.attacker.port,
      pins: [spkiPin(read("good-intermediate.pem")), backupPin],
      attackerLeafPin: spkiPin(read("matrix-attacker.pem")),
      ca: [read("good-root.pem").toString(), read("rogue-root.pem").toString()],
      proxyPort: proxy.port,
    }));
    assert.equal(code, 0, `deno test failed:\n${stdout}\n${stderr}`);
    // 4 adapters × 11 ways × 2 servers, every cell run.
    assert.match(stdout, /ok \| 88 passed \| 0 failed/);
    assert.equal(proxy.tunnels, 22, "every proxy cell went through the proxy");
    assert.equal(matrix.attacker.received.bytes, 0, "the attacker's server must receive no request bytes");
  } finally {
    await Promise.all([...Object.values(matrix), proxy].map((s) => s.close()));
  }
});
