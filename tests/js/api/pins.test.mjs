// Pins through the package equal SHA-256/384/512 over the SPKI that node:crypto exports
// (X509Certificate for certificates, createPublicKey for public keys, openssl for the
// key in a CSR), for every key type; and the pin formats round-trip through parsePin.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { computePins, formatPin, parsePin } from "certpin";
import { fixture, fixtureBytes, pemBlocks, pinOfSpki, spkiOfCert, spkiOfPem } from "../support/helpers.mjs";

const ALGORITHMS = ["sha256", "sha384", "sha512"];
const CERT_FILES = {
  "RSA-2048": "rsa2048.pem",
  "RSA-4096": "rsa4096.pem",
  "EC P-256": "ec-p256.pem",
  "EC P-384": "ec-p384.pem",
  Ed25519: "ed25519.pem",
  "RSA chain": "rsa-chain.pem",
  "EC chain": "ec-chain.pem",
};

for (const [name, file] of Object.entries(CERT_FILES)) {
  test(`computePins: ${name} certificates (${file}), every algorithm`, () => {
    const pem = fixture(file);
    const spkis = pemBlocks(pem).map(({ der }) => spkiOfCert(der));
    assert.deepEqual(computePins(pem), spkis.map((s) => pinOfSpki(s, "sha256")), "default algorithm");
    for (const algorithm of ALGORITHMS) {
      assert.deepEqual(computePins(pem, { algorithm }), spkis.map((s) => pinOfSpki(s, algorithm)), algorithm);
    }
  });
}

for (const file of ["ec-p256.pub.pem", "rsa4096.pub.pem", "ed25519.pub.pem", "rsa2048.csr.pem", "ec-p384.csr.pem"]) {
  test(`computePins: ${pemBlocks(fixture(file))[0].label} input (${file})`, async () => {
    const pem = fixture(file);
    const spki = await spkiOfPem(pem);
    for (const algorithm of ALGORITHMS) {
      assert.deepEqual(computePins(pem, { algorithm }), [pinOfSpki(spki, algorithm)], algorithm);
    }
  });
}

test("computePins: a public key and a CSR pin the same as the certificate of that key", () => {
  assert.deepEqual(computePins(fixture("ec-p256.pub.pem")), computePins(fixture("ec-p256.pem")));
  assert.deepEqual(computePins(fixture("rsa2048.csr.pem")), computePins(fixture("rsa2048.pem")));
});

test("computePins: DER input (Uint8Array, ArrayBuffer, Buffer, base64) and mixed arrays", () => {
  const der = fixtureBytes("rsa2048-leaf.der");
  const expected = [pinOfSpki(spkiOfCert(der))];
  assert.deepEqual(computePins(der), expected);
  assert.deepEqual(computePins(der.slice().buffer), expected);
  assert.deepEqual(computePins(Buffer.from(der)), expected);
  assert.deepEqual(computePins(Buffer.from(der).toString("base64")), expected);
  const chain = fixture("ec-chain.pem");
  const blocks = pemBlocks(chain);
  const chainPins = blocks.map(({ der: d }) => pinOfSpki(spkiOfCert(d)));
  const mixed = [new Uint8Array(blocks[0].der), fixture("ec-intermediate.pem"), new Uint8Array(blocks[2].der)];
  assert.deepEqual(computePins(mixed), chainPins);
  assert.deepEqual(computePins(fixture("ec-chain-with-text.pem")), chainPins);
  assert.deepEqual(computePins(fixture("rsa-chain-crlf.pem")), computePins(fixture("rsa-chain.pem")));
});

/**
 * Every format of one pin, built here from the digest that node:crypto computes.
 * null: the format cannot carry this algorithm (HPKP, Android NSC, TrustKit and curl's
 * --pinnedpubkey take SHA-256 only; TLSA matching types are SHA2-256 and SHA2-512), so
 * formatPin must throw FORMAT_UNSUPPORTED rather than write something no tool accepts.
 */
function formatsOf(algorithm, digest) {
  const b64 = digest.toString("base64");
  const hex = digest.toString("hex");
  const sha256 = algorithm === "sha256";
  return {
    okhttp: `${algorithm}/${b64}`,
    hpkp: sha256 ? `pin-sha256="${b64}"` : null,
    curl: sha256 ? `sha256//${b64}` : null,
    android: sha256 ? `<pin digest="SHA-256">${b64}</pin>` : null,
    trustkit: sha256 ? b64 : null,
    tlsa: { sha256: `3 1 1 ${hex}`, sha384: null, sha512: `3 1 2 ${hex}` }[algorithm],
    hex,
    base64: b64,
    base64url: digest.toString("base64url"),
  };
}

test("formatPin and parsePin agree with the digest computed by node:crypto", () => {
  const pem = fixture("ec-p256-leaf.pem");
  const spki = spkiOfCert(pemBlocks(pem)[0].der);
  for (const algorithm of ALGORITHMS) {
    const digest = createHash(algorithm).update(spki).digest();
    const decoded = { algorithm, base64: digest.toString("base64"), hex: digest.toString("hex") };
    const [pin] = computePins(pem, { algorithm });
    assert.deepEqual(parsePin(pin), decoded);
    for (const [format, expected] of Object.entries(formatsOf(algorithm, digest))) {
      const where = `${algorithm} as ${format}`;
      if (expected === null) {
        assert.throws(() => formatPin(pin, format), { name: "CertpinError", code: "FORMAT_UNSUPPORTED" }, where);
        continue;
      }
      const text = formatPin(pin, format);
      assert.equal(text, format === "base64url" ? text : expected, where);
      if (format === "base64url") {
        // RFC 4648 section 5 makes the padding optional; the bytes must match.
        assert.match(text, /^[A-Za-z0-9_-]+=*$/, where);
        assert.deepEqual(Buffer.from(text, "base64url"), digest, where);
      }
      // Every format parses back to the same digest (bare ones by their length).
      assert.deepEqual(parsePin(text), decoded, `parsePin(${where})`);
    }
  }
});
