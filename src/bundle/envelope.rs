//! Reading bundle and root documents into typed values, with bounds. Every fault names
//! its JSON path; unknown members are errors (a typo must never change what is trusted).

use super::canonical::Json;
use crate::limits::{
    MAX_BUNDLE_BYTES, MAX_KEY_BASE64, MAX_ROOT_KEYS, MAX_SIGNATURES, MAX_SIG_BASE64, MAX_VERSION,
};

use crate::error::{Error, Result};
use crate::signature::algorithm::{SignatureAlgorithm, SignatureHash};
use crate::time::UnixTime;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::Digest as _;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Doc {
    Bundle,
    Root,
}

fn fault(doc: Doc, path: &str, reason: impl Into<String>) -> Error {
    let path = path.to_string();
    let reason = reason.into();
    match doc {
        Doc::Bundle => Error::BundleMalformed { path, reason },
        Doc::Root => Error::RootMalformed { path, reason },
    }
}

/// One entry of `signatures`.
#[derive(Debug, Clone)]
pub struct SignatureEntry {
    pub key_id: String,
    pub sig: Vec<u8>,
}

/// `{ signed, signatures }`, with `signed` kept as read (it is what was signed).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub signed: Json,
    pub signatures: Vec<SignatureEntry>,
}

/// A key a root lists.
#[derive(Debug, Clone)]
pub struct RootKey {
    /// `sha256/<base64>` of `spki`.
    pub key_id: String,
    /// DER SubjectPublicKeyInfo.
    pub spki: Vec<u8>,
    /// Ed25519, or ECDSA with SHA-256 for a P-256 key.
    pub algorithm: SignatureAlgorithm,
}

/// A trust root (`signed.type == "certpin-root"`).
#[derive(Debug, Clone)]
pub struct Root {
    pub document: Json,
    pub envelope: Envelope,
    pub version: u64,
    pub expires: String,
    pub expires_at: UnixTime,
    pub threshold: usize,
    pub keys: Vec<RootKey>,
}

/// A bundle's `signed` part.
#[derive(Debug, Clone)]
pub struct BundleSigned {
    pub version: u64,
    pub issued_at: String,
    pub issued_at_time: UnixTime,
    pub expires: String,
    pub expires_at: UnixTime,
    pub policy: Json,
}

fn members<'a>(
    doc: Doc,
    value: &'a Json,
    path: &str,
    known: &[&str],
) -> Result<&'a [(String, Json)]> {
    let Json::Object(members) = value else {
        return Err(fault(
            doc,
            path,
            format!("must be an object, not {}", value.type_name()),
        ));
    };
    for (key, _) in members {
        if !known.contains(&key.as_str()) {
            return Err(fault(
                doc,
                &format!("{path}.{key}"),
                format!("unknown member {key:?}; expected only {}", known.join(", ")),
            ));
        }
    }
    Ok(members)
}

fn member<'a>(doc: Doc, value: &'a Json, path: &str, key: &str) -> Result<&'a Json> {
    value
        .get(key)
        .ok_or_else(|| fault(doc, &format!("{path}.{key}"), format!("{key} is missing")))
}

fn text<'a>(doc: Doc, value: &'a Json, path: &str) -> Result<&'a str> {
    match value {
        Json::String(s) => Ok(s),
        other => Err(fault(
            doc,
            path,
            format!("must be a string, not {}", other.type_name()),
        )),
    }
}

fn whole(doc: Doc, value: &Json, path: &str, min: u64, max: u64) -> Result<u64> {
    match value {
        Json::Number(n) if u64::try_from(*n).is_ok_and(|n| (min..=max).contains(&n)) => {
            Ok(u64::try_from(*n).unwrap_or(0))
        }
        other => Err(fault(
            doc,
            path,
            format!(
                "must be a whole number from {min} to {max}, not {}",
                describe(other)
            ),
        )),
    }
}

fn describe(value: &Json) -> String {
    match value {
        Json::Number(n) => n.to_string(),
        other => other.type_name().into(),
    }
}

fn instant(doc: Doc, value: &Json, path: &str) -> Result<(String, UnixTime)> {
    let s = text(doc, value, path)?;
    let at = UnixTime::parse_rfc3339(s).ok_or_else(|| {
        fault(
            doc,
            path,
            format!("{s:?} is not an RFC 3339 instant such as 2027-01-01T00:00:00Z"),
        )
    })?;
    Ok((s.to_string(), at))
}

fn read(doc: Doc, text_in: &str) -> Result<Json> {
    if text_in.len() > MAX_BUNDLE_BYTES {
        return Err(fault(
            doc,
            "$",
            format!(
                "{} bytes, over the limit of {MAX_BUNDLE_BYTES} bytes",
                text_in.len()
            ),
        ));
    }
    Json::parse(text_in).map_err(|reason| fault(doc, "$", format!("not valid JSON: {reason}")))
}

fn envelope(doc: Doc, value: Json, kind: &str) -> Result<Envelope> {
    members(doc, &value, "$", &["signed", "signatures"])?;
    let signed = member(doc, &value, "$", "signed")?.clone();
    members_of_type(doc, &signed, kind)?;
    let list = match member(doc, &value, "$", "signatures")? {
        Json::Array(items) => items,
        other => {
            return Err(fault(
                doc,
                "$.signatures",
                format!("must be an array, not {}", other.type_name()),
            ))
        }
    };
    if list.is_empty() {
        return Err(fault(
            doc,
            "$.signatures",
            "no signatures: sign the document (certpin sign / certpin root)",
        ));
    }
    if list.len() > MAX_SIGNATURES {
        return Err(fault(
            doc,
            "$.signatures",
            format!(
                "{} signatures, over the limit of {MAX_SIGNATURES}",
                list.len()
            ),
        ));
    }
    let signatures = list
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let path = format!("$.signatures[{i}]");
            members(doc, entry, &path, &["keyId", "sig"])?;
            let key_id = text(
                doc,
                member(doc, entry, &path, "keyId")?,
                &format!("{path}.keyId"),
            )?;
            let sig_path = format!("{path}.sig");
            let sig = text(doc, member(doc, entry, &path, "sig")?, &sig_path)?;
            if sig.len() > MAX_SIG_BASE64 {
                return Err(fault(
                    doc,
                    &sig_path,
                    format!("over the limit of {MAX_SIG_BASE64} characters"),
                ));
            }
            let sig = STANDARD
                .decode(sig)
                .map_err(|e| fault(doc, &sig_path, format!("not standard padded base64: {e}")))?;
            Ok(SignatureEntry {
                key_id: key_id.to_string(),
                sig,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Envelope { signed, signatures })
}

fn members_of_type(doc: Doc, signed: &Json, kind: &str) -> Result<()> {
    let t = text(
        doc,
        member(doc, signed, "$.signed", "type")?,
        "$.signed.type",
    )?;
    if t != kind {
        return Err(fault(
            doc,
            "$.signed.type",
            format!("is {t:?}; expected {kind:?} (a bundle and a root are not interchangeable)"),
        ));
    }
    Ok(())
}

/// The `signed` object's members checked against `fields` (each required, no other),
/// and its `version`: a whole number from 1 to `MAX_VERSION`.
fn signed_version(doc: Doc, signed: &Json, fields: &[&str]) -> Result<u64> {
    members(doc, signed, "$.signed", fields)?;
    whole(
        doc,
        member(doc, signed, "$.signed", "version")?,
        "$.signed.version",
        1,
        MAX_VERSION,
    )
}

/// Reads a bundle: `{ signed: { type: "certpin-policy", version, issuedAt, expires, policy }, signatures }`.
pub fn parse_bundle(text_in: &str) -> Result<(Envelope, BundleSigned)> {
    let doc = Doc::Bundle;
    let env = envelope(doc, read(doc, text_in)?, "certpin-policy")?;
    let s = &env.signed;
    let p = "$.signed";
    let version = signed_version(
        doc,
        s,
        &["type", "version", "issuedAt", "expires", "policy"],
    )?;
    let (issued_at, issued_at_time) =
        instant(doc, member(doc, s, p, "issuedAt")?, "$.signed.issuedAt")?;
    let (expires, expires_at) = instant(doc, member(doc, s, p, "expires")?, "$.signed.expires")?;
    if expires_at <= issued_at_time {
        return Err(fault(
            doc,
            "$.signed.expires",
            "must be later than issuedAt",
        ));
    }
    let policy = member(doc, s, p, "policy")?;
    if !matches!(policy, Json::Object(_)) {
        return Err(fault(
            doc,
            "$.signed.policy",
            format!(
                "must be a policy document object, not {}",
                policy.type_name()
            ),
        ));
    }
    let signed = BundleSigned {
        version,
        issued_at,
        issued_at_time,
        expires,
        expires_at,
        policy: policy.clone(),
    };
    Ok((env, signed))
}

/// Reads a root: `{ signed: { type: "certpin-root", version, expires, threshold, keys: [{ keyId, publicKey }] }, signatures }`.
pub fn parse_root(text_in: &str) -> Result<Root> {
    let doc = Doc::Root;
    let document = read(doc, text_in)?;
    let env = envelope(doc, document.clone(), "certpin-root")?;
    let s = &env.signed;
    let p = "$.signed";
    let version = signed_version(doc, s, &["type", "version", "expires", "threshold", "keys"])?;
    let (expires, expires_at) = instant(doc, member(doc, s, p, "expires")?, "$.signed.expires")?;
    let list = match member(doc, s, p, "keys")? {
        Json::Array(items) => items,
        other => {
            return Err(fault(
                doc,
                "$.signed.keys",
                format!("must be an array, not {}", other.type_name()),
            ))
        }
    };
    if list.is_empty() || list.len() > MAX_ROOT_KEYS {
        return Err(fault(
            doc,
            "$.signed.keys",
            format!("must list 1 to {MAX_ROOT_KEYS} keys, not {}", list.len()),
        ));
    }
    let mut keys: Vec<RootKey> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let path = format!("$.signed.keys[{i}]");
        let key = root_key(entry, &path)?;
        if keys.iter().any(|k| k.key_id == key.key_id) {
            return Err(fault(
                doc,
                &path,
                format!("the key {} is listed twice", key.key_id),
            ));
        }
        keys.push(key);
    }
    let threshold = whole(
        doc,
        member(doc, s, p, "threshold")?,
        "$.signed.threshold",
        1,
        keys.len() as u64,
    )?;
    Ok(Root {
        document,
        envelope: env,
        version,
        expires,
        expires_at,
        threshold: usize::try_from(threshold).unwrap_or(usize::MAX),
        keys,
    })
}

/// The SHA-256 SPKI pin of a DER SubjectPublicKeyInfo: a signing key's id.
pub fn key_id_of(spki: &[u8]) -> String {
    format!("sha256/{}", STANDARD.encode(sha2::Sha256::digest(spki)))
}

fn root_key(entry: &Json, path: &str) -> Result<RootKey> {
    let doc = Doc::Root;
    members(doc, entry, path, &["keyId", "publicKey"])?;
    let key_path = format!("{path}.publicKey");
    let b64 = text(doc, member(doc, entry, path, "publicKey")?, &key_path)?;
    if b64.len() > MAX_KEY_BASE64 {
        return Err(fault(
            doc,
            &key_path,
            format!("over the limit of {MAX_KEY_BASE64} characters"),
        ));
    }
    let spki = STANDARD.decode(b64).map_err(|e| {
        fault(
            doc,
            &key_path,
            format!("not standard padded base64 of a DER SubjectPublicKeyInfo: {e}"),
        )
    })?;
    let algorithm = key_algorithm(&spki).map_err(|reason| Error::RootKeyUnsupported {
        path: key_path.clone(),
        reason,
    })?;
    let key_id = key_id_of(&spki);
    let given = text(
        doc,
        member(doc, entry, path, "keyId")?,
        &format!("{path}.keyId"),
    )?;
    if given != key_id {
        return Err(fault(
            doc,
            &format!("{path}.keyId"),
            format!("{given:?} is not this key's SHA-256 SPKI pin; it is {key_id}"),
        ));
    }
    Ok(RootKey {
        key_id,
        spki,
        algorithm,
    })
}

/// The only SPKI encodings accepted (RFC 8410 section 4; RFC 5480 section 2 with the
/// uncompressed point of SEC 1 section 2.3.3), each followed by the raw key. A key id is
/// the hash of the SPKI bytes, so one key in two encodings (a compressed and an
/// uncompressed point, a long-form DER length) would have two ids and count twice
/// towards a threshold: every other encoding is refused.
const ED25519_SPKI_PREFIX: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
];

fn canonical_spki(
    spki: &[u8],
    prefix: &[u8],
    raw_len: usize,
    what: &str,
) -> core::result::Result<(), String> {
    if spki.len() == prefix.len() + raw_len && spki.starts_with(prefix) {
        return Ok(());
    }
    Err(format!(
        "an {what} key in a non-canonical encoding: bundle keys are the DER \
         SubjectPublicKeyInfo that certpin keygen and node:crypto export (an uncompressed \
         point for P-256)"
    ))
}

/// An Ed25519 public key must be a point in its canonical encoding and not of small
/// order: for a small-order key anyone can make a signature that a cofactorless verifier
/// (OpenSSL, so `node:crypto`) accepts for every message (R the identity, S = 0), and a
/// non-canonical encoding is a second key id for the same point.
fn ed25519_point(raw: &[u8]) -> core::result::Result<(), String> {
    let refuse = |why: &str| {
        format!(
            "an Ed25519 key that {why}: generate a new key (certpin keygen --algorithm ed25519)"
        )
    };
    let bytes = <[u8; 32]>::try_from(raw).map_err(|_| refuse("is not 32 bytes"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| refuse("is not a point of the curve"))?;
    if key.is_weak() {
        return Err(refuse("has small order (anyone can forge its signatures)"));
    }
    if key.to_edwards().compress().to_bytes() != bytes {
        return Err(refuse("is not in its canonical encoding"));
    }
    Ok(())
}

/// Ed25519 (RFC 8410) or an EC key on P-256 (RFC 5480); anything else is refused.
fn key_algorithm(spki: &[u8]) -> core::result::Result<SignatureAlgorithm, String> {
    let (rest, parsed) = SubjectPublicKeyInfo::from_der(spki)
        .map_err(|_| "not a DER SubjectPublicKeyInfo".to_string())?;
    if !rest.is_empty() {
        return Err("trailing bytes after the SubjectPublicKeyInfo".into());
    }
    let oid = parsed.algorithm.algorithm.to_id_string();
    let curve = parsed
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|o| o.to_id_string());
    match (oid.as_str(), curve.as_deref()) {
        ("1.3.101.112", None) if parsed.algorithm.parameters.is_none() => {
            canonical_spki(spki, ED25519_SPKI_PREFIX, 32, "Ed25519")?;
            ed25519_point(spki.get(ED25519_SPKI_PREFIX.len()..).unwrap_or_default())?;
            Ok(SignatureAlgorithm::Ed25519)
        }
        ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => {
            canonical_spki(spki, P256_SPKI_PREFIX, 64, "ECDSA P-256")?;
            Ok(SignatureAlgorithm::Ecdsa {
                hash: SignatureHash::Sha256,
            })
        }
        ("1.2.840.10045.2.1", Some(other)) => Err(format!(
            "an EC key on curve {other}: bundle keys are Ed25519 or ECDSA P-256 (certpin keygen --algorithm ed25519|p256)"
        )),
        (other, _) => Err(format!(
            "a {} key: bundle keys are Ed25519 or ECDSA P-256 (certpin keygen --algorithm ed25519|p256)",
            match other {
                "1.2.840.113549.1.1.1" => "RSA",
                "1.3.101.113" => "Ed448",
                o => o,
            }
        )),
    }
}
