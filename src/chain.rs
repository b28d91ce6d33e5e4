//! A served chain: the certificates of an input, in input order (leaf first), and the
//! public description of each (`CertificateInfo`).

pub(crate) mod path;
pub(crate) mod validity;

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::input::{decode, decode_noted, Item, ItemKind, Part};
use crate::pin::{hex, HashAlgorithm, Pin};
use crate::x509::cert::{signature_algorithm_name, Certificate};
use crate::x509::spki::{spki_of_csr, spki_of_public_key};
use serde::Serialize;

/// Parses every item of the input as a certificate, in order.
pub fn parse_chain(parts: &[Part]) -> Result<Vec<Certificate>> {
    decode(parts)?
        .into_iter()
        .enumerate()
        .map(|(index, item)| certificate_of_item(item, index))
        .collect()
}

/// [`parse_chain`], with a warning for each PEM block that was skipped
/// (`PEM_BLOCK_SKIPPED`: a private key or other non-certificate block beside them).
pub fn parse_chain_noted(parts: &[Part]) -> Result<(Vec<Certificate>, Vec<Finding>)> {
    let (items, notes) = decode_noted(parts)?;
    let certs = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| certificate_of_item(item, index))
        .collect::<Result<Vec<_>>>()?;
    Ok((certs, notes))
}

fn certificate_of_item(item: Item, index: usize) -> Result<Certificate> {
    match item.kind {
        // `decode` checked the item's framing.
        ItemKind::Certificate => Certificate::from_framed_der(item.der, index),
        ItemKind::PublicKey | ItemKind::CertificateRequest => Err(Error::UnsupportedInput {
            block_index: item.block_index,
            reason: format!(
                "item {index} is a {}, not a certificate: use computePins for backup keys",
                if item.kind == ItemKind::PublicKey {
                    "PUBLIC KEY"
                } else {
                    "CERTIFICATE REQUEST"
                }
            ),
        }),
    }
}

/// The pin of every item: certificates, public keys and certificate requests (backup
/// keys that have no certificate yet). Unlabelled DER is read as a certificate, and
/// failing that as a bare SubjectPublicKeyInfo or a PKCS#10 request.
pub fn compute_pins(parts: &[Part], algorithm: HashAlgorithm) -> Result<Vec<Pin>> {
    decode(parts)?
        .into_iter()
        .enumerate()
        .map(|(index, item)| spki_pin(&item, index, algorithm))
        .collect()
}

fn spki_pin(item: &Item, index: usize, algorithm: HashAlgorithm) -> Result<Pin> {
    match item.kind {
        ItemKind::PublicKey => {
            spki_of_public_key(&item.der, index)?;
            Ok(Pin::of_spki(algorithm, &item.der))
        }
        ItemKind::CertificateRequest => csr_pin(&item.der, index, algorithm),
        ItemKind::Certificate => match Certificate::from_framed_der(item.der.clone(), index) {
            Ok(cert) => Ok(cert.pin(algorithm)),
            Err(cert_error) if item.unlabelled => {
                if spki_of_public_key(&item.der, index).is_ok() {
                    Ok(Pin::of_spki(algorithm, &item.der))
                } else {
                    csr_pin(&item.der, index, algorithm).map_err(|_| cert_error)
                }
            }
            Err(e) => Err(e),
        },
    }
}

fn csr_pin(der: &[u8], index: usize, algorithm: HashAlgorithm) -> Result<Pin> {
    let range = spki_of_csr(der, index)?;
    Ok(Pin::of_spki(algorithm, der.get(range).unwrap_or_default()))
}

/// What a person tells a certificate by: its names, serial number and validity. Both
/// `CertificateInfo` and `ctDrift`'s certificates start with it (flattened: the JSON
/// keys stand in the outer object, in this order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSummary {
    pub subject: String,
    pub issuer: String,
    pub serial_number: String,
    pub not_before: String,
    pub not_after: String,
    pub dns_names: Vec<String>,
}

impl CertificateSummary {
    pub fn of(cert: &Certificate) -> CertificateSummary {
        let f = cert.facts();
        CertificateSummary {
            subject: f.subject.clone(),
            issuer: f.issuer.clone(),
            serial_number: f.serial_hex.clone(),
            not_before: f.not_before.to_rfc3339(),
            not_after: f.not_after.to_rfc3339(),
            dns_names: f.dns_names.clone(),
        }
    }
}

/// The public description of one certificate (the JS `CertificateInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    pub index: usize,
    #[serde(flatten)]
    pub summary: CertificateSummary,
    pub ip_addresses: Vec<String>,
    pub is_ca: bool,
    pub path_length: Option<u32>,
    pub self_signed: bool,
    pub key_algorithm: String,
    pub key_size: Option<u32>,
    pub curve: Option<String>,
    pub signature_algorithm: String,
    pub spki_sha256: String,
    pub fingerprint_sha256: String,
    pub subject_key_id: Option<String>,
    pub authority_key_id: Option<String>,
    /// The SCTs the certificate embeds (RFC 6962 section 3.3), in list order; empty when
    /// it has none or its SCT list does not parse (`diagnose` says so).
    pub scts: Vec<crate::ct::SctSummary>,
}

/// Every certificate of a parsed chain, described (`parseChain`); self-signatures are
/// checked with `verifier` within the path budget.
pub fn describe(
    certs: &[Certificate],
    verifier: &dyn crate::signature::verify::SignatureVerifier,
) -> Vec<CertificateInfo> {
    let flags = path::self_signed_flags(certs, verifier);
    certs
        .iter()
        .zip(flags)
        .enumerate()
        .map(|(i, (c, self_signed))| CertificateInfo::new(c, i, self_signed))
        .collect()
}

impl CertificateInfo {
    /// Describes `cert`, the `index`-th certificate of its input. `self_signed` is
    /// decided by the caller, which can verify the signature.
    pub fn new(cert: &Certificate, index: usize, self_signed: bool) -> CertificateInfo {
        let f = cert.facts();
        CertificateInfo {
            index,
            summary: CertificateSummary::of(cert),
            ip_addresses: f.ip_addresses.iter().map(|ip| ip_to_string(ip)).collect(),
            is_ca: f.is_ca,
            path_length: f.path_len_constraint,
            self_signed,
            key_algorithm: f.key.algorithm.clone(),
            key_size: f.key.size_bits,
            curve: f.key.curve.clone(),
            signature_algorithm: signature_algorithm_name(&f.signature_algorithm_oid),
            spki_sha256: cert.pin(HashAlgorithm::Sha256).to_string(),
            fingerprint_sha256: cert.fingerprint_sha256(),
            subject_key_id: f.subject_key_id.as_deref().map(hex),
            authority_key_id: f.authority_key_id.as_deref().map(hex),
            scts: crate::ct::sct_summaries(cert),
        }
    }
}

/// An iPAddress SAN as text: dotted IPv4, RFC 5952 IPv6, or hex for other lengths.
pub fn ip_to_string(octets: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(octets) {
        std::net::Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(octets) {
        std::net::Ipv6Addr::from(v6).to_string()
    } else {
        hex(octets)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn summary() -> CertificateSummary {
        let s = |t: &str| t.to_string();
        CertificateSummary {
            subject: s("CN=a"),
            issuer: s("CN=b"),
            serial_number: s("01"),
            not_before: s("2026-01-01T00:00:00Z"),
            not_after: s("2027-01-01T00:00:00Z"),
            dns_names: vec![s("a.example")],
        }
    }

    /// The JSON keys of `parseChain`'s `CertificateInfo`, in their order.
    #[test]
    fn certificate_info_json_keys_and_order() {
        let s = |t: &str| t.to_string();
        let info = CertificateInfo {
            index: 1,
            summary: summary(),
            ip_addresses: vec![s("127.0.0.1")],
            is_ca: false,
            path_length: None,
            self_signed: false,
            key_algorithm: s("EC"),
            key_size: Some(256),
            curve: Some(s("P-256")),
            signature_algorithm: s("ecdsa-with-SHA256"),
            spki_sha256: s("sha256/x"),
            fingerprint_sha256: s("ff"),
            subject_key_id: None,
            authority_key_id: Some(s("aa")),
            scts: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&info).unwrap(),
            concat!(
                r#"{"index":1,"subject":"CN=a","issuer":"CN=b","serialNumber":"01","#,
                r#""notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z","#,
                r#""dnsNames":["a.example"],"ipAddresses":["127.0.0.1"],"isCa":false,"#,
                r#""pathLength":null,"selfSigned":false,"keyAlgorithm":"EC","keySize":256,"#,
                r#""curve":"P-256","signatureAlgorithm":"ecdsa-with-SHA256","#,
                r#""spkiSha256":"sha256/x","fingerprintSha256":"ff","subjectKeyId":null,"#,
                r#""authorityKeyId":"aa","scts":[]}"#
            )
        );
    }
}
