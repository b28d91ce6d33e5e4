//! The verdict's human text: OkHttp's `CertificatePinner` failure message, the one-line
//! success message, and the reason for each status.

use super::*;

pub(super) fn subject_of(certs: &[Certificate], index: usize) -> String {
    certs
        .get(index)
        .map(|c| {
            let s = c.subject_text();
            if s.is_empty() {
                "(empty subject)".to_string()
            } else {
                s.to_string()
            }
        })
        .unwrap_or_default()
}

/// OkHttp's `CertificatePinner` failure text ("Certificate pinning failure!", the peer
/// certificate chain, the pinned certificates for the host), with positions, states and
/// the reason; on success one line naming the pin and where it matched.
pub(super) fn message(
    verdict: &Verdict,
    entry: &DomainEntry,
    certs: &[Certificate],
    path: &[usize],
    hostname: Option<&str>,
    failures: &[Status],
    verified: bool,
) -> String {
    if failures.is_empty() {
        // "Pin {pin} matched certificate {index} ({subject}) at depth {depth} of the
        // {verified|served} path for {host}.", written piece by piece: this message is
        // built on every successful check.
        return match &verdict.matched {
            Some(m) => {
                let subject = subject_of(certs, m.cert_index);
                let host = hostname.unwrap_or("the chain");
                let mut out = String::with_capacity(96 + m.pin.len() + subject.len() + host.len());
                out.push_str("Pin ");
                out.push_str(&m.pin);
                out.push_str(" matched certificate ");
                let _ = write!(out, "{}", m.cert_index);
                out.push_str(" (");
                out.push_str(&subject);
                out.push_str(") at depth ");
                let _ = write!(out, "{}", m.depth);
                out.push_str(if verified {
                    " of the verified path for "
                } else {
                    " of the served path for "
                });
                out.push_str(host);
                out.push('.');
                out
            }
            None => String::new(),
        };
    }
    let mut out = String::from("Certificate pinning failure!\n  Peer certificate chain:\n");
    if certs.is_empty() {
        out.push_str("    (no certificates)\n");
    }
    for (i, c) in certs.iter().enumerate() {
        let note = if path.contains(&i) {
            ""
        } else {
            " (not on the path)"
        };
        let _ = writeln!(
            out,
            "    {}: {}{note}",
            c.pin(HashAlgorithm::Sha256),
            subject_of(certs, i)
        );
    }
    match hostname {
        Some(h) => {
            let _ = writeln!(out, "  Pinned certificates for {h}:");
        }
        None => out.push_str("  Pinned certificates:\n"),
    }
    for p in &entry.pins {
        let mut notes = Vec::new();
        if p.state != PinState::Active {
            notes.push(p.state.name());
        }
        if p.position != crate::policy::PinPosition::Any {
            notes.push(p.position.name());
        }
        if notes.is_empty() {
            let _ = writeln!(out, "    {}", p.pin);
        } else {
            let _ = writeln!(out, "    {} ({})", p.pin, notes.join(", "));
        }
    }
    let reasons: Vec<&str> = failures.iter().map(|s| reason(*s)).collect();
    let _ = write!(out, "  Reason: {}", reasons.join("; "));
    if entry.mode == Mode::Report {
        out.push_str(" (report mode: not enforced)");
    }
    out
}

pub(super) fn reason(status: Status) -> &'static str {
    match status {
        Status::NoChain => "no certificates were given",
        Status::InvalidChain => "the served certificates form no verifiable path from the leaf",
        Status::HostnameMismatch => "the leaf certificate does not cover the hostname",
        Status::CertExpired => "a certificate of the path is outside its validity period",
        Status::CertRevoked => {
            "a certificate of the path is revoked, or its required OCSP staple is missing or invalid"
        }
        Status::Revoked => "the chain contains a revoked key",
        Status::CtInsufficient => {
            "the leaf's SCTs do not satisfy the Certificate Transparency policy"
        }
        Status::Mismatch => "no active pin matches a certificate of the path",
        Status::Matched | Status::NotPinned | Status::PolicyExpired => "",
    }
}
