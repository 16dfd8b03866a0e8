//! `kluis receive`: open a transfer from its link, show what it holds, and
//! save its files, each verified.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::Args;
use kluis_core::{OutputFile, OutputKind, is_plain_file_name};
use kluis_transfer::{
    DirectoryTransport, HttpTransport, Link, OpenedTransfer, Phase, ReceiveOptions, TransferError, TransferId,
    TransferInfo, Transport, TransportError, open_transfer, rfc3339, unix_seconds,
};
use serde_json::json;

use crate::Global;
use crate::cli_error::CliError;
use crate::commands::verify::http_error;
use crate::human;
use crate::progress::TransferBar;
use crate::secret_args::PasswordArgs;
use crate::streams::refusal;

const EXAMPLES: &str = "\
Examples:
  kluis receive file:///home/ann/.local/share/kluis/store/k3b7...
  kluis receive https://kluis.example.org/t/k3b7...
  kluis receive LINK -o Downloads --file offer.pdf
  kluis receive LINK --password-file pw.txt --json

The transfer (sender, recipients, subject, message, times, files) is shown on
standard error (not with --quiet); the path of each saved file is printed on
standard output.
With --json, standard output is one JSON object instead: id, link, from, to,
subject, message, created_at, expires_at (RFC 3339), files (each with name,
save_name, size, sha256, media_type and path, null when not saved) and saved
(the paths). Text from the transfer is shown escaped where a terminal would
act on it or display it misleadingly (control, bidirectional and invisible
characters): as \\u{..} in the listing, as a JSON \\uXXXX escape (the same
string once parsed) with --json.";

/// Receive a transfer: check it, show it, save its files
///
/// Opens the transfer that LINK names with its password (asked for on the
/// terminal unless --password-env or --password-file gives it), shows who
/// sent what, then downloads each file, decrypts it and verifies it (its
/// envelope and its SHA-256) before it is saved.
///
/// Files are saved all together or not at all: they are collected in a
/// hidden folder inside DIR and moved into place only once every one has
/// verified. A leading dot and any invisible or bidirectional formatting
/// character of a name become _ (.bashrc is saved as _bashrc); a name with
/// a folder part, a control character or a Windows device name is refused. An existing file is never
/// replaced without --force. Files of the transfer with the same name are
/// saved as `name (2).ext`, `name (3).ext`, ...: the names listed are the
/// names saved, and the names --file selects.
///
/// Where a name in DIR is a symbolic link, the file is written through it:
/// what it points to decides (a file there is replaced only with --force,
/// and the link stays a link); a link to nothing is refused. Where it is a
/// named pipe or a device, the file is written into it in place, never
/// replaced; what was written there cannot be taken back should a later
/// file fail to be saved.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct ReceiveArgs {
    /// The link from the mail: https://... (a Kluis server; http only to
    /// localhost, 127.0.0.1 and [::1]) or file://... (a folder store)
    #[arg(value_name = "LINK")]
    link: String,

    /// The folder to save the files in, created if missing [default: the
    /// current folder]
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,

    /// Save only the file of this name (as listed); repeat for several
    #[arg(long = "file", value_name = "NAME")]
    files: Vec<String>,

    /// Replace files that exist
    #[arg(short, long)]
    force: bool,

    /// Print one JSON object on standard output (see below)
    #[arg(long)]
    json: bool,

    // Last: its help heading applies to the options declared after it.
    #[command(flatten)]
    password: PasswordArgs,
}

/// Runs `kluis receive`.
pub(crate) fn run(args: ReceiveArgs, global: &Global) -> Result<(), CliError> {
    let link = Link::parse(&args.link).map_err(|e| CliError::usage(format!("not a transfer link: {e}")))?;
    let id = link.transfer();
    let out_dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(CliError::usage(format!("{} is not a folder", out_dir.display())));
    }

    // Before the password is asked for: is the transfer there at all?
    let source = match &link {
        Link::Directory { store, .. } => Source::Store(open_store(store)?),
        Link::Server { .. } => Source::Server(Box::new(
            HttpTransport::for_link(&link).map_err(http_error)?.ok_or_else(|| CliError::usage("not a server link"))?,
        )),
    };
    let store = source.transport();
    check_available(store, &id, &source.label())?;

    let password = args.password.given_or_prompt()?;
    let opened = open_transfer(store, &id, &password, &ReceiveOptions::default())?;
    drop(password);
    let info = opened.info();
    let now = unix_seconds(SystemTime::now());
    if !args.json && !global.quiet {
        eprint!("{}", describe(&opened, now));
    }

    let selected = select(&opened, &args.files)?;
    let mut destinations = Vec::with_capacity(selected.len());
    for &index in &selected {
        let name = save_name(&opened, index);
        if !is_plain_file_name(name) {
            return Err(CliError::usage(format!(
                "the transfer names a file {name:?}, which is not a plain file name: nothing was saved \
                 (--file saves the other files)"
            )));
        }
        let destination = out_dir.join(name);
        if let Err(e) = OutputFile::check(&destination, args.force) {
            return Err(save_error(&destination, e));
        }
        destinations.push(destination);
    }
    if !args.files.is_empty() && !args.json && !global.quiet {
        eprintln!("Saving {} of {}.", selected.len(), human::count(info.files.len() as u64, "file", "files"));
    }

    // Download and verify everything into a hidden folder beside the
    // destinations, then move the files into place.
    fs::create_dir_all(&out_dir).map_err(|e| CliError::io(format_args!("cannot create {}", out_dir.display()), e))?;
    let staging = tempfile::Builder::new()
        .prefix(".kluis-receive-")
        .tempdir_in(&out_dir)
        .map_err(|e| CliError::io(format_args!("cannot write in {}", out_dir.display()), e))?;
    let mut staged = Vec::with_capacity(selected.len());
    for &index in &selected {
        let label = human::line(save_name(&opened, index)).into_owned();
        let bar = TransferBar::start(label, Phase::Downloading, None, global.quiet);
        staged.push(opened.download_file(store, index, staging.path(), false, &bar)?);
    }
    publish(staged, &destinations, args.force)?;
    drop(staging);

    if args.json {
        println!("{}", crate::json::line(&to_json(&opened, &args.link, &selected, &destinations))?);
        return Ok(());
    }
    for path in &destinations {
        println!("{}", path.display());
    }
    if !global.quiet {
        let bytes: u64 = selected.iter().map(|&i| info.files[i].size).sum();
        eprintln!(
            "kluis: saved {} ({}) in {}, each verified",
            human::count(selected.len() as u64, "file", "files"),
            human::size(bytes),
            out_dir.display()
        );
    }
    Ok(())
}

/// Where the transfer is read from.
enum Source {
    /// A folder store (`file://` link).
    Store(DirectoryTransport),
    /// A Kluis server (`https://` link).
    Server(Box<HttpTransport>),
}

impl Source {
    fn transport(&self) -> &dyn Transport {
        match self {
            Source::Store(store) => store,
            Source::Server(server) => server.as_ref(),
        }
    }

    /// `in /path/to/store` or `on https://server`, for messages.
    fn label(&self) -> String {
        match self {
            Source::Store(store) => format!("in {}", store.root().display()),
            Source::Server(server) => format!("on {}", server.server()),
        }
    }
}

/// Opens the store the link names, without creating it.
fn open_store(root: &Path) -> Result<DirectoryTransport, CliError> {
    if !root.is_dir() {
        return Err(CliError::Failed(format!(
            "not found: the store folder {} (from the link) does not exist",
            root.display()
        )));
    }
    DirectoryTransport::open(root)
        .map_err(|e| CliError::io(format_args!("cannot open the store {}", root.display()), e))
}

/// Refuses, before asking for the password, a transfer that the store does
/// not hold, holds only partly, or says has expired. (The expiry that
/// counts is the one sealed in the manifest, checked when it opens; this
/// one only saves typing the password for nothing.)
fn check_available(store: &dyn Transport, id: &TransferId, location: &str) -> Result<(), CliError> {
    match store.expiry(id) {
        Ok(Some(expires_at)) if expires_at <= unix_seconds(SystemTime::now()) => {
            Err(TransferError::Expired { expired_at: expires_at }.into())
        }
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(CliError::Failed(format!("not found: transfer {id} is not completely stored yet"))),
        Err(TransportError::NotFound(_)) => Err(CliError::Failed(format!(
            "not found: transfer {id} is not {location} (removed after it expired, or a wrong link)"
        ))),
        Err(TransportError::Conflict(e)) => {
            Err(CliError::Failed(format!("refused: transfer {id} {location} is no longer available: {e}")))
        }
        Err(e) => Err(CliError::Failed(format!("reading transfer {id} {location}: {e}"))),
    }
}

/// The name file `index` is saved under (always present for an index of
/// the transfer).
fn save_name(opened: &OpenedTransfer, index: usize) -> &str {
    opened.save_name(index).unwrap_or_default()
}

/// The indexes of the files to save: all, or those `--file` names.
fn select(opened: &OpenedTransfer, wanted: &[String]) -> Result<Vec<usize>, CliError> {
    let count = opened.info().files.len();
    if wanted.is_empty() {
        return Ok((0..count).collect());
    }
    let mut selected = Vec::with_capacity(wanted.len());
    for name in wanted {
        let index = (0..count).find(|&i| save_name(opened, i) == name).ok_or_else(|| {
            const SHOWN: usize = 20;
            let mut names: Vec<String> = (0..count.min(SHOWN)).map(|i| format!("{:?}", save_name(opened, i))).collect();
            if count > SHOWN {
                names.push(format!("and {} more", count - SHOWN));
            }
            CliError::usage(format!("the transfer has no file {name:?}; its files are {}", names.join(", ")))
        })?;
        if !selected.contains(&index) {
            selected.push(index);
        }
    }
    selected.sort_unstable();
    Ok(selected)
}

/// Moves the verified files from the hidden folder to their destinations,
/// by kluis-core's rule ([`OutputFile::place`]): renamed into place, or
/// written in place into a named pipe or device. Without `force`, a file
/// that appeared meanwhile stops the move; after any failure the files this
/// run created are taken back, so that nothing is saved.
fn publish(staged: Vec<PathBuf>, destinations: &[PathBuf], force: bool) -> Result<(), CliError> {
    let mut created: Vec<&Path> = Vec::with_capacity(destinations.len());
    for (from, to) in staged.iter().zip(destinations) {
        match OutputFile::place(from, to, force) {
            Ok(OutputKind::New) => created.push(to),
            Ok(_) => {}
            Err(e) => {
                for path in created {
                    let _ = fs::remove_file(path);
                }
                return Err(save_error(to, e));
            }
        }
    }
    Ok(())
}

/// The error for a file that cannot be saved at `path`.
fn save_error(path: &Path, err: std::io::Error) -> CliError {
    match refusal(path, &err) {
        Some(CliError::Usage(message)) => CliError::usage(format!("{message}: nothing was saved")),
        Some(other) => other,
        None => CliError::io(format_args!("saving {}", path.display()), err),
    }
}

/// What the transfer holds, for standard error. Every text from the
/// transfer is made safe for a terminal first.
fn describe(opened: &OpenedTransfer, now: u64) -> String {
    let info: &TransferInfo = opened.info();
    let mut out = String::new();
    let bytes: u64 = info.files.iter().map(|f| f.size).sum();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "Transfer {} from {}", info.id, human::line(&info.from));
    let to: Vec<_> = info.to.iter().map(|t| human::line(t)).collect();
    let _ = writeln!(out, "  to:       {}", to.join(", "));
    if !info.subject.is_empty() {
        let _ = writeln!(out, "  subject:  {}", human::line(&info.subject));
    }
    let _ = writeln!(out, "  sent:     {} ({})", rfc3339(info.created_at), human::relative(info.created_at, now));
    let _ = writeln!(out, "  expires:  {} ({})", rfc3339(info.expires_at), human::relative(info.expires_at, now));
    if let Some(message) = &info.message {
        let _ = writeln!(out, "  message:");
        for line in human::paragraph(message).lines() {
            let _ = writeln!(out, "    {line}");
        }
    }
    let _ = writeln!(
        out,
        "  files:    {} ({})",
        human::count(info.files.len() as u64, "file", "files"),
        human::size(bytes)
    );
    let names: Vec<_> = (0..info.files.len()).map(|i| human::line(save_name(opened, i))).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).min(60);
    for (name, file) in names.iter().zip(&info.files) {
        let _ = writeln!(out, "    {name:<width$}  {}", human::size(file.size));
    }
    out
}

/// The `--json` object.
fn to_json(opened: &OpenedTransfer, link: &str, selected: &[usize], destinations: &[PathBuf]) -> serde_json::Value {
    let info = opened.info();
    let path_of = |index: usize| {
        selected.iter().position(|&i| i == index).map(|k| destinations[k].to_string_lossy().into_owned())
    };
    let files: Vec<_> = info
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({
                "name": f.name,
                "save_name": save_name(opened, i),
                "size": f.size,
                "sha256": f.sha256_hex(),
                "media_type": f.media_type,
                "path": path_of(i),
            })
        })
        .collect();
    let saved: Vec<_> = destinations.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    json!({
        "id": info.id.to_string(),
        "link": link.trim(),
        "from": info.from,
        "to": info.to,
        "subject": info.subject,
        "message": info.message,
        "created_at": rfc3339(info.created_at),
        "expires_at": rfc3339(info.expires_at),
        "files": files,
        "saved": saved,
    })
}
