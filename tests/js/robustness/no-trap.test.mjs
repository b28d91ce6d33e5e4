// No input traps the wasm instance: 100,000 mutated inputs (bit flips, truncations,
// splices of real certificates, absurd lengths, deep nesting, PEM with junk, mixed
// arrays, absurd policies and pins) through every exported function of the built
// package. Only CertpinError may be thrown (never a WebAssembly.RuntimeError, a
// TypeError from the glue or a string); every call returns within a bound; afterwards
// the module still computes node:crypto's pins. The PRNG is seeded: a failure names
// the seed and the iteration, and replays exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as certpin from "certpin";
import { fixture, pemBlocks, pinOfSpki, spkiOfCert } from "../support/helpers.mjs";

const ITERATIONS = Number(process.env.CERTPIN_NO_TRAP_ITERATIONS || 100_000);
const SEED = Number(process.env.CERTPIN_NO_TRAP_SEED || 0x5eed);
const CALL_BOUND_MS = 2_000;

function prng(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const FIXTURES = ["rsa-chain.pem", "ec-chain.pem", "ed25519.pem", "rsa4096.pem", "ec-p384.pem", "rsa2048.csr.pem", "ec-p256.pub.pem", "ec-chain-with-text.pem", "rsa-chain-crlf.pem"];
const TEXTS = FIXTURES.map(fixture);
const DERS = TEXTS.flatMap((t) => pemBlocks(t).map((b) => new Uint8Array(b.der)));
const PINS = DERS.slice(0, 6).map((der) => {
  try {
    return pinOfSpki(spkiOfCert(der));
  } catch {
    return "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  }
});
const FORMATS = ["okhttp", "hpkp", "curl", "android", "trustkit", "tlsa", "hex", "base64", "base64url", "nope", ""];
const EXPORTS = ["hpkp", "hpkp-report-only", "okhttp", "android-nsc", "trustkit", "apple-ats", "curl", "tlsa", "bogus"];

function mutateBytes(rand, bytes) {
  const b = new Uint8Array(bytes);
  const kind = Math.floor(rand() * 7);
  const at = () => Math.floor(rand() * Math.max(1, b.length));
  switch (kind) {
    case 0: // bit flips
      for (let i = 0, n = 1 + Math.floor(rand() * 8); i < n && b.length; i++) b[at()] ^= 1 << Math.floor(rand() * 8);
      return b;
    case 1: // truncation
      return b.slice(0, at());
    case 2: { // splice two certificates
      const other = DERS[Math.floor(rand() * DERS.length)];
      const cut = at();
      const out = new Uint8Array(cut + other.length - Math.min(cut, other.length));
      out.set(b.slice(0, cut));
      out.set(other.slice(Math.min(cut, other.length)), cut);
      return out;
    }
    case 3: { // absurd length field: long-form length with huge values
      const i = at();
      const huge = [0x84, 0xff, 0xff, 0xff, 0xff];
      const out = new Uint8Array(b.length + huge.length);
      out.set(b.slice(0, i));
      out.set(huge, i);
      out.set(b.slice(i), i + huge.length);
      return out;
    }
    case 4: { // deep nesting of SEQUENCEs with indefinite or tiny lengths
      const depth = 1 + Math.floor(rand() * 5000);
      const out = new Uint8Array(depth * 2);
      for (let i = 0; i < depth; i++) {
        out[2 * i] = rand() < 0.5 ? 0x30 : 0xa3;
        out[2 * i + 1] = rand() < 0.5 ? 0x80 : 0x82;
      }
      return out;
    }
    case 5: // random bytes
      return Uint8Array.from({ length: Math.floor(rand() * 2048) }, () => Math.floor(rand() * 256));
    default: // overwrite a run with one value
      b.fill(Math.floor(rand() * 256), at(), at());
      return b;
  }
}

function mutateText(rand, text) {
  const kind = Math.floor(rand() * 6);
  const at = () => Math.floor(rand() * Math.max(1, text.length));
  switch (kind) {
    case 0:
      return text.slice(0, at());
    case 1: {
      const i = at();
      return text.slice(0, i) + String.fromCharCode(Math.floor(rand() * 0x3000)) + text.slice(i + 1);
    }
    case 2:
      return text.replace(/CERTIFICATE/g, rand() < 0.5 ? "CERTIFICATE REQUEST" : "PRIVATE KEY");
    case 3:
      return `junk ${"-".repeat(Math.floor(rand() * 20))}BEGIN ${text}\n-----END CERTIFICATE-----`;
    case 4:
      return Buffer.from(mutateBytes(rand, pemBlocks(text)[0]?.der ?? new Uint8Array([0x30]))).toString("base64");
    default:
      return text.repeat(1 + Math.floor(rand() * 20));
  }
}

function chainInput(rand) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  switch (Math.floor(rand() * 8)) {
    case 0: return pick(TEXTS);
    case 1: return mutateText(rand, pick(TEXTS));
    case 2: return mutateBytes(rand, pick(DERS));
    case 3: return mutateBytes(rand, pick(DERS)).buffer;
    case 4: return Array.from({ length: Math.floor(rand() * 20) }, () => (rand() < 0.5 ? mutateBytes(rand, pick(DERS)) : rand() < 0.5 ? pick(DERS) : pick(TEXTS)));
    case 5: return [pick(DERS), 42, null, { length: 3 }, "x"].slice(0, 1 + Math.floor(rand() * 5));
    case 6: return pick([undefined, null, 0, -1, 1e308, NaN, true, {}, [], "", new Uint8Array(0), new Float64Array(4), Symbol.iterator.description]);
    default: return pick(DERS).slice(0, 1 + Math.floor(rand() * 40));
  }
}

function pinInput(rand) {
  const pin = PINS[Math.floor(rand() * PINS.length)];
  switch (Math.floor(rand() * 7)) {
    case 0: return pin;
    case 1: return pin.slice(0, Math.floor(rand() * pin.length));
    case 2: return pin.replace(/[A-Za-z]/, "!");
    case 3: return `pin-sha256="${pin.slice(7)}`;
    case 4: return `3 1 ${Math.floor(rand() * 4)} ${Buffer.from(pin.slice(7), "base64").toString("hex")}`;
    case 5: return "A".repeat(Math.floor(rand() * 100_000));
    default: return [undefined, null, 7, {}, [pin]][Math.floor(rand() * 5)];
  }
}

function policyInput(rand) {
  const pin = () => (rand() < 0.8 ? PINS[Math.floor(rand() * PINS.length)] : pinInput(rand));
  const domain = () => {
    const d = { host: ["a.example.com", "*.example.com", "**.example.com", "*.*.x", "", "é.example", "x".repeat(300), 5][Math.floor(rand() * 8)], pins: [pin(), pin()] };
    if (rand() < 0.3) d.expires = ["2027-01-01", "2020-01-01T00:00:00Z", "never", 5][Math.floor(rand() * 4)];
    if (rand() < 0.3) d.mode = ["enforce", "report", "loud"][Math.floor(rand() * 3)];
    if (rand() < 0.2) d.includeSubdomains = rand() < 0.5 ? true : "yes";
    if (rand() < 0.1) d.unknownField = 1;
    if (rand() < 0.2) d.pins = [{ pin: pin(), state: ["active", "candidate", "revoked", "zombie"][Math.floor(rand() * 4)], position: ["any", "leaf", "ca", "root"][Math.floor(rand() * 4)] }];
    return d;
  };
  const doc = { version: rand() < 0.9 ? 1 : 2, domains: Array.from({ length: Math.floor(rand() * (rand() < 0.05 ? 2000 : 4)) }, domain) };
  switch (Math.floor(rand() * 6)) {
    case 0: return JSON.stringify(doc);
    case 1: return JSON.stringify(doc).slice(0, Math.floor(rand() * 200));
    case 2: return "[".repeat(Math.floor(rand() * 100_000));
    case 3: return [null, 5, "", "{}", [], { version: 1 }][Math.floor(rand() * 6)];
    default: return doc;
  }
}

const exported = (name) => typeof certpin[name] === "function";

let current = "?"; // the function being called, for failure messages

/** One call on a random function; returns the function's name. */
function oneCall(rand) {
  const kind = Math.floor(rand() * 10);
  const options = () => [undefined, { now: Date.UTC(2027, 0, 1) }, { hostname: "ec.example.com", now: new Date(Date.UTC(2027, 0, 1)) }, { bogus: 1 }, { now: "soon" }, 5][Math.floor(rand() * 6)];
  switch (kind) {
    case 0: current = "parseChain"; certpin.parseChain(chainInput(rand)); return "parseChain";
    case 1: current = "computePins"; certpin.computePins(chainInput(rand), rand() < 0.2 ? { algorithm: ["sha384", "sha512", "md5"][Math.floor(rand() * 3)] } : undefined); return "computePins";
    case 2: current = "parsePin"; certpin.parsePin(pinInput(rand)); return "parsePin";
    case 3: current = "formatPin"; certpin.formatPin(pinInput(rand), FORMATS[Math.floor(rand() * FORMATS.length)]); return "formatPin";
    case 4: current = "checkPins"; if (exported("checkPins")) certpin.checkPins(chainInput(rand), [pinInput(rand), pinInput(rand)], options()); return "checkPins";
    case 5: current = "diagnose"; if (exported("diagnose")) certpin.diagnose(chainInput(rand), options()); return "diagnose";
    case 6:
    case 7: {
      current = "PinPolicy";
      if (!exported("PinPolicy")) return "PinPolicy";
      const policy = new certpin.PinPolicy(policyInput(rand));
      try {
        const r = rand();
        if (r < 0.4) policy.check(chainInput(rand), { hostname: ["a.example.com", "b.example.com", "ec.example.com"][Math.floor(rand() * 3)], now: Date.UTC(2027, 0, 1) });
        else if (r < 0.6) policy.lint({ now: Date.UTC(2027, 0, 1), chain: rand() < 0.5 ? chainInput(rand) : undefined });
        else if (r < 0.9) policy.export(EXPORTS[Math.floor(rand() * EXPORTS.length)]);
        else policy.toJSON();
      } finally {
        policy.free();
      }
      return "PinPolicy";
    }
    case 8: {
      current = "fromHpkpHeader";
      if (!exported("PinPolicy")) return "fromHpkpHeader";
      const pin = PINS[Math.floor(rand() * PINS.length)].slice(7);
      const headers = [`pin-sha256="${pin}"; max-age=5`, `pin-sha256=${pin}; max-age=5`, `max-age=5; max-age=6`, `${"a;".repeat(Math.floor(rand() * 50_000))}`, mutateText(rand, `pin-sha256="${pin}"; pin-sha256="${pin}"; max-age=600; includeSubDomains; report-uri="https://r.example/"`)];
      certpin.PinPolicy.fromHpkpHeader(headers[Math.floor(rand() * headers.length)], ["example.com", "", "*.x"][Math.floor(rand() * 3)]).free();
      return "fromHpkpHeader";
    }
    default:
      current = "computePins";
      certpin.computePins(chainInput(rand));
      return "computePins";
  }
}

test(`no trap: ${ITERATIONS.toLocaleString("en")} mutated inputs through every export`, () => {
  const rand = prng(SEED);
  const codes = new Set(certpin.ERROR_CODES);
  const seenCodes = new Map();
  let slowest = { ms: 0 };
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    try {
      oneCall(rand);
    } catch (error) {
      const where = `seed ${SEED}, iteration ${i}, ${current}`;
      assert.ok(error instanceof Error, `${where}: threw a non-Error ${String(error)}`);
      assert.ok(!(error instanceof WebAssembly.RuntimeError), `${where}: wasm trap: ${error.message}`);
      assert.equal(error.name, "CertpinError", `${where}: ${error.name}: ${error.message}`);
      assert.ok(codes.has(error.code), `${where}: unknown code ${error.code}`);
      assert.ok(error.message.length > 0);
      seenCodes.set(error.code, (seenCodes.get(error.code) || 0) + 1);
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, i, name: current };
    assert.ok(ms < CALL_BOUND_MS, `seed ${SEED}, iteration ${i}: ${current} took ${ms.toFixed(0)} ms`);
  }
  // The module still works and still agrees with node:crypto.
  for (const der of DERS.slice(0, 3)) assert.deepEqual(certpin.computePins(der), [pinOfSpki(spkiOfCert(der))]);
  assert.ok(seenCodes.size >= 8, `the mutations should reach many error codes, saw ${[...seenCodes.keys()]}`);
  console.log(`no-trap: ${ITERATIONS} calls, slowest ${slowest.ms.toFixed(1)} ms (${slowest.name}, #${slowest.i}); codes: ${JSON.stringify(Object.fromEntries(seenCodes))}`);
});

// ---- Revocation: OCSP responses and CRLs ----
// Mutations of the openssl-made responses and CRLs (tests/revocation) through
// checkOcsp, checkCrl and PinPolicy.check's ocspResponse, with their own seeded PRNG so
// that the test above replays as before.
test("no trap: mutated OCSP responses and CRLs through checkOcsp, checkCrl and check", async () => {
  const { readFileSync, readdirSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { REVOCATION_FIXTURES: dir } = await import("../support/helpers.mjs");
  const bytes = (name) => new Uint8Array(readFileSync(join(dir, name)));
  const ocsp = readdirSync(dir).filter((f) => f.startsWith("ocsp-") && f.endsWith(".der")).map(bytes);
  const crls = readdirSync(dir).filter((f) => f.startsWith("crl-") && f.endsWith(".der")).map(bytes);
  const chains = ["good", "revoked", "muststaple", "unknown"].map((l) => readFileSync(join(dir, `${l}-chain.pem`), "utf8"));
  const now = Date.parse(readFileSync(join(dir, "now.txt"), "utf8").trim());
  const root = pemBlocks(readFileSync(join(dir, "root.pem"), "utf8"))[0].der;
  const policy = new certpin.PinPolicy({ version: 1, domains: [{ host: "**.example.com", pins: [pinOfSpki(spkiOfCert(root))], revocation: "check" }] });
  const rand = prng(SEED ^ 0x0c5b);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const evidence = (list) => (rand() < 0.1 ? pick([undefined, null, "x", 5, {}, new Uint8Array(0), new Uint8Array(70_000)]) : rand() < 0.1 ? pick(list) : mutateBytes(rand, pick(list)));
  const iterations = Math.max(1, Math.floor(ITERATIONS / 20));
  const codes = new Map();
  for (let i = 0; i < iterations; i++) {
    const kind = Math.floor(rand() * 3);
    const name = ["checkOcsp", "checkCrl", "PinPolicy.check"][kind];
    const t0 = performance.now();
    try {
      const chain = rand() < 0.9 ? pick(chains) : chainInput(rand);
      if (kind === 0) certpin.checkOcsp(chain, evidence(ocsp), { now });
      else if (kind === 1) certpin.checkCrl(chain, evidence(crls), { now });
      else policy.check(chain, { hostname: pick(["good.example.com", "revoked.example.com", "staple.example.com"]), now, ocspResponse: evidence(ocsp) });
    } catch (error) {
      const where = `seed ${SEED}, iteration ${i}, ${name}`;
      assert.ok(error instanceof Error, `${where}: threw a non-Error ${String(error)}`);
      assert.ok(!(error instanceof WebAssembly.RuntimeError), `${where}: wasm trap: ${error.message}`);
      assert.equal(error.name, "CertpinError", `${where}: ${error.name}: ${error.message}`);
      assert.ok(certpin.ERROR_CODES.includes(error.code), `${where}: unknown code ${error.code}`);
      codes.set(error.code, (codes.get(error.code) || 0) + 1);
    }
    const ms = performance.now() - t0;
    assert.ok(ms < CALL_BOUND_MS, `seed ${SEED}, iteration ${i}: ${name} took ${ms.toFixed(0)} ms`);
  }
  policy.free();
  for (const der of DERS.slice(0, 3)) assert.deepEqual(certpin.computePins(der), [pinOfSpki(spkiOfCert(der))]);
  assert.ok(codes.has("OCSP_INVALID") && codes.has("CRL_INVALID"), JSON.stringify(Object.fromEntries(codes)));
  console.log(`no-trap (revocation): ${iterations} calls; codes: ${JSON.stringify(Object.fromEntries(codes))}`);
});
