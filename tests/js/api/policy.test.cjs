'use strict';
// PinPolicy and checkPins through the built package (`require("certpin")`, its Node
// CommonJS entry): malformed policies, each verdict status this layer decides, lint,
// export and imports, and errors as CertpinError with code and path. The
// chains are tests/check/*.pem (made by tests/check.rs write_js_fixtures from
// the fixed keys beside them).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const certpin = require('certpin');
const fixture = (name) => fs.readFileSync(path.join(__dirname, '..', '..', 'check', name), 'utf8');

// openssl pkey -in tests/check/NAME.key -pubout -outform DER | openssl dgst -sha256 -binary | base64
const ROOT = 'sha256/pNdcQdgv6EXKJLIKJPpLtan3Jya/stuejqAPl7tx5H4=';
const INTERMEDIATE = 'sha256/m30B9iTFszXQzAqN0g+GuYEeIemeFhp7dsmdinMlk08=';
const LEAF = 'sha256/iUtCkCg0VjCN73k9Fwl+KTcaUpKHYGF8GTj0kbT867U=';
const BACKUP = 'sha256/eBJA7flS+4LmwXqAMDlwA7y5n3l7PfPDcMMe2ncympQ=';
const NOW = new Date('2027-01-01T00:00:00Z');

function throwsCertpin(fn, code, extra = {}) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'CertpinError');
    assert.equal(e.code, code, e.message);
    for (const [k, v] of Object.entries(extra)) assert.equal(e[k], v, e.message);
    return true;
  });
}

test('bad policies throw POLICY_INVALID with the JSON path', () => {
  const cases = [
    ['{not json', '$'],
    [{ version: 1, domains: [{ host: 'a.com', pinz: [LEAF] }] }, 'domains[0].pinz'],
    [{ version: 1, domains: [{ host: 'a.com', pins: ['sha256/iUtCkCg0VjCN73k9Fwl+KTcaUpKHYGF8GTj0kbT8'] }] }, 'domains[0].pins[0]'],
    [{ version: 1, domains: [{ host: '*.*.example.com', pins: [LEAF] }] }, 'domains[0].host'],
    [{ version: 1, domains: [{ host: '*example.com', pins: [LEAF] }] }, 'domains[0].host'],
    ['', '$'],
    [' '.repeat(300 * 1024), '$'],
    [{ version: 2, domains: [] }, 'version'],
    [{ version: 1, domains: [{ host: 'a.com', pins: [] }] }, 'domains[0].pins'],
    [42, '$'],
  ];
  for (const [input, p] of cases) throwsCertpin(() => new certpin.PinPolicy(input), 'POLICY_INVALID', { path: p });
});

test('statuses through PinPolicy.check', () => {
  const good = fixture('good-chain.pem');
  const policy = new certpin.PinPolicy({
    version: 1,
    domains: [
      { host: 'api.example.com', pins: [INTERMEDIATE, BACKUP] },
      { host: 'www.example.com', pins: [BACKUP], mode: 'report' },
      { host: 'revoked.example.com', pins: [LEAF, { pin: ROOT, state: 'revoked' }] },
      { host: 'old.example.com', pins: [LEAF], expires: '2027-01-01' },
    ],
  });
  const v = policy.check(good, { hostname: 'API.example.com.', now: NOW });
  assert.equal(v.status, 'matched');
  assert.equal(v.ok, true);
  assert.equal(v.enforced, true);
  assert.equal(v.domain, 'api.example.com');
  assert.deepEqual(v.matched, { pin: INTERMEDIATE, certIndex: 1, depth: 1 });
  assert.deepEqual(v.servedPins, [LEAF, INTERMEDIATE, ROOT]);
  assert.equal(v.report, null);

  const report = policy.check(good, { hostname: 'www.example.com', now: NOW.getTime(), port: 8443 });
  assert.equal(report.status, 'mismatch');
  assert.equal(report.ok, true);
  assert.equal(report.enforced, false);
  assert.equal(report.report.port, 8443);
  assert.equal(report.report['served-certificate-chain'].length, 3);
  assert.match(report.reportKey, /^[0-9a-f]{64}$/);
  for (const pin of [LEAF, INTERMEDIATE, ROOT, BACKUP]) assert.ok(report.message.includes(pin), report.message);

  assert.equal(policy.check(good, { hostname: 'revoked.example.com', now: NOW }).status, 'revoked');
  assert.equal(policy.check(good, { hostname: 'old.example.com', now: NOW }).status, 'policy-expired');
  assert.equal(policy.check(good, { hostname: 'elsewhere.example.net', now: NOW }).status, 'not-pinned');
  assert.equal(policy.check([], { hostname: 'api.example.com', now: NOW }).status, 'no-chain');
  assert.equal(policy.check(fixture('expired-chain.pem'), { hostname: 'api.example.com', now: NOW }).status, 'cert-expired');

  throwsCertpin(() => policy.check(good, { now: NOW }), 'INVALID_ARGUMENT', { argument: 'hostname' });
  throwsCertpin(() => policy.check(good, { hostname: 'a', hostnam: 'b' }), 'INVALID_ARGUMENT');
  throwsCertpin(() => policy.check(good, { hostname: 'a', now: 'soon' }), 'INVALID_ARGUMENT', { argument: 'now' });
});

test('checkPins, lint, export and imports', () => {
  const good = fixture('good-chain.pem');
  assert.equal(certpin.checkPins(good, [ROOT], { now: NOW }).status, 'matched');
  assert.equal(certpin.checkPins(good, [BACKUP], { now: NOW }).ok, false);
  throwsCertpin(() => certpin.checkPins(good, ['sha256/abc']), 'PIN_MALFORMED');

  const policy = new certpin.PinPolicy(JSON.stringify({ version: 1, domains: [{ host: 'api.example.com', pins: [INTERMEDIATE, ROOT] }] }));
  const codes = policy.lint({ now: NOW, chain: good }).map((f) => f.code);
  assert.deepEqual(codes, ['NO_BACKUP_PIN']);
  assert.deepEqual(JSON.parse(JSON.stringify(policy)), policy.toJSON());
  assert.equal(policy.export('curl'), `sha256//${INTERMEDIATE.slice(7)};sha256//${ROOT.slice(7)}`);
  throwsCertpin(() => policy.export('apple-ats'), 'FORMAT_UNSUPPORTED');
  throwsCertpin(() => policy.export('pem'), 'INVALID_ARGUMENT');

  const nsc = policy.export('android-nsc');
  assert.deepEqual(certpin.PinPolicy.fromAndroidNsc(nsc).toJSON(), policy.toJSON());
  throwsCertpin(() => certpin.PinPolicy.fromAndroidNsc('<network-security-config><base-config/></network-security-config>'), 'NSC_INVALID');

  const hpkp = certpin.PinPolicy.fromHpkpHeader(policy.export('hpkp'), 'api.example.com');
  assert.deepEqual(hpkp.toJSON().domains[0].pins, policy.toJSON().domains[0].pins);
  throwsCertpin(() => certpin.PinPolicy.fromHpkpHeader(`pin-sha256="${LEAF.slice(7)}"; pin-sha256="${BACKUP.slice(7)}"`, 'a.com'), 'HPKP_HEADER_INVALID', { directive: 'max-age' });
});

test('diagnose with a policy: the entry for the hostname gives the expected pins', () => {
  const good = fixture('good-chain.pem');
  const doc = { version: 1, domains: [{ host: 'api.example.com', pins: [BACKUP, { pin: ROOT, state: 'candidate' }] }] };
  const served = certpin.computePins(good);
  for (const policy of [doc, JSON.stringify(doc), new certpin.PinPolicy(doc)]) {
    const findings = certpin.diagnose(good, { hostname: 'api.example.com', now: NOW, policy });
    const mismatch = findings.find((f) => f.code === 'PIN_MISMATCH');
    assert.ok(mismatch, JSON.stringify(findings));
    for (const pin of served) assert.ok(mismatch.message.includes(pin), `${pin} in ${mismatch.message}`);
  }
  const matching = certpin.diagnose(good, { hostname: 'api.example.com', now: NOW, policy: { version: 1, domains: [{ host: 'api.example.com', pins: [INTERMEDIATE, BACKUP] }] } });
  assert.ok(!matching.some((f) => f.code === 'PIN_MISMATCH'));
  // A host the policy does not pin has no expected pins, so no pin finding either way.
  const unpinned = certpin.diagnose(good, { hostname: 'other.example.com', now: NOW, policy: doc });
  assert.ok(!unpinned.some((f) => f.code === 'PIN_MISMATCH'));
  throwsCertpin(() => certpin.diagnose(good, { now: NOW, policy: doc }), 'INVALID_ARGUMENT', { argument: 'hostname' });
  throwsCertpin(() => certpin.diagnose(good, { hostname: 'api.example.com', policy: doc, pins: [BACKUP] }), 'INVALID_ARGUMENT');
  throwsCertpin(() => certpin.diagnose(good, { hostname: 'api.example.com', policy: { version: 1 } }), 'POLICY_INVALID');
});
