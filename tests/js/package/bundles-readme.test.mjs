// The README's signed-bundle walkthrough, run as written: the shell block with
// the package's `certpin` bin in a fresh directory, then the Node service block against
// a bundle server and a pinned API server on 127.0.0.1. The only changes:
// pins.example.com and api.example.com become the local servers, pins.json is written
// with the API server's pins, and the test root is trusted via NODE_EXTRA_CA_CERTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { X509Certificate, createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { FIXTURES, ROOT, runProcess } from "../support/helpers.mjs";

const read = (name) => readFileSync(join(FIXTURES, "tls", name));
const spkiPin = (pem) => `sha256/${createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64")}`;
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const block = (kind, lang) => {
  const m = new RegExp(`<!-- bundle-walkthrough \\(${kind}\\) -->\\n\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(README);
  assert.ok(m, `README walkthrough block (${kind}) is missing`);
  return m[1];
};
const require = createRequire(import.meta.url);
const pkgJsonPath = require.resolve("certpin/package.json");
const BIN = join(dirname(pkgJsonPath), JSON.parse(readFileSync(pkgJsonPath, "utf8")).bin.certpin);
const WORK = join(ROOT, "tests", "js", ".tmp", "bundle-walkthrough");
const identity = { key: read("good-leaf.key"), cert: Buffer.concat([read("good-leaf.pem"), read("good-intermediate.pem")]) };

let bundleServer;
let apiServer;
let served = 0;
before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  bundleServer = https.createServer(identity, (req, res) => {
    served++;
    res.end(readFileSync(join(WORK, "served.json")));
  });
  apiServer = https.createServer(identity, (req, res) => res.end("ok"));
  await Promise.all([bundleServer, apiServer].map((s) => new Promise((r) => s.listen(0, "127.0.0.1", r))));
});
after(async () => {
  for (const s of [bundleServer, apiServer]) {
    s.closeAllConnections?.();
    await new Promise((r) => s.close(r));
  }
  rmSync(WORK, { recursive: true, force: true });
});

test("README walkthrough: create a root, sign a policy, serve it, a Node service pins with it", async () => {
  writeFileSync(join(WORK, "pins.json"), JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [spkiPin(read("good-intermediate.pem")), spkiPin(read("rogue-leaf.pem"))] }] }));
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(FIXTURES, "tls", "good-root.pem"), NO_COLOR: "1" };
  for (const line of block("sh", "sh").split("\n").filter((l) => l.trim() && !l.startsWith("#"))) {
    const args = line.trim().split(/\s+/);
    assert.equal(args[0], "certpin");
    await runProcess(process.execPath, [BIN, ...args.slice(1)], { cwd: WORK, env });
  }
  const code = block("node", "js")
    .replaceAll("https://pins.example.com", `https://localhost:${bundleServer.address().port}`)
    .replaceAll("https://api.example.com", `https://localhost:${apiServer.address().port}`);
  writeFileSync(join(WORK, "service.mjs"), code);
  // The README's bundle.json (version 1) is the shipped fallback; version 2 is served and
  // the service picks it up.
  assert.equal(JSON.parse(readFileSync(join(WORK, "bundle.json"), "utf8")).signed.version, 1);
  await runProcess(process.execPath, [BIN, "sign", "pins.json", "--key", "signer-1.key", "--version", "2", "--expires", "30d", "--out", "served.json"], { cwd: WORK, env });
  const { stdout } = await runProcess(process.execPath, ["service.mjs"], { cwd: WORK, env });
  assert.match(stdout, /^200 with bundle version 2$/m, stdout);
  assert.ok(served >= 1);
  assert.equal(JSON.parse(readFileSync(join(WORK, "certpin-state.json"), "utf8")).highestVersion, 2);
  // Pins that do not match the API server: the next run refuses the connection.
  writeFileSync(join(WORK, "pins.json"), JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [spkiPin(read("rogue-leaf.pem")), spkiPin(read("rogue-root.pem"))] }] }));
  await runProcess(process.execPath, [BIN, "sign", "pins.json", "--key", "signer-1.key", "--version", "3", "--expires", "30d", "--out", "served.json"], { cwd: WORK, env });
  const refused = await runProcess(process.execPath, ["service.mjs"], { cwd: WORK, env, allowFailure: true });
  assert.doesNotMatch(refused.stdout, /200 with bundle/);
  assert.match(refused.stderr, /PIN_MISMATCH/);
});
