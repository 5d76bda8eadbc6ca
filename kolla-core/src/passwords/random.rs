//! The random values `kolla genpwd` writes, one function per kind, all drawn
//! from the operating system's random source.

use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

/// Letters and digits: the alphabet of passwords.
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Letters, digits, `.` and `/`: the alphabet of bcrypt salts.
const SALT: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./";

/// `len` characters drawn uniformly from `alphabet` (at most 256 symbols).
pub(crate) fn choose(alphabet: &[u8], len: usize) -> String {
    debug_assert!(!alphabet.is_empty() && alphabet.len() <= 256);
    // Rejection sampling keeps every symbol equally likely.
    let n = alphabet.len();
    let limit = 256 - 256 % n;
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        OsRng.fill_bytes(&mut buf);
        for &b in &buf {
            if usize::from(b) < limit && out.len() < len {
                out.push(char::from(alphabet[usize::from(b) % n]));
            }
        }
    }
    out
}

/// A password of `len` letters and digits.
pub fn password(len: usize) -> String {
    choose(ALNUM, len)
}

/// A salt for `password_hash('bcrypt', salt)`: 22 characters of `[A-Za-z0-9./]`.
pub fn bcrypt_salt() -> String {
    choose(SALT, 22)
}

/// A random (version 4) UUID, lower-case with hyphens.
pub fn uuid4() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A 128-bit key as 32 lower-case hex digits (the shape of an HMAC-MD5 digest).
pub fn hex128() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    hex(&b)
}

/// A Fernet key: 32 random bytes, URL-safe base64 with padding (44 characters).
pub fn fernet_key() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE.encode(b)
}

/// An RSA key pair of `bits` bits, exponent 65537: the private key as
/// unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the public key as
/// an OpenSSH line without a comment (`ssh-rsa AAAA...`).
///
/// # Panics
/// Only if `bits` is too small for RSA (under 64), which callers never pass.
pub fn rsa_pair(bits: usize) -> (String, String) {
    let key = RsaPrivateKey::new(&mut OsRng, bits).expect("RSA key generation");
    let private = key
        .to_pkcs8_pem(LineEnding::LF)
        .expect("PKCS#8 encoding")
        .to_string();
    let public = openssh_rsa_public(&key.n().to_bytes_be(), &key.e().to_bytes_be());
    (private, public)
}

/// The OpenSSH public key line for an RSA key: `ssh-rsa ` and the base64 of
/// the wire encoding (RFC 4253 section 6.6: string "ssh-rsa", mpint e, mpint n).
fn openssh_rsa_public(n: &[u8], e: &[u8]) -> String {
    fn put_string(out: &mut Vec<u8>, data: &[u8]) {
        let len = u32::try_from(data.len()).expect("key part under 4 GiB");
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(data);
    }
    fn put_mpint(out: &mut Vec<u8>, be: &[u8]) {
        let trimmed: &[u8] = {
            let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
            &be[start..]
        };
        if trimmed.first().is_some_and(|&b| b & 0x80 != 0) {
            let mut v = Vec::with_capacity(trimmed.len() + 1);
            v.push(0);
            v.extend_from_slice(trimmed);
            put_string(out, &v);
        } else {
            put_string(out, trimmed);
        }
    }
    let mut blob = Vec::new();
    put_string(&mut blob, b"ssh-rsa");
    put_mpint(&mut blob, e);
    put_mpint(&mut blob, n);
    format!(
        "ssh-rsa {}",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_use_the_alphabet_and_length() {
        let p = password(40);
        assert_eq!(p.len(), 40);
        assert!(p.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(password(40), password(40));
        let s = bcrypt_salt();
        assert_eq!(s.len(), 22);
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/'));
    }

    #[test]
    fn uuid_hex_and_fernet_shapes() {
        let u = uuid4();
        let re = regex::Regex::new(
            r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        )
        .unwrap();
        assert!(re.is_match(&u), "{u}");
        let h = hex128();
        assert_eq!(h.len(), 32);
        assert!(h
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let f = fernet_key();
        assert_eq!(f.len(), 44);
        let raw = base64::engine::general_purpose::URL_SAFE
            .decode(&f)
            .unwrap();
        assert_eq!(raw.len(), 32);
    }

    #[test]
    fn openssh_encoding_of_a_known_key() {
        // e = 65537, n = 0x80 01: n needs a leading zero byte as an mpint.
        let line = openssh_rsa_public(&[0x80, 0x01], &[0x01, 0x00, 0x01]);
        let blob = base64::engine::general_purpose::STANDARD
            .decode(line.strip_prefix("ssh-rsa ").unwrap())
            .unwrap();
        assert_eq!(
            blob,
            [
                0, 0, 0, 7, b's', b's', b'h', b'-', b'r', b's', b'a', 0, 0, 0, 3, 1, 0, 1, 0, 0, 0,
                3, 0, 0x80, 0x01
            ]
        );
    }

    #[test]
    fn small_rsa_pair_is_pkcs8_and_openssh() {
        let (private, public) = rsa_pair(1024);
        assert!(private.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(private.ends_with("-----END PRIVATE KEY-----\n"));
        assert!(public.starts_with("ssh-rsa AAAAB3NzaC1yc2E"));
        assert!(!public.contains('\n'));
    }
}
