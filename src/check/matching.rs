//! Matching pins against certificates: which pin names which path certificate, at a depth
//! its position allows; whether an anchor or any path certificate is named by an active pin.

use super::*;

/// One pin found on a certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PinHit {
    /// Index into the entry's pins.
    pub pin_index: usize,
    pub cert_index: usize,
    pub depth: usize,
}

/// Every (pin, path certificate) pair whose key the pin names and whose depth the pin's
/// position allows. Revoked pins are looked for on every served certificate (README
/// "Policy document": `revoked` "fails any chain that contains that key"); their depth is then the path depth,
/// or `usize::MAX` for a certificate off the path.
pub(crate) fn pin_hits(pins: &[PinEntry], certs: &[Certificate], path: &[usize]) -> Vec<PinHit> {
    // Certificates keep their SHA-256 pin; pins of other algorithms are computed once per
    // algorithm here.
    let mut by_algorithm: Vec<(HashAlgorithm, Vec<Pin>)> = Vec::new();
    for p in pins {
        let alg = p.pin.algorithm();
        if alg != HashAlgorithm::Sha256 && !by_algorithm.iter().any(|(a, _)| *a == alg) {
            by_algorithm.push((alg, certs.iter().map(|c| c.pin(alg)).collect()));
        }
    }
    let names = |pin: &Pin, cert_index: usize| match pin.algorithm() {
        HashAlgorithm::Sha256 => certs.get(cert_index).is_some_and(|c| c.has_pin(pin)),
        alg => {
            by_algorithm
                .iter()
                .find(|(a, _)| *a == alg)
                .and_then(|(_, v)| v.get(cert_index))
                == Some(pin)
        }
    };
    let mut hits = Vec::new();
    for (pin_index, p) in pins.iter().enumerate() {
        if p.state == PinState::Revoked {
            for cert_index in 0..certs.len() {
                if names(&p.pin, cert_index) {
                    let depth = path
                        .iter()
                        .position(|i| *i == cert_index)
                        .unwrap_or(usize::MAX);
                    hits.push(PinHit {
                        pin_index,
                        cert_index,
                        depth,
                    });
                }
            }
            continue;
        }
        for (depth, cert_index) in path.iter().enumerate() {
            if p.position.allows_depth(depth) && names(&p.pin, *cert_index) {
                hits.push(PinHit {
                    pin_index,
                    cert_index: *cert_index,
                    depth,
                });
            }
        }
    }
    hits
}

/// Certificate `index`'s key is named by an active pin that may match above the leaf:
/// as the top of a path it is the anchor (RFC 5280 section 6.1).
pub(super) fn anchor_pinned(pins: &[PinEntry], certs: &[Certificate], index: usize) -> bool {
    index > 0
        && certs.get(index).is_some_and(|c| {
            pins.iter().any(|p| {
                p.state == PinState::Active && p.position.allows_depth(1) && c.has_pin(&p.pin)
            })
        })
}

pub(super) fn has_active_hit(pins: &[PinEntry], certs: &[Certificate], path: &[usize]) -> bool {
    any_active(pins, &pin_hits(pins, certs, path))
}

/// Whether one of `hits` is of an active pin.
pub(super) fn any_active(pins: &[PinEntry], hits: &[PinHit]) -> bool {
    hits.iter().any(|h| {
        pins.get(h.pin_index)
            .is_some_and(|p| p.state == PinState::Active)
    })
}
