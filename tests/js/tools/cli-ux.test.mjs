// The certpin command as curl and openssl users expect it, run as a
// user runs it: the package's `bin` in a child process, against TLS servers on
// 127.0.0.1 started and stopped here. Expected pins are openssl's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import tls from "node:tls";
import { FIXTURES } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const pkgJsonPath = require.resolve("certpin/package.json");
const BIN = join(dirname(pkgJsonPath), JSON.parse(readFileSync(pkgJsonPath, "utf8")).bin.certpin);
const fx = (name) => join(FIXTURES, name);
const tlsFx = (name) => join(FIXTURES, "tls", name);
const tmp = mkdtempSync(join(tmpdir(), "certpin-cli-ux-"));

/** Runs the CLI; `env` entries set to undefined are removed (colour tests). */
function cli(args, { input, env = {} } = {}) {
  const full = { ...process.env, NO_COLOR: "1" };
  delete full.FORCE_COLOR;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: full, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

function opensslPin(certFile) {
  const b64 = execFileSync("sh", ["-c", `openssl x509 -in '${certFile}' -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64`], { encoding: "utf8" }).trim();
  return `sha256/${b64}`;
}
const INTERMEDIATE = opensslPin(tlsFx("good-intermediate.pem"));
const LEAF = opensslPin(tlsFx("good-leaf.pem"));
const ROGUE = opensslPin(tlsFx("rogue-root.pem"));

let server;
let port;
before(async () => {
  server = tls.createServer({
    key: readFileSync(tlsFx("good-leaf.key")),
    cert: Buffer.concat([readFileSync(tlsFx("good-leaf.pem")), readFileSync(tlsFx("good-intermediate.pem"))]),
  }, (socket) => { socket.on("error", () => {}); socket.end(); });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  port = server.address().port;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

test("usage errors: one line on stderr naming the help, exit 2; no command prints the help on stderr", async () => {
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, "");
  assert.match(none.stderr, /^certpin .*\n\nUsage: certpin <command>/);
  for (const [args, pattern] of [
    [["pins", "--bogus"], /^certpin: USAGE: .*'--bogus'.* \(see 'certpin pins --help'\)\n$/],
    [["frobnicate"], /^certpin: USAGE: unknown command "frobnicate".*\n$/],
    [["check", "chain.pem"], /^certpin: USAGE: --policy FILE is required \(see 'certpin check --help'\)\n$/],
    [["probe", "http://127.0.0.1:1/"], /^certpin: USAGE: http:\/\/ is not TLS/],
    [["convert", "x", "--to", "json", "--from", "curl"], /USAGE: --from curl needs --host/],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(r.stderr, pattern, args.join(" "));
  }
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  for (const flag of ["-f, --format", "-a, --algorithm", "-H, --host", "-p, --policy", "-o, --out", "-m, --timeout", "--cacert", "-j, --json", "FORCE_COLOR", "NO_COLOR"]) {
    assert.ok(help.stdout.includes(flag), `--help documents ${flag}`);
  }
});

test("short flags: -f -a -H -p -o -j", async () => {
  const long = await cli(["pins", fx("rsa-chain.pem"), "--format", "hpkp", "--algorithm", "sha256", "--json"]);
  const short = await cli(["pins", fx("rsa-chain.pem"), "-f", "hpkp", "-a", "sha256", "-j"]);
  assert.equal(short.code, 0, short.stderr);
  assert.equal(short.stdout, long.stdout);
  assert.equal(JSON.parse(short.stdout)[0], `pin-sha256="${opensslPin(fx("rsa2048-leaf.pem")).slice(7)}"`);
  const policy = join(tmp, "p.json");
  writeFileSync(policy, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [INTERMEDIATE, ROGUE] }] }));
  const ok = await cli(["check", "-p", policy, "-H", "localhost", tlsFx("good-chain.pem")]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /OK: matched/);
  const outFile = join(tmp, "out.txt");
  const o = await cli(["convert", policy, "--to", "curl", "-o", outFile]);
  assert.equal(o.code, 0, o.stderr);
  assert.equal(o.stdout, "");
  assert.equal(readFileSync(outFile, "utf8").trim(), `sha256//${INTERMEDIATE.slice(7)};sha256//${ROGUE.slice(7)}`);
});

test("probe and check accept https:// URLs", async () => {
  const r = await cli(["probe", `https://127.0.0.1:${port}/some/path?q=1`, "--servername", "localhost", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.port, port);
  assert.equal(j.certificates[0].spkiSha256, LEAF);
  const policy = join(tmp, "url.json");
  writeFileSync(policy, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [INTERMEDIATE, ROGUE] }] }));
  const c = await cli(["check", "-p", policy, "-H", "localhost", `https://127.0.0.1:${port}/`]);
  assert.equal(c.code, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /OK: matched/);
});

test("--cacert: the chain is trusted by the CAs in the file (and says which), not by Node's store", async () => {
  const without = JSON.parse((await cli(["probe", `127.0.0.1:${port}`, "--servername", "localhost", "--json"])).stdout);
  assert.equal(without.trusted, false);
  assert.equal(without.trustStore, "Node's CA store");
  const root = tlsFx("good-root.pem");
  const withCa = await cli(["probe", `127.0.0.1:${port}`, "--servername", "localhost", "--cacert", root]);
  assert.equal(withCa.code, 0, withCa.stderr);
  assert.ok(withCa.stdout.includes(`trusted by --cacert ${root}`), withCa.stdout);
  // A CA file that did not issue the chain: not trusted, and it says by what.
  const rogue = await cli(["probe", `127.0.0.1:${port}`, "--servername", "localhost", "--cacert", tlsFx("rogue-root.pem"), "--json"]);
  const rj = JSON.parse(rogue.stdout);
  assert.equal(rj.trusted, false);
  assert.equal(rj.trustStore, `--cacert ${tlsFx("rogue-root.pem")}`);
  assert.ok(rj.trustError);
  // The name is checked too: a trusted chain for another name is not "trusted".
  const wrongName = JSON.parse((await cli(["probe", `127.0.0.1:${port}`, "--servername", "example.com", "--cacert", root, "--json"])).stdout);
  assert.equal(wrongName.trusted, false);
  const notPem = await cli(["probe", `127.0.0.1:${port}`, "--cacert", fx("rsa2048-leaf.der")]);
  assert.equal(notPem.code, 2);
  assert.match(notPem.stderr, /USAGE: --cacert .*no PEM certificate/);
});

test("check against a live host says whether the chain was trusted, and by which store", async () => {
  const policy = join(tmp, "live.json");
  writeFileSync(policy, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [INTERMEDIATE, ROGUE] }] }));
  const untrusted = await cli(["check", "-p", policy, "-H", "localhost", `127.0.0.1:${port}`]);
  assert.equal(untrusted.code, 0, "the pins match; trust is reported beside them");
  assert.match(untrusted.stdout, /Chain NOT trusted by Node's CA store: /);
  const root = tlsFx("good-root.pem");
  const trusted = await cli(["check", "-p", policy, "-H", "localhost", "--cacert", root, `127.0.0.1:${port}`]);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.ok(trusted.stdout.includes(`Chain trusted by --cacert ${root}.`), trusted.stdout);
  const j = JSON.parse((await cli(["check", "-p", policy, "-H", "localhost", "--cacert", root, `127.0.0.1:${port}`, "--json"])).stdout);
  assert.equal(j.status, "matched");
  assert.deepEqual(j.trust, { trusted: true, error: null, store: `--cacert ${root}` });
  const viaEnv = JSON.parse((await cli(["check", "-p", policy, "-H", "localhost", `127.0.0.1:${port}`, "--json"], { env: { NODE_EXTRA_CA_CERTS: root } })).stdout);
  assert.equal(viaEnv.trust.trusted, true);
  const fileWithCa = await cli(["check", "-p", policy, "-H", "localhost", "--cacert", root, tlsFx("good-chain.pem")]);
  assert.equal(fileWithCa.code, 2);
});

test("inspect exits 1 when it reports an error finding, 0 otherwise", async () => {
  const clean = await cli(["inspect", fx("ec-chain.pem"), "--now", "2027-01-01T00:00:00Z", "-j"]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.ok(!JSON.parse(clean.stdout).findings.some((f) => f.severity === "error"));
  // The same chain long after it expired: diagnose reports errors.
  const expired = await cli(["inspect", fx("ec-chain.pem"), "--now", "2099-01-01T00:00:00Z", "-j"]);
  const findings = JSON.parse(expired.stdout).findings;
  assert.ok(findings.some((f) => f.severity === "error"), JSON.stringify(findings));
  assert.equal(expired.code, 1);
  const text = await cli(["inspect", fx("ec-chain.pem"), "--now", "2099-01-01T00:00:00Z"]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /error/);
});

test("colour: FORCE_COLOR forces it, NO_COLOR (and FORCE_COLOR=0) turn it off, a pipe has none", async () => {
  const esc = "\x1b[";
  const args = ["inspect", fx("ec-chain.pem"), "--now", "2027-01-01T00:00:00Z"];
  assert.ok((await cli(args, { env: { NO_COLOR: undefined, FORCE_COLOR: "1" } })).stdout.includes(esc));
  assert.ok((await cli(args, { env: { NO_COLOR: "1", FORCE_COLOR: "1" } })).stdout.includes(esc), "FORCE_COLOR wins, as in Node");
  assert.ok(!(await cli(args, { env: { NO_COLOR: "1" } })).stdout.includes(esc));
  assert.ok(!(await cli(args, { env: { NO_COLOR: undefined, FORCE_COLOR: "0" } })).stdout.includes(esc));
  assert.ok(!(await cli(args, { env: { NO_COLOR: undefined } })).stdout.includes(esc), "not a terminal");
});

test("convert --from hpkp: the same output at any time unless --now is given", async () => {
  const header = join(tmp, "hpkp.txt");
  writeFileSync(header, `Public-Key-Pins-Report-Only: pin-sha256="${INTERMEDIATE.slice(7)}"; pin-sha256="${ROGUE.slice(7)}"; max-age=600`);
  const a = await cli(["convert", header, "--from", "hpkp", "-H", "example.com", "--to", "json"]);
  assert.equal(a.code, 0, a.stderr);
  await new Promise((r) => setTimeout(r, 1100));
  const b = await cli(["convert", header, "--from", "hpkp", "-H", "example.com", "--to", "json"]);
  assert.equal(a.stdout, b.stdout, "no dependence on the clock");
  const doc = JSON.parse(a.stdout);
  assert.equal(doc.domains[0].expires, undefined);
  assert.equal(doc.domains[0].mode, "report", "the header's name (Report-Only) is kept");
  assert.match(a.stderr, /max-age is not carried over.*--now/);
  const at = await cli(["convert", header, "--from", "hpkp", "-H", "example.com", "--to", "json", "--now", "2026-12-01T00:00:00Z"]);
  // 2026-12-01T00:00:00Z + 600 s
  assert.equal(JSON.parse(at.stdout).domains[0].expires, "2026-12-01T00:10:00Z");
});

test("convert imports OkHttp, TrustKit, Android and curl configurations, with findings on stderr", async () => {
  const kt = join(tmp, "Pinning.kt");
  writeFileSync(kt, `val pinner = CertificatePinner.Builder()\n  .add("localhost", "${INTERMEDIATE}", "sha1/qZk+NkcGgWq6PiVxeFDCbJzQ2J0=")\n  .build()\n`);
  const ok = await cli(["convert", kt, "--from", "okhttp", "--to", "json"]);
  assert.equal(ok.code, 1, "an error finding (the sha1 pin) exits 1");
  assert.deepEqual(JSON.parse(ok.stdout).domains[0].pins, [INTERMEDIATE]);
  assert.match(ok.stderr, /Not imported:\n {2}error IMPORT_SHA1_PIN: line 2/);
  const tk = join(tmp, "trustkit.json");
  writeFileSync(tk, JSON.stringify({ kTSKPinnedDomains: { localhost: { kTSKPublicKeyHashes: [INTERMEDIATE.slice(7), ROGUE.slice(7)], kTSKIncludeSubdomains: true } } }));
  const t = await cli(["convert", tk, "--from", "trustkit", "--to", "android-nsc"]);
  assert.equal(t.code, 0, t.stderr);
  assert.ok(t.stdout.includes(`<pin digest="SHA-256">${INTERMEDIATE.slice(7)}</pin>`), t.stdout);
  const nsc = join(tmp, "nsc.xml");
  writeFileSync(nsc, t.stdout.replace("<network-security-config>", '<network-security-config>\n<base-config cleartextTrafficPermitted="false"/>'));
  const n = await cli(["convert", nsc, "--from", "android-nsc", "--to", "json"]);
  assert.equal(n.code, 0, n.stderr);
  assert.match(n.stderr, /info IMPORT_CLEARTEXT/);
  assert.deepEqual(JSON.parse(n.stdout).domains[0].pins, [INTERMEDIATE, ROGUE]);
  const curl = await cli(["convert", "-", "--from", "curl", "-H", "localhost", "--to", "json"], { input: `sha256//${INTERMEDIATE.slice(7)};sha256//${ROGUE.slice(7)}\n` });
  assert.equal(curl.code, 0, curl.stderr);
  assert.deepEqual(JSON.parse(curl.stdout).domains[0].pins, [INTERMEDIATE, ROGUE]);
  const curlBad = await cli(["convert", "-", "--from", "curl", "-H", "localhost", "--to", "json"], { input: "/etc/ssl/key.pem" });
  assert.equal(curlBad.code, 2);
});
