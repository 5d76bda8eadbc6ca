//! Ansible's `random` filter with a `seed`: Python's `random.Random(seed)`
//! (Mersenne Twister, seeded as CPython seeds it) picking an element of a
//! list or a number below an integer, so a seeded pick matches upstream's.

use minijinja::value::{Kwargs, Value, ValueKind};
use minijinja::{Error, ErrorKind};
use sha2::Digest;

const N: usize = 624;

/// CPython's MT19937 state.
struct Mt {
    mt: [u32; N],
    index: usize,
}

impl Mt {
    fn init_genrand(s: u32) -> Mt {
        let mut mt = [0u32; N];
        mt[0] = s;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        Mt { mt, index: N }
    }

    fn init_by_array(key: &[u32]) -> Mt {
        let mut s = Mt::init_genrand(19_650_218);
        let mt = &mut s.mt;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        s
    }

    /// `random.Random(seed)`: a string seeds with its bytes followed by
    /// their SHA-512 as one big integer; an integer by its absolute value.
    fn seeded(seed: &Value) -> Mt {
        let bytes: Vec<u8> = match seed.as_i64() {
            Some(n) if seed.kind() == ValueKind::Number => n.unsigned_abs().to_be_bytes().to_vec(),
            _ => {
                let s = seed
                    .as_str()
                    .map_or_else(|| seed.to_string(), str::to_string);
                let mut b = s.as_bytes().to_vec();
                b.extend_from_slice(&sha2::Sha512::digest(s.as_bytes()));
                b
            }
        };
        // 32-bit words, least significant first, no leading zero words.
        let mut words: Vec<u32> = bytes
            .rchunks(4)
            .map(|c| c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
            .collect();
        while words.len() > 1 && words.last() == Some(&0) {
            words.pop();
        }
        if words.is_empty() {
            words.push(0);
        }
        Mt::init_by_array(&words)
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            for k in 0..N {
                let y = (self.mt[k] & 0x8000_0000) | (self.mt[(k + 1) % N] & 0x7fff_ffff);
                let mut v = self.mt[(k + 397) % N] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.mt[k] = v;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `Random._randbelow(n)` for `n` below 2**32.
    fn below(&mut self, n: u32) -> u32 {
        let k = 32 - n.leading_zeros();
        if k == 0 {
            return 0;
        }
        loop {
            let r = self.next_u32() >> (32 - k);
            if r < n {
                return r;
            }
        }
    }
}

/// `value | random(start=0, step=1, seed=...)`: an element of a list, or a
/// number of `range(start, value, step)`. Only seeded picks are supported
/// (an unseeded pick would differ from run to run).
pub(crate) fn random(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let seed: Option<Value> = kwargs.get("seed")?;
    let start: Option<i64> = kwargs.get("start")?;
    let step: Option<i64> = kwargs.get("step")?;
    kwargs.assert_all_used()?;
    let Some(seed) = seed.filter(|s| !s.is_none() && !s.is_undefined()) else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "random: only seeded (random(seed=...)) picks are supported",
        ));
    };
    let mut mt = Mt::seeded(&seed);
    if value.kind() == ValueKind::Number {
        let end = value.as_i64().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "random: end must be an integer",
            )
        })?;
        let (start, step) = (start.unwrap_or(0), step.unwrap_or(1));
        if step <= 0 || end <= start {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "random: empty range",
            ));
        }
        let n = (end - start + step - 1) / step;
        let n = u32::try_from(n)
            .map_err(|_| Error::new(ErrorKind::InvalidOperation, "random: range too large"))?;
        return Ok(Value::from(start + step * i64::from(mt.below(n))));
    }
    let items: Vec<Value> = value.try_iter()?.collect();
    if items.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "random: cannot choose from an empty sequence",
        ));
    }
    let n = u32::try_from(items.len())
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, "random: sequence too long"))?;
    Ok(items[mt.below(n) as usize].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Picks checked against Python's `random.Random(seed).choice(...)` /
    /// `.randrange(...)` (the oracle venv's Python).
    #[test]
    fn matches_python_random() {
        let pick = |v: Value, seed: Value| {
            let kw = Kwargs::from_iter([("seed", seed)]);
            random(&v, kw).unwrap().to_string()
        };
        let seq = |n: i64| Value::from((1..=n).collect::<Vec<i64>>());
        for (host, n, want) in PY {
            assert_eq!(pick(seq(*n), Value::from(*host)), *want, "{host} {n}");
        }
        assert_eq!(pick(Value::from(100), Value::from(42)), PY_INT_42_100);
        let kw = Kwargs::from_iter([("start", Value::from(1))]);
        assert!(random(&seq(3), kw).is_err());
    }

    const PY: &[(&str, i64, &str)] = &[
        ("localhost", 1, "1"),
        ("localhost", 2, "2"),
        ("localhost", 3, "3"),
        ("localhost", 5, "4"),
        ("localhost", 10, "8"),
        ("aio", 1, "1"),
        ("aio", 2, "2"),
        ("aio", 3, "2"),
        ("aio", 5, "4"),
        ("aio", 10, "8"),
        ("control01", 1, "1"),
        ("control01", 2, "2"),
        ("control01", 3, "2"),
        ("control01", 5, "3"),
        ("control01", 10, "6"),
        ("node-2.example.com", 1, "1"),
        ("node-2.example.com", 2, "2"),
        ("node-2.example.com", 3, "2"),
        ("node-2.example.com", 5, "3"),
        ("node-2.example.com", 10, "5"),
        ("", 1, "1"),
        ("", 2, "2"),
        ("", 3, "2"),
        ("", 5, "4"),
        ("", 10, "8"),
    ];
    const PY_INT_42_100: &str = "81";
}
