//! `kluis inspect`: what anyone can see of an envelope, without its secret.

use std::fmt::Write as _;
use std::io::BufReader;
use std::path::PathBuf;

use clap::Args;
use kluis_core::{EnvelopeInfo, SlotInfo, inspect};
use serde_json::{Value, json};

use crate::Global;
use crate::cli_error::CliError;
use crate::streams::Input;

const EXAMPLES: &str = "\
Examples:
  kluis inspect report.pdf.kluis
  kluis inspect report.pdf.kluis --json | jq .slots

The JSON object has the keys version, chunk_size, header_len, metadata_len
and slots; each slot is {\"kind\": \"password\", \"argon2\": {\"m_kib\", \"t\", \"p\"}},
{\"kind\": \"key\"} or {\"kind\": \"unknown\", \"kind_byte\", \"body_len\"}.";

/// Show an envelope's header, which needs no secret
///
/// Prints the format version, the chunk size, the header length, each slot
/// (password slots with their Argon2id cost) and the length of the
/// encrypted metadata. Nothing is decrypted, and the header's integrity is
/// not checked: that needs the secret (kluis open).
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct InspectArgs {
    /// The envelope, or - for standard input
    #[arg(value_name = "INPUT")]
    input: PathBuf,

    /// Print one JSON object instead of text
    #[arg(long)]
    json: bool,
}

/// Runs `kluis inspect`.
pub(crate) fn run(args: InspectArgs, _global: &Global) -> Result<(), CliError> {
    let input = Input::open(&args.input)?;
    let info = inspect(BufReader::new(input))?;
    if args.json {
        println!("{}", crate::json::line(&to_json(&info))?);
    } else {
        print!("{}", to_text(&info));
    }
    Ok(())
}

fn to_json(info: &EnvelopeInfo) -> Value {
    let slots: Vec<Value> = info
        .slots
        .iter()
        .map(|slot| match slot {
            SlotInfo::Password(p) => json!({"kind": "password", "argon2": {"m_kib": p.m_kib, "t": p.t, "p": p.p}}),
            SlotInfo::Key => json!({"kind": "key"}),
            SlotInfo::Unknown { kind, body_len } => json!({"kind": "unknown", "kind_byte": kind, "body_len": body_len}),
            _ => json!({"kind": "unknown"}),
        })
        .collect();
    json!({
        "version": info.version,
        "chunk_size": info.chunk_size,
        "header_len": info.header_len,
        "metadata_len": info.metadata_len,
        "slots": slots,
    })
}

fn to_text(info: &EnvelopeInfo) -> String {
    let mut out = String::new();
    let metadata = match info.metadata_len {
        0 => "none".to_owned(),
        n => format!("{n} bytes, encrypted"),
    };
    // Writing to a String cannot fail.
    let _ = writeln!(out, "Kluis envelope, format version {}", info.version);
    let _ = writeln!(out, "chunk size:    {} bytes{}", info.chunk_size, binary_size(info.chunk_size));
    let _ = writeln!(out, "header length: {} bytes", info.header_len);
    let _ = writeln!(out, "metadata:      {metadata}");
    let _ = writeln!(out, "slots:         {}", info.slots.len());
    for (i, slot) in info.slots.iter().enumerate() {
        let text = match slot {
            SlotInfo::Password(p) => format!(
                "password, Argon2id {p} ({} of memory, {}, {})",
                memory(p.m_kib),
                count(u64::from(p.t), "pass", "passes"),
                count(u64::from(p.p), "lane", "lanes")
            ),
            SlotInfo::Key => "raw key".to_owned(),
            SlotInfo::Unknown { kind, body_len } => format!("unknown kind {kind} ({body_len} bytes, skipped)"),
            _ => "unknown kind".to_owned(),
        };
        let _ = writeln!(out, "  {}: {text}", i + 1);
    }
    out
}

/// `64 MiB`, `1000 KiB`.
fn memory(kib: u32) -> String {
    if kib >= 1024 && kib % 1024 == 0 { format!("{} MiB", kib / 1024) } else { format!("{kib} KiB") }
}

/// `1 pass`, `3 passes`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// ` (64 KiB)` for whole KiB or MiB, else nothing.
fn binary_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!(" ({} MiB)", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!(" ({} KiB)", b >> 10),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kluis_core::{Argon2Params, Key, SealOptions, Secret, inspect_bytes, seal_bytes};

    #[test]
    fn text_and_json() -> Result<(), Box<dyn std::error::Error>> {
        let options = SealOptions::default().with_argon2(Argon2Params::INSECURE_TEST)?.with_chunk_size(1 << 20)?;
        let secrets = [Secret::password("pw"), Secret::Key(Key::from_bytes([3; 32]))];
        let info = inspect_bytes(&seal_bytes(b"x", &secrets, &options)?)?;

        let text = to_text(&info);
        assert!(text.starts_with("Kluis envelope, format version 1\n"), "{text}");
        assert!(text.contains("chunk size:    1048576 bytes (1 MiB)\n"), "{text}");
        assert!(text.contains("metadata:      none\n"), "{text}");
        assert!(text.contains("  1: password, Argon2id m=1024,t=1,p=1 (1 MiB of memory, 1 pass, 1 lane)\n"), "{text}");
        assert!(text.contains("  2: raw key\n"), "{text}");

        let json = to_json(&info);
        assert_eq!(json["slots"][0], json!({"kind": "password", "argon2": {"m_kib": 1024, "t": 1, "p": 1}}));
        assert_eq!(json["slots"][1], json!({"kind": "key"}));
        assert_eq!(json["header_len"], info.header_len);
        Ok(())
    }
}
