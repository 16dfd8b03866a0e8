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
    let (plaintext, metadata) = core::open_bytes(&envelope, &secret.try_into()?, &core_limits(limits))?;
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
    let metadata = core::open_file(input_path, output_path, &secret.try_into()?, &core_limits(limits))?;
    Ok(metadata.map(Into::into))
}

/// Describes an envelope's header (the start of the envelope, or all of it)
/// without any secret. Nothing is decrypted or verified.
#[uniffi::export]
pub fn inspect(header_bytes: Vec<u8>) -> Result<EnvelopeInfo, KluisError> {
    Ok(core::inspect_bytes(&header_bytes)?.into())
}
