//! Signature verification of certificate links (RFC 5280 section 4.1.1.3).
//!
//! The core decodes a certificate's signature `AlgorithmIdentifier` once into a
//! [`SignatureAlgorithm`] (RFC 4055 for RSA-PSS, RFC 5758 for ECDSA, RFC 8410 for
//! Ed25519), checks that the issuer key fits it and is within bounds, and only then asks
//! a [`SignatureVerifier`] whether the signature holds. The verifier is an argument of
//! every function that checks a signature, passed down from its caller: the pure-Rust
//! [`RustCryptoVerifier`], or one a host supplies (Node's `node:crypto`). Both receive
//! only combinations the core accepted, so they answer the same question and must give
//! the same answer. No verifier is stored anywhere.

use crate::limits::{MAX_RSA_BITS, MAX_RSA_EXPONENT, MIN_RSA_BITS};
use crate::signature::algorithm::{SignatureAlgorithm, SignatureHash};
use crate::x509::cert::Certificate;
use crate::x509::spki::bit_length;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey as ParsedKey;
use x509_parser::x509::SubjectPublicKeyInfo;

/// What a verifier says about one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// The signature holds for this key and message.
    Valid,
    /// It does not (or the key cannot have made it).
    Invalid,
    /// The verifier cannot check this; the text names the algorithm or key.
    Unsupported(String),
}

/// Checks one signature. Implementations must be pure and must never panic; anything
/// they cannot check is `Unsupported`, never `Valid`.
pub trait SignatureVerifier {
    /// Does `signature` over `message` verify with the key in `issuer_spki_der` (the
    /// exact DER SubjectPublicKeyInfo) under `algorithm`?
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        issuer_spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> VerifyOutcome;
}

/// Verifies `child`'s signature with `issuer`'s key: decodes the algorithm, checks the
/// key fits it and is in bounds, then asks `verifier`.
pub fn verify_link(
    child: &Certificate,
    issuer: &Certificate,
    verifier: &dyn SignatureVerifier,
) -> VerifyOutcome {
    let algorithm = match SignatureAlgorithm::of_certificate(child) {
        Ok(a) => a,
        Err(name) => return VerifyOutcome::Unsupported(name),
    };
    if let Err(outcome) = check_key(algorithm, issuer.spki_der()) {
        return outcome;
    }
    verifier.verify(
        algorithm,
        issuer.spki_der(),
        child.tbs_der(),
        child.signature(),
    )
}

/// Self-issued (subject = issuer) and its signature verifies with its own key.
pub fn is_self_signed(cert: &Certificate, verifier: &dyn SignatureVerifier) -> bool {
    cert.is_self_issued() && verify_link(cert, cert, verifier) == VerifyOutcome::Valid
}

const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const ED25519_KEY: &str = "1.3.101.112";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

/// The issuer key, as far as the core checks it before any verifier runs.
enum Key {
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    P256(Vec<u8>),
    P384(Vec<u8>),
    Ed25519(Vec<u8>),
}

fn decode_key(spki_der: &[u8]) -> Result<Key, VerifyOutcome> {
    let (rest, spki) = SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|_| VerifyOutcome::Unsupported("a malformed issuer public key".into()))?;
    if !rest.is_empty() {
        return Err(VerifyOutcome::Unsupported(
            "an issuer public key with trailing bytes".into(),
        ));
    }
    let oid = spki.algorithm.algorithm.to_id_string();
    let point = spki.subject_public_key.data.to_vec();
    match oid.as_str() {
        RSA_ENCRYPTION => match spki.parsed() {
            Ok(ParsedKey::RSA(rsa)) => Ok(Key::Rsa {
                modulus: rsa.modulus.to_vec(),
                exponent: rsa.exponent.to_vec(),
            }),
            _ => Err(VerifyOutcome::Unsupported(
                "a malformed RSA public key".into(),
            )),
        },
        EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match curve.as_deref() {
                Some(P256) => Ok(Key::P256(point)),
                Some(P384) => Ok(Key::P384(point)),
                Some("1.3.132.0.35") => {
                    Err(VerifyOutcome::Unsupported("ECDSA on curve P-521".into()))
                }
                Some(other) => Err(VerifyOutcome::Unsupported(format!(
                    "ECDSA on curve {other}"
                ))),
                None => Err(VerifyOutcome::Unsupported(
                    "an EC key without a named curve".into(),
                )),
            }
        }
        ED25519_KEY => Ok(Key::Ed25519(point)),
        "1.2.840.113549.1.1.10" => Err(VerifyOutcome::Unsupported(
            "an RSA-PSS-only (id-RSASSA-PSS) public key".into(),
        )),
        other => Err(VerifyOutcome::Unsupported(format!(
            "public key algorithm {}",
            match other {
                "1.3.101.113" => "Ed448",
                "1.2.840.10040.4.1" => "DSA",
                o => o,
            }
        ))),
    }
}

/// An RSA issuer key's shape, for cost estimates: (modulus bits, exponent bits, set bits
/// of the exponent). `None` for other keys or a malformed one.
pub(crate) fn rsa_key_shape(spki_der: &[u8]) -> Option<(u32, u32, u32)> {
    match decode_key(spki_der).ok()? {
        Key::Rsa { modulus, exponent } => {
            let e = significant(&exponent);
            let ones = e.iter().map(|b| b.count_ones()).sum();
            Some((bit_length(&modulus), bit_length(&exponent), ones))
        }
        _ => None,
    }
}

fn significant(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

/// The core's checks on the issuer key, identical for every verifier: the key type fits
/// the algorithm (else `Invalid`: that key cannot have made the signature), and the key
/// is one certpin verifies (else `Unsupported`).
pub(crate) fn check_key(
    algorithm: SignatureAlgorithm,
    issuer_spki_der: &[u8],
) -> Result<(), VerifyOutcome> {
    let key = decode_key(issuer_spki_der)?;
    match (algorithm, key) {
        (
            SignatureAlgorithm::RsaPkcs1 { .. } | SignatureAlgorithm::RsaPss { .. },
            Key::Rsa { modulus, exponent },
        ) => {
            let bits = bit_length(&modulus);
            if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
                return Err(VerifyOutcome::Unsupported(format!(
                    "an RSA key of {bits} bits (certpin verifies {MIN_RSA_BITS} to {MAX_RSA_BITS})"
                )));
            }
            let e = significant(&exponent);
            let e_value = (e.len() <= 8).then(|| {
                e.iter()
                    .fold(0u64, |acc, b| acc.wrapping_shl(8) | u64::from(*b))
            });
            match e_value {
                Some(v) if (3..=MAX_RSA_EXPONENT).contains(&v) && v % 2 == 1 => Ok(()),
                _ => Err(VerifyOutcome::Unsupported(
                    "an RSA key with an unusual public exponent".into(),
                )),
            }
        }
        (SignatureAlgorithm::Ecdsa { .. }, Key::P256(_) | Key::P384(_))
        | (SignatureAlgorithm::Ed25519, Key::Ed25519(_)) => Ok(()),
        _ => Err(VerifyOutcome::Invalid),
    }
}

/// A DER `Ecdsa-Sig-Value` (RFC 5480 / X9.62): r and s as fixed-width big-endian
/// scalars of `width` bytes, strict (minimal INTEGERs, positive, no trailing bytes).
fn ecdsa_der_to_fixed(der: &[u8], width: usize) -> Option<Vec<u8>> {
    let (tag, body, rest) = crate::input::der::tlv(der)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(width * 2);
    let mut input = body;
    for _ in 0..2 {
        let (t, int, r) = crate::input::der::tlv(input)?;
        input = r;
        if t != 0x02 || int.is_empty() || int.first().is_some_and(|b| b & 0x80 != 0) {
            return None;
        }
        if int.len() > 1 && int.first() == Some(&0) && int.get(1).is_some_and(|b| b & 0x80 == 0) {
            return None; // not minimal
        }
        let value = significant(int);
        if value.len() > width {
            return None;
        }
        out.extend(core::iter::repeat_n(0u8, width - value.len()));
        out.extend_from_slice(value);
    }
    input.is_empty().then_some(out)
}

/// The built-in verifier: RustCrypto's `rsa`, `p256`, `p384` and `ed25519-dalek`, pure
/// Rust, for every host (browsers and workers use it; Node and Deno may install theirs).
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCryptoVerifier;

impl SignatureVerifier for RustCryptoVerifier {
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        issuer_spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> VerifyOutcome {
        if let Err(outcome) = check_key(algorithm, issuer_spki_der) {
            return outcome;
        }
        let key = match decode_key(issuer_spki_der) {
            Ok(k) => k,
            Err(outcome) => return outcome,
        };
        let ok = match (algorithm, key) {
            (SignatureAlgorithm::RsaPkcs1 { hash }, Key::Rsa { modulus, exponent }) => {
                rsa_verify(&modulus, &exponent, |k| {
                    let digest = digest(hash, message);
                    let scheme = match hash {
                        SignatureHash::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
                        SignatureHash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                        SignatureHash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                        SignatureHash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
                    };
                    k.verify(scheme, &digest, signature).is_ok()
                })
            }
            (SignatureAlgorithm::RsaPss { hash, salt_len }, Key::Rsa { modulus, exponent }) => {
                rsa_verify(&modulus, &exponent, |k| {
                    let digest = digest(hash, message);
                    match hash {
                        SignatureHash::Sha256 => k
                            .verify(
                                rsa::Pss::<sha2::Sha256>::new_with_salt(salt_len),
                                &digest,
                                signature,
                            )
                            .is_ok(),
                        SignatureHash::Sha384 => k
                            .verify(
                                rsa::Pss::<sha2::Sha384>::new_with_salt(salt_len),
                                &digest,
                                signature,
                            )
                            .is_ok(),
                        SignatureHash::Sha512 => k
                            .verify(
                                rsa::Pss::<sha2::Sha512>::new_with_salt(salt_len),
                                &digest,
                                signature,
                            )
                            .is_ok(),
                        SignatureHash::Sha1 => false,
                    }
                })
            }
            (SignatureAlgorithm::Ecdsa { hash }, Key::P256(point)) => {
                let Some(ok) = ecdsa_verify!(p256, 32, &point, signature, &digest(hash, message))
                else {
                    return VerifyOutcome::Invalid;
                };
                ok
            }
            (SignatureAlgorithm::Ecdsa { hash }, Key::P384(point)) => {
                let Some(ok) = ecdsa_verify!(p384, 48, &point, signature, &digest(hash, message))
                else {
                    return VerifyOutcome::Invalid;
                };
                ok
            }
            (SignatureAlgorithm::Ed25519, Key::Ed25519(point)) => {
                let Ok(point) = <[u8; 32]>::try_from(point.as_slice()) else {
                    return VerifyOutcome::Invalid;
                };
                let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&point) else {
                    return VerifyOutcome::Invalid;
                };
                let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
                    return VerifyOutcome::Invalid;
                };
                key.verify_strict(message, &sig).is_ok()
            }
            _ => false,
        };
        if ok {
            VerifyOutcome::Valid
        } else {
            VerifyOutcome::Invalid
        }
    }
}

/// An ECDSA verification on the curve of the RustCrypto crate `$curve` (`p256`, `p384`),
/// whose signature halves are `$half` bytes: `None` when the key is not a point of the
/// curve, else whether the DER `$signature` verifies over `$prehash` (evaluated only once
/// the signature has decoded).
macro_rules! ecdsa_verify {
    ($curve:ident, $half:expr, $point:expr, $signature:expr, $prehash:expr) => {{
        use $curve::ecdsa::signature::hazmat::PrehashVerifier;
        match $curve::ecdsa::VerifyingKey::from_sec1_bytes($point) {
            Err(_) => None,
            Ok(key) => Some(
                ecdsa_der_to_fixed($signature, $half)
                    .and_then(|fixed| $curve::ecdsa::Signature::from_slice(&fixed).ok())
                    .is_some_and(|sig| key.verify_prehash($prehash, &sig).is_ok()),
            ),
        }
    }};
}
use ecdsa_verify;

fn digest(hash: SignatureHash, message: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    let out = match hash {
        SignatureHash::Sha1 => sha1::Sha1::digest(message).to_vec(),
        SignatureHash::Sha256 => sha2::Sha256::digest(message).to_vec(),
        SignatureHash::Sha384 => sha2::Sha384::digest(message).to_vec(),
        SignatureHash::Sha512 => sha2::Sha512::digest(message).to_vec(),
    };
    debug_assert_eq!(out.len(), hash.output_len());
    out
}

fn rsa_verify(
    modulus: &[u8],
    exponent: &[u8],
    check: impl FnOnce(&rsa::PublicKey) -> bool,
) -> bool {
    let n = rsa::BoxedUint::from_be_slice_vartime(significant(modulus));
    let e = rsa::BoxedUint::from_be_slice_vartime(significant(exponent));
    match rsa::PublicKey::new_with_size_limits(n, e, MIN_RSA_BITS as usize..=MAX_RSA_BITS as usize)
    {
        Ok(key) => check(&key),
        Err(_) => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_signature_decoding() {
        let cases: &[(&[u8], Option<usize>)] = &[
            (&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02], Some(64)),
            // r with a needless leading zero
            (
                &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02],
                None,
            ),
            // negative s
            (&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x82], None),
            // trailing byte inside
            (
                &[0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00],
                None,
            ),
            (&[0x30, 0x00], None),
            (&[], None),
        ];
        for (der, want) in cases {
            assert_eq!(
                ecdsa_der_to_fixed(der, 32).map(|v| v.len()),
                *want,
                "{der:?}"
            );
        }
    }

    #[test]
    fn tlv_lengths_are_minimal() {
        assert!(crate::input::der::tlv(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5]).is_none());
        assert!(crate::input::der::tlv(&[0x04, 0x80]).is_none());
        assert_eq!(
            crate::input::der::tlv(&[0x04, 0x01, 9]).map(|t| t.1),
            Some(&[9u8][..])
        );
    }

    #[test]
    fn garbage_keys_are_never_valid() {
        let alg = SignatureAlgorithm::Ed25519;
        assert!(matches!(
            RustCryptoVerifier.verify(alg, b"junk", b"m", b"s"),
            VerifyOutcome::Unsupported(_)
        ));
    }
}
