//! SubjectPublicKeyInfo: the key facts of a certificate's, a `PUBLIC KEY` item's or a
//! PKCS#10 request's key (RFC 5280 section 4.1.2.7, RFC 2986).

use crate::error::{Error, Result};
use core::ops::Range;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

/// The subject public key, as far as certpin needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    /// "RSA", "EC", "Ed25519", "Ed448", "RSA-PSS", "DSA", or the algorithm OID.
    pub algorithm: String,
    pub size_bits: Option<u32>,
    /// "P-256", "P-384", "P-521", "secp256k1", or the curve OID.
    pub curve: Option<String>,
}

/// Reads the SPKI of a `PUBLIC KEY` item, requiring it to span the whole DER.
pub fn spki_of_public_key(der: &[u8], cert_index: usize) -> Result<KeyFacts> {
    let (rest, spki) = SubjectPublicKeyInfo::from_der(der).map_err(|e| Error::CertMalformed {
        cert_index,
        reason: format!("not a valid SubjectPublicKeyInfo: {e}"),
    })?;
    if !rest.is_empty() {
        return Err(Error::DerMalformed {
            cert_index,
            offset: der.len() - rest.len(),
            reason: "trailing bytes after the public key".into(),
        });
    }
    Ok(key_facts(&spki))
}

/// Returns the range of the SPKI inside a PKCS#10 request (RFC 2986).
pub fn spki_of_csr(der: &[u8], cert_index: usize) -> Result<Range<usize>> {
    use x509_parser::certification_request::X509CertificationRequest;
    let (rest, csr) =
        X509CertificationRequest::from_der(der).map_err(|e| Error::CertMalformed {
            cert_index,
            reason: format!("not a valid certificate request: {e}"),
        })?;
    if !rest.is_empty() {
        return Err(Error::DerMalformed {
            cert_index,
            offset: der.len() - rest.len(),
            reason: "trailing bytes after the certificate request".into(),
        });
    }
    let part = csr.certification_request_info.subject_pki.raw;
    let start = (part.as_ptr() as usize).wrapping_sub(der.as_ptr() as usize);
    let end = start.wrapping_add(part.len());
    if start <= end && end <= der.len() {
        Ok(start..end)
    } else {
        Err(Error::CertMalformed {
            cert_index,
            reason: "internal: the key lies outside the request".into(),
        })
    }
}

pub(crate) fn key_facts(spki: &SubjectPublicKeyInfo<'_>) -> KeyFacts {
    let oid = crate::x509::oid::text(&spki.algorithm.algorithm);
    match oid.as_ref() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => {
            let size_bits = match spki.parsed() {
                Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => Some(bit_length(rsa.modulus)),
                _ => None,
            };
            let algorithm = if oid.ends_with(".1") {
                "RSA"
            } else {
                "RSA-PSS"
            };
            KeyFacts {
                algorithm: algorithm.into(),
                size_bits,
                curve: None,
            }
        }
        "1.2.840.10045.2.1" => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| crate::x509::oid::text(&o));
            let (curve, size_bits) = match curve_oid.as_deref() {
                Some("1.2.840.10045.3.1.7") => (Some("P-256".to_string()), Some(256)),
                Some("1.3.132.0.34") => (Some("P-384".to_string()), Some(384)),
                Some("1.3.132.0.35") => (Some("P-521".to_string()), Some(521)),
                Some("1.3.132.0.10") => (Some("secp256k1".to_string()), Some(256)),
                Some(other) => (Some(other.to_string()), None),
                None => (None, None),
            };
            KeyFacts {
                algorithm: "EC".into(),
                size_bits,
                curve,
            }
        }
        "1.3.101.112" => KeyFacts {
            algorithm: "Ed25519".into(),
            size_bits: Some(256),
            curve: None,
        },
        "1.3.101.113" => KeyFacts {
            algorithm: "Ed448".into(),
            size_bits: Some(456),
            curve: None,
        },
        "1.2.840.10040.4.1" => KeyFacts {
            algorithm: "DSA".into(),
            size_bits: None,
            curve: None,
        },
        _ => KeyFacts {
            algorithm: oid.into_owned(),
            size_bits: None,
            curve: None,
        },
    }
}

/// The bit length of an unsigned big-endian integer (leading zero bytes ignored).
pub(crate) fn bit_length(unsigned_be: &[u8]) -> u32 {
    let Some(first) = unsigned_be.iter().position(|b| *b != 0) else {
        return 0;
    };
    let significant = unsigned_be.get(first..).unwrap_or_default();
    let lead = significant.first().copied().unwrap_or(0);
    let len = u32::try_from(significant.len()).unwrap_or(u32::MAX / 8);
    (len - 1) * 8 + (8 - lead.leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[0x00, 0x80, 0, 0]), 24);
        assert_eq!(bit_length(&[0x01]), 1);
        assert_eq!(bit_length(&[0x00]), 0);
        assert_eq!(bit_length(&[0x7f, 0xff]), 15);
    }
}
