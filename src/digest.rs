//! sha256 as lower-case hex.

use sha2::{Digest, Sha256};

/// The sha256 of `bytes`, as 64 lower-case hex digits.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256Digest::of(bytes).to_hex()
}

/// A sha256, as bytes: what a key is kept as (a quarter of a hex string's
/// size, with no allocation), shown as hex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sha256Digest(pub(crate) [u8; 32]);

impl Sha256Digest {
    /// The sha256 of `bytes`.
    pub(crate) fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The sha256 of what `hasher` was given.
    pub(crate) fn from_hasher(hasher: Sha256) -> Self {
        Self(hasher.finalize().into())
    }

    /// As 64 lower-case hex digits.
    pub fn to_hex(self) -> String {
        self.hex_digits().iter().map(|&digit| char::from(digit)).collect()
    }

    /// Its 64 lower-case hex digits, as bytes (no allocation).
    pub(crate) fn hex_digits(self) -> [u8; 64] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0; 64];
        for (pair, byte) in digits.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 0xf)];
        }
        digits
    }

    /// The digest `text` spells in 64 lower-case hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let digit = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            *byte = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Some(Self(bytes))
    }

    /// Whether `text` is this digest in lower-case hex.
    pub fn is_hex(self, text: &str) -> bool {
        text.as_bytes() == self.hex_digits()
    }
}

impl std::fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.hex_digits();
        f.write_str(std::str::from_utf8(&digits).map_err(|_| std::fmt::Error)?)
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Sha256Digest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_hex(&text).ok_or_else(|| serde::de::Error::custom("expected 64 lower-case hex digits"))
    }
}

/// A writer that hashes what it passes on to `inner`: the sha256 of a
/// text streamed to a file, never held whole.
pub(crate) struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: std::io::Write> Hashing<W> {
    pub(crate) fn new(inner: W) -> Self {
        Self { inner, hasher: Sha256::new() }
    }

    /// The writer, and the sha256 of everything written, as hex.
    pub(crate) fn finish(self) -> (W, String) {
        (self.inner, Sha256Digest::from_hasher(self.hasher).to_hex())
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_digest() {
        assert_eq!(super::sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_digest_is_shown_and_compared_as_hex() {
        let digest = super::Sha256Digest::of(b"abc");
        let hex = super::sha256_hex(b"abc");
        assert_eq!(digest.to_hex(), hex);
        assert!(digest.is_hex(&hex));
        assert!(!digest.is_hex(&hex.to_uppercase()));
        assert!(!digest.is_hex(&hex[..63]));
        assert!(!digest.is_hex(&super::sha256_hex(b"abd")));
        assert_eq!(super::Sha256Digest::from_hex(&hex), Some(digest));
        assert_eq!(digest.to_string(), hex);
        for bad in [hex.to_uppercase(), hex[..63].to_owned(), format!("{}g", &hex[..63]), format!("{hex}0")] {
            assert_eq!(super::Sha256Digest::from_hex(&bad), None, "{bad}");
        }
        let json = serde_json::to_string(&digest).expect("serialize");
        assert_eq!(json, format!("\"{hex}\""));
        assert_eq!(serde_json::from_str::<super::Sha256Digest>(&json).expect("deserialize"), digest);
        assert!(serde_json::from_str::<super::Sha256Digest>("\"ab\"").is_err());
    }

    #[test]
    fn a_hashing_writer_passes_the_bytes_on_and_hashes_them() {
        use std::io::Write;
        let mut hashing = super::Hashing::new(Vec::new());
        for part in [&b"a"[..], b"", b"bc"] {
            hashing.write_all(part).expect("a vector takes every byte");
        }
        let (bytes, sha) = hashing.finish();
        assert_eq!((bytes.as_slice(), sha.as_str()), (&b"abc"[..], super::sha256_hex(b"abc").as_str()));
    }
}
