//! Path building: the signature-verified path from the leaf through the served
//! certificates (RFC 5280 section 6.1, without trust anchors). Pins match only
//! certificates on this path: the CVE-2016-2402 class of bypass is an attacker appending
//! a pinned certificate to an unrelated chain, and Node links `issuerCertificate` by
//! names alone.
//!
//! From the leaf (`certs[0]`), issuer candidates are the served certificates whose
//! subject equals the current issuer name (byte-equal DER) and, when both identifiers
//! are present, whose subjectKeyIdentifier equals the current authorityKeyIdentifier. A
//! candidate is taken only if it is a CA (cA, and keyCertSign when keyUsage is present),
//! its pathLenConstraint allows the intermediates below it (RFC 5280 6.1.4 (l), (m)), it
//! is not already on the path, and the link's signature verifies with its key.
//! Candidates are tried in input order, backtracking, within a bounded work budget and
//! depth. The path stops at a self-signed certificate (its signature verifies with its
//! own key) or where no served certificate is named as the issuer (the root was not
//! served: that is normal and valid). When served candidates exist but none can be
//! taken, the chain is invalid (`invalid-chain`): a served issuer that does not verify
//! is a broken or tampered chain.
//!
//! This is not validation against trusted roots: the host's TLS stack still does that.

use crate::cert::Certificate;
use crate::finding::{Finding, Severity};
use crate::verify::{installed_verifier, verify_link, SignatureVerifier, VerifyOutcome};
use std::collections::BTreeMap;

/// The longest path built: the leaf and 9 signers above it (OkHttp and OpenSSL allow 9).
pub const MAX_PATH_LENGTH: usize = 10;
/// The most signature verifications one path building may run.
pub const MAX_SIGNATURE_CHECKS: usize = 64;
/// The most issuer candidates one path building may consider (bounds backtracking work
/// that needs no new signature check, e.g. many copies of the same certificates).
pub const MAX_CANDIDATE_STEPS: usize = 1024;

/// The most rejected-candidate findings one path building reports.
const MAX_REJECTION_FINDINGS: usize = 32;

/// Finding codes of path building. Stable: never renamed.
pub mod codes {
    /// A served certificate is not on the verified path: its pin never matches.
    pub const CERT_NOT_ON_PATH: &str = "CERT_NOT_ON_PATH";
    /// A served issuer candidate's key does not verify the certificate's signature.
    pub const LINK_SIGNATURE_INVALID: &str = "LINK_SIGNATURE_INVALID";
    /// A link's signature algorithm or key is one certpin does not verify.
    pub const SIGNATURE_ALGORITHM_UNSUPPORTED: &str = "SIGNATURE_ALGORITHM_UNSUPPORTED";
    /// A served issuer candidate is not a CA (no cA bit, or keyUsage without keyCertSign).
    pub const ISSUER_NOT_CA: &str = "ISSUER_NOT_CA";
    /// A served issuer candidate's pathLenConstraint forbids the intermediates below it.
    pub const PATH_LEN_CONSTRAINT_EXCEEDED: &str = "PATH_LEN_CONSTRAINT_EXCEEDED";
    /// Served issuers exist for a certificate, but none could be linked: invalid chain.
    pub const NO_VERIFIED_ISSUER: &str = "NO_VERIFIED_ISSUER";
    /// The path would be longer than `MAX_PATH_LENGTH` certificates.
    pub const PATH_TOO_LONG: &str = "PATH_TOO_LONG";
    /// Building the path needed more work than the budget allows.
    pub const PATH_BUDGET_EXCEEDED: &str = "PATH_BUDGET_EXCEEDED";
    /// Every path-building finding code.
    pub const ALL: &[&str] = &[
        CERT_NOT_ON_PATH,
        LINK_SIGNATURE_INVALID,
        SIGNATURE_ALGORITHM_UNSUPPORTED,
        ISSUER_NOT_CA,
        PATH_LEN_CONSTRAINT_EXCEEDED,
        NO_VERIFIED_ISSUER,
        PATH_TOO_LONG,
        PATH_BUDGET_EXCEEDED,
    ];
}
use codes::*;

/// The outcome of building a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathOutcome {
    /// Input indices of the path, leaf first. When `valid` is false, the part of the
    /// path that did verify (for diagnosis only: never match pins on an invalid path).
    pub path: Vec<usize>,
    /// False when the served certificates form no acceptable path: status `invalid-chain`.
    pub valid: bool,
    /// What path building observed (certificates off the path, unsupported algorithms...).
    pub findings: Vec<Finding>,
    /// The last certificate of `path` is self-signed (verified with its own key).
    pub ends_at_self_signed: bool,
    /// Signature verifications run.
    pub signature_checks: usize,
}

/// The path when the host opted out of signature checks (`verifySignatures: false`):
/// the served certificates in input order.
pub fn served_path(certs: &[Certificate]) -> PathOutcome {
    PathOutcome {
        path: (0..certs.len()).collect(),
        valid: !certs.is_empty(),
        findings: vec![],
        ends_at_self_signed: false,
        signature_checks: 0,
    }
}

/// The signature-verified path from the leaf (`certs[0]`), with the installed verifier
/// (`set_verifier`; by default the pure-Rust one).
pub fn verified_path(certs: &[Certificate]) -> PathOutcome {
    verified_path_with(certs, installed_verifier().as_ref())
}

/// The verified path as pin checks need it: the same `path`, `valid` and findings as
/// [`verified_path`], but a self-issued certificate that ends the path (no other served
/// certificate names it) is not verified against its own key, since a self-signature
/// proves nothing a pin relies on and costs the most expensive check of the chain (the
/// root's key). `ends_at_self_signed` is then false: use [`verified_path`] when it matters.
pub fn pin_path(certs: &[Certificate]) -> PathOutcome {
    build(certs, installed_verifier().as_ref(), false)
}

/// [`verified_path`] with a given verifier.
pub fn verified_path_with(certs: &[Certificate], verifier: &dyn SignatureVerifier) -> PathOutcome {
    build(certs, verifier, true)
}

fn build(
    certs: &[Certificate],
    verifier: &dyn SignatureVerifier,
    prove_self_signed: bool,
) -> PathOutcome {
    let Some(_) = certs.first() else {
        return PathOutcome {
            path: vec![],
            valid: false,
            findings: vec![],
            ends_at_self_signed: false,
            signature_checks: 0,
        };
    };
    let mut builder = Builder {
        certs,
        verifier,
        links: BTreeMap::new(),
        signature_checks: 0,
        steps: 0,
        rejections: vec![],
        best: vec![0],
        prove_self_signed,
    };
    let mut path = vec![0];
    let result = builder.extend(&mut path);
    let (valid, path, ends_at_self_signed, mut findings) = match result {
        Ok(end) => (true, path, end == End::SelfSigned, vec![]),
        Err(Stop::DeadEnd { .. }) => {
            // Report where the longest verified prefix ends: that is the certificate
            // whose served issuers all failed.
            let at = builder.best.last().copied().unwrap_or(0);
            let cert = certs.get(at);
            (
                false,
                builder.best.clone(),
                false,
                vec![Finding::error(
                    NO_VERIFIED_ISSUER,
                    format!(
                        "certificate {at} ({}) names an issuer that was served, but no served issuer verifies: the chain is invalid (a corrupted signature, a wrong or rogue intermediate, or an issuer that may not sign certificates)",
                        cert.map(|c| c.facts().subject.as_str()).unwrap_or_default()
                    ),
                )
                .at(at)],
            )
        }
        Err(Stop::TooLong) => (
            false,
            builder.best.clone(),
            false,
            vec![Finding::error(
                PATH_TOO_LONG,
                format!(
                    "the path from the leaf would be longer than {MAX_PATH_LENGTH} certificates: serve only the leaf and its intermediates"
                ),
            )],
        ),
        Err(Stop::Budget) => (
            false,
            builder.best.clone(),
            false,
            vec![Finding::error(
                PATH_BUDGET_EXCEEDED,
                format!(
                    "building the path needed more than {MAX_SIGNATURE_CHECKS} signature checks or {MAX_CANDIDATE_STEPS} issuer candidates: the served chain holds too many look-alike certificates; serve only the leaf and its intermediates"
                ),
            )],
        ),
    };
    // Rejected candidates explain an invalid chain (errors); on a valid path they are
    // look-alikes that were passed over (warnings).
    let severity = if valid {
        Severity::Warning
    } else {
        Severity::Error
    };
    let rejections: Vec<Finding> = builder
        .rejections
        .into_iter()
        .map(|mut f| {
            f.severity = severity;
            f
        })
        .collect();
    // Backtracking can reject the same link many times: report each once, and at most
    // MAX_REJECTION_FINDINGS of them.
    let mut kept: Vec<Finding> = Vec::new();
    for finding in rejections {
        if kept.len() < MAX_REJECTION_FINDINGS && !kept.contains(&finding) {
            kept.push(finding);
        }
    }
    let mut rejections = kept;
    rejections.append(&mut findings);
    let mut findings = rejections;
    for (index, cert) in certs.iter().enumerate() {
        if !path.contains(&index) {
            findings.push(
                Finding::warning(
                    CERT_NOT_ON_PATH,
                    format!(
                        "certificate {index} ({}) is not on the signature-verified path from the leaf; it is ignored and its pin never matches",
                        cert.facts().subject
                    ),
                )
                .at(index),
            );
        }
    }
    PathOutcome {
        path,
        valid,
        findings,
        ends_at_self_signed,
        signature_checks: builder.signature_checks,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    SelfSigned,
    IssuerNotServed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Candidates were served for certificate `at`, none could be taken.
    DeadEnd {
        at: usize,
    },
    TooLong,
    Budget,
}

struct Builder<'a> {
    certs: &'a [Certificate],
    verifier: &'a dyn SignatureVerifier,
    /// Link results by (child, issuer), so backtracking never verifies twice.
    links: BTreeMap<(usize, usize), VerifyOutcome>,
    signature_checks: usize,
    steps: usize,
    rejections: Vec<Finding>,
    /// The longest verified prefix seen, reported when the chain is invalid.
    best: Vec<usize>,
    /// Verify a final self-issued certificate's own signature (see [`pin_path`]).
    prove_self_signed: bool,
}

impl Builder<'_> {
    fn link(&mut self, child: usize, issuer: usize) -> Result<VerifyOutcome, Stop> {
        if let Some(outcome) = self.links.get(&(child, issuer)) {
            return Ok(outcome.clone());
        }
        let (Some(c), Some(i)) = (self.certs.get(child), self.certs.get(issuer)) else {
            return Ok(VerifyOutcome::Invalid);
        };
        if self.signature_checks >= MAX_SIGNATURE_CHECKS {
            return Err(Stop::Budget);
        }
        self.signature_checks += 1;
        let outcome = verify_link(c, i, self.verifier);
        self.links.insert((child, issuer), outcome.clone());
        Ok(outcome)
    }

    /// Extends `path` (whose last element is the current certificate) to a complete
    /// path; on failure `path` is as it was.
    fn extend(&mut self, path: &mut Vec<usize>) -> Result<End, Stop> {
        let Some(&current) = path.last() else {
            return Err(Stop::DeadEnd { at: 0 });
        };
        if path.len() > self.best.len() {
            self.best = path.clone();
        }
        let Some(cert) = self.certs.get(current) else {
            return Err(Stop::DeadEnd { at: current });
        };
        let candidates: Vec<usize> = self
            .certs
            .iter()
            .enumerate()
            .filter(|(j, c)| !path.contains(j) && names_issuer(c, cert))
            .map(|(j, _)| j)
            .collect();
        // Self-signed ends the path; when nothing else is named, the path ends here
        // either way and only `ends_at_self_signed` depends on the check.
        if cert.is_self_issued()
            && (self.prove_self_signed || !candidates.is_empty())
            && self.link(current, current)? == VerifyOutcome::Valid
        {
            return Ok(End::SelfSigned);
        }
        if candidates.is_empty() {
            return Ok(End::IssuerNotServed);
        }
        if path.len() >= MAX_PATH_LENGTH {
            return Err(Stop::TooLong);
        }
        // Intermediates below a new issuer: the path minus the leaf, self-issued ones
        // not counted (RFC 5280 6.1.4 (l)).
        let intermediates_below = path
            .iter()
            .skip(1)
            .filter_map(|i| self.certs.get(*i))
            .filter(|c| !c.is_self_issued())
            .count();
        for candidate in candidates {
            self.steps += 1;
            if self.steps > MAX_CANDIDATE_STEPS {
                return Err(Stop::Budget);
            }
            let Some(issuer) = self.certs.get(candidate) else {
                continue;
            };
            let subject = &issuer.facts().subject;
            if !issuer.can_sign_certificates() {
                self.rejections.push(
                    Finding::error(
                        ISSUER_NOT_CA,
                        format!(
                            "certificate {candidate} ({subject}) is named as the issuer of certificate {current} but may not sign certificates (no CA basic constraint, or a key usage without keyCertSign); it is not linked"
                        ),
                    )
                    .at(candidate),
                );
                continue;
            }
            if let Some(limit) = issuer.facts().path_len_constraint {
                if usize::try_from(limit).is_ok_and(|l| intermediates_below > l) {
                    self.rejections.push(
                        Finding::error(
                            PATH_LEN_CONSTRAINT_EXCEEDED,
                            format!(
                                "certificate {candidate} ({subject}) allows {limit} intermediate(s) below it (pathLenConstraint) but the path has {intermediates_below}; it is not linked"
                            ),
                        )
                        .at(candidate),
                    );
                    continue;
                }
            }
            match self.link(current, candidate)? {
                VerifyOutcome::Valid => {}
                VerifyOutcome::Invalid => {
                    self.rejections.push(
                        Finding::error(
                            LINK_SIGNATURE_INVALID,
                            format!(
                                "the signature of certificate {current} ({}) does not verify with the key of certificate {candidate} ({subject}), which is named as its issuer; it is not linked",
                                cert.facts().subject
                            ),
                        )
                        .at(current),
                    );
                    continue;
                }
                VerifyOutcome::Unsupported(what) => {
                    self.rejections.push(
                        Finding::error(
                            SIGNATURE_ALGORITHM_UNSUPPORTED,
                            format!(
                                "certificate {current} ({}) is signed with {what}, which certpin does not verify; the link to certificate {candidate} cannot be checked (pass verifySignatures: false only if the host already verified this chain)",
                                cert.facts().subject
                            ),
                        )
                        .at(current),
                    );
                    continue;
                }
            }
            path.push(candidate);
            match self.extend(path) {
                Ok(end) => return Ok(end),
                Err(Stop::DeadEnd { .. }) => {
                    path.pop();
                }
                Err(stop) => {
                    path.pop();
                    return Err(stop);
                }
            }
        }
        Err(Stop::DeadEnd { at: current })
    }
}

/// `issuer` is a candidate issuer of `child`: its subject is `child`'s issuer name
/// (byte-equal DER), and its subjectKeyIdentifier equals `child`'s
/// authorityKeyIdentifier when both are present.
fn names_issuer(issuer: &Certificate, child: &Certificate) -> bool {
    issuer.subject_der() == child.issuer_der()
        && match (
            &issuer.facts().subject_key_id,
            &child.facts().authority_key_id,
        ) {
            (Some(ski), Some(aki)) => ski == aki,
            _ => true,
        }
}
