//! Host names and host patterns of a pin policy.
//!
//! Names are compared in one canonical form: lowercase, A-labels (IDNA / punycode,
//! UTS #46 via the `idna` crate), one trailing dot removed (RFC 5890, RFC 6125 section
//! 6.4.2). Patterns follow OkHttp's `CertificatePinner`: `*.example.com` matches exactly
//! one extra label, `**.example.com` zero or more; an exact host with
//! `includeSubdomains` matches itself and every name below it (Android NSC, TrustKit).

use crate::error::{Error, Result};
use crate::limits::{MAX_LABEL_LEN, MAX_NAME_LEN};
use core::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A host name in the one canonical form certpin compares (policy lookups and the
/// reference name of hostname verification alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CanonicalHost {
    /// A DNS name: lowercase A-labels, no trailing dot.
    Dns(String),
    /// An IP address; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is its IPv4.
    Ip(IpAddr),
}

impl fmt::Display for CanonicalHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalHost::Dns(name) => f.write_str(name),
            CanonicalHost::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// The canonical form of a host name as certpin compares it: lowercase A-labels without
/// a trailing dot. An IP literal comes back in its standard text form, however it was
/// spelt: IPv4 by the WHATWG URL host parser's rules (those of `inet_aton`: `127.1`,
/// `2130706433`, `0x7f.0.0.1`, `0177.0.0.1` are all `127.0.0.1`), IPv6 in any text form
/// (brackets allowed), an IPv4-mapped IPv6 address as its IPv4. A name whose last label
/// is a number but that is no IPv4 address (`1.2.3.256`, `example.123`) is refused, as
/// URL parsers refuse it: it could never be a DNS name a certificate was issued for.
pub fn normalize_hostname(name: &str) -> Result<String> {
    normalize_name(name).map_err(|reason| Error::InvalidArgument {
        argument: "hostname".into(),
        reason,
    })
}

/// `normalize_hostname` with the reason alone, for callers that wrap it in their own
/// error (a policy path, an HPKP directive).
pub(crate) fn normalize_name(name: &str) -> core::result::Result<String, String> {
    canonical_host(name).map(|host| host.to_string())
}

/// The one host-name canonicaliser (see [`normalize_hostname`]).
pub(crate) fn canonical_host(name: &str) -> core::result::Result<CanonicalHost, String> {
    if name.is_empty() {
        return Err("the host name is empty".into());
    }
    if name.len() > MAX_NAME_LEN * 4 + 2 {
        return Err(format!(
            "the host name is {} bytes, far over the {MAX_NAME_LEN}-octet limit of a DNS name",
            name.len()
        ));
    }
    if let Some(inner) = name.strip_prefix('[') {
        return inner
            .strip_suffix(']')
            .and_then(|inner| inner.parse::<Ipv6Addr>().ok())
            .map(ipv6_host)
            .ok_or_else(|| format!("{name:?} is not a valid bracketed IPv6 address"));
    }
    if name.contains(':') {
        return name.parse::<Ipv6Addr>().map(ipv6_host).map_err(|_| {
            format!("{name:?} is not a valid IPv6 address (nor a DNS name: a name has no ':')")
        });
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
    let lowercase = trimmed.is_ascii().then(|| trimmed.to_ascii_lowercase());
    let ascii = if let Some(lowercase) = lowercase.filter(|l| !l.contains("xn--")) {
        lowercase
    } else {
        idna::domain_to_ascii_cow(trimmed.as_bytes(), idna::AsciiDenyList::URL)
            .map_err(|_| {
                format!("{name:?} is not a valid internationalised domain name (UTS #46)")
            })?
            .into_owned()
    };
    // After IDNA, as the WHATWG URL parser does: full-width digits are digits too.
    if let Some(ipv4) = ipv4_host(&ascii) {
        return ipv4.map(|ip| CanonicalHost::Ip(IpAddr::V4(ip))).map_err(|why| {
            format!(
                "{name:?} ends in a number, so it can only be an IPv4 address, and it is not one ({why})"
            )
        });
    }
    check_ldh(name, &ascii)?;
    Ok(CanonicalHost::Dns(ascii))
}

fn ipv6_host(ip: Ipv6Addr) -> CanonicalHost {
    match ip.to_ipv4_mapped() {
        Some(v4) => CanonicalHost::Ip(IpAddr::V4(v4)),
        None => CanonicalHost::Ip(IpAddr::V6(ip)),
    }
}

/// The WHATWG URL Standard's IPv4 parser (section 3.5, "ends in a number checker" and
/// "IPv4 parser", the rules of `inet_aton`): `None` when the last label is not a
/// number (a DNS name), else the address or why it is none. `name` has no empty label.
fn ipv4_host(name: &str) -> Option<core::result::Result<Ipv4Addr, String>> {
    let last = name.rsplit('.').next()?;
    let is_number = !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || last
                .strip_prefix("0x")
                .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit())));
    if !is_number {
        return None;
    }
    let parts: Vec<&str> = name.split('.').collect();
    Some(ipv4_parts(&parts))
}

fn ipv4_parts(parts: &[&str]) -> core::result::Result<Ipv4Addr, String> {
    if parts.len() > 4 {
        return Err(format!("{} parts, at most 4", parts.len()));
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in parts {
        numbers.push(ipv4_number(part).ok_or_else(|| format!("{part:?} is not a number"))?);
    }
    let (last, init) = numbers.split_last().ok_or("no parts")?;
    let mut address: u64 = 0;
    for (i, n) in init.iter().enumerate() {
        if *n > 255 {
            return Err(format!("{n} is over 255"));
        }
        address |= n << (8 * (3 - i));
    }
    let room = 8 * (5 - numbers.len()) as u32; // bits left for the last number
    if *last >= 1u64 << room {
        return Err(format!(
            "{last} does not fit in the last {} octets",
            room / 8
        ));
    }
    u32::try_from(address | last)
        .map(Ipv4Addr::from)
        .map_err(|_| "over 32 bits".into())
}

/// One part: decimal, `0x` hexadecimal (may be `0x` alone: 0), or leading-`0` octal.
fn ipv4_number(part: &str) -> Option<u64> {
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (part.get(1..)?, 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() {
        return (radix == 16).then_some(0);
    }
    digits.bytes().try_fold(0u64, |n, b| {
        let digit = u64::from(char::from(b).to_digit(radix)?);
        n.checked_mul(u64::from(radix))?
            .checked_add(digit)
            .filter(|n| *n <= u64::from(u32::MAX))
    })
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

/// How specific a match is; the greatest wins (README "Precedence").
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
        let name = canonical_host(rest).map_err(|reason| format!("{text:?}: {reason}"))?;
        if wildcard && matches!(name, CanonicalHost::Ip(_)) {
            return Err(format!("{text:?}: an IP address cannot take a wildcard"));
        }
        Ok(make(name.to_string()))
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

    /// Every spelling of one IPv4 address has one canonical form. Expected values from the
    /// WHATWG URL parser as Node implements it: `new URL("http://" + input).hostname`.
    #[test]
    fn ip_spellings_have_one_canonical_form() {
        let table = [
            ("127.0.0.1", "127.0.0.1"),
            ("127.1", "127.0.0.1"),
            ("127.0.1", "127.0.0.1"),
            ("2130706433", "127.0.0.1"),
            ("0x7f.0.0.1", "127.0.0.1"),
            ("0X7F.0.0.1", "127.0.0.1"),
            ("0x7f000001", "127.0.0.1"),
            ("0177.0.0.1", "127.0.0.1"),
            ("017700000001", "127.0.0.1"),
            ("127.0.0.1.", "127.0.0.1"),
            ("0x.0.0.1", "0.0.0.1"),
            ("00", "0.0.0.0"),
            ("4294967295", "255.255.255.255"),
            ("１２７.０.０.１", "127.0.0.1"),
            ("::ffff:127.0.0.1", "127.0.0.1"),
            ("[::ffff:7f00:1]", "127.0.0.1"),
            ("::FFFF:127.0.0.1", "127.0.0.1"),
            ("0:0:0:0:0:ffff:7f00:1", "127.0.0.1"),
            // IPv4-compatible (deprecated, RFC 4291 section 2.5.5.1) is another address.
            ("::127.0.0.1", "::7f00:1"),
            ("[::1]", "::1"),
        ];
        for (input, want) in table {
            assert_eq!(normalize_hostname(input).unwrap(), want, "{input}");
            assert_eq!(
                HostPattern::parse(input).unwrap(),
                HostPattern::Exact(want.into()),
                "pattern {input}"
            );
        }
    }

    /// Names whose last label is a number but that are no IPv4 address: URL parsers refuse
    /// them (`new URL("http://1.2.3.256")` throws), so no certificate can be for them.
    #[test]
    fn numeric_last_labels_that_are_no_address_are_refused() {
        for input in [
            "1.2.3.256",
            "1.2.3.4.5",
            "4294967296",
            "example.123",
            "example.0x1f",
            "a.b.09",
            "0x100.0.0.1",
            "256.1",
            "1.16777216",
            "99999999999999999999999",
            "[127.0.0.1]",
            "fe80::1%eth0",
            "::ffff:127.0.0.256",
        ] {
            assert!(normalize_hostname(input).is_err(), "{input}");
            assert!(HostPattern::parse(input).is_err(), "pattern {input}");
        }
        for input in ["*.1.2.3.4", "**.127.1", "*.example.123"] {
            assert!(HostPattern::parse(input).is_err(), "pattern {input}");
        }
        // A numeric label elsewhere is fine.
        assert_eq!(normalize_hostname("123.example").unwrap(), "123.example");
        assert_eq!(normalize_hostname("0x7f.example").unwrap(), "0x7f.example");
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
