'use strict';
// A signature verifier for certpin's path building, on node:crypto (Node and Deno).
// certpin's built-in verifier is pure Rust in wasm, 10-25x slower than OpenSSL; the Node
// and Deno entries install this one with `setNativeVerifier(createNodeVerifier())`.
//
// Call shape (what certpin's wasm calls, synchronously, once per certificate link):
//   verify(algorithm, spkiDer, message, signature, saltLength) -> true | false | null
//   algorithm  "rsa-pkcs1-sha1" | "rsa-pkcs1-sha256" | "rsa-pkcs1-sha384" | "rsa-pkcs1-sha512"
//              | "rsa-pss-sha256" | "rsa-pss-sha384" | "rsa-pss-sha512"
//              | "ecdsa-sha256" | "ecdsa-sha384" | "ecdsa-sha512" | "ed25519"
//   spkiDer    Uint8Array: the issuer's DER SubjectPublicKeyInfo, exactly as served
//   message    Uint8Array: the DER TBSCertificate
//   signature  Uint8Array: the signature bits (ECDSA: DER Ecdsa-Sig-Value)
//   saltLength number for rsa-pss-* (MGF1 uses the same hash), undefined otherwise
//   returns    true = valid, false = invalid, null = cannot check (certpin then reports
//              the algorithm as unsupported and never treats the link as valid)
// certpin checks beforehand that the key type fits the algorithm and that RSA keys are
// 1024..8192 bits, so both verifiers answer the same questions.
// process.getBuiltinModule (Node >= 20.16) first: inside an ESM bundle `require` is not defined.
const crypto = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:crypto') : require('node:crypto');

const ALGORITHM = /^(rsa-pkcs1|rsa-pss|ecdsa)-(sha1|sha256|sha384|sha512)$/;
const KEY_TYPE = { 'rsa-pkcs1': 'rsa', 'rsa-pss': 'rsa', ecdsa: 'ec' };

function createNodeVerifier(options = {}) {
  const cacheSize = Number.isInteger(options.cacheSize) && options.cacheSize > 0 ? options.cacheSize : 64;
  // KeyObjects by SPKI bytes, least recently used evicted first (a Map keeps insertion order).
  const keys = new Map();
  function keyOf(spkiDer) {
    const bytes = Buffer.from(spkiDer.buffer, spkiDer.byteOffset, spkiDer.byteLength);
    const id = bytes.toString('latin1');
    let key = keys.get(id);
    if (key !== undefined) {
      keys.delete(id);
    } else {
      key = crypto.createPublicKey({ key: Buffer.from(bytes), format: 'der', type: 'spki' });
    }
    keys.set(id, key);
    if (keys.size > cacheSize) keys.delete(keys.keys().next().value);
    return key;
  }

  return function verify(algorithm, spkiDer, message, signature, saltLength) {
    try {
      if (typeof algorithm !== 'string' || !(spkiDer instanceof Uint8Array)
          || !(message instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
        return null;
      }
      const key = keyOf(spkiDer);
      if (algorithm === 'ed25519') {
        if (key.asymmetricKeyType !== 'ed25519') return false;
        return crypto.verify(null, message, key, signature) === true;
      }
      const m = ALGORITHM.exec(algorithm);
      if (m === null) return null;
      const [, scheme, hash] = m;
      if (key.asymmetricKeyType !== KEY_TYPE[scheme]) return false;
      let verifyKey;
      if (scheme === 'ecdsa') {
        verifyKey = { key, dsaEncoding: 'der' };
      } else if (scheme === 'rsa-pkcs1') {
        verifyKey = { key, padding: crypto.constants.RSA_PKCS1_PADDING };
      } else {
        if (!Number.isInteger(saltLength) || saltLength < 0) return null;
        verifyKey = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength };
      }
      return crypto.verify(hash, message, verifyKey, signature) === true;
    } catch {
      // A key node cannot load, or an operation OpenSSL refuses: not checkable here.
      return null;
    }
  };
}

module.exports = { createNodeVerifier };
