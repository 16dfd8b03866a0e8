//! `kluis scan`: look for information that must not travel in the clear
//! (kluis-detect, docs/DETECT.md), and the note `kluis send` prints when
//! what it sends holds some.

use std::collections::BTreeSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use clap::Args;
use kluis_detect::{ExtractError, Finding, Kind, Limits, MediaType, scan_bytes_with, scan_file_with, scan_text};
use serde_json::{Value, json};

use crate::Global;
use crate::cli_error::CliError;

const EXAMPLES: &str = "\
Examples:
  kluis scan brief.docx bijlage.pdf
  kluis scan bericht.eml --json
  pbpaste | kluis scan - --fail-on-sensitive

It finds citizen service numbers (bsn), bank accounts (iban), payment card
numbers (credit_card), passport, identity card and driving licence numbers
(id_document, driving_licence) and the special categories of personal data
(health, criminal_record, religion, ethnicity, sexual_orientation,
trade_union, biometric, political_opinion) in text, HTML, CSV, .eml, .docx,
.xlsx, .pptx, .odt, .ods and PDF files. Nothing leaves this computer.

Each finding is printed as FILE:START-END: KIND: REASON, then an excerpt in
which numbers are masked. START and END are byte offsets in the text taken
from the file. --json prints one object:
  {\"sensitive\": BOOL, \"findings\": [{\"file\", \"kind\", \"start\", \"end\",
   \"excerpt\", \"reason\", \"reason_nl\", \"confidence\"}],
   \"errors\": [{\"file\", \"error\"}]}

Exit status: 0 it ran (whatever it found), 3 something was found and
--fail-on-sensitive was given, 1 a file could not be read or checked (the
others are still checked and reported), 2 usage error.";

/// Look for information that must not travel in the clear
///
/// Checks files, or standard input, for information that a mail should only
/// carry encrypted: citizen service numbers, bank accounts, card numbers,
/// identity documents, health, justice and other special personal data.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct ScanArgs {
    /// The files to check (- for standard input; none: standard input)
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Print one JSON object on standard output
    #[arg(long)]
    json: bool,

    /// Exit with status 3 when something was found
    #[arg(long)]
    fail_on_sensitive: bool,
}

/// What checking one input gave.
struct Checked {
    label: String,
    result: Result<Vec<Finding>, ExtractError>,
}

/// Runs `kluis scan`.
pub(crate) fn run(args: ScanArgs, global: &Global) -> Result<(), CliError> {
    let files = if args.files.is_empty() { vec![PathBuf::from("-")] } else { args.files };
    if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(CliError::usage("standard input (-) can be checked only once"));
    }
    let limits = Limits::default();
    let checked: Vec<Checked> = files.iter().map(|path| check(path, &limits)).collect::<Result<_, _>>()?;
    let found: usize = checked.iter().map(|c| c.result.as_ref().map_or(0, Vec::len)).sum();
    let unreadable = checked.iter().filter(|c| c.result.is_err()).count();

    if args.json {
        println!("{}", report_json(&checked));
    } else {
        for c in &checked {
            match &c.result {
                Ok(findings) => {
                    for f in findings {
                        println!("{}:{}-{}: {}: {}", c.label, f.start, f.end, f.kind, f.reason_en);
                        println!("    {}", f.excerpt);
                    }
                }
                Err(e) => eprintln!("kluis: cannot check {}: {e}", c.label),
            }
        }
        if !global.quiet && found == 0 && unreadable < checked.len() {
            eprintln!("kluis: nothing sensitive found");
        }
    }
    if unreadable > 0 {
        return Err(CliError::Failed(format!("{unreadable} of {} inputs could not be checked", checked.len())));
    }
    if found > 0 && args.fail_on_sensitive {
        return Err(CliError::Sensitive(found));
    }
    Ok(())
}

/// Checks one file, or standard input for `-`. Only a failure to read
/// standard input stops the command; a file that cannot be read or checked
/// is reported with the others.
fn check(path: &Path, limits: &Limits) -> Result<Checked, CliError> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .take(limits.max_input_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::io("reading standard input", e))?;
        let result = scan_bytes_with(&bytes, MediaType::Unknown, limits);
        return Ok(Checked { label: "-".into(), result });
    }
    Ok(Checked { label: path.display().to_string(), result: scan_file_with(path, limits) })
}

/// The `--json` object.
fn report_json(checked: &[Checked]) -> Value {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for c in checked {
        match &c.result {
            Ok(found) => findings.extend(found.iter().map(|f| {
                json!({
                    "file": c.label,
                    "kind": f.kind.as_str(),
                    "start": f.start,
                    "end": f.end,
                    "excerpt": f.excerpt,
                    "reason": f.reason_en,
                    "reason_nl": f.reason_nl,
                    // f32 as printed (0.95, not 0.949999988079071).
                    "confidence": (f64::from(f.confidence) * 1000.0).round() / 1000.0,
                })
            })),
            Err(e) => errors.push(json!({"file": c.label, "error": e.to_string()})),
        }
    }
    json!({"sensitive": !findings.is_empty(), "findings": findings, "errors": errors})
}

/// Files larger than this are not checked before sending (sending them is
/// not slowed down by a read of their whole content).
const SEND_CHECK_MAX: u64 = 64 << 20;

/// The note `kluis send` prints on standard error when the message or the
/// files hold sensitive information: the transfer protects it, and nothing
/// else changes. Files that cannot be checked are passed over in silence.
pub(crate) fn note_before_send(message: Option<&str>, files: &[PathBuf], global: &Global) {
    if global.quiet {
        return;
    }
    if let Some(note) = send_note(message, files) {
        eprintln!("{note}");
    }
}

fn send_note(message: Option<&str>, files: &[PathBuf]) -> Option<String> {
    let limits = Limits { max_input_bytes: SEND_CHECK_MAX, ..Limits::default() };
    let mut kinds: BTreeSet<Kind> = BTreeSet::new();
    let mut where_found: Vec<String> = Vec::new();
    if let Some(found) = message.map(scan_text).filter(|f| !f.is_empty()) {
        kinds.extend(found.iter().map(|f| f.kind));
        where_found.push("the message".into());
    }
    for path in files {
        let small = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= SEND_CHECK_MAX);
        if let Some(found) = small.then(|| scan_file_with(path, &limits).ok()).flatten().filter(|f| !f.is_empty()) {
            kinds.extend(found.iter().map(|f| f.kind));
            where_found
                .push(path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into()));
        }
    }
    if kinds.is_empty() {
        return None;
    }
    let what: Vec<&str> = kinds.iter().map(|k| describe(*k)).collect();
    let holds = if where_found.len() == 1 { "holds" } else { "hold" };
    Some(format!(
        "kluis: note: {} {holds} {}. This transfer encrypts it end to end, so it is protected on the way.",
        where_found.join(", "),
        what.join(", ")
    ))
}

/// A kind in a few plain words.
fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::Bsn => "a citizen service number (BSN)",
        Kind::Iban => "a bank account number (IBAN)",
        Kind::CreditCard => "a payment card number",
        Kind::IdDocument => "a passport or identity card number",
        Kind::DrivingLicence => "a driving licence number",
        Kind::Health => "health information",
        Kind::CriminalRecord => "criminal record information",
        Kind::Religion => "religious beliefs",
        Kind::Ethnicity => "ethnic origin",
        Kind::SexualOrientation => "sexual orientation",
        Kind::TradeUnion => "trade union membership",
        Kind::Biometric => "biometric data",
        Kind::PoliticalOpinion => "political opinions",
        _ => "sensitive personal data",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_note_names_where_and_what() {
        let dir = tempfile::tempdir().unwrap();
        let clean = dir.path().join("agenda.txt");
        let list = dir.path().join("lijst.csv");
        std::fs::write(&clean, "Vergadering om tien uur.").unwrap();
        std::fs::write(&list, "naam;iban\nJan;NL91ABNA0417164300\n").unwrap();
        assert_eq!(send_note(Some("Tot morgen"), std::slice::from_ref(&clean)), None);
        let note = send_note(Some("Mijn BSN is 111222333"), &[clean, list]).unwrap();
        assert!(note.contains("the message, lijst.csv hold a"), "{note}");
        assert!(note.contains("a citizen service number (BSN), a bank account number (IBAN)"), "{note}");
        assert!(note.contains("protected"), "{note}");
        assert_eq!(send_note(None, &[dir.path().join("missing.txt")]), None);
    }
}
