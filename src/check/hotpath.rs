//! What the repeated check (`PinPolicy.check` with a chain the policy remembers) keeps
//! between calls so as not to redo work whose result cannot have changed: pure functions
//! of their exact input, remembered with that input and compared in full on every use.
//!
//! - [`VerdictText`]: the last verdict and its JSON text. A repeated check evaluates the
//!   chain again (hostname, validity at `now`, entry, pins) and builds the whole verdict;
//!   when that verdict is equal, field by field, to the last one, its JSON is the last
//!   one's text, and comparing costs less than serialising again.
//! - [`remembered_host`]: the canonical form of the last host names canonicalised. A
//!   check canonicalises its hostname twice (to find the policy entry, then to match the
//!   leaf's names), with the same text on every connection to that host.

use crate::check::verdict::Verdict;
use crate::names::host::CanonicalHost;
use core::cell::RefCell;

/// The last verdict serialised, with its JSON text.
#[derive(Default)]
pub struct VerdictText {
    last: Option<(Verdict, String)>,
}

impl VerdictText {
    /// The JSON text of `verdict`: the remembered text when `verdict` equals the last
    /// verdict, else `serialize(&verdict)` (remembered for the next call). A verdict with a
    /// report is always serialised (a report holds JSON maps, whose equality need not
    /// imply the same key order).
    pub fn json<E>(
        &mut self,
        verdict: Verdict,
        serialize: impl FnOnce(&Verdict) -> Result<String, E>,
    ) -> Result<&str, E> {
        let reusable =
            verdict.report.is_none() && matches!(&self.last, Some((last, _)) if *last == verdict);
        if !reusable {
            let text = serialize(&verdict)?;
            self.last = Some((verdict, text));
        }
        Ok(self
            .last
            .as_ref()
            .map(|(_, text)| text.as_str())
            .unwrap_or_default())
    }
}

/// Host names remembered with their canonical form.
const REMEMBERED_HOSTS: usize = 4;

type HostResult = Result<CanonicalHost, String>;

thread_local! {
    static HOSTS: RefCell<Vec<(String, HostResult)>> = const { RefCell::new(Vec::new()) };
}

/// [`crate::names::host::canonical_host`]: the canonical form of `name`, remembered for the last
/// few names (compared as whole strings; the result is a pure function of the name).
pub(crate) fn remembered_host(name: &str) -> HostResult {
    let found = HOSTS.with(|hosts| {
        let hosts = hosts.try_borrow().ok()?;
        hosts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, result)| result.clone())
    });
    if let Some(result) = found {
        return result;
    }
    let result = crate::names::host::canonical_host_computed(name);
    HOSTS.with(|hosts| {
        if let Ok(mut hosts) = hosts.try_borrow_mut() {
            hosts.truncate(REMEMBERED_HOSTS - 1);
            hosts.insert(0, (name.to_string(), result.clone()));
        }
    });
    result
}

/// Whether two byte strings of the same length are equal, compared 32 bytes at a time as
/// four 8-byte words (the compiler's `memcmp` for wasm32 compares one byte at a time, and
/// the chain memo compares every byte of its input on every check).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word(bytes: &[u8]) -> u64 {
        bytes
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w))
    }
    if a.len() != b.len() {
        return false;
    }
    let (mut a_blocks, mut b_blocks) = (a.chunks_exact(32), b.chunks_exact(32));
    for (x, y) in (&mut a_blocks).zip(&mut b_blocks) {
        let (x1, x2, x3) = (x.get(8..), x.get(16..), x.get(24..));
        let (y1, y2, y3) = (y.get(8..), y.get(16..), y.get(24..));
        let differ = (word(x) ^ word(y))
            | (word(x1.unwrap_or_default()) ^ word(y1.unwrap_or_default()))
            | (word(x2.unwrap_or_default()) ^ word(y2.unwrap_or_default()))
            | (word(x3.unwrap_or_default()) ^ word(y3.unwrap_or_default()));
        if differ != 0 {
            return false;
        }
    }
    let (a_words, b_words) = (
        a_blocks.remainder().chunks(8),
        b_blocks.remainder().chunks(8),
    );
    a_words.zip(b_words).all(|(x, y)| {
        let mut wx = [0u8; 8];
        let mut wy = [0u8; 8];
        for (to, from) in wx.iter_mut().zip(x) {
            *to = *from;
        }
        for (to, from) in wy.iter_mut().zip(y) {
            *to = *from;
        }
        wx == wy
    })
}

thread_local! {
    static JS_STRINGS: RefCell<Option<(usize, Vec<wasm_bindgen::JsValue>)>> = const { RefCell::new(None) };
}

/// `f` with `names` as JS strings, made once for the one list of names the check reads
/// (the options of a check: comparing a key with them is cheaper than copying the key into
/// wasm). Another list, or a list in use, gets no strings (`f(&[])`).
pub(crate) fn with_js_strings<R>(
    names: &'static [&'static str],
    f: impl FnOnce(&[wasm_bindgen::JsValue]) -> R,
) -> R {
    JS_STRINGS.with(|cell| {
        let Ok(mut cell) = cell.try_borrow_mut() else {
            return f(&[]);
        };
        let id = names.as_ptr() as usize;
        let strings = cell.get_or_insert_with(|| {
            (
                id,
                names
                    .iter()
                    .map(|n| wasm_bindgen::JsValue::from_str(n))
                    .collect(),
            )
        });
        if strings.0 != id {
            return f(&[]);
        }
        f(&strings.1)
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::names::host::canonical_host_computed;

    #[test]
    fn same_bytes_is_equality() {
        let base: Vec<u8> = (0..200u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 200] {
            let a = &base[..len];
            assert!(same_bytes(a, a), "{len}");
            assert!(!same_bytes(a, &base[..len.saturating_sub(1)]) || len == 0);
            // One byte changed anywhere, in every position.
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x80;
                assert!(!same_bytes(a, &b), "{len} {at}");
            }
        }
    }

    #[test]
    fn a_remembered_host_is_the_computed_one() {
        // More names than are remembered, valid and not, each asked for twice in a row
        // and again after others.
        let names = [
            "Example.COM.",
            "127.1",
            "[::ffff:1.2.3.4]",
            "bad..name",
            "xn--nxasmq6b.example",
            "b\u{fc}cher.example",
            "0x7f.example",
            "1.2.3.256",
            "a.b",
            "Example.COM.",
        ];
        for _ in 0..2 {
            for name in names {
                assert_eq!(
                    remembered_host(name),
                    canonical_host_computed(name),
                    "{name}"
                );
                assert_eq!(
                    remembered_host(name),
                    canonical_host_computed(name),
                    "{name}"
                );
            }
        }
    }
}
