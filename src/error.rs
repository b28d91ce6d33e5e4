//! The crate's one error type. Malformed input and API misuse are errors; a chain that
//! fails a policy is a `Verdict`, not an error.

use core::fmt;

/// A stable, machine-readable reason for refusing an input. `code()` never changes for
/// a variant; new variants get new codes.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No bytes, no text, or an empty array.
    InputEmpty,
    /// The input is larger than the bound for one call.
    InputTooLarge { bytes: usize, limit: usize },
    /// More certificates (or keys) than a chain may hold.
    TooManyCertificates { count: usize, limit: usize },
    /// More PEM blocks than one input may hold.
    TooManyPemBlocks { limit: usize },
    /// A PEM block is broken: missing END line, label mismatch, bad base64.
    PemMalformed {
        block_index: usize,
        offset: usize,
        reason: String,
    },
    /// The DER framing of an item is broken: truncated, trailing bytes, bad length.
    DerMalformed {
        cert_index: usize,
        offset: usize,
        reason: String,
    },
    /// Well-framed DER that is not a valid X.509 certificate (RFC 5280).
    CertMalformed { cert_index: usize, reason: String },
    /// Input of a kind certpin does not take here (an unknown PEM label, a private key,
    /// binary that is neither DER nor PEM, a public key where a certificate is needed).
    UnsupportedInput {
        block_index: Option<usize>,
        reason: String,
    },
    /// A pin that does not parse or whose digest has the wrong length.
    PinMalformed { pin: String, reason: String },
    /// A pin cannot be written in the requested format (e.g. SHA-384 as a TLSA record).
    FormatUnsupported { format: String, reason: String },
    /// An argument of the wrong type or value (an unknown option, format or algorithm).
    InvalidArgument { argument: String, reason: String },
    /// A policy document that is not valid; `path` is the JSON path of the fault.
    PolicyInvalid { path: String, reason: String },
    /// An HPKP header (RFC 7469 section 2.1) that does not parse.
    HpkpHeaderInvalid { directive: String, reason: String },
    /// An Android network security config XML that certpin cannot import.
    NscInvalid { reason: String },
    /// A connection refused by an enforcing adapter (certpin/node): the verdict said
    /// `status`. The adapters attach the verdict to the error.
    ConnectionRefused {
        status: RefusedStatus,
        hostname: String,
    },
    // ---- Revocation ----
    /// An OCSP response (RFC 6960) that does not parse, was not successful, does not
    /// verify, is stale, or names no certificate of the verified path.
    OcspInvalid { reason: String },
    /// A CRL (RFC 5280 section 5) that does not parse, does not verify, is stale, or was
    /// not issued by the issuer of a certificate of the verified path.
    CrlInvalid { reason: String },
    // ---- Certificate Transparency ----
    /// A CT log list (v3 JSON) that certpin cannot use; `path` is the JSON path of the
    /// fault.
    LogListInvalid { path: String, reason: String },
    // ---- Signed policy bundles ----
    /// A bundle that is not `{ signed, signatures }` as the README gives it ("Signed policy bundles"); `path` names the fault.
    BundleMalformed { path: String, reason: String },
    /// A bundle signature that does not verify with the key its `keyId` names.
    BundleBadSignature { key_id: String, reason: String },
    /// Fewer distinct root keys signed the bundle than the root's threshold.
    BundleThreshold { valid: usize, threshold: usize },
    /// A bundle signature by a key the root does not list.
    BundleUnknownKey { key_id: String, root_version: u64 },
    /// A bundle older than the lowest version accepted (a rollback).
    BundleRollback { version: u64, min_version: u64 },
    /// A bundle past its `expires` (a freeze attack, or a signer that stopped re-signing).
    BundleExpired {
        version: u64,
        expires: String,
        now: String,
    },
    /// A bundle whose `issuedAt` is later than now plus the allowed clock skew.
    BundleIssuedInFuture { issued_at: String, now: String },
    /// A correctly signed bundle whose policy is not a valid policy document.
    BundlePolicyInvalid { path: String, reason: String },
    /// A trust root that is not a root document as the README gives it ("Signed policy bundles").
    RootMalformed { path: String, reason: String },
    /// A root key that is not Ed25519 or ECDSA P-256.
    RootKeyUnsupported { path: String, reason: String },
    /// A root signature that does not verify.
    RootBadSignature { key_id: String, reason: String },
    /// A root signature by a key neither the trusted root nor the new one lists.
    RootUnknownKey { key_id: String, version: u64 },
    /// Fewer distinct keys signed a root than a threshold it must meet.
    RootThreshold {
        which: String,
        valid: usize,
        threshold: usize,
    },
    /// A root rotation that is not to version N+1.
    RootVersion { version: u64, expected: u64 },
    /// A trust root past its `expires`.
    RootExpired { version: u64, expires: String },
    // Migration (`crate::interop`): importing other systems' configurations.
    /// OkHttp `CertificatePinner` source that certpin cannot import; `line` is 1-based
    /// (`None`: the source as a whole).
    OkHttpInvalid { line: Option<usize>, reason: String },
    /// A TrustKit configuration that certpin cannot import; `path` names the key
    /// (`kTSKPinnedDomains["example.com"].kTSKPublicKeyHashes[1]`).
    TrustKitInvalid { path: String, reason: String },
    /// A `policyUpdater` (certpin/node) that has no policy it may use, or could not get
    /// one: it throws these in JavaScript, as the adapters throw `ConnectionRefused`'s
    /// codes; they are listed here so that `ERROR_CODES` names every code certpin throws.
    UpdaterFailed {
        failure: UpdaterFailure,
        reason: String,
    },
}

/// What a `policyUpdater` could not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdaterFailure {
    /// The bundle could not be fetched (network, HTTP status, bound, timeout).
    FetchFailed,
    /// The state file could not be read or is not a state file.
    StateInvalid,
    /// No verified bundle yet (no state file, no fallback, no successful refresh).
    Unavailable,
}

/// Why an enforcing adapter refused a connection: the failing verdict statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusedStatus {
    Mismatch,
    Revoked,
    InvalidChain,
    HostnameMismatch,
    CertExpired,
    NoChain,
    // Revocation: evidence says a path certificate is revoked, or a required
    // staple is missing or invalid.
    CertRevoked,
    /// Certificate Transparency: status `ct-insufficient`.
    CtInsufficient,
}

/// Every code `Error::code` can return, in declaration order. Snapshot-tested: codes
/// are never renamed or removed.
pub const ERROR_CODES: &[&str] = &[
    "INPUT_EMPTY",
    "INPUT_TOO_LARGE",
    "TOO_MANY_CERTIFICATES",
    "TOO_MANY_PEM_BLOCKS",
    "PEM_MALFORMED",
    "DER_MALFORMED",
    "CERT_MALFORMED",
    "UNSUPPORTED_INPUT",
    "PIN_MALFORMED",
    "FORMAT_UNSUPPORTED",
    "INVALID_ARGUMENT",
    "POLICY_INVALID",
    "HPKP_HEADER_INVALID",
    "NSC_INVALID",
    "PIN_MISMATCH",
    "PIN_REVOKED",
    "CHAIN_INVALID",
    "HOSTNAME_MISMATCH",
    "CERT_EXPIRED",
    "NO_CHAIN",
    // Revocation
    "OCSP_INVALID",
    "CRL_INVALID",
    "CERT_REVOKED",
    // Certificate Transparency
    "LOG_LIST_INVALID",
    "CT_INSUFFICIENT",
    // Signed policy bundles
    "BUNDLE_MALFORMED",
    "BUNDLE_BAD_SIGNATURE",
    "BUNDLE_THRESHOLD",
    "BUNDLE_UNKNOWN_KEY",
    "BUNDLE_ROLLBACK",
    "BUNDLE_EXPIRED",
    "BUNDLE_ISSUED_IN_FUTURE",
    "BUNDLE_POLICY_INVALID",
    "ROOT_MALFORMED",
    "ROOT_KEY_UNSUPPORTED",
    "ROOT_BAD_SIGNATURE",
    "ROOT_UNKNOWN_KEY",
    "ROOT_THRESHOLD",
    "ROOT_VERSION",
    "ROOT_EXPIRED",
    // Migration
    "OKHTTP_INVALID",
    "TRUSTKIT_INVALID",
    "BUNDLE_FETCH_FAILED",
    "BUNDLE_STATE_INVALID",
    "BUNDLE_UNAVAILABLE",
];

/// A context value attached to an error (exposed as properties of the JS error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextValue {
    Number(usize),
    Text(String),
}

impl Error {
    /// The stable code of this error (SCREAMING_SNAKE_CASE).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InputEmpty => "INPUT_EMPTY",
            Error::InputTooLarge { .. } => "INPUT_TOO_LARGE",
            Error::TooManyCertificates { .. } => "TOO_MANY_CERTIFICATES",
            Error::TooManyPemBlocks { .. } => "TOO_MANY_PEM_BLOCKS",
            Error::PemMalformed { .. } => "PEM_MALFORMED",
            Error::DerMalformed { .. } => "DER_MALFORMED",
            Error::CertMalformed { .. } => "CERT_MALFORMED",
            Error::UnsupportedInput { .. } => "UNSUPPORTED_INPUT",
            Error::PinMalformed { .. } => "PIN_MALFORMED",
            Error::FormatUnsupported { .. } => "FORMAT_UNSUPPORTED",
            Error::InvalidArgument { .. } => "INVALID_ARGUMENT",
            Error::PolicyInvalid { .. } => "POLICY_INVALID",
            Error::HpkpHeaderInvalid { .. } => "HPKP_HEADER_INVALID",
            Error::NscInvalid { .. } => "NSC_INVALID",
            Error::ConnectionRefused { status, .. } => match status {
                RefusedStatus::Mismatch => "PIN_MISMATCH",
                RefusedStatus::Revoked => "PIN_REVOKED",
                RefusedStatus::InvalidChain => "CHAIN_INVALID",
                RefusedStatus::HostnameMismatch => "HOSTNAME_MISMATCH",
                RefusedStatus::CertExpired => "CERT_EXPIRED",
                RefusedStatus::NoChain => "NO_CHAIN",
                RefusedStatus::CertRevoked => "CERT_REVOKED",
                RefusedStatus::CtInsufficient => "CT_INSUFFICIENT",
            },
            Error::OcspInvalid { .. } => "OCSP_INVALID",
            Error::CrlInvalid { .. } => "CRL_INVALID",
            Error::LogListInvalid { .. } => "LOG_LIST_INVALID",
            // Signed policy bundles
            Error::BundleMalformed { .. } => "BUNDLE_MALFORMED",
            Error::BundleBadSignature { .. } => "BUNDLE_BAD_SIGNATURE",
            Error::BundleThreshold { .. } => "BUNDLE_THRESHOLD",
            Error::BundleUnknownKey { .. } => "BUNDLE_UNKNOWN_KEY",
            Error::BundleRollback { .. } => "BUNDLE_ROLLBACK",
            Error::BundleExpired { .. } => "BUNDLE_EXPIRED",
            Error::BundleIssuedInFuture { .. } => "BUNDLE_ISSUED_IN_FUTURE",
            Error::BundlePolicyInvalid { .. } => "BUNDLE_POLICY_INVALID",
            Error::RootMalformed { .. } => "ROOT_MALFORMED",
            Error::RootKeyUnsupported { .. } => "ROOT_KEY_UNSUPPORTED",
            Error::RootBadSignature { .. } => "ROOT_BAD_SIGNATURE",
            Error::RootUnknownKey { .. } => "ROOT_UNKNOWN_KEY",
            Error::RootThreshold { .. } => "ROOT_THRESHOLD",
            Error::RootVersion { .. } => "ROOT_VERSION",
            Error::RootExpired { .. } => "ROOT_EXPIRED",
            // Migration
            Error::OkHttpInvalid { .. } => "OKHTTP_INVALID",
            Error::TrustKitInvalid { .. } => "TRUSTKIT_INVALID",
            Error::UpdaterFailed { failure, .. } => match failure {
                UpdaterFailure::FetchFailed => "BUNDLE_FETCH_FAILED",
                UpdaterFailure::StateInvalid => "BUNDLE_STATE_INVALID",
                UpdaterFailure::Unavailable => "BUNDLE_UNAVAILABLE",
            },
        }
    }

    /// Context fields, named as they appear on the JS error object.
    pub fn context(&self) -> Vec<(&'static str, ContextValue)> {
        use ContextValue::{Number, Text};
        match self {
            Error::InputEmpty
            | Error::NscInvalid { .. }
            | Error::OcspInvalid { .. }
            | Error::CrlInvalid { .. } => vec![],
            Error::ConnectionRefused { hostname, .. } => vec![("hostname", Text(hostname.clone()))],
            Error::InputTooLarge { bytes, limit } => {
                vec![("bytes", Number(*bytes)), ("limit", Number(*limit))]
            }
            Error::TooManyCertificates { count, limit } => {
                vec![("count", Number(*count)), ("limit", Number(*limit))]
            }
            Error::TooManyPemBlocks { limit } => vec![("limit", Number(*limit))],
            Error::PemMalformed {
                block_index,
                offset,
                ..
            } => vec![
                ("blockIndex", Number(*block_index)),
                ("offset", Number(*offset)),
            ],
            Error::DerMalformed {
                cert_index, offset, ..
            } => vec![
                ("certIndex", Number(*cert_index)),
                ("offset", Number(*offset)),
            ],
            Error::CertMalformed { cert_index, .. } => vec![("certIndex", Number(*cert_index))],
            Error::UnsupportedInput { block_index, .. } => block_index
                .map(|b| vec![("blockIndex", Number(b))])
                .unwrap_or_default(),
            Error::PinMalformed { pin, .. } => vec![("pin", Text(pin.clone()))],
            Error::FormatUnsupported { format, .. } => vec![("format", Text(format.clone()))],
            Error::InvalidArgument { argument, .. } => vec![("argument", Text(argument.clone()))],
            Error::PolicyInvalid { path, .. } => vec![("path", Text(path.clone()))],
            Error::HpkpHeaderInvalid { directive, .. } => {
                vec![("directive", Text(directive.clone()))]
            }
            // Certificate Transparency
            Error::LogListInvalid { path, .. } => vec![("path", Text(path.clone()))],
            // Signed policy bundles
            Error::BundleMalformed { path, .. }
            | Error::BundlePolicyInvalid { path, .. }
            | Error::RootMalformed { path, .. }
            | Error::RootKeyUnsupported { path, .. } => vec![("path", Text(path.clone()))],
            Error::BundleBadSignature { key_id, .. }
            | Error::RootBadSignature { key_id, .. }
            | Error::BundleUnknownKey { key_id, .. }
            | Error::RootUnknownKey { key_id, .. } => vec![("keyId", Text(key_id.clone()))],
            Error::BundleThreshold { valid, threshold }
            | Error::RootThreshold {
                valid, threshold, ..
            } => {
                vec![("valid", Number(*valid)), ("threshold", Number(*threshold))]
            }
            Error::BundleRollback {
                version,
                min_version,
            } => vec![
                ("version", Number(wide(*version))),
                ("minVersion", Number(wide(*min_version))),
            ],
            Error::BundleExpired {
                version, expires, ..
            }
            | Error::RootExpired { version, expires } => vec![
                ("version", Number(wide(*version))),
                ("expires", Text(expires.clone())),
            ],
            Error::BundleIssuedInFuture { issued_at, .. } => {
                vec![("issuedAt", Text(issued_at.clone()))]
            }
            Error::RootVersion { version, expected } => vec![
                ("version", Number(wide(*version))),
                ("expected", Number(wide(*expected))),
            ],
            // Migration
            Error::OkHttpInvalid { line, .. } => {
                line.map(|l| vec![("line", Number(l))]).unwrap_or_default()
            }
            Error::TrustKitInvalid { path, .. } => vec![("path", Text(path.clone()))],
            Error::UpdaterFailed { .. } => vec![],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InputEmpty => f.write_str(
                "the input is empty: pass PEM text, DER bytes, or an array of certificates (leaf first)",
            ),
            Error::InputTooLarge { bytes, limit } => write!(
                f,
                "the input is {bytes} bytes, over the limit of {limit} bytes per call: pass only the chain the server sent"
            ),
            Error::TooManyCertificates { count, limit } => write!(
                f,
                "the input holds {count} certificates or keys, over the limit of {limit}: pass only the chain the server sent, leaf first"
            ),
            Error::TooManyPemBlocks { limit } => write!(
                f,
                "the input holds more than {limit} PEM blocks: pass only the chain the server sent"
            ),
            Error::PemMalformed {
                block_index,
                offset,
                reason,
            } => write!(f, "PEM block {block_index} (at byte {offset}) is malformed: {reason}"),
            Error::DerMalformed {
                cert_index,
                offset,
                reason,
            } => write!(f, "certificate {cert_index}: malformed DER at byte {offset}: {reason}"),
            Error::CertMalformed { cert_index, reason } => {
                write!(f, "certificate {cert_index} is not a valid X.509 certificate: {reason}")
            }
            Error::UnsupportedInput {
                block_index: Some(b),
                reason,
            } => write!(f, "PEM block {b}: {reason}"),
            Error::UnsupportedInput {
                block_index: None,
                reason,
            } => f.write_str(reason),
            Error::PinMalformed { pin, reason } => write!(f, "malformed pin {pin:?}: {reason}"),
            Error::FormatUnsupported { format, reason } => {
                write!(f, "cannot express this in the {format} format: {reason}")
            }
            Error::InvalidArgument { argument, reason } => write!(f, "invalid {argument}: {reason}"),
            Error::PolicyInvalid { path, reason } => write!(f, "invalid policy at {path}: {reason}"),
            Error::HpkpHeaderInvalid { directive, reason } => {
                write!(f, "invalid HPKP header, directive {directive:?}: {reason}")
            }
            Error::NscInvalid { reason } => {
                write!(f, "cannot import the network security config: {reason}")
            }
            Error::ConnectionRefused { status, hostname } => {
                write!(f, "certificate pinning refused the connection to {hostname}: {status:?}")
            }
            Error::OcspInvalid { reason } => write!(f, "OCSP response refused: {reason}"),
            Error::CrlInvalid { reason } => write!(f, "CRL refused: {reason}"),
            // Certificate Transparency
            Error::LogListInvalid { path, reason } => write!(
                f,
                "invalid CT log list at {path}: {reason} (pass the v3 JSON log list, e.g. log_list.json)"
            ),
            // Signed policy bundles
            Error::BundleMalformed { path, reason } => write!(
                f,
                "the policy bundle is malformed at {path}: {reason}; make bundles with `certpin sign`"
            ),
            Error::BundleBadSignature { key_id, reason } => write!(
                f,
                "the bundle signature by {key_id} does not verify ({reason}): the bundle was changed after signing or signed with another key; re-sign it with `certpin sign`"
            ),
            Error::BundleThreshold { valid, threshold } => write!(
                f,
                "the bundle is signed by {valid} distinct root key(s) but the root requires {threshold}: add signatures with `certpin sign --add-to` (a key counts once however often it signs)"
            ),
            Error::BundleUnknownKey { key_id, root_version } => write!(
                f,
                "the bundle is signed by {key_id}, a key that root version {root_version} does not list: sign with a root key, or rotate the root to add this key"
            ),
            Error::BundleRollback { version, min_version } => write!(
                f,
                "bundle version {version} is older than version {min_version}, which was already accepted (a rollback): serve a bundle with version {min_version} or higher"
            ),
            Error::BundleExpired { version, expires, now } => write!(
                f,
                "bundle version {version} expired at {expires} (now {now}): sign a fresh bundle with a later --expires and serve it"
            ),
            Error::BundleIssuedInFuture { issued_at, now } => write!(
                f,
                "the bundle was issued at {issued_at}, later than now ({now}) plus {} seconds of clock skew: check this host's clock and the signer's",
                crate::bundle::ISSUED_AT_SKEW_SECONDS
            ),
            Error::BundlePolicyInvalid { path, reason } => write!(
                f,
                "the signed bundle's policy is invalid at {path}: {reason}; fix the policy and sign it again"
            ),
            Error::RootMalformed { path, reason } => write!(
                f,
                "the trust root is malformed at {path}: {reason}; make roots with `certpin root init` or `certpin root rotate`"
            ),
            Error::RootKeyUnsupported { path, reason } => write!(
                f,
                "the trust root key at {path} is not usable: {reason}"
            ),
            Error::RootBadSignature { key_id, reason } => write!(
                f,
                "the trust root signature by {key_id} does not verify ({reason}): the root was changed after signing; make it again with `certpin root`"
            ),
            Error::RootUnknownKey { key_id, version } => write!(
                f,
                "the trust root is signed by {key_id}, a key listed neither by root version {version} nor by the root itself: sign with the old root's and the new root's keys only"
            ),
            Error::RootThreshold { which, valid, threshold } => write!(
                f,
                "the trust root is signed by {valid} distinct key(s) of {which} keys, but that threshold is {threshold}: a new root must be signed by a threshold of the previous root's keys and of its own (certpin root rotate --sign-with OLDKEY… --key NEWKEY…)"
            ),
            Error::RootVersion { version, expected } => write!(
                f,
                "the new trust root has version {version}, but only version {expected} can follow the trusted one: apply the roots one version at a time"
            ),
            Error::RootExpired { version, expires } => write!(
                f,
                "trust root version {version} expired at {expires}: rotate to a new root (certpin root rotate) and ship it"
            ),
            // Migration
            Error::OkHttpInvalid {
                line: Some(line),
                reason,
            } => write!(f, "cannot import the OkHttp CertificatePinner, line {line}: {reason}"),
            Error::OkHttpInvalid { line: None, reason } => {
                write!(f, "cannot import the OkHttp CertificatePinner: {reason}")
            }
            Error::TrustKitInvalid { path, reason } => {
                write!(f, "cannot import the TrustKit configuration at {path}: {reason}")
            }
            Error::UpdaterFailed { reason, .. } => write!(f, "policy updater: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

/// A u64 as a context number (versions; exact up to 2^53, which is their bound).
fn wide(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    fn one_of_each() -> Vec<Error> {
        let s = || "x".to_string();
        vec![
            Error::InputEmpty,
            Error::InputTooLarge { bytes: 0, limit: 0 },
            Error::TooManyCertificates { count: 0, limit: 0 },
            Error::TooManyPemBlocks { limit: 0 },
            Error::PemMalformed {
                block_index: 0,
                offset: 0,
                reason: s(),
            },
            Error::DerMalformed {
                cert_index: 0,
                offset: 0,
                reason: s(),
            },
            Error::CertMalformed {
                cert_index: 0,
                reason: s(),
            },
            Error::UnsupportedInput {
                block_index: None,
                reason: s(),
            },
            Error::PinMalformed {
                pin: s(),
                reason: s(),
            },
            Error::FormatUnsupported {
                format: s(),
                reason: s(),
            },
            Error::InvalidArgument {
                argument: s(),
                reason: s(),
            },
            Error::PolicyInvalid {
                path: s(),
                reason: s(),
            },
            Error::HpkpHeaderInvalid {
                directive: s(),
                reason: s(),
            },
            Error::NscInvalid { reason: s() },
        ]
        .into_iter()
        .chain(
            [
                RefusedStatus::Mismatch,
                RefusedStatus::Revoked,
                RefusedStatus::InvalidChain,
                RefusedStatus::HostnameMismatch,
                RefusedStatus::CertExpired,
                RefusedStatus::NoChain,
            ]
            .map(|status| Error::ConnectionRefused {
                status,
                hostname: s(),
            }),
        )
        // Revocation
        .chain([
            Error::OcspInvalid { reason: s() },
            Error::CrlInvalid { reason: s() },
            Error::ConnectionRefused {
                status: RefusedStatus::CertRevoked,
                hostname: s(),
            },
        ])
        // Certificate Transparency
        .chain([
            Error::LogListInvalid {
                path: s(),
                reason: s(),
            },
            Error::ConnectionRefused {
                status: RefusedStatus::CtInsufficient,
                hostname: s(),
            },
        ])
        .chain([
            Error::BundleMalformed {
                path: s(),
                reason: s(),
            },
            Error::BundleBadSignature {
                key_id: s(),
                reason: s(),
            },
            Error::BundleThreshold {
                valid: 0,
                threshold: 0,
            },
            Error::BundleUnknownKey {
                key_id: s(),
                root_version: 0,
            },
            Error::BundleRollback {
                version: 0,
                min_version: 0,
            },
            Error::BundleExpired {
                version: 0,
                expires: s(),
                now: s(),
            },
            Error::BundleIssuedInFuture {
                issued_at: s(),
                now: s(),
            },
            Error::BundlePolicyInvalid {
                path: s(),
                reason: s(),
            },
            Error::RootMalformed {
                path: s(),
                reason: s(),
            },
            Error::RootKeyUnsupported {
                path: s(),
                reason: s(),
            },
            Error::RootBadSignature {
                key_id: s(),
                reason: s(),
            },
            Error::RootUnknownKey {
                key_id: s(),
                version: 0,
            },
            Error::RootThreshold {
                which: s(),
                valid: 0,
                threshold: 0,
            },
            Error::RootVersion {
                version: 0,
                expected: 0,
            },
            Error::RootExpired {
                version: 0,
                expires: s(),
            },
        ])
        // Migration
        .chain([
            Error::OkHttpInvalid {
                line: Some(1),
                reason: s(),
            },
            Error::TrustKitInvalid {
                path: s(),
                reason: s(),
            },
        ])
        .chain(
            [
                UpdaterFailure::FetchFailed,
                UpdaterFailure::StateInvalid,
                UpdaterFailure::Unavailable,
            ]
            .map(|failure| Error::UpdaterFailed {
                failure,
                reason: s(),
            }),
        )
        .collect()
    }

    #[test]
    fn codes_are_stable_and_listed() {
        let codes: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        assert_eq!(codes, ERROR_CODES);
        // Snapshot: codes are public API and are never renamed.
        assert_eq!(
            ERROR_CODES.join(","),
            "INPUT_EMPTY,INPUT_TOO_LARGE,TOO_MANY_CERTIFICATES,TOO_MANY_PEM_BLOCKS,\
PEM_MALFORMED,DER_MALFORMED,CERT_MALFORMED,UNSUPPORTED_INPUT,PIN_MALFORMED,\
FORMAT_UNSUPPORTED,INVALID_ARGUMENT,POLICY_INVALID,HPKP_HEADER_INVALID,NSC_INVALID,\
PIN_MISMATCH,PIN_REVOKED,CHAIN_INVALID,HOSTNAME_MISMATCH,CERT_EXPIRED,NO_CHAIN,\
OCSP_INVALID,CRL_INVALID,CERT_REVOKED,LOG_LIST_INVALID,CT_INSUFFICIENT,\
BUNDLE_MALFORMED,BUNDLE_BAD_SIGNATURE,BUNDLE_THRESHOLD,BUNDLE_UNKNOWN_KEY,BUNDLE_ROLLBACK,\
BUNDLE_EXPIRED,BUNDLE_ISSUED_IN_FUTURE,BUNDLE_POLICY_INVALID,ROOT_MALFORMED,\
ROOT_KEY_UNSUPPORTED,ROOT_BAD_SIGNATURE,ROOT_UNKNOWN_KEY,ROOT_THRESHOLD,ROOT_VERSION,\
ROOT_EXPIRED,\
OKHTTP_INVALID,TRUSTKIT_INVALID,BUNDLE_FETCH_FAILED,BUNDLE_STATE_INVALID,BUNDLE_UNAVAILABLE"
        );
    }

    #[test]
    fn messages_are_not_empty() {
        for e in one_of_each() {
            assert!(!e.to_string().is_empty(), "{e:?}");
        }
    }
}
