//! Codes and tokens from the operating system's random generator.

use base64::Engine as _;

/// The OS random generator failed.
#[derive(Debug, thiserror::Error)]
#[error("the OS random generator failed: {0}")]
pub struct RandomError(String);

fn fill(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|e| RandomError(e.to_string()))
}

/// 8 uniformly random decimal digits.
pub fn code() -> Result<String, RandomError> {
    // 4_200_000_000 = 42 * 10^8 is below 2^32: rejecting larger draws keeps
    // every code equally likely.
    loop {
        let mut buf = [0u8; 4];
        fill(&mut buf)?;
        let n = u32::from_le_bytes(buf);
        if n < 4_200_000_000 {
            return Ok(format!("{:08}", n % 100_000_000));
        }
    }
}

/// 32 random bytes, URL-safe base64 without padding.
pub fn token() -> Result<String, RandomError> {
    let mut buf = [0u8; 32];
    fill(&mut buf)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// 32 random bytes, hex.
pub fn key_hex() -> Result<String, RandomError> {
    let mut buf = [0u8; 32];
    fill(&mut buf)?;
    Ok(hex::encode(buf))
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_and_tokens_have_their_shape() -> Result<(), super::RandomError> {
        let code = super::code()?;
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        let token = super::token()?;
        assert_eq!(token.len(), 43);
        assert_ne!(token, super::token()?);
        Ok(())
    }
}
