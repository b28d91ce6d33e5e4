//! CRLs (RFC 5280 section 5), read by x509-parser after a strict look at the outer
//! framing here. A CRL counts for a certificate of the verified path when its issuer
//! name is that certificate's issuer name and its signature verifies with the key of the
//! path's next certificate (the issuer). Indirect CRLs, delta CRLs and CRLs partitioned
//! by reason are refused (certpin cannot tell whether they cover the certificate).

use super::der::{whole_sequence, Reader, BIT_STRING, INTEGER, SEQUENCE};
use super::{
    reason_name, Responder, RevocationOptions, RevocationOutcome, RevocationStatus, MAX_CRL_BYTES,
    MAX_CRL_ENTRIES,
};
use crate::cert::Certificate;
use crate::error::{Error, Result};
use crate::name::rfc3339;
use crate::verify::{check_key, SignatureAlgorithm, SignatureVerifier, VerifyOutcome};
use x509_parser::extensions::ParsedExtension;

fn invalid(reason: impl Into<String>) -> Error {
    Error::CrlInvalid {
        reason: reason.into(),
    }
}

/// cRLSign, as `Facts::key_usage` numbers bits (bit 0 = digitalSignature).
const CRL_SIGN: u16 = 1 << 6;
const OID_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const OID_ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
const OID_CRL_NUMBER: &str = "2.5.29.20";
const OID_AUTHORITY_KEY_ID: &str = "2.5.29.35";

pub(super) fn check_bounds(crl: &[u8]) -> Result<()> {
    check_len(crl.len())
}

pub(super) fn check_len(len: usize) -> Result<()> {
    if len == 0 {
        return Err(invalid(
            "the CRL is empty: pass the DER bytes of a CertificateList (RFC 5280 section 5)",
        ));
    }
    if len > MAX_CRL_BYTES {
        return Err(invalid(format!(
            "the CRL is {} bytes, over the limit of {MAX_CRL_BYTES}",
            len
        )));
    }
    Ok(())
}

/// The outer framing: TBSCertList, the signature algorithm (which must equal the one
/// inside the TBS, RFC 5280 5.1.1.2), the signature; and the number of entries, counted
/// before anything allocates per entry.
struct Outer<'a> {
    tbs: &'a [u8],
    algorithm: SignatureAlgorithm,
    signature: &'a [u8],
}

fn outer(crl: &[u8]) -> core::result::Result<Outer<'_>, String> {
    let mut list = whole_sequence(crl, "CertificateList")?;
    let tbs = list.expect(SEQUENCE, "tbsCertList")?;
    let alg = list.expect(SEQUENCE, "signatureAlgorithm")?;
    let sig = list.expect(BIT_STRING, "signatureValue")?;
    list.finish("CertificateList")?;
    let mut t = Reader::new(tbs.content);
    t.optional(INTEGER, "version")?;
    let inner_alg = t.expect(SEQUENCE, "signature")?;
    if inner_alg.raw != alg.raw {
        return Err("the signature algorithm inside tbsCertList differs from the outer one (RFC 5280 section 5.1.1.2)".into());
    }
    t.expect(SEQUENCE, "issuer")?;
    t.any().map_err(|e| format!("thisUpdate: {e}"))?;
    if matches!(t.peek_tag(), Some(0x17 | 0x18)) {
        t.any()?;
    }
    if t.peek_tag() == Some(SEQUENCE) {
        let entries = t.expect(SEQUENCE, "revokedCertificates")?;
        let mut e = Reader::new(entries.content);
        let mut count = 0usize;
        while !e.is_empty() {
            e.expect(SEQUENCE, "revokedCertificates")?;
            count += 1;
            if count > MAX_CRL_ENTRIES {
                return Err(format!("more than {MAX_CRL_ENTRIES} revoked certificates"));
            }
        }
    }
    let mut a = Reader::new(alg.content);
    let oid = a.expect(0x06, "signatureAlgorithm")?;
    let params = if a.is_empty() {
        None
    } else {
        Some(a.any()?.raw)
    };
    let oid = super::der::oid_text(oid.content)?;
    let algorithm = SignatureAlgorithm::from_oid(&oid, params)
        .map_err(|name| format!("the CRL is signed with {name}, which certpin does not verify"))?;
    let signature = match sig.content.split_first() {
        Some((0, bits)) => bits,
        _ => return Err("signatureValue: a BIT STRING with unused bits".into()),
    };
    Ok(Outer {
        tbs: tbs.raw,
        algorithm,
        signature,
    })
}

pub(super) fn check(
    certs: &[Certificate],
    path: &[usize],
    crl: &[u8],
    options: &RevocationOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<RevocationOutcome> {
    let framing = outer(crl).map_err(|e| invalid(format!("malformed CRL: {e}")))?;
    let (rest, parsed) =
        x509_parser::parse_x509_crl(crl).map_err(|e| invalid(format!("malformed CRL: {e}")))?;
    if !rest.is_empty() {
        return Err(invalid(
            "malformed CRL: trailing bytes after the CertificateList",
        ));
    }
    let crl_issuer = parsed.issuer().as_raw();
    let issuer_text = crate::name::rfc4514(parsed.issuer());
    // The path certificate this CRL speaks for: the first whose issuer issued it.
    let mut pair = None;
    for window in path.windows(2) {
        if let (Some(&c), Some(&i)) = (window.first(), window.get(1)) {
            if let (Some(child), Some(issuer)) = (certs.get(c), certs.get(i)) {
                if child.issuer_der() == crl_issuer && issuer.subject_der() == crl_issuer {
                    pair = Some((c, child, issuer));
                    break;
                }
            }
        }
    }
    let Some((cert_index, child, issuer)) = pair else {
        return Err(invalid(format!(
            "the CRL was issued by {issuer_text}, which issued no certificate of the verified path: fetch the CRL named by the certificate's CRL distribution point"
        )));
    };
    if issuer
        .facts()
        .key_usage
        .is_some_and(|ku| ku & CRL_SIGN == 0)
    {
        return Err(invalid(format!(
            "the issuer ({issuer_text}) has a key usage without cRLSign: it may not sign CRLs (RFC 5280 section 4.2.1.3)"
        )));
    }
    let outcome = match check_key(framing.algorithm, issuer.spki_der()) {
        Err(outcome) => outcome,
        Ok(()) => verifier.verify(
            framing.algorithm,
            issuer.spki_der(),
            framing.tbs,
            framing.signature,
        ),
    };
    match outcome {
        VerifyOutcome::Valid => {}
        VerifyOutcome::Invalid => {
            return Err(invalid(format!(
                "the CRL's signature does not verify with the key of its issuer ({issuer_text})"
            )))
        }
        VerifyOutcome::Unsupported(what) => {
            return Err(invalid(format!(
                "the CRL's signature cannot be verified: certpin does not verify {what}"
            )))
        }
    }
    for ext in parsed.extensions() {
        let oid = ext.oid.to_id_string();
        match oid.as_str() {
            OID_DELTA_CRL_INDICATOR => {
                return Err(invalid(
                    "a delta CRL: certpin checks complete CRLs only; pass the base CRL",
                ))
            }
            OID_ISSUING_DISTRIBUTION_POINT => {
                let ParsedExtension::IssuingDistributionPoint(idp) = ext.parsed_extension() else {
                    return Err(invalid("a malformed issuingDistributionPoint extension"));
                };
                if idp.indirect_crl {
                    return Err(invalid("an indirect CRL: certpin checks CRLs signed by the certificate's issuer only"));
                }
                if idp.only_some_reasons.is_some() {
                    return Err(invalid("a CRL that covers only some revocation reasons: it cannot say a certificate is not revoked"));
                }
                if idp.only_contains_attribute_certs
                    || (idp.only_contains_ca_certs && !child.facts().is_ca)
                    || (idp.only_contains_user_certs && child.facts().is_ca)
                {
                    return Err(invalid(format!(
                        "the CRL's issuingDistributionPoint says it does not cover certificates like certificate {cert_index}"
                    )));
                }
            }
            OID_CRL_NUMBER | OID_AUTHORITY_KEY_ID => {}
            _ if ext.critical => {
                return Err(invalid(format!(
                    "a critical CRL extension {oid} that certpin does not know"
                )))
            }
            _ => {}
        }
    }
    let this_update = parsed.last_update().timestamp();
    let next_update = parsed.next_update().map(|t| t.timestamp());
    super::check_times(this_update, next_update, options, "CRL").map_err(invalid)?;
    use x509_parser::prelude::FromDer;
    let serial = x509_parser::certificate::X509Certificate::from_der(child.der())
        .map(|(_, x)| x.raw_serial().to_vec())
        .map_err(|e| invalid(format!("certificate {cert_index}: {e}")))?;
    let mut status = RevocationStatus::Good;
    let mut revoked_at = None;
    let mut reason = None;
    for entry in parsed.iter_revoked_certificates() {
        if entry.raw_serial() == serial.as_slice() {
            let code = entry.reason_code().map(|(_, c)| c.0);
            if code == Some(8) {
                return Err(invalid(
                    "the entry for the certificate has reason removeFromCRL, which only delta CRLs may use",
                ));
            }
            status = RevocationStatus::Revoked;
            revoked_at = Some(rfc3339(entry.revocation_date.timestamp()));
            reason = code.map(reason_name);
            break;
        }
    }
    Ok(RevocationOutcome {
        status,
        cert_index,
        this_update: rfc3339(this_update),
        next_update: next_update.map(rfc3339),
        revoked_at,
        reason,
        responder: Responder::Issuer,
        findings: Vec::new(),
    })
}
