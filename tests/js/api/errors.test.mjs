// Every error code, triggered by an input through the package and checked by `code`
// (and context fields where they say where). After each error the same module still
// computes correct pins: an error never traps the wasm instance.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as certpin from "certpin";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, fixture, pemBlocks, smokeCase } from "../support/helpers.mjs";
import { makeBundle as signedBundle, makeRoot as signedRoot, newKey as bundleKey } from "../support/bundle-helpers.mjs";

const { CertpinError, ERROR_CODES } = certpin;
const chainPem = fixture("ec-chain.pem");
const leafDer = new Uint8Array(pemBlocks(fixture("ec-p256-leaf.pem"))[0].der);
const pemOf = (label, body) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
// One DER TLV at `at` of `bytes`: its header length and where it ends.
const tlvAt = (bytes, at) => {
  let length = bytes[at + 1];
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = 0;
    for (let i = 0; i < n; i += 1) length = length * 256 + bytes[at + 2 + i];
    header += n;
  }
  return { header, end: at + header + length };
};
const derOf = (tag, content) => {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(new Uint8Array([tag, ...length]), content);
};
// `der` with `tail` appended inside the TBS field at `field` (a SEQUENCE: 3 is the
// issuer Name and 5 the subject Name of a v3 certificate). The signature no longer
// verifies; the parse must refuse the certificate before anything checks it.
const withTailInField = (der, field, tail) => {
  const outer = tlvAt(der, 0);
  const tbs = tlvAt(der, outer.header);
  const fields = [];
  for (let at = outer.header + tbs.header; at < tbs.end; at = tlvAt(der, at).end) {
    fields.push(der.subarray(at, tlvAt(der, at).end));
  }
  const changed = fields.map((f, i) =>
    i === field ? derOf(0x30, concat(f.subarray(tlvAt(f, 0).header), new Uint8Array(tail))) : f,
  );
  return derOf(0x30, concat(derOf(0x30, concat(...changed)), der.subarray(tbs.end, outer.end)));
};
// 1 MiB is the crate's documented per-call bound (MAX_INPUT_BYTES); 16 certificates and
// 16 PEM blocks are its other bounds. Go one past each.
const ONE_MIB = 1024 * 1024;

// Signed documents for the BUNDLE_*/ROOT_* cases.
const B = (() => {
  const k1 = bundleKey("ed25519");
  const k2 = bundleKey("p256");
  const k3 = bundleKey("ed25519");
  const rsa = bundleKey("rsa");
  const rsaSigned = { type: "certpin-root", version: 1, expires: "2030-01-01T00:00:00Z", threshold: 1, keys: [{ keyId: rsa.keyId, publicKey: rsa.publicKeyBase64 }] };
  return {
    k1, k2, k3,
    root: signedRoot([k1]),
    root2: signedRoot([k1, k3], { threshold: 2 }),
    rsaRoot: { signed: rsaSigned, signatures: [{ keyId: rsa.keyId, sig: "AAAA" }] },
    good: signedBundle([k1]),
    now: Date.parse("2026-07-01T00:00:00Z"),
  };
})();

/**
 * code -> cases. A case: [name, needs (the exports it calls), call(api), context?]
 * `context` lists properties the error must carry, e.g. { blockIndex: 1 }.
 */
const CASES = {
  INPUT_EMPTY: [
    ["empty string", ["computePins"], (c) => c.computePins("")],
    ["whitespace only", ["computePins"], (c) => c.computePins(" \n\t\r\n")],
    ["empty bytes", ["computePins"], (c) => c.computePins(new Uint8Array(0))],
    ["empty ArrayBuffer", ["parseChain"], (c) => c.parseChain(new ArrayBuffer(0))],
    ["empty array", ["parseChain"], (c) => c.parseChain([])],
  ],
  INPUT_TOO_LARGE: [
    ["text over 1 MiB", ["computePins"], (c) => c.computePins("A".repeat(ONE_MIB + 1))],
    ["bytes over 1 MiB", ["parseChain"], (c) => c.parseChain(new Uint8Array(ONE_MIB + 1).fill(0x41))],
    [
      "array whose parts add up to over 1 MiB",
      ["computePins"],
      (c) => c.computePins(["A".repeat(ONE_MIB / 2), "A".repeat(ONE_MIB / 2 + 1)]),
    ],
  ],
  TOO_MANY_CERTIFICATES: [
    ["17 DER certificates", ["computePins"], (c) => c.computePins(Array(17).fill(leafDer))],
  ],
  TOO_MANY_PEM_BLOCKS: [
    ["17 PEM blocks in one text", ["computePins"], (c) => c.computePins(fixture("ec-p256-leaf.pem").repeat(17))],
  ],
  PEM_MALFORMED: [
    ["broken base64", ["computePins"], (c) => c.computePins(pemOf("CERTIFICATE", "MIIB!!!!")), { blockIndex: 0 }],
    [
      "second block cut off (no END line)",
      ["parseChain"],
      (c) => c.parseChain(fixture("ec-p256-leaf.pem") + "-----BEGIN CERTIFICATE-----\nMIIB\n"),
      { blockIndex: 1 },
    ],
    ["END label differs", ["computePins"], (c) => c.computePins("-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END PUBLIC KEY-----\n")],
    ["empty block", ["computePins"], (c) => c.computePins(pemOf("CERTIFICATE", ""))],
    [
      "block whose DER is truncated",
      ["computePins"],
      (c) => c.computePins(pemOf("CERTIFICATE", Buffer.from(leafDer.subarray(0, 100)).toString("base64"))),
    ],
  ],
  DER_MALFORMED: [
    ["truncated DER", ["parseChain"], (c) => c.parseChain(leafDer.subarray(0, leafDer.length - 10)), { certIndex: 0 }],
    ["trailing bytes after a certificate", ["parseChain"], (c) => c.parseChain(concat(leafDer, new Uint8Array([0, 0])))],
    ["truncated DER as array item 1", ["computePins"], (c) => c.computePins([leafDer, leafDer.subarray(0, 50)]), { certIndex: 1 }],
  ],
  CERT_MALFORMED: [
    ["a well-framed SEQUENCE that is no certificate", ["parseChain"], (c) => c.parseChain(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]))],
    [
      "same, as array item 1",
      ["parseChain"],
      (c) => c.parseChain([leafDer, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])]),
      { certIndex: 1 },
    ],
    // x509-parser stops reading a Name at the first item that is not an RDN.
    [
      "a subject Name with a NULL after its last RDN, as array item 1",
      ["parseChain"],
      (c) => c.parseChain([leafDer, withTailInField(leafDer, 5, [0x05, 0x00])]),
      { certIndex: 1 },
    ],
    [
      "an issuer Name with an empty SET after its last RDN",
      ["checkPins"],
      (c) => c.checkPins([withTailInField(leafDer, 3, [0x31, 0x00])], [smokeCase().pin], { now: Date.parse("2026-06-01") }),
      { certIndex: 0 },
    ],
  ],
  UNSUPPORTED_INPUT: [
    ["binary junk", ["computePins"], (c) => c.computePins(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x13]))],
    ["text that is neither PEM nor base64", ["computePins"], (c) => c.computePins("hello, world")],
    ["unknown PEM label", ["computePins"], (c) => c.computePins(pemOf("FOO", "MAMCAQU=")), { blockIndex: 0 }],
    ["a private key", ["computePins"], (c) => c.computePins(fixture("ec-p256.key"))],
    ["a public key where a certificate is needed", ["parseChain"], (c) => c.parseChain(fixture("ec-p256.pub.pem"))],
  ],
  PIN_MALFORMED: [
    ["digest too short", ["parsePin"], (c) => c.parsePin("sha256/AAAA")],
    ["unknown algorithm", ["parsePin"], (c) => c.parsePin("md5/1B2M2Y8AsgTpgAmY7PhCfg==")],
    ["not a pin at all", ["parsePin"], (c) => c.parsePin("not a pin")],
    ["SHA-256 label on a SHA-512 digest", ["formatPin"], (c) => c.formatPin(`sha256/${Buffer.alloc(64).toString("base64")}`, "hex")],
  ],
  FORMAT_UNSUPPORTED: [
    [
      "a SHA-384 pin as TLSA (RFC 6698 has no SHA-384 matching type)",
      ["computePins", "formatPin"],
      (c) => c.formatPin(c.computePins(chainPem, { algorithm: "sha384" })[0], "tlsa"),
    ],
  ],
  INVALID_ARGUMENT: [
    ["a number as input", ["computePins"], (c) => c.computePins(42)],
    ["unknown algorithm option", ["computePins"], (c) => c.computePins(chainPem, { algorithm: "md5" })],
    ["misspelled option", ["computePins"], (c) => c.computePins(chainPem, { algoritm: "sha384" })],
    ["unknown pin format", ["formatPin"], (c) => c.formatPin("sha256/" + Buffer.alloc(32).toString("base64"), "sha1")],
  ],
  POLICY_INVALID: [
    [
      "a typo in a policy field",
      ["PinPolicy"],
      (c) => new c.PinPolicy({ version: 1, domains: [{ host: "example.com", pins: [], expire: "2030-01-01" }] }),
      { path: undefined },
    ],
    ["policy JSON that does not parse", ["PinPolicy"], (c) => new c.PinPolicy("{")],
  ],
  HPKP_HEADER_INVALID: [
    ["a repeated directive", ["PinPolicy"], (c) => c.PinPolicy.fromHpkpHeader(`max-age=1; max-age=2; pin-sha256="${Buffer.alloc(32).toString("base64")}"`, "example.com")],
  ],
  NSC_INVALID: [
    ["XML that is not a network security config", ["PinPolicy"], (c) => c.PinPolicy.fromAndroidNsc("<manifest><application/></manifest>")],
    ["not XML at all", ["PinPolicy"], (c) => c.PinPolicy.fromAndroidNsc("{}")],
  ],
  // Signed policy bundles: documents signed with node:crypto (bundle-helpers.mjs).
  BUNDLE_MALFORMED: [["a bundle without signatures", ["verifyBundle"], (c) => c.verifyBundle({ signed: B.good.signed, signatures: [] }, { root: B.root, now: B.now }), { path: "$.signatures" }]],
  BUNDLE_BAD_SIGNATURE: [["a bundle changed after signing", ["verifyBundle"], (c) => c.verifyBundle({ signed: { ...B.good.signed, version: 2 }, signatures: B.good.signatures }, { root: B.root, now: B.now }), { keyId: undefined }]],
  BUNDLE_THRESHOLD: [["one key signing twice for a 2-of-2 root", ["verifyBundle"], (c) => c.verifyBundle(signedBundle([B.k1, B.k1]), { root: B.root2, now: B.now }), { valid: 1, threshold: 2 }]],
  BUNDLE_UNKNOWN_KEY: [["a key the root does not list", ["verifyBundle"], (c) => c.verifyBundle(signedBundle([B.k2]), { root: B.root, now: B.now })]],
  BUNDLE_ROLLBACK: [["a version below minVersion", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: B.root, now: B.now, minVersion: 2 }), { version: 1, minVersion: 2 }]],
  BUNDLE_EXPIRED: [["an expired bundle", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: B.root, now: Date.parse("2028-01-01") })]],
  BUNDLE_ISSUED_IN_FUTURE: [["issuedAt in the future", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: B.root, now: Date.parse("2026-01-01") })]],
  BUNDLE_POLICY_INVALID: [["a signed policy with a typo", ["verifyBundle"], (c) => c.verifyBundle(signedBundle([B.k1], { policy: { version: 1, domain: [] } }), { root: B.root, now: B.now }), { path: "signed.policy.domain" }]],
  ROOT_MALFORMED: [["a root that is not a root", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: B.good, now: B.now })]],
  ROOT_KEY_UNSUPPORTED: [["a root listing an RSA key", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: B.rsaRoot, now: B.now })]],
  ROOT_BAD_SIGNATURE: [["a root changed after signing", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: { ...B.root, signed: { ...B.root.signed, expires: "2031-01-01T00:00:00Z" } }, now: B.now })]],
  ROOT_UNKNOWN_KEY: [["a rotation signed by a stranger", ["updateRoot"], (c) => c.updateRoot(B.root, signedRoot([B.k2], { version: 2, signers: [B.k1, B.k2, B.k3] }), { now: B.now })]],
  ROOT_THRESHOLD: [["a rotation signed only by the new key", ["updateRoot"], (c) => c.updateRoot(B.root, signedRoot([B.k2], { version: 2, signers: [B.k2] }), { now: B.now })]],
  ROOT_VERSION: [["a rotation that skips a version", ["updateRoot"], (c) => c.updateRoot(B.root, signedRoot([B.k2], { version: 3, signers: [B.k1, B.k2] }), { now: B.now }), { expected: 2 }]],
  ROOT_EXPIRED: [["an expired root", ["verifyBundle"], (c) => c.verifyBundle(B.good, { root: signedRoot([B.k1], { expires: "2026-06-02T00:00:00Z" }), now: B.now })]],
  // Codes of connections a certpin/node adapter refuses: they need a live TLS peer, so
  // tests/js/node-adapter/adapter-node.test.mjs triggers them (see ELSEWHERE below).
  PIN_MISMATCH: [],
  PIN_REVOKED: [],
  CHAIN_INVALID: [],
  HOSTNAME_MISMATCH: [],
  CERT_EXPIRED: [],
  NO_CHAIN: [],
  // Revocation
  OCSP_INVALID: [
    ["an OCSP response that is not DER", ["checkOcsp"], (c) => c.checkOcsp(chainPem, new Uint8Array([1, 2, 3]))],
    ["an OCSP response with responseStatus tryLater", ["checkOcsp"], (c) => c.checkOcsp(chainPem, new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03]))],
    ["an empty OCSP response", ["checkOcsp"], (c) => c.checkOcsp(chainPem, new Uint8Array(0))],
  ],
  CRL_INVALID: [
    ["a CRL that is not DER", ["checkCrl"], (c) => c.checkCrl(chainPem, new Uint8Array([0x30, 0x01]))],
    ["a CRL over the size bound", ["checkCrl"], (c) => c.checkCrl(chainPem, new Uint8Array(8 * ONE_MIB + 1))],
  ],
  CERT_REVOKED: [],
  // Certificate Transparency
  LOG_LIST_INVALID: [
    ["a log list that is not JSON", ["verifyScts"], (c) => c.verifyScts(chainPem, { logList: "{", now: 0 }), { path: "$" }],
    [
      "a log list without log_list_timestamp",
      ["verifyScts"],
      (c) => c.verifyScts(chainPem, { logList: { operators: [] }, now: 0 }),
      { path: "log_list_timestamp" },
    ],
  ],
  CT_INSUFFICIENT: [],
  // Migration: importers of other systems' configurations.
  OKHTTP_INVALID: [
    ["a pin that is a constant, not a literal", ["PinPolicy"], (c) => c.PinPolicy.fromOkHttp('CertificatePinner.Builder()\n  .add("example.com", PIN_1)\n  .build()'), { line: 2 }],
    ["source without a CertificatePinner", ["PinPolicy"], (c) => c.PinPolicy.fromOkHttp("val client = OkHttpClient()")],
  ],
  TRUSTKIT_INVALID: [
    ["a misspelt domain key", ["PinPolicy"], (c) => c.PinPolicy.fromTrustKit({ kTSKPinnedDomains: { "example.com": { kTSKPublicKeyHashes: [Buffer.alloc(32).toString("base64")], kTSKEnforcePinnig: true } } }), { path: 'kTSKPinnedDomains["example.com"].kTSKEnforcePinnig' }],
    ["a hash of the wrong length", ["PinPolicy"], (c) => c.PinPolicy.fromTrustKit('{"example.com": {"kTSKPublicKeyHashes": ["AAAA"]}}'), { path: '["example.com"].kTSKPublicKeyHashes[0]' }],
  ],
  // policyUpdater's own codes (certpin/node): see ELSEWHERE.
  BUNDLE_FETCH_FAILED: [],
  BUNDLE_STATE_INVALID: [],
  BUNDLE_UNAVAILABLE: [],
};

/** Codes whose triggering input needs a live connection: the test file (below tests/js) that covers them. */
const ELSEWHERE = {
  PIN_MISMATCH: "node-adapter/adapter-node.test.mjs",
  PIN_REVOKED: "node-adapter/adapter-node.test.mjs",
  CHAIN_INVALID: "node-adapter/adapter-node.test.mjs",
  HOSTNAME_MISMATCH: "node-adapter/adapter-node.test.mjs",
  CERT_EXPIRED: "node-adapter/adapter-node.test.mjs",
  NO_CHAIN: "node-adapter/adapter-node.test.mjs",
  CERT_REVOKED: "api/revocation.test.mjs", // revocation: a stapling server refused
  CT_INSUFFICIENT: "node-adapter/ct-adapter.test.mjs",
  // Thrown by policyUpdater (certpin/node) against real servers and state files.
  BUNDLE_FETCH_FAILED: "node-adapter/bundles-updater.test.mjs",
  BUNDLE_STATE_INVALID: "node-adapter/review-js.test.mjs",
  BUNDLE_UNAVAILABLE: "node-adapter/bundles-updater.test.mjs",
};

/** Calls the case, returns the thrown error (failing if nothing was thrown). */
function thrown(call) {
  try {
    call(certpin);
  } catch (error) {
    return error;
  }
  assert.fail("expected a CertpinError, nothing was thrown");
}

function assertStillWorks() {
  const { pem, pin } = smokeCase();
  assert.deepEqual(certpin.computePins(pem), [pin], "the module keeps working after an error");
}

test("every error code has at least one triggering case here", (t) => {
  assert.deepEqual(Object.keys(CASES).sort(), [...ERROR_CODES].sort());
  // A code covered in another file must at least be named there.
  const untested = ERROR_CODES.filter(
    (code) =>
      CASES[code].length === 0 &&
      !(ELSEWHERE[code] && readFileSync(join(ROOT, "tests", "js", ELSEWHERE[code]), "utf8").includes(code)),
  );
  if (untested.length > 0) t.todo(`no test triggers these yet: ${untested.join(", ")}`);
});

for (const code of Object.keys(CASES)) {
  for (const [name, needs, call, context] of CASES[code]) {
    const missing = needs.filter((n) => !(n in certpin));
    // A case whose API the crate does not export yet is skipped, and says so.
    const skip = missing.length > 0 ? `needs ${missing.join(", ")}, not exported yet` : false;
    test(`${code}: ${name}`, { skip }, () => {
      const error = thrown(call);
      assert.ok(error instanceof Error, "instanceof Error");
      assert.ok(error instanceof CertpinError, "instanceof CertpinError");
      assert.equal(error.name, "CertpinError");
      assert.equal(error.code, code, error.message);
      assert.ok(ERROR_CODES.includes(error.code));
      assert.ok(error.message.length > 20, `a message that says what is wrong: ${error.message}`);
      for (const [key, value] of Object.entries(context ?? {})) {
        if (value === undefined) assert.ok(key in error, `error.${key} is set`);
        else assert.equal(error[key], value, `error.${key}`);
      }
      assertStillWorks();
    });
  }
}

test("a Name rewritten without a tail still parses, and one with a tail is refused naming the field", () => {
  // The rewrite itself (lengths re-encoded) keeps the certificate well formed: only the
  // tail makes it malformed.
  for (const field of [3, 5]) {
    const same = withTailInField(leafDer, field, []);
    assert.deepEqual(same, leafDer);
    assert.equal(certpin.parseChain(same).length, 1);
  }
  assert.throws(() => certpin.parseChain(withTailInField(leafDer, 5, [0x05, 0x00])), (e) => e.code === "CERT_MALFORMED" && /subject/.test(e.message));
  assert.throws(() => certpin.parseChain(withTailInField(leafDer, 3, [0x31, 0x02, 0x05, 0x00])), (e) => e.code === "CERT_MALFORMED" && /issuer/.test(e.message));
});

test("hundreds of errors in a row leave the instance usable", () => {
  for (let i = 0; i < 200; i += 1) {
    assert.throws(() => certpin.computePins(new Uint8Array([0x30, 0x82, 0xff])), { code: "DER_MALFORMED" });
    assert.throws(() => certpin.parsePin("sha256/AAAA"), { code: "PIN_MALFORMED" });
  }
  assertStillWorks();
});
