//! What revocation information a certificate offers (RFC 5280 section 4.2.2.1 AIA
//! id-ad-ocsp, section 4.2.1.13 CRL distribution points) and whether it demands a staple
//! (RFC 7633 TLS feature extension 1.3.6.1.5.5.7.1.24 listing status_request, 5).
use super::der::{whole_sequence, INTEGER};
use crate::finding::{Finding, FindingCode};
use crate::limits::MAX_URLS;
use crate::x509::cert::Certificate;
use serde::Serialize;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

const OID_TLS_FEATURE: &str = "1.3.6.1.5.5.7.1.24";
const OID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
/// TLS extension status_request (RFC 6066 section 8).
const STATUS_REQUEST: u8 = 5;

/// The revocation information one certificate offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationInfo {
    pub ocsp_urls: Vec<String>,
    pub crl_urls: Vec<String>,
    pub must_staple: bool,
}

fn uri(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::URI(u) => Some(u.chars().filter(|c| !c.is_control()).collect()),
        _ => None,
    }
}

/// Whether a TLS feature extension value (SEQUENCE OF INTEGER) lists status_request.
/// A value that is not strict DER counts as listing it (fail closed): a lenient reader
/// may well see status_request in it (a non-minimal INTEGER 00 05), and certpin cannot
/// tell that the certificate is not must-staple.
fn lists_status_request(value: &[u8]) -> bool {
    let Ok(mut list) = whole_sequence(value, "TLS feature") else {
        return true;
    };
    while !list.is_empty() {
        match list.expect(INTEGER, "TLS feature") {
            Ok(int) if int.content == [STATUS_REQUEST] => return true,
            Ok(int) if !minimal_integer(int.content) => return true,
            Ok(_) => {}
            Err(_) => return true,
        }
    }
    false
}

/// A DER INTEGER's content: not empty, no redundant leading 00 or FF byte.
fn minimal_integer(content: &[u8]) -> bool {
    match content {
        [] => false,
        [0, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        _ => true,
    }
}

/// The revocation information `cert` offers.
pub fn revocation_info(cert: &Certificate) -> RevocationInfo {
    let mut info = RevocationInfo::default();
    let Ok((_, x509)) = X509Certificate::from_der(cert.der()) else {
        return info;
    };
    for ext in x509.extensions() {
        if ext.oid.to_id_string() == OID_TLS_FEATURE && lists_status_request(ext.value) {
            info.must_staple = true;
        }
        match ext.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for desc in &aia.accessdescs {
                    if desc.access_method.to_id_string() == OID_AD_OCSP
                        && info.ocsp_urls.len() < MAX_URLS
                    {
                        info.ocsp_urls.extend(uri(&desc.access_location));
                    }
                }
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        for name in names {
                            if info.crl_urls.len() < MAX_URLS {
                                info.crl_urls.extend(uri(name));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    info
}

/// The DER of the TLS feature OID, 1.3.6.1.5.5.7.1.24.
const TLS_FEATURE_OID_DER: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x18];

/// Whether the certificate is must-staple (TLS feature status_request). Runs on every
/// policy check: a certificate whose bytes do not contain the extension's OID is not
/// parsed again.
pub fn must_staple(cert: &Certificate) -> bool {
    cert.tbs_der()
        .windows(TLS_FEATURE_OID_DER.len())
        .any(|w| w == TLS_FEATURE_OID_DER)
        && revocation_info(cert).must_staple
}

/// For each certificate that is not self-issued (a root's revocation is its store's
/// business): its OCSP responders, CRL distribution points, must-staple, and "no OCSP
/// (CRL-only CA)" where that is the case. A certificate that offers nothing gets no
/// finding (`diagnose` stays silent on an honest chain; `revocationInfo` shows it).
pub(super) fn findings(certs: &[Certificate]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, cert) in certs.iter().enumerate() {
        if cert.is_self_issued() {
            continue;
        }
        let info = revocation_info(cert);
        let subject = &cert.facts().subject;
        if info.must_staple {
            out.push(
                Finding::info(
                    FindingCode::MustStaple,
                    format!("certificate {index} ({subject}) is must-staple (TLS feature status_request, RFC 7633): clients must refuse it without a stapled OCSP response"),
                )
                .at(index),
            );
        }
        if !info.ocsp_urls.is_empty() {
            out.push(
                Finding::info(
                    FindingCode::OcspResponder,
                    format!(
                        "certificate {index} ({subject}) names OCSP responder(s): {}",
                        info.ocsp_urls.join(", ")
                    ),
                )
                .at(index),
            );
        }
        if !info.crl_urls.is_empty() {
            out.push(
                Finding::info(
                    FindingCode::CrlDistributionPoint,
                    format!(
                        "certificate {index} ({subject}) names CRL distribution point(s): {}",
                        info.crl_urls.join(", ")
                    ),
                )
                .at(index),
            );
        }
        if info.ocsp_urls.is_empty() && !info.crl_urls.is_empty() {
            out.push(
                Finding::info(
                    FindingCode::NoOcsp,
                    format!("certificate {index} ({subject}): no OCSP (CRL-only CA): check revocation with its CRL (checkCrl, certpin check --crl)"),
                )
                .at(index),
            );
        }
    }
    out
}
