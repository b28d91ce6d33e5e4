//! Signed policy bundles and their trust roots (README "Signed policy bundles"),
//! following The Update Framework's rules for signed metadata (TUF specification
//! section 5.3): a document is `{ signed, signatures: [{ keyId, sig }] }`; a signature
//! covers a fixed prefix naming the document type followed by the RFC 8785 canonical
//! JSON of `signed`; a threshold counts distinct keys; a root N+1 is trusted only when
//! a threshold of root N's keys and a threshold of its own keys signed it; versions never
//! go back; expired documents are refused (freeze attacks).
//!
//! Keys are Ed25519 or ECDSA P-256 with SHA-256 (so they can live in a cloud KMS or an
//! HSM); a key's id is its SHA-256 SPKI pin (`sha256/…`). Signatures are checked by the
//! installed [`crate::SignatureVerifier`] (`node:crypto` in Node and Deno, RustCrypto
//! elsewhere). Nothing here does I/O or reads a clock.

pub(crate) mod canonical;
mod envelope;

pub use canonical::Json;
pub use envelope::{key_id_of, Root, RootKey};

use crate::error::{Error, Result};
use crate::limits::{MAX_BUNDLE_BYTES, MAX_ROOT_CHAIN};
use crate::policy::Policy;
use crate::signature::algorithm::SignatureAlgorithm;
use crate::signature::verify::{check_key, SignatureVerifier, VerifyOutcome};
use crate::time::UnixTime;
use envelope::{parse_bundle, parse_root, BundleSigned, Envelope};

/// Prefix of a bundle's signing input: a signature over a root can never pass as one
/// over a bundle, or the other way round.
pub const BUNDLE_SIGNING_PREFIX: &str = "certpin-policy-v1\n";
/// Prefix of a trust root's signing input.
pub const ROOT_SIGNING_PREFIX: &str = "certpin-root-v1\n";
/// How far in the future `issuedAt` may be (clocks differ a little between hosts).
pub const ISSUED_AT_SKEW_SECONDS: i64 = 300;

/// A verified bundle.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    pub policy: Policy,
    /// The policy document exactly as signed (canonical JSON).
    pub policy_json: String,
    pub version: u64,
    pub issued_at: String,
    pub expires: String,
    /// The key ids whose signatures verified, each once, in signature order.
    pub signed_by: Vec<String>,
}

/// What a bundle check needs besides the documents.
#[derive(Debug, Clone, Copy)]
pub struct BundleOptions {
    /// The instant of the check.
    pub now: UnixTime,
    /// The lowest version accepted (the highest one already trusted, for rollback).
    pub min_version: u64,
}

impl BundleOptions {
    /// A bundle check at `now` that accepts any version (no rollback floor yet).
    pub fn at(now: UnixTime) -> BundleOptions {
        BundleOptions {
            now,
            min_version: 0,
        }
    }
}

/// The bytes a key signs for a document of type `kind` (`certpin-policy` or
/// `certpin-root`): the prefix, then the canonical JSON of `signed`.
pub fn signing_input(signed_json: &str) -> Result<Vec<u8>> {
    check_size(signed_json, "signed")?;
    let signed = Json::parse(signed_json).map_err(|reason| Error::BundleMalformed {
        path: "signed".into(),
        reason: format!("not valid JSON: {reason}"),
    })?;
    let prefix = match signed.get("type") {
        Some(Json::String(t)) if t == "certpin-policy" => BUNDLE_SIGNING_PREFIX,
        Some(Json::String(t)) if t == "certpin-root" => ROOT_SIGNING_PREFIX,
        _ => {
            return Err(Error::BundleMalformed {
                path: "signed.type".into(),
                reason: "must be \"certpin-policy\" or \"certpin-root\"".into(),
            })
        }
    };
    Ok(with_prefix(prefix, &signed))
}

fn with_prefix(prefix: &str, signed: &Json) -> Vec<u8> {
    let mut bytes = prefix.as_bytes().to_vec();
    bytes.extend_from_slice(signed.canonical().as_bytes());
    bytes
}

fn check_size(text: &str, what: &str) -> Result<()> {
    if text.len() > MAX_BUNDLE_BYTES {
        return Err(Error::BundleMalformed {
            path: what.into(),
            reason: format!(
                "{} bytes, over the limit of {MAX_BUNDLE_BYTES} bytes",
                text.len()
            ),
        });
    }
    Ok(())
}

/// How one document's signatures came out against a set of keys.
struct Tally {
    /// Distinct key ids with a valid signature, in signature order.
    valid: Vec<String>,
}

impl Tally {
    fn count_in(&self, keys: &[RootKey]) -> usize {
        self.valid
            .iter()
            .filter(|id| keys.iter().any(|k| &k.key_id == *id))
            .count()
    }
}

/// What a signature by a key outside the set means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unknown {
    Refuse,
    /// A trusted root checked on its own still carries its predecessor's signatures.
    Skip,
}

enum Refusal {
    Unknown(String),
    Bad(String, String),
}

/// Checks every signature of `envelope` with the key of its id among `keys`: every
/// signature must be by a known key and must verify (strict: a bad or foreign signature
/// is a sign of tampering or of a stale signer, never silently skipped).
fn tally(
    envelope: &Envelope,
    prefix: &str,
    keys: &[&RootKey],
    unknown: Unknown,
    verifier: &dyn SignatureVerifier,
) -> core::result::Result<Tally, Refusal> {
    let message = with_prefix(prefix, &envelope.signed);
    let mut valid: Vec<String> = Vec::new();
    for entry in &envelope.signatures {
        let Some(key) = keys.iter().find(|k| k.key_id == entry.key_id) else {
            if unknown == Unknown::Skip {
                continue;
            }
            return Err(Refusal::Unknown(entry.key_id.clone()));
        };
        let outcome = match check_key(key.algorithm, &key.spki) {
            Err(outcome) => outcome,
            Ok(()) => verifier.verify(key.algorithm, &key.spki, &message, &entry.sig),
        };
        match outcome {
            VerifyOutcome::Valid => {
                if !valid.contains(&entry.key_id) {
                    valid.push(entry.key_id.clone());
                }
            }
            VerifyOutcome::Invalid => {
                return Err(Refusal::Bad(
                    entry.key_id.clone(),
                    format!(
                        "the signature is not a valid {} signature by this key over this document",
                        algorithm_label(key.algorithm)
                    ),
                ))
            }
            VerifyOutcome::Unsupported(what) => {
                return Err(Refusal::Bad(
                    entry.key_id.clone(),
                    format!("the signature cannot be checked: {what}"),
                ))
            }
        }
    }
    Ok(Tally { valid })
}

fn algorithm_label(algorithm: SignatureAlgorithm) -> &'static str {
    match algorithm {
        SignatureAlgorithm::Ed25519 => "Ed25519",
        _ => "ECDSA P-256 SHA-256 (DER)",
    }
}

/// Checks a trust root on its own: well formed, signed by a threshold of its own keys,
/// not expired at `now`; signatures checked with `verifier`.
pub fn check_root(
    root_json: &str,
    now: UnixTime,
    verifier: &dyn SignatureVerifier,
) -> Result<Root> {
    let root = parse_root(root_json)?;
    check_self_signed(&root, verifier)?;
    check_root_expiry(&root, now)?;
    Ok(root)
}

fn check_self_signed(root: &Root, verifier: &dyn SignatureVerifier) -> Result<()> {
    let keys: Vec<&RootKey> = root.keys.iter().collect();
    let tally = tally(
        &root.envelope,
        ROOT_SIGNING_PREFIX,
        &keys,
        Unknown::Skip,
        verifier,
    )
    .map_err(|r| root_refusal(r, root.version))?;
    let valid = tally.count_in(&root.keys);
    if valid < root.threshold {
        return Err(Error::RootThreshold {
            which: "its own".into(),
            valid,
            threshold: root.threshold,
        });
    }
    Ok(())
}

fn check_root_expiry(root: &Root, now: UnixTime) -> Result<()> {
    if now.whole_seconds() >= root.expires_at {
        return Err(Error::RootExpired {
            version: root.version,
            expires: root.expires.clone(),
        });
    }
    Ok(())
}

fn root_refusal(refusal: Refusal, version: u64) -> Error {
    match refusal {
        Refusal::Unknown(key_id) => Error::RootUnknownKey { key_id, version },
        Refusal::Bad(key_id, reason) => Error::RootBadSignature { key_id, reason },
    }
}

/// `verifyBundle`: checks `bundle_json` against the trust root `root_json`.
/// Order: structure, root, signatures, threshold, then version and time, then the
/// policy (nothing unsigned is interpreted beyond its structure). Signatures are checked
/// with `verifier`.
pub fn verify_bundle(
    bundle_json: &str,
    root_json: &str,
    options: BundleOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<VerifiedBundle> {
    let root = check_root(root_json, options.now, verifier)?;
    check_size(bundle_json, "$")?;
    let (envelope, signed) = parse_bundle(bundle_json)?;
    let keys: Vec<&RootKey> = root.keys.iter().collect();
    let tally = tally(
        &envelope,
        BUNDLE_SIGNING_PREFIX,
        &keys,
        Unknown::Refuse,
        verifier,
    )
    .map_err(|r| match r {
        Refusal::Unknown(key_id) => Error::BundleUnknownKey {
            key_id,
            root_version: root.version,
        },
        Refusal::Bad(key_id, reason) => Error::BundleBadSignature { key_id, reason },
    })?;
    let valid = tally.count_in(&root.keys);
    if valid < root.threshold {
        return Err(Error::BundleThreshold {
            valid,
            threshold: root.threshold,
        });
    }
    check_bundle_fields(&signed, options)?;
    let policy_json = signed.policy.canonical();
    let policy = Policy::from_json(&policy_json).map_err(|e| match e {
        Error::PolicyInvalid { path, reason } => Error::BundlePolicyInvalid {
            path: if path == "$" || path.is_empty() {
                "signed.policy".into()
            } else {
                format!("signed.policy.{path}")
            },
            reason,
        },
        other => other,
    })?;
    Ok(VerifiedBundle {
        policy,
        policy_json,
        version: signed.version,
        issued_at: signed.issued_at,
        expires: signed.expires,
        signed_by: tally.valid,
    })
}

fn check_bundle_fields(signed: &BundleSigned, options: BundleOptions) -> Result<()> {
    if signed.version < options.min_version {
        return Err(Error::BundleRollback {
            version: signed.version,
            min_version: options.min_version,
        });
    }
    let now = options.now.whole_seconds();
    if now >= signed.expires_at {
        return Err(Error::BundleExpired {
            version: signed.version,
            expires: signed.expires.clone(),
            now: now.to_rfc3339(),
        });
    }
    if signed.issued_at_time > now.plus_seconds(ISSUED_AT_SKEW_SECONDS) {
        return Err(Error::BundleIssuedInFuture {
            issued_at: signed.issued_at.clone(),
            now: now.to_rfc3339(),
        });
    }
    Ok(())
}

/// `updateRoot`: follows root rotations from the trusted `current` through `chain`
/// (each the next version), as TUF section 5.3 does: root N+1 must have version exactly
/// N+1 and be signed by a threshold of root N's keys and by a threshold of its own.
/// Only the last root's expiry is checked (an intermediate root that has since expired
/// must still be followable). Returns the last root's JSON (canonical form of the
/// document as given). Signatures are checked with `verifier`.
pub fn update_root(
    current_json: &str,
    chain: &[String],
    now: UnixTime,
    verifier: &dyn SignatureVerifier,
) -> Result<String> {
    if chain.is_empty() {
        return Err(Error::RootMalformed {
            path: "$".into(),
            reason: "no next root given: pass the root document with the next version".into(),
        });
    }
    if chain.len() > MAX_ROOT_CHAIN {
        return Err(Error::RootMalformed {
            path: "$".into(),
            reason: format!(
                "{} roots, over the limit of {MAX_ROOT_CHAIN} per call",
                chain.len()
            ),
        });
    }
    let mut trusted = parse_root(current_json)?;
    for next_json in chain {
        let next = parse_root(next_json)?;
        let expected = trusted.version.saturating_add(1);
        if next.version != expected {
            return Err(Error::RootVersion {
                version: next.version,
                expected,
            });
        }
        let mut keys: Vec<&RootKey> = trusted.keys.iter().collect();
        keys.extend(
            next.keys
                .iter()
                .filter(|k| !trusted.keys.iter().any(|t| t.key_id == k.key_id)),
        );
        let tally = tally(
            &next.envelope,
            ROOT_SIGNING_PREFIX,
            &keys,
            Unknown::Refuse,
            verifier,
        )
        .map_err(|r| root_refusal(r, trusted.version))?;
        let by_old = tally.count_in(&trusted.keys);
        if by_old < trusted.threshold {
            return Err(Error::RootThreshold {
                which: format!("the previous root's (version {})", trusted.version),
                valid: by_old,
                threshold: trusted.threshold,
            });
        }
        let by_new = tally.count_in(&next.keys);
        if by_new < next.threshold {
            return Err(Error::RootThreshold {
                which: format!("its own (version {})", next.version),
                valid: by_new,
                threshold: next.threshold,
            });
        }
        trusted = next;
    }
    check_root_expiry(&trusted, now)?;
    Ok(trusted.document.canonical())
}
