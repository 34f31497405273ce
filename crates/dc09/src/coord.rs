//! Coordinates of the `[X..]` / `[Y..]` extended data blocks.

/// Parses a coordinate into signed decimal degrees, or `None`.
///
/// Forms: `dddHmm.mmm` (whole degrees, hemisphere letter, decimal minutes below 60), `ddd.dddH`
/// (decimal degrees, hemisphere letter) and signed decimal degrees. `positive` / `negative` are
/// the axis's hemisphere letters (`E`/`W` or `N`/`S`), matched in either case. The result must
/// lie within `-max..=max`.
pub(crate) fn parse(value: &str, positive: char, negative: char, max: f64) -> Option<f64> {
    let v = value.trim();
    let hemisphere = v.char_indices().find(|(_, c)| {
        let c = c.to_ascii_uppercase();
        c == positive || c == negative
    });
    let degrees = match hemisphere {
        None => signed_decimal(v)?,
        Some((at, letter)) => {
            let (before, after) = (&v[..at], &v[at + letter.len_utf8()..]);
            let unsigned = if after.is_empty() {
                unsigned_decimal(before)?
            } else {
                if !is_digits(before) {
                    return None;
                }
                let minutes = unsigned_decimal(after)?;
                if minutes >= 60.0 {
                    return None;
                }
                before.parse::<f64>().ok()? + minutes / 60.0
            };
            if letter.to_ascii_uppercase() == negative {
                -unsigned
            } else {
                unsigned
            }
        }
    };
    (degrees.abs() <= max).then_some(degrees)
}

/// An optionally signed decimal number (`-12`, `+4.5`, `.5`), without exponent.
pub(crate) fn signed_decimal(text: &str) -> Option<f64> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    unsigned_decimal(digits).map(|v| sign * v)
}

/// Digits with at most one `.` and at least one digit.
fn unsigned_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let valid = (!whole.is_empty() || !fraction.is_empty())
        && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit());
    valid.then(|| text.parse().ok()).flatten()
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}
