// No leaks: many calls of each function, with good and with bad input, leave the wasm
// linear memory and the JS heap flat. npm test runs CERTPIN_LEAK_CALLS (default 20,000)
// calls per case; `npm run leak [-- CALLS]` runs 1,000,000 and prints each case's growth.
// Both run node with --expose-gc, so the heap is collected before each reading.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as certpin from "certpin";
import { fixture, pemBlocks, pinOfSpki, spkiOfCert } from "../support/helpers.mjs";

const CALLS = Number(process.env.CERTPIN_LEAK_CALLS || 20_000);
// Wasm memory never shrinks; a leak of even 16 bytes per call over the run would pass
// this bound only for runs shorter than 65,536 calls, so the bound scales with CALLS.
const WASM_TOLERANCE = Math.max(1 << 20, CALLS * 4);
const HEAP_TOLERANCE = 8 << 20;
const NOW = Date.UTC(2027, 0, 1);

const ecChain = fixture("ec-chain.pem");
const ders = pemBlocks(ecChain).map((b) => new Uint8Array(b.der));
const pins = ders.map((der) => pinOfSpki(spkiOfCert(der)));
const policyDoc = { version: 1, domains: [{ host: "ec.example.com", pins: [pins[1], pins[2]] }] };
const has = (name) => typeof certpin[name] === "function";

const cases = [
  ["parseChain, good", () => certpin.parseChain(ders)],
  ["parseChain, bad", () => certpin.parseChain(ders[0].slice(0, 200))],
  ["computePins, good", () => certpin.computePins(ecChain)],
  ["computePins, bad", () => certpin.computePins("-----BEGIN CERTIFICATE-----\nAA!A\n-----END CERTIFICATE-----")],
  ["parsePin, good", () => certpin.parsePin(pins[0])],
  ["parsePin, bad", () => certpin.parsePin("sha256/short")],
  ["formatPin, good", () => certpin.formatPin(pins[0], "tlsa")],
  ["formatPin, bad", () => certpin.formatPin(pins[0], "nope")],
  ...(has("checkPins")
    ? [
        ["checkPins, good", () => certpin.checkPins(ders, [pins[1]], { hostname: "ec.example.com", now: NOW })],
        ["checkPins, bad", () => certpin.checkPins(ders, ["sha256/x"], { now: NOW })],
      ]
    : []),
  ...(has("diagnose") ? [["diagnose, good", () => certpin.diagnose(ders, { hostname: "ec.example.com", now: NOW })]] : []),
  ...(has("PinPolicy")
    ? [
        ["PinPolicy new+check+free", () => { const p = new certpin.PinPolicy(policyDoc); p.check(ders, { hostname: "ec.example.com", now: NOW }); p.free(); }],
        ["PinPolicy.check, one policy, chain remembered", (() => { const p = new certpin.PinPolicy(policyDoc); return () => p.check(ders, { hostname: "ec.example.com", now: NOW }); })()],
        ["PinPolicy.check, one policy, a new chain each call", (() => {
          // The memo holds 32 chains: cycling through 40 byte-different inputs (text
          // before the PEM) makes every call a miss and an eviction.
          const p = new certpin.PinPolicy(policyDoc);
          const inputs = Array.from({ length: 40 }, (_, i) => `${"#".repeat(i)}\n${ecChain}`);
          let i = 0;
          return () => p.check(inputs[i++ % inputs.length], { hostname: "ec.example.com", now: NOW, verifySignatures: false });
        })()],
        ["PinPolicy, bad document", () => new certpin.PinPolicy({ version: 1, domains: [{ host: "x", pins: [], typo: 1 }] })],
        ["PinPolicy.export", (() => { const p = new certpin.PinPolicy(policyDoc); return () => p.export("android-nsc"); })()],
      ]
    : []),
];

const measure = () => {
  global.gc?.();
  global.gc?.();
  return { wasm: certpin.wasmMemoryBytes(), heap: process.memoryUsage().heapUsed };
};

// The calls run at module level, outside any test() callback, and the tests below assert
// what was measured. Inside a node:test callback Node itself retains heap per
// node:crypto call: a bare crypto.verify loop (no certpin at all) grew heapUsed by 14 MB
// over 300,000 calls inside test() and by nothing outside it, which made the verified
// cases (whose signatures node:crypto checks) look like leaks at 100,000 calls.
// CERTPIN_LEAK_ONLY (a regular expression) limits the cases run, for long runs.
const only = process.env.CERTPIN_LEAK_ONLY ? new RegExp(process.env.CERTPIN_LEAK_ONLY) : null;
const outcomes = new Map();
for (const [name, call] of cases) {
  if (only && !only.test(name)) continue;
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      try {
        call();
      } catch (error) {
        if (error?.name !== "CertpinError") throw error;
      }
    }
  };
  run(Math.min(2_000, CALLS)); // warm up: allocator pools, JIT, caches reach steady state
  const before = measure();
  run(CALLS);
  const after = measure();
  outcomes.set(name, { wasmGrowth: after.wasm - before.wasm, heapGrowth: after.heap - before.heap });
}

for (const [name, { wasmGrowth, heapGrowth }] of outcomes) {
  test(`no leak: ${name} × ${CALLS.toLocaleString("en")}`, () => {
    assert.ok(wasmGrowth <= WASM_TOLERANCE, `wasm memory grew by ${wasmGrowth} bytes`);
    assert.ok(heapGrowth <= HEAP_TOLERANCE, `the JS heap grew by ${heapGrowth} bytes`);
    if (process.env.CERTPIN_LEAK_REPORT) console.log(`${name}: wasm +${wasmGrowth} B, heap ${heapGrowth >= 0 ? "+" : ""}${heapGrowth} B over ${CALLS} calls`);
  });
}

test("PinPolicy objects are released by free() and by the FinalizationRegistry", async (t) => {
  if (!has("PinPolicy")) return t.skip("needs PinPolicy");
  if (!global.gc) return t.skip("needs node --expose-gc (npm test passes it)");
  const collect = async () => {
    for (let i = 0; i < 5; i++) {
      global.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  // Wasm memory never shrinks: 5,000 policies alive at once set a high-water mark. Once
  // the registry has freed a dropped batch, the next batch reuses that memory, so further
  // identical cycles must not grow it (without the registry each would grow it by about
  // 5 MB). The mark is taken after two cycles: after 1,000,000-call runs of the cases
  // above (npm run leak) the allocator's free lists made the second cycle grow memory
  // once, by 2 pages, and the ten cycles after it not at all.
  const cycle = async () => {
    for (let i = 0; i < 5_000; i++) new certpin.PinPolicy(policyDoc); // dropped, never freed by hand
    await collect();
  };
  await cycle();
  await cycle();
  const afterFirst = certpin.wasmMemoryBytes();
  await cycle();
  await cycle();
  await cycle();
  assert.equal(certpin.wasmMemoryBytes(), afterFirst, "dropped policies were not released");
  for (let i = 0; i < 10_000; i++) new certpin.PinPolicy(policyDoc).free();
  assert.equal(certpin.wasmMemoryBytes(), afterFirst, "free() did not release policies");
  const freed = new certpin.PinPolicy(policyDoc);
  freed.free();
  assert.throws(() => freed.check(ders, { hostname: "ec.example.com" }), (e) => e instanceof Error);
});
