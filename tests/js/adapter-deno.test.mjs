// certpin/node in Deno (the npm package `deno`), against real TLS servers on 127.0.0.1
// that this Node test starts and stops. Deno runs with --allow-net only: the adapter's
// Deno entry loads the wasm without --allow-read. Expected pins come from node:crypto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, NODE_MODULES_BIN, installPackedPackage, runProcess } from "./helpers.mjs";

const DENO = join(NODE_MODULES_BIN, "deno");
const read = (name) => readFileSync(join(FIXTURES, "tls", name));
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
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  project?.remove();
});

async function runDeno(source) {
  const file = join(project.dir, `adapter-${Math.random().toString(16).slice(2)}.mjs`);
  writeFileSync(file, source);
  const env = { ...process.env, DENO_DIR: join(project.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const { stdout } = await runProcess(DENO, ["run", "--no-prompt", "--allow-net", file], { cwd: project.dir, env });
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

const script = ({ port, pins, ca }) => `
import https from "node:https";
import tls from "node:tls";
import { PinPolicy } from "certpin";
import { pinnedAgent, pinTlsSocket } from "certpin/node";
const policy = new PinPolicy({ version: 1, domains: [{ host: "localhost", pins: ${JSON.stringify(pins)} }] });
const ca = ${JSON.stringify(ca)};
const viaAgent = await new Promise((resolve) => {
  const req = https.request({ host: "localhost", port: ${port}, ca, agent: pinnedAgent(policy) }, (res) => {
    let body = ""; res.on("data", (d) => body += d); res.on("end", () => resolve({ ok: true, status: res.statusCode, body }));
  });
  req.on("error", (e) => resolve({ ok: false, name: e.name, code: e.code, status: e.verdict?.status, message: e.message }));
  req.end();
});
const viaSocket = await new Promise((resolve) => {
  const socket = tls.connect({ host: "127.0.0.1", servername: "localhost", port: ${port}, ca, rejectUnauthorized: false });
  pinTlsSocket(socket, policy);
  socket.on("secureConnect", () => { const v = socket.certpinVerdict; socket.destroy(); resolve({ ok: true, status: v.status, servedPins: v.servedPins }); });
  socket.on("error", (e) => resolve({ ok: false, code: e.code, status: e.verdict?.status }));
});
console.log(JSON.stringify({ viaAgent, viaSocket }));
`;

test("deno: certpin/node pins a matching server and lets the request through", async () => {
  const pins = [spkiPin(read("good-intermediate.pem")), spkiPin(read("rogue-root.pem"))];
  const result = await runDeno(script({ port: servers.good.port, pins, ca: [read("good-root.pem").toString()] }));
  assert.deepEqual(result.viaAgent, { ok: true, status: 200, body: "ok" });
  assert.equal(result.viaSocket.ok, true);
  assert.equal(result.viaSocket.status, "matched");
  assert.equal(result.viaSocket.servedPins[0], spkiPin(read("good-leaf.pem")));
});

test("deno: certpin/node refuses a trusted but unpinned chain before any request byte", async () => {
  const pins = [spkiPin(read("good-intermediate.pem")), spkiPin(read("good-root.pem"))];
  const before = servers.rogue.received.bytes;
  const result = await runDeno(script({ port: servers.rogue.port, pins, ca: [read("rogue-root.pem").toString()] }));
  assert.equal(result.viaAgent.ok, false);
  assert.equal(result.viaAgent.name, "CertpinError");
  assert.equal(result.viaAgent.code, "PIN_MISMATCH");
  assert.ok(result.viaAgent.message.includes(spkiPin(read("rogue-leaf.pem"))));
  assert.deepEqual(result.viaSocket, { ok: false, code: "PIN_MISMATCH", status: "mismatch" });
  assert.equal(servers.rogue.received.bytes, before, "the server must receive no request bytes");
});
