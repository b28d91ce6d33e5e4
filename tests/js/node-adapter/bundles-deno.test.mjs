// policyUpdater under Deno, through certpin/node's Deno entry (node:https,
// node:fs): it fetches a signed bundle from an HTTPS server this Node test runs on
// 127.0.0.1, persists state, refuses a replayed old version, and a pinned agent uses the
// new pins for its next connection.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, NODE_MODULES_BIN, installPackedPackage, runProcess } from "../support/helpers.mjs";
import { makeBundle, makeRoot, newKey } from "../support/bundle-helpers.mjs";

const DENO = join(NODE_MODULES_BIN, "deno");
const read = (name) => readFileSync(join(FIXTURES, "tls", name));
const spkiPin = (pem) => `sha256/${createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64")}`;
const key = newKey("p256");
const root = makeRoot([key]);
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const bundleOf = (version, pins) => JSON.stringify(makeBundle([key], { version, issuedAt: iso(Date.now() - 60_000), expires: iso(Date.now() + 86_400_000), policy: { version: 1, domains: [{ host: "localhost", pins }] } }));
const identity = { key: read("good-leaf.key"), cert: Buffer.concat([read("good-leaf.pem"), read("good-intermediate.pem")]) };

let project;
let bundleServer;
let apiServer;
let answer = "";
before(async () => {
  project = await installPackedPackage("deno-updater");
  bundleServer = https.createServer(identity, (req, res) => res.end(answer));
  apiServer = https.createServer(identity, (req, res) => res.end("ok"));
  await Promise.all([bundleServer, apiServer].map((s) => new Promise((r) => s.listen(0, "127.0.0.1", r))));
});
after(async () => {
  for (const s of [bundleServer, apiServer]) {
    s?.closeAllConnections?.();
    await new Promise((r) => (s ? s.close(r) : r()));
  }
  project?.remove();
});

test("deno: policyUpdater updates, persists, refuses a replay, and a pinned agent switches pins", async () => {
  const ca = read("good-root.pem").toString();
  const v1 = bundleOf(1, [spkiPin(read("rogue-leaf.pem"))]);
  answer = bundleOf(2, [spkiPin(read("good-intermediate.pem"))]);
  const source = `
import assert from "node:assert/strict";
import https from "node:https";
import { policyUpdater, pinnedAgent } from "certpin/node";
const ca = ${JSON.stringify(ca)};
const updater = policyUpdater({ url: "https://127.0.0.1:${bundleServer.address().port}/", root: ${JSON.stringify(JSON.stringify(root))}, ca,
  statePath: "state.json", fallback: ${JSON.stringify(v1)}, onExpired: "fail-closed", intervalMs: 0 });
const agent = pinnedAgent(updater, { ca });
const get = () => new Promise((resolve) => {
  const req = https.get({ host: "localhost", port: ${apiServer.address().port}, agent, ca }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); });
  req.on("error", (e) => resolve(e.code));
});
Deno.test("updater", async () => {
  assert.equal(updater.version, 1);
  assert.equal(await get(), "PIN_MISMATCH");
  const outcome = await updater.refresh();
  assert.equal(outcome.status, "updated", String(outcome.error));
  assert.equal(updater.version, 2);
  assert.equal(JSON.parse(Deno.readTextFileSync("state.json")).highestVersion, 2);
  assert.equal(await get(), 200);
  agent.destroy();
});
`;
  const file = join(project.dir, "updater_test.mjs");
  writeFileSync(file, source);
  const env = { ...process.env, DENO_DIR: join(project.dir, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const run = () => runProcess(DENO, ["test", "--no-check", "--no-prompt", "--allow-net", `--allow-read=${project.dir}`, `--allow-write=${project.dir}`, file], { cwd: project.dir, env, allowFailure: true });
  let { code, stdout, stderr } = await run();
  assert.equal(code, 0, `deno test failed:\n${stdout}\n${stderr}`);
  assert.match(stdout, /ok \| 1 passed \| 0 failed/);
  // A replay of version 1 after a restart: the state (version 2) wins and 1 is refused.
  answer = v1;
  writeFileSync(file, source
    .replace('assert.equal(updater.version, 1);\n  assert.equal(await get(), "PIN_MISMATCH");', "assert.equal(updater.version, 2);")
    .replace('assert.equal(outcome.status, "updated", String(outcome.error));', 'assert.equal(outcome.error?.code, "BUNDLE_ROLLBACK");'));
  ({ code, stdout, stderr } = await run());
  assert.equal(code, 0, `deno test (restart) failed:\n${stdout}\n${stderr}`);
});
