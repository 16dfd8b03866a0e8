//! The four primitives of the format, each a thin call into a RustCrypto crate.
//!
//! Nothing here is home-made: AES-256-GCM-SIV comes from `aes-gcm-siv`
//! (RFC 8452), HKDF and HMAC over SHA-256 from `hkdf`/`hmac`/`sha2`
//! (RFC 5869, RFC 2104), Argon2id from `argon2` (RFC 9106).

use aes_gcm_siv::aead::{AeadInOut, KeyInit};
use aes_gcm_siv::{Aes256GcmSiv, Nonce, Tag};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::limits::Argon2Params;

/// Length of every symmetric key in the format.
pub(crate) const KEY_LEN: usize = 32;
/// Length of an AES-256-GCM-SIV tag.
pub(crate) const TAG_LEN: usize = 16;
/// Length of an AES-256-GCM-SIV nonce.
pub(crate) const NONCE_LEN: usize = 12;

/// A 32-byte symmetric key, zeroized on drop.
pub(crate) type SymKey = Zeroizing<[u8; KEY_LEN]>;

/// Builds an AES-256-GCM-SIV instance (the key schedule runs once).
pub(crate) fn aead(key: &[u8; KEY_LEN]) -> Aes256GcmSiv {
    Aes256GcmSiv::new(key.into())
}

/// Encrypts `buf` in place and appends the 16-byte tag.
pub(crate) fn aead_seal(cipher: &Aes256GcmSiv, nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut Vec<u8>) {
    let tag = match cipher.encrypt_inout_detached(&Nonce::from(*nonce), aad, buf.as_mut_slice().into()) {
        Ok(tag) => tag,
        Err(_) => fail_closed(buf),
    };
    buf.extend_from_slice(&tag);
}

/// Encrypts `buf[..len]` in place and writes the tag into `buf[len..len + 16]`.
pub(crate) fn aead_seal_in_place(
    cipher: &Aes256GcmSiv,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
    len: usize,
) {
    let (pt, rest) = buf.split_at_mut(len);
    let tag = match cipher.encrypt_inout_detached(&Nonce::from(*nonce), aad, pt.into()) {
        Ok(tag) => tag,
        Err(_) => fail_closed(pt),
    };
    rest[..TAG_LEN].copy_from_slice(&tag);
}

/// Encryption fails only for a plaintext or AAD over 2^36 bytes, which the
/// format never builds (chunks and metadata are at most 16 MiB). Should it
/// ever happen, the plaintext must not go out in place of its ciphertext:
/// it is wiped, and the all-zero tag makes the result fail authentication.
#[cold]
fn fail_closed(plaintext: &mut [u8]) -> Tag {
    plaintext.fill(0);
    Tag::default()
}

/// Decrypts `buf` (ciphertext || tag) in place; returns the plaintext
/// length (the plaintext is `buf[..len]`).
///
/// On failure `buf` holds the original ciphertext again (the crate
/// re-applies the keystream before it reports a bad tag), so nothing
/// unauthenticated is exposed and the caller may retry with another nonce.
pub(crate) fn aead_open(
    cipher: &Aes256GcmSiv,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut [u8],
) -> Result<usize, ()> {
    let Some(split) = buf.len().checked_sub(TAG_LEN) else {
        return Err(());
    };
    let (ct, tag) = buf.split_at_mut(split);
    let tag = Tag::try_from(&*tag).map_err(|_| ())?;
    cipher.decrypt_inout_detached(&Nonce::from(*nonce), aad, ct.into(), &tag).map(|()| split).map_err(|_| ())
}

/// HKDF-SHA256 extract-then-expand into `out`.
pub(crate) fn hkdf(ikm: &[u8], salt: &[u8], info: &[&[u8]], out: &mut [u8]) {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    // `out` is at most 96 bytes here, far below HKDF's 255 * 32 limit.
    let _ = hk.expand_multi_info(info, out);
}

/// HMAC-SHA256 over `msg`.
pub(crate) fn hmac(key: &[u8; KEY_LEN], msg: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| {
        // HMAC accepts keys of any length.
        unreachable!("HMAC takes any key length")
    });
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Argon2id (version 0x13) with a 32-byte tag, no secret, no associated data.
///
/// The caller has already checked `params` against its limits.
pub(crate) fn argon2id(password: &[u8], salt: &[u8], params: Argon2Params) -> Result<SymKey, argon2::Error> {
    let p = argon2::Params::new(params.m_kib, params.t, u32::from(params.p), Some(KEY_LEN))?;
    let hasher = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, p);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    hasher.hash_password_into(password, salt, out.as_mut())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! Known-answer tests against the published RFC vectors.
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace([' ', '\n'], "")).unwrap()
    }

    /// The unreachable encryption failure lets no plaintext through.
    #[test]
    fn a_failed_encryption_wipes_the_plaintext() {
        let mut plaintext = *b"attack at dawn";
        assert_eq!(fail_closed(&mut plaintext), Tag::default());
        assert_eq!(plaintext, [0; 14]);
    }

    /// RFC 8452, Appendix C.2 (AEAD_AES_256_GCM_SIV): a selection of vectors.
    #[test]
    fn rfc8452_aes_256_gcm_siv() {
        let key: [u8; 32] = h("0100000000000000000000000000000000000000000000000000000000000000").try_into().unwrap();
        let nonce: [u8; 12] = h("030000000000000000000000").try_into().unwrap();
        let cipher = aead(&key);
        // (plaintext, aad, ciphertext || tag)
        let cases = [
            ("", "", "07f5f4169bbf55a8400cd47ea6fd400f"),
            ("0100000000000000", "", "c2ef328e5c71c83b843122130f7364b761e0b97427e3df28"),
            (
                "01000000000000000000000000000000",
                "",
                "85a01b63025ba19b7fd3ddfc033b3e76c9eac6fa700942702e90862383c6c366",
            ),
            ("0200000000000000", "01", "1de22967237a813291213f267e3b452f02d01ae33e4ec854"),
        ];
        for (pt, aad, expected) in cases {
            let mut buf = h(pt);
            aead_seal(&cipher, &nonce, &h(aad), &mut buf);
            assert_eq!(hex::encode(&buf), expected, "seal pt={pt} aad={aad}");
            let n = aead_open(&cipher, &nonce, &h(aad), &mut buf).unwrap();
            assert_eq!(buf[..n], h(pt));
        }
        // A changed tag is refused and the buffer holds the ciphertext again.
        let forged = h("c2ef328e5c71c83b843122130f7364b761e0b97427e3df29");
        let mut buf = forged.clone();
        assert!(aead_open(&cipher, &nonce, &[], &mut buf).is_err());
        assert_eq!(buf, forged);
    }

    /// RFC 8452, Appendix C.3: counter wrap vector for AES-256-GCM-SIV.
    #[test]
    fn rfc8452_counter_wrap() {
        let key: [u8; 32] = h("0000000000000000000000000000000000000000000000000000000000000000").try_into().unwrap();
        let nonce: [u8; 12] = h("000000000000000000000000").try_into().unwrap();
        let cipher = aead(&key);
        let mut buf = h("000000000000000000000000000000004db923dc793ee6497c76dcc03a98e108");
        aead_seal(&cipher, &nonce, &[], &mut buf);
        assert_eq!(
            hex::encode(&buf),
            "f3f80f2cf0cb2dd9c5984fcda908456cc537703b5ba70324a6793a7bf218d3eaffffffff000000000000000000000000"
        );
    }

    /// RFC 5869, Appendix A.1 and A.3 (HKDF-SHA256).
    #[test]
    fn rfc5869_hkdf_sha256() {
        let mut okm = [0u8; 42];
        hkdf(
            &h("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
            &h("000102030405060708090a0b0c"),
            &[&h("f0f1f2f3f4f5f6f7f8f9")],
            &mut okm,
        );
        assert_eq!(
            hex::encode(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
        );
        // A.3: zero-length salt and info (the salt defaults to HashLen zeros).
        let mut okm = [0u8; 42];
        hkdf(&h("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), &[0u8; 32], &[], &mut okm);
        assert_eq!(
            hex::encode(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        );
        // Info given in parts is the concatenation.
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        hkdf(b"ikm", b"salt", &[b"kluis/v1 slot", &[1]], &mut a);
        hkdf(b"ikm", b"salt", &[b"kluis/v1 slot\x01"], &mut b);
        assert_eq!(a, b);
    }

    /// RFC 4231, test case 2 (HMAC-SHA256), with the key zero-padded to 32 bytes
    /// (HMAC pads short keys with zeros, so the result is the same).
    #[test]
    fn rfc4231_hmac_sha256() {
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        assert_eq!(
            hex::encode(hmac(&key, b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    /// RFC 9106, section 5.3: the Argon2id test vector (it sets a secret and
    /// associated data, which the format never does, so the crate is called
    /// directly with the same algorithm and version as [`argon2id`]).
    #[test]
    fn rfc9106_argon2id() {
        let params = argon2::Params::new(32, 3, 4, Some(32)).unwrap();
        let secret = [3u8; 8];
        let hasher =
            argon2::Argon2::new_with_secret(&secret, argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .unwrap();
        // The associated data goes through the crate's `Params` builder.
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .output_len(32)
            .data(argon2::AssociatedData::new(&[4u8; 12]).unwrap())
            .build()
            .unwrap();
        let hasher_ad =
            argon2::Argon2::new_with_secret(&secret, argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .unwrap();
        let mut out = [0u8; 32];
        hasher_ad.hash_password_into(&[1u8; 32], &[2u8; 16], &mut out).unwrap();
        assert_eq!(hex::encode(out), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
        // Without the associated data the result differs (the vector really exercises it).
        let mut other = [0u8; 32];
        hasher.hash_password_into(&[1u8; 32], &[2u8; 16], &mut other).unwrap();
        assert_ne!(out, other);
    }

    /// RFC 9106, section 5.3 uses a secret and associated data, which the
    /// format never sets; the crate's own RFC test covers that path. Here we
    /// pin Argon2id v0x13 without secret/ad against the reference
    /// implementation's output (phc-winner-argon2 `argon2 somesalt -id -t 2 -m 16 -p 1 -l 32`,
    /// password "password").
    #[test]
    fn argon2id_reference() {
        let out = argon2id(b"password", b"somesalt", Argon2Params { m_kib: 65536, t: 2, p: 1 }).unwrap();
        assert_eq!(hex::encode(out.as_ref()), "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
    }
}
