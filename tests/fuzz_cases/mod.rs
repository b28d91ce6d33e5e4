//! The bodies of the fuzz targets, one function per target, shared by `fuzz/fuzz_targets/*`
//! (which `#[path]`-import this file) and by `tests/fuzz_corpus.rs` (which replays the
//! committed corpus on stable Rust). Each function takes the raw fuzzer input; none may
//! panic, whatever the bytes. Errors are the expected outcome for most inputs and are
//! ignored; the point is that every call returns.
//!
//! Inputs that carry several values are split with [`SEPARATOR`] (libFuzzer finds it
//! through its comparison tracing), and a leading selector byte picks options, so that a
//! plain PEM file, policy JSON or header is also a meaningful seed.

use certpin::RustCryptoVerifier;
use certpin::{
    check_pins, check_policy, compute_pins, diagnose, export, from_hpkp_header, import_android_nsc,
    lint, parse_chain, verified_path, CertificateInfo, CheckOptions, DiagnoseOptions,
    HashAlgorithm, Part, Pin, PinFormat, Policy, UnixTime, EXPORT_FORMATS,
};

/// Splits one input into chain parts, and a policy from its chain in `check`.
pub const SEPARATOR: &[u8] = b"\n--8<--\n";

#[path = "../common/now.rs"]
#[allow(dead_code)]
mod now;
use now::{DAY, MS, NOW_MS};

/// 2026-12-01T21:00:00Z in ms, 183 days and 21 hours after NOW: near when the revocation
/// fixtures (tests/revocation/) were made, so their responses and CRLs are current.
const REVOCATION_MS: i64 = NOW_MS + (183 * DAY + 21 * 3600) * MS;

const ALGORITHMS: [HashAlgorithm; 3] = [
    HashAlgorithm::Sha256,
    HashAlgorithm::Sha384,
    HashAlgorithm::Sha512,
];

const PIN_FORMATS: [PinFormat; 9] = [
    PinFormat::Okhttp,
    PinFormat::Hpkp,
    PinFormat::Curl,
    PinFormat::Android,
    PinFormat::Trustkit,
    PinFormat::Tlsa,
    PinFormat::Hex,
    PinFormat::Base64,
    PinFormat::Base64url,
];

/// Hostnames to check a chain against when the policy offers none.
const HOSTNAMES: [&str; 4] = ["api.example.com", "example.org", "localhost", "127.0.0.1"];

/// The first byte, and the rest (empty input gives selector 0).
fn selector(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((&first, rest)) => (first, rest),
        None => (0, data),
    }
}

/// Splits `data` at every [`SEPARATOR`].
fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut rest = data;
    while let Some(at) = rest
        .windows(SEPARATOR.len())
        .position(|window| window == SEPARATOR)
    {
        pieces.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    pieces.push(rest);
    pieces
}

/// Chain parts from `data`: each piece is text when `as_text` is set and it is UTF-8,
/// bytes otherwise. An empty input gives no parts at all.
fn parts(data: &[u8], as_text: bool) -> Vec<Part> {
    if data.is_empty() {
        return Vec::new();
    }
    split(data)
        .into_iter()
        .map(|piece| match std::str::from_utf8(piece) {
            Ok(text) if as_text => Part::Text(text.to_string()),
            _ => Part::Bytes(piece.to_vec()),
        })
        .collect()
}

/// Everything a policy offers a caller after it was built: lint, every export, JSON.
fn use_policy(policy: &Policy) {
    let _ = lint(
        policy,
        UnixTime::from_millis(NOW_MS),
        None,
        &RustCryptoVerifier,
    );
    for format in EXPORT_FORMATS {
        let _ = export(policy, format);
    }
    let json = policy.to_json();
    // What `to_json` writes, `from_json` must read back.
    if let Err(e) = Policy::from_json(&json) {
        panic!("to_json output does not parse again: {e}\n{json}");
    }
}

/// Target `chain`: input decoding (PEM, DER, base64; text and bytes; one or more parts),
/// certificate parsing and pins.
pub fn chain(data: &[u8]) {
    let (sel, rest) = selector(data);
    let parts = parts(rest, sel & 1 == 0);
    let algorithm = ALGORITHMS[usize::from(sel >> 1) % ALGORITHMS.len()];
    let _ = compute_pins(&parts, algorithm);
    if let Ok(certs) = parse_chain(&parts) {
        for (index, cert) in certs.iter().enumerate() {
            let _ = CertificateInfo::new(cert, index, cert.looks_self_signed());
            let _ = cert.pin(algorithm);
            let _ = cert.is_valid_at(UnixTime::from_millis(NOW_MS).whole_seconds());
        }
    }
}

/// Target `pin`: `Pin::parse`, then every `PinFormat`.
pub fn pin(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pin) = Pin::parse(text) else {
        return;
    };
    for format in PIN_FORMATS {
        let _ = pin.format(format);
    }
}

/// Target `policy`: `Policy::from_json`, then lint, every export and `to_json`.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = Policy::from_json(text) {
        use_policy(&policy);
    }
}

/// Target `import`: the HPKP header (`from_hpkp_header`) on an even selector byte, Android
/// Network Security Config XML (`import_android_nsc`) on an odd one.
pub fn import(data: &[u8]) {
    let (sel, rest) = selector(data);
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let imported = if sel & 1 == 0 {
        let hostname = HOSTNAMES[usize::from(sel >> 1) % HOSTNAMES.len()];
        let noted_at = (sel & 0x10 != 0).then_some(UnixTime::from_millis(NOW_MS));
        from_hpkp_header(text, hostname, sel & 0x20 != 0, noted_at)
    } else {
        import_android_nsc(text)
    };
    if let Ok(policy) = imported {
        use_policy(&policy);
    }
}

/// Target `check`: a policy JSON, [`SEPARATOR`], then the chain parts; `check_policy`,
/// `check_pins` with the policy's pins, `diagnose` and `lint` with the chain.
pub fn check(data: &[u8]) {
    let (sel, rest) = selector(data);
    let (policy_bytes, chain_bytes) = match split(rest).split_first() {
        Some((first, _)) if first.len() < rest.len() => {
            (*first, &rest[first.len() + SEPARATOR.len()..])
        }
        _ => (&rest[..0], rest),
    };
    let policy = std::str::from_utf8(policy_bytes)
        .ok()
        .and_then(|text| Policy::from_json(text).ok());
    let parts = parts(chain_bytes, sel & 1 == 0);

    let hostname = match &policy {
        Some(p) if sel & 2 == 0 => p.domains().first().map(|d| d.host.name().to_string()),
        _ => None,
    }
    .unwrap_or_else(|| HOSTNAMES[usize::from(sel >> 2) % HOSTNAMES.len()].to_string());
    let mut options = CheckOptions::at(NOW_MS).for_host(&hostname);
    options.verify_signatures = sel & 0x40 == 0;
    options.clock_skew_seconds = if sel & 0x80 == 0 { 0 } else { 300 };

    let pins: Vec<Pin> = policy
        .iter()
        .flat_map(|p| p.domains())
        .flat_map(|d| d.pins.iter().map(|entry| entry.pin.clone()))
        .collect();
    if let Some(policy) = &policy {
        let _ = check_policy(policy, &parts, &options, &RustCryptoVerifier);
    }
    let _ = check_pins(&parts, &pins, &options, &RustCryptoVerifier);

    if let Ok(certs) = parse_chain(&parts) {
        let _ = verified_path(&certs, &RustCryptoVerifier);
        let diagnose_options = DiagnoseOptions {
            hostname: Some(hostname),
            now: UnixTime::from_millis(NOW_MS),
            expected_pins: (!pins.is_empty()).then_some(pins),
        };
        let _ = diagnose(&certs, &diagnose_options, &RustCryptoVerifier);
        if let Some(policy) = &policy {
            let _ = lint(
                policy,
                UnixTime::from_millis(NOW_MS),
                Some(&certs),
                &RustCryptoVerifier,
            );
        }
    }
}

/// Target `revocation`: selector byte, then chain parts and, last, an OCSP
/// response or a CRL, all split at [`SEPARATOR`]. Calls `check_ocsp`, `check_crl`,
/// `check_policy` with the evidence as the staple (the selector picks the entry's
/// `revocation` setting, text/bytes and the instant), and `revocation_info` per
/// certificate.
pub fn revocation(data: &[u8]) {
    use certpin::{check_crl, check_ocsp, revocation_info, RevocationOptions};
    let (sel, rest) = selector(data);
    let mut pieces = split(rest);
    let evidence = pieces.pop().unwrap_or_default();
    let chain: Vec<Part> = pieces
        .into_iter()
        .map(|piece| match std::str::from_utf8(piece) {
            Ok(text) if sel & 1 == 0 => Part::Text(text.to_string()),
            _ => Part::Bytes(piece.to_vec()),
        })
        .collect();
    // Near when the revocation fixtures were made, or NOW.
    let now_ms = if sel & 2 == 0 { REVOCATION_MS } else { NOW_MS };
    let options = RevocationOptions {
        now: UnixTime::from_millis(now_ms),
        clock_skew_seconds: if sel & 4 == 0 { 0 } else { 86_400 },
    };
    let _ = check_ocsp(&chain, evidence, &options, &RustCryptoVerifier);
    let _ = check_crl(&chain, evidence, &options, &RustCryptoVerifier);
    let mode = ["off", "check", "require-staple"][usize::from(sel >> 3) % 3];
    let policy = Policy::from_json(&format!(
        r#"{{"version":1,"domains":[{{"host":"**.example.com","revocation":"{mode}","pins":["sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="]}}]}}"#
    ));
    if let Ok(policy) = policy {
        let mut check = CheckOptions::at(now_ms).for_host("good.example.com");
        check.ocsp_response = Some(evidence.to_vec());
        let _ = check_policy(&policy, &chain, &check, &RustCryptoVerifier);
    }
    if let Ok(certs) = parse_chain(&chain) {
        for cert in &certs {
            let _ = revocation_info(cert);
        }
    }
}
