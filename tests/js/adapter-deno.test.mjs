// certpin/node in Deno (the npm package `deno`), against real TLS servers on 127.0.0.1
// that this Node test starts and stops. Deno runs with --allow-net only: the adapter's
// Deno entry loads the wasm without --allow-read. Expected pins come from node:crypto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, NODE_MODULES_BIN, installPackedPackage, runProcess } from "./helpers.mjs";

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
