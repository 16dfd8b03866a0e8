//! The secret options (`--password-env`, `--password-file`, `--key-file`)
//! and the password prompt used when none is given; [`PasswordArgs`] is the
//! password-only subset that transfers use (a transfer has no key slot).
//!
//! Secrets are held in zeroizing types ([`Password`], [`Key`],
//! [`Zeroizing`]) from the moment they are read, and no message ever
//! contains one.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::Args;
use kluis_core::{Key, Password, Secret};
use zeroize::Zeroizing;

use crate::cli_error::CliError;

/// Largest password file read (a larger file is a mistake, not a password).
const MAX_PASSWORD_FILE: u64 = 64 * 1024;
/// Largest key file read (a key file holds 32 or about 64 bytes).
const MAX_KEY_FILE: u64 = 4096;

/// Help heading of the secret options.
pub(crate) const SECRET_HEADING: &str = "Secret (at most one; without one, kluis asks for a password on the terminal)";

/// At most one way to give the secret; with none, kluis asks on the terminal.
#[derive(Args, Debug, Default)]
#[group(id = "secret", multiple = false)]
#[command(next_help_heading = SECRET_HEADING)]
pub(crate) struct SecretArgs {
    /// Take the password from the environment variable VAR
    #[arg(long, value_name = "VAR")]
    pub(crate) password_env: Option<OsString>,

    /// Take the password from a file: its whole content, less one trailing
    /// line break (\n or \r\n)
    #[arg(long, value_name = "PATH")]
    pub(crate) password_file: Option<PathBuf>,

    /// Use a raw 32-byte key from a file holding the 32 bytes or 64
    /// hexadecimal characters
    #[arg(long, value_name = "PATH")]
    pub(crate) key_file: Option<PathBuf>,
}

/// What the secret is for: sealing asks for a new password twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Choosing the password of a new envelope.
    Seal,
    /// Opening an envelope.
    Open,
}

impl SecretArgs {
    /// The secret the options name, or a password typed on the terminal.
    ///
    /// `input_is_stdin` says whether the data comes from standard input: the
    /// prompt then still reads from the terminal, which must exist.
    pub(crate) fn resolve(&self, purpose: Purpose, input_is_stdin: bool) -> Result<Secret, CliError> {
        if let Some(var) = &self.password_env {
            return password_from_env(var).map(Secret::Password);
        }
        if let Some(path) = &self.password_file {
            return password_from_file(path).map(Secret::Password);
        }
        if let Some(path) = &self.key_file {
            return key_from_file(path).map(Secret::Key);
        }
        let hint = if purpose == Purpose::Seal {
            "--password-env, --password-file, --key-file, --generate-password"
        } else {
            "--password-env, --password-file, --key-file"
        };
        prompt(purpose, input_is_stdin, hint).map(Secret::Password)
    }
}

/// Help heading of [`PasswordArgs`].
pub(crate) const PASSWORD_HEADING: &str = "Password (at most one)";

/// The transfer password from the environment or a file (`kluis send`,
/// `kluis receive`); a transfer has no key slot, so there is no `--key-file`.
#[derive(Args, Debug, Default)]
#[group(id = "password", multiple = false)]
#[command(next_help_heading = PASSWORD_HEADING)]
pub(crate) struct PasswordArgs {
    /// Take the password from the environment variable VAR
    #[arg(long, value_name = "VAR")]
    pub(crate) password_env: Option<OsString>,

    /// Take the password from a file: its whole content, less one trailing
    /// line break (\n or \r\n)
    #[arg(long, value_name = "PATH")]
    pub(crate) password_file: Option<PathBuf>,
}

impl PasswordArgs {
    /// The password the options name, if any.
    pub(crate) fn given(&self) -> Result<Option<Password>, CliError> {
        if let Some(var) = &self.password_env {
            return password_from_env(var).map(Some);
        }
        if let Some(path) = &self.password_file {
            return password_from_file(path).map(Some);
        }
        Ok(None)
    }

    /// The password the options name, or one typed on the terminal
    /// (without echo); with no terminal, a usage error.
    pub(crate) fn given_or_prompt(&self) -> Result<Password, CliError> {
        match self.given()? {
            Some(password) => Ok(password),
            None => prompt(Purpose::Open, false, "--password-env, --password-file"),
        }
    }
}

fn password_from_env(var: &OsString) -> Result<Password, CliError> {
    let name = var.to_string_lossy();
    let value = std::env::var_os(var)
        .ok_or_else(|| CliError::usage(format!("the environment variable {name} (--password-env) is not set")))?;
    let value = value
        .into_string()
        .map_err(|_| CliError::usage(format!("the environment variable {name} does not hold UTF-8 text")))?;
    non_empty(Password::new(value), || format!("the environment variable {name} is empty"))
}

fn password_from_file(path: &Path) -> Result<Password, CliError> {
    let content = read_small(path, MAX_PASSWORD_FILE, "password file")?;
    let text = std::str::from_utf8(&content)
        .map_err(|_| CliError::usage(format!("password file {}: not UTF-8 text", path.display())))?;
    let text = strip_one_line_break(text);
    non_empty(Password::new(text), || format!("password file {}: the password is empty", path.display()))
}

/// Removes one trailing `\n` or `\r\n`, as written by `echo` or an editor.
fn strip_one_line_break(text: &str) -> &str {
    text.strip_suffix("\r\n").or_else(|| text.strip_suffix('\n')).unwrap_or(text)
}

fn non_empty(password: Password, message: impl FnOnce() -> String) -> Result<Password, CliError> {
    if password.expose().is_empty() { Err(CliError::usage(message())) } else { Ok(password) }
}

fn key_from_file(path: &Path) -> Result<Key, CliError> {
    let content = read_small(path, MAX_KEY_FILE, "key file")?;
    Key::from_file_bytes(&content).map_err(|e| CliError::usage(format!("key file {}: {e}", path.display())))
}

/// Reads a file of at most `max` bytes into zeroizing memory.
fn read_small(path: &Path, max: u64, what: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let context = || format!("cannot read {what} {}", path.display());
    let file = File::open(path).map_err(|e| CliError::io(context(), e))?;
    let mut content = Zeroizing::new(Vec::with_capacity(128));
    file.take(max + 1).read_to_end(&mut content).map_err(|e| CliError::io(context(), e))?;
    if content.len() as u64 > max {
        return Err(CliError::usage(format!("{what} {} is larger than {max} bytes", path.display())));
    }
    Ok(content)
}

/// Asks for the password on the terminal, without echo (twice when
/// sealing). Without a terminal, a usage error that names the options
/// `hint` lists.
fn prompt(purpose: Purpose, input_is_stdin: bool, hint: &str) -> Result<Password, CliError> {
    if !has_terminal(input_is_stdin) {
        return Err(CliError::usage(format!("no secret given and no terminal to ask for a password: use {hint}")));
    }
    let ask = |text: &str| {
        rpassword::prompt_password(text)
            .map(Password::new)
            .map_err(|e| CliError::io("reading the password from the terminal", e))
    };
    let password = match purpose {
        Purpose::Open => ask("Password: ")?,
        Purpose::Seal => {
            let first = ask("New password for the envelope: ")?;
            if first.expose().is_empty() {
                return Err(CliError::usage("the password is empty"));
            }
            let again = ask("Repeat the password: ")?;
            if first.expose() != again.expose() {
                return Err(CliError::usage("the two passwords differ"));
            }
            first
        }
    };
    non_empty(password, || "the password is empty".to_owned())
}

/// Whether a password can be asked for: standard input must be a terminal,
/// unless it carries the data, in which case the controlling terminal is used.
fn has_terminal(input_is_stdin: bool) -> bool {
    if !input_is_stdin {
        return io::stdin().is_terminal();
    }
    if cfg!(unix) {
        OpenOptions::new().read(true).write(true).open("/dev/tty").is_ok_and(|tty| tty.is_terminal())
    } else {
        io::stderr().is_terminal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_break_is_stripped() {
        assert_eq!(strip_one_line_break("pw\n"), "pw");
        assert_eq!(strip_one_line_break("pw\r\n"), "pw");
        assert_eq!(strip_one_line_break("pw\n\n"), "pw\n");
        assert_eq!(strip_one_line_break("pw\r"), "pw\r");
        assert_eq!(strip_one_line_break(" pw "), " pw ");
    }

    #[test]
    fn files() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "geheim\r\n")?;
        let args = SecretArgs { password_file: Some(pw.clone()), ..SecretArgs::default() };
        match args.resolve(Purpose::Open, false)? {
            Secret::Password(p) => assert_eq!(p.expose(), "geheim"),
            Secret::Key(_) => panic!("expected a password"),
        }
        std::fs::write(&pw, "\n")?;
        assert_eq!(args.resolve(Purpose::Seal, false).map(|_| ()).map_err(|e| e.exit_code()), Err(2));

        let key = dir.path().join("key");
        std::fs::write(&key, "ab".repeat(32) + "\n")?;
        let args = SecretArgs { key_file: Some(key.clone()), ..SecretArgs::default() };
        match args.resolve(Purpose::Seal, false)? {
            Secret::Key(k) => assert_eq!(k.as_bytes(), &[0xab; 32]),
            Secret::Password(_) => panic!("expected a key"),
        }
        std::fs::write(&key, [7u8; 33])?;
        let err = args.resolve(Purpose::Seal, false).err().ok_or("a 33-byte key file was accepted")?;
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("32 raw bytes or 64 hexadecimal"), "{err}");

        let missing = SecretArgs { key_file: Some(dir.path().join("nope")), ..SecretArgs::default() };
        assert_eq!(missing.resolve(Purpose::Open, false).map(|_| ()).map_err(|e| e.exit_code()), Err(1));
        Ok(())
    }

    #[test]
    fn unset_environment_variable_is_a_usage_error() {
        let args =
            SecretArgs { password_env: Some("KLUIS_TEST_SURELY_UNSET_VARIABLE".into()), ..SecretArgs::default() };
        let err = args.resolve(Purpose::Open, false).map(|_| ()).map_err(|e| (e.exit_code(), e.to_string()));
        assert_eq!(
            err,
            Err((2, "the environment variable KLUIS_TEST_SURELY_UNSET_VARIABLE (--password-env) is not set".into()))
        );
    }
}
