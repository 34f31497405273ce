//! Extended data blocks (`[X..]`, `[Y..]`, `[H..]`, ...) that follow the data block.

use std::fmt;

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
        Some(XData {
            id,
            value: chars.as_str().to_owned(),
        })
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

    #[test]
    fn parse_and_display() {
        let x = XData::parse("X012W34.1").unwrap();
        assert_eq!(
            (x.id, x.value.as_str(), x.meaning()),
            ('X', "012W34.1", "Longitude")
        );
        assert_eq!(x.to_string(), "[X012W34.1]");
        assert_eq!(XData::parse("E115000").unwrap().meaning(), "Unassigned");
        assert!(XData::parse("").is_none());
    }
}
