// Independent truth for signed policy bundles: documents are built and signed
// here with node:crypto (and openssl pkeyutl) over a canonical JSON computed in JS
// (RFC 8785 notes that for integers and sorted keys it is JSON.stringify with members
// sorted by UTF-16 code units, which is what Array.prototype.sort compares), never with
// certpin's own canonicalizer or signer.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export const PREFIX = { "certpin-policy": "certpin-policy-v1\n", "certpin-root": "certpin-root-v1\n" };
export const signingInput = (signed) => Buffer.from(PREFIX[signed.type] + canonical(signed), "utf8");

export function newKey(kind = "ed25519") {
  const { privateKey, publicKey } = kind === "ed25519"
    ? crypto.generateKeyPairSync("ed25519")
    : kind === "p256"
      ? crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      : kind === "p384"
        ? crypto.generateKeyPairSync("ec", { namedCurve: "secp384r1" })
        : crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" });
  return {
    kind,
    privateKey,
    publicKey,
    publicKeyBase64: spki.toString("base64"),
    keyId: `sha256/${crypto.createHash("sha256").update(spki).digest("base64")}`,
    pem: privateKey.export({ type: "pkcs8", format: "pem" }),
  };
}

export function signWith(key, signed) {
  const message = signingInput(signed);
  const sig = key.kind === "ed25519"
    ? crypto.sign(null, message, key.privateKey)
    : crypto.sign("sha256", message, { key: key.privateKey, dsaEncoding: "der" });
  return { keyId: key.keyId, sig: sig.toString("base64") };
}

/** The same signature made by `openssl pkeyutl` (Ed25519: -rawin; P-256: over the SHA-256 digest). */
export function signWithOpenssl(key, signed) {
  const dir = mkdtempSync(join(tmpdir(), "certpin-openssl-"));
  const keyFile = join(dir, "key.pem");
  const inFile = join(dir, "in.bin");
  writeFileSync(keyFile, key.pem, { mode: 0o600 });
  const message = signingInput(signed);
  let sig;
  if (key.kind === "ed25519") {
    writeFileSync(inFile, message);
    sig = execFileSync("openssl", ["pkeyutl", "-sign", "-rawin", "-inkey", keyFile, "-in", inFile]);
  } else {
    writeFileSync(inFile, crypto.createHash("sha256").update(message).digest());
    sig = execFileSync("openssl", ["pkeyutl", "-sign", "-inkey", keyFile, "-in", inFile]);
  }
  return { keyId: key.keyId, sig: sig.toString("base64") };
}

export function makeRoot(keys, { version = 1, threshold = 1, expires = "2030-01-01T00:00:00Z", signers = keys } = {}) {
  const signed = {
    type: "certpin-root",
    version,
    expires,
    threshold,
    keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKeyBase64 })),
  };
  return { signed, signatures: signers.map((k) => signWith(k, signed)) };
}

export const POLICY = (pins = ["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="], host = "api.example.com") => ({
  version: 1,
  domains: [{ host, pins }],
});

export function makeBundle(signers, { version = 1, issuedAt = "2026-06-01T00:00:00Z", expires = "2027-06-01T00:00:00Z", policy = POLICY() } = {}) {
  const signed = { type: "certpin-policy", version, issuedAt, expires, policy };
  return { signed, signatures: signers.map((k) => signWith(k, signed)) };
}

/** 2026-07-01, inside every default bundle's validity. */
export const NOW = Date.parse("2026-07-01T00:00:00Z");
