//! The envelope functions: bytes, files, inspection.

use kluis_core as core;

use crate::error::KluisError;
use crate::types::{
    EnvelopeInfo, Metadata, OpenLimits, Opened, SealOptions, Secret, core_limits, core_options, core_secrets,
};

/// Seals `plaintext` in memory so that any of `secrets` (1 to 16, at most 4
/// passwords) opens it. `options` None means the defaults.
#[uniffi::export(default(options = None))]
pub fn seal_bytes(
    plaintext: Vec<u8>,
    secrets: Vec<Secret>,
    options: Option<SealOptions>,
) -> Result<Vec<u8>, KluisError> {
    Ok(core::seal_bytes(&plaintext, &core_secrets(secrets)?, &core_options(options)?)?)
}

/// Opens an envelope held in memory. `limits` None means the default limits.
#[uniffi::export(default(limits = None))]
pub fn open_bytes(envelope: Vec<u8>, secret: Secret, limits: Option<OpenLimits>) -> Result<Opened, KluisError> {
    let (plaintext, metadata) =
        core::open_bytes(&envelope, &secret.try_into()?, &core_limits(limits, core::OpenLimits::ENVELOPE)?)?;
    Ok(Opened { plaintext, metadata: metadata.map(Into::into) })
}

/// Seals the file at `input_path` into `output_path`. A file output appears
/// (replacing any file there) only once complete; on failure it is left as
/// it was and no temporary file remains. A device, FIFO or `/dev/stdout` is
/// written in place, never replaced; a symbolic link is written through.
#[uniffi::export(default(options = None))]
pub fn seal_file(
    input_path: String,
    output_path: String,
    secrets: Vec<Secret>,
    options: Option<SealOptions>,
) -> Result<(), KluisError> {
    Ok(core::seal_file(input_path, output_path, &core_secrets(secrets)?, &core_options(options)?)?)
}

/// Opens the envelope at `input_path` into `output_path`. A file output
/// appears (replacing any file there) only after the final chunk
/// authenticated. A device, FIFO or `/dev/stdout` is written in place as
/// chunks authenticate, never replaced; a symbolic link is written through.
/// Returns the sealed metadata, if any.
#[uniffi::export(default(limits = None))]
pub fn open_file(
    input_path: String,
    output_path: String,
    secret: Secret,
    limits: Option<OpenLimits>,
) -> Result<Option<Metadata>, KluisError> {
    let metadata = core::open_file(
        input_path,
        output_path,
        &secret.try_into()?,
        &core_limits(limits, core::OpenLimits::ENVELOPE)?,
    )?;
    Ok(metadata.map(Into::into))
}

/// Describes an envelope's header (the start of the envelope, or all of it)
/// without any secret. Nothing is decrypted or verified.
#[uniffi::export]
pub fn inspect(header_bytes: Vec<u8>) -> Result<EnvelopeInfo, KluisError> {
    Ok(core::inspect_bytes(&header_bytes)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Argon2Params;

    fn key() -> Secret {
        Secret::Key { key: vec![7; 32] }
    }

    /// Sizes a foreign caller passes get a bound: `threads` is clamped to
    /// the cores (4000 threads with 16 MiB chunks used to ask for a 64 GiB
    /// batch buffer and abort the host), an out-of-range chunk size and
    /// limits above what any envelope asks are refused with
    /// `InvalidArgument`.
    #[test]
    fn foreign_sizes_are_bounded() {
        let plaintext = vec![5u8; 100_000];
        let options = SealOptions { chunk_size: 1 << 24, threads: Some(4000), ..SealOptions::default() };
        let sealed = seal_bytes(plaintext.clone(), vec![key()], Some(options)).unwrap();
        assert_eq!(open_bytes(sealed.clone(), key(), None).unwrap().plaintext, plaintext);

        for chunk_size in [0, 1 << 25, u64::MAX, 5000] {
            let options = SealOptions { chunk_size, ..SealOptions::default() };
            let r = seal_bytes(vec![1], vec![key()], Some(options));
            assert!(matches!(r, Err(KluisError::InvalidArgument(_))), "{chunk_size}: {r:?}");
        }
        let argon2 = Argon2Params { m_kib: u32::MAX, t: 1, p: 1 };
        let r = seal_bytes(vec![1], vec![key()], Some(SealOptions { argon2, ..SealOptions::default() }));
        assert!(matches!(r, Err(KluisError::InvalidArgument(_))), "{r:?}");

        let huge = OpenLimits { max_m_kib: u32::MAX, ..OpenLimits::default() };
        let r = open_bytes(sealed, key(), Some(huge));
        assert!(matches!(&r, Err(KluisError::InvalidArgument(m)) if m.contains("OpenLimits.max_m_kib")), "{r:?}");
        assert!(crate::stream::Opener::new(key(), Some(huge)).is_err());
    }

    /// A password envelope with three slots opens under the envelope
    /// limits, and is refused before any Argon2 run when the caller allows
    /// two.
    #[test]
    fn password_slot_limit_reaches_the_bindings() {
        let passwords: Vec<Secret> =
            ["a", "b", "c"].iter().map(|p| Secret::Password { password: (*p).into() }).collect();
        let argon2 = Argon2Params { m_kib: 1024, t: 1, p: 1 };
        let sealed = seal_bytes(vec![1], passwords, Some(SealOptions { argon2, ..SealOptions::default() })).unwrap();
        let c = Secret::Password { password: "c".into() };
        assert_eq!(open_bytes(sealed.clone(), c.clone(), None).unwrap().plaintext, vec![1]);
        let two = OpenLimits { max_password_slots: 2, ..OpenLimits::default() };
        let r = open_bytes(sealed, c, Some(two));
        assert!(matches!(&r, Err(KluisError::LimitsExceeded(m)) if m.contains("3 password slots")), "{r:?}");
    }
}
