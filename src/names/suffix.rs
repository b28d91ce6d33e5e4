//! The public suffixes certpin knows: one list for every rule that needs it (a
//! certificate wildcard may not sit directly above one, RFC 6125 section 7.2 and
//! RFC 9525 section 6.3; a policy pattern that covers one is flagged by `lint`).
//!
//! Every single-label name (`com`, `dev`) is a public suffix, and so is each entry of
//! [`PUBLIC_SUFFIXES`]: the common multi-label registry and hosting suffixes. The full
//! Public Suffix List (the `psl` crate) would add about 240 KB gzip to the wasm module,
//! most of the package's budget, so this rule can miss rarer suffixes; it never calls a
//! private name a public suffix unless it is listed here.

/// Multi-label public suffixes, sorted (a test checks it), lowercase A-labels.
pub const PUBLIC_SUFFIXES: &[&str] = &[
    "ac.jp",
    "ac.uk",
    "amazonaws.com",
    "appspot.com",
    "azurewebsites.net",
    "blogspot.com",
    "cloudfront.net",
    "co.id",
    "co.il",
    "co.in",
    "co.jp",
    "co.kr",
    "co.nz",
    "co.th",
    "co.uk",
    "co.za",
    "com.ar",
    "com.au",
    "com.br",
    "com.cn",
    "com.co",
    "com.eg",
    "com.hk",
    "com.mx",
    "com.my",
    "com.pe",
    "com.ph",
    "com.pk",
    "com.pl",
    "com.sa",
    "com.sg",
    "com.tr",
    "com.tw",
    "com.ua",
    "com.vn",
    "edu.au",
    "firebaseapp.com",
    "github.io",
    "gitlab.io",
    "go.jp",
    "gov.au",
    "gov.cn",
    "gov.uk",
    "herokuapp.com",
    "ltd.uk",
    "me.uk",
    "ne.jp",
    "net.au",
    "net.br",
    "net.cn",
    "net.in",
    "net.nz",
    "net.uk",
    "netlify.app",
    "or.jp",
    "or.kr",
    "org.au",
    "org.br",
    "org.cn",
    "org.in",
    "org.nz",
    "org.uk",
    "org.za",
    "pages.dev",
    "plc.uk",
    "s3.amazonaws.com",
    "sch.uk",
    "vercel.app",
    "web.app",
    "workers.dev",
];

/// Whether `name` (normalised: lowercase A-labels, no trailing dot) is a public suffix
/// under certpin's rule above. An IP address is none.
pub fn is_public_suffix(name: &str) -> bool {
    (!name.contains('.') && name.parse::<std::net::IpAddr>().is_err())
        || PUBLIC_SUFFIXES.binary_search(&name).is_ok()
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;
    use crate::finding::FindingCode;

    #[test]
    fn the_list_is_sorted_and_unique() {
        assert!(PUBLIC_SUFFIXES
            .windows(2)
            .all(|w| matches!(w, [a, b] if a < b)));
    }

    /// The two rules that need the list agree on every entry (they disagreed before:
    /// a certificate wildcard `*.sch.uk` matched while a `**.sch.uk` policy was flagged).
    #[test]
    fn wildcards_and_lint_agree_on_every_suffix() {
        for suffix in PUBLIC_SUFFIXES {
            assert!(
                !crate::names::hostname::dns_name_matches(
                    &format!("*.{suffix}"),
                    &format!("a.{suffix}")
                ),
                "*.{suffix}"
            );
            let policy = crate::policy::Policy::from_json(&format!(
                r#"{{"version":1,"domains":[{{"host":"**.{suffix}","pins":["sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA="]}}]}}"#
            ))
            .unwrap_or_else(|e| panic!("{suffix}: {e}"));
            let findings = crate::policy::lint::lint(
                &policy,
                crate::time::UnixTime::from_millis(0),
                None,
                &crate::signature::verify::RustCryptoVerifier,
            );
            assert!(
                findings
                    .iter()
                    .any(|f| f.code == FindingCode::PublicSuffixPattern),
                "**.{suffix}: {findings:?}"
            );
        }
        // A private name one label below a suffix is neither.
        assert!(crate::names::hostname::dns_name_matches(
            "*.example.sch.uk",
            "a.example.sch.uk"
        ));
    }

    #[test]
    fn suffixes() {
        for (name, want) in [
            ("com", true),
            ("co.uk", true),
            ("sch.uk", true),
            ("s3.amazonaws.com", true),
            ("amazonaws.com", true),
            ("com.pl", true),
            ("example.com", false),
            ("example.co.uk", false),
            ("127.0.0.1", false),
            ("::1", false),
        ] {
            assert_eq!(is_public_suffix(name), want, "{name}");
        }
    }
}
