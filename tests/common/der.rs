//! DER helpers for the tests: split a certificate into its TBS fields and rebuild it,
//! signed again with the same key, for shapes rcgen cannot write.

use rcgen::{KeyPair, SigningKey};

// ---- DER helpers: split and rebuild certificates ----

pub fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![len as u8]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        let mut out = vec![0x80 | bytes.len() as u8];
        out.extend(bytes);
        out
    }
}

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// (tag, whole TLV, content).
pub type Element = (u8, Vec<u8>, Vec<u8>);

/// Each element inside `content`.
pub fn elements(mut content: &[u8]) -> Vec<Element> {
    let mut out = vec![];
    while !content.is_empty() {
        let tag = content[0];
        let (len, header) = if content[1] < 0x80 {
            (content[1] as usize, 2)
        } else {
            let n = (content[1] & 0x7f) as usize;
            let len = content[2..2 + n]
                .iter()
                .fold(0usize, |a, b| (a << 8) | *b as usize);
            (len, 2 + n)
        };
        out.push((
            tag,
            content[..header + len].to_vec(),
            content[header..header + len].to_vec(),
        ));
        content = &content[header + len..];
    }
    out
}

/// The TBS fields of a certificate, and its signature AlgorithmIdentifier.
pub fn tbs_fields(cert: &[u8]) -> (Vec<Element>, Vec<u8>) {
    let outer = elements(cert);
    let parts = elements(&outer[0].2);
    (elements(&parts[0].2), parts[1].1.clone())
}

/// A certificate from TBS fields, signed by `key` with the algorithm identifier `alg`.
pub fn assemble(fields: &[Vec<u8>], alg: &[u8], key: &KeyPair) -> Vec<u8> {
    let tbs = tlv(0x30, &fields.concat());
    let signature = key.sign(&tbs).unwrap();
    let mut bits = vec![0u8];
    bits.extend(signature);
    tlv(0x30, &[tbs, alg.to_vec(), tlv(0x03, &bits)].concat())
}

/// `cert` with its TBS rebuilt by `edit` and signed again by `key`.
pub fn rebuild(cert: &[u8], key: &KeyPair, edit: impl Fn(Vec<Vec<u8>>) -> Vec<Vec<u8>>) -> Vec<u8> {
    let (fields, alg) = tbs_fields(cert);
    let fields = edit(fields.into_iter().map(|f| f.1).collect());
    assemble(&fields, &alg, key)
}
