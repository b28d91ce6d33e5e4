// The certpin command, run as a user runs it: the package's `bin`, in a child process.
// Live commands talk to TLS servers on 127.0.0.1 started and stopped here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import net from "node:net";
import tls from "node:tls";
import { FIXTURES, installPackedPackage, runProcess } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const pkgJsonPath = require.resolve("certpin/package.json");
const pkgJson = JSON.parse(readFileSync(pkgJsonPath, "utf8"));
const BIN = join(dirname(pkgJsonPath), pkgJson.bin.certpin);

const fx = (name) => join(FIXTURES, name);
const tlsFx = (name) => join(FIXTURES, "tls", name);
const tmp = mkdtempSync(join(tmpdir(), "certpin-cli-"));

function cli(args, { input, env } = {}) {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

/** openssl's pin of a certificate file: the oracle for every expected pin here. */
function opensslPin(certFile) {
  return new Promise((resolve, reject) => {
    execFile("sh", ["-c", `openssl x509 -in '${certFile}' -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64`], (error, stdout) =>
      error ? reject(error) : resolve(`sha256/${stdout.trim()}`));
  });
}

let server;
let silent;
let refusedPort;
const silentSockets = new Set();
before(async () => {
  server = tls.createServer({
    key: readFileSync(tlsFx("good-leaf.key")),
    cert: Buffer.concat([readFileSync(tlsFx("good-leaf.pem")), readFileSync(tlsFx("good-intermediate.pem"))]),
  }, (socket) => { socket.on("error", () => {}); socket.end(); });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  silent = net.createServer((socket) => { silentSockets.add(socket); socket.on("error", () => {}); }); // accepts, never answers
  await new Promise((r) => silent.listen(0, "127.0.0.1", r));
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, "127.0.0.1", r));
  refusedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
});
after(async () => {
  for (const s of silentSockets) s.destroy();
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => silent.close(r))]);
  rmSync(tmp, { recursive: true, force: true });
});

test("--version and --help", async () => {
  const v = await cli(["--version"]);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), pkgJson.version);
  for (const command of ["pins", "inspect", "probe", "check", "lint", "convert"]) {
    const h = await cli([command, "--help"]);
    assert.equal(h.code, 0, command);
    assert.match(h.stdout, /Usage: certpin/);
    assert.match(h.stdout, /Examples:/);
  }
});

test("pins: every certificate of a chain, in every format, from a file and from stdin", async () => {
  const expected = await Promise.all(["rsa2048-leaf.pem", "rsa-intermediate.pem", "rsa-root.pem"].map((f) => opensslPin(fx(f))));
  const fromFile = await cli(["pins", fx("rsa-chain.pem")]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.deepEqual(fromFile.stdout.trim().split("\n"), expected);
  const fromStdin = await cli(["pins", "-"], { input: readFileSync(fx("rsa-chain.pem")) });
  assert.deepEqual(fromStdin.stdout.trim().split("\n"), expected);
  const der = await cli(["pins", fx("rsa2048-leaf.der"), "--format", "hpkp"]);
  assert.equal(der.stdout.trim(), `pin-sha256="${expected[0].slice(7)}"`);
  const json = await cli(["pins", fx("rsa-chain.pem"), "--json"]);
  assert.deepEqual(JSON.parse(json.stdout), expected);
  const sha512 = await cli(["pins", fx("rsa2048-leaf.pem"), "--algorithm", "sha512"]);
  assert.match(sha512.stdout.trim(), /^sha512\/[A-Za-z0-9+/]{86}==$/);
});

test("inspect: readable certificates and findings; --json gives the objects", async () => {
  const r = await cli(["inspect", fx("ec-chain.pem"), "--now", "2027-01-01T00:00:00Z"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /CN=ec\.example\.com/);
  assert.match(r.stdout, /days left/);
  assert.ok(r.stdout.includes(await opensslPin(fx("ec-p256-leaf.pem"))));
  const j = await cli(["inspect", fx("ec-chain.pem"), "--json", "--now", "2027-01-01T00:00:00Z"]);
  const parsed = JSON.parse(j.stdout);
  assert.equal(parsed.certificates.length, 3);
  assert.ok(Array.isArray(parsed.findings));
});

test("probe prints the pins openssl computes for the server, and a policy snippet", async () => {
  const r = await cli(["probe", `127.0.0.1:${server.address().port}`, "--servername", "localhost"]);
  assert.equal(r.code, 0, r.stderr);
  for (const f of ["good-leaf.pem", "good-intermediate.pem"]) assert.ok(r.stdout.includes(await opensslPin(tlsFx(f))), f);
  assert.match(r.stdout, /not trusted/); // the test root is not in Node's store: observed anyway
  assert.match(r.stdout, /backup/i);
  const j = JSON.parse((await cli(["probe", `127.0.0.1:${server.address().port}`, "--json"])).stdout);
  assert.equal(j.trusted, false);
  assert.equal(j.certificates[0].spkiSha256, await opensslPin(tlsFx("good-leaf.pem")));
  assert.equal(j.policy.domains[0].pins.length, 3);
});

test("probe: a silent port times out, a refused port fails, both with exit 2 and one line", async () => {
  const timeout = await cli(["probe", `127.0.0.1:${silent.address().port}`, "--timeout", "1"]);
  assert.equal(timeout.code, 2);
  assert.match(timeout.stderr, /^certpin: TIMEOUT: .*\n$/);
  const refused = await cli(["probe", `127.0.0.1:${refusedPort}`]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^certpin: CONNECT_FAILED: .*ECONNREFUSED.*\n$/);
});

test("check: exit 0 on a match, 1 on a mismatch, from a file and from a live host", async () => {
  const good = join(tmp, "good.json");
  const bad = join(tmp, "bad.json");
  writeFileSync(good, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [await opensslPin(tlsFx("good-intermediate.pem")), await opensslPin(tlsFx("rogue-root.pem"))] }] }));
  writeFileSync(bad, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [await opensslPin(tlsFx("rogue-root.pem")), await opensslPin(tlsFx("rogue-leaf.pem"))] }] }));
  const chainFile = join(tmp, "chain.pem");
  writeFileSync(chainFile, readFileSync(tlsFx("good-chain.pem")));
  const ok = await cli(["check", "--policy", good, "--host", "localhost", chainFile]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /OK: matched/);
  const fail = await cli(["check", "--policy", bad, "--host", "localhost", chainFile]);
  assert.equal(fail.code, 1);
  assert.match(fail.stdout, /FAILED: mismatch/);
  assert.ok(fail.stdout.includes(await opensslPin(tlsFx("good-leaf.pem"))), "the message lists the served pins");
  const live = await cli(["check", "--policy", good, "--host", "localhost", `127.0.0.1:${server.address().port}`, "--json"]);
  assert.equal(live.code, 0, live.stderr);
  assert.equal(JSON.parse(live.stdout).status, "matched");
  const liveBad = await cli(["check", "--policy", bad, "--host", "localhost", `127.0.0.1:${server.address().port}`]);
  assert.equal(liveBad.code, 1);
});

test("lint and convert", async () => {
  const single = join(tmp, "single.json");
  writeFileSync(single, JSON.stringify({ version: 1, domains: [{ host: "example.com", pins: [await opensslPin(fx("rsa-intermediate.pem"))] }] }));
  const lint = await cli(["lint", single, "--json"]);
  const findings = JSON.parse(lint.stdout);
  assert.ok(findings.length > 0, "a single pin has no backup");
  const curl = await cli(["convert", single, "--to", "curl"]);
  assert.equal(curl.code, 0, curl.stderr);
  assert.equal(curl.stdout.trim(), `sha256//${(await opensslPin(fx("rsa-intermediate.pem"))).slice(7)}`);
  const header = join(tmp, "header.txt");
  const [a, b] = [await opensslPin(fx("rsa-intermediate.pem")), await opensslPin(fx("ec-intermediate.pem"))];
  writeFileSync(header, `Public-Key-Pins: pin-sha256="${a.slice(7)}"; pin-sha256="${b.slice(7)}"; max-age=600`);
  const back = await cli(["convert", header, "--from", "hpkp", "--host", "example.com", "--to", "json"]);
  assert.equal(back.code, 0, back.stderr);
  assert.deepEqual(JSON.parse(back.stdout).domains[0].pins.map((p) => (typeof p === "string" ? p : p.pin)), [a, b]);
});

test("bad input: exit 2 and one line naming the code", async () => {
  const cases = [
    [["pins", join(tmp, "missing.pem")], /USAGE: cannot read/],
    [["pins", "-"], /INPUT_EMPTY/],
    [["pins", fx("rsa2048-leaf.key")], /UNSUPPORTED_INPUT/],
    [["pins", fx("rsa-chain.pem"), "--format", "xml"], /USAGE: unknown --format/],
    [["pins", fx("rsa-chain.pem"), "--algorithm", "md5"], /INVALID_ARGUMENT/],
    [["frobnicate"], /USAGE: unknown command/],
    [["pins", "--bogus"], /USAGE/],
    [["check", fx("rsa-chain.pem")], /USAGE: --policy/],
    [["lint", fx("rsa-chain.pem")], /POLICY_INVALID/],
    [["convert", fx("rsa-chain.pem")], /USAGE: --to/],
    [["probe", "bad host:x"], /USAGE/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(args, { input: "" });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line for ${args.join(" ")}`);
  }
});

test("probe: a chain Node trusts is reported as trusted", async () => {
  const r = await cli(["probe", `127.0.0.1:${server.address().port}`, "--servername", "localhost", "--json"], { env: { NODE_EXTRA_CA_CERTS: tlsFx("good-root.pem") } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).trusted, true);
});

test("npx certpin probe 127.0.0.1:PORT, in a project that installed the package, prints openssl's pins", async () => {
  const project = await installPackedPackage("cli-npx");
  try {
    const env = { ...process.env, NO_COLOR: "1", npm_config_offline: "true", npm_config_update_notifier: "false" };
    const { stdout } = await runProcess("npx", ["--no-install", "certpin", "probe", `127.0.0.1:${server.address().port}`], { cwd: project.dir, env });
    for (const f of ["good-leaf.pem", "good-intermediate.pem"]) assert.ok(stdout.includes(await opensslPin(tlsFx(f))), f);
  } finally {
    project.remove();
  }
});
