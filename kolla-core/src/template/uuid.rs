//! Ansible's `to_uuid` filter: a name-based (version 5, SHA-1) UUID of the
//! string in Ansible's namespace `361e6d51-faec-444a-9079-341386da8e2e`
//! (`uuid.uuid5`), or in the namespace given as argument.

use minijinja::{Error, ErrorKind};

/// Ansible's `UUID_NAMESPACE_ANSIBLE`.
const ANSIBLE_NAMESPACE: &str = "361e6d51-faec-444a-9079-341386da8e2e";

/// `{{ s | to_uuid }}` / `{{ s | to_uuid(namespace) }}`.
pub fn to_uuid(value: String, namespace: Option<String>) -> Result<String, Error> {
    let ns = namespace.as_deref().unwrap_or(ANSIBLE_NAMESPACE);
    let ns = parse(ns).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("to_uuid: badly formed hexadecimal UUID string {ns:?}"),
        )
    })?;
    Ok(uuid5(&ns, value.as_bytes()))
}

fn parse(s: &str) -> Option<[u8; 16]> {
    let hex: String = s
        .trim_start_matches("urn:")
        .trim_start_matches("uuid:")
        .trim_matches(|c| c == '{' || c == '}')
        .chars()
        .filter(|&c| c != '-')
        .collect();
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Python's `uuid.uuid5(namespace, name)`, as text.
fn uuid5(namespace: &[u8; 16], name: &[u8]) -> String {
    let mut data = namespace.to_vec();
    data.extend_from_slice(name);
    let digest = sha1(&data);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// SHA-1 (FIPS 180-4), only for name-based UUIDs.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_known_answers() {
        let hex = |d: [u8; 20]| d.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        assert_eq!(hex(sha1(long)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    }

    #[test]
    fn matches_ansible_to_uuid() {
        // python3 -c "import uuid; print(uuid.uuid5(uuid.UUID('361E6D51-FAEC-444A-9079-341386DA8E2E'), 'controller01'))"
        assert_eq!(
            to_uuid("controller01".into(), None).unwrap(),
            "ddef55ca-451b-5f92-81cb-bae6aba18474"
        );
        // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org'))"
        assert_eq!(
            to_uuid(
                "python.org".into(),
                Some("6ba7b810-9dad-11d1-80b4-00c04fd430c8".into())
            )
            .unwrap(),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d"
        );
        assert!(to_uuid("x".into(), Some("nope".into())).is_err());
    }
}
