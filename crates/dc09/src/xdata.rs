//! Extended data blocks (`[X..]`, `[Y..]`, `[H..]`, ...) that follow the data block.
//!
//! Every block is kept raw ([`XData::id`], [`XData::value`]); the typed accessors read the
//! blocks whose format is known and return `None` for other identifiers or unreadable values.

use std::fmt;

use crate::coord;
use crate::timestamp::Timestamp;

/// One extended data block: its identifier letter and the text after it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XData {
    /// Identifier, the first character of the block (`X`, `Y`, `Z`, `H`, `M`, `V`, `I`, ...).
    pub id: char,
    /// The rest of the block, unparsed.
    pub value: String,
}

impl XData {
    /// Splits a block's content (without brackets) into identifier and value; `None` if empty.
    pub fn parse(content: &str) -> Option<XData> {
        let mut chars = content.chars();
        let id = chars.next()?;
        Some(XData { id, value: chars.as_str().to_owned() })
    }

    /// What the identifier stands for; "Unassigned" for identifiers kept raw.
    pub fn meaning(&self) -> &'static str {
        match self.id {
            'X' => "Longitude",
            'Y' => "Latitude",
            'Z' => "Altitude",
            'H' => "Time of occurrence",
            'M' => "MAC address",
            'V' => "Verification URL",
            'I' => "Alarm text",
            _ => "Unassigned",
        }
    }

    /// `[X..]`: longitude in decimal degrees, east positive, west negative (-180..=180).
    ///
    /// Reads the DC-09 form `dddHmm.mmm` (degrees, `E`/`W`, decimal minutes: `[X093W23.456]`
    /// is 93° 23.456' W = -93.3909), decimal degrees followed by `E`/`W` (`[X93.3909W]`) and
    /// signed decimal degrees (`[X-93.3909]`); the hemisphere letter may be lower case.
    pub fn longitude(&self) -> Option<f64> {
        (self.id == 'X').then(|| coord::parse(&self.value, 'E', 'W', 180.0)).flatten()
    }

    /// `[Y..]`: latitude in decimal degrees, north positive, south negative (-90..=90).
    ///
    /// The forms of [`XData::longitude`] with `N`/`S`: `[Y45N23.456]` is 45.3909.
    pub fn latitude(&self) -> Option<f64> {
        (self.id == 'Y').then(|| coord::parse(&self.value, 'N', 'S', 90.0)).flatten()
    }

    /// `[Z..]`: altitude in metres (`[Z123.2M]`, `[Z-4]`; a trailing `M`/`m` is optional).
    pub fn altitude(&self) -> Option<f64> {
        if self.id != 'Z' {
            return None;
        }
        let v = self.value.trim();
        coord::signed_decimal(v.strip_suffix(['M', 'm']).unwrap_or(v))
    }

    /// `[H..]`: time of occurrence, written like the frame timestamp
    /// (`[H03:04:00,01-02-2026]`; a leading `_` is tolerated).
    pub fn time(&self) -> Option<Timestamp> {
        if self.id != 'H' {
            return None;
        }
        let v = self.value.trim();
        v.strip_prefix('_').unwrap_or(v).parse().ok()
    }

    /// `[M..]`: MAC address of the panel: 12 hex digits, either case, optionally separated by
    /// `:` or `-` (`[M0123456789AB]`, `[M01:23:45:67:89:ab]`).
    pub fn mac(&self) -> Option<[u8; 6]> {
        if self.id != 'M' {
            return None;
        }
        let digits: Vec<u32> = self
            .value
            .trim()
            .chars()
            .filter(|c| !matches!(c, ':' | '-'))
            .map(|c| c.to_digit(16))
            .collect::<Option<_>>()?;
        if digits.len() != 12 {
            return None;
        }
        let mut mac = [0u8; 6];
        for (byte, pair) in mac.iter_mut().zip(digits.chunks(2)) {
            *byte = (pair[0] << 4 | pair[1]) as u8;
        }
        Some(mac)
    }

    /// `[V..]`: where to fetch audio/video verification (normally a URL), trimmed, as sent;
    /// `None` when empty.
    pub fn verification_url(&self) -> Option<&str> {
        let v = self.value.trim();
        (self.id == 'V' && !v.is_empty()).then_some(v)
    }
}

impl fmt::Display for XData {
    /// The wire form of the block, brackets included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}{}]", self.id, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::XData;

    fn x(content: &str) -> XData {
        XData::parse(content).unwrap()
    }

    fn close(got: Option<f64>, want: f64) -> bool {
        got.is_some_and(|g| (g - want).abs() < 1e-9)
    }

    #[test]
    fn parse_and_display() {
        let x = XData::parse("X012W34.1").unwrap();
        assert_eq!((x.id, x.value.as_str(), x.meaning()), ('X', "012W34.1", "Longitude"));
        assert_eq!(x.to_string(), "[X012W34.1]");
        assert_eq!(XData::parse("E115000").unwrap().meaning(), "Unassigned");
        assert!(XData::parse("").is_none());
    }

    #[test]
    fn coordinates() {
        assert!(close(x("X093W23.456").longitude(), -(93.0 + 23.456 / 60.0)));
        assert!(close(x("Y45N23.456").latitude(), 45.0 + 23.456 / 60.0));
        assert!(close(x("X012W34.1").longitude(), -(12.0 + 34.1 / 60.0)));
        assert!(close(x("Y045N12.2").latitude(), 45.0 + 12.2 / 60.0));
        assert!(close(x("X012e34.1").longitude(), 12.0 + 34.1 / 60.0));
        assert!(close(x("Y33s52").latitude(), -(33.0 + 52.0 / 60.0)));
        assert!(close(x("X93.5W").longitude(), -93.5));
        assert!(close(x("X-93.5").longitude(), -93.5));
        assert!(close(x("Y+45").latitude(), 45.0));
        assert!(close(x("X180E0").longitude(), 180.0));
        assert!(close(x("X1e5").longitude(), 1.0 + 5.0 / 60.0));
        for bad in ["X115000", "X", "X181E0", "X10E60", "XW", "X12N3", "X1.2.3"] {
            assert_eq!(x(bad).longitude(), None, "{bad}");
        }
        for bad in ["Y91N0", "Y45E23.4", "Y-90.5", "Y45N-1"] {
            assert_eq!(x(bad).latitude(), None, "{bad}");
        }
        assert_eq!(x("Y45N23.456").longitude(), None);
        assert_eq!(x("X093W23.456").latitude(), None);
    }

    #[test]
    fn altitude_time_mac_and_url() {
        assert!(close(x("Z123.2M").altitude(), 123.2));
        assert!(close(x("Z-4").altitude(), -4.0));
        assert_eq!(x("Z12ft").altitude(), None);
        let h = x("H03:04:00,01-02-2026").time().unwrap();
        assert_eq!(h.to_string(), "03:04:00,01-02-2026");
        assert_eq!(x("H_03:04:00,01-02-2026").time(), Some(h));
        assert_eq!(x("H03:04").time(), None);
        assert_eq!(x("X03:04:00,01-02-2026").time(), None);
        let mac = [0x12, 0x34, 0x56, 0x78, 0x90, 0xab];
        assert_eq!(x("M1234567890AB").mac(), Some(mac));
        assert_eq!(x("M12:34:56:78:90:ab").mac(), Some(mac));
        assert_eq!(x("M1234567890A").mac(), None);
        assert_eq!(x("M1234567890AG").mac(), None);
        assert_eq!(x("Vhttps://cam.example/v/1").verification_url(), Some("https://cam.example/v/1"));
        assert_eq!(x("V ").verification_url(), None);
        assert_eq!(x("Ihttps://x").verification_url(), None);
    }
}
