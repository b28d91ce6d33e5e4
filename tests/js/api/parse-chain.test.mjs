// parseChain fields cross-checked, certificate by certificate, with two independent
// oracles: Node's X509Certificate and `openssl x509 -text -nameopt RFC2253`.
import assert from "node:assert/strict";
import { X509Certificate, createHash } from "node:crypto";
import { isIPv6 } from "node:net";
import { test } from "node:test";
import { parseChain } from "certpin";
import { fixture, pemBlocks, pinOfSpki, runProcess, spkiOfCert } from "../support/helpers.mjs";

const FILES = [
  "rsa-chain.pem", "ec-chain.pem", "ec-p256-expired-leaf.pem",
  "rsa2048.pem", "rsa4096.pem", "ec-p256.pem", "ec-p384.pem", "ed25519.pem",
];

const KEY_ALGORITHMS = { rsa: "RSA", ec: "EC", ed25519: "Ed25519" };
const CURVES = { prime256v1: "P-256", secp384r1: "P-384" };

/** RFC 3339 UTC without fractions, from Node's "Jan  1 00:00:00 2026 GMT". */
function rfc3339(nodeDate) {
  return new Date(nodeDate).toISOString().replace(/\.000Z$/, "Z");
}

/** IPv6 in its canonical compressed lowercase form (RFC 5952), IPv4 unchanged. */
function canonicalIp(ip) {
  return isIPv6(ip) ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

function hexAfter(text, heading) {
  const match = new RegExp(`${heading}:\\s*\\n\\s*(?:keyid:)?([0-9A-F:]+)`).exec(text);
  return match ? match[1].replace(/:/g, "").toLowerCase() : null;
}

/** What openssl says about one certificate. */
async function opensslView(pem) {
  const { stdout } = await runProcess(
    "openssl",
    ["x509", "-noout", "-subject", "-issuer", "-nameopt", "RFC2253", "-text"],
    { input: pem },
  );
  const bits = /Public-Key: \((\d+) bit\)/.exec(stdout);
  const pathlen = /CA:TRUE, pathlen:(\d+)/.exec(stdout);
  return {
    subject: /^subject=(.*)$/m.exec(stdout)[1],
    issuer: /^issuer=(.*)$/m.exec(stdout)[1],
    signatureAlgorithm: /Signature Algorithm: (\S+)/.exec(stdout)[1],
    keyBits: bits ? Number(bits[1]) : null,
    pathLength: pathlen ? Number(pathlen[1]) : null,
    subjectKeyId: hexAfter(stdout, "X509v3 Subject Key Identifier"),
    authorityKeyId: hexAfter(stdout, "X509v3 Authority Key Identifier"),
  };
}

for (const file of FILES) {
  test(`parseChain(${file}) matches node:crypto and openssl`, async () => {
    const text = fixture(file);
    const blocks = pemBlocks(text);
    const infos = parseChain(text);
    assert.equal(infos.length, blocks.length);
    for (const [index, { der }] of blocks.entries()) {
      const info = infos[index];
      const x509 = new X509Certificate(der);
      const pem = x509.toString();
      const ossl = await opensslView(pem);
      const key = x509.publicKey;
      const where = `${file} #${index}`;

      assert.equal(info.index, index, where);
      assert.equal(info.subject, ossl.subject, where);
      assert.equal(info.issuer, ossl.issuer, where);
      assert.equal(info.serialNumber, x509.serialNumber.toLowerCase(), where);
      assert.match(info.serialNumber, /^[0-9a-f]+$/, where);
      assert.equal(info.notBefore, rfc3339(x509.validFrom), where);
      assert.equal(info.notAfter, rfc3339(x509.validTo), where);

      const sans = (x509.subjectAltName ?? "").split(", ").filter(Boolean);
      const dns = sans.filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4));
      const ips = sans.filter((s) => s.startsWith("IP Address:")).map((s) => canonicalIp(s.slice(11)));
      assert.deepEqual(info.dnsNames, dns, where);
      assert.deepEqual(info.ipAddresses.map(canonicalIp), ips, where);
      assert.deepEqual(info.ipAddresses, ips, `${where}: IPs in canonical form`);

      assert.equal(info.isCa, x509.ca, where);
      assert.equal(info.pathLength, ossl.pathLength, where);
      // Self-signed: issuer name equals subject name and its own key verifies the
      // signature. (Not x509.checkIssued, which also wants keyCertSign in keyUsage.)
      const selfSigned = x509.issuer === x509.subject && x509.verify(key);
      assert.equal(info.selfSigned, selfSigned, where);

      assert.equal(info.keyAlgorithm, KEY_ALGORITHMS[key.asymmetricKeyType], where);
      if (key.asymmetricKeyType === "rsa") {
        assert.equal(info.keySize, key.asymmetricKeyDetails.modulusLength, where);
        assert.equal(info.curve, null, where);
      } else if (key.asymmetricKeyType === "ec") {
        assert.equal(info.curve, CURVES[key.asymmetricKeyDetails.namedCurve], where);
        assert.equal(info.keySize, ossl.keyBits, where);
      } else {
        // openssl prints no bit count for Ed25519; its public key is 32 bytes.
        assert.equal(info.curve, null, where);
        assert.ok(info.keySize === null || info.keySize === 256, `${where}: keySize ${info.keySize}`);
      }
      assert.equal(info.signatureAlgorithm, ossl.signatureAlgorithm, where);

      assert.equal(info.spkiSha256, pinOfSpki(spkiOfCert(der)), where);
      assert.equal(info.fingerprintSha256, x509.fingerprint256.replace(/:/g, "").toLowerCase(), where);
      assert.equal(info.fingerprintSha256, createHash("sha256").update(der).digest("hex"), where);
      assert.equal(info.subjectKeyId, ossl.subjectKeyId, where);
      assert.equal(info.authorityKeyId, ossl.authorityKeyId, where);
    }
  });
}

test("parseChain: every input form of one chain gives the same result", () => {
  const text = fixture("ec-chain.pem");
  const ders = pemBlocks(text).map((b) => new Uint8Array(b.der));
  const expected = parseChain(text);
  const forms = {
    "PEM with text between blocks": fixture("ec-chain-with-text.pem"),
    "PEM bytes": new TextEncoder().encode(text),
    "array of DER": ders,
    "array of PEM strings": pemBlocks(text).map((b) => new X509Certificate(b.der).toString()),
    "array of base64 DER": ders.map((d) => Buffer.from(d).toString("base64")),
  };
  for (const [name, input] of Object.entries(forms)) {
    assert.deepEqual(parseChain(input), expected, name);
  }
  // One certificate alone: DER, its ArrayBuffer, a view into a larger buffer.
  const leaf = ders[0];
  const padded = new Uint8Array(leaf.length + 7);
  padded.set(leaf, 3);
  const one = parseChain(text)[0];
  for (const [name, input] of Object.entries({
    DER: leaf,
    ArrayBuffer: leaf.slice().buffer,
    "Uint8Array view with an offset": padded.subarray(3, 3 + leaf.length),
    "Node Buffer": Buffer.from(leaf),
    "base64 of DER": Buffer.from(leaf).toString("base64"),
  })) {
    assert.deepEqual(parseChain(input), [one], name);
  }
  assert.deepEqual(parseChain(fixture("rsa-chain-crlf.pem")), parseChain(fixture("rsa-chain.pem")), "CRLF");
});
