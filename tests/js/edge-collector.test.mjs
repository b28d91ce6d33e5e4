// The edge report collector (examples/edge-report-collector) in a real workerd on
// 127.0.0.1, with the package's workerd entry. The bundled config is made here from
// the fixtures, with pins computed by node:crypto.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FIXTURES, ROOT, fixture, pemBlocks, pinOfSpki, spkiOfCert } from "./helpers.mjs";
import { startWorkerd } from "./workerd-harness.mjs";

const tlsFixture = (name) => readFileSync(join(FIXTURES, "tls", name), "utf8");
const pinOf = (pem) => pinOfSpki(spkiOfCert(pemBlocks(pem)[0].der));
const NOW = "2027-01-01T00:00:00Z";

const P = {
  rsaIntermediate: pinOf(fixture("rsa-intermediate.pem")),
  rsaRoot: pinOf(fixture("rsa-root.pem")),
  ecIntermediate: pinOf(fixture("ec-intermediate.pem")),
  ecRoot: pinOf(fixture("ec-root.pem")),
};
const CONFIG = {
  policy: {
    version: 1,
    domains: [
      { host: "ec.example.com", pins: [P.rsaIntermediate, P.rsaRoot], reportUri: "https://reports.example.net/pkp" },
      { host: "api.ec.example.com", pins: [P.rsaRoot, { pin: P.ecIntermediate, state: "candidate" }] },
      { host: "www.ec.example.com", pins: [P.ecIntermediate, P.rsaRoot] },
    ],
  },
  knownRoots: [fixture("ec-root.pem"), fixture("rsa-root.pem")],
};

const blocks = (pem) => pemBlocks(pem).map(({ der }) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`);
const EC_CHAIN = blocks(fixture("ec-chain.pem"));
const report = (hostname, chain, extra = {}) => ({
  "date-time": NOW,
  hostname,
  port: 443,
  "effective-expiration-date": "2027-06-01T00:00:00Z",
  "include-subdomains": false,
  "noted-hostname": hostname,
  "served-certificate-chain": chain,
  "validated-certificate-chain": chain,
  "known-pins": [`pin-sha256="${P.ecIntermediate.slice(7)}"`],
  ...extra,
});

let workerd;
before(async () => {
  workerd = await startWorkerd({
    name: "edge-collector",
    worker: readFileSync(join(ROOT, "examples", "edge-report-collector", "src", "worker.js"), "utf8"),
    json: { "collector.config.json": CONFIG },
  });
});
after(async () => workerd?.stop());

const post = (path, body, headers = {}) =>
  fetch(new URL(path, workerd.url), { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });

test("edge: /report classifies each kind of failure", async () => {
  const cases = [
    ["a known root, no pin covers it", report("ec.example.com", EC_CHAIN), "pin-mismatch", "mismatch"],
    ["an unknown root (root served)", report("ec.example.com", [tlsFixture("intercept-ec-leaf.pem"), tlsFixture("rogue-root.pem")]), "interception", "mismatch"],
    ["an unknown root (root not served)", report("ec.example.com", [tlsFixture("intercept-ec-leaf.pem")]), "interception", "mismatch"],
    ["only a candidate pin matches", report("api.ec.example.com", EC_CHAIN), "stale-policy", "mismatch"],
    ["the bundled policy accepts it", report("www.ec.example.com", EC_CHAIN), "stale-policy", "matched"],
    ["the leaf is for another name", report("ec.example.com", blocks(fixture("rsa-chain.pem"))), "hostname-mismatch", "hostname-mismatch"],
    ["an expired leaf", report("ec.example.com", [fixture("ec-p256-expired-leaf.pem"), ...EC_CHAIN.slice(1)]), "expired-certificate", "cert-expired"],
    ["a host the policy does not pin", report("other.example.org", EC_CHAIN), "not-pinned", "not-pinned"],
  ];
  for (const [what, body, classification, status] of cases) {
    const response = await post("/report", body);
    assert.equal(response.status, 200, what);
    const result = await response.json();
    assert.equal(result.classification, classification, what);
    assert.equal(result.verdict.status, status, what);
    assert.ok(Array.isArray(result.findings), what);
  }
});

test("edge: /report accepts certpin's own verdicts (the report inside)", async () => {
  const verdict = { ok: false, status: "mismatch", report: report("ec.example.com", EC_CHAIN) };
  const result = await (await post("/report", verdict)).json();
  assert.equal(result.classification, "pin-mismatch");
});

test("edge: /pins computes node:crypto's pins from PEM text or JSON", async () => {
  const expected = pemBlocks(fixture("ec-chain.pem")).map(({ der }) => pinOfSpki(spkiOfCert(der)));
  const fromText = await (await post("/pins", fixture("ec-chain.pem"), { "content-type": "text/plain" })).json();
  assert.deepEqual(fromText.pins, expected);
  assert.equal(fromText.certificates[0].spkiSha256, expected[0]);
  const fromJson = await (await post("/pins", { chain: EC_CHAIN })).json();
  assert.deepEqual(fromJson.pins, expected);
});

test("edge: /check checks a chain against the bundled policy", async () => {
  const ok = await (await post("/check", { chain: EC_CHAIN, hostname: "www.ec.example.com", now: NOW })).json();
  assert.equal(ok.verdict.status, "matched");
  assert.equal(ok.verdict.matched.pin, P.ecIntermediate);
  const bad = await (await post("/check", { chain: EC_CHAIN, hostname: "ec.example.com", now: NOW })).json();
  assert.equal(bad.verdict.ok, false);
  assert.equal(bad.verdict.status, "mismatch");
});

test("edge: bad input is a 400 with a code, never a 500; routes give 404 and 405", async () => {
  const cases = [
    [() => post("/report", "{not json"), 400, "INVALID_ARGUMENT"],
    [() => post("/report", { hostname: "ec.example.com" }), 400, "INVALID_ARGUMENT"],
    [() => post("/report", report("ec.example.com", EC_CHAIN, { port: "443" })), 400, "INVALID_ARGUMENT"],
    [() => post("/report", report("ec.example.com", EC_CHAIN, { "date-time": "yesterday" })), 400, "INVALID_ARGUMENT"],
    [() => post("/report", report("ec.example.com", ["-----BEGIN CERTIFICATE-----\nAAAA!\n-----END CERTIFICATE-----\n"])), 400, "PEM_MALFORMED"],
    [() => post("/pins", "x".repeat(70 * 1024), { "content-type": "text/plain" }), 400, "INPUT_TOO_LARGE"],
    [() => fetch(new URL("/pins", workerd.url), { method: "POST", body: new ReadableStream({ start(c) { for (let i = 0; i < 80; i++) c.enqueue(new Uint8Array(1024)); c.close(); } }), duplex: "half" }), 400, "INPUT_TOO_LARGE"],
    [() => post("/pins", "", { "content-type": "text/plain" }), 400, "INPUT_EMPTY"],
    [() => post("/check", { chain: EC_CHAIN }), 400, "INVALID_ARGUMENT"],
    [() => fetch(new URL("/pins", workerd.url)), 405, "METHOD_NOT_ALLOWED"],
    [() => post("/nowhere", {}), 404, "NOT_FOUND"],
  ];
  for (const [send, status, code] of cases) {
    const response = await send();
    assert.equal(response.status, status, code);
    const body = await response.json();
    assert.equal(body.error.code, code);
    assert.ok(body.error.message.length > 0);
    if (status === 405) assert.equal(response.headers.get("allow"), "POST");
  }
});

test("edge: 1,000 requests, sequential and concurrent, without an error and with flat memory", async () => {
  const expected = pemBlocks(fixture("ec-chain.pem")).map(({ der }) => pinOfSpki(spkiOfCert(der)));
  const one = async (i) => {
    const response = i % 2 ? await post("/report", report("ec.example.com", EC_CHAIN)) : await post("/pins", { chain: EC_CHAIN });
    assert.equal(response.status, 200);
    const body = await response.json();
    if (i % 2) assert.equal(body.classification, "pin-mismatch");
    else assert.deepEqual(body.pins, expected);
  };
  for (let i = 0; i < 100; i++) await one(i); // warm up
  const before = workerd.rssBytes();
  for (let i = 0; i < 600; i++) await one(i);
  for (let batch = 0; batch < 20; batch++) await Promise.all(Array.from({ length: 20 }, (_, i) => one(i)));
  const growth = workerd.rssBytes() - before;
  // Measured growth is a few MiB of allocator noise; a per-request leak of even 16 KiB would exceed this.
  assert.ok(growth < 16 * 1024 * 1024, `workerd RSS grew by ${growth} bytes over 1,000 requests`);
});
