//! Log lines in upstream's format: `YYYY-MM-DD HH:MM:SS.mmm LEVEL message`.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// Writes timestamped log lines (UTC) to a sink, usually stderr.
pub struct Log<'a> {
    out: &'a mut dyn Write,
}

impl std::fmt::Debug for Log<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Log")
    }
}

impl<'a> Log<'a> {
    /// A log writing to `out`.
    pub fn new(out: &'a mut dyn Write) -> Self {
        Log { out }
    }

    fn line(&mut self, level: &str, msg: &str) {
        let _ = writeln!(self.out, "{} {level} {msg}", timestamp(SystemTime::now()));
    }

    /// An INFO line.
    pub fn info(&mut self, msg: &str) {
        self.line("INFO", msg);
    }

    /// A WARNING line.
    pub fn warning(&mut self, msg: &str) {
        self.line("WARNING", msg);
    }

    /// An ERROR line.
    pub fn error(&mut self, msg: &str) {
        self.line("ERROR", msg);
    }
}

/// `YYYY-MM-DD HH:MM:SS.mmm` in UTC.
fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc_civil_dates() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_626_065_143);
        assert_eq!(timestamp(t), "2026-11-25 17:01:05.143");
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01 00:00:00.000");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(timestamp(leap), "2000-02-29 00:00:00.000");
    }

    #[test]
    fn lines_have_level_and_message() {
        let mut buf = Vec::new();
        Log::new(&mut buf).error("StateMismatch: x");
        let s = String::from_utf8(buf).unwrap();
        assert!(s.ends_with(" ERROR StateMismatch: x\n"), "{s}");
        assert_eq!(
            s.len(),
            "2026-11-25 17:01:05.143 ERROR StateMismatch: x\n".len()
        );
    }
}
