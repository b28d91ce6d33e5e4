//! Findings: non-fatal observations about a chain or a policy, each with a stable code.
//! They are results, never errors (x509-parser's `validate_to_vec` keeps warnings
//! apart from errors the same way).

use core::fmt;
use serde::Serialize;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One observation (the JS `Finding`). `code` serialises as its stable text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_index: Option<usize>,
}

impl Finding {
    pub fn new(code: FindingCode, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            cert_index: None,
        }
    }
    pub fn error(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(code, Severity::Error, message)
    }
    pub fn warning(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(code, Severity::Warning, message)
    }
    pub fn info(code: FindingCode, message: impl Into<String>) -> Finding {
        Finding::new(code, Severity::Info, message)
    }
    /// The same finding, about the certificate at input index `index`.
    pub fn at(mut self, index: usize) -> Finding {
        self.cert_index = Some(index);
        self
    }
}

/// Every finding code, in one place. The text ([`FindingCode::as_str`]) is public API:
/// stable SCREAMING_SNAKE_CASE, never renamed. Grouped by what reports it; a code some
/// other step also reports (`NO_CHAIN`, `PIN_MISMATCH`...) is listed once, with the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingCode {
    // ---- A pin check (`check_policy`, `check_pins`) ----
    /// No certificate was given.
    NoChain,
    /// No policy entry covers the hostname: pinning does not apply.
    NotPinned,
    /// The entry's pins expired: pinning is skipped (fail open).
    PolicyExpired,
    /// The served certificates form no signature-verified path from the leaf.
    InvalidChain,
    /// The leaf does not cover the hostname; the message lists the names it covers.
    HostnameMismatch,
    /// A path certificate's notAfter is in the past.
    CertExpired,
    /// A served certificate has a key the entry marks revoked.
    PinRevoked,
    /// None of the expected pins matches a certificate on the verified path.
    PinMismatch,
    /// A candidate pin matches a certificate of the path (it does not decide).
    CandidatePinMatched,
    /// A candidate pin matches no certificate of the path (it does not decide).
    CandidatePinUnmatched,
    /// The entry is in report mode: a failure is reported, the connection is not refused.
    ReportOnly,
    /// A PEM block that is not a certificate (a private key, parameters) was skipped; the
    /// finding never quotes the block.
    PemBlockSkipped,
    /// An entry with `"ct"` and SCTs that do not meet the CT policy.
    CtInsufficient,
    /// An entry with `"ct"` checked without a log list.
    CtLogListMissing,
    // ---- Path building ----
    /// A served certificate is not on the verified path: its pin never matches.
    CertNotOnPath,
    /// A served issuer candidate's key does not verify the certificate's signature.
    LinkSignatureInvalid,
    /// A link's signature algorithm or key is one certpin does not verify.
    SignatureAlgorithmUnsupported,
    /// A served issuer candidate is not a CA (no cA bit, or keyUsage without keyCertSign).
    IssuerNotCa,
    /// A served issuer candidate's pathLenConstraint forbids the intermediates below it.
    PathLenConstraintExceeded,
    /// Served issuers exist for a certificate, but none could be linked: invalid chain.
    NoVerifiedIssuer,
    /// The path would be longer than `MAX_PATH_LENGTH` certificates.
    PathTooLong,
    /// Building the path needed more work than the budget allows.
    PathBudgetExceeded,
    /// A link is signed with SHA-1 (refused unless `allowSha1`).
    Sha1SignatureRefused,
    /// A path certificate has an RSA key under the minimum (`minRsaBits`, default 2048).
    RsaKeyTooSmall,
    /// A path certificate has a critical extension certpin does not recognise.
    UnknownCriticalExtension,
    /// The top of the path is not a CA or its pathLen is exceeded: as the anchor, its own
    /// constraints were not applied (RFC 5280 section 6.1).
    AnchorConstraintsNotApplied,
    /// An issuer candidate was passed over because it is outside its validity period.
    CandidateOutOfPeriod,
    // ---- Hostname verification ----
    /// The hostname given is not a valid DNS name or IP address.
    HostnameInvalid,
    /// The leaf has no subjectAltName: its subject CN was used (deprecated).
    HostnameCommonNameFallback,
    // ---- Validity periods ----
    /// A path certificate's notBefore is in the future.
    CertNotYetValid,
    /// The client clock is probably wrong (the leaf starts within a day, or every
    /// certificate is out of its period while they share a common one).
    ClockProbablyWrong,
    /// A path certificate expires within `EXPIRY_WARNING_SECONDS`.
    CertExpiresSoon,
    // ---- Troubleshooting (`diagnose`) ----
    /// The served order differs from the verified path order; the message gives it.
    ChainOutOfOrder,
    /// The server sent the leaf only, and the leaf is not self-signed.
    MissingIntermediate,
    /// The path ends at a CA whose issuer was not served (normally a root the client has in
    /// its store).
    ChainEndsBelowRoot,
    /// The same certificate was served more than once.
    DuplicateCertificate,
    /// An expected pin matches a served certificate that is not on the verified path.
    PinOnUnverifiedCert,
    /// An expected pin matches a certificate on the verified path.
    PinMatched,
    /// An RSA key shorter than 2048 bits.
    WeakKey,
    /// A certificate signed with SHA-1.
    Sha1Signature,
    /// The leaf is a CA certificate.
    LeafIsCa,
    /// The leaf has no subjectAltName extension.
    NoSubjectAltName,
    /// The verified path is unusually long.
    LongPath,
    // ---- Policy lint ----
    /// An entry has fewer than two active pins.
    FewActivePins,
    /// No active pin of an entry matches the verified path of the given chain.
    NoPinMatchesChain,
    /// Every active pin of an entry is a key of the given chain: there is no backup pin
    /// (RFC 7469 section 4.3).
    NoBackupPin,
    /// The same pin appears twice in an entry.
    DuplicatePin,
    /// An entry's `expires` is in the past.
    EntryExpired,
    /// An entry's `expires` is near.
    EntryExpiringSoon,
    /// A host pattern covers a whole public suffix.
    PublicSuffixPattern,
    /// An entry is never used: a more specific one decides for every host it covers.
    ShadowedEntry,
    /// The active pins of an entry match only the leaf of the given chain.
    LeafOnlyPins,
    /// An entry in report mode has no report URI.
    ReportWithoutUri,
    /// A candidate pin outlives the entry's `expires`.
    CandidatePastExpiry,
    // ---- Certificate Transparency ----
    /// An SCT does not count towards the CT policy; the message says why.
    SctNotCounted,
    /// The leaf's SCT list cannot be read.
    SctListMalformed,
    /// The leaf embeds no SCTs.
    NoScts,
    /// No served certificate verifies the leaf's signature, so its SCTs cannot be checked.
    CtNoVerifiedIssuer,
    /// The counted SCTs come from fewer logs than the CT policy requires.
    CtTooFewLogs,
    /// The counted SCTs come from fewer than two log operators.
    CtTooFewOperators,
    /// None of the counted SCTs is from a log that is usable now.
    CtNoCurrentLog,
    /// The log list is too old to enforce CT with.
    CtLogListStale,
    /// The leaf's SCTs meet the CT policy.
    CtCompliant,
    /// A certificate embeds SCTs (listed by `diagnose`, verified by `verifyScts`).
    EmbeddedScts,
    // ---- Revocation ----
    /// Evidence says a certificate of the path is revoked (status `cert-revoked`).
    CertRevoked,
    /// A staple was required (entry or must-staple leaf) and none was given.
    OcspStapleMissing,
    /// The staple does not verify, is stale, or does not cover the leaf.
    OcspStapleInvalid,
    /// The responder does not know the leaf.
    OcspStatusUnknown,
    /// The staple verified: the leaf is good.
    OcspGood,
    /// Revocation is off for the entry: a staple was not looked at.
    OcspStapleIgnored,
    /// Revocation is checked but no staple came: nothing was checked.
    RevocationUnchecked,
    /// A certificate names OCSP responders (AIA id-ad-ocsp).
    OcspResponder,
    /// A certificate names CRL distribution points.
    CrlDistributionPoint,
    /// A certificate names CRLs but no OCSP responder (a CRL-only CA, as Let's Encrypt
    /// since 2025).
    NoOcsp,
    /// The leaf carries the TLS feature status_request (must-staple, RFC 7633).
    MustStaple,
    // ---- Imports (`crate::interop`) ----
    /// An element, attribute or key with no certpin equivalent, not imported.
    ImportUnsupported,
    /// Trust anchors (`<trust-anchors>`, `kTSKAdditionalTrustAnchors`): certpin does not
    /// choose which CAs are trusted; the TLS stack does.
    ImportTrustAnchors,
    /// The foreign config skipped pinning for some chains (Android `overridePins="true"`,
    /// TrustKit `kTSKIgnorePinningForUserDefinedTrustAnchors`); certpin enforces the pins
    /// for every chain.
    ImportPinOverride,
    /// `cleartextTrafficPermitted`: certpin pins TLS connections only.
    ImportCleartext,
    /// `<debug-overrides>`: applies to debuggable Android builds only; not imported.
    ImportDebugOverrides,
    /// Names the foreign config lists without pins: not pinned in the policy either.
    ImportNotPinned,
    /// A SHA-1 pin (OkHttp `sha1/`): certpin pins SHA-256 or longer; not imported.
    ImportSha1Pin,
    /// OkHttp accepts the pins of every matching pattern: a narrower entry got the pins of
    /// the broader patterns that cover all its names.
    ImportPinsMerged,
    /// OkHttp patterns that share some names but neither covers the other: for the shared
    /// names certpin uses the narrower entry's pins only (stricter than OkHttp).
    ImportPatternOverlap,
    /// TrustKit refuses a domain with fewer than two pins (no backup pin).
    ImportTooFewPins,
    /// TrustKit refuses includeSubdomains on a public suffix.
    ImportPublicSuffix,
    /// Report URIs certpin cannot carry (a second URI, TrustKit's default report URI).
    ImportReportUri,
    /// TrustKit `kTSKExcludeSubdomainFromParentPolicy`: certpin cannot unpin a name below a
    /// pinned parent; the name keeps the parent's pins.
    ImportSubdomainNotExcluded,
    // ---- Rotation plans (`plan`) ----
    /// No policy entry pins the host.
    PlanNotPinned,
    /// The entry is in report mode: a mistake reports, it does not lock clients out.
    PlanReportOnly,
    /// The chain served now fails the policy: clients are locked out already.
    PlanFailingNow,
    /// Every active pin is a key of the served chain: a key change needs a policy update
    /// first.
    PlanNoBackup,
    /// There is no time left to stage the next key as a candidate.
    PlanLate,
    /// A policy update cannot reach clients before the pinned keys stop matching.
    PlanLockoutUnavoidable,
    /// The entry expires (fails open) before the pinned keys stop matching.
    PlanFailsOpenFirst,
    /// The check also needs evidence a plan is not given (an OCSP staple, a CT log list).
    PlanEvidenceNotChecked,
    /// A step's entry is not a valid policy.
    PolicyInvalid,
}

impl FindingCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [FindingCode] = &[
        FindingCode::NoChain,
        FindingCode::NotPinned,
        FindingCode::PolicyExpired,
        FindingCode::InvalidChain,
        FindingCode::HostnameMismatch,
        FindingCode::CertExpired,
        FindingCode::PinRevoked,
        FindingCode::PinMismatch,
        FindingCode::CandidatePinMatched,
        FindingCode::CandidatePinUnmatched,
        FindingCode::ReportOnly,
        FindingCode::PemBlockSkipped,
        FindingCode::CtInsufficient,
        FindingCode::CtLogListMissing,
        FindingCode::CertNotOnPath,
        FindingCode::LinkSignatureInvalid,
        FindingCode::SignatureAlgorithmUnsupported,
        FindingCode::IssuerNotCa,
        FindingCode::PathLenConstraintExceeded,
        FindingCode::NoVerifiedIssuer,
        FindingCode::PathTooLong,
        FindingCode::PathBudgetExceeded,
        FindingCode::Sha1SignatureRefused,
        FindingCode::RsaKeyTooSmall,
        FindingCode::UnknownCriticalExtension,
        FindingCode::AnchorConstraintsNotApplied,
        FindingCode::CandidateOutOfPeriod,
        FindingCode::HostnameInvalid,
        FindingCode::HostnameCommonNameFallback,
        FindingCode::CertNotYetValid,
        FindingCode::ClockProbablyWrong,
        FindingCode::CertExpiresSoon,
        FindingCode::ChainOutOfOrder,
        FindingCode::MissingIntermediate,
        FindingCode::ChainEndsBelowRoot,
        FindingCode::DuplicateCertificate,
        FindingCode::PinOnUnverifiedCert,
        FindingCode::PinMatched,
        FindingCode::WeakKey,
        FindingCode::Sha1Signature,
        FindingCode::LeafIsCa,
        FindingCode::NoSubjectAltName,
        FindingCode::LongPath,
        FindingCode::FewActivePins,
        FindingCode::NoPinMatchesChain,
        FindingCode::NoBackupPin,
        FindingCode::DuplicatePin,
        FindingCode::EntryExpired,
        FindingCode::EntryExpiringSoon,
        FindingCode::PublicSuffixPattern,
        FindingCode::ShadowedEntry,
        FindingCode::LeafOnlyPins,
        FindingCode::ReportWithoutUri,
        FindingCode::CandidatePastExpiry,
        FindingCode::SctNotCounted,
        FindingCode::SctListMalformed,
        FindingCode::NoScts,
        FindingCode::CtNoVerifiedIssuer,
        FindingCode::CtTooFewLogs,
        FindingCode::CtTooFewOperators,
        FindingCode::CtNoCurrentLog,
        FindingCode::CtLogListStale,
        FindingCode::CtCompliant,
        FindingCode::EmbeddedScts,
        FindingCode::CertRevoked,
        FindingCode::OcspStapleMissing,
        FindingCode::OcspStapleInvalid,
        FindingCode::OcspStatusUnknown,
        FindingCode::OcspGood,
        FindingCode::OcspStapleIgnored,
        FindingCode::RevocationUnchecked,
        FindingCode::OcspResponder,
        FindingCode::CrlDistributionPoint,
        FindingCode::NoOcsp,
        FindingCode::MustStaple,
        FindingCode::ImportUnsupported,
        FindingCode::ImportTrustAnchors,
        FindingCode::ImportPinOverride,
        FindingCode::ImportCleartext,
        FindingCode::ImportDebugOverrides,
        FindingCode::ImportNotPinned,
        FindingCode::ImportSha1Pin,
        FindingCode::ImportPinsMerged,
        FindingCode::ImportPatternOverlap,
        FindingCode::ImportTooFewPins,
        FindingCode::ImportPublicSuffix,
        FindingCode::ImportReportUri,
        FindingCode::ImportSubdomainNotExcluded,
        FindingCode::PlanNotPinned,
        FindingCode::PlanReportOnly,
        FindingCode::PlanFailingNow,
        FindingCode::PlanNoBackup,
        FindingCode::PlanLate,
        FindingCode::PlanLockoutUnavoidable,
        FindingCode::PlanFailsOpenFirst,
        FindingCode::PlanEvidenceNotChecked,
        FindingCode::PolicyInvalid,
    ];

    /// The code's text, as JS sees it in `Finding.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::NoChain => "NO_CHAIN",
            FindingCode::NotPinned => "NOT_PINNED",
            FindingCode::PolicyExpired => "POLICY_EXPIRED",
            FindingCode::InvalidChain => "INVALID_CHAIN",
            FindingCode::HostnameMismatch => "HOSTNAME_MISMATCH",
            FindingCode::CertExpired => "CERT_EXPIRED",
            FindingCode::PinRevoked => "PIN_REVOKED",
            FindingCode::PinMismatch => "PIN_MISMATCH",
            FindingCode::CandidatePinMatched => "CANDIDATE_PIN_MATCHED",
            FindingCode::CandidatePinUnmatched => "CANDIDATE_PIN_UNMATCHED",
            FindingCode::ReportOnly => "REPORT_ONLY",
            FindingCode::PemBlockSkipped => "PEM_BLOCK_SKIPPED",
            FindingCode::CtInsufficient => "CT_INSUFFICIENT",
            FindingCode::CtLogListMissing => "CT_LOG_LIST_MISSING",
            FindingCode::CertNotOnPath => "CERT_NOT_ON_PATH",
            FindingCode::LinkSignatureInvalid => "LINK_SIGNATURE_INVALID",
            FindingCode::SignatureAlgorithmUnsupported => "SIGNATURE_ALGORITHM_UNSUPPORTED",
            FindingCode::IssuerNotCa => "ISSUER_NOT_CA",
            FindingCode::PathLenConstraintExceeded => "PATH_LEN_CONSTRAINT_EXCEEDED",
            FindingCode::NoVerifiedIssuer => "NO_VERIFIED_ISSUER",
            FindingCode::PathTooLong => "PATH_TOO_LONG",
            FindingCode::PathBudgetExceeded => "PATH_BUDGET_EXCEEDED",
            FindingCode::Sha1SignatureRefused => "SHA1_SIGNATURE_REFUSED",
            FindingCode::RsaKeyTooSmall => "RSA_KEY_TOO_SMALL",
            FindingCode::UnknownCriticalExtension => "UNKNOWN_CRITICAL_EXTENSION",
            FindingCode::AnchorConstraintsNotApplied => "ANCHOR_CONSTRAINTS_NOT_APPLIED",
            FindingCode::CandidateOutOfPeriod => "CANDIDATE_OUT_OF_PERIOD",
            FindingCode::HostnameInvalid => "HOSTNAME_INVALID",
            FindingCode::HostnameCommonNameFallback => "HOSTNAME_COMMON_NAME_FALLBACK",
            FindingCode::CertNotYetValid => "CERT_NOT_YET_VALID",
            FindingCode::ClockProbablyWrong => "CLOCK_PROBABLY_WRONG",
            FindingCode::CertExpiresSoon => "CERT_EXPIRES_SOON",
            FindingCode::ChainOutOfOrder => "CHAIN_OUT_OF_ORDER",
            FindingCode::MissingIntermediate => "MISSING_INTERMEDIATE",
            FindingCode::ChainEndsBelowRoot => "CHAIN_ENDS_BELOW_ROOT",
            FindingCode::DuplicateCertificate => "DUPLICATE_CERTIFICATE",
            FindingCode::PinOnUnverifiedCert => "PIN_ON_UNVERIFIED_CERT",
            FindingCode::PinMatched => "PIN_MATCHED",
            FindingCode::WeakKey => "WEAK_KEY",
            FindingCode::Sha1Signature => "SHA1_SIGNATURE",
            FindingCode::LeafIsCa => "LEAF_IS_CA",
            FindingCode::NoSubjectAltName => "NO_SUBJECT_ALT_NAME",
            FindingCode::LongPath => "LONG_PATH",
            FindingCode::FewActivePins => "FEW_ACTIVE_PINS",
            FindingCode::NoPinMatchesChain => "NO_PIN_MATCHES_CHAIN",
            FindingCode::NoBackupPin => "NO_BACKUP_PIN",
            FindingCode::DuplicatePin => "DUPLICATE_PIN",
            FindingCode::EntryExpired => "ENTRY_EXPIRED",
            FindingCode::EntryExpiringSoon => "ENTRY_EXPIRING_SOON",
            FindingCode::PublicSuffixPattern => "PUBLIC_SUFFIX_PATTERN",
            FindingCode::ShadowedEntry => "SHADOWED_ENTRY",
            FindingCode::LeafOnlyPins => "LEAF_ONLY_PINS",
            FindingCode::ReportWithoutUri => "REPORT_WITHOUT_URI",
            FindingCode::CandidatePastExpiry => "CANDIDATE_PAST_EXPIRY",
            FindingCode::SctNotCounted => "SCT_NOT_COUNTED",
            FindingCode::SctListMalformed => "SCT_LIST_MALFORMED",
            FindingCode::NoScts => "NO_SCTS",
            FindingCode::CtNoVerifiedIssuer => "CT_NO_VERIFIED_ISSUER",
            FindingCode::CtTooFewLogs => "CT_TOO_FEW_LOGS",
            FindingCode::CtTooFewOperators => "CT_TOO_FEW_OPERATORS",
            FindingCode::CtNoCurrentLog => "CT_NO_CURRENT_LOG",
            FindingCode::CtLogListStale => "CT_LOG_LIST_STALE",
            FindingCode::CtCompliant => "CT_COMPLIANT",
            FindingCode::EmbeddedScts => "EMBEDDED_SCTS",
            FindingCode::CertRevoked => "CERT_REVOKED",
            FindingCode::OcspStapleMissing => "OCSP_STAPLE_MISSING",
            FindingCode::OcspStapleInvalid => "OCSP_STAPLE_INVALID",
            FindingCode::OcspStatusUnknown => "OCSP_STATUS_UNKNOWN",
            FindingCode::OcspGood => "OCSP_GOOD",
            FindingCode::OcspStapleIgnored => "OCSP_STAPLE_IGNORED",
            FindingCode::RevocationUnchecked => "REVOCATION_UNCHECKED",
            FindingCode::OcspResponder => "OCSP_RESPONDER",
            FindingCode::CrlDistributionPoint => "CRL_DISTRIBUTION_POINT",
            FindingCode::NoOcsp => "NO_OCSP",
            FindingCode::MustStaple => "MUST_STAPLE",
            FindingCode::ImportUnsupported => "IMPORT_UNSUPPORTED",
            FindingCode::ImportTrustAnchors => "IMPORT_TRUST_ANCHORS",
            FindingCode::ImportPinOverride => "IMPORT_PIN_OVERRIDE",
            FindingCode::ImportCleartext => "IMPORT_CLEARTEXT",
            FindingCode::ImportDebugOverrides => "IMPORT_DEBUG_OVERRIDES",
            FindingCode::ImportNotPinned => "IMPORT_NOT_PINNED",
            FindingCode::ImportSha1Pin => "IMPORT_SHA1_PIN",
            FindingCode::ImportPinsMerged => "IMPORT_PINS_MERGED",
            FindingCode::ImportPatternOverlap => "IMPORT_PATTERN_OVERLAP",
            FindingCode::ImportTooFewPins => "IMPORT_TOO_FEW_PINS",
            FindingCode::ImportPublicSuffix => "IMPORT_PUBLIC_SUFFIX",
            FindingCode::ImportReportUri => "IMPORT_REPORT_URI",
            FindingCode::ImportSubdomainNotExcluded => "IMPORT_SUBDOMAIN_NOT_EXCLUDED",
            FindingCode::PlanNotPinned => "PLAN_NOT_PINNED",
            FindingCode::PlanReportOnly => "PLAN_REPORT_ONLY",
            FindingCode::PlanFailingNow => "PLAN_FAILING_NOW",
            FindingCode::PlanNoBackup => "PLAN_NO_BACKUP",
            FindingCode::PlanLate => "PLAN_LATE",
            FindingCode::PlanLockoutUnavoidable => "PLAN_LOCKOUT_UNAVOIDABLE",
            FindingCode::PlanFailsOpenFirst => "PLAN_FAILS_OPEN_FIRST",
            FindingCode::PlanEvidenceNotChecked => "PLAN_EVIDENCE_NOT_CHECKED",
            FindingCode::PolicyInvalid => "POLICY_INVALID",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::FindingCode;

    #[test]
    fn every_finding_code_snapshot() {
        // Snapshot: finding codes are public API and are never renamed or dropped.
        let all: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            all.join(","),
            "NO_CHAIN,NOT_PINNED,POLICY_EXPIRED,INVALID_CHAIN,HOSTNAME_MISMATCH,CERT_EXPIRED,PIN_REVOKED,PIN_MISMATCH,CANDIDATE_PIN_MATCHED,CANDIDATE_PIN_UNMATCHED,REPORT_ONLY,PEM_BLOCK_SKIPPED,CT_INSUFFICIENT,CT_LOG_LIST_MISSING,CERT_NOT_ON_PATH,LINK_SIGNATURE_INVALID,SIGNATURE_ALGORITHM_UNSUPPORTED,ISSUER_NOT_CA,PATH_LEN_CONSTRAINT_EXCEEDED,NO_VERIFIED_ISSUER,PATH_TOO_LONG,PATH_BUDGET_EXCEEDED,SHA1_SIGNATURE_REFUSED,RSA_KEY_TOO_SMALL,UNKNOWN_CRITICAL_EXTENSION,ANCHOR_CONSTRAINTS_NOT_APPLIED,CANDIDATE_OUT_OF_PERIOD,HOSTNAME_INVALID,HOSTNAME_COMMON_NAME_FALLBACK,CERT_NOT_YET_VALID,CLOCK_PROBABLY_WRONG,CERT_EXPIRES_SOON,CHAIN_OUT_OF_ORDER,MISSING_INTERMEDIATE,CHAIN_ENDS_BELOW_ROOT,DUPLICATE_CERTIFICATE,PIN_ON_UNVERIFIED_CERT,PIN_MATCHED,WEAK_KEY,SHA1_SIGNATURE,LEAF_IS_CA,NO_SUBJECT_ALT_NAME,LONG_PATH,FEW_ACTIVE_PINS,NO_PIN_MATCHES_CHAIN,NO_BACKUP_PIN,DUPLICATE_PIN,ENTRY_EXPIRED,ENTRY_EXPIRING_SOON,PUBLIC_SUFFIX_PATTERN,SHADOWED_ENTRY,LEAF_ONLY_PINS,REPORT_WITHOUT_URI,CANDIDATE_PAST_EXPIRY,SCT_NOT_COUNTED,SCT_LIST_MALFORMED,NO_SCTS,CT_NO_VERIFIED_ISSUER,CT_TOO_FEW_LOGS,CT_TOO_FEW_OPERATORS,CT_NO_CURRENT_LOG,CT_LOG_LIST_STALE,CT_COMPLIANT,EMBEDDED_SCTS,CERT_REVOKED,OCSP_STAPLE_MISSING,OCSP_STAPLE_INVALID,OCSP_STATUS_UNKNOWN,OCSP_GOOD,OCSP_STAPLE_IGNORED,REVOCATION_UNCHECKED,OCSP_RESPONDER,CRL_DISTRIBUTION_POINT,NO_OCSP,MUST_STAPLE,IMPORT_UNSUPPORTED,IMPORT_TRUST_ANCHORS,IMPORT_PIN_OVERRIDE,IMPORT_CLEARTEXT,IMPORT_DEBUG_OVERRIDES,IMPORT_NOT_PINNED,IMPORT_SHA1_PIN,IMPORT_PINS_MERGED,IMPORT_PATTERN_OVERLAP,IMPORT_TOO_FEW_PINS,IMPORT_PUBLIC_SUFFIX,IMPORT_REPORT_URI,IMPORT_SUBDOMAIN_NOT_EXCLUDED,PLAN_NOT_PINNED,PLAN_REPORT_ONLY,PLAN_FAILING_NOW,PLAN_NO_BACKUP,PLAN_LATE,PLAN_LOCKOUT_UNAVOIDABLE,PLAN_FAILS_OPEN_FIRST,PLAN_EVIDENCE_NOT_CHECKED,POLICY_INVALID"
        );
        let mut unique = all.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), all.len());
        for code in &all {
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{code}"
            );
        }
    }
}
