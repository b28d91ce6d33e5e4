//! Rotation plans (`certpin::plan`): lockout dates and steps for hand-made policies and
//! chains. Every expected date below is worked out by hand from the certificates'
//! validity and the update lag, in the comment beside it; none is read from the code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::RustCryptoVerifier;
use certpin::{plan, Certificate, HashAlgorithm, HostPlan, PlanOptions, Policy, UnixTime};
use common::*;

const HOST: &str = "www.example.com";

fn spki_pin(der: &[u8]) -> String {
    certs(&[&der.to_vec()])[0]
        .pin(HashAlgorithm::Sha256)
        .to_string()
}

/// A key with no certificate (a backup kept offline): the pin of a self-signed
/// certificate for it.
fn key_pin(name: &str) -> String {
    spki_pin(&Spec::leaf("spare", &["spare.example"]).self_signed(&key(name)))
}

/// root (2025-01-01..2035-01-01) -> inter (same) -> leaf valid `from`..`to` for HOST.
fn chain(from: (i32, u8, u8), to: (i32, u8, u8)) -> (Vec<Certificate>, String, String) {
    let p = pki();
    let leaf = Spec::leaf(HOST, &[HOST]).validity(from, to).signed_by(
        &key("leaf"),
        &p.inter_spec,
        &key("inter"),
    );
    let leaf_pin = spki_pin(&leaf);
    let inter_pin = spki_pin(&p.inter);
    (certs(&[&leaf, &p.inter, &p.root]), leaf_pin, inter_pin)
}

fn policy(entry: &str) -> Policy {
    Policy::from_json(&format!(r#"{{"version":1,"domains":[{entry}]}}"#)).unwrap()
}

fn plan_one(policy: &Policy, certs: Vec<Certificate>, lag: i64) -> HostPlan {
    let options = PlanOptions {
        now: UnixTime::from_seconds(NOW), // 2026-06-01T00:00:00Z
        update_lag_days: lag,
    };
    let mut p = plan(
        policy,
        &[(HOST.to_string(), certs)],
        &options,
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(p.now, "2026-06-01T00:00:00Z");
    p.hosts.remove(0)
}

fn actions(h: &HostPlan) -> Vec<(&str, &str, Option<&str>)> {
    h.steps
        .iter()
        .map(|s| (s.action, s.at.as_str(), s.by.as_deref()))
        .collect()
}

fn step<'a>(h: &'a HostPlan, action: &str) -> &'a certpin::Step {
    h.steps.iter().find(|s| s.action == action).unwrap()
}

#[test]
fn leaf_only_pin_without_backup_gets_a_staged_rotation() {
    let (certs, leaf, inter) = chain((2026, 1, 1), (2026, 12, 1));
    let p = policy(&format!(r#"{{"host":"{HOST}","pins":["{leaf}"]}}"#));
    let h = plan_one(&p, certs, 30);
    assert_eq!(h.status, "matched");
    // The only pinned key is the leaf's: it matches until the leaf's notAfter.
    assert_eq!(h.lockout_at.as_deref(), Some("2026-12-01T00:00:00Z"));
    // 2026-12-01 - 30 days = 2026-11-01 (November has 30 days).
    assert_eq!(h.act_by.as_deref(), Some("2026-11-01T00:00:00Z"));
    assert_eq!(h.pinned.len(), 1);
    assert_eq!(h.pinned[0].pin, leaf);
    assert_eq!(h.pinned[0].depth, 0);
    assert_eq!(codes(&h.findings), ["PLAN_NO_BACKUP"]);
    assert_eq!(
        actions(&h),
        [
            // now, by the act-by date
            (
                "add-issuer-pin",
                "2026-06-01T00:00:00Z",
                Some("2026-11-01T00:00:00Z")
            ),
            // by 2026-12-01 - 60 days = 2026-10-02
            (
                "add-candidate",
                "2026-06-01T00:00:00Z",
                Some("2026-10-02T00:00:00Z")
            ),
            // now + 30 days = 2026-07-01; by 2026-11-01
            (
                "promote",
                "2026-07-01T00:00:00Z",
                Some("2026-11-01T00:00:00Z")
            ),
            // now + 60 days = 2026-07-31; by the lockout
            (
                "deploy-chain",
                "2026-07-31T00:00:00Z",
                Some("2026-12-01T00:00:00Z")
            ),
            // deploy + 30 days = 2026-08-30
            ("remove-old", "2026-08-30T00:00:00Z", None),
        ]
    );
    let issuer = step(&h, "add-issuer-pin");
    assert!(issuer.detail.contains(&inter), "{}", issuer.detail);
    // Current + issuer is still no backup under RFC 7469: the linter says so.
    assert_eq!(codes(&issuer.lint), ["NO_BACKUP_PIN"]);
    // With only the candidate added, the entry still has one active pin, in the chain.
    let candidate = codes(&step(&h, "add-candidate").lint);
    assert!(candidate.contains(&"FEW_ACTIVE_PINS") && candidate.contains(&"NO_BACKUP_PIN"));
    // Promoted, the next key is a real backup; after the rotation the entry has the
    // next key and a fresh spare: both are clean.
    assert!(
        step(&h, "promote").lint.is_empty(),
        "{:?}",
        step(&h, "promote").lint
    );
    assert!(
        step(&h, "remove-old").lint.is_empty(),
        "{:?}",
        step(&h, "remove-old").lint
    );
}

#[test]
fn ca_pin_with_backup_lasts_until_the_ca_certificate_expires() {
    let (certs, _, inter) = chain((2026, 1, 1), (2026, 12, 1));
    let backup = key_pin("other");
    let p = policy(&format!(
        r#"{{"host":"{HOST}","pins":["{inter}","{backup}"]}}"#
    ));
    let h = plan_one(&p, certs, 30);
    // The intermediate (2025-01-01..2035-01-01) carries the pinned key.
    assert_eq!(h.lockout_at.as_deref(), Some("2035-01-01T00:00:00Z"));
    // 2035-01-01 - 30 days = 2034-12-02.
    assert_eq!(h.act_by.as_deref(), Some("2034-12-02T00:00:00Z"));
    assert!(h.findings.is_empty(), "{:?}", h.findings);
    assert_eq!(
        actions(&h),
        [
            (
                "deploy-chain",
                "2026-06-01T00:00:00Z",
                Some("2035-01-01T00:00:00Z")
            ),
            ("add-candidate", "2026-06-01T00:00:00Z", None),
            ("promote", "2026-07-01T00:00:00Z", None),
            ("remove-old", "2026-07-31T00:00:00Z", None),
        ]
    );
    assert!(step(&h, "deploy-chain").detail.contains(&backup));
    assert!(step(&h, "remove-old").lint.is_empty());
}

#[test]
fn an_entry_that_expires_first_fails_open_instead_of_locking_out() {
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 12, 1));
    let backup = key_pin("other");
    let p = policy(&format!(
        r#"{{"host":"{HOST}","pins":["{leaf}","{backup}"],"expires":"2026-09-01"}}"#
    ));
    let h = plan_one(&p, certs, 30);
    assert_eq!(h.lockout_at, None);
    assert_eq!(h.act_by, None);
    assert_eq!(h.expires.as_deref(), Some("2026-09-01T00:00:00Z"));
    assert!(codes(&h.findings).contains(&"PLAN_FAILS_OPEN_FIRST"));
    let renew = step(&h, "renew-expires");
    // 2026-09-01 - 30 days = 2026-08-02 (August has 31 days).
    assert_eq!(renew.by.as_deref(), Some("2026-08-02T00:00:00Z"));
}

#[test]
fn a_chain_that_fails_now_is_a_lockout_now() {
    let (certs, _, _) = chain((2026, 1, 1), (2026, 12, 1));
    let p = policy(&format!(
        r#"{{"host":"{HOST}","pins":["{}","{}"]}}"#,
        key_pin("other"),
        key_pin("rogue")
    ));
    let h = plan_one(&p, certs, 30);
    assert_eq!(h.status, "mismatch");
    assert_eq!(h.lockout_at.as_deref(), Some("2026-06-01T00:00:00Z"));
    assert_eq!(codes(&h.findings), ["PLAN_FAILING_NOW"]);
    assert_eq!(actions(&h)[0].0, "restore-service");
}

#[test]
fn too_little_time_to_stage_adds_the_next_key_as_active() {
    // Leaf until 2026-07-15: now + 60 days (2026-07-31) is too late to stage,
    // now + 30 days (2026-07-01) is not.
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 7, 15));
    let p = policy(&format!(r#"{{"host":"{HOST}","pins":["{leaf}"]}}"#));
    let h = plan_one(&p, certs, 30);
    let c = codes(&h.findings);
    assert!(
        c.contains(&"PLAN_LATE") && !c.contains(&"PLAN_LOCKOUT_UNAVOIDABLE"),
        "{c:?}"
    );
    let a = actions(&h);
    assert!(a.contains(&(
        "add-active",
        "2026-06-01T00:00:00Z",
        Some("2026-06-15T00:00:00Z")
    )));
    assert!(a.contains(&(
        "deploy-chain",
        "2026-07-01T00:00:00Z",
        Some("2026-07-15T00:00:00Z")
    )));
    assert!(!a.iter().any(|s| s.0 == "add-candidate"));
}

#[test]
fn an_update_lag_longer_than_the_time_left_is_an_unavoidable_lockout() {
    // Leaf until 2026-06-20: an update takes 30 days to reach clients (2026-07-01).
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 6, 20));
    let p = policy(&format!(r#"{{"host":"{HOST}","pins":["{leaf}"]}}"#));
    let h = plan_one(&p, certs, 30);
    assert_eq!(h.lockout_at.as_deref(), Some("2026-06-20T00:00:00Z"));
    assert!(codes(&h.findings).contains(&"PLAN_LOCKOUT_UNAVOIDABLE"));
}

#[test]
fn a_host_without_entry_cannot_be_locked_out() {
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 12, 1));
    let p = policy(&format!(
        r#"{{"host":"other.example.com","pins":["{leaf}"]}}"#
    ));
    let h = plan_one(&p, certs, 30);
    assert_eq!(h.status, "not-pinned");
    assert_eq!(h.domain, None);
    assert_eq!(h.lockout_at, None);
    assert!(h.steps.is_empty());
    assert_eq!(codes(&h.findings), ["PLAN_NOT_PINNED"]);
}

#[test]
fn report_mode_is_planned_but_locks_nobody_out() {
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 12, 1));
    let p = policy(&format!(
        r#"{{"host":"{HOST}","pins":["{leaf}"],"mode":"report","reportUri":"https://r.example/"}}"#
    ));
    let h = plan_one(&p, certs, 30);
    assert_eq!(h.lockout_at, None);
    assert!(codes(&h.findings).contains(&"PLAN_REPORT_ONLY"));
    assert!(h.steps.iter().any(|s| s.action == "deploy-chain"));
}

#[test]
fn bounds_are_errors() {
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 12, 1));
    let p = policy(&format!(r#"{{"host":"{HOST}","pins":["{leaf}"]}}"#));
    let at = |lag| PlanOptions {
        now: UnixTime::from_seconds(NOW),
        update_lag_days: lag,
    };
    let one = [(HOST.to_string(), certs.clone())];
    let e = plan(&p, &one, &at(3651), &RustCryptoVerifier).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    let many: Vec<_> = (0..65)
        .map(|i| (format!("h{i}.example.com"), certs.clone()))
        .collect();
    assert_eq!(
        plan(&p, &many, &at(30), &RustCryptoVerifier)
            .unwrap_err()
            .code(),
        "INVALID_ARGUMENT"
    );
    let bad = [("bad..name".to_string(), certs)];
    assert_eq!(
        plan(&p, &bad, &at(30), &RustCryptoVerifier)
            .unwrap_err()
            .code(),
        "INVALID_ARGUMENT"
    );
}

#[test]
fn missing_staple_or_log_list_is_not_a_pin_lockout() {
    // A plan is given no OCSP staple and no CT log list: entries that require them are
    // planned on their pins, with a finding saying what was not checked.
    let (certs, leaf, _) = chain((2026, 1, 1), (2026, 12, 1));
    for extra in [r#","ct":"enforce""#, r#","revocation":"require-staple""#] {
        let p = policy(&format!(r#"{{"host":"{HOST}","pins":["{leaf}"]{extra}}}"#));
        let h = plan_one(&p, certs.clone(), 30);
        assert_eq!(h.status, "matched", "{extra}");
        assert_eq!(
            h.lockout_at.as_deref(),
            Some("2026-12-01T00:00:00Z"),
            "{extra}"
        );
        assert!(
            codes(&h.findings).contains(&"PLAN_EVIDENCE_NOT_CHECKED"),
            "{extra}"
        );
        // Pins that do not match are still a lockout now, whatever else is missing.
        let other = policy(&format!(
            r#"{{"host":"{HOST}","pins":["{}"]{extra}}}"#,
            key_pin("other")
        ));
        let h = plan_one(&other, certs.clone(), 30);
        assert_eq!(h.status, "mismatch", "{extra}");
        assert_eq!(
            h.lockout_at.as_deref(),
            Some("2026-06-01T00:00:00Z"),
            "{extra}"
        );
    }
}
