// Signed policy bundles through the built package: every refusal with its
// code, against documents signed independently (node:crypto, openssl pkeyutl; see
// bundle-helpers.mjs), and the CLI as a user runs it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { verifyBundle, updateRoot, PinPolicy, bundleSigningInput, CertpinError } from "certpin";
import { NOW, POLICY, canonical, makeBundle, makeRoot, newKey, signWith, signWithOpenssl, signingInput } from "../support/bundle-helpers.mjs";

const ed = newKey("ed25519");
const ec = newKey("p256");
const third = newKey("ed25519");
const stranger = newKey("ed25519");

const refused = (code, fn) => assert.throws(fn, (e) => {
  assert.ok(e instanceof CertpinError, `${e}`);
  assert.equal(e.code, code, e.message);
  return true;
});

test("bundles signed with node:crypto and with openssl pkeyutl verify (Ed25519 and P-256)", () => {
  for (const key of [ed, ec]) {
    const root = makeRoot([key]);
    const bundle = makeBundle([key], { version: 3 });
    const result = verifyBundle(bundle, { root, now: NOW });
    assert.equal(result.version, 3);
    assert.deepEqual(result.signedBy, [key.keyId]);
    assert.deepEqual(result.policy, POLICY());
    assert.equal(result.issuedAt, "2026-06-01T00:00:00Z");
    assert.equal(result.expires, "2027-06-01T00:00:00Z");
    // As JSON text too, and with the signature made by openssl.
    const viaOpenssl = { signed: bundle.signed, signatures: [signWithOpenssl(key, bundle.signed)] };
    assert.equal(verifyBundle(JSON.stringify(viaOpenssl), { root: JSON.stringify(root), now: NOW }).version, 3);
    const policy = PinPolicy.fromBundle(viaOpenssl, { root, now: NOW });
    assert.equal(policy.bundleVersion, 3);
    assert.equal(policy.lookup ? policy.lookup("api.example.com").host : "api.example.com", "api.example.com");
    assert.equal(new PinPolicy(POLICY()).bundleVersion, undefined);
  }
});

test("the signing input is the prefix plus RFC 8785 JSON, as computed independently", () => {
  const signed = { type: "certpin-policy", version: 2, expires: "2027-01-01T00:00:00Z", issuedAt: "2026-01-01T00:00:00Z", policy: { version: 1, domains: [{ pins: ["sha256/x"], host: "\u00e9.example", z: 2 ** 53 - 1, a: -0, "\u20ac": "\ud83d\ude00", "\r": "\u0001" }] } };
  assert.deepEqual(Buffer.from(bundleSigningInput(signed)), signingInput(signed));
  assert.ok(Buffer.from(bundleSigningInput(signed)).toString().startsWith('certpin-policy-v1\n{"expires"'));
  refused("BUNDLE_MALFORMED", () => bundleSigningInput({ type: "other" }));
  // Key order and whitespace do not matter to a signature; a value does.
  const root = makeRoot([ed]);
  const bundle = makeBundle([ed]);
  const reordered = `{"signatures":${JSON.stringify(bundle.signatures)},"signed":${JSON.stringify(Object.fromEntries(Object.entries(bundle.signed).reverse()), null, 3)}}`;
  assert.equal(verifyBundle(reordered, { root, now: NOW }).version, 1);
  assert.equal(canonical(bundle.signed).includes(" "), false);
});

test("numbers: safe integers are written as ECMAScript writes them; fractions and larger magnitudes are refused", () => {
  const numbers = [0, -0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 1e15, 100];
  for (let i = 0; i < 3000; i++) numbers.push(Math.floor((Math.random() * 2 - 1) * Number.MAX_SAFE_INTEGER));
  const signed = { type: "certpin-policy", numbers };
  assert.equal(Buffer.from(bundleSigningInput(signed)).toString(), signingInput(signed).toString());
  assert.equal(Buffer.from(bundleSigningInput('{"type":"certpin-policy","n":[1.0,1e2,-0]}')).toString(), 'certpin-policy-v1\n{"n":[1,100,0],"type":"certpin-policy"}');
  for (const bad of ["1.5", "9007199254740992", "1e21", "0.1", "-9007199254740992"]) {
    refused("BUNDLE_MALFORMED", () => bundleSigningInput(`{"type":"certpin-policy","n":${bad}}`));
  }
});

test("a byte changed anywhere in `signed` fails (BUNDLE_BAD_SIGNATURE), never passes", () => {
  const root = makeRoot([ec]);
  const text = JSON.stringify(makeBundle([ec]));
  const start = text.indexOf('"signed":') + '"signed":'.length;
  const end = text.indexOf(',"signatures"');
  let changed = 0;
  for (let i = start; i < end; i++) {
    const c = text[i];
    const replacement = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : /[a-zA-Z]/.test(c) ? (c === "z" ? "y" : String.fromCharCode(c.charCodeAt(0) + 1)) : null;
    if (replacement === null) continue;
    const tampered = text.slice(0, i) + replacement + text.slice(i + 1);
    assert.throws(() => verifyBundle(tampered, { root, now: NOW }), (e) => {
      assert.equal(e.name, "CertpinError");
      assert.match(e.code, /^BUNDLE_(BAD_SIGNATURE|MALFORMED|POLICY_INVALID|EXPIRED|ISSUED_IN_FUTURE)$/, `${i}: ${e.code} ${e.message}`);
      return true;
    }, `byte ${i} (${c} -> ${replacement}) passed`);
    changed++;
  }
  assert.ok(changed > 100, `${changed}`);
  // A flipped signature byte, too.
  const bundle = makeBundle([ec]);
  const sig = Buffer.from(bundle.signatures[0].sig, "base64");
  sig[sig.length - 1] ^= 1;
  bundle.signatures[0].sig = sig.toString("base64");
  refused("BUNDLE_BAD_SIGNATURE", () => verifyBundle(bundle, { root, now: NOW }));
});

test("threshold 2 of 3: two distinct keys pass, one key signing twice fails", () => {
  const root = makeRoot([ed, ec, third], { threshold: 2 });
  assert.deepEqual(verifyBundle(makeBundle([ed, ec]), { root, now: NOW }).signedBy, [ed.keyId, ec.keyId]);
  const once = makeBundle([ed]);
  refused("BUNDLE_THRESHOLD", () => verifyBundle(once, { root, now: NOW }));
  // The same key twice: two different valid signatures (P-256 is randomised) and the same one twice.
  const twice = makeBundle([ec, ec]);
  assert.notEqual(twice.signatures[0].sig, twice.signatures[1].sig);
  refused("BUNDLE_THRESHOLD", () => verifyBundle(twice, { root, now: NOW }));
  const repeated = { signed: once.signed, signatures: [once.signatures[0], once.signatures[0]] };
  assert.throws(() => verifyBundle(repeated, { root, now: NOW }), (e) => e.code === "BUNDLE_THRESHOLD" && e.valid === 1 && e.threshold === 2);
});

test("rollback, freeze, future issuedAt, unknown key and wrong algorithm fail with their codes", () => {
  const root = makeRoot([ed, ec]);
  const bundle = makeBundle([ed], { version: 5 });
  assert.equal(verifyBundle(bundle, { root, now: NOW, minVersion: 5 }).version, 5);
  assert.throws(() => verifyBundle(bundle, { root, now: NOW, minVersion: 6 }), (e) => e.code === "BUNDLE_ROLLBACK" && e.version === 5 && e.minVersion === 6);
  refused("BUNDLE_EXPIRED", () => verifyBundle(bundle, { root, now: Date.parse("2027-06-01T00:00:00Z") }));
  assert.equal(verifyBundle(bundle, { root, now: Date.parse("2027-05-31T23:59:59Z") }).version, 5);
  // issuedAt may be at most 300 s ahead of now.
  refused("BUNDLE_ISSUED_IN_FUTURE", () => verifyBundle(bundle, { root, now: Date.parse("2026-06-01T00:00:00Z") - 301_000 }));
  assert.equal(verifyBundle(bundle, { root, now: Date.parse("2026-06-01T00:00:00Z") - 300_000 }).version, 5);
  const foreign = makeBundle([ed, stranger]);
  assert.throws(() => verifyBundle(foreign, { root, now: NOW }), (e) => e.code === "BUNDLE_UNKNOWN_KEY" && e.keyId === stranger.keyId);
  // Wrong algorithm: an Ed25519 signature presented under the P-256 key's id, and a
  // P-256 key signing with SHA-384; a root listing an RSA or P-384 key is refused.
  const edSig = signWith(ed, bundle.signed);
  refused("BUNDLE_BAD_SIGNATURE", () => verifyBundle({ signed: bundle.signed, signatures: [{ keyId: ec.keyId, sig: edSig.sig }] }, { root, now: NOW }));
  const sha384 = crypto384(ec, bundle.signed);
  refused("BUNDLE_BAD_SIGNATURE", () => verifyBundle({ signed: bundle.signed, signatures: [sha384] }, { root, now: NOW }));
  for (const kind of ["rsa", "p384"]) {
    const key = newKey(kind);
    const signed = { type: "certpin-root", version: 1, expires: "2030-01-01T00:00:00Z", threshold: 1, keys: [{ keyId: key.keyId, publicKey: key.publicKeyBase64 }] };
    refused("ROOT_KEY_UNSUPPORTED", () => verifyBundle(bundle, { root: { signed, signatures: [{ keyId: key.keyId, sig: "AAAA" }] }, now: NOW }));
  }
});

function crypto384(key, signed) {
  return { keyId: key.keyId, sig: cryptoSign("sha384", key, signed) };
}
import { sign as nodeSign } from "node:crypto";
function cryptoSign(hash, key, signed) {
  return nodeSign(hash, signingInput(signed), { key: key.privateKey, dsaEncoding: "der" }).toString("base64");
}

test("malformed envelopes and invalid inner policies name their path", () => {
  const root = makeRoot([ed]);
  const good = makeBundle([ed]);
  const cases = [
    ["{", "$"],
    [JSON.stringify({ ...good, extra: 1 }), "$.extra"],
    [JSON.stringify({ signed: good.signed, signatures: [] }), "$.signatures"],
    [JSON.stringify({ signed: { ...good.signed, version: 1.5 }, signatures: good.signatures }), "$"],
    [JSON.stringify({ signed: { ...good.signed, version: 0 }, signatures: good.signatures }), "$.signed.version"],
    [JSON.stringify({ signed: { ...good.signed, expires: "soon" }, signatures: good.signatures }), "$.signed.expires"],
    [JSON.stringify({ signed: { ...good.signed, type: "certpin-root" }, signatures: good.signatures }), "$.signed.type"],
    [JSON.stringify({ signed: good.signed, signatures: [{ keyId: ed.keyId, sig: "!!" }] }), "$.signatures[0].sig"],
    [`{"signed":${JSON.stringify(good.signed)},"signed":${JSON.stringify(good.signed)},"signatures":[]}`, "$"],
    ["x".repeat(400 * 1024), "$"],
  ];
  for (const [text, path] of cases) {
    assert.throws(() => verifyBundle(text, { root, now: NOW }), (e) => e.code === "BUNDLE_MALFORMED" && e.path === path, `${path}: ${text.slice(0, 80)}`);
  }
  const badPolicy = makeBundle([ed], { policy: { version: 1, domains: [{ host: "a.example", pins: ["sha256/AAAA"] }] } });
  assert.throws(() => verifyBundle(badPolicy, { root, now: NOW }), (e) => e.code === "BUNDLE_POLICY_INVALID" && e.path === "signed.policy.domains[0].pins[0]", "policy path");
  // A forged policy is never interpreted: the signature check comes first.
  const forged = { signed: { ...badPolicy.signed }, signatures: good.signatures };
  refused("BUNDLE_BAD_SIGNATURE", () => verifyBundle(forged, { root, now: NOW }));
  refused("INVALID_ARGUMENT", () => verifyBundle(good, { now: NOW }));
  refused("ROOT_MALFORMED", () => verifyBundle(good, { root: "[]", now: NOW }));
  refused("ROOT_EXPIRED", () => verifyBundle(good, { root: makeRoot([ed], { expires: "2026-06-15T00:00:00Z" }), now: NOW }));
  const tamperedRoot = makeRoot([ed, ec]);
  tamperedRoot.signed.threshold = 2;
  refused("ROOT_BAD_SIGNATURE", () => verifyBundle(good, { root: tamperedRoot, now: NOW }));
  refused("ROOT_THRESHOLD", () => verifyBundle(good, { root: makeRoot([ed, ec], { threshold: 2, signers: [ed] }), now: NOW }));
});

test("root rotation: the chain 1 -> 2 -> 3 is followed; a rotation signed only by the new keys, or skipping a version, is refused", () => {
  const k1 = newKey("ed25519");
  const k2 = newKey("p256");
  const k3 = newKey("ed25519");
  const r1 = makeRoot([k1]);
  const r2 = makeRoot([k2], { version: 2, signers: [k1, k2] });
  const r3 = makeRoot([k3], { version: 3, signers: [k2, k3] });
  assert.deepEqual(updateRoot(r1, r2, { now: NOW }), r2);
  assert.deepEqual(updateRoot(updateRoot(r1, r2, { now: NOW }), r3, { now: NOW }), r3);
  assert.deepEqual(updateRoot(r1, [r2, r3], { now: NOW }), r3);
  // The new root's keys sign bundles; the old one's no longer do.
  assert.equal(verifyBundle(makeBundle([k3]), { root: r3, now: NOW }).version, 1);
  refused("BUNDLE_UNKNOWN_KEY", () => verifyBundle(makeBundle([k1]), { root: r3, now: NOW }));
  const onlyNew = makeRoot([k2], { version: 2, signers: [k2] });
  assert.throws(() => updateRoot(r1, onlyNew, { now: NOW }), (e) => e.code === "ROOT_THRESHOLD" && /previous root/.test(e.message));
  const onlyOld = makeRoot([k2], { version: 2, signers: [k1] });
  assert.throws(() => updateRoot(r1, onlyOld, { now: NOW }), (e) => e.code === "ROOT_THRESHOLD" && /its own/.test(e.message));
  assert.throws(() => updateRoot(r1, r3, { now: NOW }), (e) => e.code === "ROOT_VERSION" && e.expected === 2 && e.version === 3);
  refused("ROOT_VERSION", () => updateRoot(r2, r2, { now: NOW }));
  refused("ROOT_UNKNOWN_KEY", () => updateRoot(r1, makeRoot([k2], { version: 2, signers: [k1, k2, stranger] }), { now: NOW }));
  refused("ROOT_EXPIRED", () => updateRoot(r1, makeRoot([k2], { version: 2, signers: [k1, k2], expires: "2026-01-01T00:00:00Z" }), { now: NOW }));
  // 2-of-2 old threshold: one old key is not enough, however often it signs.
  const r1b = makeRoot([k1, k3], { threshold: 2 });
  refused("ROOT_THRESHOLD", () => updateRoot(r1b, makeRoot([k2], { version: 2, signers: [k1, k1, k2] }), { now: NOW }));
  assert.equal(updateRoot(r1b, makeRoot([k2], { version: 2, signers: [k1, k3, k2] }), { now: NOW }).signed.version, 2);
});

// ---- The CLI, as a user runs it ----

const require = createRequire(import.meta.url);
const pkgJsonPath = require.resolve("certpin/package.json");
const BIN = join(dirname(pkgJsonPath), JSON.parse(readFileSync(pkgJsonPath, "utf8")).bin.certpin);
function cli(args, input) {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1" }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

test("CLI: keygen, root init, sign, co-sign, verify (0/1/2), root rotate", async () => {
  const dir = mkdtempSync(join(tmpdir(), "certpin-bundle-cli-"));
  const f = (name) => join(dir, name);
  for (const [name, alg] of [["a.key", "ed25519"], ["b.key", "p256"], ["c.key", "ed25519"]]) {
    const r = await cli(["keygen", "--algorithm", alg, "--out", f(name)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(f(name)).mode & 0o777, 0o600);
    assert.match(readFileSync(f(name), "utf8"), /^-----BEGIN PRIVATE KEY-----/);
  }
  assert.equal((await cli(["keygen", "--algorithm", "ed25519", "--out", f("a.key")])).code, 2, "never overwrites a key");
  assert.equal((await cli(["keygen", "--algorithm", "rsa", "--out", f("x.key")])).code, 2);
  let r = await cli(["root", "init", "--key", f("a.key"), "--key", f("b.key"), "--threshold", "2", "--expires", "2030-01-01", "--out", f("root.json")]);
  assert.equal(r.code, 0, r.stderr);
  const root = JSON.parse(readFileSync(f("root.json"), "utf8"));
  assert.equal(root.signed.threshold, 2);
  assert.equal(root.signed.expires, "2030-01-01T00:00:00Z");
  writeFileSync(f("policy.json"), JSON.stringify(POLICY()));
  r = await cli(["sign", f("policy.json"), "--key", f("a.key"), "--version", "7", "--expires", "30d", "--out", f("bundle.json")]);
  assert.equal(r.code, 0, r.stderr);
  r = await cli(["verify", f("bundle.json"), "--root", f("root.json")]);
  assert.equal(r.code, 1, "one of two signatures");
  assert.match(r.stdout, /BUNDLE_THRESHOLD/);
  // The second signature, with the key read from standard input.
  r = await cli(["sign", "--key", "-", "--add-to", f("bundle.json"), "--out", f("bundle.json")], readFileSync(f("b.key")));
  assert.equal(r.code, 0, r.stderr);
  r = await cli(["verify", f("bundle.json"), "--root", f("root.json"), "--json"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).version, 7);
  // Independent check of what the CLI signed: node:crypto over the JS canonical form.
  const bundle = JSON.parse(readFileSync(f("bundle.json"), "utf8"));
  const { verify, createPublicKey } = await import("node:crypto");
  for (const s of bundle.signatures) {
    const key = root.signed.keys.find((k) => k.keyId === s.keyId);
    const pub = createPublicKey({ key: Buffer.from(key.publicKey, "base64"), format: "der", type: "spki" });
    const hash = pub.asymmetricKeyType === "ed25519" ? null : "sha256";
    assert.ok(verify(hash, signingInput(bundle.signed), pub.asymmetricKeyType === "ed25519" ? pub : { key: pub, dsaEncoding: "der" }, Buffer.from(s.sig, "base64")));
  }
  assert.equal((await cli(["sign", "--key", f("a.key"), "--add-to", f("bundle.json")])).code, 2, "a key signs once");
  assert.equal((await cli(["verify", f("bundle.json")])).code, 2, "usage");
  assert.equal((await cli(["verify", f("bundle.json"), "--root", f("root.json"), "--min-version", "8"])).code, 1);
  assert.equal((await cli(["sign", f("policy.json"), "--key", f("a.key"), "--version", "1", "--expires", "30d", "extra"])).code, 2);
  writeFileSync(f("bad-policy.json"), JSON.stringify({ version: 1, domains: [{ host: "a", pins: [] }] }));
  r = await cli(["sign", f("bad-policy.json"), "--key", f("a.key"), "--version", "1", "--expires", "30d"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /POLICY_INVALID/);
  // Rotation: new keys c (and b kept), signed by a threshold of the old (a, b) and the new.
  r = await cli(["root", "rotate", f("root.json"), "--key", f("b.key"), "--key", f("c.key"), "--sign-with", f("a.key"), "--sign-with", f("b.key"), "--threshold", "1", "--expires", "365d", "--out", f("root2.json")]);
  assert.equal(r.code, 0, r.stderr);
  const root2 = JSON.parse(readFileSync(f("root2.json"), "utf8"));
  assert.equal(root2.signed.version, 2);
  assert.deepEqual(updateRoot(root, root2), root2);
  r = await cli(["root", "rotate", f("root.json"), "--key", f("c.key"), "--sign-with", f("a.key"), "--threshold", "1", "--expires", "365d", "--out", f("root-bad.json")]);
  assert.equal(r.code, 2, "one old key of a 2-of-2 root cannot rotate it");
  assert.match(r.stderr, /ROOT_THRESHOLD/);
});

test("the pure-Rust verifier (browsers, workerd) gives the same answers as node:crypto", async () => {
  const { setNativeVerifier } = await import("certpin");
  const { createNodeVerifier } = require(join(dirname(pkgJsonPath), "node-verifier.cjs"));
  setNativeVerifier(null);
  try {
    for (const key of [ed, ec]) {
      const root = makeRoot([key]);
      const bundle = makeBundle([key], { version: 4 });
      assert.equal(verifyBundle(bundle, { root, now: NOW }).version, 4);
      assert.equal(verifyBundle({ signed: bundle.signed, signatures: [signWithOpenssl(key, bundle.signed)] }, { root, now: NOW }).version, 4);
      refused("BUNDLE_BAD_SIGNATURE", () => verifyBundle({ signed: { ...bundle.signed, version: 5 }, signatures: bundle.signatures }, { root, now: NOW }));
    }
    const k1 = newKey("p256");
    const k2 = newKey("ed25519");
    const r1 = makeRoot([k1]);
    assert.equal(updateRoot(r1, makeRoot([k2], { version: 2, signers: [k1, k2] }), { now: NOW }).signed.version, 2);
    refused("ROOT_THRESHOLD", () => updateRoot(r1, makeRoot([k2], { version: 2, signers: [k2] }), { now: NOW }));
  } finally {
    setNativeVerifier(createNodeVerifier());
  }
});

// Review: an Ed25519 key of small order (here the identity point, raw 01 00..00) has
// signatures anyone can make: R = identity, S = 0 satisfies [S]B = R + [k]A for every
// message, and node:crypto (OpenSSL) accepts it (checked here first). A root listing such
// a key next to one real key would let that one key meet a threshold of 2 on Node and
// Deno; it must be refused as a root key.
test("a small-order Ed25519 key is refused as a root key (its signatures can be forged)", async () => {
  const crypto = await import("node:crypto");
  const raw = Buffer.alloc(32);
  raw[0] = 1;
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
  const forged = Buffer.concat([raw, Buffer.alloc(32)]).toString("base64");
  const weakPublic = crypto.createPublicKey({ key: spki, format: "der", type: "spki" });
  assert.equal(crypto.verify(null, Buffer.from("any message"), weakPublic, Buffer.from(forged, "base64")), true);
  const weak = {
    kind: "ed25519",
    publicKeyBase64: spki.toString("base64"),
    keyId: `sha256/${crypto.createHash("sha256").update(spki).digest("base64")}`,
  };
  const signed = {
    type: "certpin-root",
    version: 1,
    expires: "2030-01-01T00:00:00Z",
    threshold: 2,
    keys: [ed, weak].map((k) => ({ keyId: k.keyId, publicKey: k.publicKeyBase64 })),
  };
  const root = { signed, signatures: [signWith(ed, signed), { keyId: weak.keyId, sig: forged }] };
  const bundle = makeBundle([ed]);
  bundle.signatures.push({ keyId: weak.keyId, sig: forged });
  refused("ROOT_KEY_UNSUPPORTED", () => verifyBundle(bundle, { root, now: NOW }));
});
