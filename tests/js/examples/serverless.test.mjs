// examples/serverless-function as its user builds and runs it: the example copied into a
// fresh project that installed the packed certpin tarball and undici (offline), its
// pins.json written with the test server's pins (computed with node:crypto), bundled by
// the example's own `npm run build` command (esbuild) into one file, and that file's
// `handler` invoked in a fresh Node process from a directory holding only the bundle.
// Two HTTPS servers on 127.0.0.1: the genuine one (good-root -> good-intermediate ->
// good-leaf) and an attacker with a valid certificate for the same name from a second CA
// (rogue-root) that the client trusts too (NODE_EXTRA_CA_CERTS holds both roots).
import assert from "node:assert/strict";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import https from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FIXTURES, NODE_MODULES_BIN, ROOT, installPackedPackage, runProcess, tempDir } from "../support/helpers.mjs";

const EXAMPLE = join(ROOT, "examples", "serverless-function");
const tls = (name) => readFileSync(join(FIXTURES, "tls", name));
const spkiPin = (key) => `sha256/${createHash("sha256").update(key.export({ type: "spki", format: "der" })).digest("base64")}`;

let project;
let run;
const servers = {};
const ports = {};

function serve(name, key, cert) {
  servers[name] = https.createServer({ key, cert }, (req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`hello from the ${name} server`);
  });
  return new Promise((resolve) => servers[name].listen(0, "127.0.0.1", () => resolve((ports[name] = servers[name].address().port))));
}

before(async () => {
  project = await installPackedPackage("serverless");
  const { stdout } = await runProcess("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", project.dir, join(ROOT, "node_modules", "undici")], { cwd: project.dir });
  await runProcess("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", join(project.dir, JSON.parse(stdout)[0].filename)], { cwd: project.dir });
  for (const file of ["handler.mjs", "package.json"]) copyFileSync(join(EXAMPLE, file), join(project.dir, file === "package.json" ? "example-package.json" : file));
  // The policy pins the genuine server's intermediate and a backup key (as the README advises).
  writeFileSync(
    join(project.dir, "pins.json"),
    JSON.stringify({
      version: 1,
      domains: [{ host: "localhost", pins: [spkiPin(new X509Certificate(tls("good-intermediate.pem")).publicKey), spkiPin(createPublicKey(tls("backup.pub.pem")))] }],
    }),
  );
  // The example's own build command, with esbuild from the workspace.
  const build = JSON.parse(readFileSync(join(EXAMPLE, "package.json"), "utf8")).scripts.build.split(" ");
  assert.equal(build[0], "esbuild");
  await runProcess(join(NODE_MODULES_BIN, "esbuild"), [...build.slice(1), "--log-level=warning"], { cwd: project.dir });
  assert.deepEqual(readdirSync(join(project.dir, "dist")), ["index.js"]);

  await serve("genuine", tls("good-leaf.key"), Buffer.concat([tls("good-leaf.pem"), tls("good-intermediate.pem")]));
  await serve("attacker", tls("rogue-leaf.key"), tls("rogue-leaf.pem"));

  run = tempDir("serverless-run");
  copyFileSync(join(project.dir, "dist", "index.js"), join(run.dir, "index.js"));
  writeFileSync(join(run.dir, "roots.pem"), Buffer.concat([tls("good-root.pem"), tls("rogue-root.pem")]));
  // What a Lambda runtime does: require the bundle, call its handler with an event.
  writeFileSync(
    join(run.dir, "invoke.cjs"),
    `const { handler } = require("./index.js");
handler(JSON.parse(process.argv[2])).then((result) => { console.log(JSON.stringify(result)); process.exit(0); });`,
  );
});

after(async () => {
  for (const server of Object.values(servers)) await new Promise((resolve) => server.close(resolve));
  run?.remove();
  project?.remove();
});

async function invoke(event) {
  const { stdout } = await runProcess(process.execPath, ["invoke.cjs", JSON.stringify(event)], {
    cwd: run.dir,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: join(run.dir, "roots.pem") },
  });
  const result = JSON.parse(stdout);
  return { ...result, body: JSON.parse(result.body) };
}

test("serverless: both servers are trusted by the client's TLS stack (so only the pin tells them apart)", async () => {
  for (const name of ["genuine", "attacker"]) {
    const { stdout } = await runProcess(
      process.execPath,
      ["-e", `fetch("https://localhost:${ports[name]}/").then((r) => r.text()).then(console.log)`],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(run.dir, "roots.pem") } },
    );
    assert.equal(stdout.trim(), `hello from the ${name} server`);
  }
});

test("serverless: the bundled handler reaches the genuine pinned server", async () => {
  const result = await invoke({ url: `https://localhost:${ports.genuine}/` });
  assert.equal(result.statusCode, 200, JSON.stringify(result));
  assert.deepEqual(result.body, { upstreamStatus: 200, body: "hello from the genuine server" });
});

test("serverless: the attacker (trusted CA, unpinned key) is refused and the error response names the pin failure", async () => {
  const result = await invoke({ url: `https://localhost:${ports.attacker}/` });
  assert.equal(result.statusCode, 502, JSON.stringify(result));
  assert.equal(result.body.error, "PIN_MISMATCH");
  assert.match(result.body.message, /Certificate pinning failure!/);
  assert.ok(result.body.message.includes(spkiPin(new X509Certificate(tls("rogue-leaf.pem")).publicKey)), result.body.message);
  assert.ok(!JSON.stringify(result.body).includes("hello from the attacker"));
});

test("serverless: the one-file bundle carries the policy it was built with", () => {
  const bundle = readFileSync(join(run.dir, "index.js"), "utf8");
  assert.ok(bundle.includes(spkiPin(new X509Certificate(tls("good-intermediate.pem")).publicKey)));
});
