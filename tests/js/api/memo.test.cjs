'use strict';
// What a PinPolicy remembers between checks, through the built package in Node:
// a repeated check gives exactly the verdict of a first check by a fresh policy, for
// every bypass fixture and host; bytes changed in place in the caller's Uint8Array (or
// one byte of a copy) are never taken for the remembered chain; installing another
// verifier forgets remembered paths; options are read from own properties only.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const certpin = require('certpin');
const { createNodeVerifier } = require(path.join(path.dirname(require.resolve('certpin/package.json')), 'node-verifier.cjs'));

const bypassDir = path.join(__dirname, '..', '..', 'fixtures', 'path', 'bypass');
const NOW = Date.UTC(2026, 5, 1);
const HOST = 'www.example.com';

function ders(pem) {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)]
    .map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
}
const honest = ders(fs.readFileSync(path.join(bypassDir, 'honest.pem'), 'utf8'));
const [, intermediatePin, rootPin] = certpin.computePins(honest);
const document = {
  version: 1,
  domains: [
    { host: HOST, pins: [intermediatePin] },
    { host: 'example.com', pins: [{ pin: rootPin, position: 'ca' }] },
  ],
};

test('a repeated check equals a first check by a fresh policy, for every bypass fixture', () => {
  const remembering = new certpin.PinPolicy(document);
  const names = fs.readdirSync(bypassDir).filter((n) => n.endsWith('.pem')).sort();
  assert.ok(names.length >= 10, names.join(', '));
  for (let round = 0; round < 3; round++) {
    for (const name of names) {
      const chain = ders(fs.readFileSync(path.join(bypassDir, name), 'utf8'));
      for (const hostname of [HOST, 'example.com', 'unpinned.example.org']) {
        for (const verifySignatures of [true, false]) {
          const options = { hostname, now: NOW, verifySignatures };
          const fresh = new certpin.PinPolicy(document);
          const expected = fresh.check(chain, options);
          fresh.free();
          assert.deepEqual(remembering.check(chain, options), expected, `${name} ${hostname} ${verifySignatures} round ${round}`);
        }
      }
    }
  }
  remembering.free();
});

test('bytes changed in place are a new chain, never the remembered one', () => {
  const policy = new certpin.PinPolicy(document);
  const chain = honest.map((d) => new Uint8Array(d));
  const options = { hostname: HOST, now: NOW };
  assert.equal(policy.check(chain, options).status, 'matched');
  // Same objects, same lengths, same names and keys: only the leaf's signature differs.
  chain[0][chain[0].length - 1] ^= 0x01;
  const tampered = policy.check(chain, options);
  assert.equal(tampered.status, 'invalid-chain');
  assert.equal(tampered.ok, false);
  chain[0][chain[0].length - 1] ^= 0x01;
  assert.equal(policy.check(chain, options).status, 'matched');
  policy.free();
});

test('installing another verifier forgets remembered paths', () => {
  const policy = new certpin.PinPolicy(document);
  const options = { hostname: HOST, now: NOW };
  assert.equal(policy.check(honest, options).status, 'matched');
  try {
    certpin.setNativeVerifier(() => false);
    assert.equal(policy.check(honest, options).status, 'invalid-chain');
  } finally {
    certpin.setNativeVerifier(createNodeVerifier());
  }
  assert.equal(policy.check(honest, options).status, 'matched');
  policy.free();
});

test('a verifier that checks with the same policy gets an answer, not a trap', () => {
  const policy = new certpin.PinPolicy(document);
  const options = { hostname: HOST, now: NOW };
  const inner = [];
  const native = createNodeVerifier();
  try {
    certpin.setNativeVerifier((...args) => {
      inner.push(policy.check(honest, { hostname: HOST, now: NOW, verifySignatures: false }).status);
      return native(...args);
    });
    assert.equal(policy.check(honest, options).status, 'matched');
  } finally {
    certpin.setNativeVerifier(createNodeVerifier());
  }
  assert.ok(inner.length > 0);
  assert.ok(inner.every((s) => s === 'matched'), inner.join());
  policy.free();
});

test('options are read from own properties only', () => {
  const policy = new certpin.PinPolicy(document);
  // An inherited verifySignatures: false must not turn signature checks off.
  const options = Object.create({ verifySignatures: false });
  options.hostname = HOST;
  options.now = NOW;
  const tampered = honest.map((d) => new Uint8Array(d));
  tampered[0][tampered[0].length - 1] ^= 0x01;
  assert.equal(policy.check(tampered, options).status, 'invalid-chain');
  policy.free();
});
