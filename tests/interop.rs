//! Foreign formats, import and export: policies imported from Android's network security
//! config (lenient), OkHttp `CertificatePinner` source and TrustKit configurations, with
//! the findings that list what did not carry over; every export format against its
//! golden (tests/interop/) and what each cannot express; the Android NSC and HPKP round
//! trips.
//!
//! The configurations are the projects' own documentation examples:
//! - Android: developer.android.com/privacy-and-security/security-config ("Pin
//!   certificates", "Configuration inheritance", "Debug-only CAs", "Opt out of
//!   cleartext traffic"); their pins are the docs' (32-byte digests).
//! - OkHttp: the `CertificatePinner` KDoc / README (Kotlin) and
//!   samples/guide/.../CertificatePinning.java (Java), with the docs' pins.
//! - TrustKit: docs/getting-started.md's configuration, written as JSON.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::useless_format
)]

mod common;
use certpin::{
    export, from_hpkp_header, import_android_nsc, import_android_nsc_lenient, import_okhttp,
    import_trustkit, Error, HostPattern, Import, Mode, Policy, Severity, UnixTime,
};
use common::codes;
use common::finding_codes::*;
use common::policies::*;

// The Android docs' pins ("Pin certificates").
const ANDROID_A: &str = "7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=";
const ANDROID_B: &str = "fwza0LRMXouZHRC8Ei+4PyuldPDcf3UKgO/04cDM1oE=";
// OkHttp's docs' pins (publicobject.com's chain at the time).
const OK_1: &str = "sha256/afwiKY3RxoMmLkuRW1l7QsPZTJPwDS2pdDROQjXw8ig=";
const OK_2: &str = "sha256/klO23nT2ehFDXCfx3eHTDRESMz3asj1muO+4aIdjiuY=";
const OK_3: &str = "sha256/grX4Ta9HpZx6tSHkmCrvpApTQGo67CYDnvprLg5yRME=";
const OK_4: &str = "sha256/lCppFqbkrlJ3EcVFAkeip0+44VaoJUymbnOaEUk7tEU=";
// printf abc | openssl dgst -sha1 -binary | base64
const SHA1: &str = "sha1/qZk+NkcGgWq6PiVxeFDCbJzQ2J0=";
// TrustKit's getting-started pins.
const TK_1: &str = "JbQbUG5JMJUoI6brnx0x3vZF6jilxsapbXGVfjhN8Fg=";
const TK_2: &str = "WoiWRyIOVNa9ihaBciRSC7XHjliYS9VwUGOIud4PB18=";

fn pins(policy: &Policy, index: usize) -> Vec<String> {
    policy.domains()[index]
        .pins
        .iter()
        .map(|p| p.pin.to_string())
        .collect()
}

fn host(policy: &Policy, index: usize) -> String {
    policy.domains()[index].host.to_string()
}

// ---------------------------------------------------------------- Android

const ANDROID_PINS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<network-security-config>
    <domain-config>
        <domain includeSubdomains="true">example.com</domain>
        <pin-set expiration="2018-01-01">
            <pin digest="SHA-256">7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=</pin>
            <!-- backup pin -->
            <pin digest="SHA-256">fwza0LRMXouZHRC8Ei+4PyuldPDcf3UKgO/04cDM1oE=</pin>
        </pin-set>
    </domain-config>
</network-security-config>"#;

/// "Configuration inheritance" with the docs' pin-set added to the domain-config, a
/// nested config, trust anchors with overridePins, and debug overrides.
const ANDROID_REAL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<network-security-config>
    <base-config cleartextTrafficPermitted="true">
        <trust-anchors>
            <certificates src="system" />
        </trust-anchors>
    </base-config>
    <domain-config cleartextTrafficPermitted="false">
        <domain includeSubdomains="true">secure.example.com</domain>
        <pin-set expiration="2027-06-01">
            <pin digest="SHA-256">7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRhJ3Y=</pin>
            <pin digest="SHA-256">fwza0LRMXouZHRC8Ei+4PyuldPDcf3UKgO/04cDM1oE=</pin>
        </pin-set>
        <trust-anchors>
            <certificates src="@raw/my_ca" />
            <certificates src="user" overridePins="true" />
        </trust-anchors>
        <domain-config>
            <domain>api.secure.example.com</domain>
        </domain-config>
    </domain-config>
    <domain-config cleartextTrafficPermitted="true">
        <domain>insecure.example.com</domain>
    </domain-config>
    <debug-overrides>
        <trust-anchors>
            <certificates src="@raw/debug_cas" overridePins="true" />
        </trust-anchors>
    </debug-overrides>
</network-security-config>"#;

#[test]
fn android_docs_pin_example_strict_and_lenient_agree() {
    let strict = import_android_nsc(ANDROID_PINS).unwrap();
    let Import { policy, findings } = import_android_nsc_lenient(ANDROID_PINS).unwrap();
    assert_eq!(policy, strict);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(host(&policy, 0), "example.com");
    assert!(policy.domains()[0].include_subdomains);
    assert_eq!(
        pins(&policy, 0),
        [format!("sha256/{ANDROID_A}"), format!("sha256/{ANDROID_B}")]
    );
    // date -u -d 2018-01-01 +%s
    assert_eq!(
        policy.domains()[0].expires,
        Some(UnixTime::from_seconds(1_514_764_800))
    );
}

#[test]
fn android_real_config_is_refused_strictly_and_imported_leniently_with_every_finding() {
    let e = import_android_nsc(ANDROID_REAL).unwrap_err();
    assert_eq!(e.code(), "NSC_INVALID");
    let Import { policy, findings } = import_android_nsc_lenient(ANDROID_REAL).unwrap();
    // The nested domain-config inherits the pin-set (Android's inheritance); the
    // unpinned insecure.example.com is not an entry.
    let hosts: Vec<String> = (0..policy.domains().len())
        .map(|i| host(&policy, i))
        .collect();
    assert_eq!(hosts, ["api.secure.example.com", "secure.example.com"]);
    assert_eq!(pins(&policy, 0), pins(&policy, 1));
    assert_eq!(
        policy.domains()[0].expires,
        Some(UnixTime::from_seconds(1_811_808_000))
    ); // date -u -d 2027-06-01 +%s
    assert_eq!(
        codes(&findings),
        [
            "IMPORT_CLEARTEXT",       // base-config true
            "IMPORT_TRUST_ANCHORS",   // base-config trust anchors
            "IMPORT_CLEARTEXT",       // secure.example.com false
            "IMPORT_PIN_OVERRIDE",    // user overridePins
            "IMPORT_TRUST_ANCHORS",   // domain-config trust anchors
            "IMPORT_CLEARTEXT",       // insecure.example.com true
            "IMPORT_NOT_PINNED",      // insecure.example.com
            "IMPORT_DEBUG_OVERRIDES", // debug-overrides
        ]
    );
    let text = |i: usize| findings[i].message.as_str();
    assert!(
        text(0).contains("network-security-config/base-config[1]"),
        "{}",
        text(0)
    );
    assert_eq!(findings[0].severity, Severity::Warning);
    assert_eq!(findings[2].severity, Severity::Info);
    assert!(text(3).contains("src=\"user\""), "{}", text(3));
    assert!(text(4).contains("@raw/my_ca, user"), "{}", text(4));
    assert!(
        text(4).contains("domain-config[1]/trust-anchors[1]"),
        "{}",
        text(4)
    );
    assert!(text(6).contains("insecure.example.com"), "{}", text(6));
    assert!(text(7).contains("bypass the pins"), "{}", text(7));
    for f in &findings {
        assert!(
            IMPORT_FINDING_CODES.contains(&f.code.as_str()),
            "{}",
            f.code
        );
    }
}

#[test]
fn android_lenient_still_refuses_what_would_change_which_chains_pass() {
    let wrap = |inner: &str| {
        format!("<network-security-config><domain-config><domain>a.example.com</domain>{inner}</domain-config></network-security-config>")
    };
    let pin = |p: &str| format!("<pin-set><pin digest=\"SHA-256\">{p}</pin></pin-set>");
    let table = [
        (wrap(&pin("7HIpactkIAq2Y49orFOOQKurWxmmSFZhBCoQYcRh")), "bytes"),
        (wrap("<pin-set><pin digest=\"SHA-1\">qZk+NkcGgWq6PiVxeFDCbJzQ2J0=</pin></pin-set>"), "SHA-256"),
        (wrap(&format!("<pin-set><pin digest=\"SHA-256\">{ANDROID_A}</pin><digest/></pin-set>")), "only <pin>"),
        (wrap("<pin-set></pin-set>"), "no <pin>"),
        (wrap(&format!("{}{}", pin(ANDROID_A), pin(ANDROID_B))), "more than one"),
        (wrap(&format!("<pin-set expiration=\"2027-6-1\"><pin digest=\"SHA-256\">{ANDROID_A}</pin></pin-set>")), "not a date"),
        (format!("<network-security-config><domain-config><domain>*.example.com</domain>{}</domain-config></network-security-config>", pin(ANDROID_A)), "wildcards"),
        ("<network-security-config><base-config/><debug-overrides/></network-security-config>".to_string(), "pins no domain"),
        ("<manifest/>".to_string(), "not <network-security-config>"),
        (format!("<network-security-config><base-config>{}</base-config>{}</network-security-config>", pin(ANDROID_A), wrap(&pin(ANDROID_B)).replace("<network-security-config>", "").replace("</network-security-config>", "")), "only inside a <domain-config>"),
        (format!("<network-security-config><debug-overrides>{}</debug-overrides>{}</network-security-config>", pin(ANDROID_A), wrap(&pin(ANDROID_B)).replace("<network-security-config>", "").replace("</network-security-config>", "")), "only inside a <domain-config>"),
        (format!("<network-security-config>{0}{0}</network-security-config>", format_args!("<domain-config><domain>a.com</domain>{}</domain-config>", pin(ANDROID_A))), "same names"),
        (format!("<network-security-config><domain-config><domain>a.com</domain>{}</domain-config>", pin(ANDROID_A)), "not closed"),
    ];
    for (xml, words) in table {
        let e = import_android_nsc_lenient(&xml).unwrap_err();
        assert_eq!(e.code(), "NSC_INVALID", "{xml}");
        assert!(
            e.to_string().contains(words),
            "{xml}: {e} should say {words}"
        );
    }
    let big = format!(
        "<network-security-config>{}</network-security-config>",
        " ".repeat(certpin::MAX_NSC_BYTES)
    );
    assert!(import_android_nsc_lenient(&big)
        .unwrap_err()
        .to_string()
        .contains("over the limit"));
}

#[test]
fn android_unknown_elements_and_attributes_are_findings_not_silence() {
    let xml = format!(
        r#"<network-security-config future="1">
  <domain-config hstsEnforced="true">
    <domain>a.example.com</domain>
    <certificateTransparency enabled="true"/>
    <pin-set><pin digest="SHA-256">{ANDROID_A}</pin><pin digest="SHA-256">{ANDROID_B}</pin></pin-set>
  </domain-config>
  <something-new/>
</network-security-config>"#
    );
    let Import { policy, findings } = import_android_nsc_lenient(&xml).unwrap();
    assert_eq!(policy.domains().len(), 1);
    assert_eq!(codes(&findings), ["IMPORT_UNSUPPORTED"; 4]);
    let all = findings
        .iter()
        .map(|f| f.message.clone())
        .collect::<Vec<_>>()
        .join("\n");
    for word in [
        "future=",
        "hstsEnforced=",
        "<certificateTransparency>",
        "<something-new>",
    ] {
        assert!(all.contains(word), "{all} should name {word}");
    }
}

// ---------------------------------------------------------------- OkHttp

/// The CertificatePinner KDoc / README example, Kotlin.
const OKHTTP_KOTLIN: &str = r#"
import okhttp3.CertificatePinner
import okhttp3.OkHttpClient

class CertificatePinning {
  private val client = OkHttpClient.Builder()
      .certificatePinner(
          CertificatePinner.Builder()
              .add("publicobject.com", "sha256/afwiKY3RxoMmLkuRW1l7QsPZTJPwDS2pdDROQjXw8ig=")
              // .add("old.publicobject.com", "sha256/commented-out")
              .add(
                  "**.publicobject.com",
                  "sha256/klO23nT2ehFDXCfx3eHTDRESMz3asj1muO+4aIdjiuY=",
              )
              .build())
      .build()
}
"#;

/// samples/guide/src/main/java/okhttp3/recipes/CertificatePinning.java, abridged.
const OKHTTP_JAVA: &str = r#"
package okhttp3.recipes;

import java.security.cert.Certificate;
import okhttp3.CertificatePinner;
import okhttp3.OkHttpClient;

public final class CertificatePinning {
  private final OkHttpClient client;

  public CertificatePinning() {
    client = new OkHttpClient.Builder()
        .certificatePinner(
            new CertificatePinner.Builder()
                .add("publicobject.com", "sha256/afwiKY3RxoMmLkuRW1l7QsPZTJPwDS2pdDROQjXw8ig=")
                .add("publicobject.com", "sha256/klO23nT2ehFDXCfx3eHTDRESMz3asj1muO+4aIdjiuY=")
                .add("publicobject.com", "sha256/grX4Ta9HpZx6tSHkmCrvpApTQGo67CYDnvprLg5yRME=")
                .add("publicobject.com", "sha256/lCppFqbkrlJ3EcVFAkeip0+44VaoJUymbnOaEUk7tEU=")
                .build())
        .build();
  }
}
"#;

#[test]
fn okhttp_kotlin_readme_example() {
    let Import { policy, findings } = import_okhttp(OKHTTP_KOTLIN).unwrap();
    assert_eq!(host(&policy, 0), "publicobject.com");
    assert_eq!(host(&policy, 1), "**.publicobject.com");
    // OkHttp accepts both patterns' pins for publicobject.com: the exact entry gets both.
    assert_eq!(pins(&policy, 0), [OK_1, OK_2]);
    assert_eq!(pins(&policy, 1), [OK_2]);
    assert_eq!(codes(&findings), ["IMPORT_PINS_MERGED"]);
    assert!(
        findings[0].message.contains("line 9"),
        "{}",
        findings[0].message
    );
    assert!(
        findings[0].message.contains("(line 11)"),
        "{}",
        findings[0].message
    );
}

#[test]
fn okhttp_java_recipe_unions_repeated_adds() {
    let Import { policy, findings } = import_okhttp(OKHTTP_JAVA).unwrap();
    assert_eq!(policy.domains().len(), 1);
    assert_eq!(host(&policy, 0), "publicobject.com");
    assert_eq!(pins(&policy, 0), [OK_1, OK_2, OK_3, OK_4]);
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(policy.domains()[0].mode, Mode::Enforce);
}

#[test]
fn okhttp_builder_variable_and_raw_strings() {
    let kotlin = format!(
        "val builder = CertificatePinner.Builder()\nbuilder.add(\"api.example.com\", \"\"\"{OK_1}\"\"\")\nbuilder.add(\"api.example.com\", \"{OK_2}\").add(\"*.example.com\", \"{OK_3}\")\nval pinner = builder.build()"
    );
    let Import { policy, .. } = import_okhttp(&kotlin).unwrap();
    assert_eq!(host(&policy, 0), "api.example.com");
    assert_eq!(pins(&policy, 0), [OK_1, OK_2, OK_3]); // *.example.com covers api.example.com
    assert_eq!(pins(&policy, 1), [OK_3]);
    let java = format!(
        "CertificatePinner.Builder b = new CertificatePinner.Builder();\nb.add(\"api.example.com\", \"{OK_1}\");\nb.add(\"api.example.com\", \"{OK_2}\");\nCertificatePinner p = b.build();"
    );
    let Import { policy, .. } = import_okhttp(&java).unwrap();
    assert_eq!(pins(&policy, 0), [OK_1, OK_2]);
}

#[test]
fn okhttp_patterns_map_and_partial_overlaps_are_stricter_with_a_finding() {
    let src = format!(
        "CertificatePinner.Builder()\n.add(\"*.example.com\", \"{OK_1}\")\n.add(\"**.api.example.com\", \"{OK_2}\")\n.add(\"a.b.example.com\", \"{OK_3}\")\n.build()"
    );
    let Import { policy, findings } = import_okhttp(&src).unwrap();
    assert_eq!(
        policy.domains()[0].host,
        HostPattern::OneLabel("example.com".into())
    );
    assert_eq!(
        policy.domains()[1].host,
        HostPattern::AnyDepth("api.example.com".into())
    );
    // *.example.com does not cover a.b.example.com (two labels): no merge.
    assert_eq!(pins(&policy, 2), [OK_3]);
    assert_eq!(pins(&policy, 1), [OK_2]);
    assert_eq!(codes(&findings), ["IMPORT_PATTERN_OVERLAP"]);
    assert!(findings[0].message.contains("api.example.com"));
}

#[test]
fn okhttp_sha1_pins_are_error_findings_and_sha1_only_is_refused() {
    let src = format!(
        "CertificatePinner.Builder().add(\"a.example.com\", \"{SHA1}\", \"{OK_1}\").build()"
    );
    let Import { policy, findings } = import_okhttp(&src).unwrap();
    assert_eq!(pins(&policy, 0), [OK_1]);
    assert_eq!(codes(&findings), ["IMPORT_SHA1_PIN"]);
    assert_eq!(findings[0].severity, Severity::Error);
    assert!(findings[0].message.contains(SHA1));
    let only = format!("CertificatePinner.Builder()\n  .add(\"a.example.com\", \"{SHA1}\")\n  .add(\"b.example.com\", \"{OK_1}\")\n  .add(\"a.example.com\", \"{SHA1}\")\n  .build()");
    let e = import_okhttp(&only).unwrap_err();
    assert!(
        matches!(e, Error::OkHttpInvalid { line: Some(2), .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("only sha1/"));
}

#[test]
fn okhttp_refusals_name_the_line() {
    let table: Vec<(String, Option<usize>, &str)> = vec![
        (
            format!("CertificatePinner.Builder()\n.add(HOST, \"{OK_1}\")"),
            Some(2),
            "not a string literal",
        ),
        (
            format!("CertificatePinner.Builder()\n.add(\"a.com\",\n \"sha256/\" + KEY)"),
            Some(3),
            "concatenation",
        ),
        (
            "CertificatePinner.Builder()\n.add(\"$host\", \"x\")".into(),
            Some(2),
            "template",
        ),
        (
            format!("CertificatePinner.Builder()\n.add(\"a.com\", *PINS)"),
            Some(2),
            "not a string literal",
        ),
        (
            "CertificatePinner.Builder()\n.add(\"a.com\")".into(),
            Some(2),
            "no pins",
        ),
        (
            "CertificatePinner.Builder().add(\"a.com\", \"sha256/AAAA\")".into(),
            Some(1),
            "bytes",
        ),
        (
            "CertificatePinner.Builder().add(\"a.com\", \"md5/AAAA\")".into(),
            Some(1),
            "start with sha256/",
        ),
        (
            format!("CertificatePinner.Builder()\n\n.add(\"a.*.com\", \"{OK_1}\")"),
            Some(3),
            "wildcard",
        ),
        (
            format!("CertificatePinner.Builder().apply {{ add(\"a.com\", \"{OK_1}\") }}"),
            Some(1),
            ".apply",
        ),
        ("val x = 1".into(), None, "no CertificatePinner.Builder()"),
        (
            "CertificatePinner.Builder().build()".into(),
            None,
            "no .add",
        ),
        (
            "/* never closed\nCertificatePinner.Builder()".into(),
            Some(1),
            "not closed",
        ),
        (
            "CertificatePinner.Builder().add(\"a.com\n".into(),
            Some(1),
            "not closed",
        ),
    ];
    for (src, line, words) in table {
        let e = import_okhttp(&src).unwrap_err();
        let Error::OkHttpInvalid { line: got, .. } = &e else {
            panic!("{src}: {e:?}")
        };
        assert_eq!(*got, line, "{src}: {e}");
        assert!(
            e.to_string().contains(words),
            "{src}: {e} should say {words}"
        );
        assert_eq!(e.code(), "OKHTTP_INVALID");
    }
    let big = " ".repeat(certpin::MAX_OKHTTP_BYTES + 1);
    assert!(import_okhttp(&big)
        .unwrap_err()
        .to_string()
        .contains("over the limit"));
    let many = format!(
        "CertificatePinner.Builder(){}",
        format!(".add(\"a.com\", \"{OK_1}\")").repeat(certpin::MAX_OKHTTP_ADD_CALLS + 1)
    );
    assert!(import_okhttp(&many)
        .unwrap_err()
        .to_string()
        .contains("more than"));
}

#[test]
fn okhttp_export_reads_back_the_same_policy() {
    let policy = Policy::from_json(&format!(
        r#"{{"version":1,"domains":[{{"host":"api.example.com","pins":["{OK_1}","{OK_2}"]}},{{"host":"*.cdn.example.org","pins":["{OK_3}","{OK_4}"]}}]}}"#
    ))
    .unwrap();
    let kotlin = export(&policy, "okhttp").unwrap();
    let Import {
        policy: back,
        findings,
    } = import_okhttp(&kotlin).unwrap();
    assert_eq!(back, policy, "{kotlin}");
    assert!(findings.is_empty());
}

// ---------------------------------------------------------------- TrustKit

const TRUSTKIT: &str = r#"{
  "kTSKSwizzleNetworkDelegates": false,
  "kTSKPinnedDomains": {
    "yahoo.com": {
      "kTSKIncludeSubdomains": true,
      "kTSKEnforcePinning": false,
      "kTSKPublicKeyHashes": [
        "JbQbUG5JMJUoI6brnx0x3vZF6jilxsapbXGVfjhN8Fg=",
        "WoiWRyIOVNa9ihaBciRSC7XHjliYS9VwUGOIud4PB18="
      ],
      "kTSKReportUris": ["https://report.example.com/log_report", "https://backup.example.com/r"],
      "kTSKDisableDefaultReportUri": true
    },
    "www.datatheorem.com": {
      "kTSKExpirationDate": "2027-06-01",
      "kTSKPublicKeyHashes": ["JbQbUG5JMJUoI6brnx0x3vZF6jilxsapbXGVfjhN8Fg="]
    }
  }
}"#;

#[test]
fn trustkit_getting_started_config() {
    let Import { policy, findings } = import_trustkit(TRUSTKIT).unwrap();
    // serde_json reads objects in key order: entries come sorted by name.
    assert_eq!(host(&policy, 1), "yahoo.com");
    let d = &policy.domains()[1];
    assert!(d.include_subdomains);
    assert_eq!(d.mode, Mode::Report);
    assert_eq!(
        pins(&policy, 1),
        [format!("sha256/{TK_1}"), format!("sha256/{TK_2}")]
    );
    assert_eq!(
        d.report_uri.as_deref(),
        Some("https://report.example.com/log_report")
    );
    let e = &policy.domains()[0];
    assert_eq!(host(&policy, 0), "www.datatheorem.com");
    assert_eq!(e.mode, Mode::Enforce); // kTSKEnforcePinning defaults to true
    assert_eq!(e.expires, Some(UnixTime::from_seconds(1_811_808_000))); // date -u -d 2027-06-01 +%s
    assert!(!e.include_subdomains);
    assert_eq!(
        codes(&findings),
        [
            "IMPORT_UNSUPPORTED",
            "IMPORT_TOO_FEW_PINS",
            "IMPORT_REPORT_URI"
        ]
    );
    assert!(findings[0].message.contains("kTSKSwizzleNetworkDelegates"));
    assert!(findings[1].message.contains("www.datatheorem.com"));
    assert!(findings[2].message.contains("https://backup.example.com/r"));
    // The domains dictionary alone reads the same.
    let value: serde_json::Value = serde_json::from_str(TRUSTKIT).unwrap();
    let alone = import_trustkit(&value["kTSKPinnedDomains"].to_string()).unwrap();
    assert_eq!(alone.policy, policy);
}

#[test]
fn trustkit_rules_and_unexpressible_keys_are_findings() {
    let cfg = format!(
        r#"{{"kTSKIgnorePinningForUserDefinedTrustAnchors": true, "kTSKPinnedDomains": {{
          "co.uk": {{"kTSKIncludeSubdomains": true, "kTSKPublicKeyHashes": ["{TK_1}", "{TK_2}"], "kTSKDisableDefaultReportUri": false}},
          "example.com": {{"kTSKIncludeSubdomains": true, "kTSKPublicKeyHashes": ["{TK_1}", "{TK_2}"], "kTSKPublicKeyAlgorithms": ["kTSKAlgorithmRsa2048"], "kTSKAdditionalTrustAnchors": ["..."]}},
          "open.example.com": {{"kTSKExcludeSubdomainFromParentPolicy": true}}
        }}}}"#
    );
    let Import { policy, findings } = import_trustkit(&cfg).unwrap();
    assert_eq!(policy.domains().len(), 2, "the excluded name is no entry");
    assert_eq!(
        codes(&findings),
        [
            "IMPORT_PIN_OVERRIDE",
            "IMPORT_PUBLIC_SUFFIX",
            "IMPORT_REPORT_URI",
            "IMPORT_UNSUPPORTED",
            "IMPORT_TRUST_ANCHORS",
            "IMPORT_SUBDOMAIN_NOT_EXCLUDED",
        ]
    );
}

#[test]
fn trustkit_refusals_name_the_key() {
    let one = |body: &str| format!(r#"{{"kTSKPinnedDomains": {{"a.example.com": {body}}}}}"#);
    let d = r#"kTSKPinnedDomains["a.example.com"]"#;
    let table: Vec<(String, String, &str)> = vec![
        ("[]".into(), "$".into(), "must be an object"),
        ("not json".into(), "$".into(), "not valid JSON"),
        (
            r#"{"kTSKPinnedDomains": {}, "kTSKSwizzle": true}"#.into(),
            "kTSKSwizzle".into(),
            "unknown key",
        ),
        (
            r#"{"kTSKSwizzleNetworkDelegates": false}"#.into(),
            "kTSKPinnedDomains".into(),
            "missing",
        ),
        (
            one(&format!(
                r#"{{"kTSKPublicKeyHashes": ["{TK_1}"], "kTSKEnforcePinnig": true}}"#
            )),
            format!("{d}.kTSKEnforcePinnig"),
            "unknown key",
        ),
        (one("{}"), format!("{d}.kTSKPublicKeyHashes"), "missing"),
        (
            one(r#"{"kTSKPublicKeyHashes": "x"}"#),
            format!("{d}.kTSKPublicKeyHashes"),
            "array",
        ),
        (
            one(&format!(
                r#"{{"kTSKPublicKeyHashes": ["{TK_1}", "JbQbUG5JMJUoI6brnx0x3vZF6jilxsapbXGVfjhN"]}}"#
            )),
            format!("{d}.kTSKPublicKeyHashes[1]"),
            "bytes",
        ),
        (
            one(&format!(r#"{{"kTSKPublicKeyHashes": ["sha256/{TK_1}"]}}"#)),
            format!("{d}.kTSKPublicKeyHashes[0]"),
            "prefix",
        ),
        (
            one(&format!(
                r#"{{"kTSKPublicKeyHashes": ["{TK_1}", "{TK_1}"]}}"#
            )),
            format!("{d}.kTSKPublicKeyHashes[1]"),
            "twice",
        ),
        (
            one(&format!(
                r#"{{"kTSKPublicKeyHashes": ["{TK_1}"], "kTSKEnforcePinning": "NO"}}"#
            )),
            format!("{d}.kTSKEnforcePinning"),
            "true or false",
        ),
        (
            one(&format!(
                r#"{{"kTSKPublicKeyHashes": ["{TK_1}"], "kTSKExpirationDate": "2027-06-01T00:00:00Z"}}"#
            )),
            format!("{d}.kTSKExpirationDate"),
            "yyyy-MM-dd",
        ),
        (
            one(&format!(
                r#"{{"kTSKPublicKeyHashes": ["{TK_1}"], "kTSKReportUris": ["mailto:x"]}}"#
            )),
            format!("{d}.reportUri"),
            "http(s)",
        ),
        (
            r#"{"kTSKPinnedDomains": {"*.example.com": {}}}"#.into(),
            r#"kTSKPinnedDomains["*.example.com"]"#.into(),
            "wildcards",
        ),
        (
            format!(r#"{{"a.com": {{"kTSKPublicKeyHashes": ["{TK_1}"]}}, "a.com": {{}}}}"#),
            "$".into(),
            "twice",
        ),
    ];
    for (cfg, path, words) in table {
        let e = import_trustkit(&cfg).unwrap_err();
        let Error::TrustKitInvalid { path: got, .. } = &e else {
            panic!("{cfg}: {e:?}")
        };
        assert_eq!(got, &path, "{cfg}: {e}");
        assert!(
            e.to_string().contains(words),
            "{cfg}: {e} should say {words}"
        );
        assert_eq!(e.code(), "TRUSTKIT_INVALID");
    }
}
// ---------------------------------------------------------------- exports

fn export_policy() -> Policy {
    policy(
        &[
            entry(
                "api.example.com",
                &[INTERMEDIATE, BACKUP],
                ",\"expires\":\"2027-06-01\",\"reportUri\":\"https://r.example.com/pkp\"",
            ),
            entry(
                "example.org",
                &[ROOT, BACKUP],
                ",\"includeSubdomains\":true",
            ),
        ]
        .join(","),
    )
}

fn single(pins: &[&str], extra: &str) -> Policy {
    policy(&entry("api.example.com", pins, extra))
}

fn golden(format: &str) -> String {
    std::fs::read_to_string(common::tests_dir("interop").join(format!("{format}.txt"))).unwrap()
}

/// Goldens, each checked by hand against the format's documentation:
/// - okhttp: square.github.io/okhttp CertificatePinner ("CertificatePinner.Builder()
///   .add(pattern, vararg pins).build()", patterns `*.`/`**.`, pins `sha256/<base64>`);
/// - android-nsc: developer.android.com/privacy-and-security/security-config
///   ("<domain-config><domain includeSubdomains=…>…</domain><pin-set expiration=
///   "yyyy-MM-dd"><pin digest="SHA-256">…</pin></pin-set></domain-config>");
/// - trustkit: datatheorem/TrustKit TrustKit.h keys (kTSKPinnedDomains,
///   kTSKPublicKeyHashes, kTSKIncludeSubdomains, kTSKEnforcePinning,
///   kTSKExpirationDate "yyyy-MM-dd", kTSKReportUris);
/// - apple-ats: developer.apple.com NSPinnedDomains / NSPinnedCAIdentities
///   (SPKI-SHA256-BASE64 dictionaries), as Apple's NSPinnedDomains_ca.plist sample;
/// - hpkp: RFC 7469 section 2.1 (pin-sha256="…"; max-age=…; includeSubDomains;
///   report-uri="…");
/// - curl: the curl man page, --pinnedpubkey "sha256//<base64>;sha256//<base64>";
/// - tlsa: RFC 6698 section 2.3 presentation format, `_443._tcp.<host>. IN TLSA 3 1 1
///   <hex>` (the hex is the pin's digest: `echo <base64> | base64 -d | xxd -p`).
#[test]
fn export_goldens() {
    let two = export_policy();
    for f in ["okhttp", "android-nsc", "trustkit", "tlsa"] {
        assert_eq!(export(&two, f).unwrap(), golden(f), "{f}");
    }
    let one = single(
        &[INTERMEDIATE, BACKUP],
        ",\"includeSubdomains\":true,\"reportUri\":\"https://r.example.com/pkp\"",
    );
    for f in ["hpkp", "hpkp-report-only", "curl"] {
        assert_eq!(export(&one, f).unwrap(), golden(f), "{f}");
    }
    let ats = single(
        &[
            &pin_with(INTERMEDIATE, "active", "ca"),
            &pin_with(BACKUP, "active", "ca"),
            &pin_with(ROOT, "revoked", "any"),
        ],
        "",
    );
    assert_eq!(export(&ats, "apple-ats").unwrap(), golden("apple-ats"));
}

#[test]
fn exports_refuse_what_they_cannot_express() {
    let sha512 = "sha512/".to_string() + &"A".repeat(86) + "==";
    // (policy, format, words in the reason)
    let table: Vec<(Policy, &str, &str)> = vec![
        (export_policy(), "hpkp", "exactly one entry"),
        (export_policy(), "curl", "exactly one entry"),
        (export_policy(), "apple-ats", "position"),
        (single(&[LEAF, &sha512], ""), "okhttp", "SHA-256 pins only"),
        (
            single(&[LEAF, &sha512], ""),
            "android-nsc",
            "SHA-256 pins only",
        ),
        (
            single(&[LEAF, BACKUP], ",\"mode\":\"report\""),
            "okhttp",
            "report mode",
        ),
        (
            single(&[LEAF, BACKUP], ",\"mode\":\"report\""),
            "hpkp",
            "report mode",
        ),
        (
            single(&[LEAF, &pin_with(BACKUP, "revoked", "any")], ""),
            "hpkp",
            "revoked",
        ),
        (
            single(&[LEAF, &pin_with(BACKUP, "candidate", "any")], ""),
            "curl",
            "candidate",
        ),
        (single(&[LEAF], ""), "trustkit", "fewer than two"),
        (
            policy(&entry("*.example.com", &[LEAF, BACKUP], "")),
            "android-nsc",
            "*.name",
        ),
        (
            policy(&entry(
                "**.example.com",
                &[&pin_with(LEAF, "active", "leaf")],
                "",
            )),
            "apple-ats",
            "wildcard",
        ),
        (
            policy(
                &[
                    entry("api.example.com", &[LEAF], ""),
                    entry("**.example.com", &[ROOT], ""),
                ]
                .join(","),
            ),
            "okhttp",
            "overlap",
        ),
    ];
    for (p, format, words) in table {
        let e = export(&p, format).unwrap_err();
        assert_eq!(e.code(), "FORMAT_UNSUPPORTED", "{format}: {e}");
        assert!(e.to_string().contains(words), "{format}: {e}");
    }
    assert_eq!(
        export(&export_policy(), "pem").unwrap_err().code(),
        "INVALID_ARGUMENT"
    );
    // Candidates and revoked pins become comments where the format has them.
    let p = single(&[LEAF, BACKUP, &pin_with(ROOT, "candidate", "ca")], "");
    let kotlin = export(&p, "okhttp").unwrap();
    assert!(
        kotlin.contains(&format!("// candidate pin {ROOT} is not written")),
        "{kotlin}"
    );
    assert!(!kotlin.contains(&format!("\"{ROOT}\"")));
    let tlsa = export(
        &single(
            &[
                &pin_with(LEAF, "active", "leaf"),
                &pin_with(ROOT, "active", "ca"),
            ],
            "",
        ),
        "tlsa",
    )
    .unwrap();
    assert!(tlsa.contains("IN TLSA 3 1 1 894b42"), "{tlsa}");
    assert!(tlsa.contains("IN TLSA 2 1 1 a4d75c"), "{tlsa}");
    assert!(!tlsa.contains("IN TLSA 2 1 1 894b42"), "{tlsa}");
}

#[test]
fn android_nsc_round_trip() {
    let p = policy(
        &[
            entry(
                "api.example.com",
                &[INTERMEDIATE, BACKUP],
                ",\"expires\":\"2027-06-01\"",
            ),
            entry(
                "example.org",
                &[ROOT, BACKUP],
                ",\"includeSubdomains\":true",
            ),
            entry("**.example.net", &[LEAF, BACKUP], ""),
        ]
        .join(","),
    );
    let xml = export(&p, "android-nsc").unwrap();
    let back = import_android_nsc(&xml).unwrap();
    let mut want = p.to_document();
    // **.example.net is written as example.net with includeSubdomains (same names).
    want.domains[2].host = "example.net".into();
    want.domains[2].include_subdomains = true;
    assert_eq!(back.to_document(), want);
    // Android's nesting: a child domain-config inherits the parent's pin-set.
    let nested = format!(
        "<network-security-config><domain-config><domain>a.example.com</domain>\
         <pin-set><pin digest=\"SHA-256\">{}</pin></pin-set>\
         <domain-config><domain includeSubdomains='true'>b.a.example.com</domain></domain-config>\
         </domain-config></network-security-config>",
        &LEAF[7..]
    );
    let p = import_android_nsc(&nested).unwrap();
    assert_eq!(p.domains().len(), 2);
    assert_eq!(p.domains()[0].pins, p.domains()[1].pins);
    let bad = [
        ("<network-security-config><base-config/></network-security-config>", "<base-config>"),
        ("<network-security-config><domain-config><domain>a.com</domain><trust-anchors/></domain-config></network-security-config>", "trust-anchors"),
        ("<network-security-config><domain-config cleartextTrafficPermitted=\"true\"><domain>a.com</domain></domain-config></network-security-config>", "cleartextTrafficPermitted"),
        ("<network-security-config><domain-config><domain>a.com</domain></domain-config></network-security-config>", "no <pin-set>"),
        ("<network-security-config><domain-config><domain>a.com</domain><pin-set><pin digest=\"SHA-1\">x</pin></pin-set></domain-config></network-security-config>", "SHA-256"),
        ("<network-security-config><domain-config><domain>a.com</domain><pin-set><pin digest=\"SHA-256\">AAAA</pin></pin-set></domain-config></network-security-config>", "bytes"),
        ("<network-security-config><domain-config>", "not closed"),
        ("<!DOCTYPE x><network-security-config/>", "DTD"),
        ("<other/>", "root element"),
        ("<network-security-config></network-security-config>", "pin nothing"),
    ];
    for (xml, words) in bad {
        let e = import_android_nsc(xml).unwrap_err();
        assert_eq!(e.code(), "NSC_INVALID", "{xml}");
        assert!(e.to_string().contains(words), "{xml}: {e}");
    }
}

#[test]
fn hpkp_header_round_trip_and_errors() {
    let one = single(
        &[INTERMEDIATE, BACKUP],
        ",\"includeSubdomains\":true,\"reportUri\":\"https://r.example.com/pkp\"",
    );
    let header = export(&one, "hpkp").unwrap();
    let back = from_hpkp_header(&header, "api.example.com", false, None).unwrap();
    assert_eq!(back, one);
    let ro = export(&one, "hpkp-report-only").unwrap();
    let back = from_hpkp_header(
        &ro,
        "api.example.com",
        false,
        Some(UnixTime::from_millis(POLICY_NOW_MS)),
    )
    .unwrap();
    assert_eq!(back.domains()[0].mode, certpin::Mode::Report);
    assert_eq!(
        back.domains()[0].expires,
        Some(UnixTime::from_seconds(POLICY_NOW_MS / 1000 + 5_184_000))
    );
    let pins = format!(
        "pin-sha256=\"{}\"; pin-sha256=\"{}\"",
        &LEAF[7..],
        &BACKUP[7..]
    );
    // (header, report-only, directive) for each invalid header
    let table = [
        (pins.clone(), false, "max-age"),
        (
            format!(
                "pin-sha256={}; pin-sha256=\"{}\"; max-age=60",
                &LEAF[7..],
                &BACKUP[7..]
            ),
            false,
            "pin-sha256",
        ),
        (format!("{pins}; max-age=60; Max-Age=70"), false, "Max-Age"),
    ];
    for (header, report_only, directive) in table {
        match from_hpkp_header(&header, "api.example.com", report_only, None) {
            Err(Error::HpkpHeaderInvalid { directive: d, .. }) => {
                assert_eq!(d, directive, "{header}")
            }
            other => panic!("{header}: {other:?}"),
        }
    }
    // Report-Only without max-age, and an unknown directive: accepted.
    assert!(from_hpkp_header(&pins, "api.example.com", true, None).is_ok());
    assert!(from_hpkp_header(
        &format!("{pins}; max-age=60; preload"),
        "api.example.com",
        false,
        None
    )
    .is_ok());
}

/// `ct` and `revocation` ask for checks no exported format performs: never dropped
/// silently (a comment where the format has comments, FORMAT_UNSUPPORTED in hpkp and curl).
#[test]
fn exports_never_drop_ct_or_revocation() {
    let a = format!("sha256/{}", "A".repeat(43) + "=");
    let b = format!("sha256/{}", "B".repeat(42) + "A=");
    for (extra, said) in [
        (r#","ct":"enforce""#, r#""ct": "enforce""#),
        (
            r#","revocation":"require-staple""#,
            r#""revocation": "require-staple""#,
        ),
    ] {
        let p = policy(&entry("api.example.com", &[&a, &b], extra));
        for format in ["okhttp", "android-nsc", "trustkit", "tlsa"] {
            let text = export(&p, format).unwrap();
            assert!(text.contains(said), "{format} does not say {said}:\n{text}");
        }
        for format in ["hpkp", "curl"] {
            let error = export(&p, format).unwrap_err();
            assert_eq!(error.code(), "FORMAT_UNSUPPORTED", "{format}");
            assert!(error.to_string().contains(said), "{format}: {error}");
        }
    }
}
