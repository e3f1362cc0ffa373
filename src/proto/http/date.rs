//! HTTP dates: IMF-fixdate (RFC 9110 §5.6.7, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`)
//! through httpdate, and the If-Modified-Since rule of RFC 9110 §13.1.3.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Length of an IMF-fixdate.
pub const IMF_FIXDATE_LEN: usize = 29;

/// Formats a time as IMF-fixdate (seconds; earlier than 1970 is shown as 1970).
pub fn format(t: SystemTime) -> String {
    httpdate::fmt_http_date(t.max(UNIX_EPOCH))
}

/// Parses any of the three date formats of RFC 9110 §5.6.7; `None` if invalid.
pub fn parse(value: &[u8]) -> Option<SystemTime> {
    httpdate::parse_http_date(std::str::from_utf8(value).ok()?.trim()).ok()
}

/// Whole seconds since 1970 (dates in HTTP have one-second resolution).
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// RFC 9110 §13.1.3: a GET or HEAD with If-Modified-Since gets 304 when the file
/// was not modified after that date. Compared at one-second resolution, as the
/// Last-Modified value the client echoes has no fractions. An invalid date is ignored.
pub fn not_modified(modified: SystemTime, if_modified_since: &[u8]) -> bool {
    match parse(if_modified_since) {
        Some(since) => unix_secs(modified) <= unix_secs(since),
        None => false,
    }
}

/// The Date field's value for the current second, formatted once per second.
#[derive(Clone, Debug, Default)]
pub struct DateCache {
    secs: u64,
    text: String,
}

impl DateCache {
    /// The IMF-fixdate of `now`, reformatted only when the second changes.
    pub fn at(&mut self, now: SystemTime) -> &str {
        let secs = unix_secs(now);
        if self.text.is_empty() || secs != self.secs {
            self.secs = secs;
            self.text = format(UNIX_EPOCH + Duration::from_secs(secs));
        }
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_EXAMPLE: u64 = 784_111_777;

    #[test]
    fn formats_and_parses_the_rfc_example() {
        let t = UNIX_EPOCH + Duration::from_secs(RFC_EXAMPLE);
        assert_eq!(format(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(format(t).len(), IMF_FIXDATE_LEN);
        assert_eq!(parse(b"Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse(b"Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(parse(b"Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(parse(b"yesterday"), None);
        assert_eq!(parse(b"\xff"), None);
    }

    #[test]
    fn if_modified_since_compares_whole_seconds() {
        let modified = UNIX_EPOCH + Duration::from_millis(RFC_EXAMPLE * 1000 + 700);
        assert!(not_modified(modified, b"Sun, 06 Nov 1994 08:49:37 GMT"));
        assert!(not_modified(modified, b"Sun, 06 Nov 1994 09:00:00 GMT"));
        assert!(!not_modified(modified, b"Sun, 06 Nov 1994 08:49:36 GMT"));
        assert!(!not_modified(modified, b"garbage"));
    }

    #[test]
    fn the_date_cache_changes_with_the_second() {
        let mut c = DateCache::default();
        let t = UNIX_EPOCH + Duration::from_secs(RFC_EXAMPLE);
        assert_eq!(c.at(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(c.at(t + Duration::from_millis(999)), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(c.at(t + Duration::from_secs(1)), "Sun, 06 Nov 1994 08:49:38 GMT");
    }
}
