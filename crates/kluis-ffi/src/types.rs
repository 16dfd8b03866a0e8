//! Records and enums of the bindings, and their conversions to and from the
//! core's types.

use kluis_core as core;
use zeroize::Zeroizing;

use crate::error::KluisError;

/// A secret that opens (or is allowed to open) an envelope.
#[derive(Clone, uniffi::Enum)]
pub enum Secret {
    /// A password (a password slot, Argon2id).
    Password {
        /// The password as typed (normalised by the core before hashing).
        password: String,
    },
    /// A 32-byte raw key (a raw-key slot).
    Key {
        /// Exactly 32 bytes.
        key: Vec<u8>,
    },
}

// Never print a secret (uniffi needs no Debug; this is for Rust callers).
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Password { .. } => f.write_str("Password(<redacted>)"),
            Secret::Key { .. } => f.write_str("Key(<redacted>)"),
        }
    }
}

impl TryFrom<Secret> for core::Secret {
    type Error = KluisError;

    fn try_from(secret: Secret) -> Result<Self, KluisError> {
        match secret {
            Secret::Password { password } => Ok(core::Secret::password(password)),
            Secret::Key { key } => {
                // The copy handed over by the foreign side is wiped on drop.
                let key = Zeroizing::new(key);
                core::Key::from_slice(&key)
                    .map(core::Secret::Key)
                    .map_err(|_| KluisError::invalid(format!("a key is exactly 32 bytes, got {}", key.len())))
            }
        }
    }
}

pub(crate) fn core_secrets(secrets: Vec<Secret>) -> Result<Vec<core::Secret>, KluisError> {
    secrets.into_iter().map(core::Secret::try_from).collect()
}

/// Argon2id cost of password slots. The field defaults are
/// `kluis_core::Argon2Params::DEFAULT`'s (`default_argon2_params`
/// returns them; a test checks each literal against it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Argon2Params {
    /// Memory in KiB (default 65536 = 64 MiB).
    #[uniffi(default = 65536)]
    pub m_kib: u32,
    /// Passes (default 3).
    #[uniffi(default = 3)]
    pub t: u32,
    /// Lanes (default 4).
    #[uniffi(default = 4)]
    pub p: u8,
}

impl From<Argon2Params> for core::Argon2Params {
    fn from(a: Argon2Params) -> Self {
        core::Argon2Params { m_kib: a.m_kib, t: a.t, p: a.p }
    }
}

impl From<core::Argon2Params> for Argon2Params {
    fn from(a: core::Argon2Params) -> Self {
        Argon2Params { m_kib: a.m_kib, t: a.t, p: a.p }
    }
}

impl Default for Argon2Params {
    fn default() -> Self {
        core::Argon2Params::default().into()
    }
}

/// The metadata sealed (encrypted) in an envelope's header. Every field
/// defaults to None, as in `kluis_core::Metadata::default()`.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Metadata {
    /// File name, without any directory part.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// Media type, e.g. `application/pdf`.
    #[uniffi(default = None)]
    pub media_type: Option<String>,
    /// Plaintext length in bytes; a reader refuses a payload of another length.
    #[uniffi(default = None)]
    pub size: Option<u64>,
    /// Modification time, RFC 3339.
    #[uniffi(default = None)]
    pub modified: Option<String>,
    /// Other keys, as the text of a JSON object (`None` when there are none).
    #[uniffi(default = None)]
    pub extra_json: Option<String>,
}

impl TryFrom<Metadata> for core::Metadata {
    type Error = KluisError;

    fn try_from(m: Metadata) -> Result<Self, KluisError> {
        let extra = match m.extra_json {
            None => serde_json::Map::new(),
            Some(json) => match serde_json::from_str::<serde_json::Value>(&json) {
                Ok(serde_json::Value::Object(map)) => map,
                Ok(_) => return Err(KluisError::invalid("metadata extra_json is not a JSON object")),
                Err(e) => return Err(KluisError::invalid(format!("metadata extra_json is not JSON: {e}"))),
            },
        };
        Ok(core::Metadata { name: m.name, media_type: m.media_type, size: m.size, modified: m.modified, extra })
    }
}

impl Default for Metadata {
    fn default() -> Self {
        core::Metadata::default().into()
    }
}

impl From<core::Metadata> for Metadata {
    fn from(m: core::Metadata) -> Self {
        let extra_json = if m.extra.is_empty() { None } else { serde_json::to_string(&m.extra).ok() };
        Metadata { name: m.name, media_type: m.media_type, size: m.size, modified: m.modified, extra_json }
    }
}

/// How to seal. Every field has the core's default
/// (`kluis_core::SealOptions::default()`, returned by
/// `default_seal_options`; a test checks
/// each literal against it).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SealOptions {
    /// Plaintext bytes per chunk: a power of two from 4096 to 16777216.
    #[uniffi(default = 65536)]
    pub chunk_size: u64,
    /// Argon2id cost of password slots.
    #[uniffi(default)]
    pub argon2: Argon2Params,
    /// Metadata to seal into the header.
    #[uniffi(default = None)]
    pub metadata: Option<Metadata>,
    /// Threads that seal chunks (None: every available core; more than
    /// the available cores is taken as that number).
    #[uniffi(default = None)]
    pub threads: Option<u32>,
}

impl Default for SealOptions {
    fn default() -> Self {
        core::SealOptions::default().into()
    }
}

impl From<core::SealOptions> for SealOptions {
    fn from(o: core::SealOptions) -> Self {
        SealOptions {
            chunk_size: o.chunk_size() as u64,
            argon2: o.argon2().into(),
            metadata: o.metadata().map(Into::into),
            threads: None,
        }
    }
}

pub(crate) fn core_options(options: Option<SealOptions>) -> Result<core::SealOptions, KluisError> {
    let Some(o) = options else { return Ok(core::SealOptions::default()) };
    let mut out = core::SealOptions::default().with_chunk_size(o.chunk_size)?.with_argon2(o.argon2.into())?;
    if let Some(m) = o.metadata {
        out = out.with_metadata(&core::Metadata::try_from(m)?)?;
    }
    if let Some(n) = o.threads {
        out = out.with_threads(core::Threads::new(usize::try_from(n).unwrap_or(usize::MAX)));
    }
    Ok(out)
}

/// Caps on the Argon2 work an envelope may ask of the reader, checked
/// before any key derivation. Each field is at most its default, the most
/// any Kluis sealer writes (a larger value is refused with
/// `InvalidArgument`, as Argon2 would try to allocate what it names).
/// The defaults are `kluis_core::OpenLimits::default()`'s, returned by
/// `default_open_limits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OpenLimits {
    /// Largest accepted memory in KiB (default and most 1048576 = 1 GiB).
    #[uniffi(default = 1048576)]
    pub max_m_kib: u32,
    /// Largest accepted number of passes (default and most 16).
    #[uniffi(default = 16)]
    pub max_t: u32,
    /// Largest accepted number of lanes (default and most 16).
    #[uniffi(default = 16)]
    pub max_p: u8,
    /// Most password slots tried, each an Argon2 run (default and most 4).
    #[uniffi(default = 4)]
    pub max_password_slots: u8,
}

impl TryFrom<OpenLimits> for core::OpenLimits {
    type Error = KluisError;

    fn try_from(l: OpenLimits) -> Result<Self, KluisError> {
        let most = core::OpenLimits::ENVELOPE;
        let above = |field: &str, value: u64, max: u64| {
            Err(KluisError::invalid(format!(
                "OpenLimits.{field} {value} is above {max}, the most a Kluis envelope asks"
            )))
        };
        if l.max_m_kib > most.max_m_kib {
            return above("max_m_kib", l.max_m_kib.into(), most.max_m_kib.into());
        }
        if l.max_t > most.max_t {
            return above("max_t", l.max_t.into(), most.max_t.into());
        }
        if l.max_p > most.max_p {
            return above("max_p", l.max_p.into(), most.max_p.into());
        }
        if l.max_password_slots > most.max_password_slots {
            return above("max_password_slots", l.max_password_slots.into(), most.max_password_slots.into());
        }
        Ok(core::OpenLimits {
            max_m_kib: l.max_m_kib,
            max_t: l.max_t,
            max_p: l.max_p,
            max_password_slots: l.max_password_slots,
        })
    }
}

impl From<core::OpenLimits> for OpenLimits {
    fn from(l: core::OpenLimits) -> Self {
        OpenLimits { max_m_kib: l.max_m_kib, max_t: l.max_t, max_p: l.max_p, max_password_slots: l.max_password_slots }
    }
}

impl Default for OpenLimits {
    fn default() -> Self {
        core::OpenLimits::default().into()
    }
}

/// `limits`, bounded, or `default` for None.
pub(crate) fn core_limits(
    limits: Option<OpenLimits>,
    default: core::OpenLimits,
) -> Result<core::OpenLimits, KluisError> {
    limits.map_or(Ok(default), TryInto::try_into)
}

/// An opened envelope: its plaintext and its metadata.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Opened {
    /// The authenticated plaintext.
    pub plaintext: Vec<u8>,
    /// The sealed metadata, if the envelope has any.
    pub metadata: Option<Metadata>,
}

/// One slot of an envelope, as seen without a secret.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum SlotInfo {
    /// A password slot and its Argon2id cost.
    Password {
        /// The cost a reader pays to try a password.
        argon2: Argon2Params,
    },
    /// A raw-key slot.
    Key,
    /// A slot of a kind this version does not know.
    Unknown {
        /// The kind byte.
        kind: u8,
        /// Length of its body.
        body_len: u16,
    },
}

impl From<core::SlotInfo> for SlotInfo {
    fn from(s: core::SlotInfo) -> Self {
        match s {
            core::SlotInfo::Password(p) => SlotInfo::Password { argon2: p.into() },
            core::SlotInfo::Key => SlotInfo::Key,
            core::SlotInfo::Unknown { kind, body_len } => SlotInfo::Unknown { kind, body_len },
            // `SlotInfo` is non-exhaustive in the core.
            _ => SlotInfo::Unknown { kind: 0, body_len: 0 },
        }
    }
}

/// What anyone can learn from an envelope's header without a secret.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EnvelopeInfo {
    /// Format version.
    pub version: u8,
    /// Plaintext bytes per chunk.
    pub chunk_size: u64,
    /// Header length in bytes (where the payload starts).
    pub header_len: u64,
    /// The slots, in header order.
    pub slots: Vec<SlotInfo>,
    /// Length of the encrypted metadata (0 when there is none).
    pub metadata_len: u32,
}

impl From<core::EnvelopeInfo> for EnvelopeInfo {
    fn from(i: core::EnvelopeInfo) -> Self {
        EnvelopeInfo {
            version: i.version,
            chunk_size: i.chunk_size,
            header_len: i.header_len,
            slots: i.slots.into_iter().map(Into::into).collect(),
            metadata_len: i.metadata_len,
        }
    }
}
