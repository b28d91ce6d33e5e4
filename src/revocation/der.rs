//! A strict DER reader for the few structures certpin reads by hand (OCSP, RFC 6960):
//! one-byte tags, definite minimal lengths, no trailing bytes unless asked for. Every
//! read is bounded by the input; nothing here allocates. The readers are never inlined:
//! the crate is built at opt-level 3, where inlining them into every field read made the
//! OCSP and CRL code several KB larger for no measurable speed.

pub(crate) use crate::input::der::Tlv;
use crate::time::UnixTime;

/// A cursor over a sequence of TLVs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
}

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const NULL: u8 = 0x05;
pub(crate) const OID: u8 = 0x06;
pub(crate) const ENUMERATED: u8 = 0x0a;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const UTC_TIME: u8 = 0x17;

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        Reader { input }
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The next TLV's tag, without reading it.
    pub fn peek_tag(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// The next TLV, whatever its tag.
    pub fn any(&mut self) -> Result<Tlv<'a>, String> {
        let tlv =
            crate::input::der::read(self.input).map_err(crate::input::der::DerError::message)?;
        self.input = tlv.rest;
        Ok(tlv)
    }

    /// The next TLV, which must have `tag`; `what` names it in the error.
    #[inline(never)]
    pub fn expect(&mut self, tag: u8, what: &str) -> Result<Tlv<'a>, String> {
        let tlv = self.any().map_err(|e| format!("{what}: {e}"))?;
        if tlv.tag != tag {
            return Err(format!(
                "{what}: expected tag {tag:#04x}, found {:#04x}",
                tlv.tag
            ));
        }
        Ok(tlv)
    }

    /// The next TLV if it has `tag`.
    #[inline(never)]
    pub fn optional(&mut self, tag: u8, what: &str) -> Result<Option<Tlv<'a>>, String> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag, what).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails unless everything was read.
    #[inline(never)]
    pub fn finish(&self, what: &str) -> Result<(), String> {
        if self.input.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{what}: {} unexpected trailing bytes",
                self.input.len()
            ))
        }
    }
}

/// A SEQUENCE's reader over its content, requiring nothing after it in `input`.
#[inline(never)]
pub(crate) fn whole_sequence<'a>(input: &'a [u8], what: &str) -> Result<Reader<'a>, String> {
    let mut outer = Reader::new(input);
    let seq = outer.expect(SEQUENCE, what)?;
    outer.finish(what)?;
    Ok(Reader::new(seq.content))
}

/// The dotted text of an OID's content bytes.
#[inline(never)]
pub(crate) fn oid_text(content: &[u8]) -> Result<String, String> {
    let (first, rest) = content
        .split_first()
        .ok_or_else(|| "an empty OID".to_string())?;
    let mut parts = vec![u64::from(first / 40), u64::from(first % 40)];
    let mut value = 0u64;
    for b in rest {
        value = value
            .checked_shl(7)
            .filter(|v| v >> 57 == 0)
            .ok_or_else(|| "an OID arc that is too large".to_string())?
            | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            parts.push(value);
            value = 0;
        }
    }
    if rest.last().is_some_and(|b| b & 0x80 != 0) {
        return Err("a truncated OID".into());
    }
    Ok(parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("."))
}

/// A GeneralizedTime (`YYYYMMDDHHMMSS[.fff]Z`, RFC 5280 4.1.2.5.2; RFC 6960 uses the
/// same type) as its whole second. Fractions of a second are dropped.
#[inline(never)]
pub(crate) fn generalized_time(content: &[u8]) -> Result<UnixTime, String> {
    let bad = || {
        format!(
            "a malformed GeneralizedTime {:?}",
            String::from_utf8_lossy(content)
        )
    };
    let text = core::str::from_utf8(content).map_err(|_| bad())?;
    let body = text.strip_suffix('Z').ok_or_else(bad)?;
    let (main, fraction) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if let Some(f) = fraction {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
    }
    let num = |range: core::ops::Range<usize>| -> Result<i64, String> {
        main.get(range)
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(bad)
    };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    let days_in_month = crate::time::days_in_month(year, month);
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return Err(bad());
    }
    let days = crate::time::days_from_civil(year, month, day);
    Ok(UnixTime::from_seconds(
        days * 86_400 + hour * 3600 + minute * 60 + second,
    ))
}

/// A `Time` (RFC 5280 section 4.1.2.5): UTCTime `YYMMDDHHMMSSZ` (years 1950 to 2049)
/// or GeneralizedTime, as its whole second.
#[inline(never)]
pub(crate) fn time(tlv: &Tlv<'_>) -> Result<UnixTime, String> {
    match tlv.tag {
        GENERALIZED_TIME => generalized_time(tlv.content),
        UTC_TIME => {
            let digits = tlv.content.get(..2).unwrap_or_default();
            if tlv.content.len() != 13 || !digits.iter().all(u8::is_ascii_digit) {
                return Err(format!(
                    "a malformed UTCTime {:?}",
                    String::from_utf8_lossy(tlv.content)
                ));
            }
            let yy = digits
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            let century: &[u8] = if yy < 50 { b"20" } else { b"19" };
            let mut full = century.to_vec();
            full.extend_from_slice(tlv.content);
            generalized_time(&full)
        }
        other => Err(format!("expected a time, found tag {other:#04x}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            generalized_time(b"19700101000000Z"),
            Ok(UnixTime::from_seconds(0))
        );
        assert_eq!(
            generalized_time(b"20270101000000Z"),
            Ok(UnixTime::from_seconds(1_798_761_600))
        );
        assert_eq!(
            generalized_time(b"20240229235959.5Z"),
            Ok(UnixTime::from_seconds(1_709_251_199))
        );
        for bad in [
            &b"20230229000000Z"[..],
            b"2023010100000Z",
            b"20230101000000",
            b"20230101000000.Z",
            b"20231301000000Z",
        ] {
            assert!(generalized_time(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn utc_times() {
        let t = |c: &'static [u8]| {
            time(&Tlv {
                tag: UTC_TIME,
                content: c,
                raw: c,
                rest: &[],
            })
        };
        assert_eq!(t(b"700101000000Z"), Ok(UnixTime::from_seconds(0)));
        assert_eq!(
            t(b"270101000000Z"),
            Ok(UnixTime::from_seconds(1_798_761_600))
        );
        assert!(t(b"2701010000Z").is_err());
    }

    #[test]
    fn lengths_are_strict() {
        assert!(Reader::new(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0])
            .any()
            .is_err());
        assert!(Reader::new(&[0x30, 0x80, 0, 0]).any().is_err());
        assert!(Reader::new(&[0x30, 0x05, 0]).any().is_err());
        let mut r = Reader::new(&[0x04, 0x01, 0xaa, 0x05, 0x00]);
        let t = r.any().unwrap();
        assert_eq!(
            (t.tag, t.content, t.raw),
            (0x04, &[0xaa][..], &[0x04, 0x01, 0xaa][..])
        );
        assert!(r.finish("x").is_err());
    }
}
