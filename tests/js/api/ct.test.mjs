// Certificate Transparency through the built package: verifyScts, the SCTs in
// parseChain and diagnose, and PinPolicy entries with "ct". Every certificate, SCT and
// log list is made by tests/js/support/ct-helpers.mjs from fresh keys: the SCT signatures are
// made and checked with node:crypto over bytes the test builds itself (the precert TBS
// is built directly, never cut out of the leaf by certpin's code).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRequire } from "node:module";
import * as certpin from "certpin";
import { DAY, b64, ecKey, logList, makeCa, makeLeaf, makeLog, rsaKey, spkiOf } from "../support/ct-helpers.mjs";

const { verifyScts, parseChain, diagnose, PinPolicy, computePins, setNativeVerifier } = certpin;

const NOW = Date.UTC(2026, 1, 1);
const ca = makeCa();
const googleish = makeLog("Test 'Alpha' log (P-256)", ecKey());
const rsaLog = makeLog("Test 'Beta' log (RSA 2048)", rsaKey());
const alphaTwo = makeLog("Test 'Alpha2' log (P-256, same operator)", ecKey());
const gamma = makeLog("Test 'Gamma' log (P-256)", ecKey());
const list = logList(
  [
    { name: "Operator A", logs: [googleish, alphaTwo] },
    { name: "Operator B", logs: [rsaLog] },
    { name: "Operator C", logs: [gamma] },
  ],
  NOW - 10 * DAY,
);
const at = (offsetMs) => Date.UTC(2026, 0, 1) + offsetMs;
const chainOf = (leaf) => [leaf.der, ca.der].map((d) => new Uint8Array(d));
const check = (leaf, options = {}) => verifyScts(chainOf(leaf), { logList: list, now: NOW, ...options });

test("two valid SCTs (ECDSA P-256 and RSA) from two operators: compliant, each SCT described", () => {
  const leaf = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1000) }, { log: rsaLog, timestamp: at(2345) }] });
  const v = check(leaf);
  assert.equal(v.compliant, true, JSON.stringify(v.findings));
  assert.equal(v.policy, "chrome");
  assert.deepEqual(
    v.scts.map((s) => [s.logId, s.log, s.operator, s.timestamp, s.valid, s.counts, s.reason]),
    [
      [b64(googleish.id), googleish.entry.description, "Operator A", new Date(at(1000)).toISOString(), true, true, null],
      [b64(rsaLog.id), rsaLog.entry.description, "Operator B", new Date(at(2345)).toISOString(), true, true, null],
    ],
  );
  assert.deepEqual([v.requiredLogs, v.distinctLogs, v.operators, v.failOpen], [2, 2, 2, false]);
  // The log list may be given as text too.
  assert.deepEqual(verifyScts(chainOf(leaf), { logList: JSON.stringify(list), now: NOW }), v);
  // The same answer from the pure-Rust verifier (the Node entry installs node:crypto's).
  const require = createRequire(import.meta.url);
  const { createNodeVerifier } = require("../../../pkg/node-verifier.cjs");
  setNativeVerifier(null);
  try {
    assert.deepEqual(check(leaf), v);
  } finally {
    setNativeVerifier(createNodeVerifier());
  }
});

test("one flipped bit anywhere the log signed makes that SCT invalid", () => {
  const good = { log: googleish, timestamp: at(1000), extensions: Buffer.from([0x00, 0x01, 0x02]) };
  const other = { log: rsaLog, timestamp: at(2000) };
  const cases = {
    "SCT signature": makeLeaf({ ca, scts: [{ ...good, tamper: "signature" }, other] }),
    "SCT timestamp": makeLeaf({ ca, scts: [{ ...good, tamper: "timestamp" }, other] }),
    "SCT extensions": makeLeaf({ ca, scts: [{ ...good, tamper: "extensions" }, other] }),
  };
  for (const [what, leaf] of Object.entries(cases)) {
    const v = check(leaf);
    assert.deepEqual(v.scts.map((s) => [s.valid, s.reason]), [[false, "bad signature"], [true, null]], what);
    assert.equal(v.compliant, false, what);
    assert.ok(v.findings.some((f) => f.code === "SCT_NOT_COUNTED" && f.severity === "error"), what);
    assert.ok(v.findings.some((f) => f.code === "CT_TOO_FEW_LOGS"), what);
  }
  // The untampered SCT with extensions verifies (they are signed verbatim).
  assert.equal(check(makeLeaf({ ca, scts: [good, other] })).compliant, true);
  // A bit flipped in the leaf's TBS (its SAN; the CA re-signed it, so the chain is fine):
  // every SCT fails.
  const tbs = check(makeLeaf({ ca, scts: [good, other], tamperTbs: true }));
  assert.deepEqual(tbs.scts.map((s) => s.valid), [false, false]);
  assert.equal(tbs.compliant, false);
});

test("issuer_key_hash is the verified issuer's: another CA, or no issuer, fails every SCT", () => {
  const leaf = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: rsaLog, timestamp: at(2) }] });
  const stranger = makeCa("CT Test CA"); // same name, other key: its signature does not verify the leaf
  const v = verifyScts([leaf.der, stranger.der].map((d) => new Uint8Array(d)), { logList: list, now: NOW });
  assert.deepEqual(v.scts.map((s) => [s.valid, s.reason]), [[false, "no verified issuer"], [false, "no verified issuer"]]);
  assert.ok(v.findings.some((f) => f.code === "CT_NO_VERIFIED_ISSUER"));
  assert.equal(v.compliant, false);
  const alone = verifyScts(new Uint8Array(leaf.der), { logList: list, now: NOW });
  assert.equal(alone.compliant, false);
  assert.ok(alone.scts.every((s) => !s.valid));
});

test("lifetime: 180 days needs 2 logs, 180 days + 1 s needs 3 (Chrome)", () => {
  const two = [{ log: googleish, timestamp: at(1) }, { log: rsaLog, timestamp: at(2) }];
  const three = [...two, { log: gamma, timestamp: at(3) }];
  const just = check(makeLeaf({ ca, lifetimeMs: 180 * DAY, scts: two }));
  assert.deepEqual([just.compliant, just.requiredLogs, just.distinctLogs], [true, 2, 2]);
  const over = check(makeLeaf({ ca, lifetimeMs: 180 * DAY + 1000, scts: two }));
  assert.deepEqual([over.compliant, over.requiredLogs, over.distinctLogs], [false, 3, 2]);
  assert.ok(over.findings.some((f) => f.code === "CT_TOO_FEW_LOGS" && /needs 3/.test(f.message)));
  const overThree = check(makeLeaf({ ca, lifetimeMs: 180 * DAY + 1000, scts: three }));
  assert.deepEqual([overThree.compliant, overThree.requiredLogs, overThree.distinctLogs, overThree.operators], [true, 3, 3, 3]);
  // Apple counts notBefore through notAfter inclusive: 180 days exactly is already 180 days + 1 s.
  const apple = check(makeLeaf({ ca, lifetimeMs: 180 * DAY - 1000, scts: two }), { policy: "apple" });
  assert.deepEqual([apple.compliant, apple.policy, apple.requiredLogs], [true, "apple", 2]);
  const appleOver = check(makeLeaf({ ca, lifetimeMs: 180 * DAY, scts: two }), { policy: "apple" });
  assert.deepEqual([appleOver.compliant, appleOver.requiredLogs], [false, 3]);
});

test("two SCTs from one operator: two logs, one operator, not compliant; the same SCT log twice counts once", () => {
  const v = check(makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: alphaTwo, timestamp: at(2) }] }));
  assert.deepEqual([v.compliant, v.distinctLogs, v.operators], [false, 2, 1]);
  assert.ok(v.findings.some((f) => f.code === "CT_TOO_FEW_OPERATORS"));
  assert.ok(!v.findings.some((f) => f.code === "CT_TOO_FEW_LOGS"));
  const twice = check(makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: googleish, timestamp: at(2) }] }));
  assert.deepEqual([twice.compliant, twice.distinctLogs, twice.operators], [false, 1, 1]);
  // Apple caps the SCTs one operator contributes: 1 for a short lifetime, 2 for a long one.
  const long = [{ log: googleish, timestamp: at(1) }, { log: alphaTwo, timestamp: at(2) }, { log: rsaLog, timestamp: at(3) }];
  const leaf = makeLeaf({ ca, lifetimeMs: 300 * DAY, scts: long });
  assert.deepEqual(
    (({ compliant, distinctLogs }) => [compliant, distinctLogs])(check(leaf, { policy: "apple" })),
    [true, 3],
  );
  const short = check(makeLeaf({ ca, scts: long }), { policy: "apple" });
  assert.deepEqual([short.compliant, short.distinctLogs], [true, 2]);
});

test("the operator at SCT time: previous_operators", () => {
  // alphaTwo was run by Operator B until 2026-01-15: an SCT from before then is B's.
  const moved = structuredClone(list);
  moved.operators[0].logs[1].previous_operators = [{ name: "Operator B", end_time: "2026-01-15T00:00:00Z" }];
  const leafEarly = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: alphaTwo, timestamp: at(2) }] });
  const early = verifyScts(chainOf(leafEarly), { logList: moved, now: NOW });
  assert.deepEqual([early.compliant, early.operators, early.scts[1].operator], [true, 2, "Operator B"]);
  const leafLate = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: alphaTwo, timestamp: at(20 * DAY) }] });
  const late = verifyScts(chainOf(leafLate), { logList: moved, now: NOW });
  assert.deepEqual([late.compliant, late.operators, late.scts[1].operator], [false, 1, "Operator A"]);
});

test("log states: retired counts only before retirement; pending, rejected and unknown logs never count", () => {
  const states = structuredClone(list);
  states.operators[1].logs[0].state = { retired: { timestamp: "2026-01-10T00:00:00Z" } };
  const before = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: rsaLog, timestamp: at(2) }] });
  const ok = verifyScts(chainOf(before), { logList: states, now: NOW });
  assert.deepEqual([ok.compliant, ok.scts[1].counts], [true, true]);
  const after = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: rsaLog, timestamp: at(12 * DAY) }] });
  const late = verifyScts(chainOf(after), { logList: states, now: NOW });
  assert.deepEqual([late.compliant, late.scts[1].valid, late.scts[1].counts], [false, true, false]);
  assert.match(late.scts[1].reason, /retired/);
  // Only retired logs counted: at least one must be qualified, usable or read-only now.
  const allRetired = structuredClone(states);
  allRetired.operators[0].logs[0].state = { retired: { timestamp: "2026-01-10T00:00:00Z" } };
  const none = verifyScts(chainOf(before), { logList: allRetired, now: NOW });
  assert.equal(none.compliant, false);
  assert.ok(none.findings.some((f) => f.code === "CT_NO_CURRENT_LOG"));
  for (const state of ["pending", "rejected"]) {
    const l = structuredClone(list);
    l.operators[1].logs[0].state = { [state]: { timestamp: "2025-01-01T00:00:00Z" } };
    const v = verifyScts(chainOf(before), { logList: l, now: NOW });
    assert.deepEqual([v.compliant, v.scts[1].valid, v.scts[1].counts, v.scts[1].reason], [false, true, false, `the log is ${state}`]);
  }
  const stranger = makeLog("not in the list", ecKey());
  const unknown = check(makeLeaf({ ca, scts: [{ log: stranger, timestamp: at(1) }, { log: rsaLog, timestamp: at(2) }] }));
  assert.deepEqual([unknown.scts[0].log, unknown.scts[0].operator, unknown.scts[0].valid, unknown.scts[0].reason], [null, null, false, "unknown log"]);
  // An SCT from the future does not count.
  const future = check(makeLeaf({ ca, scts: [{ log: googleish, timestamp: NOW + 60_000 }, { log: rsaLog, timestamp: at(2) }] }));
  assert.deepEqual([future.compliant, future.scts[0].valid, future.scts[0].counts], [false, true, false]);
});

test("a log list 70 days old or more fails open with a warning; 70 days minus 1 ms is enforced", () => {
  const leaf = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }] });
  const listTime = Date.parse(list.log_list_timestamp);
  const fresh = check(leaf, { now: listTime + 70 * DAY - 1 });
  assert.deepEqual([fresh.compliant, fresh.failOpen], [false, false]);
  const stale = check(leaf, { now: listTime + 70 * DAY });
  assert.deepEqual([stale.compliant, stale.failOpen], [true, true]);
  const warning = stale.findings.find((f) => f.code === "CT_LOG_LIST_STALE");
  assert.equal(warning.severity, "warning");
  assert.match(warning.message, /does not satisfy/);
});

test("malformed SCT lists and certificates without SCTs are errors or findings, never a pass", () => {
  // An empty SCT list (RFC 6962 3.3 needs one SCT): the certificate is refused when parsed.
  assert.throws(() => verifyScts(chainOf(makeLeaf({ ca, scts: [], emptySctList: true })), { logList: list, now: NOW }), { code: "CERT_MALFORMED" });
  // No SCT list extension at all: NO_SCTS.
  const bare = verifyScts(chainOf(makeLeaf({ ca, scts: [] })), { logList: list, now: NOW });
  assert.deepEqual([bare.compliant, bare.scts], [false, []]);
  assert.ok(bare.findings.some((f) => f.code === "NO_SCTS"));
  // Bytes after the TLS list inside the OCTET STRING: x509-parser lets them through, the
  // SCT reader does not.
  const sctsOk = [{ log: googleish, timestamp: at(1) }, { log: rsaLog, timestamp: at(2) }];
  const trailing = makeLeaf({ ca, scts: sctsOk, listTrailing: Buffer.from([0, 0]) });
  const v = verifyScts(chainOf(trailing), { logList: list, now: NOW });
  assert.equal(v.compliant, false);
  assert.ok(v.findings.some((f) => f.code === "SCT_LIST_MALFORMED" && /trailing/.test(f.message)), JSON.stringify(v.findings));
  assert.deepEqual(v.scts, []);
  assert.deepEqual(parseChain(chainOf(trailing))[0].scts, []);
  assert.ok(diagnose(chainOf(trailing), { now: NOW }).some((f) => f.code === "SCT_LIST_MALFORMED"));
  // A certificate with two SCT list extensions is refused when parsed (the crate's
  // duplicate-extension rule; the SCT reader refuses it too, see src/ct tests).
  const two = makeLeaf({ ca, scts: sctsOk, twoSctExtensions: true });
  assert.throws(() => verifyScts(chainOf(two), { logList: list, now: NOW }), { code: "CERT_MALFORMED", message: /appears twice/ });
  // A CA certificate has no SCT list: NO_SCTS.
  const caOnly = verifyScts(new Uint8Array(ca.der), { logList: list, now: NOW });
  assert.equal(caOnly.compliant, false);
  assert.ok(caOnly.findings.some((f) => f.code === "NO_SCTS"));
});

test("bad log lists and options throw LOG_LIST_INVALID / INVALID_ARGUMENT", () => {
  const leaf = chainOf(makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }] }));
  const wrongId = structuredClone(list);
  wrongId.operators[0].logs[0].log_id = list.operators[1].logs[0].log_id;
  assert.throws(() => verifyScts(leaf, { logList: wrongId, now: NOW }), { code: "LOG_LIST_INVALID", path: "operators[0].logs[0].log_id" });
  const duplicate = structuredClone(list);
  duplicate.operators[2].logs.push(list.operators[0].logs[0]);
  assert.throws(() => verifyScts(leaf, { logList: duplicate, now: NOW }), { code: "LOG_LIST_INVALID" });
  const twoStates = structuredClone(list);
  twoStates.operators[0].logs[0].state = { usable: { timestamp: "2020-01-01T00:00:00Z" }, retired: { timestamp: "2021-01-01T00:00:00Z" } };
  assert.throws(() => verifyScts(leaf, { logList: twoStates, now: NOW }), { code: "LOG_LIST_INVALID" });
  assert.throws(() => verifyScts(leaf, { logList: "{", now: NOW }), { code: "LOG_LIST_INVALID" });
  // A key twice in one object is refused, not "last one wins".
  const twice = JSON.stringify(list).replace('"version":"1.0"', '"version":"1.0","version":"2.0"');
  assert.ok(twice.includes('"version":"2.0"'));
  assert.throws(() => verifyScts(leaf, { logList: twice, now: NOW }), { code: "LOG_LIST_INVALID", message: /twice/ });
  assert.throws(() => verifyScts(leaf, { logList: "x".repeat(1024 * 1024 + 1), now: NOW }), { code: "LOG_LIST_INVALID" });
  assert.throws(() => verifyScts(leaf, { logList: { operators: [] }, now: NOW }), { code: "LOG_LIST_INVALID", path: "log_list_timestamp" });
  assert.throws(() => verifyScts(leaf, { now: NOW }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => verifyScts(leaf, { logList: list, policy: "firefox" }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => verifyScts(leaf, { logList: list, logs: [] }), { code: "INVALID_ARGUMENT" });
});

test("parseChain and diagnose show each certificate's SCTs", () => {
  const leaf = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1000) }, { log: rsaLog, timestamp: at(2000) }] });
  const [leafInfo, caInfo] = parseChain(chainOf(leaf));
  assert.deepEqual(leafInfo.scts, [
    { logId: b64(googleish.id), timestamp: new Date(at(1000)).toISOString(), signatureAlgorithm: "ecdsa-sha256", version: 0 },
    { logId: b64(rsaLog.id), timestamp: new Date(at(2000)).toISOString(), signatureAlgorithm: "rsa-sha256", version: 0 },
  ]);
  assert.deepEqual(caInfo.scts, []);
  const findings = diagnose(chainOf(leaf), { now: NOW });
  const listed = findings.find((f) => f.code === "EMBEDDED_SCTS");
  assert.equal(listed.certIndex, 0);
  assert.ok(listed.message.includes(b64(googleish.id)) && listed.message.includes(b64(rsaLog.id)), listed.message);
});

test("PinPolicy: \"ct\": \"enforce\" fails a non-compliant chain with ct-insufficient; \"report\" only reports", () => {
  const good = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: rsaLog, timestamp: at(2) }] });
  const weak = makeLeaf({ ca, scts: [{ log: googleish, timestamp: at(1) }, { log: alphaTwo, timestamp: at(2) }] });
  const caPin = computePins(new Uint8Array(ca.der))[0];
  const doc = (ct) => ({ version: 1, domains: [{ host: "ct.example.com", pins: [caPin], ...(ct ? { ct } : {}) }] });
  const enforce = new PinPolicy(doc("enforce"));
  assert.equal(enforce.toJSON().domains[0].ct, "enforce");
  assert.deepEqual(new PinPolicy(enforce.toJSON()).toJSON(), enforce.toJSON());
  assert.equal(new PinPolicy(doc()).toJSON().domains[0].ct, undefined);
  assert.throws(() => new PinPolicy(doc("required")), { code: "POLICY_INVALID", path: "domains[0].ct" });
  const opts = { hostname: "ct.example.com", now: NOW, ct: { logList: list } };

  const pass = enforce.check(chainOf(good), opts);
  assert.deepEqual([pass.ok, pass.status], [true, "matched"], JSON.stringify(pass.findings));
  const fail = enforce.check(chainOf(weak), opts);
  assert.deepEqual([fail.ok, fail.status, fail.enforced], [false, "ct-insufficient", true]);
  assert.ok(fail.findings.some((f) => f.code === "CT_INSUFFICIENT" && f.severity === "error"));
  assert.ok(fail.report, "a failed check has a report");
  assert.match(fail.message, /Certificate Transparency/);
  // Status precedence: a pin mismatch comes after ct-insufficient, an expired chain before.
  const otherPin = new PinPolicy({ version: 1, domains: [{ host: "ct.example.com", pins: [computePins(new Uint8Array(good.der))[0].replace(/^sha256\/./, "sha256/A")], ct: "enforce" }] });
  const both = otherPin.check(chainOf(weak), opts);
  assert.equal(both.status, "ct-insufficient");
  assert.ok(both.findings.some((f) => f.code === "PIN_MISMATCH"));
  const expired = enforce.check(chainOf(weak), { ...opts, now: Date.UTC(2030, 0, 1) });
  assert.equal(expired.status, "cert-expired");
  assert.ok(expired.findings.some((f) => f.code === "CT_INSUFFICIENT") || expired.findings.some((f) => f.code === "CT_LOG_LIST_STALE"));
  // No log list given: fail closed for enforce, a warning for report.
  const missing = enforce.check(chainOf(good), { hostname: "ct.example.com", now: NOW });
  assert.deepEqual([missing.ok, missing.status], [false, "ct-insufficient"]);
  assert.ok(missing.findings.some((f) => f.code === "CT_LOG_LIST_MISSING" && f.severity === "error"));

  const report = new PinPolicy(doc("report"));
  const reported = report.check(chainOf(weak), opts);
  assert.deepEqual([reported.ok, reported.status], [true, "matched"]);
  assert.ok(reported.findings.some((f) => f.code === "CT_INSUFFICIENT" && f.severity === "warning"));
  const reportMissing = report.check(chainOf(weak), { hostname: "ct.example.com", now: NOW });
  assert.deepEqual([reportMissing.ok, reportMissing.status], [true, "matched"]);
  assert.ok(reportMissing.findings.some((f) => f.code === "CT_LOG_LIST_MISSING" && f.severity === "warning"));
  // An entry without "ct" ignores the option; the option is checked anyway.
  const plain = new PinPolicy(doc());
  assert.equal(plain.check(chainOf(weak), opts).status, "matched");
  assert.throws(() => plain.check(chainOf(weak), { ...opts, ct: { logList: list, extra: 1 } }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => plain.check(chainOf(weak), { ...opts, ct: {} }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => plain.check(chainOf(weak), { ...opts, ct: { logList: "[]" } }), { code: "LOG_LIST_INVALID" });
  // Apple's policy through the option.
  assert.equal(enforce.check(chainOf(weak), { ...opts, ct: { logList: list, policy: "apple" } }).status, "ct-insufficient");
});

test("SPKI of a test log is what its log_id hashes (sanity of the fixtures)", () => {
  assert.equal(b64(googleish.spki), b64(spkiOf(googleish.keyPair.publicKey)));
  assert.equal(googleish.entry.log_id, b64(googleish.id));
});

