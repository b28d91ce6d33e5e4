//! Rotation planning (`policy.plan`): for each host and the chain it serves now, the
//! lockout date and the ordered steps of a key rotation that never locks clients out.
//!
//! The lockout date is the first instant at which no active pin of the host's entry can
//! match a chain the host may still serve: each active pin found on the verified path
//! keeps matching until the certificate it was found on expires (a renewed leaf under a
//! pinned CA key still matches; a new leaf key does not), so the lockout is the latest
//! `notAfter` among the pinned path certificates. If the entry's `expires` comes first,
//! clients fail open then and nobody is locked out (the plan still says when to renew).
//! A check that fails now is a lockout now. A policy change reaches clients only after
//! `updateLagDays`, so every step that changes the policy is dated at least that long
//! before the step that relies on it (RFC 7671 section 8.1's "current + next" rollover;
//! RFC 7469 section 4.3 backup pins).
//!
//! Every step that changes the entry is linted (`crate::policy::lint`) on the entry as the step
//! leaves it; its findings travel with the step, so a plan never proposes a state the
//! linter would flag without saying so. Keys that do not exist yet ("the next key") are
//! stood in for by placeholder pins while linting and are named in words in the steps.

use crate::chain::path::pin_path_with;
use crate::check::verdict::Status;
use crate::check::{check_policy_parsed, pin_hits, CheckOptions};
use crate::error::{Error, Result};
use crate::finding::{Finding, FindingCode, Severity};
use crate::limits::{MAX_PLAN_HOSTS, MAX_UPDATE_LAG_DAYS};
use crate::names::host::normalize_hostname;
use crate::pin::{HashAlgorithm, Pin};
use crate::policy::{DomainEntry, Mode, PinEntry, PinPosition, PinState, Policy};
use crate::signature::verify::SignatureVerifier;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use serde::Serialize;

/// `updateLagDays` when the caller gives none: clients that refresh their policy at
/// least monthly.
pub const DEFAULT_UPDATE_LAG_DAYS: i64 = 30;

const DAY: i64 = 86_400;

/// What the plan is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    /// The instant of the plan.
    pub now: UnixTime,
    /// Days a policy update needs to reach the clients.
    pub update_lag_days: i64,
}

impl PlanOptions {
    /// A plan at `now` for updates that take `DEFAULT_UPDATE_LAG_DAYS` to arrive.
    pub fn at(now: UnixTime) -> PlanOptions {
        PlanOptions {
            now,
            update_lag_days: DEFAULT_UPDATE_LAG_DAYS,
        }
    }
}

/// `policy.plan(...)`'s result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub now: String,
    pub update_lag_days: i64,
    pub hosts: Vec<HostPlan>,
}

/// One host's plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostPlan {
    /// The host as given.
    pub host: String,
    /// The entry that applies (its host pattern), or null when the host is not pinned.
    pub domain: Option<String>,
    /// The status of checking the served chain now.
    pub status: &'static str,
    /// RFC 3339; null when nobody can be locked out (not pinned, report mode, or the
    /// entry fails open first).
    pub lockout_at: Option<String>,
    /// `lockoutAt` minus the update lag: the last instant a policy update still reaches
    /// every client in time.
    pub act_by: Option<String>,
    /// The entry's `expires`, RFC 3339.
    pub expires: Option<String>,
    /// The active pins found on the verified path, with the certificate each was found on.
    pub pinned: Vec<PinnedKey>,
    pub steps: Vec<Step>,
    pub findings: Vec<Finding>,
}

/// An active pin found on the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PinnedKey {
    pub pin: String,
    pub cert_index: usize,
    pub depth: usize,
    pub subject: String,
    pub not_after: String,
}

/// One step of a rotation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// RFC 3339: the earliest instant the step may be taken.
    pub at: String,
    /// RFC 3339: the latest instant it may be taken without locking clients out (or
    /// letting them fail open); null when nothing depends on it.
    pub by: Option<String>,
    /// Stable: `restore-service`, `fix-chain`, `add-issuer-pin`, `add-candidate`,
    /// `add-active`, `promote`, `deploy-chain`, `remove-old`, `renew-expires`.
    pub action: &'static str,
    pub detail: String,
    /// Lint findings (warnings and errors) of the entry as this step leaves it; empty for
    /// steps that do not change the policy, and for a clean entry.
    pub lint: Vec<Finding>,
}

/// Plans every `(host, chain)`: the chain is what the host serves now, leaf first.
pub fn plan(
    policy: &Policy,
    chains: &[(String, Vec<Certificate>)],
    options: &PlanOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<Plan> {
    if chains.len() > MAX_PLAN_HOSTS {
        return Err(Error::InvalidArgument {
            argument: "chains".into(),
            reason: format!(
                "{} hosts, over the limit of {MAX_PLAN_HOSTS} per plan: plan them in parts",
                chains.len()
            ),
        });
    }
    if !(0..=MAX_UPDATE_LAG_DAYS).contains(&options.update_lag_days) {
        return Err(Error::InvalidArgument {
            argument: "updateLagDays".into(),
            reason: format!("must be a whole number of days from 0 to {MAX_UPDATE_LAG_DAYS}"),
        });
    }
    let hosts = chains
        .iter()
        .map(|(host, certs)| plan_host(policy, host, certs, options, verifier))
        .collect::<Result<Vec<_>>>()?;
    Ok(Plan {
        now: options.now.to_rfc3339(),
        update_lag_days: options.update_lag_days,
        hosts,
    })
}

fn plan_host(
    policy: &Policy,
    host: &str,
    certs: &[Certificate],
    options: &PlanOptions,
    verifier: &dyn SignatureVerifier,
) -> Result<HostPlan> {
    let hostname = normalize_hostname(host)?;
    let check = CheckOptions::at_time(options.now).for_host(&hostname);
    let verdict = check_policy_parsed(
        policy,
        &hostname,
        certs,
        &[],
        &check,
        &mut |certs, rules| pin_path_with(certs, rules, verifier),
        verifier,
    )?;
    let mut out = HostPlan {
        host: host.to_string(),
        domain: verdict.domain.clone(),
        status: verdict.status.name(),
        lockout_at: None,
        act_by: None,
        expires: None,
        pinned: Vec::new(),
        steps: Vec::new(),
        findings: Vec::new(),
    };
    let Some((_, entry)) = policy.find(&hostname) else {
        out.findings.push(Finding::info(
            FindingCode::PlanNotPinned,
            format!("{host} is not pinned by the policy: nothing can lock clients out"),
        ));
        return Ok(out);
    };
    out.expires = entry.expires.map(UnixTime::to_rfc3339);
    let lag = options.update_lag_days.saturating_mul(DAY);
    let now = options.now.whole_seconds();
    let planner = Planner {
        entry,
        certs,
        now,
        lag,
        verifier,
    };

    // The path the check matched pins on (it may be the goal-directed second build).
    let path = verdict.verified_path.clone();
    let active = entry.active_pins();
    let hits = pin_hits(&active, certs, &path);
    for h in &hits {
        if let (Some(p), Some(c)) = (active.get(h.pin_index), certs.get(h.cert_index)) {
            out.pinned.push(PinnedKey {
                pin: p.pin.to_string(),
                cert_index: h.cert_index,
                depth: h.depth,
                subject: c.facts().subject.clone(),
                not_after: c.facts().not_after.to_rfc3339(),
            });
        }
    }

    if entry.mode == Mode::Report {
        out.findings.push(Finding::info(
            FindingCode::PlanReportOnly,
            format!("{} is in report mode: failures are reported, nobody is locked out; plan as below before switching it to enforce", entry.describe()),
        ));
    }
    // A plan is given no OCSP staple and no CT log list: a status that only says such
    // evidence is missing is not about the pins, which are judged on their own below.
    let evidence_only = matches!(verdict.status, Status::CertRevoked | Status::CtInsufficient);
    if evidence_only && !hits.is_empty() {
        out.status = "matched";
        out.findings.push(Finding::info(
            FindingCode::PlanEvidenceNotChecked,
            format!(
                "the check of {} also needs evidence a plan is not given (an OCSP staple or a CT log list: {}); the plan judges the pins only",
                out.host,
                verdict.status.name()
            ),
        ));
    } else if verdict.status.is_failure() {
        let status = if evidence_only {
            "mismatch"
        } else {
            verdict.status.name()
        };
        out.status = status;
        planner.failing_now(&mut out, status, &active);
        return Ok(out);
    } else if verdict.status != Status::Matched {
        // policy-expired: the entry no longer applies; a renewal is a new entry.
        out.steps.push(planner.step(
            (now, None),
            "renew-expires",
            format!("{} has expired and is not enforced: renew its pins and its expires together (lint it with the served chain first)", entry.describe()),
            None,
        ));
        return Ok(out);
    }

    // The instant each pinned key stops matching: the latest notAfter among the path
    // certificates an active pin was found on.
    let pinned_until = hits
        .iter()
        .filter_map(|h| certs.get(h.cert_index))
        .map(|c| c.facts().not_after)
        .max()
        .unwrap_or(now);
    let fails_open_first = entry.expires.is_some_and(|e| e <= pinned_until);
    if entry.mode == Mode::Enforce && !fails_open_first {
        out.lockout_at = Some(pinned_until.to_rfc3339());
        out.act_by = Some(pinned_until.minus_seconds(lag).to_rfc3339());
    }
    if let Some(expires) = entry.expires.filter(|_| fails_open_first) {
        out.findings.push(Finding::info(
            FindingCode::PlanFailsOpenFirst,
            format!(
                "{} expires at {} before its pinned keys stop matching ({}): clients fail open then; do not extend expires past {} without the rotation below",
                entry.describe(),
                expires.to_rfc3339(),
                pinned_until.to_rfc3339(),
                pinned_until.to_rfc3339()
            ),
        ));
        out.steps.push(planner.step(
            (now, Some(expires.minus_seconds(lag))),
            "renew-expires",
            format!(
                "renew the entry's expires (now {}) so clients do not fail open; keep it before {} unless the rotation below is done",
                expires.to_rfc3339(),
                pinned_until.to_rfc3339()
            ),
            None,
        ));
    }
    planner.rotation(&mut out, &active, &hits, &path, pinned_until);
    Ok(out)
}

struct Planner<'a> {
    verifier: &'a dyn SignatureVerifier,
    entry: &'a DomainEntry,
    certs: &'a [Certificate],
    /// A whole second.
    now: UnixTime,
    /// Seconds.
    lag: i64,
}

impl Planner<'_> {
    /// A step; `pins` is the entry's pin list as the step leaves it (linted), or None for
    /// a step that does not change the policy.
    fn step(
        &self,
        (at, by): (UnixTime, Option<UnixTime>),
        action: &'static str,
        detail: String,
        pins: Option<(&[PinEntry], Option<&[Certificate]>)>,
    ) -> Step {
        let lint = match pins {
            None => Vec::new(),
            Some((pins, chain)) => self.lint_with(pins, at, chain),
        };
        Step {
            at: at.to_rfc3339(),
            by: by.map(UnixTime::to_rfc3339),
            action,
            detail,
            lint,
        }
    }

    /// Lint findings (errors and warnings) of the entry with `pins`, at `at`.
    fn lint_with(
        &self,
        pins: &[PinEntry],
        at: UnixTime,
        chain: Option<&[Certificate]>,
    ) -> Vec<Finding> {
        let mut entry = self.entry.clone();
        entry.pins = pins.to_vec();
        match Policy::new(vec![entry]) {
            Ok(one) => crate::policy::lint::lint(&one, at, chain, self.verifier)
                .into_iter()
                .filter(|f| f.severity != Severity::Info)
                .collect(),
            Err(error) => vec![Finding::error(
                FindingCode::PolicyInvalid,
                error.to_string(),
            )],
        }
    }

    fn failing_now(&self, out: &mut HostPlan, status: &str, active: &[PinEntry]) {
        out.lockout_at = (self.entry.mode == Mode::Enforce).then(|| self.now.to_rfc3339());
        out.act_by = out.lockout_at.clone();
        let list = active
            .iter()
            .map(|p| p.pin.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        out.findings.push(Finding::error(
            FindingCode::PlanFailingNow,
            format!(
                "the chain served for {} fails the policy now ({status}): clients of {} are locked out already",
                out.host,
                self.entry.describe()
            ),
        ));
        if status == "mismatch" || status == "revoked" {
            let leaf_pin = self
                .certs
                .first()
                .map(|c| c.pin(HashAlgorithm::Sha256).to_string())
                .unwrap_or_default();
            out.steps.push(self.step(
                (self.now, Some(self.now)),
                "restore-service",
                format!("serve a chain whose verified path carries an active pin ({list}); only after confirming the served chain is genuine (not an interception), ship a policy that adds its key {leaf_pin} instead"),
                None,
            ));
        } else {
            out.steps.push(self.step(
                (self.now, Some(self.now)),
                "fix-chain",
                format!("the served chain itself is wrong ({status}): fix it before any pin change; pins cannot help"),
                None,
            ));
        }
    }

    /// The rotation of the latest-expiring pinned key, and the "current + issuer" option
    /// when only leaf keys are pinned.
    fn rotation(
        &self,
        out: &mut HostPlan,
        active: &[PinEntry],
        hits: &[crate::check::PinHit],
        path: &[usize],
        pinned_until: UnixTime,
    ) {
        let served: Vec<Pin> = self
            .certs
            .iter()
            .map(|c| c.pin(HashAlgorithm::Sha256))
            .collect();
        let backups: Vec<&PinEntry> = active
            .iter()
            .filter(|p| !self.certs.iter().any(|c| c.pin(p.pin.algorithm()) == p.pin))
            .collect();
        let leaf_only = hits.iter().all(|h| h.depth == 0);
        let mut pins: Vec<PinEntry> = self.entry.pins.clone();

        // Current + issuer (RFC 7671 section 8.1: 3 1 1 + 2 1 1): renewals under the same
        // CA need no policy update.
        if leaf_only {
            if let Some(issuer) = path.get(1).and_then(|i| self.certs.get(*i)) {
                let issuer_pin = issuer.pin(HashAlgorithm::Sha256);
                if !pins.iter().any(|p| p.pin == issuer_pin) {
                    let mut with_issuer = pins.clone();
                    with_issuer.push(PinEntry {
                        pin: issuer_pin.clone(),
                        state: PinState::Active,
                        position: PinPosition::Ca,
                    });
                    out.steps.push(self.step(
                        (self.now, Some(pinned_until.minus_seconds(self.lag))),
                        "add-issuer-pin",
                        format!(
                            "option (current + issuer): add the issuing CA's key {issuer_pin} ({}) as an active pin with position \"ca\": certificates renewed under that CA keep matching without a policy update, until {}",
                            issuer.facts().subject,
                            issuer.facts().not_after.to_rfc3339()
                        ),
                        Some((&with_issuer, Some(self.certs))),
                    ));
                }
            }
        }

        let rotating: Vec<&PinEntry> = active.iter().filter(|p| served.contains(&p.pin)).collect();
        let rotating_list = rotating
            .iter()
            .map(|p| p.pin.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let next_key = placeholder("next key");
        let spare_key = placeholder("spare key");
        let deadline = pinned_until;

        if let Some(backup) = backups.first() {
            // The backup key is already trusted: deploy it, then make a new spare.
            let deploy_at = self.now;
            out.steps.push(self.step(
                (deploy_at, Some(deadline)),
                "deploy-chain",
                format!(
                    "before {}, deploy a certificate for the backup key {} (its private key is the one kept offline): every client already accepts it",
                    deadline.to_rfc3339(),
                    backup.pin
                ),
                None,
            ));
            let mut with_spare = pins.clone();
            with_spare.push(PinEntry {
                pin: spare_key.clone(),
                state: PinState::Candidate,
                position: PinPosition::Any,
            });
            out.steps.push(self.step(
                (deploy_at, None),
                "add-candidate",
                "generate a new spare key offline (certpin keygen, or openssl genpkey) and add its pin as a candidate: it becomes the next backup".into(),
                Some((&with_spare, None)),
            ));
            promote(&mut with_spare, &spare_key);
            out.steps.push(self.step(
                (deploy_at.plus_seconds(self.lag), None),
                "promote",
                format!(
                    "promote the new spare key to active (clients need {} days to receive it)",
                    self.lag / DAY
                ),
                Some((&with_spare, None)),
            ));
            with_spare.retain(|p| !rotating.iter().any(|r| r.pin == p.pin));
            out.steps.push(self.step(
                (deploy_at.plus_seconds(self.lag.saturating_mul(2)), None),
                "remove-old",
                format!("once no server serves them, remove the old keys ({rotating_list}); mark one \"revoked\" instead if its private key may be compromised"),
                Some((&with_spare, None)),
            ));
            return;
        }

        out.findings.push(Finding::warning(
            FindingCode::PlanNoBackup,
            format!(
                "every active pin of {} is a key of the served chain: a key change needs a policy update first",
                self.entry.describe()
            ),
        ));
        // Current + next, staged: candidate, then active, then the new chain.
        let staged_deploy = self.now.plus_seconds(self.lag.saturating_mul(2));
        let direct_deploy = self.now.plus_seconds(self.lag);
        let (deploy_at, staged) = if staged_deploy <= deadline {
            (staged_deploy, true)
        } else {
            (direct_deploy, false)
        };
        if staged {
            pins.push(PinEntry {
                pin: next_key.clone(),
                state: PinState::Candidate,
                position: PinPosition::Any,
            });
            out.steps.push(self.step(
                (self.now, Some(deadline.minus_seconds(self.lag.saturating_mul(2)))),
                "add-candidate",
                "generate the next key offline (certpin keygen, or openssl genpkey) and add its pin as a candidate: reports show where it would match, nothing changes for clients".into(),
                Some((&pins, Some(self.certs))),
            ));
            promote(&mut pins, &next_key);
            out.steps.push(self.step(
                (self.now.plus_seconds(self.lag), Some(deadline.minus_seconds(self.lag))),
                "promote",
                format!(
                    "promote the next key to active, no later than {}: clients need {} days to receive it before the new chain is served",
                    deadline.minus_seconds(self.lag).to_rfc3339(),
                    self.lag / DAY
                ),
                Some((&pins, Some(self.certs))),
            ));
        } else {
            out.findings.push(Finding::warning(
                FindingCode::PlanLate,
                format!(
                    "there is no time left to stage the next key as a candidate ({} days of update lag twice before {}): add it as active now",
                    self.lag / DAY,
                    deadline.to_rfc3339()
                ),
            ));
            pins.push(PinEntry {
                pin: next_key.clone(),
                state: PinState::Active,
                position: PinPosition::Any,
            });
            out.steps.push(self.step(
                (self.now, Some(deadline.minus_seconds(self.lag))),
                "add-active",
                "generate the next key offline and add its pin as an active pin now".into(),
                Some((&pins, Some(self.certs))),
            ));
        }
        if deploy_at > deadline {
            out.findings.push(Finding::error(
                FindingCode::PlanLockoutUnavoidable,
                format!(
                    "a policy update needs {} days to reach clients but the pinned keys stop matching at {}: clients that do not update in time will be locked out; serve a chain with a pinned key (renew under the pinned CA, or reuse the pinned key) to buy time",
                    self.lag / DAY,
                    deadline.to_rfc3339()
                ),
            ));
        }
        out.steps.push(self.step(
            (deploy_at, Some(deadline)),
            "deploy-chain",
            format!(
                "deploy the certificate for the next key, before {}",
                deadline.to_rfc3339()
            ),
            None,
        ));
        pins.retain(|p| !rotating.iter().any(|r| r.pin == p.pin));
        pins.push(PinEntry {
            pin: spare_key.clone(),
            state: PinState::Active,
            position: PinPosition::Any,
        });
        out.steps.push(self.step(
            (deploy_at.plus_seconds(self.lag), None),
            "remove-old",
            format!("once no server serves them, remove the old keys ({rotating_list}) and add a fresh spare key as a backup pin, so the next rotation needs no staging"),
            Some((&pins, None)),
        ));
    }
}

fn promote(pins: &mut [PinEntry], pin: &Pin) {
    for p in pins.iter_mut().filter(|p| &p.pin == pin) {
        p.state = PinState::Active;
    }
}

/// A pin standing in for a key that does not exist yet, for linting a planned entry:
/// the SHA-256 of a label, so it equals no real key's pin in practice.
fn placeholder(label: &str) -> Pin {
    Pin::of_spki(
        HashAlgorithm::Sha256,
        format!("certpin plan placeholder: {label}").as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_differ() {
        assert_ne!(placeholder("next key"), placeholder("spare key"));
    }
}
