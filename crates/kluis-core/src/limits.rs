//! Argon2 parameters and the reader's limits on them.

use std::fmt;
use std::str::FromStr;

use crate::error::OpenError;
use crate::header::MAX_PASSWORD_SLOTS;

/// Argon2id cost parameters, as stored in a password slot.
///
/// ```
/// use kluis_core::Argon2Params;
/// let p: Argon2Params = "m=65536,t=3,p=4".parse().unwrap();
/// assert_eq!(p, Argon2Params::default());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Argon2Params {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Number of passes.
    pub t: u32,
    /// Number of lanes.
    pub p: u8,
}

impl Argon2Params {
    /// The sealing default: 64 MiB, 3 passes, 4 lanes (RFC 9106 §4, second
    /// recommended option).
    pub const DEFAULT: Argon2Params = Argon2Params { m_kib: 65_536, t: 3, p: 4 };

    /// Cheap parameters for tests and examples only: 1 MiB, 1 pass, 1 lane.
    /// Never use them for real passwords.
    pub const INSECURE_TEST: Argon2Params = Argon2Params { m_kib: 1024, t: 1, p: 1 };
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for Argon2Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={},t={},p={}", self.m_kib, self.t, self.p)
    }
}

impl FromStr for Argon2Params {
    type Err = String;

    /// Parses `m=KIB,t=N,p=N` (any order, all three required).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (mut m, mut t, mut p) = (None, None, None);
        for part in s.split(',') {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("expected key=value, got {part:?}"))?;
            let v = v.trim();
            match k.trim() {
                "m" => m = Some(v.parse::<u32>().map_err(|e| format!("m: {e}"))?),
                "t" => t = Some(v.parse::<u32>().map_err(|e| format!("t: {e}"))?),
                "p" => p = Some(v.parse::<u8>().map_err(|e| format!("p: {e}"))?),
                other => return Err(format!("unknown Argon2 parameter {other:?} (expected m, t, p)")),
            }
        }
        match (m, t, p) {
            (Some(m_kib), Some(t), Some(p)) => Ok(Argon2Params { m_kib, t, p }),
            _ => Err("expected m=KIB,t=N,p=N".to_owned()),
        }
    }
}

/// Caps on the Argon2 work a header may ask of the reader, checked before
/// any Argon2 run: the cost of each password slot, and how many password
/// slots the reader tries.
///
/// The default ([`OpenLimits::ENVELOPE`]) accepts every envelope a Kluis
/// sealer may write; [`OpenLimits::TRANSFER`] is the tighter default for a
/// transfer's manifest, which a Kluis sender seals with one password slot
/// at the sealing default.
///
/// ```
/// use kluis_core::{Argon2Params, OpenLimits};
/// let limits = OpenLimits::default();
/// assert!(limits.check(&Argon2Params::default()).is_ok());
/// assert!(limits.check(&Argon2Params { m_kib: u32::MAX, t: 3, p: 4 }).is_err());
/// assert!(limits.check_password_slots(4).is_ok());
/// assert!(OpenLimits::TRANSFER.check_password_slots(3).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenLimits {
    /// Largest accepted memory, in KiB (default 1,048,576 = 1 GiB).
    pub max_m_kib: u32,
    /// Largest accepted number of passes (default 16).
    pub max_t: u32,
    /// Largest accepted number of lanes (default 16).
    pub max_p: u8,
    /// Most password slots a header may hold for a password to be tried
    /// (default 4, the format's maximum).
    pub max_password_slots: u8,
}

impl Default for OpenLimits {
    fn default() -> Self {
        Self::ENVELOPE
    }
}

impl OpenLimits {
    /// The envelope default: 1 GiB, 16 passes, 16 lanes, 4 password slots:
    /// everything the format and a Kluis sealer allow.
    pub const ENVELOPE: OpenLimits =
        OpenLimits { max_m_kib: 1_048_576, max_t: 16, max_p: 16, max_password_slots: MAX_PASSWORD_SLOTS as u8 };

    /// The transfer default: 256 MiB, 8 passes, 8 lanes, 2 password slots.
    /// A Kluis sender seals a manifest with one password slot at the
    /// sealing default (64 MiB, 3 passes, 4 lanes) and refuses costs above
    /// these limits, so this covers every Kluis transfer with headroom,
    /// while a forged manifest costs a reader at most
    /// 2 × (256 MiB × 8 passes) of Argon2 and 256 MiB of memory.
    ///
    /// ```
    /// use kluis_core::{Argon2Params, OpenLimits};
    /// assert!(OpenLimits::TRANSFER.check(&Argon2Params::DEFAULT).is_ok());
    /// assert!(OpenLimits::TRANSFER.check(&Argon2Params { m_kib: 1 << 20, t: 3, p: 4 }).is_err());
    /// ```
    pub const TRANSFER: OpenLimits = OpenLimits { max_m_kib: 262_144, max_t: 8, max_p: 8, max_password_slots: 2 };

    /// Checks `params` against these limits and against Argon2's own rules
    /// (`t ≥ 1`, `p ≥ 1`, `m ≥ 8·p`).
    pub fn check(&self, params: &Argon2Params) -> Result<(), OpenError> {
        let Argon2Params { m_kib, t, p } = *params;
        let refuse = |msg: String| Err(OpenError::LimitsExceeded(msg));
        if m_kib > self.max_m_kib {
            return refuse(format!("Argon2 memory {m_kib} KiB is above the limit of {} KiB", self.max_m_kib));
        }
        if t == 0 || t > self.max_t {
            return refuse(format!("Argon2 passes {t} outside 1..={}", self.max_t));
        }
        if p == 0 || p > self.max_p {
            return refuse(format!("Argon2 lanes {p} outside 1..={}", self.max_p));
        }
        if u64::from(m_kib) < 8 * u64::from(p) {
            return refuse(format!("Argon2 memory {m_kib} KiB is below 8 KiB per lane ({p} lanes)"));
        }
        Ok(())
    }

    /// Checks the number of password slots a header holds against
    /// [`max_password_slots`](OpenLimits::max_password_slots): each one may
    /// cost the reader an Argon2 run.
    pub fn check_password_slots(&self, count: usize) -> Result<(), OpenError> {
        if count > usize::from(self.max_password_slots) {
            return Err(OpenError::LimitsExceeded(format!(
                "{count} password slots is above the limit of {}",
                self.max_password_slots
            )));
        }
        Ok(())
    }
}
