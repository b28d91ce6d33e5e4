//! Hostname verification of the leaf (RFC 6125 section 6, RFC 9525 section 6).
//!
//! - The reference hostname is lowercased, one trailing dot dropped, and U-labels
//!   converted to A-labels (UTS 46 via the `idna` crate). An IP literal (IPv4 dotted
//!   quad, IPv6 in any textual form, optionally in brackets) is compared as an address
//!   with the iPAddress SANs only, octet for octet.
//! - dNSName SANs are compared case-insensitively, trailing dot ignored.
//! - A wildcard is accepted only as the entire left-most label (`*.example.com`); it
//!   matches exactly one non-empty label, never spans dots, is never partial
//!   (`f*.example.com`, `*oo.example.com` and `xn--*` match nothing), and is refused when
//!   what follows it is a public suffix by `crate::names::suffix`'s rule (every single label,
//!   and the listed multi-label suffixes): `*.com` and `*.co.uk` never match.
//! - The subject CN is never used by default (RFC 9525 section 6.3, webpki, browsers).
//!   With `allowCommonNameFallback` it is used only when the certificate has no
//!   subjectAltName extension at all (old certificates rely on it), with a finding.

use crate::chain::ip_to_string;
use crate::finding::{Finding, FindingCode};
use crate::x509::cert::Certificate;
use std::net::IpAddr;

/// Whether the leaf covers `hostname`, with findings explaining a mismatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostnameOutcome {
    pub matched: bool,
    pub findings: Vec<Finding>,
}

/// A reference identifier (RFC 6125 section 6.2): what the client wanted to reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceName {
    /// A DNS name in lowercase A-label form, without a trailing dot.
    Dns(String),
    /// An IP address.
    Ip(IpAddr),
}

/// The reference name of `hostname`, in the one canonical form of
/// `crate::names::host::normalize_hostname` (IPv4 in any WHATWG/`inet_aton` spelling and
/// IPv4-mapped IPv6 as the IPv4 address; a name ending in a number that is no IPv4
/// address is refused).
pub fn reference_name(hostname: &str) -> Result<ReferenceName, String> {
    if hostname.contains('*') {
        return Err(format!(
            "{hostname:?} contains a wildcard: pass the name the client connects to"
        ));
    }
    Ok(match crate::names::host::canonical_host(hostname)? {
        crate::names::host::CanonicalHost::Dns(name) => ReferenceName::Dns(name),
        crate::names::host::CanonicalHost::Ip(ip) => ReferenceName::Ip(ip),
    })
}

/// Does the presented dNSName (from the certificate) match `reference` (a normalised
/// lowercase A-label name)? Applies the wildcard rules in the module doc.
pub fn dns_name_matches(presented: &str, reference: &str) -> bool {
    if !presented.is_ascii() {
        return false; // dNSName is IA5String; a U-label here is malformed.
    }
    let presented = presented.to_ascii_lowercase();
    let presented = presented.strip_suffix('.').unwrap_or(&presented);
    if presented.is_empty() || presented.split('.').any(str::is_empty) {
        return false;
    }
    match presented.strip_prefix("*.") {
        None => !presented.contains('*') && presented == reference,
        Some(parent) => {
            if parent.contains('*') || !wildcard_parent_allowed(parent) {
                return false;
            }
            match reference.split_once('.') {
                Some((first, rest)) => !first.is_empty() && rest == parent,
                None => false,
            }
        }
    }
}

/// A wildcard `*.parent` is allowed when `parent` is not a public suffix (which every
/// single label is), by the one rule of `crate::names::suffix`.
fn wildcard_parent_allowed(parent: &str) -> bool {
    !crate::names::suffix::is_public_suffix(parent)
}

/// Checks `hostname` (a DNS name or an IP address literal) against the leaf's SAN; the
/// subject CN is never used.
pub fn check_hostname(leaf: &Certificate, hostname: &str) -> HostnameOutcome {
    check_hostname_with(leaf, hostname, false)
}

/// [`check_hostname`], with the subject CN used when the leaf has no SAN at all if
/// `allow_common_name` (`allowCommonNameFallback`).
pub fn check_hostname_with(
    leaf: &Certificate,
    hostname: &str,
    allow_common_name: bool,
) -> HostnameOutcome {
    let reference = match reference_name(hostname) {
        Ok(r) => r,
        Err(reason) => {
            return HostnameOutcome {
                matched: false,
                findings: vec![Finding::error(
                    FindingCode::HostnameInvalid,
                    format!("cannot check the hostname: {reason}"),
                )
                .at(0)],
            }
        }
    };
    let mut findings = vec![];
    let matched = match &reference {
        ReferenceName::Ip(ip) => {
            let octets = match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => v6.octets().to_vec(),
            };
            leaf.ip_addresses().contains(&octets)
        }
        ReferenceName::Dns(name) if leaf.has_san() => {
            leaf.dns_names().iter().any(|d| dns_name_matches(d, name))
        }
        ReferenceName::Dns(_) if !allow_common_name => {
            findings.push(
                Finding::warning(
                    FindingCode::HostnameCommonNameFallback,
                    "the leaf has no subjectAltName extension and its subject common name is not used (RFC 9525, webpki and browsers ignore it): reissue the certificate with the hostname in subjectAltName (allowCommonNameFallback: true uses the common name)",
                )
                .at(0),
            );
            false
        }
        ReferenceName::Dns(name) => {
            let facts = leaf.facts();
            let matched = facts
                .subject_common_names
                .iter()
                .any(|cn| dns_name_matches(cn, name));
            findings.push(
                Finding::warning(
                    FindingCode::HostnameCommonNameFallback,
                    format!(
                        "the leaf has no subjectAltName extension, so its subject common name ({}) was {}; RFC 9525 and current browsers ignore the common name: reissue the certificate with the hostname in subjectAltName",
                        if facts.subject_common_names.is_empty() {
                            "none".to_string()
                        } else {
                            facts.subject_common_names.join(", ")
                        },
                        if matched { "used to match the hostname" } else { "checked" }
                    ),
                )
                .at(0),
            );
            matched
        }
    };
    if !matched {
        let wanted = match &reference {
            ReferenceName::Dns(n) => n.clone(),
            ReferenceName::Ip(ip) => ip.to_string(),
        };
        findings.push(
            Finding::error(
                FindingCode::HostnameMismatch,
                format!(
                    "the leaf certificate does not cover {wanted:?}; it covers: {}",
                    describe_covered_names(leaf)
                ),
            )
            .at(0),
        );
    }
    HostnameOutcome { matched, findings }
}

/// The names a leaf covers, for messages: its SAN DNS names and IP addresses, or its
/// subject CN when it has no SAN.
pub fn covered_names(leaf: &Certificate) -> Vec<String> {
    let facts = leaf.facts();
    if facts.has_san {
        facts
            .dns_names
            .iter()
            .cloned()
            .chain(facts.ip_addresses.iter().map(|ip| ip_to_string(ip)))
            .collect()
    } else {
        facts.subject_common_names.clone()
    }
}

fn describe_covered_names(leaf: &Certificate) -> String {
    let names = covered_names(leaf);
    if names.is_empty() {
        "no names at all".into()
    } else if leaf.facts().has_san {
        names.join(", ")
    } else {
        format!("(subject CN only) {}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_matching() {
        // (presented, reference, matches)
        let cases: &[(&str, &str, bool)] = &[
            ("example.com", "example.com", true),
            ("EXAMPLE.com", "example.com", true),
            ("example.com.", "example.com", true),
            ("www.example.com", "example.com", false),
            ("*.example.com", "www.example.com", true),
            ("*.EXAMPLE.COM", "www.example.com", true),
            ("*.example.com", "example.com", false),
            ("*.example.com", "a.b.example.com", false),
            ("*.example.com", ".example.com", false),
            ("f*.example.com", "foo.example.com", false),
            ("*oo.example.com", "foo.example.com", false),
            ("w*w.example.com", "www.example.com", false),
            ("www.*.example.com", "www.a.example.com", false),
            ("*.*.example.com", "a.b.example.com", false),
            ("*.com", "example.com", false),
            ("*", "example", false),
            ("*.co.uk", "example.co.uk", false),
            ("*.example.co.uk", "www.example.co.uk", true),
            ("*.github.io", "someone.github.io", false),
            ("xn--*.example.com", "xn--caf-dma.example.com", false),
            ("*.example.com", "xn--caf-dma.example.com", true),
            ("xn--caf-dma.example.com", "xn--caf-dma.example.com", true),
            ("café.example.com", "xn--caf-dma.example.com", false),
            ("", "example.com", false),
            ("example..com", "example..com", false),
        ];
        for (presented, reference, want) in cases {
            assert_eq!(
                dns_name_matches(presented, reference),
                *want,
                "{presented} vs {reference}"
            );
        }
    }

    #[test]
    fn reference_names() {
        let v4 = |s: &str| ReferenceName::Ip(s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0])));
        let dns = |s: &str| ReferenceName::Dns(s.into());
        let cases: Vec<(&str, Option<ReferenceName>)> = vec![
            ("Example.COM", Some(dns("example.com"))),
            ("example.com.", Some(dns("example.com"))),
            ("café.example.com", Some(dns("xn--caf-dma.example.com"))),
            ("CAFÉ.example.com", Some(dns("xn--caf-dma.example.com"))),
            ("192.0.2.1", Some(v4("192.0.2.1"))),
            ("[::1]", Some(v4("::1"))),
            ("::1", Some(v4("::1"))),
            ("2001:DB8:0:0:0:0:0:1", Some(v4("2001:db8::1"))),
            ("[2001:db8::1]", Some(v4("2001:db8::1"))),
            ("[192.0.2.1]", None),
            // One canonical form with policy lookups (crate::names::host).
            ("127.1", Some(v4("127.0.0.1"))),
            ("0x7f.0.0.1", Some(v4("127.0.0.1"))),
            ("::ffff:127.0.0.1", Some(v4("127.0.0.1"))),
            ("example.123", None),
            ("", None),
            (".example.com", None),
            ("a..example.com", None),
            ("*.example.com", None),
            ("example.com..", None),
        ];
        for (input, want) in cases {
            assert_eq!(reference_name(input).ok(), want, "{input}");
        }
    }
}
