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
    // Migration (issue 16, `crate::interop`): importing other systems' configurations.
    /// OkHttp `CertificatePinner` source that certpin cannot import; `line` is 1-based
    /// (`None`: the source as a whole).
    OkHttpInvalid { line: Option<usize>, reason: String },
    /// A TrustKit configuration that certpin cannot import; `path` names the key
    /// (`kTSKPinnedDomains["example.com"].kTSKPublicKeyHashes[1]`).
    TrustKitInvalid { path: String, reason: String },
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
    // Migration (issue 16)
    "OKHTTP_INVALID",
    "TRUSTKIT_INVALID",
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
            },
            // Migration (issue 16)
            Error::OkHttpInvalid { .. } => "OKHTTP_INVALID",
            Error::TrustKitInvalid { .. } => "TRUSTKIT_INVALID",
        }
    }

    /// Context fields, named as they appear on the JS error object.
    pub fn context(&self) -> Vec<(&'static str, ContextValue)> {
        use ContextValue::{Number, Text};
        match self {
            Error::InputEmpty | Error::NscInvalid { .. } => vec![],
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
            // Migration (issue 16)
            Error::OkHttpInvalid { line, .. } => {
                line.map(|l| vec![("line", Number(l))]).unwrap_or_default()
            }
            Error::TrustKitInvalid { path, .. } => vec![("path", Text(path.clone()))],
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
            // Migration (issue 16)
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
        }
    }
}

impl std::error::Error for Error {}

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
        // Migration (issue 16)
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
OKHTTP_INVALID,TRUSTKIT_INVALID"
        );
    }

    #[test]
    fn messages_are_not_empty() {
        for e in one_of_each() {
            assert!(!e.to_string().is_empty(), "{e:?}");
        }
    }
}
