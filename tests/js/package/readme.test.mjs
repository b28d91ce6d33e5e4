// The examples of both READMEs run as written: the repository's README.md and the npm
// package's (pkg/README.md, what npm shows). Each fenced block preceded by a line
// `<!-- example: NAME (node|deno) -->` is saved to a file and run twice against real TLS
// servers on 127.0.0.1: the pinned server (it must print 200 or "matched"), and an
// attacker with a certificate for the same name from a second CA the client also trusts
// (the example must handle the refusal: exit 0 without a crash and print PIN_MISMATCH
// or "mismatch"; an example tagged `(node, report-mode)` lets the attacker through by
// design and must then only exit 0 and print PIN_MISMATCH or "mismatch"). The only changes: `api.example.com` (the examples' host) becomes the
// local server, `pins.json` is written with the pinned server's pins, `chain.pem` is the
// chain that server (or the attacker) serves, and both roots are trusted through
// NODE_EXTRA_CA_CERTS (Node) / DENO_CERT (Deno).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import tls from "node:tls";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, NODE_MODULES_BIN, PKG_DIR, ROOT, runProcess } from "../support/helpers.mjs";

const tlsFixture = (name) => join(FIXTURES, "tls", name);
const spkiPin = (pem) => "sha256/" + createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64");
const READMES = { "README.md": join(ROOT, "README.md"), "npm README": join(PKG_DIR, "README.md") };
const EXAMPLES = Object.entries(READMES).flatMap(([readme, path]) =>
  [...readFileSync(path, "utf8").matchAll(/<!-- example: ([\w-]+) \((node|deno)(, report-mode)?\) -->\n```(?:js|javascript)\n([\s\S]*?)```/g)].map(
    ([, name, host, reportMode, code]) => ({ readme, name, host, reportMode: reportMode !== undefined, code }),
  ),
);
// Inside tests/js, so that "certpin" resolves to the built package like in every test.
const WORK = join(ROOT, "tests", "js", ".tmp", "readme");

const SERVED = {
  genuine: { key: "good-leaf.key", chain: ["good-leaf.pem", "good-intermediate.pem"] },
  attacker: { key: "rogue-leaf.key", chain: ["rogue-leaf.pem"] },
};
const servers = {};
const ports = {};
before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  for (const [name, { key, chain }] of Object.entries(SERVED)) {
    const cert = Buffer.concat(chain.map((file) => readFileSync(tlsFixture(file))));
    writeFileSync(join(WORK, `chain-${name}.pem`), cert);
    servers[name] = tls.createServer({ key: readFileSync(tlsFixture(key)), cert }, (socket) => {
      socket.on("error", () => {});
      socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"));
    });
    await new Promise((r) => servers[name].listen(0, "127.0.0.1", r));
    ports[name] = servers[name].address().port;
  }
  writeFileSync(join(WORK, "roots.pem"), Buffer.concat([readFileSync(tlsFixture("good-root.pem")), readFileSync(tlsFixture("rogue-root.pem"))]));
  const backup = "sha256/" + createHash("sha256").update(createPublicKey(readFileSync(tlsFixture("backup.pub.pem"))).export({ type: "spki", format: "der" })).digest("base64");
  writeFileSync(join(WORK, "pins.json"), JSON.stringify({
    version: 1,
    domains: [{ host: "localhost", pins: [spkiPin(readFileSync(tlsFixture("good-intermediate.pem"))), backup] }],
  }));
});
after(async () => {
  for (const server of Object.values(servers)) await new Promise((r) => server.close(r));
  rmSync(WORK, { recursive: true, force: true });
});

function localise(code, server) {
  return code
    .replaceAll("https://api.example.com", `https://localhost:${ports[server]}`)
    .replaceAll("port: 443", `port: ${ports[server]}`)
    .replaceAll("api.example.com", "localhost")
    .replaceAll('"chain.pem"', `"chain-${server}.pem"`);
}

test("the README has runnable examples for https, fetch, tls.connect and Deno", () => {
  const names = EXAMPLES.filter((e) => e.readme === "README.md").map((e) => e.name);
  for (const wanted of ["https-get", "fetch", "tls-connect", "deno-https"]) assert.ok(names.includes(wanted), `README example ${wanted} is missing`);
});

test("the npm README has runnable examples for fetch, https, tls.connect and a policy check", () => {
  const names = EXAMPLES.filter((e) => e.readme === "npm README").map((e) => e.name);
  for (const wanted of ["npm-fetch", "npm-https-get", "npm-tls-connect", "npm-policy-check"]) assert.ok(names.includes(wanted), `npm README example ${wanted} is missing`);
});

async function runExample(example, server) {
  const file = join(WORK, `${example.name}-${server}.mjs`);
  writeFileSync(file, localise(example.code, server));
  const roots = join(WORK, "roots.pem");
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: roots, DENO_CERT: roots, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", DENO_DIR: join(WORK, ".deno") };
  const [command, args] = example.host === "deno"
    ? [join(NODE_MODULES_BIN, "deno"), ["run", "--no-prompt", "--allow-net", "--allow-read=pins.json", "--allow-sys", "--allow-env=NODE_USE_SYSTEM_CA", file]]
    : [process.execPath, [file]];
  return runProcess(command, args, { cwd: WORK, env, allowFailure: true });
}

for (const example of EXAMPLES) {
  test(`${example.readme} example ${example.name} (${example.host}) runs against a pinned local server`, async () => {
    const { code, stdout, stderr } = await runExample(example, "genuine");
    assert.equal(code, 0, `${example.name} failed:\n${stdout}\n${stderr}`);
    // Every example prints what it got: an HTTP 200 or the verdict's status.
    assert.match(stdout, /\b(200|matched)\b/, `${example.name} printed: ${stdout}`);
  });

  test(`${example.readme} example ${example.name} (${example.host}) handles the refusal of an attacker's trusted certificate`, async () => {
    const { code, stdout, stderr } = await runExample(example, "attacker");
    assert.equal(code, 0, `${example.name} crashed on the refusal (exit ${code}):\n${stdout}\n${stderr}`);
    if (!example.reportMode) assert.doesNotMatch(stdout, /\b(200|matched)\b/, `${example.name} accepted the attacker: ${stdout}`);
    assert.match(`${stdout}\n${stderr}`, /\bPIN_MISMATCH\b|\bmismatch\b/, `${example.name} did not say why:\n${stdout}\n${stderr}`);
  });
}
