//! Argon2 parameters and the reader's limits on them.

use std::fmt;
use std::str::FromStr;

use crate::error::OpenError;

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
/// any Argon2 run.
///
/// ```
/// use kluis_core::{Argon2Params, OpenLimits};
/// let limits = OpenLimits::default();
/// assert!(limits.check(&Argon2Params::default()).is_ok());
/// assert!(limits.check(&Argon2Params { m_kib: u32::MAX, t: 3, p: 4 }).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenLimits {
    /// Largest accepted memory, in KiB (default 1,048,576 = 1 GiB).
    pub max_m_kib: u32,
    /// Largest accepted number of passes (default 16).
    pub max_t: u32,
    /// Largest accepted number of lanes (default 16).
    pub max_p: u8,
}

impl Default for OpenLimits {
    fn default() -> Self {
        OpenLimits { max_m_kib: 1_048_576, max_t: 16, max_p: 16 }
    }
}

impl OpenLimits {
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
}
