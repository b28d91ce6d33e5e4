//! Findings: non-fatal observations about a chain or a policy, each with a stable code.
//! They are results, never errors (x509-parser's `validate_to_vec` keeps warnings
//! apart from errors the same way).

use serde::Serialize;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// One observation (the JS `Finding`). `code` is stable SCREAMING_SNAKE_CASE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert_index: Option<usize>,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            cert_index: None,
        }
    }
    pub fn error(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(code, Severity::Error, message)
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(code, Severity::Warning, message)
    }
    pub fn info(code: &'static str, message: impl Into<String>) -> Finding {
        Finding::new(code, Severity::Info, message)
    }
    /// The same finding, about the certificate at input index `index`.
    pub fn at(mut self, index: usize) -> Finding {
        self.cert_index = Some(index);
        self
    }
}
