//! The senders' tokens from `kluis verify`, one per server and address, in
//! `tokens.json` in the user's configuration folder (`$KLUIS_CONFIG_DIR`,
//! else `kluis` in the platform's configuration folder), private to the
//! user (mode 0600 in a 0700 folder on Unix).
//!
//! ```json
//! {"version": 1, "tokens": [{"server": "https://kluis.example.org", "address": "ann@example.org",
//!   "token": "...", "expires_at": 1767225600}]}
//! ```

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;

use kluis_transfer::Token;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::cli_error::CliError;

/// The environment variable that overrides the configuration folder.
pub(crate) const CONFIG_DIR_VAR: &str = "KLUIS_CONFIG_DIR";

/// The folder of `tokens.json`.
pub(crate) fn config_dir() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|d| d.join("kluis"))
        .ok_or_else(|| CliError::usage(format!("no configuration folder is known here: set {CONFIG_DIR_VAR}")))
}

fn tokens_path() -> Result<PathBuf, CliError> {
    Ok(config_dir()?.join("tokens.json"))
}

/// Addresses are compared without case (servers do the same for mail).
fn same(entry: &Value, server: &str, address: &str) -> bool {
    entry.get("server").and_then(Value::as_str) == Some(server)
        && entry.get("address").and_then(Value::as_str).is_some_and(|a| a.eq_ignore_ascii_case(address))
}

/// The stored entries (none when there is no file yet).
fn read_entries() -> Result<Vec<Value>, CliError> {
    let path = tokens_path()?;
    let text = match fs::read(&path) {
        Ok(text) => Zeroizing::new(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(CliError::io(format_args!("reading {}", path.display()), e)),
    };
    let value: Value = serde_json::from_slice(&text).map_err(|e| {
        CliError::Failed(format!("{} is not valid JSON ({e}): remove it and verify again", path.display()))
    })?;
    Ok(value.get("tokens").and_then(Value::as_array).cloned().unwrap_or_default())
}

/// The token stored for `address` at `server` (the server's base address,
/// as `HttpTransport::server` gives it).
pub(crate) fn load(server: &str, address: &str) -> Result<Option<Token>, CliError> {
    Ok(read_entries()?.iter().find(|e| same(e, server, address)).and_then(|e| {
        let token = e.get("token").and_then(Value::as_str)?;
        let expires_at = e.get("expires_at").and_then(Value::as_u64)?;
        Some(Token::new(token, expires_at))
    }))
}

/// Stores `token` for `address` at `server`, replacing an older one, and
/// returns the file's path.
pub(crate) fn store(server: &str, address: &str, token: &Token) -> Result<PathBuf, CliError> {
    let path = tokens_path()?;
    let dir = config_dir()?;
    create_private_dir(&dir)?;
    let mut entries = read_entries()?;
    entries.retain(|e| !same(e, server, address));
    entries.push(json!({
        "server": server,
        "address": address,
        "token": token.expose(),
        "expires_at": token.expires_at(),
    }));
    let text = Zeroizing::new(json!({ "version": 1, "tokens": entries }).to_string());
    let failed = |e: io::Error| CliError::io(format_args!("writing {}", path.display()), e);
    // A temporary file is created with mode 0600 and renamed into place.
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(failed)?;
    temp.write_all(text.as_bytes()).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(&path).map_err(|e| failed(e.error))?;
    Ok(path)
}

fn create_private_dir(dir: &std::path::Path) -> Result<(), CliError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| CliError::io(format_args!("creating {}", dir.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_server_and_address_without_case() {
        let entry = json!({"server": "https://k.example", "address": "Ann@Example.org", "token": "t", "expires_at": 1});
        assert!(same(&entry, "https://k.example", "ann@example.org"));
        assert!(!same(&entry, "https://other.example", "ann@example.org"));
        assert!(!same(&entry, "https://k.example", "bob@example.org"));
    }
}
