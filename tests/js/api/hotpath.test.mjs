// The repeated check's shortcuts (src/check/memo.rs, src/wasm/pin_policy.rs): a PinPolicy
// gives a chain's last verdict again when nothing but the time changed and no validity or
// expiry boundary lies between, hands out a copy of its last verdict's object when the new
// verdict is equal to it, and remembers the canonical form of recent host names. Whatever a policy reused, every verdict it returns must equal, field
// by field and in the same key order, the verdict of a fresh policy that reused nothing,
// over inputs of every status, with calls that repeat the last one (reused) and calls
// that change one thing (chain, host, time, options) in between.
import test from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, pemBlocks } from "../support/helpers.mjs";
import { PinPolicy, computePins } from "certpin";

const ders = (name) => pemBlocks(readFileSync(join(FIXTURES, name), "utf8")).map((b) => new Uint8Array(b.der));
const bypassDir = join(FIXTURES, "path", "bypass");
const bypass = readdirSync(bypassDir).filter((n) => n.endsWith(".pem")).sort().map((n) => ders(join("path", "bypass", n)));

const rsa = ders("rsa-chain.pem");
const ec = ders("ec-chain.pem");
const expiredLeaf = ders("ec-p256-expired-leaf.pem");
const honest = ders(join("path", "bypass", "honest.pem"));
const [rsaLeafPin, rsaIntermediatePin] = computePins(rsa);
const [, ecIntermediatePin, ecRootPin] = computePins(ec);
const [, honestIntermediatePin] = computePins(honest);
const OTHER = `sha256/${Buffer.alloc(32, 7).toString("base64")}`;

const document = {
  version: 1,
  domains: [
    { host: "www.example.com", pins: [honestIntermediatePin, { pin: OTHER, state: "candidate" }] },
    { host: "rsa.example.com", pins: [rsaIntermediatePin, { pin: rsaLeafPin, state: "candidate", position: "ca" }] },
    { host: "ec.example.com", pins: [OTHER, { pin: ecRootPin, position: "ca" }], reportUri: "https://r.example/pkp" },
    { host: "report.example.com", mode: "report", pins: [OTHER], reportUri: "https://r.example/pkp" },
    { host: "revoked.ec.example.com", pins: [ecIntermediatePin, { pin: ecRootPin, state: "revoked" }] },
    { host: "old.example.com", pins: [OTHER], expires: "2020-01-01T00:00:00Z" },
    { host: "ct.ec.example.com", pins: [ecIntermediatePin], ct: "enforce" },
    { host: "staple.ec.example.com", pins: [ecIntermediatePin], revocation: "require-staple" },
    { host: "**.wild.example.com", pins: [OTHER] },
  ],
};

const NOW = Date.UTC(2026, 5, 1);
const hosts = [
  "www.example.com", "WWW.Example.COM.", "rsa.example.com", "ec.example.com", "report.example.com",
  "revoked.ec.example.com", "old.example.com", "ct.ec.example.com", "staple.ec.example.com", "a.b.wild.example.com",
  "unpinned.example.org", "127.1",
];
const chains = [rsa, ec, expiredLeaf, honest, [], ...bypass];
const times = [NOW, NOW + 1, Date.UTC(2000, 0, 1), Date.UTC(2099, 0, 1)];

function* calls() {
  for (const chain of chains) {
    for (const hostname of hosts) {
      for (const now of times) {
        for (const verifySignatures of [true, false]) {
          const options = { hostname, now, verifySignatures };
          yield [chain, options];
          // The same call again: the verdict text is reused when nothing changed.
          yield [chain, options];
        }
      }
    }
  }
}

test("a policy that reuses its last verdict text answers as a fresh policy, for every status", () => {
  const remembering = new PinPolicy(document);
  const statuses = new Set();
  let n = 0;
  for (const [chain, options] of calls()) {
    const fresh = new PinPolicy(document);
    const expected = fresh.check(chain, options);
    fresh.free();
    const got = remembering.check(chain, options);
    assert.deepStrictEqual(got, expected, `${n}: ${options.hostname} ${options.now} ${options.verifySignatures}`);
    assert.equal(JSON.stringify(got), JSON.stringify(expected));
    // Each verdict is a new object: changing one never changes the next.
    got.message = "changed";
    got.servedPins.push("changed");
    statuses.add(expected.status);
    n++;
  }
  remembering.free();
  for (const status of [
    "no-chain", "invalid-chain", "hostname-mismatch", "cert-expired", "cert-revoked", "revoked",
    "ct-insufficient", "mismatch", "matched", "not-pinned", "policy-expired",
  ]) {
    assert.ok(statuses.has(status), `no input gave ${status} (got ${[...statuses].join(", ")})`);
  }
});

// A verdict given again is a copy of the last one's object: it must be as deep a copy as
// JSON.parse would make (plain objects and arrays with the same own properties, in the
// same order, with the same attributes), and changing anything in it, at any depth, must
// never show in the next verdict.
function describe(value) {
  if (value === null || typeof value !== "object") return value;
  const own = Object.getOwnPropertyNames(value).map((key) => {
    const { value: v, writable, enumerable, configurable, get, set } = Object.getOwnPropertyDescriptor(value, key);
    return [key, writable, enumerable, configurable, get, set, describe(v)];
  });
  return { array: Array.isArray(value), proto: Object.getPrototypeOf(value) === (Array.isArray(value) ? Array.prototype : Object.prototype), own };
}

function scribble(value) {
  if (Array.isArray(value)) {
    value.forEach(scribble);
    value.push("changed");
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (value[key] !== null && typeof value[key] === "object") scribble(value[key]);
      else value[key] = "changed";
    }
    value.added = "changed";
  }
}

test("a verdict given again is a deep copy, as JSON.parse makes it, for matched, candidate, not-pinned and expired entries", () => {
  const cases = [
    [rsa, { hostname: "rsa.example.com", now: NOW }],
    [rsa, { hostname: "rsa.example.com", now: NOW, verifySignatures: false }],
    [ec, { hostname: "revoked.ec.example.com", now: NOW }],
    [honest, { hostname: "www.example.com", now: NOW }],
    [ec, { hostname: "unpinned.example.org", now: NOW }],
    [ec, { hostname: "old.example.com", now: NOW }],
  ];
  for (const [chain, options] of cases) {
    const remembering = new PinPolicy(document);
    const fresh = new PinPolicy(document);
    const expected = fresh.check(chain, options);
    fresh.free();
    const pristine = JSON.stringify(expected);
    for (let i = 0; i < 4; i++) {
      const got = remembering.check(chain, { ...options, now: options.now + i });
      assert.deepStrictEqual(describe(got), describe(JSON.parse(pristine)), `${options.hostname} call ${i}`);
      assert.equal(JSON.stringify(got), pristine, `${options.hostname} call ${i}`);
      scribble(got);
    }
    remembering.free();
  }
});
