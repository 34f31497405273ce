//! Panel accounts as the admin pages edit them: the number, the AES key (typed as hex or as
//! the text keyed into the panel; only its size is ever shown back) and the supervised paths
//! with their intervals. The checks here run in the browser and again on the server.

use crate::tx;
use serde::{Deserialize, Serialize};

use super::admin::FieldErrors;

/// A supervised path as shown and typed: durations as people write them (`90s`, `20m`,
/// `24h`, `1d`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathLine {
    /// DC-09 line (1-6 hex digits) or `*` for any.
    pub line: String,
    /// Name, such as `ethernet` or `gsm`.
    pub name: String,
    /// Time between two life signs.
    pub interval: String,
    /// Grace before the path counts as failed (empty: a tenth of the interval, at least 30 s).
    pub grace: String,
}

/// A checked path, times in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedPath {
    /// Line, upper case.
    pub line: String,
    /// Name.
    pub name: String,
    /// Interval.
    pub interval_ms: i64,
    /// Grace.
    pub grace_ms: i64,
}

/// One account of a site as the admin pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAccount {
    /// Account number.
    pub number: String,
    /// `AES-128` and so on; `None`: frames come plain.
    pub key: Option<String>,
    /// With a key: plain frames are still taken.
    pub allow_plain: bool,
    /// Supervised paths, with their state in words.
    pub paths: Vec<(PathLine, String)>,
}

/// Milliseconds of a duration written as a number and a unit (`s`, `m`, `h`, `d`; a bare
/// number is seconds); `None` when it is not one or not positive.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: i64 = number.parse().ok()?;
    let ms = match unit.trim() {
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(ms).filter(|v| *v > 0)
}

/// A duration in the largest unit that divides it (`24h`, `90s`).
pub fn duration_text(ms: i64) -> String {
    for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000)] {
        if ms >= size && ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{}s", ms / 1000)
}

impl PathLine {
    /// The path checked: `Err(message)` names what to fix.
    pub fn check(&self) -> Result<CheckedPath, String> {
        let line = self.line.trim().to_ascii_uppercase();
        if !(line == "*" || ((1..=6).contains(&line.len()) && line.bytes().all(|b| b.is_ascii_hexdigit()))) {
            return Err(tx!(staff.check.path_line, line = format!("{:?}", self.line.trim())));
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(tx!(staff.check.name_path_ethernet_gsm).into());
        }
        let interval_ms = parse_duration(&self.interval)
            .filter(|ms| *ms >= 1_000)
            .ok_or_else(|| tx!(staff.check.path_interval, interval = format!("{:?}", self.interval.trim())))?;
        let grace_ms = match self.grace.trim() {
            "" => (interval_ms / 10).max(30_000),
            "0" => 0,
            g => parse_duration(g).ok_or_else(|| tx!(staff.check.path_grace, grace = format!("{g:?}")))?,
        };
        Ok(CheckedPath { line, name, interval_ms, grace_ms })
    }
}

/// Checks a list of paths: at most 8, each acceptable, no line twice.
pub fn check_paths(paths: &[PathLine]) -> Result<Vec<CheckedPath>, FieldErrors> {
    let mut out = Vec::new();
    let mut e = FieldErrors::default();
    if paths.len() > 8 {
        e.fields.push(("paths".into(), tx!(staff.check.n_8_paths).into()));
    }
    for (n, p) in paths.iter().enumerate() {
        match p.check() {
            Ok(c) if out.iter().any(|o: &CheckedPath| o.line == c.line) => {
                e.fields.push((format!("path{n}"), tx!(staff.check.path_twice, line = &c.line)))
            }
            Ok(c) => out.push(c),
            Err(m) => e.fields.push((format!("path{n}"), m)),
        }
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

/// Checks an account number: 3-16 hex digits.
pub fn number_problem(number: &str) -> Option<&'static str> {
    let n = number.trim();
    (!((3..=16).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_hexdigit())))
        .then_some("3 to 16 hex digits (0-9, A-F).")
}

/// Checks a key as typed (`format` `hex` or `text`; empty: none): 32, 48 or 64 hex digits,
/// or 16, 24 or 32 ASCII characters.
pub fn key_problem(format: &str, key: &str) -> Option<&'static str> {
    let k = key.trim();
    match format {
        _ if k.is_empty() => None,
        "hex" => (!(matches!(k.len(), 32 | 48 | 64) && k.bytes().all(|b| b.is_ascii_hexdigit())))
            .then_some("32, 48 or 64 hex digits (AES-128, -192, -256)."),
        "text" => (!(matches!(k.len(), 16 | 24 | 32) && k.bytes().all(|b| b.is_ascii_graphic() || b == b' ')))
            .then_some("16, 24 or 32 characters, as keyed into the panel."),
        _ => Some(tx!(staff.check.hex_text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_write_as_people_do() {
        assert_eq!(parse_duration("90s"), Some(90_000));
        assert_eq!(parse_duration(" 24h "), Some(86_400_000));
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("1w"), None);
        assert_eq!(duration_text(86_400_000), "1d");
        assert_eq!(duration_text(90_000), "90s");
        assert_eq!(duration_text(3_600_000 * 25), "25h");
    }

    #[test]
    fn paths_get_a_message_each_and_no_line_twice() {
        let p = |line: &str, interval: &str| PathLine {
            line: line.into(),
            name: "gsm".into(),
            interval: interval.into(),
            grace: String::new(),
        };
        let ok = check_paths(&[p("1", "90s"), p("*", "24h")]).unwrap();
        assert_eq!((ok[0].grace_ms, ok[1].grace_ms), (30_000, 8_640_000));
        let e = check_paths(&[p("1", "90s"), p("1", "1h"), p("xyz", "1h"), p("2", "soon")]).unwrap_err();
        assert_eq!(e.get("path1").as_deref(), Some("Line 1 is listed twice."));
        assert!(e.get("path2").is_some() && e.get("path3").is_some());
    }

    #[test]
    fn numbers_and_keys_are_checked_as_typed() {
        assert_eq!(number_problem("1A2b"), None);
        assert!(number_problem("12").is_some() && number_problem("12345G").is_some());
        assert_eq!(key_problem("hex", ""), None);
        assert_eq!(key_problem("hex", &"ab".repeat(16)), None);
        assert!(key_problem("hex", &"ab".repeat(15)).is_some());
        assert_eq!(key_problem("text", "0123456789abcdef"), None);
        assert!(key_problem("text", "short").is_some());
    }
}
