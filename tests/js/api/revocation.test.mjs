// Revocation through the built package: checkOcsp / checkCrl on responses
// and CRLs made by openssl (tests/revocation/make.sh, which also records
// OpenSSL's verdict on each: openssl-verdicts.txt), and certpin/node's pinnedAgent
// against real TLS servers on 127.0.0.1 that staple those responses ('OCSPRequest').
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PinPolicy, checkOcsp, checkCrl, revocationInfo, diagnose } from "certpin";
import { pinnedAgent, pinnedFetch } from "certpin/node";
import { REVOCATION_FIXTURES } from "../support/helpers.mjs";

const DIR = REVOCATION_FIXTURES;
const read = (name) => readFileSync(join(DIR, name));
const chain = (leaf) => read(`${leaf}-chain.pem`).toString();
// The instant the fixtures were made for (an hour after make.sh ran).
const NOW = Date.parse(read("now.txt").toString().trim());
const verdicts = read("openssl-verdicts.txt").toString();
const openssl = (name, leaf) => verdicts.split("\n").find((l) => l.startsWith(`${name} ${leaf}|`));
const spkiPin = (pem) =>
  "sha256/" +
  createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64");
const ROOT_PIN = spkiPin(read("root.pem"));

test("checkOcsp agrees with openssl ocsp -verify", () => {
  const accepted = [
    ["ocsp-good-issuer-sha1.der", "good", "good", "issuer"],
    ["ocsp-good-issuer-sha256.der", "good", "good", "issuer"],
    ["ocsp-revoked.der", "revoked", "revoked", "issuer"],
    ["ocsp-unknown.der", "unknown", "unknown", "issuer"],
    ["ocsp-good-delegated.der", "good", "good", "delegated"],
  ];
  for (const [name, leaf, status, responder] of accepted) {
    assert.match(openssl(name, leaf), new RegExp(`\\|Response verify OK\\|${status}\\|`), name);
    const result = checkOcsp(chain(leaf), read(name), { now: NOW });
    assert.equal(result.status, status, name);
    assert.equal(result.responder, responder, name);
    assert.equal(result.certIndex, 0);
    assert.ok(Date.parse(result.thisUpdate) <= NOW && NOW <= Date.parse(result.nextUpdate), name);
  }
  const revoked = checkOcsp(chain("revoked"), read("ocsp-revoked.der"), { now: new Date(NOW) });
  assert.equal(revoked.reason, "keyCompromise");
  assert.match(openssl("ocsp-revoked.der", "revoked"), /keyCompromise/);
  assert.ok(revoked.revokedAt);

  const refused = [
    ["ocsp-delegated-no-eku.der", "Response Verify Failure", /id-kp-OCSPSigning/],
    ["ocsp-signed-by-root.der", "Response Verify Failure", /not issued by the certificate's issuer/],
    ["ocsp-tampered.der", "Response Verify Failure", /does not verify/],
    ["ocsp-other-serial.der", "No Status found", /name no certificate of the verified path/],
    ["ocsp-expired.der", "Status times invalid", /expired/],
    ["ocsp-trylater.der", "trylater", /tryLater/],
  ];
  for (const [name, said, message] of refused) {
    assert.ok(openssl(name, "good").includes(said), `${name}: ${openssl(name, "good")}`);
    assert.throws(() => checkOcsp(chain("good"), read(name), { now: NOW }), (e) => {
      assert.equal(e.name, "CertpinError");
      assert.equal(e.code, "OCSP_INVALID");
      assert.match(e.message, message);
      return true;
    }, name);
  }
});

test("checkCrl agrees with openssl verify -crl_check", () => {
  assert.match(openssl("crl-intermediate.der", "revoked"), /certificate revoked/);
  const revoked = checkCrl(chain("revoked"), read("crl-intermediate.der"), { now: NOW });
  assert.deepEqual([revoked.status, revoked.reason, revoked.certIndex], ["revoked", "keyCompromise", 0]);
  assert.match(openssl("crl-intermediate.der", "good"), /good\.pem: OK/);
  assert.equal(checkCrl(chain("good"), read("crl-intermediate.der"), { now: NOW }).status, "good");
  assert.match(openssl("crl-expired.der", "good"), /CRL has expired/);
  assert.throws(() => checkCrl(chain("good"), read("crl-expired.der"), { now: NOW }), { code: "CRL_INVALID" });
  assert.match(openssl("crl-tampered.der", "good"), /CRL signature failure/);
  assert.throws(() => checkCrl(chain("good"), read("crl-tampered.der"), { now: NOW }), { code: "CRL_INVALID" });
  const root = checkCrl(chain("good"), new Uint8Array(read("crl-root.der")).buffer, { now: NOW });
  assert.deepEqual([root.status, root.certIndex], ["good", 1]);
});

test("revocationInfo and diagnose say what a chain offers", () => {
  const [leaf] = revocationInfo(chain("good"));
  assert.deepEqual(leaf, { certIndex: 0, ocspUrls: ["http://127.0.0.1:9/ocsp"], crlUrls: ["http://127.0.0.1:9/ca.crl"], mustStaple: false });
  assert.equal(revocationInfo(chain("muststaple"))[0].mustStaple, true);
  const findings = diagnose(chain("crlonly"), { now: NOW });
  assert.ok(findings.some((f) => f.code === "NO_OCSP" && f.message.includes("no OCSP (CRL-only CA)")), JSON.stringify(findings));
  assert.ok(diagnose(chain("muststaple"), { now: NOW }).some((f) => f.code === "MUST_STAPLE"));
});

test("PinPolicy.check takes the staple as ocspResponse", () => {
  const policy = new PinPolicy({ version: 1, domains: [{ host: "**.example.com", pins: [ROOT_PIN], revocation: "check" }] });
  assert.equal(policy.toJSON().domains[0].revocation, "check");
  const revoked = policy.check(chain("revoked"), { hostname: "revoked.example.com", now: NOW, ocspResponse: read("ocsp-revoked.der") });
  assert.deepEqual([revoked.ok, revoked.status], [false, "cert-revoked"]);
  const good = policy.check(chain("good"), { hostname: "good.example.com", now: NOW, ocspResponse: read("ocsp-good-issuer-sha1.der") });
  assert.deepEqual([good.ok, good.status], [true, "matched"]);
  assert.throws(() => policy.check(chain("good"), { hostname: "good.example.com", now: NOW, ocspResponse: "not bytes" }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => new PinPolicy({ version: 1, domains: [{ host: "a.com", pins: [ROOT_PIN], revocation: "yes" }] }), { code: "POLICY_INVALID" });
});

// ---- real TLS servers on 127.0.0.1 that staple ----

const servers = {};
async function startServer(leaf, staple) {
  const server = tls.createServer({ key: read(`${leaf}.key`), cert: Buffer.concat([read(`${leaf}.pem`), read("intermediate.pem")]) }, (socket) => {
    socket.on("error", () => {});
    socket.on("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"));
  });
  server.on("OCSPRequest", (certificate, issuer, callback) => callback(null, staple ? read(staple) : null));
  server.on("tlsClientError", () => {});
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}

before(async () => {
  servers.revoked = await startServer("revoked", "ocsp-revoked.der");
  servers.good = await startServer("good", "ocsp-good-delegated.der");
  servers.goodNoStaple = await startServer("good", null);
  servers.mustStapleNone = await startServer("muststaple", null);
  servers.mustStapleGood = await startServer("muststaple", "ocsp-muststaple-good.der");
});
after(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

function get(port, servername, agent) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", servername, port, path: "/", ca: read("root.pem"), agent, headers: { host: servername } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body, verdict: res.socket.certpinVerdict }));
    });
    req.on("error", reject);
    req.end();
  });
}

const policy = (revocation) =>
  new PinPolicy({ version: 1, domains: [{ host: "**.example.com", pins: [ROOT_PIN], ...(revocation ? { revocation } : {}) }] });
const agent = (revocation) => pinnedAgent(policy(revocation), { pinning: { now: () => NOW } });
const refused = (promise) => promise.then((r) => assert.fail(`the request must fail: ${JSON.stringify(r.verdict)}`), (e) => e);

test("pinnedAgent refuses a server that staples a revoked response (cert-revoked)", async () => {
  const error = await refused(get(servers.revoked.port, "revoked.example.com", agent("check")));
  assert.equal(error.name, "CertpinError");
  assert.equal(error.code, "CERT_REVOKED");
  assert.equal(error.verdict.status, "cert-revoked");
  assert.ok(error.verdict.findings.some((f) => f.code === "CERT_REVOKED" && /keyCompromise/.test(f.message)));
});

test("pinnedAgent passes a server that staples a good response", async () => {
  const response = await get(servers.good.port, "good.example.com", agent("require-staple"));
  assert.equal(response.body, "ok");
  assert.equal(response.verdict.status, "matched");
  assert.ok(response.verdict.findings.some((f) => f.code === "OCSP_GOOD"), JSON.stringify(response.verdict.findings));
});

test("require-staple without a staple fails; check without one passes", async () => {
  const error = await refused(get(servers.goodNoStaple.port, "good.example.com", agent("require-staple")));
  assert.equal(error.code, "CERT_REVOKED");
  assert.ok(error.verdict.findings.some((f) => f.code === "OCSP_STAPLE_MISSING"));
  const response = await get(servers.goodNoStaple.port, "good.example.com", agent("check"));
  assert.equal(response.body, "ok");
});

test("a must-staple leaf without a staple fails whatever the entry says; with one it passes", async () => {
  for (const revocation of [undefined, "off", "check"]) {
    const error = await refused(get(servers.mustStapleNone.port, "staple.example.com", agent(revocation)));
    assert.equal(error.code, "CERT_REVOKED", String(revocation));
    assert.ok(error.verdict.findings.some((f) => f.code === "OCSP_STAPLE_MISSING" && /must-staple/.test(f.message)));
  }
  const response = await get(servers.mustStapleGood.port, "staple.example.com", agent());
  assert.equal(response.body, "ok");
});

test("pinnedFetch (undici) also checks the staple", async () => {
  const fetchFor = (hostname) =>
    pinnedFetch(policy("check"), { connect: { ca: read("root.pem"), servername: hostname }, pinning: { now: () => NOW } });
  const revokedFetch = fetchFor("revoked.example.com");
  const error = await revokedFetch(`https://127.0.0.1:${servers.revoked.port}/`).then(() => assert.fail("must fail"), (e) => e);
  assert.equal(error.cause?.code, "CERT_REVOKED", String(error.cause || error));
  await revokedFetch.dispatcher.close();
  const goodFetch = fetchFor("good.example.com");
  const response = await goodFetch(`https://127.0.0.1:${servers.good.port}/`);
  assert.equal(await response.text(), "ok");
  await goodFetch.dispatcher.close();
});

test("revocation off (the default) does not look at the staple", async () => {
  const response = await get(servers.revoked.port, "revoked.example.com", agent());
  assert.equal(response.body, "ok");
  assert.ok(response.verdict.findings.some((f) => f.code === "OCSP_STAPLE_IGNORED"));
});

// ---- the CLI: check --ocsp / --crl, inspect ----
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

const require = createRequire(import.meta.url);
const pkgJsonPath = require.resolve("certpin/package.json");
const BIN = join(dirname(pkgJsonPath), JSON.parse(readFileSync(pkgJsonPath, "utf8")).bin.certpin);
const cli = (args) =>
  new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1" }, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }),
    );
  });

test("certpin check --ocsp and --crl, certpin inspect shows revocation information", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "certpin-revocation-"));
  try {
    const policyFile = join(tmp, "pins.json");
    writeFileSync(policyFile, JSON.stringify({ version: 1, domains: [{ host: "**.example.com", pins: [ROOT_PIN], revocation: "check" }] }));
    const now = new Date(NOW).toISOString();
    const check = (leaf, ...extra) => cli(["check", "--policy", policyFile, "--host", `${leaf}.example.com`, "--now", now, join(DIR, `${leaf}-chain.pem`), ...extra]);

    const revoked = await check("revoked", "--ocsp", join(DIR, "ocsp-revoked.der"));
    assert.equal(revoked.code, 1, revoked.stdout + revoked.stderr);
    assert.match(revoked.stdout, /FAILED: cert-revoked/);
    const good = await check("good", "--ocsp", join(DIR, "ocsp-good-issuer-sha256.der"), "--json");
    assert.equal(good.code, 0, good.stderr);
    assert.equal(JSON.parse(good.stdout).status, "matched");

    const crlRevoked = await check("revoked", "--crl", join(DIR, "crl-intermediate.der"));
    assert.equal(crlRevoked.code, 1);
    assert.match(crlRevoked.stdout, /CRL: certificate 0 is REVOKED .*keyCompromise/);
    const crlGood = await check("good", "--crl", join(DIR, "crl-intermediate.der"), "--json");
    assert.equal(crlGood.code, 0, crlGood.stderr);
    assert.equal(JSON.parse(crlGood.stdout).crl.status, "good");
    const crlBad = await check("good", "--crl", join(DIR, "crl-tampered.der"));
    assert.equal(crlBad.code, 2);
    assert.match(crlBad.stderr, /CRL_INVALID/);
    const missing = await check("good", "--ocsp", join(tmp, "nope.der"));
    assert.equal(missing.code, 2);

    const inspect = await cli(["inspect", join(DIR, "good-chain.pem"), "--now", now]);
    assert.equal(inspect.code, 0, inspect.stderr);
    assert.match(inspect.stdout, /Revocation:\n {2}\[0\] OCSP http:\/\/127\.0\.0\.1:9\/ocsp; CRL http:\/\/127\.0\.0\.1:9\/ca\.crl/);
    const crlOnly = await cli(["inspect", join(DIR, "crlonly-chain.pem"), "--now", now]);
    assert.match(crlOnly.stdout, /\[0\] no OCSP \(CRL-only CA\); CRL /);
    const staple = await cli(["inspect", join(DIR, "muststaple-chain.pem"), "--now", now, "--json"]);
    assert.equal(JSON.parse(staple.stdout).revocation[0].mustStaple, true);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
