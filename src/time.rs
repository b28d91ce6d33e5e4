//! Time: the one instant type, [`UnixTime`], written and read as RFC 3339, and the
//! proleptic Gregorian civil calendar both rest on. The host supplies every `now`; the
//! core never reads a clock.

/// An instant: whole Unix milliseconds, the finest unit any input carries (a JS `now`,
/// an SCT's timestamp, a log list's age). Certificate validity, `expires` and RFC 3339
/// text are whole seconds, which this holds exactly (`from_seconds`), and a check compares
/// `now` against them rounded down to its second (`whole_seconds`), as a JS `Date` is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The instant `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: i64) -> UnixTime {
        UnixTime(ms)
    }

    /// The instant `seconds` after the epoch (saturating at the range of `i64` milliseconds).
    pub const fn from_seconds(seconds: i64) -> UnixTime {
        UnixTime(seconds.saturating_mul(1000))
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch, rounded down.
    pub const fn as_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This instant rounded down to its whole second.
    pub const fn whole_seconds(self) -> UnixTime {
        UnixTime::from_seconds(self.as_seconds())
    }

    /// `seconds` later, on whole seconds: this instant's second plus `seconds`
    /// (saturating).
    pub const fn plus_seconds(self, seconds: i64) -> UnixTime {
        UnixTime::from_seconds(self.as_seconds().saturating_add(seconds))
    }

    /// `seconds` earlier, on whole seconds: this instant's second minus `seconds`
    /// (saturating).
    pub const fn minus_seconds(self, seconds: i64) -> UnixTime {
        UnixTime::from_seconds(self.as_seconds().saturating_sub(seconds))
    }

    /// Whole seconds from `earlier` to this instant (each rounded down to its second;
    /// saturating, negative when `earlier` is later).
    pub const fn seconds_since(self, earlier: UnixTime) -> i64 {
        self.as_seconds().saturating_sub(earlier.as_seconds())
    }

    /// Milliseconds from `earlier` to this instant (saturating, negative when `earlier`
    /// is later).
    pub const fn millis_since(self, earlier: UnixTime) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// RFC 3339 UTC form of this instant's second: `2027-01-01T00:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        let unix_seconds = self.as_seconds();
        let days = unix_seconds.div_euclid(86_400);
        let secs = unix_seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )
    }

    /// RFC 3339 UTC form with milliseconds: `2027-01-01T00:00:00.000Z`, clamped to the
    /// years 0001 to 9999 (an SCT's timestamp can be anything).
    pub fn to_rfc3339_millis(self) -> String {
        let at = UnixTime(self.0.clamp(-62_135_596_800_000, 253_402_300_799_999));
        let seconds = at.to_rfc3339();
        let millis = at.0.rem_euclid(1000);
        match seconds.strip_suffix('Z') {
            Some(head) => format!("{head}.{millis:03}Z"),
            None => seconds,
        }
    }

    /// Parses an RFC 3339 instant, or a bare date meaning 00:00:00Z of that day, to its
    /// whole second (fractions of a second are dropped). `None` when it does not parse.
    pub fn parse_rfc3339(text: &str) -> Option<UnixTime> {
        parse_seconds(text).map(UnixTime::from_seconds)
    }
}

fn parse_seconds(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) && !s.is_empty() {
            s.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let date = days_from_civil(y, m, d) * 86_400;
    if b.len() == 10 {
        return Some(date);
    }
    if !matches!(b.get(10), Some(b'T' | b't')) || b.len() < 20 {
        return None;
    }
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            // Digits only: `str::parse` would take a sign ("+-1:00").
            let two_digits = |r: core::ops::Range<usize>| -> Option<i64> {
                let s = rest.get(r)?;
                if s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit()) {
                    s.parse().ok()
                } else {
                    None
                }
            };
            let oh = two_digits(1..3)?;
            let om = two_digits(4..6)?;
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(date + hh * 3600 + mm * 60 + ss.min(59) - offset)
}

/// The days of month `m` (1 to 12) of year `y`.
pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms (public domain), proleptic Gregorian calendar.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_down_to_their_second() {
        let t = UnixTime::from_millis(1_798_761_600_999);
        assert_eq!(t.as_seconds(), 1_798_761_600);
        assert_eq!(t.whole_seconds(), UnixTime::from_seconds(1_798_761_600));
        assert_eq!(t.to_rfc3339(), "2027-01-01T00:00:00Z");
        assert_eq!(t.to_rfc3339_millis(), "2027-01-01T00:00:00.999Z");
        // Before the epoch, down is towards the past.
        assert_eq!(UnixTime::from_millis(-1).as_seconds(), -1);
        assert_eq!(
            UnixTime::from_millis(-1).to_rfc3339(),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(t.plus_seconds(1), UnixTime::from_seconds(1_798_761_601));
        assert_eq!(t.minus_seconds(1), UnixTime::from_seconds(1_798_761_599));
        assert_eq!(t.seconds_since(UnixTime::from_millis(1_798_761_599_001)), 1);
        assert_eq!(
            t.millis_since(UnixTime::from_millis(1_798_761_599_001)),
            1_998
        );
        assert!(UnixTime::from_millis(999) < UnixTime::from_seconds(1));
        // Saturating at the range of i64 milliseconds.
        assert_eq!(
            UnixTime::from_seconds(i64::MAX),
            UnixTime::from_millis(i64::MAX)
        );
        assert_eq!(UnixTime::from_millis(i64::MIN).millis_since(t), i64::MIN);
    }

    #[test]
    fn times() {
        // date -u -d @0 / @1798761600 / @951782400 (GNU date)
        assert_eq!(
            UnixTime::from_seconds(0).to_rfc3339(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            UnixTime::from_seconds(1_798_761_600).to_rfc3339(),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            UnixTime::from_seconds(951_782_400).to_rfc3339(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            UnixTime::from_seconds(-1).to_rfc3339(),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(
            UnixTime::from_seconds(253_402_300_799).to_rfc3339(),
            "9999-12-31T23:59:59Z"
        );
        for t in [
            0,
            1_798_761_600,
            951_782_400,
            -1,
            253_402_300_799,
            1_234_567_890,
        ] {
            assert_eq!(
                parse_seconds(&UnixTime::from_seconds(t).to_rfc3339()),
                Some(t)
            );
        }
        assert_eq!(parse_seconds("2027-01-01"), Some(1_798_761_600));
        assert_eq!(
            parse_seconds("2027-01-01T01:00:00+01:00"),
            Some(1_798_761_600)
        );
        assert_eq!(
            parse_seconds("2026-12-31T19:00:00.999-05:00"),
            Some(1_798_761_600)
        );
        for bad in [
            "",
            "2027-13-01",
            "2027-02-29",
            "2027-01-01T00:00:00",
            "2027-01-01 00:00:00Z",
            "2027-1-01",
            "27-01-01",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:00:00+1:00",
            "soon",
        ] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
    }
}
