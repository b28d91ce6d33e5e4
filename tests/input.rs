//! Input decoding: the bound on certificates per chain, and PEM as real files hold it
//! (a key before the chain, text around the blocks, RFC 1421 headers).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use certpin::{check_pins, parse_chain, CheckOptions, Error, Part, RustCryptoVerifier, Status};
use common::*;

#[test]
fn twenty_certificates_are_refused_before_path_building() {
    let p = pki();
    let parts: Vec<Part> = (0..20).map(|_| Part::Bytes(p.inter.clone())).collect();
    match parse_chain(&parts) {
        Err(e @ Error::TooManyCertificates { limit: 16, .. }) => {
            assert_eq!(e.code(), "TOO_MANY_CERTIFICATES");
        }
        other => panic!("{other:?}"),
    }
}

// ---- PEM that real files contain ----

#[test]
fn a_keycert_file_is_checked_with_a_warning_that_never_quotes_the_key() {
    let p = pki();
    let secret = fixture("keys/leaf.pem");
    let body: String = secret
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    // A server's keycert.pem: the key first, then the chain; a comment with a BEGIN
    // marker that does not start a line; RFC 1421 headers inside the leaf's block.
    let chain = to_pem(&[p.leaf.clone(), p.inter.clone()]);
    let with_headers = chain.replacen(
        "-----BEGIN CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nSubject: CN=www.example.com\n\n",
        1,
    );
    let input = format!("# keycert.pem #-----BEGIN CERTIFICATE-----\n{secret}{with_headers}");
    let v = check_pins(
        &[Part::Text(input)],
        &[pin_of(&p.inter)],
        &CheckOptions::at(NOW * MS).for_host("www.example.com"),
        &RustCryptoVerifier,
    )
    .unwrap();
    assert_eq!(v.status, Status::Matched, "{v:#?}");
    let skipped: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.code == "PEM_BLOCK_SKIPPED")
        .collect();
    assert_eq!(skipped.len(), 1, "{v:#?}");
    for f in &v.findings {
        for line in body.lines() {
            assert!(!f.message.contains(line), "{}", f.message);
        }
    }
    assert!(!v.message.contains(body.lines().next().unwrap()));
    // A broken certificate block beside good ones still sinks the input.
    let broken =
        format!("{chain}-----BEGIN CERTIFICATE-----\nMAMC!QU=\n-----END CERTIFICATE-----\n");
    let e = check_pins(
        &[Part::Text(broken)],
        &[pin_of(&p.inter)],
        &CheckOptions::at(NOW * MS),
        &RustCryptoVerifier,
    )
    .unwrap_err();
    assert_eq!(e.code(), "PEM_MALFORMED");
}
