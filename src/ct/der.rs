//! The little DER that rebuilding a precertificate's TBS needs: read one TLV with a
//! single-byte tag and a minimal (DER) length, and write a length.

/// One DER element: its tag, the whole element (header and body), its body, and what
/// follows it.
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub whole: &'a [u8],
    pub body: &'a [u8],
    pub rest: &'a [u8],
}

/// Reads one element; `None` when the framing is broken or not DER (a long-form length
/// that could be short, a leading zero byte, a high tag number, or more than 4 length
/// bytes).
pub(crate) fn read(input: &[u8]) -> Option<Tlv<'_>> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2usize)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = input.get(2..2 + count)?;
        if bytes.first() == Some(&0) {
            return None;
        }
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        if len < 0x80 {
            return None;
        }
        (len, 2 + count)
    };
    let end = header.checked_add(len)?;
    Some(Tlv {
        tag,
        whole: input.get(..end)?,
        body: input.get(header..end)?,
        rest: input.get(end..)?,
    })
}

/// Appends `tag`, the DER length of `body` and `body` to `out`.
pub(crate) fn write(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    let len = body.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(body);
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip_and_non_der_is_refused() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 65_536] {
            let body = vec![7u8; len];
            let mut out = Vec::new();
            write(&mut out, 0x30, &body);
            let tlv = read(&out).expect("reads back");
            assert_eq!((tlv.tag, tlv.body.len(), tlv.rest.len()), (0x30, len, 0));
        }
        // 0x81 0x05: long form for a short length.
        assert!(read(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0]).is_none());
        // leading zero length byte
        assert!(read(&[0x30, 0x82, 0x00, 0x80]).is_none());
        // truncated
        assert!(read(&[0x30, 0x03, 0, 0]).is_none());
        // high tag number form
        assert!(read(&[0x1f, 0x01, 0]).is_none());
    }
}
