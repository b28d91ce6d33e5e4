// Certificates with embedded SCTs, built here from scratch (hand DER + node:crypto), so
// that the CT tests compare certpin against bytes the test itself made:
// - the precertificate TBS is built directly (the leaf's fields without the SCT list
//   extension), never derived from the final certificate by certpin's code;
// - each SCT is signed by a test log key over the RFC 6962 section 3.2 structure built
//   here, and checked with node:crypto before it is used;
// - the leaf is then the same TBS with the SCT list extension appended, signed by the CA.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";

// ---- DER ----
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
function len(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
export const tlv = (tag, ...body) => {
  const b = cat(...body);
  return cat([tag], len(b.length), b);
};
const seq = (...items) => tlv(0x30, ...items);
const set = (...items) => tlv(0x31, ...items);
function oid(text) {
  const parts = text.split(".").map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      chunk.unshift(0x80 | (v & 0x7f));
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
const integer = (bytes) => tlv(0x02, bytes[0] & 0x80 ? cat([0], bytes) : bytes);
const octets = (b) => tlv(0x04, b);
const name = (cn) => seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(cn)))));
function time(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, "0");
  const body = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  return y < 2050 ? tlv(0x17, Buffer.from(p(y % 100) + body)) : tlv(0x18, Buffer.from(p(y, 4) + body));
}
const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));
const extension = (id, value, critical = false) =>
  seq(oid(id), ...(critical ? [tlv(0x01, [0xff])] : []), octets(value));

export const SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";
export const spkiOf = (key) => (key.type === "public" ? key : createPublicKey(key)).export({ type: "spki", format: "der" });
export const b64 = (b) => Buffer.from(b).toString("base64");
const sha256 = (b) => createHash("sha256").update(b).digest();

// ---- keys (fresh per run: no test depends on a particular key) ----
export function ecKey() {
  return generateKeyPairSync("ec", { namedCurve: "P-256" });
}
export function rsaKey(bits = 2048) {
  return generateKeyPairSync("rsa", { modulusLength: bits });
}

/** A test log: its key pair, id, and the log list entry. */
export function makeLog(description, keyPair, extra = {}) {
  const spki = spkiOf(keyPair.publicKey);
  return {
    keyPair,
    spki,
    id: sha256(spki),
    entry: {
      description,
      log_id: b64(sha256(spki)),
      key: b64(spki),
      url: "https://ct.example.invalid/",
      mmd: 86400,
      state: { usable: { timestamp: "2020-01-01T00:00:00Z" } },
      ...extra,
    },
  };
}

/** A log list v3 document: operators = [{ name, logs: [log...] , previous? }]. */
export function logList(operators, timestamp) {
  return {
    version: "1.0",
    log_list_timestamp: new Date(timestamp).toISOString().replace(/\.\d+Z$/, "Z"),
    operators: operators.map((o) => ({ name: o.name, email: [], logs: o.logs.map((l) => l.entry) })),
  };
}

const DAY = 86_400_000;
export { DAY };

/** A CA certificate (self-signed, P-256). */
export function makeCa(cn = "CT Test CA") {
  const keyPair = ecKey();
  const spki = spkiOf(keyPair.publicKey);
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(Buffer.from([0x01, 0x23])),
    ECDSA_SHA256,
    name(cn),
    seq(time(Date.UTC(2020, 0, 1)), time(Date.UTC(2040, 0, 1))),
    name(cn),
    spki,
    tlv(0xa3, seq(extension("2.5.29.19", seq(tlv(0x01, [0xff])), true), extension("2.5.29.15", tlv(0x03, [0x01, 0x06]), true))),
  );
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, cat([0], sign("sha256", tbs, keyPair.privateKey))));
  return { keyPair, spki, der, cn };
}

/** The leaf's TBS, with `extensions` (DER Extension elements) in the [3] list. */
function leafTbs({ ca, leafKey, notBefore, notAfter, host, serial, extensions }) {
  return seq(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(ca.cn),
    seq(time(notBefore), time(notAfter)),
    name(host),
    spkiOf(leafKey.publicKey),
    tlv(0xa3, seq(...extensions)),
  );
}

/**
 * The signed input of an embedded SCT, RFC 6962 section 3.2: sct_version 0,
 * signature_type 0, u64 timestamp, u16 entry_type 1 (precert), issuer_key_hash,
 * u24-length TBS, u16-length extensions.
 */
export function signedData(timestamp, issuerSpki, precertTbs, sctExtensions = Buffer.alloc(0)) {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const tbsLen = Buffer.alloc(3);
  tbsLen.writeUIntBE(precertTbs.length, 0, 3);
  const extLen = Buffer.alloc(2);
  extLen.writeUInt16BE(sctExtensions.length);
  return cat([0, 0], ts, [0, 1], sha256(issuerSpki), tbsLen, precertTbs, extLen, sctExtensions);
}

/** One serialized SCT (v1). */
export function sctBytes({ logId, timestamp, extensions = Buffer.alloc(0), sigAlg, signature }) {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const u16 = (n) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  return cat([0], logId, ts, u16(extensions.length), extensions, [4, sigAlg], u16(signature.length), signature);
}

/** SignedCertificateTimestampList wrapped as the extension's DER OCTET STRING. */
export function sctListValue(scts, trailing = Buffer.alloc(0)) {
  const u16 = (n) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    return b;
  };
  const items = cat(...scts.map((s) => cat(u16(s.length), s)));
  return octets(cat(u16(items.length), items, trailing));
}

/**
 * A leaf with embedded SCTs from `scts: [{ log, timestamp, extensions?, tamper? }]`, and
 * its CA. `tamper` changes bytes after signing to make one SCT (or the certificate)
 * wrong in one place: "signature" flips a signature bit, "timestamp" adds 1 ms,
 * "extensions" flips an SCT extension bit. `tamperTbs: true` flips a bit in the SAN of
 * the final certificate (re-signed by the CA, so only the SCTs can notice).
 */
export function makeLeaf({
  ca,
  host = "ct.example.com",
  notBefore = Date.UTC(2026, 0, 1),
  lifetimeMs = 90 * DAY,
  scts = [],
  tamperTbs = false,
  twoSctExtensions = false,
  listTrailing = undefined,
  emptySctList = false,
}) {
  const leafKey = ecKey();
  const notAfter = notBefore + lifetimeMs;
  const serial = Buffer.from([0x10, 0x20, 0x30, 0x40]);
  const san = (h) => extension("2.5.29.17", seq(tlv(0x82, Buffer.from(h))));
  const others = [san(host), extension("2.5.29.19", seq())];
  const precertTbs = leafTbs({ ca, leafKey, notBefore, notAfter, host, serial, extensions: others });
  const serialized = scts.map(({ log, timestamp, extensions = Buffer.alloc(0), tamper }) => {
    const data = signedData(timestamp, ca.spki, precertTbs, extensions);
    const isRsa = log.keyPair.privateKey.asymmetricKeyType === "rsa";
    const signature = sign("sha256", data, log.keyPair.privateKey);
    // The vector is right before any tampering: node:crypto agrees.
    if (!verify("sha256", data, log.keyPair.publicKey, signature)) throw new Error("test SCT does not verify");
    let sct = { logId: log.id, timestamp, extensions: Buffer.from(extensions), sigAlg: isRsa ? 1 : 3, signature: Buffer.from(signature) };
    if (tamper === "signature") sct.signature[sct.signature.length - 5] ^= 0x01;
    if (tamper === "timestamp") sct = { ...sct, timestamp: timestamp + 1 };
    if (tamper === "extensions") sct.extensions[0] ^= 0x80;
    return sctBytes(sct);
  });
  const sctExt = extension(SCT_LIST_OID, sctListValue(serialized, listTrailing));
  const finalOthers = tamperTbs ? [san(host.replace(/^c/, "d")), others[1]] : others;
  // No SCTs: no SCT list extension, unless the test wants the (invalid) empty list.
  const withSct = scts.length > 0 || emptySctList ? [sctExt] : [];
  const exts = twoSctExtensions ? [...finalOthers, sctExt, sctExt] : [...finalOthers, ...withSct];
  const tbs = leafTbs({ ca, leafKey, notBefore, notAfter, host, serial, extensions: exts });
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, cat([0], sign("sha256", tbs, ca.keyPair.privateKey))));
  return { der, precertTbs, tbs, notBefore, notAfter, leafKey };
}

export const pem = (der) =>
  `-----BEGIN CERTIFICATE-----\n${b64(der).match(/.{1,64}/g).join("\n")}\n-----END CERTIFICATE-----\n`;
