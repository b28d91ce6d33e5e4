//! OCSP responses (RFC 6960 section 4.2): `OCSPResponse` → `BasicOCSPResponse` →
//! `ResponseData` → `SingleResponse`s, read with the strict reader in `super::der`.
//! A SingleResponse counts only when its CertID names a certificate of the verified path
//! (issuer name hash, issuer key hash, serial) and the response signature verifies with
//! that certificate's issuer or with a responder certificate the issuer signed that
//! carries id-kp-OCSPSigning (section 4.2.2.2).

use super::der::{
    generalized_time, oid_text, whole_sequence, Reader, Tlv, BIT_STRING, BOOLEAN, ENUMERATED,
    GENERALIZED_TIME, INTEGER, NULL, OCTET_STRING, OID, SEQUENCE,
};
use super::{
    check_times, reason_name, Responder, RevocationOptions, RevocationOutcome, RevocationStatus,
};
use crate::error::{Error, Result};
use crate::limits::{MAX_OCSP_CERTS, MAX_OCSP_RESPONSE_BYTES, MAX_OCSP_SINGLE_RESPONSES};
use crate::signature::algorithm::SignatureAlgorithm;
use crate::signature::verify::{check_key, verify_link, SignatureVerifier, VerifyOutcome};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use sha1::Digest as _;

const ID_PKIX_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const SHA1: &str = "1.3.14.3.2.26";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";

fn invalid(reason: impl Into<String>) -> Error {
    Error::OcspInvalid {
        reason: reason.into(),
    }
}

pub(super) fn check_bounds(response: &[u8]) -> Result<()> {
    check_len(response.len())
}

pub(super) fn check_len(len: usize) -> Result<()> {
    if len == 0 {
        return Err(invalid(
            "the OCSP response is empty: pass the DER bytes of an OCSPResponse (RFC 6960)",
        ));
    }
    if len > MAX_OCSP_RESPONSE_BYTES {
        return Err(invalid(format!(
            "the OCSP response is {} bytes, over the limit of {MAX_OCSP_RESPONSE_BYTES}",
            len
        )));
    }
    Ok(())
}

/// How the response names its signer (RFC 6960 section 4.2.1 `ResponderID`).
enum ResponderId<'a> {
    /// The DER Name.
    ByName(&'a [u8]),
    /// SHA-1 of the responder key's BIT STRING value.
    ByKey(&'a [u8]),
}

struct CertId<'a> {
    hash_oid: String,
    name_hash: &'a [u8],
    key_hash: &'a [u8],
    serial: &'a [u8],
}

enum CertStatus {
    Good,
    Revoked { at: UnixTime, reason: Option<u8> },
    Unknown,
}

struct Single<'a> {
    cert_id: CertId<'a>,
    status: CertStatus,
    this_update: UnixTime,
    next_update: Option<UnixTime>,
}

struct Basic<'a> {
    tbs: &'a [u8],
    responder: ResponderId<'a>,
    responses: Vec<Single<'a>>,
    algorithm: SignatureAlgorithm,
    signature: &'a [u8],
    certs: Vec<Certificate>,
}

fn status_name(code: u8) -> &'static str {
    match code {
        1 => "malformedRequest",
        2 => "internalError",
        3 => "tryLater",
        5 => "sigRequired",
        6 => "unauthorized",
        _ => "an undefined status",
    }
}

/// The algorithm of a DER AlgorithmIdentifier's content: its OID and its parameters'
/// whole encoding (tag included), if any.
fn algorithm_identifier<'a>(
    tlv: &Tlv<'a>,
    what: &str,
) -> core::result::Result<(String, Option<&'a [u8]>), String> {
    let mut r = Reader::new(tlv.content);
    let oid = r.expect(OID, what)?;
    let params = if r.is_empty() {
        None
    } else {
        let p = r.any().map_err(|e| format!("{what}: {e}"))?;
        r.finish(what)?;
        Some(p.raw)
    };
    Ok((
        oid_text(oid.content).map_err(|e| format!("{what}: {e}"))?,
        params,
    ))
}

fn parse(response: &[u8]) -> core::result::Result<Basic<'_>, String> {
    let mut outer = whole_sequence(response, "OCSPResponse")?;
    let status = outer.expect(ENUMERATED, "responseStatus")?;
    let code = match status.content {
        [c] => *c,
        _ => return Err("responseStatus: malformed ENUMERATED".into()),
    };
    if code != 0 {
        return Err(format!(
            "the responder did not answer: responseStatus is {} ({code}), not successful; {}",
            status_name(code),
            match code {
                3 => "ask again later",
                6 => "the responder does not serve this certificate",
                1 => "the request was malformed",
                _ => "no certificate status is in it",
            }
        ));
    }
    let bytes = outer
        .optional(0xa0, "responseBytes")?
        .ok_or("a successful response without responseBytes")?;
    outer.finish("OCSPResponse")?;
    let mut rb = whole_sequence(bytes.content, "ResponseBytes")?;
    let kind = rb.expect(OID, "responseType")?;
    let kind = oid_text(kind.content)?;
    if kind != ID_PKIX_OCSP_BASIC {
        return Err(format!(
            "responseType {kind} is not id-pkix-ocsp-basic ({ID_PKIX_OCSP_BASIC})"
        ));
    }
    let body = rb.expect(OCTET_STRING, "response")?;
    rb.finish("ResponseBytes")?;

    let mut basic = whole_sequence(body.content, "BasicOCSPResponse")?;
    let tbs = basic.expect(SEQUENCE, "tbsResponseData")?;
    let alg = basic.expect(SEQUENCE, "signatureAlgorithm")?;
    let sig = basic.expect(BIT_STRING, "signature")?;
    let certs_tlv = basic.optional(0xa0, "certs")?;
    basic.finish("BasicOCSPResponse")?;
    let (oid, params) = algorithm_identifier(&alg, "signatureAlgorithm")?;
    let algorithm = SignatureAlgorithm::from_oid(&oid, params).map_err(|name| {
        format!("the response is signed with {name}, which certpin does not verify")
    })?;
    let signature = match sig.content.split_first() {
        Some((0, bits)) => bits,
        _ => return Err("signature: a BIT STRING with unused bits".into()),
    };

    let mut certs = Vec::new();
    if let Some(list) = certs_tlv {
        let mut seq = whole_sequence(list.content, "certs")?;
        while !seq.is_empty() {
            let cert = seq.expect(SEQUENCE, "certs")?;
            if certs.len() == MAX_OCSP_CERTS {
                return Err(format!(
                    "more than {MAX_OCSP_CERTS} certificates in the response"
                ));
            }
            // A SEQUENCE's whole encoding, read by the strict DER reader: framed.
            let parsed = Certificate::from_framed_der(cert.raw.to_vec(), certs.len())
                .map_err(|e| format!("certificate {} of the response: {e}", certs.len()))?;
            certs.push(parsed);
        }
    }

    let mut data = Reader::new(tbs.content);
    if let Some(version) = data.optional(0xa0, "version")? {
        let mut v = Reader::new(version.content);
        let int = v.expect(INTEGER, "version")?;
        v.finish("version")?;
        if int.content != [0] {
            return Err("version: only v1 (0) is defined".into());
        }
    }
    let responder = match data.any().map_err(|e| format!("responderID: {e}"))? {
        Tlv {
            tag: 0xa1, content, ..
        } => {
            let mut r = Reader::new(content);
            let name = r.expect(SEQUENCE, "responderID byName")?;
            r.finish("responderID byName")?;
            ResponderId::ByName(name.raw)
        }
        Tlv {
            tag: 0xa2, content, ..
        } => {
            let mut r = Reader::new(content);
            let hash = r.expect(OCTET_STRING, "responderID byKey")?;
            r.finish("responderID byKey")?;
            ResponderId::ByKey(hash.content)
        }
        other => return Err(format!("responderID: unexpected tag {:#04x}", other.tag)),
    };
    let produced = data.expect(GENERALIZED_TIME, "producedAt")?;
    generalized_time(produced.content).map_err(|e| format!("producedAt: {e}"))?;
    let list = data.expect(SEQUENCE, "responses")?;
    if let Some(ext) = data.optional(0xa1, "responseExtensions")? {
        extensions(ext.content, "responseExtensions")?;
    }
    data.finish("ResponseData")?;

    let mut responses = Vec::new();
    let mut items = Reader::new(list.content);
    while !items.is_empty() {
        if responses.len() == MAX_OCSP_SINGLE_RESPONSES {
            return Err(format!(
                "more than {MAX_OCSP_SINGLE_RESPONSES} SingleResponses in the response"
            ));
        }
        let single = items.expect(SEQUENCE, "SingleResponse")?;
        responses.push(single_response(single.content)?);
    }
    if responses.is_empty() {
        return Err("the response holds no SingleResponse".into());
    }
    Ok(Basic {
        tbs: tbs.raw,
        responder,
        responses,
        algorithm,
        signature,
        certs,
    })
}

/// Extensions are read for well-formedness; none that certpin does not know may be
/// critical (RFC 5280 section 4.2 semantics; OCSP defines none that must be).
fn extensions(content: &[u8], what: &str) -> core::result::Result<(), String> {
    let mut list = whole_sequence(content, what)?;
    while !list.is_empty() {
        let ext = list.expect(SEQUENCE, what)?;
        let mut e = Reader::new(ext.content);
        let oid = e.expect(OID, what)?;
        let critical = match e.optional(BOOLEAN, what)? {
            Some(b) => b.content != [0],
            None => false,
        };
        e.expect(OCTET_STRING, what)?;
        e.finish(what)?;
        if critical {
            return Err(format!(
                "{what}: a critical extension {} that certpin does not know",
                oid_text(oid.content)?
            ));
        }
    }
    Ok(())
}

fn single_response(content: &[u8]) -> core::result::Result<Single<'_>, String> {
    let mut r = Reader::new(content);
    let id = r.expect(SEQUENCE, "certID")?;
    let mut idr = Reader::new(id.content);
    let alg = idr.expect(SEQUENCE, "certID hashAlgorithm")?;
    let (hash_oid, params) = algorithm_identifier(&alg, "certID hashAlgorithm")?;
    if !matches!(params, None | Some([NULL, 0])) {
        return Err("certID hashAlgorithm: unexpected parameters".into());
    }
    let name_hash = idr.expect(OCTET_STRING, "issuerNameHash")?.content;
    let key_hash = idr.expect(OCTET_STRING, "issuerKeyHash")?.content;
    let serial = idr.expect(INTEGER, "serialNumber")?.content;
    idr.finish("certID")?;
    if serial.is_empty() {
        return Err("serialNumber: an empty INTEGER".into());
    }
    let status_tlv = r.any().map_err(|e| format!("certStatus: {e}"))?;
    let status = match status_tlv.tag {
        0x80 if status_tlv.content.is_empty() => CertStatus::Good,
        0x82 if status_tlv.content.is_empty() => CertStatus::Unknown,
        0xa1 => {
            let mut info = Reader::new(status_tlv.content);
            let at = info.expect(GENERALIZED_TIME, "revocationTime")?;
            let at = generalized_time(at.content).map_err(|e| format!("revocationTime: {e}"))?;
            let reason = match info.optional(0xa0, "revocationReason")? {
                Some(wrapped) => {
                    let mut w = Reader::new(wrapped.content);
                    let e = w.expect(ENUMERATED, "revocationReason")?;
                    w.finish("revocationReason")?;
                    match e.content {
                        [c] if *c <= 10 && *c != 7 => Some(*c),
                        _ => return Err("revocationReason: not a CRLReason".into()),
                    }
                }
                None => None,
            };
            info.finish("RevokedInfo")?;
            CertStatus::Revoked { at, reason }
        }
        other => return Err(format!("certStatus: unexpected tag {other:#04x}")),
    };
    let this_update = r.expect(GENERALIZED_TIME, "thisUpdate")?;
    let this_update =
        generalized_time(this_update.content).map_err(|e| format!("thisUpdate: {e}"))?;
    let next_update = match r.optional(0xa0, "nextUpdate")? {
        Some(wrapped) => {
            let mut w = Reader::new(wrapped.content);
            let t = w.expect(GENERALIZED_TIME, "nextUpdate")?;
            w.finish("nextUpdate")?;
            Some(generalized_time(t.content).map_err(|e| format!("nextUpdate: {e}"))?)
        }
        None => None,
    };
    if let Some(ext) = r.optional(0xa1, "singleExtensions")? {
        extensions(ext.content, "singleExtensions")?;
    }
    r.finish("SingleResponse")?;
    if next_update.is_some_and(|n| n < this_update) {
        return Err("nextUpdate is before thisUpdate".into());
    }
    Ok(Single {
        cert_id: CertId {
            hash_oid,
            name_hash,
            key_hash,
            serial,
        },
        status,
        this_update,
        next_update,
    })
}

/// The value of the BIT STRING in a SubjectPublicKeyInfo (what issuerKeyHash and
/// ResponderID byKey hash, RFC 6960 section 4.1.1).
fn key_bits(spki_der: &[u8]) -> Option<&[u8]> {
    let mut spki = whole_sequence(spki_der, "spki").ok()?;
    spki.expect(SEQUENCE, "algorithm").ok()?;
    let bits = spki.expect(BIT_STRING, "key").ok()?;
    match bits.content.split_first() {
        Some((0, key)) => Some(key),
        _ => None,
    }
}

fn digest(oid: &str, data: &[u8]) -> Option<Vec<u8>> {
    match oid {
        SHA1 => Some(sha1::Sha1::digest(data).to_vec()),
        SHA256 => Some(sha2::Sha256::digest(data).to_vec()),
        _ => None,
    }
}

fn cert_id_names(id: &CertId<'_>, child: &Certificate, issuer: &Certificate) -> bool {
    let (Some(name), Some(key)) = (
        digest(&id.hash_oid, issuer.subject_der()),
        key_bits(issuer.spki_der()).and_then(|k| digest(&id.hash_oid, k)),
    ) else {
        return false;
    };
    name == id.name_hash && key == id.key_hash && super::raw_serial(child) == Some(id.serial)
}

fn responder_is(id: &ResponderId<'_>, cert: &Certificate) -> bool {
    match id {
        ResponderId::ByName(name) => cert.subject_der() == *name,
        ResponderId::ByKey(hash) => {
            key_bits(cert.spki_der()).is_some_and(|k| sha1::Sha1::digest(k).as_slice() == *hash)
        }
    }
}

fn verify_with(
    basic: &Basic<'_>,
    signer: &Certificate,
    verifier: &dyn SignatureVerifier,
) -> VerifyOutcome {
    if let Err(outcome) = check_key(basic.algorithm, signer.spki_der()) {
        return outcome;
    }
    verifier.verify(
        basic.algorithm,
        signer.spki_der(),
        basic.tbs,
        basic.signature,
    )
}

fn has_ocsp_signing(cert: &Certificate) -> bool {
    use x509_parser::prelude::FromDer;
    x509_parser::certificate::X509Certificate::from_der(cert.der())
        .ok()
        .and_then(|(_, x)| {
            x.extended_key_usage()
                .ok()
                .flatten()
                .map(|e| e.value.ocsp_signing)
        })
        .unwrap_or(false)
}

/// Who signed the response, verified: the issuer, or a delegated responder.
fn verify_signer(
    basic: &Basic<'_>,
    issuer: &Certificate,
    options: &RevocationOptions,
    verifier: &dyn SignatureVerifier,
) -> core::result::Result<Responder, String> {
    let issuer_name = &issuer.facts().subject;
    if responder_is(&basic.responder, issuer) {
        return match verify_with(basic, issuer, verifier) {
            VerifyOutcome::Valid => Ok(Responder::Issuer),
            VerifyOutcome::Invalid => Err(format!(
                "the response names the issuer ({issuer_name}) as its signer, but its signature does not verify with the issuer's key"
            )),
            VerifyOutcome::Unsupported(what) => Err(format!(
                "the response signature cannot be verified: certpin does not verify {what}"
            )),
        };
    }
    let Some(responder) = basic
        .certs
        .iter()
        .find(|c| responder_is(&basic.responder, c))
    else {
        return Err(format!(
            "the response is signed by a responder that is neither the issuer ({issuer_name}) nor a certificate included in the response"
        ));
    };
    let who = &responder.facts().subject;
    match verify_link(responder, issuer, verifier) {
        VerifyOutcome::Valid => {}
        VerifyOutcome::Invalid => {
            return Err(format!(
                "the responder certificate ({who}) was not issued by the certificate's issuer ({issuer_name}): only the issuer or a responder it signed may answer for its certificates"
            ))
        }
        VerifyOutcome::Unsupported(what) => {
            return Err(format!(
                "the responder certificate ({who}) cannot be verified: certpin does not verify {what}"
            ))
        }
    }
    if !has_ocsp_signing(responder) {
        return Err(format!(
            "the responder certificate ({who}) lacks the extended key usage id-kp-OCSPSigning (1.3.6.1.5.5.7.3.9): the issuer did not authorise it to sign OCSP responses"
        ));
    }
    let now = options.now.whole_seconds();
    let facts = responder.facts();
    let skew = options.clock_skew_seconds;
    if now.plus_seconds(skew) < facts.not_before || now.minus_seconds(skew) > facts.not_after {
        return Err(format!(
            "the responder certificate ({who}) is outside its validity period ({} to {})",
            facts.not_before.to_rfc3339(),
            facts.not_after.to_rfc3339()
        ));
    }
    match verify_with(basic, responder, verifier) {
        VerifyOutcome::Valid => Ok(Responder::Delegated),
        VerifyOutcome::Invalid => Err(format!(
            "the response signature does not verify with the responder's key ({who})"
        )),
        VerifyOutcome::Unsupported(what) => Err(format!(
            "the response signature cannot be verified: certpin does not verify {what}"
        )),
    }
}

/// The SingleResponse for a certificate of `path` (only the leaf when `leaf_only`),
/// with its signature and times checked.
pub(super) fn check(
    certs: &[Certificate],
    path: &[usize],
    response: &[u8],
    options: &RevocationOptions,
    leaf_only: bool,
    verifier: &dyn SignatureVerifier,
) -> Result<RevocationOutcome> {
    let basic = parse(response).map_err(|e| invalid(format!("malformed OCSP response: {e}")))?;
    let mut found = None;
    'outer: for (depth, pair) in path.windows(2).enumerate() {
        if leaf_only && depth > 0 {
            break;
        }
        let (Some(&child_index), Some(&issuer_index)) = (pair.first(), pair.get(1)) else {
            continue;
        };
        let (Some(child), Some(issuer)) = (certs.get(child_index), certs.get(issuer_index)) else {
            continue;
        };
        // Several SingleResponses for the same certificate: the worst one counts
        // (revoked, then unknown), so a contradictory response never reads as good.
        let worst = basic
            .responses
            .iter()
            .filter(|single| cert_id_names(&single.cert_id, child, issuer))
            .max_by_key(|single| match single.status {
                CertStatus::Good => 0,
                CertStatus::Unknown => 1,
                CertStatus::Revoked { .. } => 2,
            });
        if let Some(single) = worst {
            found = Some((child_index, issuer, single));
            break 'outer;
        }
    }
    let Some((cert_index, issuer, single)) = found else {
        let hashes: Vec<&str> = basic
            .responses
            .iter()
            .map(|s| match s.cert_id.hash_oid.as_str() {
                SHA1 => "SHA-1",
                SHA256 => "SHA-256",
                _ => "an unsupported hash",
            })
            .collect();
        let leaf = certs
            .first()
            .map(|c| c.facts().serial_hex.clone())
            .unwrap_or_default();
        return Err(invalid(format!(
            "the response's {} SingleResponse(s) (CertID with {}) name no certificate of the verified path{}: it is for another certificate or another issuer",
            basic.responses.len(),
            hashes.join(", "),
            if leaf_only {
                format!(" (the leaf, serial {leaf})")
            } else {
                String::new()
            }
        )));
    };
    let responder = verify_signer(&basic, issuer, options, verifier).map_err(invalid)?;
    check_times(
        single.this_update,
        single.next_update,
        options,
        "OCSP response",
    )
    .map_err(invalid)?;
    let (status, revoked_at, reason) = match single.status {
        CertStatus::Good => (RevocationStatus::Good, None, None),
        CertStatus::Unknown => (RevocationStatus::Unknown, None, None),
        CertStatus::Revoked { at, reason } => (
            RevocationStatus::Revoked,
            Some(at.to_rfc3339()),
            reason.map(reason_name),
        ),
    };
    Ok(RevocationOutcome {
        status,
        cert_index,
        this_update: single.this_update.to_rfc3339(),
        next_update: single.next_update.map(UnixTime::to_rfc3339),
        revoked_at,
        reason,
        responder,
        findings: Vec::new(),
    })
}
