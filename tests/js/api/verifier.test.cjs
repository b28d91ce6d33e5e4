'use strict';
// Equivalence of certpin's two signature verifiers: the built-in pure-Rust one (wasm)
// and pkg-template/node-verifier.cjs (node:crypto). Every link of every fixture in
// tests/fixtures/path (good and corrupted signatures, every algorithm, the bypass
// chains) must get the same answer from both, and so must path building (diagnose) and
// parseChain's selfSigned. It runs on the built package (`require("certpin")`, whose
// Node entry installs the node:crypto verifier) and the shipped pkg/node-verifier.cjs.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const certpin = require('certpin');
const { createNodeVerifier } = require(path.join(path.dirname(require.resolve('certpin/package.json')), 'node-verifier.cjs'));

const fixtureDir = path.join(root, 'tests', 'fixtures', 'path');
const fixtures = [];
for (const dir of [fixtureDir, path.join(fixtureDir, 'bypass')]) {
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir).sort()) {
    if (name.endsWith('.pem')) fixtures.push({ name: path.relative(fixtureDir, path.join(dir, name)), pem: fs.readFileSync(path.join(dir, name), 'utf8') });
  }
}
const NOW = Date.UTC(2026, 5, 1);

function withVerifier(verifier, run) {
  certpin.setNativeVerifier(verifier);
  try {
    return run();
  } finally {
    certpin.setNativeVerifier(null);
  }
}

function observe(pem) {
  return {
    links: certpin.verifyLinks(pem),
    findings: certpin.diagnose(pem, { now: NOW }),
    selfSigned: certpin.parseChain(pem).map((c) => c.selfSigned),
  };
}

test('fixtures are present', () => {
  assert.ok(fixtures.length >= 30, `only ${fixtures.length} fixtures`);
});

test('both verifiers agree on every link of every fixture', () => {
  const node = createNodeVerifier();
  let links = 0;
  for (const { name, pem } of fixtures) {
    const rust = observe(pem);
    const native = withVerifier(node, () => observe(pem));
    assert.deepEqual(native.links, rust.links, name);
    assert.deepEqual(native.findings, rust.findings, name);
    assert.deepEqual(native.selfSigned, rust.selfSigned, name);
    links += rust.links.length;
  }
  assert.ok(links >= 60, `only ${links} links compared`);
});

test('good fixtures verify, corrupted ones do not, in both verifiers', () => {
  const node = createNodeVerifier();
  for (const { name, pem } of fixtures.filter((f) => !f.name.includes('/'))) {
    for (const links of [certpin.verifyLinks(pem), withVerifier(node, () => certpin.verifyLinks(pem))]) {
      const leafLink = links.find((l) => l.child === 0 && l.issuer === 1);
      const want = name.startsWith('p521') ? 'unsupported' : name.endsWith('-corrupt.pem') ? 'invalid' : 'valid';
      assert.equal(leafLink.result, want, `${name}: ${JSON.stringify(leafLink)}`);
    }
  }
});

test('the node verifier never throws and never says valid for junk', () => {
  const verify = createNodeVerifier();
  const junk = new Uint8Array([1, 2, 3]);
  for (const alg of ['rsa-pkcs1-sha256', 'rsa-pss-sha256', 'ecdsa-sha256', 'ed25519', 'md5', '', 42]) {
    const r = verify(alg, junk, junk, junk, 32);
    assert.ok(r === null || r === false, `${alg}: ${r}`);
  }
  assert.equal(verify('rsa-pkcs1-sha256', 'x', junk, junk), null);
});

test('a host verifier that throws or answers nonsense makes links unsupported, never a trap', () => {
  const pem = fixtures.find((f) => f.name === 'p256-sha256.pem').pem;
  for (const bad of [() => { throw new Error('boom'); }, () => 'yes', () => 1, () => undefined]) {
    const links = withVerifier(bad, () => certpin.verifyLinks(pem));
    assert.ok(links.every((l) => l.result === 'unsupported'), JSON.stringify(links));
    const findings = withVerifier(bad, () => certpin.diagnose(pem, { now: NOW }));
    assert.ok(findings.some((f) => f.code === 'SIGNATURE_ALGORITHM_UNSUPPORTED'));
  }
  // Still working afterwards, with the built-in verifier back.
  assert.equal(certpin.verifyLinks(pem).find((l) => l.child === 0).result, 'valid');
});

test('a verifier that says yes to everything is only trusted for links the core allows', () => {
  const pem = fixtures.find((f) => f.name === 'p521-sha512.pem').pem;
  const links = withVerifier(() => true, () => certpin.verifyLinks(pem));
  assert.ok(links.every((l) => l.result === 'unsupported'));
});

test('setNativeVerifier refuses what is not a function', () => {
  assert.throws(() => certpin.setNativeVerifier('crypto'), (e) => e.name === 'CertpinError' && e.code === 'INVALID_ARGUMENT');
});

test('the key cache is bounded and keyed by bytes', () => {
  const verify = createNodeVerifier({ cacheSize: 2 });
  const node = withVerifier(verify, () => fixtures.map((f) => certpin.verifyLinks(f.pem)));
  const rust = fixtures.map((f) => certpin.verifyLinks(f.pem));
  assert.deepEqual(node, rust);
});

test('diagnose through wasm: options are checked, findings are plain objects', () => {
  const honest = fixtures.find((f) => f.name === path.join('bypass', 'honest.pem')).pem;
  assert.throws(() => certpin.diagnose(honest, { hostnmae: 'x' }), (e) => e.name === 'CertpinError' && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => certpin.diagnose(honest, { now: 'today' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => certpin.diagnose(honest, { pins: ['sha256/short='] }), (e) => e.code === 'PIN_MALFORMED');
  assert.deepEqual(certpin.diagnose(honest, { now: new Date(NOW), hostname: 'www.example.com' }), []);
  const pin = certpin.parseChain(honest)[1].spkiSha256;
  const findings = certpin.diagnose(fixtures.find((f) => f.name === path.join('bypass', 'appended-pinned-intermediate.pem')).pem, { now: NOW, hostname: 'api.example.com', pins: [pin] });
  const codes = findings.map((f) => f.code);
  for (const code of ['PIN_ON_UNVERIFIED_CERT', 'PIN_MISMATCH', 'HOSTNAME_MISMATCH', 'CERT_NOT_ON_PATH']) assert.ok(codes.includes(code), `${code} in ${codes}`);
  const onPin = findings.find((f) => f.code === 'PIN_ON_UNVERIFIED_CERT');
  assert.equal(onPin.certIndex, 2);
  assert.equal(onPin.severity, 'error');
  // selfSigned now comes from a signature check.
  assert.deepEqual(certpin.parseChain(honest).map((c) => c.selfSigned), [false, false, true]);
});

test('bypass suite through the nodejs build, with both verifiers', () => {
  // fixture -> [code that must be reported, its certIndex or undefined]
  const cases = {
    honest: [],
    shuffled: [['CHAIN_OUT_OF_ORDER', undefined]],
    'appended-pinned-intermediate': [['CERT_NOT_ON_PATH', 2], ['CERT_NOT_ON_PATH', 3]],
    'rogue-leaf-real-intermediate': [['NO_VERIFIED_ISSUER', 0], ['LINK_SIGNATURE_INVALID', 0]],
    'rogue-intermediate-first': [['CERT_NOT_ON_PATH', 1]],
    'corrupted-leaf-signature': [['NO_VERIFIED_ISSUER', 0]],
    'intermediate-without-ca-bit': [['ISSUER_NOT_CA', 1], ['NO_VERIFIED_ISSUER', 0]],
    'path-len-exceeded': [['PATH_LEN_CONSTRAINT_EXCEEDED', 2], ['NO_VERIFIED_ISSUER', 1]],
    'pinned-root-not-linked': [['CERT_NOT_ON_PATH', 2]],
    'sixteen-look-alikes': [['PATH_BUDGET_EXCEEDED', undefined]],
  };
  const node = createNodeVerifier();
  for (const [name, expected] of Object.entries(cases)) {
    const pem = fixtures.find((f) => f.name === path.join('bypass', `${name}.pem`)).pem;
    for (const verifier of [null, node]) {
      const findings = withVerifier(verifier, () => certpin.diagnose(pem, { now: NOW }));
      if (expected.length === 0) assert.deepEqual(findings, [], name);
      for (const [code, certIndex] of expected) {
        assert.ok(findings.some((f) => f.code === code && f.certIndex === certIndex), `${name}: ${code}@${certIndex} in ${JSON.stringify(findings.map((f) => [f.code, f.certIndex]))}`);
      }
    }
  }
});
