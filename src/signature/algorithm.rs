//! The signature algorithms certpin verifies, decoded once from an
//! `AlgorithmIdentifier` (RFC 4055 for RSA-PSS, RFC 5758 for ECDSA, RFC 8410 for
//! Ed25519).

use crate::limits::MAX_PSS_SALT;
use crate::x509::cert::{signature_algorithm_name, Certificate};
use core::fmt;

/// The hash of a signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureHash {
    /// SHA-1: still verified (old roots and intermediates use it), but flagged.
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl SignatureHash {
    /// The name used in algorithm names and by `node:crypto`: `sha1`, `sha256`...
    pub fn name(self) -> &'static str {
        match self {
            SignatureHash::Sha1 => "sha1",
            SignatureHash::Sha256 => "sha256",
            SignatureHash::Sha384 => "sha384",
            SignatureHash::Sha512 => "sha512",
        }
    }
    pub(crate) fn output_len(self) -> usize {
        match self {
            SignatureHash::Sha1 => 20,
            SignatureHash::Sha256 => 32,
            SignatureHash::Sha384 => 48,
            SignatureHash::Sha512 => 64,
        }
    }
    fn from_oid(oid: &str) -> Option<SignatureHash> {
        match oid {
            "1.3.14.3.2.26" => Some(SignatureHash::Sha1),
            "2.16.840.1.101.3.4.2.1" => Some(SignatureHash::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(SignatureHash::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(SignatureHash::Sha512),
            _ => None,
        }
    }
}

/// A signature algorithm certpin verifies, decoded once from a certificate's
/// `signatureAlgorithm` (with its parameters, for RSA-PSS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2) with `hash`.
    RsaPkcs1 { hash: SignatureHash },
    /// RSASSA-PSS (RFC 4055 section 3.1): `hash` for the message and MGF1, `salt_len` bytes.
    RsaPss {
        hash: SignatureHash,
        salt_len: usize,
    },
    /// ECDSA with `hash`, DER `Ecdsa-Sig-Value`; the curve is the issuer key's (P-256, P-384).
    Ecdsa { hash: SignatureHash },
    /// Ed25519 (RFC 8410), pure: the message is signed as is.
    Ed25519,
}

impl SignatureAlgorithm {
    /// Decodes the certificate's signature algorithm, or returns the name of the
    /// algorithm certpin does not verify.
    pub fn of_certificate(cert: &Certificate) -> Result<SignatureAlgorithm, String> {
        SignatureAlgorithm::from_oid(
            cert.signature_algorithm_oid(),
            cert.signature_algorithm_params(),
        )
    }

    /// Decodes an AlgorithmIdentifier's OID and DER parameters (tag included).
    pub fn from_oid(oid: &str, params: Option<&[u8]>) -> Result<SignatureAlgorithm, String> {
        let unsupported = || signature_algorithm_name(oid);
        // RFC 4055 section 5: the RSA PKCS#1 parameters are NULL (absence is tolerated,
        // as OpenSSL does); ECDSA and Ed25519 have none (RFC 5758 3.2, RFC 8410 3).
        let null_or_absent = matches!(params, None | Some([0x05, 0x00]));
        let absent = params.is_none();
        let pkcs1 = |hash| {
            if null_or_absent {
                Ok(SignatureAlgorithm::RsaPkcs1 { hash })
            } else {
                Err(format!("{} with unexpected parameters", unsupported()))
            }
        };
        let ecdsa = |hash| {
            if absent {
                Ok(SignatureAlgorithm::Ecdsa { hash })
            } else {
                Err(format!("{} with unexpected parameters", unsupported()))
            }
        };
        match oid {
            "1.2.840.113549.1.1.5" => pkcs1(SignatureHash::Sha1),
            "1.2.840.113549.1.1.11" => pkcs1(SignatureHash::Sha256),
            "1.2.840.113549.1.1.12" => pkcs1(SignatureHash::Sha384),
            "1.2.840.113549.1.1.13" => pkcs1(SignatureHash::Sha512),
            "1.2.840.10045.4.3.2" => ecdsa(SignatureHash::Sha256),
            "1.2.840.10045.4.3.3" => ecdsa(SignatureHash::Sha384),
            "1.2.840.10045.4.3.4" => ecdsa(SignatureHash::Sha512),
            "1.3.101.112" if absent => Ok(SignatureAlgorithm::Ed25519),
            "1.2.840.113549.1.1.10" => match params {
                Some(p) => pss_params(p),
                None => Err("rsassaPss without parameters".into()),
            },
            _ => Err(unsupported()),
        }
    }

    /// A stable name, also the first argument of a host verifier:
    /// `rsa-pkcs1-sha256`, `rsa-pss-sha256` (salt length passed apart), `ecdsa-sha384`,
    /// `ed25519`.
    pub fn name(&self) -> String {
        match self {
            SignatureAlgorithm::RsaPkcs1 { hash } => format!("rsa-pkcs1-{}", hash.name()),
            SignatureAlgorithm::RsaPss { hash, .. } => format!("rsa-pss-{}", hash.name()),
            SignatureAlgorithm::Ecdsa { hash } => format!("ecdsa-{}", hash.name()),
            SignatureAlgorithm::Ed25519 => "ed25519".into(),
        }
    }

    /// The hash, if the scheme has a separate one (Ed25519 has none).
    pub fn hash(&self) -> Option<SignatureHash> {
        match self {
            SignatureAlgorithm::RsaPkcs1 { hash }
            | SignatureAlgorithm::RsaPss { hash, .. }
            | SignatureAlgorithm::Ecdsa { hash } => Some(*hash),
            SignatureAlgorithm::Ed25519 => None,
        }
    }

    /// The RSA-PSS salt length in bytes, for PSS only.
    pub fn salt_len(&self) -> Option<usize> {
        match self {
            SignatureAlgorithm::RsaPss { salt_len, .. } => Some(*salt_len),
            _ => None,
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.salt_len() {
            Some(salt) => write!(f, "{} (salt {salt} bytes)", self.name()),
            None => f.write_str(&self.name()),
        }
    }
}

/// RSASSA-PSS-params (RFC 4055 section 3.1): hash SHA-256/384/512, MGF1 with the same
/// hash, any salt length up to a bound, trailer field 1.
pub(super) fn pss_params(der: &[u8]) -> Result<SignatureAlgorithm, String> {
    let bad = |why: &str| format!("rsassaPss with {why}");
    let (tag, body, rest) =
        crate::input::der::tlv(der).ok_or_else(|| bad("malformed parameters"))?;
    if tag != 0x30 || !rest.is_empty() {
        return Err(bad("malformed parameters"));
    }
    let mut hash = SignatureHash::Sha1;
    let mut mgf_hash = SignatureHash::Sha1;
    let mut salt_len = 20usize;
    let mut input = body;
    let mut last_tag = 0u8;
    while !input.is_empty() {
        let (tag, field, rest) =
            crate::input::der::tlv(input).ok_or_else(|| bad("malformed parameters"))?;
        if tag <= last_tag {
            return Err(bad("fields out of order"));
        }
        last_tag = tag;
        input = rest;
        match tag {
            0xa0 => {
                hash = hash_of_algorithm_identifier(field).ok_or_else(|| bad("an unknown hash"))?
            }
            0xa1 => {
                let (t, mgf, r) =
                    crate::input::der::tlv(field).ok_or_else(|| bad("a malformed MGF"))?;
                let (t2, oid, after_oid) =
                    crate::input::der::tlv(mgf).ok_or_else(|| bad("a malformed MGF"))?;
                if t != 0x30 || !r.is_empty() || t2 != 0x06 || oid != MGF1_OID {
                    return Err(bad("a mask generation function other than MGF1"));
                }
                mgf_hash = hash_of_algorithm_identifier(after_oid)
                    .ok_or_else(|| bad("an unknown MGF1 hash"))?;
            }
            0xa2 => {
                let (t, int, r) =
                    crate::input::der::tlv(field).ok_or_else(|| bad("a malformed salt length"))?;
                if t != 0x02 || !r.is_empty() || int.is_empty() || int.len() > 4 {
                    return Err(bad("a malformed salt length"));
                }
                if int.first().is_some_and(|b| b & 0x80 != 0) {
                    return Err(bad("a negative salt length"));
                }
                salt_len = int
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
                if salt_len > MAX_PSS_SALT {
                    return Err(bad("a salt longer than 1024 bytes"));
                }
            }
            0xa3 => {
                if field != [0x02, 0x01, 0x01] {
                    return Err(bad("a trailer field other than 1"));
                }
            }
            _ => return Err(bad("an unknown field")),
        }
    }
    if hash != mgf_hash {
        return Err(bad("an MGF1 hash that differs from the message hash"));
    }
    if hash == SignatureHash::Sha1 {
        return Err(bad("SHA-1"));
    }
    Ok(SignatureAlgorithm::RsaPss { hash, salt_len })
}

const MGF1_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];

/// The hash named by a DER AlgorithmIdentifier (with NULL or absent parameters).
fn hash_of_algorithm_identifier(der: &[u8]) -> Option<SignatureHash> {
    let (tag, body, rest) = crate::input::der::tlv(der)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let (oid_tag, oid, params) = crate::input::der::tlv(body)?;
    if oid_tag != 0x06 || !(params.is_empty() || params == [0x05, 0x00]) {
        return None;
    }
    let text = oid_to_string(oid)?;
    SignatureHash::from_oid(&text)
}

fn oid_to_string(content: &[u8]) -> Option<String> {
    let (first, rest) = content.split_first()?;
    let mut parts = vec![u64::from(first / 40), u64::from(first % 40)];
    let mut value = 0u64;
    for b in rest {
        value = value.checked_shl(7)? | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            parts.push(value);
            value = 0;
        }
    }
    if rest.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    Some(
        parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names() {
        let null = Some(&[0x05u8, 0x00][..]);
        let known: [(&str, Option<&[u8]>, &str); 8] = [
            ("1.2.840.113549.1.1.11", null, "rsa-pkcs1-sha256"),
            ("1.2.840.113549.1.1.11", None, "rsa-pkcs1-sha256"),
            ("1.2.840.113549.1.1.5", null, "rsa-pkcs1-sha1"),
            ("1.2.840.113549.1.1.12", null, "rsa-pkcs1-sha384"),
            ("1.2.840.113549.1.1.13", null, "rsa-pkcs1-sha512"),
            ("1.2.840.10045.4.3.2", None, "ecdsa-sha256"),
            ("1.2.840.10045.4.3.3", None, "ecdsa-sha384"),
            ("1.3.101.112", None, "ed25519"),
        ];
        for (oid, params, name) in known {
            let got = SignatureAlgorithm::from_oid(oid, params).map(|a| a.name());
            assert_eq!(got, Ok(name.to_string()), "{oid}");
        }
        let refused: [(&str, Option<&[u8]>, &str); 5] = [
            (
                "1.2.840.10045.4.3.2",
                null,
                "ecdsa-with-SHA256 with unexpected parameters",
            ),
            ("1.3.101.113", None, "ED448"),
            ("1.2.840.113549.1.1.4", null, "md5WithRSAEncryption"),
            ("1.2.840.10045.4.1", None, "ecdsa-with-SHA1"),
            (
                "1.2.840.113549.1.1.10",
                None,
                "rsassaPss without parameters",
            ),
        ];
        for (oid, params, reason) in refused {
            let got = SignatureAlgorithm::from_oid(oid, params).map(|a| a.name());
            assert_eq!(got, Err(reason.to_string()), "{oid}");
        }
    }

    // RSASSA-PSS-params for SHA-256, MGF1-SHA-256, salt 32 (as OpenSSL writes them).
    const PSS_SHA256: &str = "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn pss_parameters() {
        let der = unhex(PSS_SHA256);
        assert_eq!(
            pss_params(&der),
            Ok(SignatureAlgorithm::RsaPss {
                hash: SignatureHash::Sha256,
                salt_len: 32
            })
        );
        // Empty SEQUENCE: all defaults, SHA-1: refused.
        assert!(pss_params(&[0x30, 0x00]).is_err());
        // Truncated.
        assert!(pss_params(&der[..der.len() - 1]).is_err());
        // Trailing bytes.
        let mut long = der.clone();
        long.push(0);
        assert!(pss_params(&long).is_err());
    }
}
