//! Host names and host patterns of a pin policy.
//!
//! Names are compared in one canonical form: lowercase, A-labels (IDNA / punycode,
//! UTS #46 via the `idna` crate), one trailing dot removed (RFC 5890, RFC 6125 section
//! 6.4.2). Patterns follow OkHttp's `CertificatePinner`: `*.example.com` matches exactly
//! one extra label, `**.example.com` zero or more; an exact host with
//! `includeSubdomains` matches itself and every name below it (Android NSC, TrustKit).

use crate::error::{Error, Result};
use core::fmt;
use std::net::IpAddr;

/// Longest DNS name, in octets, without the trailing dot (RFC 1035 section 2.3.4).
pub const MAX_NAME_LEN: usize = 253;
/// Longest DNS label, in octets (RFC 1035 section 2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// The canonical form of a host name as certpin compares it: lowercase A-labels without
/// a trailing dot. An IP literal (`192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`) comes back
/// in its standard text form. This is the form policy lookups use; pass the same form
/// when comparing names elsewhere.
pub fn normalize_hostname(name: &str) -> Result<String> {
    normalize_name(name).map_err(|reason| Error::InvalidArgument {
        argument: "hostname".into(),
        reason,
    })
}

/// `normalize_hostname` with the reason alone, for callers that wrap it in their own
/// error (a policy path, an HPKP directive).
pub(crate) fn normalize_name(name: &str) -> core::result::Result<String, String> {
    if name.is_empty() {
        return Err("the host name is empty".into());
    }
    if name.len() > MAX_NAME_LEN * 4 + 2 {
        return Err(format!(
            "the host name is {} bytes, far over the {MAX_NAME_LEN}-octet limit of a DNS name",
            name.len()
        ));
    }
    if let Some(ip) = ip_literal(name) {
        return Ok(ip.to_string());
    }
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    if trimmed.is_empty() {
        return Err("the host name is only a dot".into());
    }
    if trimmed.starts_with('.') {
        return Err(format!("{name:?} starts with a dot"));
    }
    if trimmed.split('.').any(str::is_empty) {
        return Err(format!(
            "{name:?} has an empty label (two dots in a row or a second trailing dot)"
        ));
    }
    // ASCII names skip IDNA unless they carry an A-label, which must be valid punycode
    // of a valid U-label (UTS #46 checks it).
    let ascii = if trimmed.is_ascii() && !trimmed.to_ascii_lowercase().contains("xn--") {
        trimmed.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii_cow(trimmed.as_bytes(), idna::AsciiDenyList::URL)
            .map_err(|_| {
                format!("{name:?} is not a valid internationalised domain name (UTS #46)")
            })?
            .into_owned()
    };
    check_ldh(name, &ascii)?;
    Ok(ascii)
}

fn ip_literal(name: &str) -> Option<IpAddr> {
    let inner = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    inner.parse().ok()
}

/// Letters, digits, hyphens (and underscores, which real service names use) in labels of
/// 1..=63 octets, at most 253 octets in all; no label starts or ends with a hyphen.
fn check_ldh(original: &str, ascii: &str) -> core::result::Result<(), String> {
    if ascii.len() > MAX_NAME_LEN {
        return Err(format!(
            "{original:?} is {} octets as A-labels, over the {MAX_NAME_LEN}-octet limit of a DNS name",
            ascii.len()
        ));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(format!("{original:?} has an empty label"));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(format!(
                "{original:?} has a label of {} octets, over the {MAX_LABEL_LEN}-octet limit",
                label.len()
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!(
                "{original:?} contains {c:?}; a host name has letters, digits and hyphens only \
                 (wildcards belong only in the left-most label of a policy host: *.example.com or **.example.com)"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "{original:?} has the label {label:?}, which starts or ends with a hyphen"
            ));
        }
    }
    Ok(())
}

/// How a policy entry's host matches names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HostPattern {
    /// `api.example.com`: that name (and its subdomains with `includeSubdomains`).
    Exact(String),
    /// `*.example.com`: exactly one extra label.
    OneLabel(String),
    /// `**.example.com`: the suffix itself and any number of extra labels.
    AnyDepth(String),
}

/// How specific a match is; the greatest wins (SPEC.md "Precedence").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Specificity {
    /// The name equals the entry's exact host.
    exact: bool,
    /// Labels in the part of the name the entry named.
    suffix_labels: usize,
    /// `*.` (one label) is narrower than `**.` or `includeSubdomains` at the same suffix.
    one_label: bool,
}

impl HostPattern {
    /// Parses a policy host: an exact name, `*.name` or `**.name`, normalised.
    pub fn parse(text: &str) -> core::result::Result<HostPattern, String> {
        if text.is_empty() {
            return Err("the host is empty".into());
        }
        let (make, rest, wildcard): (fn(String) -> HostPattern, &str, bool) =
            if let Some(rest) = text.strip_prefix("**.") {
                (HostPattern::AnyDepth, rest, true)
            } else if let Some(rest) = text.strip_prefix("*.") {
                (HostPattern::OneLabel, rest, true)
            } else {
                (HostPattern::Exact, text, false)
            };
        if rest.contains('*') {
            return Err(format!(
                "{text:?}: a wildcard may only be the whole left-most label, as *.example.com \
                 (one label) or **.example.com (any depth)"
            ));
        }
        let name = normalize_name(rest).map_err(|reason| format!("{text:?}: {reason}"))?;
        if wildcard && ip_literal(rest).is_some() {
            return Err(format!("{text:?}: an IP address cannot take a wildcard"));
        }
        Ok(make(name))
    }

    /// The name the pattern is anchored at (the host or the suffix after the wildcard).
    pub fn name(&self) -> &str {
        match self {
            HostPattern::Exact(n) | HostPattern::OneLabel(n) | HostPattern::AnyDepth(n) => n,
        }
    }

    /// Whether this names an IP address rather than a DNS name.
    pub fn is_ip(&self) -> bool {
        self.name().parse::<IpAddr>().is_ok()
    }

    /// How specifically this pattern matches `name` (already normalised), if at all.
    pub fn matches(&self, name: &str, include_subdomains: bool) -> Option<Specificity> {
        let labels = |s: &str| s.split('.').count();
        match self {
            HostPattern::Exact(host) if host == name => Some(Specificity {
                exact: true,
                suffix_labels: labels(host),
                one_label: false,
            }),
            HostPattern::Exact(host) if include_subdomains && is_below(name, host) => {
                Some(Specificity {
                    exact: false,
                    suffix_labels: labels(host),
                    one_label: false,
                })
            }
            HostPattern::Exact(_) => None,
            HostPattern::OneLabel(suffix) => {
                let head = name.strip_suffix(suffix.as_str())?.strip_suffix('.')?;
                (!head.is_empty() && !head.contains('.')).then(|| Specificity {
                    exact: false,
                    suffix_labels: labels(suffix),
                    one_label: true,
                })
            }
            HostPattern::AnyDepth(suffix) => {
                (name == suffix || is_below(name, suffix)).then(|| Specificity {
                    exact: false,
                    suffix_labels: labels(suffix),
                    one_label: false,
                })
            }
        }
    }

    /// The names this pattern covers, as a key two entries must not share: `**.x` and
    /// `x` with `includeSubdomains` cover the same names.
    pub(crate) fn coverage_key(&self, include_subdomains: bool) -> (u8, &str) {
        match self {
            HostPattern::Exact(n) if include_subdomains => (2, n),
            HostPattern::Exact(n) => (0, n),
            HostPattern::OneLabel(n) => (1, n),
            HostPattern::AnyDepth(n) => (2, n),
        }
    }
}

/// True when `name` is a proper subdomain of `parent` (label-aligned).
pub(crate) fn is_below(name: &str, parent: &str) -> bool {
    name.strip_suffix(parent)
        .and_then(|head| head.strip_suffix('.'))
        .is_some_and(|head| !head.is_empty())
}

/// The pattern as written in a policy document (canonical form).
impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Exact(n) => f.write_str(n),
            HostPattern::OneLabel(n) => write!(f, "*.{n}"),
            HostPattern::AnyDepth(n) => write!(f, "**.{n}"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise() {
        let table = [
            ("API.Example.COM", "api.example.com"),
            ("api.example.com.", "api.example.com"),
            // U-labels become A-labels (RFC 3492 examples; `idn2 bücher.example`).
            ("bücher.example", "xn--bcher-kva.example"),
            ("BÜCHER.example.", "xn--bcher-kva.example"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("XN--BCHER-KVA.example", "xn--bcher-kva.example"),
            ("例え.jp", "xn--r8jz45g.jp"),
            ("_acme.example.com", "_acme.example.com"),
            ("192.0.2.1", "192.0.2.1"),
            ("[2001:DB8::1]", "2001:db8::1"),
            ("2001:db8:0::1", "2001:db8::1"),
        ];
        for (input, want) in table {
            assert_eq!(normalize_hostname(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn bad_names_are_refused() {
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = format!("{}com", "abcdefghi.".repeat(26)); // 263 octets
        let ok_name = format!("{}.com", vec!["a".repeat(63); 3].join(".")); // 195 octets
        assert!(normalize_hostname(&ok_name).is_ok());
        let table: [(&str, &str); 12] = [
            ("", "empty"),
            (".", "only a dot"),
            (".example.com", "starts with a dot"),
            ("a..example.com", "empty label"),
            ("example.com..", "empty label"),
            (&long_label, "63-octet"),
            (&long_name, "253-octet"),
            ("exa mple.com", "contains"),
            ("-a.example.com", "hyphen"),
            ("xn--zz.example", "internationalised"),
            ("*.example.com", "contains"),
            ("a/b.com", "contains"),
        ];
        for (input, words) in table {
            let e = normalize_hostname(input).unwrap_err();
            assert_eq!(e.code(), "INVALID_ARGUMENT");
            assert!(e.to_string().contains(words), "{input:?}: {e}");
        }
    }

    #[test]
    fn patterns_parse_or_are_refused() {
        let ok = [
            (
                "api.example.com",
                HostPattern::Exact("api.example.com".into()),
            ),
            (
                "*.Example.com.",
                HostPattern::OneLabel("example.com".into()),
            ),
            (
                "**.example.com",
                HostPattern::AnyDepth("example.com".into()),
            ),
            (
                "*.bücher.example",
                HostPattern::OneLabel("xn--bcher-kva.example".into()),
            ),
            ("192.0.2.1", HostPattern::Exact("192.0.2.1".into())),
        ];
        for (text, want) in ok {
            assert_eq!(HostPattern::parse(text).unwrap(), want, "{text}");
        }
        let bad = [
            ("*.*.example.com", "wildcard"),
            ("*example.com", "wildcard"),
            ("a.*.com", "wildcard"),
            ("***.example.com", "wildcard"),
            ("*", "wildcard"),
            ("*.", "empty"),
            ("**.", "empty"),
            ("", "empty"),
            (".example.com", "starts with a dot"),
            ("a..b", "empty label"),
            ("*.192.0.2.1", "IP address"),
        ];
        for (text, words) in bad {
            let e = HostPattern::parse(text).unwrap_err();
            assert!(e.contains(words), "{text:?}: {e}");
        }
    }

    #[test]
    fn okhttp_pattern_semantics() {
        let one = HostPattern::parse("*.example.com").unwrap();
        let any = HostPattern::parse("**.example.com").unwrap();
        let exact = HostPattern::parse("example.com").unwrap();
        // (name, *., **., exact, exact+includeSubdomains)
        let table = [
            ("example.com", false, true, true, true),
            ("a.example.com", true, true, false, true),
            ("a.b.example.com", false, true, false, true),
            ("aexample.com", false, false, false, false),
            ("example.com.evil", false, false, false, false),
            ("com", false, false, false, false),
        ];
        for (name, m_one, m_any, m_exact, m_sub) in table {
            assert_eq!(one.matches(name, false).is_some(), m_one, "*. {name}");
            assert_eq!(any.matches(name, false).is_some(), m_any, "**. {name}");
            assert_eq!(exact.matches(name, false).is_some(), m_exact, "= {name}");
            assert_eq!(exact.matches(name, true).is_some(), m_sub, "sub {name}");
        }
    }

    #[test]
    fn specificity_orders_exact_then_longest_suffix_then_one_label() {
        let name = "a.b.example.com";
        let s = |p: &str, sub: bool| HostPattern::parse(p).unwrap().matches(name, sub).unwrap();
        assert!(s("a.b.example.com", false) > s("*.b.example.com", false));
        assert!(s("*.b.example.com", false) > s("**.b.example.com", false));
        assert_eq!(s("**.b.example.com", false), s("b.example.com", true));
        assert!(s("**.b.example.com", false) > s("**.example.com", false));
        assert!(s("b.example.com", true) > s("example.com", true));
    }
}
