// Path semantics through the built package: the strict defaults, each
// relaxation as an explicit option of checkPins / PinPolicy.check, with both verifiers
// (node:crypto, which the Node entry installs, and the pure-Rust one in the wasm).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { checkPins, computePins, parseChain, setNativeVerifier, PinPolicy } from "certpin";

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const { createNodeVerifier } = require(join(dirname(require.resolve("certpin/package.json")), "node-verifier.cjs"));
const fx = (name) => readFileSync(join(ROOT, "tests", "fixtures", "path", name), "utf8");

function bothVerifiers(run) {
  const native = createNodeVerifier();
  for (const [name, verifier] of [["node:crypto", native], ["pure Rust", null]]) {
    setNativeVerifier(verifier);
    try {
      run(name);
    } finally {
      setNativeVerifier(native);
    }
  }
}

// A time inside the fixture's validity (generate.sh makes them valid from generation).
const nowFor = (pem) => Date.parse(parseChain(pem)[0].notBefore) + 86_400_000;

test("SHA-1 on the path is invalid-chain unless allowSha1", () => {
  const pem = fx("rsa2048-sha1.pem");
  const pins = computePins(pem).slice(1);
  bothVerifiers((name) => {
    const v = checkPins(pem, pins, { now: nowFor(pem) });
    assert.equal(v.status, "invalid-chain", name);
    assert.ok(v.findings.some((f) => f.code === "SHA1_SIGNATURE_REFUSED" && f.certIndex === 0), name);
    assert.equal(checkPins(pem, pins, { now: nowFor(pem), allowSha1: true }).status, "matched", name);
  });
});

test("RSA under 2048 bits is invalid-chain unless minRsaBits lowers the bar", () => {
  const pem = fx("rsa1024-sha256.pem");
  const pins = computePins(pem).slice(0, 1);
  bothVerifiers((name) => {
    const v = checkPins(pem, pins, { now: nowFor(pem) });
    assert.equal(v.status, "invalid-chain", name);
    assert.ok(v.findings.some((f) => f.code === "RSA_KEY_TOO_SMALL"), name);
    assert.equal(checkPins(pem, pins, { now: nowFor(pem), minRsaBits: 1024 }).status, "matched", name);
  });
});

test("the relaxation options are checked", () => {
  const pem = fx("rsa2048-sha256.pem");
  const pins = computePins(pem);
  for (const bad of [{ minRsaBits: 512 }, { minRsaBits: 4096 }, { minRsaBits: 1.5 }, { allowSha1: "yes" }, { allowCommonNameFallback: 1 }, { allowUnknownCriticalExtensions: null }]) {
    assert.throws(() => checkPins(pem, pins, bad), (e) => e.code === "INVALID_ARGUMENT", JSON.stringify(bad));
  }
  const policy = new PinPolicy({ version: 1, domains: [{ host: "rsa2048-sha256.fixture.test", pins: pins.map((pin) => ({ pin })) }] });
  try {
    const v = policy.check(pem, { hostname: "rsa2048-sha256.fixture.test", now: nowFor(pem), allowSha1: false, minRsaBits: 2048 });
    assert.equal(v.status, "matched", JSON.stringify(v.findings));
  } finally {
    policy.free?.();
  }
});

test("a keycert.pem (private key beside the chain) is checked, the key skipped and never quoted", () => {
  const pem = fx("rsa2048-sha256.pem");
  const key = fx("keys/leaf.pem");
  const secretLine = key.split("\n")[1];
  const v = checkPins(`${key}${pem}`, computePins(pem).slice(1), { now: nowFor(pem) });
  assert.equal(v.status, "matched");
  const skipped = v.findings.filter((f) => f.code === "PEM_BLOCK_SKIPPED");
  assert.equal(skipped.length, 1);
  assert.ok(!JSON.stringify(v).includes(secretLine));
  // Alone, the key is refused as before.
  assert.throws(() => checkPins(key, computePins(pem)), (e) => e.code === "UNSUPPORTED_INPUT" && !e.message.includes(secretLine));
});

test("the path budget's worst inputs stay bounded in both verifiers", () => {
  for (const name of ["rsa", "rsa4096", "p384", "p256"]) {
    const pem = readFileSync(join(ROOT, "bench", "fixtures", `budget-worst-${name}.pem`), "utf8");
    const pins = computePins(pem).slice(1, 2);
    bothVerifiers((verifier) => {
      const v = checkPins(pem, pins, { now: Date.UTC(2026, 5, 1) });
      assert.equal(v.status, "invalid-chain", `${name} ${verifier}`);
      assert.equal(v.findings.some((f) => f.code === "PATH_BUDGET_EXCEEDED"), name !== "p256", `${name} ${verifier}`);
    });
  }
});
