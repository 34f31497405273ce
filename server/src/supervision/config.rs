//! Reading supervised paths and durations as people write them (`--path 1:ethernet:90s:30s`).

use store::PathSpec;

/// Why a duration or path could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not a duration such as `90s`, `20m`, `24h`, `1d`.
    #[error("{0:?} is not a duration (e.g. 90s, 20m, 24h, 1d)")]
    Duration(String),
    /// Not a path such as `LINE:NAME:INTERVAL[:GRACE]`.
    #[error("{0:?} is not a path: LINE:NAME:INTERVAL[:GRACE], e.g. 1:ethernet:90s:30s or *:gsm:24h")]
    Path(String),
}

/// Milliseconds of a duration written as a number and a unit (`s`, `m`, `h`, `d`; bare
/// numbers are seconds): the admin pages' reading (`app::model::accounts`).
pub fn parse_duration(text: &str) -> Result<i64, ConfigError> {
    app::model::accounts::parse_duration(text).ok_or_else(|| ConfigError::Duration(text.to_owned()))
}

/// A path from `LINE:NAME:INTERVAL[:GRACE]`; the grace defaults to a tenth of the interval,
/// at least 30 s.
pub fn parse_path(text: &str) -> Result<PathSpec, ConfigError> {
    let parts: Vec<&str> = text.split(':').collect();
    let (line, name, interval, grace) = match parts.as_slice() {
        [line, name, interval] => (*line, *name, *interval, ""),
        [line, name, interval, grace] => (*line, *name, *interval, *grace),
        _ => return Err(ConfigError::Path(text.to_owned())),
    };
    parse_duration(interval)?;
    if !grace.trim().is_empty() && grace.trim() != "0" {
        parse_duration(grace)?;
    }
    // The admin pages' reading of a path (one set of rules for the CLI, the API and the pages).
    let path = app::model::accounts::PathLine {
        line: line.into(),
        name: name.into(),
        interval: interval.into(),
        grace: grace.into(),
    };
    let p = path.check().map_err(|_| ConfigError::Path(text.to_owned()))?;
    let spec = PathSpec { line: p.line, name: p.name, interval_ms: p.interval_ms, grace_ms: p.grace_ms };
    spec.validate().map_err(|_| ConfigError::Path(text.to_owned()))?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("20m"), Ok(1_200_000));
        assert_eq!(parse_duration("24h"), Ok(86_400_000));
        assert_eq!(parse_duration("45"), Ok(45_000));
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("0s").is_err());
    }

    #[test]
    fn paths() {
        let p = parse_path("1:ethernet:90s:15s").unwrap();
        assert_eq!((p.line.as_str(), p.name.as_str(), p.interval_ms, p.grace_ms), ("1", "ethernet", 90_000, 15_000));
        assert_eq!(parse_path("*:gsm:24h").unwrap().grace_ms, 8_640_000);
        assert_eq!(parse_path("a:x:60s").unwrap().line, "A");
        assert!(parse_path("zz:x:60s").is_err());
        assert!(parse_path("1:x").is_err());
        assert!(parse_path("1::60s").is_err());
    }
}
