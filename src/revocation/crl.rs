//! CRLs (RFC 5280 section 5), read with the strict reader in `super::der`: the list is
//! walked in place (no per-entry allocation), so a CRL of [`MAX_CRL_ENTRIES`] entries
//! costs one pass. A CRL counts for a certificate of the verified path when its issuer
//! name is that certificate's issuer name (the exact DER) and its signature verifies
//! with the key of the path's next certificate (the issuer). Indirect CRLs, delta CRLs
//! and CRLs partitioned by reason or certificate kind that do not cover the certificate
//! are refused (certpin could not tell whether they cover it).

use super::der::{oid_text, time, whole_sequence, Reader, Tlv, BIT_STRING, BOOLEAN, ENUMERATED};
use super::der::{INTEGER, OCTET_STRING, OID, SEQUENCE, UTC_TIME};
use super::{reason_name, Responder, RevocationOptions, RevocationOutcome, RevocationStatus};
use crate::error::{Error, Result};
use crate::limits::{MAX_CRL_BYTES, MAX_CRL_ENTRIES};
use crate::signature::algorithm::SignatureAlgorithm;
use crate::signature::verify::{check_key, SignatureVerifier, VerifyOutcome};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;

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
const OID_REASON_CODE: &str = "2.5.29.21";
const OID_INVALIDITY_DATE: &str = "2.5.29.24";
const OID_CERTIFICATE_ISSUER: &str = "2.5.29.29";

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
            "the CRL is {len} bytes, over the limit of {MAX_CRL_BYTES}"
        )));
    }
    Ok(())
}

/// One extension: OID text, criticality, value.
fn extension<'a>(
    tlv: &Tlv<'a>,
    what: &str,
) -> core::result::Result<(String, bool, &'a [u8]), String> {
    let mut e = Reader::new(tlv.content);
    let oid = e.expect(OID, what)?;
    let critical = match e.optional(BOOLEAN, what)? {
        Some(b) if b.content == [0xff] => true,
        Some(_) => return Err(format!("{what}: critical must be TRUE when present (DER)")),
        None => false,
    };
    let value = e.expect(OCTET_STRING, what)?;
    e.finish(what)?;
    Ok((oid_text(oid.content)?, critical, value.content))
}

/// The parts of a CertificateList certpin decides on.
struct Crl<'a> {
    tbs: &'a [u8],
    algorithm: SignatureAlgorithm,
    signature: &'a [u8],
    issuer: &'a [u8],
    this_update: UnixTime,
    next_update: Option<UnixTime>,
    /// The revokedCertificates content, walked again for the serial.
    entries: &'a [u8],
    /// crlExtensions, the SEQUENCE's content.
    extensions: &'a [u8],
}

fn parse(crl: &[u8]) -> core::result::Result<Crl<'_>, String> {
    let mut list = whole_sequence(crl, "CertificateList")?;
    let tbs = list.expect(SEQUENCE, "tbsCertList")?;
    let alg = list.expect(SEQUENCE, "signatureAlgorithm")?;
    let sig = list.expect(BIT_STRING, "signatureValue")?;
    list.finish("CertificateList")?;
    let mut t = Reader::new(tbs.content);
    if let Some(version) = t.optional(INTEGER, "version")? {
        if version.content != [1] {
            return Err("version: only v2 (1) may be written".into());
        }
    }
    let inner_alg = t.expect(SEQUENCE, "signature")?;
    if inner_alg.raw != alg.raw {
        return Err("the signature algorithm inside tbsCertList differs from the outer one (RFC 5280 section 5.1.1.2)".into());
    }
    let issuer = t.expect(SEQUENCE, "issuer")?;
    let this_update = time(&t.any().map_err(|e| format!("thisUpdate: {e}"))?)
        .map_err(|e| format!("thisUpdate: {e}"))?;
    let next_update = match t.peek_tag() {
        Some(UTC_TIME | 0x18) => Some(time(&t.any()?).map_err(|e| format!("nextUpdate: {e}"))?),
        _ => None,
    };
    let entries = t.optional(SEQUENCE, "revokedCertificates")?;
    let extensions = match t.optional(0xa0, "crlExtensions")? {
        Some(wrapped) => {
            let mut r = Reader::new(wrapped.content);
            let list = r.expect(SEQUENCE, "crlExtensions")?;
            r.finish("crlExtensions")?;
            list.content
        }
        None => &[],
    };
    t.finish("tbsCertList")?;
    if next_update.is_some_and(|n| n < this_update) {
        return Err("nextUpdate is before thisUpdate".into());
    }
    let mut a = Reader::new(alg.content);
    let oid = a.expect(OID, "signatureAlgorithm")?;
    let params = if a.is_empty() {
        None
    } else {
        Some(a.any()?.raw)
    };
    a.finish("signatureAlgorithm")?;
    let algorithm = SignatureAlgorithm::from_oid(&oid_text(oid.content)?, params)
        .map_err(|name| format!("the CRL is signed with {name}, which certpin does not verify"))?;
    let signature = match sig.content.split_first() {
        Some((0, bits)) => bits,
        _ => return Err("signatureValue: a BIT STRING with unused bits".into()),
    };
    Ok(Crl {
        tbs: tbs.raw,
        algorithm,
        signature,
        issuer: issuer.raw,
        this_update,
        next_update,
        entries: entries.map(|e| e.content).unwrap_or_default(),
        extensions,
    })
}

/// The IssuingDistributionPoint flags that limit a CRL's scope (RFC 5280 5.2.5).
#[derive(Default)]
struct Scope<'a> {
    only_user: bool,
    only_ca: bool,
    only_some_reasons: bool,
    indirect: bool,
    only_attribute: bool,
    /// The distributionPoint, when present: `Some(uris)` for a fullName (its URIs; other
    /// name forms are left out, so they match nothing), `None` for
    /// nameRelativeToCRLIssuer, which certpin does not resolve.
    distribution_point: Option<Option<Vec<&'a [u8]>>>,
}

fn scope(value: &[u8]) -> core::result::Result<Scope<'_>, String> {
    let mut idp = whole_sequence(value, "issuingDistributionPoint")?;
    let mut scope = Scope::default();
    let flag = |t: &Tlv<'_>| match t.content {
        [0xff] => Ok(true),
        _ => Err("issuingDistributionPoint: a flag that is not TRUE (DER omits FALSE)".to_string()),
    };
    while !idp.is_empty() {
        let field = idp
            .any()
            .map_err(|e| format!("issuingDistributionPoint: {e}"))?;
        match field.tag {
            0xa0 => scope.distribution_point = Some(distribution_point(field.content)?),
            0x81 => scope.only_user = flag(&field)?,
            0x82 => scope.only_ca = flag(&field)?,
            0x83 => scope.only_some_reasons = true,
            0x84 => scope.indirect = flag(&field)?,
            0x85 => scope.only_attribute = flag(&field)?,
            other => {
                return Err(format!(
                    "issuingDistributionPoint: unexpected tag {other:#04x}"
                ))
            }
        }
    }
    Ok(scope)
}

/// A DistributionPointName (RFC 5280 section 4.2.1.13): the URIs of a fullName, or
/// `None` for nameRelativeToCRLIssuer.
fn distribution_point(content: &[u8]) -> core::result::Result<Option<Vec<&[u8]>>, String> {
    let what = "issuingDistributionPoint distributionPoint";
    let mut r = Reader::new(content);
    let name = r.any().map_err(|e| format!("{what}: {e}"))?;
    r.finish(what)?;
    match name.tag {
        0xa0 => {
            let mut names = Reader::new(name.content);
            let mut uris = Vec::new();
            while !names.is_empty() {
                let general = names.any().map_err(|e| format!("{what}: {e}"))?;
                if general.tag == 0x86 {
                    uris.push(general.content);
                }
            }
            Ok(Some(uris))
        }
        0xa1 => Ok(None),
        other => Err(format!("{what}: unexpected tag {other:#04x}")),
    }
}

/// Walks every entry (bounded), and returns the one for `serial`: (revocationDate,
/// reason code).
fn find_entry(
    entries: &[u8],
    serial: &[u8],
) -> core::result::Result<Option<(UnixTime, Option<u8>)>, String> {
    let mut list = Reader::new(entries);
    let mut count = 0usize;
    let mut found = None;
    while !list.is_empty() {
        count += 1;
        if count > MAX_CRL_ENTRIES {
            return Err(format!("more than {MAX_CRL_ENTRIES} revoked certificates"));
        }
        let entry = list.expect(SEQUENCE, "revokedCertificates entry")?;
        let mut e = Reader::new(entry.content);
        let number = e.expect(INTEGER, "userCertificate")?;
        let date = time(&e.any().map_err(|x| format!("revocationDate: {x}"))?)
            .map_err(|x| format!("revocationDate: {x}"))?;
        let mut reason = None;
        if let Some(exts) = e.optional(SEQUENCE, "crlEntryExtensions")? {
            let mut r = Reader::new(exts.content);
            while !r.is_empty() {
                let ext = r.expect(SEQUENCE, "crlEntryExtensions")?;
                let (oid, critical, value) = extension(&ext, "crlEntryExtensions")?;
                match oid.as_str() {
                    OID_REASON_CODE => {
                        let mut v = Reader::new(value);
                        let code = v.expect(ENUMERATED, "reasonCode")?;
                        v.finish("reasonCode")?;
                        reason = match code.content {
                            [c] if *c <= 10 && *c != 7 => Some(*c),
                            _ => return Err("reasonCode: not a CRLReason".into()),
                        };
                    }
                    OID_CERTIFICATE_ISSUER => {
                        return Err("an entry with certificateIssuer (an indirect CRL): certpin checks CRLs signed by the certificate's issuer only".into())
                    }
                    OID_INVALIDITY_DATE => {}
                    _ if critical => {
                        return Err(format!("a critical entry extension {oid} that certpin does not know"))
                    }
                    _ => {}
                }
            }
        }
        e.finish("revokedCertificates entry")?;
        if found.is_none() && number.content == serial {
            found = Some((date, reason));
        }
    }
    Ok(found)
}

pub(super) fn check(
    certs: &[Certificate],
    path: &[usize],
    crl: &[u8],
    options: &RevocationOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<RevocationOutcome> {
    let parsed = parse(crl).map_err(|e| invalid(format!("malformed CRL: {e}")))?;
    // The path certificate this CRL speaks for: the first whose issuer issued it.
    let mut pair = None;
    for window in path.windows(2) {
        if let (Some(&c), Some(&i)) = (window.first(), window.get(1)) {
            if let (Some(child), Some(issuer)) = (certs.get(c), certs.get(i)) {
                if child.issuer_der() == parsed.issuer && issuer.subject_der() == parsed.issuer {
                    pair = Some((c, child, issuer));
                    break;
                }
            }
        }
    }
    let Some((cert_index, child, issuer)) = pair else {
        return Err(invalid(
            "the CRL's issuer issued no certificate of the verified path: fetch the CRL named by the certificate's CRL distribution point (and pass the chain up to its issuer)",
        ));
    };
    let issuer_text = &issuer.facts().subject;
    if issuer
        .facts()
        .key_usage
        .is_some_and(|ku| ku & CRL_SIGN == 0)
    {
        return Err(invalid(format!(
            "the issuer ({issuer_text}) has a key usage without cRLSign: it may not sign CRLs (RFC 5280 section 4.2.1.3)"
        )));
    }
    let outcome = match check_key(parsed.algorithm, issuer.spki_der()) {
        Err(outcome) => outcome,
        Ok(()) => verifier.verify(
            parsed.algorithm,
            issuer.spki_der(),
            parsed.tbs,
            parsed.signature,
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
    let mut exts = Reader::new(parsed.extensions);
    while !exts.is_empty() {
        let ext = exts
            .expect(SEQUENCE, "crlExtensions")
            .map_err(|e| invalid(format!("malformed CRL: {e}")))?;
        let (oid, critical, value) =
            extension(&ext, "crlExtensions").map_err(|e| invalid(format!("malformed CRL: {e}")))?;
        match oid.as_str() {
            OID_DELTA_CRL_INDICATOR => {
                return Err(invalid(
                    "a delta CRL: certpin checks complete CRLs only; pass the base CRL",
                ))
            }
            OID_ISSUING_DISTRIBUTION_POINT => {
                let idp = scope(value).map_err(|e| invalid(format!("malformed CRL: {e}")))?;
                if idp.indirect {
                    return Err(invalid("an indirect CRL: certpin checks CRLs signed by the certificate's issuer only"));
                }
                if idp.only_some_reasons {
                    return Err(invalid("a CRL that covers only some revocation reasons: it cannot say a certificate is not revoked"));
                }
                // RFC 5280 section 6.3.3 (b)(2)(i): a CRL for one distribution point (a
                // shard) covers the certificates whose CRL distribution points name it.
                let other_point = match &idp.distribution_point {
                    None => false,
                    Some(None) => true,
                    Some(Some(uris)) => {
                        let own = super::revocation_info(child).crl_urls;
                        !uris.iter().any(|u| own.iter().any(|o| o.as_bytes() == *u))
                    }
                };
                if other_point {
                    return Err(invalid(format!(
                        "the CRL's issuingDistributionPoint says it does not cover certificate {cert_index}: it is the CRL of another distribution point (a shard); fetch the one the certificate's CRL distribution point names"
                    )));
                }
                if idp.only_attribute
                    || (idp.only_ca && !child.facts().is_ca)
                    || (idp.only_user && child.facts().is_ca)
                {
                    return Err(invalid(format!(
                        "the CRL's issuingDistributionPoint says it does not cover certificates like certificate {cert_index}"
                    )));
                }
            }
            OID_CRL_NUMBER | OID_AUTHORITY_KEY_ID => {}
            _ if critical => {
                return Err(invalid(format!(
                    "a critical CRL extension {oid} that certpin does not know"
                )))
            }
            _ => {}
        }
    }
    super::check_times(parsed.this_update, parsed.next_update, options, "CRL").map_err(invalid)?;
    let serial = super::raw_serial(child)
        .ok_or_else(|| invalid(format!("certificate {cert_index}: no serial number")))?;
    let entry =
        find_entry(parsed.entries, serial).map_err(|e| invalid(format!("malformed CRL: {e}")))?;
    let (status, revoked_at, reason) = match entry {
        None => (RevocationStatus::Good, None, None),
        Some((_, Some(8))) => return Err(invalid(
            "the entry for the certificate has reason removeFromCRL, which only delta CRLs may use",
        )),
        Some((at, code)) => (
            RevocationStatus::Revoked,
            Some(at.to_rfc3339()),
            code.map(reason_name),
        ),
    };
    Ok(RevocationOutcome {
        status,
        cert_index,
        this_update: parsed.this_update.to_rfc3339(),
        next_update: parsed.next_update.map(UnixTime::to_rfc3339),
        revoked_at,
        reason,
        responder: Responder::Issuer,
        findings: Vec::new(),
    })
}
