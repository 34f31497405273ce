//! CRC-16/ARC, the checksum of DC-09 frames.

/// CRC-16/ARC (polynomial 0x8005 reflected as 0xA001, initial value 0, no final xor).
///
/// DC-09 computes it over the bytes from the opening `"` of the token up to, not including, the
/// closing CR. The check value of `"123456789"` is `0xBB3D`.
pub fn crc16_arc(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |crc, &byte| {
        (0..8).fold(crc ^ u16::from(byte), |c, _| if c & 1 == 1 { (c >> 1) ^ 0xA001 } else { c >> 1 })
    })
}

#[cfg(test)]
mod tests {
    use super::crc16_arc;

    #[test]
    fn check_value() {
        assert_eq!(crc16_arc(b"123456789"), 0xBB3D);
    }

    #[test]
    fn empty_input_is_zero() {
        assert_eq!(crc16_arc(b""), 0);
    }

    #[test]
    fn known_frame() {
        assert_eq!(crc16_arc(b"\"ADM-CID\"0001L0#1234[#1234|1130 01 005]"), 0x7EE8);
    }
}
