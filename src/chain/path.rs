//! Path building: the signature-verified path from the leaf through the served
//! certificates (RFC 5280 section 6.1, without trust anchors). Pins match only
//! certificates on this path: the CVE-2016-2402 class of bypass is an attacker appending
//! a pinned certificate to an unrelated chain, and Node links `issuerCertificate` by
//! names alone.
//!
//! From the leaf (`certs[0]`), issuer candidates are the served certificates whose
//! subject matches the current issuer name (RFC 5280 section 7.1 comparison,
//! `name::comparison_form`) and, when both identifiers are present, whose
//! subjectKeyIdentifier equals the current authorityKeyIdentifier. A candidate is taken
//! only if it is a CA (cA, and keyCertSign when keyUsage is present), its
//! pathLenConstraint allows the intermediates below it (RFC 5280 6.1.4 (l), (m)), it is
//! not already on the path, it has no unknown critical extension, its RSA key (if any)
//! has at least `PathRules::min_rsa_bits`, the link is not signed with SHA-1 (unless
//! `PathRules::allow_sha1`), and the link's signature verifies with its key. The leaf's
//! own critical extensions and key size are checked the same way.
//!
//! The top of the path is the anchor (RFC 5280 section 6.1: the trust anchor's own
//! fields do not constrain the path): a candidate that is not a CA or whose pathLen is
//! exceeded may still end the path (a v1 root, a pinned root without keyCertSign),
//! never sit in the middle of it. With a [`Goal`] (a check that knows `now` and the
//! pins), candidates outside their validity period are passed over unless their key is
//! pinned (an anchor), a pinned CA ends the path, and a complete path is taken only if
//! the goal accepts it, so backtracking reaches a valid path past an expired cross-sign.
//!
//! Candidates are tried in input order, backtracking, within a bounded work budget
//! (weighted by what each signature check costs: [`link_cost`]) and depth. The path stops at a self-signed certificate (its signature verifies with its
//! own key) or where no served certificate is named as the issuer (the root was not
//! served: that is normal and valid). When served candidates exist but none can be
//! taken, the chain is invalid (`invalid-chain`): a served issuer that does not verify
//! is a broken or tampered chain.
//!
//! This is not validation against trusted roots: the host's TLS stack still does that.

use crate::finding::{Finding, FindingCode, Severity};
use crate::limits::{
    MAX_CANDIDATE_STEPS, MAX_PATH_LENGTH, MAX_REJECTION_FINDINGS, MAX_SIGNATURE_CHECKS,
    MAX_VERIFICATION_COST,
};
use crate::signature::algorithm::{SignatureAlgorithm, SignatureHash};
use crate::signature::verify::{rsa_key_shape, verify_link, SignatureVerifier, VerifyOutcome};
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use std::collections::BTreeMap;

/// The smallest RSA key accepted on the path by default (Chromium and webpki: 2048).
pub const DEFAULT_MIN_RSA_BITS: u32 = 2048;

/// What path building refuses by default; each relaxation is an explicit option
/// (`allowSha1`, `minRsaBits`, `allowUnknownCriticalExtensions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathRules {
    /// Accept links signed with SHA-1 (default false).
    pub allow_sha1: bool,
    /// The smallest RSA modulus accepted on the path (default 2048; 1024 at least).
    pub min_rsa_bits: u32,
    /// Accept certificates with critical extensions certpin does not recognise.
    pub allow_unknown_critical_extensions: bool,
}

impl Default for PathRules {
    fn default() -> PathRules {
        PathRules {
            allow_sha1: false,
            min_rsa_bits: DEFAULT_MIN_RSA_BITS,
            allow_unknown_critical_extensions: false,
        }
    }
}

impl PathRules {
    /// Accept RSA keys from `bits` up (`minRsaBits`): a relaxation only, from the
    /// smallest key certpin verifies to the default.
    pub fn set_min_rsa_bits(&mut self, bits: i64) -> crate::error::Result<()> {
        let min = i64::from(crate::limits::MIN_RSA_BITS);
        let default = i64::from(DEFAULT_MIN_RSA_BITS);
        if !(min..=default).contains(&bits) {
            return Err(crate::error::Error::InvalidArgument {
                argument: "minRsaBits".into(),
                reason: format!(
                    "must be from {min} (the smallest key certpin verifies) to {default}"
                ),
            });
        }
        self.min_rsa_bits = u32::try_from(bits).unwrap_or(DEFAULT_MIN_RSA_BITS);
        Ok(())
    }
}

/// What a check wants of the path when the first one built does not serve it (see
/// the module doc): the instant, and which certificates are pinned.
pub struct Goal<'a> {
    /// The instant (a whole second), and the tolerated clock skew either way, in seconds.
    pub now: UnixTime,
    pub skew: i64,
    /// The certificate's key is pinned by an active pin that may match above the leaf:
    /// it may end the path as its anchor, and its own validity is not checked.
    pub anchor: &'a dyn Fn(usize) -> bool,
    /// A complete path (input indices, leaf first) is acceptable: an active pin matches.
    pub accept: &'a dyn Fn(&[usize]) -> bool,
    /// Cost already spent on this chain (by the first build): the budget is shared.
    pub spent: u64,
}

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
    /// Verification cost spent ([`link_cost`] units), including a [`Goal`]'s `spent`.
    pub cost: u64,
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
        cost: 0,
    }
}

/// The signature-verified path from the leaf (`certs[0]`), with `verifier` and the
/// default rules.
pub fn verified_path(certs: &[Certificate], verifier: &dyn SignatureVerifier) -> PathOutcome {
    build(certs, verifier, true, &PathRules::default(), None)
}

/// [`verified_path`] under `rules`.
pub fn verified_path_under(
    certs: &[Certificate],
    rules: &PathRules,
    verifier: &dyn SignatureVerifier,
) -> PathOutcome {
    build(certs, verifier, true, rules, None)
}

/// The verified path as pin checks need it: the same `path`, `valid` and findings as
/// [`verified_path`], but a self-issued certificate that ends the path (no other served
/// certificate names it) is not verified against its own key, since a self-signature
/// proves nothing a pin relies on and costs the most expensive check of the chain (the
/// root's key). `ends_at_self_signed` is then false: use [`verified_path`] when it matters.
pub fn pin_path(certs: &[Certificate], verifier: &dyn SignatureVerifier) -> PathOutcome {
    pin_path_with(certs, &PathRules::default(), verifier)
}

/// [`pin_path`] under `rules`.
pub fn pin_path_with(
    certs: &[Certificate],
    rules: &PathRules,
    verifier: &dyn SignatureVerifier,
) -> PathOutcome {
    build(certs, verifier, false, rules, None)
}

/// [`pin_path_with`] towards `goal`: `valid` only when a path the goal accepts exists.
pub fn pin_path_towards(
    certs: &[Certificate],
    rules: &PathRules,
    goal: &Goal<'_>,
    verifier: &dyn SignatureVerifier,
) -> PathOutcome {
    build(certs, verifier, false, rules, Some(goal))
}

/// [`pin_path_towards`] for troubleshooting: the self-signature of the top is
/// verified too (`ends_at_self_signed` is meaningful).
pub fn verified_path_towards(
    certs: &[Certificate],
    rules: &PathRules,
    goal: &Goal<'_>,
    verifier: &dyn SignatureVerifier,
) -> PathOutcome {
    build(certs, verifier, true, rules, Some(goal))
}

/// Which certificates are self-signed (self-issued, and the signature verifies with
/// their own key), for `parseChain`: checked within the same cost budget as path
/// building ([`MAX_VERIFICATION_COST`]), so that no input costs more; a certificate whose
/// check would exceed it is reported as not self-signed (real chains never come near:
/// sixteen RSA-2048 roots cost 16 units).
pub fn self_signed_flags(certs: &[Certificate], verifier: &dyn SignatureVerifier) -> Vec<bool> {
    let mut budget = Budget::cost_only();
    certs
        .iter()
        .map(|c| {
            c.is_self_issued()
                && budget.take_link(c, c)
                && verify_link(c, c, verifier) == VerifyOutcome::Valid
        })
        .collect()
}

/// Every (child, issuer) pair whose names link (RFC 5280 section 7.1), itself included,
/// with its signature check, for `verifyLinks`: within the cost budget of path building;
/// a link past it is `None` (not checked).
pub fn link_checks(
    certs: &[Certificate],
    verifier: &dyn SignatureVerifier,
) -> Vec<(usize, usize, Option<VerifyOutcome>)> {
    let mut budget = Budget::cost_only();
    let mut out = Vec::new();
    for (child, c) in certs.iter().enumerate() {
        for (issuer, i) in certs.iter().enumerate() {
            if !i.subject_names_issuer_of(c) {
                continue;
            }
            let outcome = budget.take_link(c, i).then(|| verify_link(c, i, verifier));
            out.push((child, issuer, outcome));
        }
    }
    out
}

/// The work one input may cost: signature checks, their weighted cost ([`link_cost`],
/// at most [`MAX_VERIFICATION_COST`]) and, for path building, at most
/// [`MAX_SIGNATURE_CHECKS`] checks and [`MAX_CANDIDATE_STEPS`] issuer candidates tried.
/// Path building, [`self_signed_flags`] and [`link_checks`] each spend one, so that no
/// input costs more than these bounds.
#[derive(Debug, Clone)]
struct Budget {
    cost: u64,
    signature_checks: usize,
    max_signature_checks: usize,
    steps: usize,
}

impl Budget {
    /// The budget of path building, `spent` units already used on this chain.
    fn for_path(spent: u64) -> Budget {
        Budget {
            cost: spent,
            signature_checks: 0,
            max_signature_checks: MAX_SIGNATURE_CHECKS,
            steps: 0,
        }
    }

    /// Bounded by verification cost alone (the whole-chain scans of `parseChain` and
    /// `verifyLinks`).
    fn cost_only() -> Budget {
        Budget {
            max_signature_checks: usize::MAX,
            ..Budget::for_path(0)
        }
    }

    /// Spends the cost of checking `child`'s signature with `issuer`'s key, or spends
    /// nothing and answers false when that would pass a bound.
    fn take_link(&mut self, child: &Certificate, issuer: &Certificate) -> bool {
        if self.signature_checks >= self.max_signature_checks {
            return false;
        }
        let cost = self.cost.saturating_add(link_cost(child, issuer));
        if cost > MAX_VERIFICATION_COST {
            return false;
        }
        self.cost = cost;
        self.signature_checks += 1;
        true
    }

    /// One more issuer candidate tried, or false past the bound.
    fn take_step(&mut self) -> bool {
        self.steps += 1;
        self.steps <= MAX_CANDIDATE_STEPS
    }
}

/// One link of [`link_results`]: certificate `child`'s signature checked with
/// certificate `issuer`'s key (`verifyLinks`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkResult {
    pub child: usize,
    pub issuer: usize,
    /// The child's signature algorithm, or the name of one certpin does not know.
    pub algorithm: String,
    /// `valid`, `invalid` or `unsupported` (a link past the budget is not checked).
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// [`link_checks`] as results a person reads.
pub fn link_results(certs: &[Certificate], verifier: &dyn SignatureVerifier) -> Vec<LinkResult> {
    let mut results = vec![];
    for (child, issuer, outcome) in link_checks(certs, verifier) {
        let Some(c) = certs.get(child) else {
            continue;
        };
        let algorithm = SignatureAlgorithm::of_certificate(c)
            .map(|a| a.to_string())
            .unwrap_or_else(|name| name);
        let (result, reason) = match outcome {
            Some(VerifyOutcome::Valid) => ("valid", None),
            Some(VerifyOutcome::Invalid) => ("invalid", None),
            Some(VerifyOutcome::Unsupported(why)) => ("unsupported", Some(why)),
            None => (
                "unsupported",
                Some("not checked: the chain's signature checks exceed certpin's verification budget".to_string()),
            ),
        };
        results.push(LinkResult {
            child,
            issuer,
            algorithm,
            result,
            reason,
        });
    }
    results
}

/// The verification cost of checking `child`'s signature with `issuer`'s key, in units
/// of about one RSA-2048 (e = 65537) check: RSA grows with the square of the modulus
/// length times the exponent's square-and-multiply steps, ECDSA and Ed25519 are fixed,
/// and every check hashes the child's TBS (a unit per 16 KB).
pub fn link_cost(child: &Certificate, issuer: &Certificate) -> u64 {
    let hashing = u64::try_from(child.tbs_der().len() / (16 * 1024)).unwrap_or(u64::MAX);
    let key = match rsa_key_shape(issuer.spki_der()) {
        Some((bits, exponent_bits, exponent_ones)) => {
            let words = u64::from(bits).div_ceil(64);
            // RSA-2048, e = 65537: 32 words, 17 squarings + 2 multiplications.
            let steps = u64::from(exponent_bits) + u64::from(exponent_ones);
            (words * words * steps).div_ceil(32 * 32 * 19)
        }
        // Measured in the pure-Rust verifier (see MAX_VERIFICATION_COST): a P-256
        // check costs about 2 RSA-2048 checks, a P-384 one about 7 (8 with margin),
        // Ed25519 less than one.
        None => match issuer.key().curve.as_deref() {
            Some("P-384") => 8,
            Some(_) => 2,
            None => 1,
        },
    };
    // Capped at the whole budget, so that one link with any key certpin verifies can
    // always be checked (RSA-8192 with e = 2^33 - 1: 29 ms).
    key.saturating_add(hashing).clamp(1, MAX_VERIFICATION_COST)
}

fn build(
    certs: &[Certificate],
    verifier: &dyn SignatureVerifier,
    prove_self_signed: bool,
    rules: &PathRules,
    goal: Option<&Goal<'_>>,
) -> PathOutcome {
    let Some(leaf) = certs.first() else {
        return PathOutcome {
            path: vec![],
            valid: false,
            findings: vec![],
            ends_at_self_signed: false,
            signature_checks: 0,
            cost: 0,
        };
    };
    let mut builder = Builder {
        certs,
        verifier,
        links: BTreeMap::new(),
        budget: Budget::for_path(goal.map_or(0, |g| g.spent)),
        rejections: vec![],
        best: vec![0],
        prove_self_signed,
        rules,
        goal,
        anchor_note: None,
    };
    let mut path = vec![0];
    let leaf_refusal = builder.refuse(0, leaf);
    let leaf_out_of_period = goal.is_some_and(|g| !in_period(leaf, g));
    let result = match (&leaf_refusal, leaf_out_of_period) {
        (Some(_), _) => Err(Stop::Refused),
        (None, true) => Err(Stop::DeadEnd { at: 0 }),
        (None, false) => builder.extend(&mut path, false),
    };
    let (valid, path, ends_at_self_signed, mut findings) = match result {
        Ok(end) => (true, path, end == End::SelfSigned, vec![]),
        Err(Stop::Refused) => (
            false,
            vec![0],
            false,
            leaf_refusal.into_iter().collect(),
        ),
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
                    FindingCode::NoVerifiedIssuer,
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
                FindingCode::PathTooLong,
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
                FindingCode::PathBudgetExceeded,
                format!(
                    "building the path needed more than {MAX_SIGNATURE_CHECKS} signature checks, {MAX_VERIFICATION_COST} units of verification work or {MAX_CANDIDATE_STEPS} issuer candidates: the served chain holds too many look-alike or oversized certificates; serve only the leaf and its intermediates"
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
    if valid {
        if let Some((at, note)) = builder.anchor_note.take() {
            if path.last() == Some(&at) {
                findings.push(note);
            }
        }
    }
    for (index, cert) in certs.iter().enumerate() {
        if !path.contains(&index) {
            findings.push(
                Finding::warning(
                    FindingCode::CertNotOnPath,
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
        signature_checks: builder.budget.signature_checks,
        cost: builder.budget.cost,
    }
}

fn in_period(cert: &Certificate, goal: &Goal<'_>) -> bool {
    goal.now.plus_seconds(goal.skew) >= cert.not_before()
        && goal.now.minus_seconds(goal.skew) <= cert.not_after()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    SelfSigned,
    IssuerNotServed,
    /// A pinned certificate ends the path (a [`Goal`] build).
    Anchor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Candidates were served for certificate `at`, none could be taken.
    DeadEnd {
        at: usize,
    },
    TooLong,
    Budget,
    /// The leaf itself is refused by the rules.
    Refused,
}

struct Builder<'a> {
    certs: &'a [Certificate],
    verifier: &'a dyn SignatureVerifier,
    /// Link results by (child, issuer), so backtracking never verifies twice.
    links: BTreeMap<(usize, usize), VerifyOutcome>,
    budget: Budget,
    rejections: Vec<Finding>,
    /// The longest verified prefix seen, reported when the chain is invalid.
    best: Vec<usize>,
    /// Verify a final self-issued certificate's own signature (see [`pin_path`]).
    prove_self_signed: bool,
    rules: &'a PathRules,
    goal: Option<&'a Goal<'a>>,
    /// A note for the top of the path when its own constraints were not applied.
    anchor_note: Option<(usize, Finding)>,
}

impl Builder<'_> {
    fn link(&mut self, child: usize, issuer: usize) -> Result<VerifyOutcome, Stop> {
        if let Some(outcome) = self.links.get(&(child, issuer)) {
            return Ok(outcome.clone());
        }
        let (Some(c), Some(i)) = (self.certs.get(child), self.certs.get(issuer)) else {
            return Ok(VerifyOutcome::Invalid);
        };
        if !self.budget.take_link(c, i) {
            return Err(Stop::Budget);
        }
        let outcome = verify_link(c, i, self.verifier);
        self.links.insert((child, issuer), outcome.clone());
        Ok(outcome)
    }

    /// The rules' objection to having `cert` (input index `index`) on the path: an
    /// unknown critical extension or a small RSA key.
    fn refuse(&self, index: usize, cert: &Certificate) -> Option<Finding> {
        if !self.rules.allow_unknown_critical_extensions {
            if let Some(oid) = cert.unknown_critical_extensions().first() {
                return Some(
                    Finding::error(
                        FindingCode::UnknownCriticalExtension,
                        format!(
                            "certificate {index} ({}) has the critical extension {oid}, which certpin does not recognise: RFC 5280 section 4.2 requires rejecting it (allowUnknownCriticalExtensions: true accepts it)",
                            cert.facts().subject
                        ),
                    )
                    .at(index),
                );
            }
        }
        if cert.key_cert_sign_without_ca() {
            return Some(
                Finding::error(
                    FindingCode::IssuerNotCa,
                    format!(
                        "certificate {index} ({}) asserts keyCertSign in its key usage without the CA basic constraint, which RFC 5280 section 4.2.1.9 forbids",
                        cert.facts().subject
                    ),
                )
                .at(index),
            );
        }
        let key = cert.key();
        if matches!(key.algorithm.as_str(), "RSA" | "RSA-PSS") {
            if let Some(bits) = key.size_bits.filter(|b| *b < self.rules.min_rsa_bits) {
                return Some(
                    Finding::error(
                        FindingCode::RsaKeyTooSmall,
                        format!(
                            "certificate {index} ({}) has a {bits}-bit RSA key, under the {} bits required (minRsaBits lowers it, to 1024 at least)",
                            cert.facts().subject, self.rules.min_rsa_bits
                        ),
                    )
                    .at(index),
                );
            }
        }
        None
    }

    /// Extends `path` (whose last element is the current certificate) to a complete
    /// path; on failure `path` is as it was. `must_end`: the current certificate was
    /// linked as the anchor only (not a CA, or its pathLen exceeded): the path must end
    /// at it.
    fn extend(&mut self, path: &mut Vec<usize>, must_end: bool) -> Result<End, Stop> {
        let Some(&current) = path.last() else {
            return Err(Stop::DeadEnd { at: 0 });
        };
        // A certificate linked as the anchor only is not a verified prefix to report.
        if !must_end && path.len() > self.best.len() {
            self.best = path.clone();
        }
        let Some(cert) = self.certs.get(current) else {
            return Err(Stop::DeadEnd { at: current });
        };
        let accepted = |b: &Self, p: &[usize]| b.goal.is_none_or(|g| (g.accept)(p));
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
            return if accepted(self, path) {
                Ok(End::SelfSigned)
            } else {
                Err(Stop::DeadEnd { at: current })
            };
        }
        if candidates.is_empty() {
            // The top's signature is checked by whoever holds its issuer; SHA-1 there is
            // still a SHA-1 path, unless it is a self-issued root (whose self-signature
            // nobody relies on).
            let sha1 = matches!(SignatureAlgorithm::of_certificate(cert), Ok(a) if a.hash() == Some(SignatureHash::Sha1));
            if sha1 && !self.rules.allow_sha1 && !cert.is_self_issued() {
                self.rejections.push(
                    Finding::error(
                        FindingCode::Sha1SignatureRefused,
                        format!(
                            "certificate {current} ({}) is signed with SHA-1, which is refused (allowSha1: true accepts it)",
                            cert.facts().subject
                        ),
                    )
                    .at(current),
                );
                return Err(Stop::DeadEnd { at: current });
            }
            return if accepted(self, path) {
                Ok(End::IssuerNotServed)
            } else {
                Err(Stop::DeadEnd { at: current })
            };
        }
        if must_end {
            return Err(Stop::DeadEnd { at: current });
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
            if !self.budget.take_step() {
                return Err(Stop::Budget);
            }
            let Some(issuer) = self.certs.get(candidate) else {
                continue;
            };
            let pinned = self.goal.is_some_and(|g| (g.anchor)(candidate));
            if let Some(goal) = self.goal {
                if !pinned && !in_period(issuer, goal) {
                    self.rejections.push(
                        Finding::error(
                            FindingCode::CandidateOutOfPeriod,
                            format!(
                                "certificate {candidate} ({subject}) is named as the issuer of certificate {current} but is outside its validity period; another issuer was looked for",
                                subject = issuer.facts().subject
                            ),
                        )
                        .at(candidate),
                    );
                    continue;
                }
            }
            let mut constraint: Option<Finding> = None;
            if !issuer.can_sign_certificates() {
                constraint = Some(
                    Finding::error(
                        FindingCode::IssuerNotCa,
                        format!(
                            "certificate {candidate} ({subject}) is named as the issuer of certificate {current} but may not sign certificates (no CA basic constraint, or a key usage without keyCertSign); it is not linked",
                            subject = issuer.facts().subject
                        ),
                    )
                    .at(candidate),
                );
            } else if let Some(limit) = issuer.path_len_constraint() {
                if usize::try_from(limit).is_ok_and(|l| intermediates_below > l) {
                    constraint = Some(
                        Finding::error(
                            FindingCode::PathLenConstraintExceeded,
                            format!(
                                "certificate {candidate} ({subject}) allows {limit} intermediate(s) below it (pathLenConstraint) but the path has {intermediates_below}; it is not linked",
                                subject = issuer.facts().subject
                            ),
                        )
                        .at(candidate),
                    );
                }
            }
            if let Some(refusal) = self.refuse(candidate, issuer) {
                self.rejections.push(refusal);
                continue;
            }
            let algorithm = SignatureAlgorithm::of_certificate(cert);
            if !self.rules.allow_sha1
                && matches!(&algorithm, Ok(a) if a.hash() == Some(SignatureHash::Sha1))
            {
                self.rejections.push(
                    Finding::error(
                        FindingCode::Sha1SignatureRefused,
                        format!(
                            "certificate {current} ({}) is signed with SHA-1, which is refused (allowSha1: true accepts it); the link to certificate {candidate} is not taken",
                            cert.facts().subject
                        ),
                    )
                    .at(current),
                );
                continue;
            }
            match self.link(current, candidate)? {
                VerifyOutcome::Valid => {}
                VerifyOutcome::Invalid => {
                    self.rejections.push(
                        Finding::error(
                            FindingCode::LinkSignatureInvalid,
                            format!(
                                "the signature of certificate {current} ({}) does not verify with the key of certificate {candidate} ({subject}), which is named as its issuer; it is not linked",
                                cert.facts().subject,
                                subject = issuer.facts().subject
                            ),
                        )
                        .at(current),
                    );
                    continue;
                }
                VerifyOutcome::Unsupported(what) => {
                    self.rejections.push(
                        Finding::error(
                            FindingCode::SignatureAlgorithmUnsupported,
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
            let note = constraint.as_ref().map(|c| {
                let mut f = c.clone();
                f.severity = Severity::Info;
                f.code = FindingCode::AnchorConstraintsNotApplied;
                f.message = format!(
                    "certificate {candidate} ({subject}) is the top of the path and is used as its anchor (RFC 5280 section 6.1): its own CA bit, key usage and pathLenConstraint do not constrain the path",
                    subject = issuer.facts().subject
                );
                f
            });
            if pinned && accepted(self, path) {
                if let Some(note) = note {
                    self.anchor_note = Some((candidate, note));
                }
                return Ok(End::Anchor);
            }
            if pinned && self.goal.is_some_and(|g| !in_period(issuer, g)) {
                path.pop();
                continue;
            }
            match self.extend(path, constraint.is_some()) {
                Ok(end) => {
                    if let Some(note) = note {
                        self.anchor_note = Some((candidate, note));
                    }
                    return Ok(end);
                }
                Err(Stop::DeadEnd { .. }) => {
                    path.pop();
                    if let Some(c) = constraint {
                        self.rejections.push(c);
                    }
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

/// `issuer` is a candidate issuer of `child`: its subject matches `child`'s issuer name
/// (RFC 5280 section 7.1), and its subjectKeyIdentifier equals `child`'s
/// authorityKeyIdentifier when both are present.
fn names_issuer(issuer: &Certificate, child: &Certificate) -> bool {
    issuer.subject_names_issuer_of(child)
        && match (issuer.subject_key_id(), child.authority_key_id()) {
            (Some(ski), Some(aki)) => ski == aki,
            _ => true,
        }
}
