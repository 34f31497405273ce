//! A fast hasher for the store's integer row ids.
//!
//! Row ids are assigned by the store, never chosen by a remote party, so the DoS resistance
//! of std's SipHash buys nothing here; a splitmix64 finaliser is several times cheaper and
//! mixes sequential ids well enough for hashbrown (which uses both low and top bits).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes `i64` keys with the splitmix64 finaliser.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = mix(self.0 ^ u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = mix(self.0 ^ n);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A map keyed by a row id.
pub(crate) type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn sequential_ids_spread_over_low_and_high_bits() {
        let build = BuildHasherDefault::<IdHasher>::default();
        let hash = |id: i64| build.hash_one(id);
        let mut low = [0u32; 16];
        let mut high = [0u32; 16];
        for id in 0..16_000 {
            let h = hash(id);
            low[(h & 15) as usize] += 1;
            high[(h >> 60) as usize] += 1;
        }
        for n in low.iter().chain(&high) {
            assert!((800..1200).contains(n), "{low:?} {high:?}");
        }
    }
}
