// CT under hostile input: every single-bit flip of a leaf with two valid SCTs,
// and seeded mutations of a log list, through verifyScts and parseChain. Only a
// CertpinError may be thrown, the module keeps working, and no mutated leaf keeps a valid
// SCT: a flip in the TBS breaks the CA's signature (so there is no verified issuer), a flip
// elsewhere breaks the certificate or its signature.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as certpin from "certpin";
import { ecKey, logList, makeCa, makeLeaf, makeLog, rsaKey } from "../support/ct-helpers.mjs";

const { verifyScts, parseChain } = certpin;
const NOW = Date.UTC(2026, 1, 1);
const ca = makeCa();
const logs = [makeLog("no-trap log A", ecKey()), makeLog("no-trap log B", rsaKey())];
const list = logList([{ name: "A", logs: [logs[0]] }, { name: "B", logs: [logs[1]] }], NOW - 86_400_000);
const leaf = makeLeaf({ ca, scts: [{ log: logs[0], timestamp: Date.UTC(2026, 0, 2) }, { log: logs[1], timestamp: Date.UTC(2026, 0, 3) }] });
const caDer = new Uint8Array(ca.der);

function expectCertpin(call) {
  try {
    return call();
  } catch (error) {
    assert.equal(error.name, "CertpinError", `${error.name}: ${error.message}`);
    return null;
  }
}

test("the unmutated leaf has two valid SCTs", () => {
  const v = verifyScts([new Uint8Array(leaf.der), caDer], { logList: list, now: NOW });
  assert.deepEqual(v.scts.map((s) => s.valid), [true, true]);
  assert.equal(v.compliant, true);
});

test("no single-bit flip of the leaf leaves a valid SCT, and none traps", () => {
  const der = new Uint8Array(leaf.der);
  // The outer signatureAlgorithm and the signature BIT STRING's tag (after the TBS) are
  // not signed, and the crate's certificate parser (x509-parser) tolerates some changes to
  // their tags (0x30 -> 0x10, 0x06 -> 0x07, 0x03 -> 0x43 / 0x83) and a non-zero count of
  // unused bits in the signature BIT STRING when the bits it drops are zero (a pre-existing laxity of
  // Certificate::from_der, reported, not CT's): flips there leave the signed bytes and so
  // the SCTs intact. Every other bit is flipped.
  const tbsEnd = Buffer.from(der).indexOf(leaf.tbs) + leaf.tbs.length;
  assert.ok(tbsEnd > leaf.tbs.length);
  // 30 0a 06 08 <ecdsa-with-SHA256>, then the BIT STRING's 03 <len> <unused bits>
  const outerAlgorithm = [tbsEnd, tbsEnd + 15];
  assert.equal(der[tbsEnd + 14], 0, "the signature BIT STRING header is 03 <len> 00");
  assert.equal(Buffer.from(der.slice(tbsEnd, tbsEnd + 4)).toString("hex"), "300a0608");
  let verdicts = 0;
  for (let i = 0; i < der.length * 8; i++) {
    if (i >> 3 >= outerAlgorithm[0] && i >> 3 < outerAlgorithm[1]) continue;
    const mutated = der.slice();
    mutated[i >> 3] ^= 1 << (i & 7);
    const v = expectCertpin(() => verifyScts([mutated, caDer], { logList: list, now: NOW }));
    expectCertpin(() => parseChain(mutated));
    if (v === null) continue;
    verdicts++;
    const valid = v.scts.filter((s) => s.valid);
    assert.deepEqual(valid, [], `bit ${i}: ${JSON.stringify(v.scts)}`);
    assert.equal(v.compliant, false, `bit ${i}`);
  }
  assert.ok(verdicts > 0, "some mutants parse and are judged");
  assert.equal(verifyScts([der, caDer], { logList: list, now: NOW }).compliant, true, "still works");
});

test("seeded mutations of a log list throw LOG_LIST_INVALID or give a verdict", () => {
  let state = 0x5eed;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const text = JSON.stringify(list);
  const chain = [new Uint8Array(leaf.der), caDer];
  const codes = new Set();
  for (let i = 0; i < 3000; i++) {
    const chars = [...text];
    for (let n = 1 + Math.floor(rand() * 4); n > 0; n--) {
      const at = Math.floor(rand() * chars.length);
      const kind = Math.floor(rand() * 3);
      if (kind === 0) chars[at] = String.fromCharCode(32 + Math.floor(rand() * 95));
      else if (kind === 1) chars.splice(at, 1 + Math.floor(rand() * 20));
      else chars.splice(at, 0, ...'{"[]:,0"'.slice(Math.floor(rand() * 8)));
    }
    try {
      const v = verifyScts(chain, { logList: chars.join(""), now: NOW });
      assert.equal(typeof v.compliant, "boolean");
    } catch (error) {
      assert.equal(error.name, "CertpinError", `${i}: ${error.message}`);
      codes.add(error.code);
    }
  }
  assert.deepEqual([...codes], ["LOG_LIST_INVALID"]);
});
