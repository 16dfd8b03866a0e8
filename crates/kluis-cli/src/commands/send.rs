//! `kluis send`: send files end-to-end encrypted, as one transfer in a
//! folder store or on a Kluis server, and write the mail that tells the
//! recipients where it is (kluis-transfer's recipient notice).

use std::fs::{self, File};
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use clap::Args;
use kluis_transfer::{
    Argon2Params, DirectoryTransport, FileSource, HttpOptions, HttpTransport, Language, Link, MAX_MESSAGE_LEN,
    Password, PasswordStyle, Phase, PreparedTransfer, RecipientNotice, SendOptions, SentTransfer, TransferError,
    TransferId, TransferRequest, Transport, UPLOAD_ATTEMPTS, generate_password, rate_password, rfc3339, unix_seconds,
};
use serde_json::json;

use crate::Global;
use crate::cli_error::CliError;
use crate::commands::seal::parse_argon2;
use crate::commands::store::store_dir;
use crate::commands::verify::http_error;
use crate::human;
use crate::progress::TransferBar;
use crate::secret_args::{PASSWORD_HEADING, PasswordArgs};
use crate::tokens;

/// The longest `--expires` this command accepts.
pub(crate) const MAX_EXPIRES: Duration = Duration::from_secs(90 * 86_400);

/// The line that introduces a generated password on standard error.
pub(crate) const PASSWORD_LINE: &str = "Password for the recipient (tell it by phone or SMS, never by mail): ";

const EXAMPLES: &str = "\
Examples:
  kluis send offer.pdf prices.xlsx --to bob@example.org --from ann@example.org --subject Offer
  kluis send *.jpg --to bob@example.org,carol@example.org --message-file note.txt --expires 2w
  kluis send report.pdf --to bob@example.org --json > sent.json
  kluis send offer.pdf --to bob@example.org --from ann@example.org --server https://kluis.example.org
  kluis send offer.pdf --to bob@example.org --message-file -     (type the message, end with Ctrl-D)

The message is confidential: give it with --message-file (a file, or - for
standard input) rather than --message TEXT, whose text any local user can
read in the process list (ps) while kluis runs.

Output: the mail text for the recipients goes to standard output (ready to
paste; it holds the link but no password, no file name, no subject and no
message). The link, the transfer id and the expiry go to standard error, and
so does a generated password, on a line of its own:

  Password for the recipient (tell it by phone or SMS, never by mail): k7mq-3xpz-...

With --json, standard output is one JSON object instead: id, link, store,
created_at, expires_at (RFC 3339), expires_at_unix, files (a count), bytes
(plaintext), stored_bytes, to, mail_subject, mail_text and, only when kluis
generated the password, password. The JSON is for the sender's own tools:
it holds the password, which must never reach the recipient with the link.

With --server URL the transfer goes to a Kluis server instead of a folder
store. Verify your address there first (kluis verify ADDR --server URL); the
token it stores is used for --from. The server learns the addresses, the
sizes and the expiry, and mails the recipients the link itself; it learns the
subject and the file names only with --notify-names (for its notice mail).
The link printed is the server's (https://.../t/ID). An interrupted upload is
resumed where the server stands (up to 3 attempts). In --json, store is null
and server is the server's address.";

/// Send files end-to-end encrypted: one transfer, one password
///
/// Encrypts the files, the subject and the message on this computer into a
/// transfer in a folder store (--store) or on a Kluis server (--server),
/// then prints a mail text for the
/// recipients with the link to it. The recipients open it with `kluis
/// receive LINK` and the password, which you tell them another way (phone,
/// SMS, in person): never in the mail that carries the link.
///
/// By default kluis generates the password (about 119 bits). A password you
/// choose (--password-env, --password-file) must be hard to guess; a weak one
/// is refused unless --allow-weak-password is given.
#[derive(Args, Debug)]
#[command(after_help = EXAMPLES, verbatim_doc_comment)]
pub(crate) struct SendArgs {
    /// The files to send (at most 10,000)
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// A recipient's address: repeat the option, or separate addresses with
    /// commas
    #[arg(long, value_name = "ADDR", required = true, value_delimiter = ',')]
    to: Vec<String>,

    /// Your address [default: $KLUIS_FROM, else $EMAIL]
    #[arg(long, value_name = "ADDR")]
    from: Option<String>,

    /// The subject; it travels encrypted (the mail's subject line does not
    /// show it)
    #[arg(long, value_name = "S", default_value = "")]
    subject: String,

    /// A confidential message for the recipients; it travels encrypted,
    /// but any local user can read it in the process list (ps) while kluis
    /// runs, and your shell may keep it in its history: prefer
    /// --message-file
    #[arg(long, value_name = "TEXT", conflicts_with = "message_file")]
    message: Option<String>,

    /// Take the message from a file (- for standard input)
    #[arg(long, value_name = "F")]
    message_file: Option<PathBuf>,

    /// How long the transfer can be received: 30m, 12h, 7d, 2w, ...
    /// (1 second to 90 days)
    #[arg(long, value_name = "DURATION", default_value = "7d", value_parser = parse_expires)]
    expires: Duration,

    /// The folder store to put the transfer in, created if missing
    /// [default: kluis/store in your data folder]
    #[arg(long, value_name = "DIR", conflicts_with = "server")]
    store: Option<PathBuf>,

    /// Send through this Kluis server (https://host[:port][/prefix]) with
    /// the token of `kluis verify` for --from, instead of a folder store
    #[arg(long, value_name = "URL")]
    server: Option<String>,

    /// With --server: the server refuses the transfer after N downloads
    /// [default: unlimited]
    #[arg(long, value_name = "N", requires = "server", value_parser = clap::value_parser!(u64).range(1..))]
    download_limit: Option<u64>,

    /// With --server: let the server's notice mails show the subject and
    /// the file names (by default they show neither: the server never
    /// learns them)
    #[arg(long, requires = "server")]
    notify_names: bool,

    /// The language of the mail text for the recipients, and of the
    /// server's notice mail with --server: en or nl
    #[arg(long, value_name = "LANG", default_value = "en")]
    language: Language,

    /// Print one JSON object on standard output instead of the mail text
    #[arg(long)]
    json: bool,

    /// Argon2id cost of the password (for tests; the default is
    /// m=65536,t=3,p=4)
    #[arg(long, value_name = "m=KIB,t=N,p=N", value_parser = parse_argon2, hide = true)]
    argon2: Option<Argon2Params>,

    // Last: its help heading applies to the options declared after it.
    #[command(flatten)]
    password: PasswordArgs,

    /// Generate a random password and print it on standard error (the
    /// default when no password is given)
    #[arg(long, conflicts_with = "password", help_heading = PASSWORD_HEADING)]
    generate_password: bool,

    /// Send with a chosen password even if it is rated weak
    #[arg(long, conflicts_with = "generate_password", help_heading = PASSWORD_HEADING)]
    allow_weak_password: bool,
}

/// Parses `--expires`: a whole number with `s`, `m`, `h`, `d` or `w`, or
/// anything `humantime` reads (`7days`, `1h 30m`); 1 second to 90 days.
fn parse_expires(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let short = trimmed.find(|c: char| !c.is_ascii_digit()).and_then(|at| {
        let (digits, unit) = trimmed.split_at(at);
        let unit: u64 = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return None,
        };
        digits.parse::<u64>().ok()?.checked_mul(unit)
    });
    let duration = match short {
        Some(secs) => Duration::from_secs(secs),
        None => humantime::parse_duration(trimmed)
            .map_err(|e| format!("{text:?} is not a duration such as 30m, 12h, 7d or 2w ({e})"))?,
    };
    if duration < Duration::from_secs(1) {
        return Err("a transfer must stay available for at least 1 second".into());
    }
    if duration > MAX_EXPIRES {
        return Err(format!("{text:?} is longer than the limit of 90 days"));
    }
    Ok(Duration::from_secs(duration.as_secs()))
}

/// Runs `kluis send`.
pub(crate) fn run(args: SendArgs, global: &Global) -> Result<(), CliError> {
    // Everything that can be refused is, before any file is read.
    let from = sender(args.from.as_deref())?;
    let to = recipients(&args.to)?;
    let mut bytes = 0u64;
    for path in &args.files {
        bytes = bytes.saturating_add(readable_file_len(path)?);
    }
    let message = message(args.message.as_deref(), args.message_file.as_deref())?;
    crate::commands::scan::note_before_send(message.as_deref(), &args.files, global);
    let (password, generated) = match args.password.given()? {
        Some(password) => {
            check_strength(&password, &from, &to, &args.subject, args.allow_weak_password, global)?;
            (password, false)
        }
        None => (generate_password(PasswordStyle::Characters)?, true),
    };
    let destination = match &args.server {
        Some(url) => {
            let options = HttpOptions {
                download_limit: args.download_limit,
                disclose_names: args.notify_names,
                // Sent only when not the default, so that older servers keep accepting it.
                language: Some(args.language).filter(|l| *l != Language::default()),
                ..HttpOptions::default()
            };
            Destination::Server(Box::new(server_transport(url, &from, options)?))
        }
        None => Destination::Store(open_store(&store_dir(args.store.as_deref())?)?),
    };

    let files = args.files.iter().map(FileSource::path).collect();
    let request = TransferRequest {
        from: from.clone(),
        to: to.clone(),
        subject: args.subject,
        message,
        files,
        expires_in: args.expires,
        password: password.clone(),
        allow_weak_password: args.allow_weak_password,
    };
    let options = SendOptions {
        argon2: args.argon2.unwrap_or(Argon2Params::DEFAULT),
        // The sealed copies wait beside the store, on the disk that will
        // hold them anyway (not in a RAM-backed /tmp).
        temp_dir: match &destination {
            Destination::Store(store) => Some(store.root().to_path_buf()),
            Destination::Server(_) => None,
        },
        ..SendOptions::default()
    };

    let sealing = TransferBar::start("encrypting", Phase::Sealing, Some(bytes), global.quiet);
    let prepared = PreparedTransfer::prepare(request, &options, &sealing)?;
    drop(sealing);
    let uploading = TransferBar::start("storing", Phase::Uploading, Some(prepared.sealed_len()), global.quiet);
    let sent = match upload(&prepared, &destination, &uploading, global) {
        Ok(sent) => sent,
        Err(err) => {
            // This command cannot resume an upload later: leave no half transfer.
            let _ = destination.transport().delete_transfer(&prepared.id());
            return Err(err.into());
        }
    };
    drop(uploading);

    let link = match &destination {
        Destination::Store(store) => Link::directory(store.root(), sent.id)
            .map_err(|e| CliError::Failed(format!("cannot make a link to the store: {e}")))?
            .to_string(),
        Destination::Server(server) => server.link(&sent.id),
    };
    let now = unix_seconds(SystemTime::now());
    let count = prepared.info().files.len();
    // What was sealed (a file that changed size since the check is refused).
    let bytes: u64 = prepared.info().files.iter().map(|f| f.size).sum();
    // kluis-transfer's recipient notice: the link, never a secret.
    let mail = RecipientNotice::new(args.language, &from, &link, sent.expires_at);

    if args.json {
        let mut out = json!({
            "id": sent.id.to_string(),
            "link": link,
            "store": match &destination {
                Destination::Store(store) => json!(store.root().to_string_lossy()),
                Destination::Server(_) => json!(null),
            },
            "created_at": rfc3339(sent.created_at),
            "expires_at": rfc3339(sent.expires_at),
            "expires_at_unix": sent.expires_at,
            "files": count,
            "bytes": bytes,
            "stored_bytes": sent.stored_bytes,
            "to": to,
            "mail_subject": mail.subject,
            "mail_text": mail.body,
        });
        if let Destination::Server(server) = &destination {
            out["server"] = json!(server.server());
        }
        if generated {
            out["password"] = json!(password.expose());
        }
        println!("{}", crate::json::line(&out)?);
        return Ok(());
    }

    if !global.quiet {
        eprintln!(
            "kluis: sent {} ({}) to {}",
            human::count(count as u64, "file", "files"),
            human::size(bytes),
            to.join(", ")
        );
        eprintln!("  link:     {link}");
        eprintln!("  transfer: {}", sent.id);
        eprintln!("  expires:  {} ({})", rfc3339(sent.expires_at), human::relative(sent.expires_at, now));
        if let Destination::Server(server) = &destination {
            eprintln!("  server:   {} (it mails the recipients the link)", server.server());
        }
    }
    if generated {
        eprintln!("\n{PASSWORD_LINE}{}\n", password.expose());
    } else if !global.quiet {
        eprintln!("\nThe recipients need the password you chose: tell it by phone or SMS, never by mail.\n");
    }
    if !global.quiet && io::stdout().is_terminal() {
        eprintln!("Mail text for the recipients (without the password):\n");
    }
    println!("Subject: {}\n\n{}", mail.subject, mail.body);
    Ok(())
}

/// Where the transfer goes.
enum Destination {
    /// A folder store (`--store`, the default).
    Store(DirectoryTransport),
    /// A Kluis server (`--server`).
    Server(Box<HttpTransport>),
}

impl Destination {
    fn transport(&self) -> &dyn Transport {
        match self {
            Destination::Store(store) => store,
            Destination::Server(server) => server.as_ref(),
        }
    }
}

/// Uploads; to a server, by kluis-transfer's resume-and-retry policy (a
/// failure of the network or of the server's state is resumed where the
/// server stands, [`UPLOAD_ATTEMPTS`] attempts in all). A folder store gets
/// one attempt: its failures are local and do not pass by themselves.
fn upload(
    prepared: &PreparedTransfer,
    destination: &Destination,
    progress: &TransferBar,
    global: &Global,
) -> Result<SentTransfer, TransferError> {
    let attempts = match destination {
        Destination::Server(_) => UPLOAD_ATTEMPTS,
        Destination::Store(_) => 1,
    };
    prepared.upload_resuming(destination.transport(), progress, attempts, &mut |e| {
        if !global.quiet {
            let e = match e {
                TransferError::Transport(e) => e.to_string(),
                e => e.to_string(),
            };
            eprintln!("kluis: note: the upload was interrupted ({e}); resuming");
        }
    })
}

/// The transport to `url` with the token `kluis verify` stored for `from`.
fn server_transport(url: &str, from: &str, options: HttpOptions) -> Result<HttpTransport, CliError> {
    let probe = HttpTransport::new(url, None, options.clone()).map_err(http_error)?;
    let server = probe.server();
    let verify = format!("run kluis verify {from} --server {server}");
    let token = tokens::load(server, from)?
        .ok_or_else(|| CliError::usage(format!("{from} is not verified at {server}: {verify}")))?;
    if token.expires_at() <= unix_seconds(SystemTime::now()) {
        return Err(CliError::usage(format!("the token for {from} at {server} has expired: {verify}")));
    }
    HttpTransport::new(server, Some(token), options).map_err(http_error)
}

/// `--from`, else `$KLUIS_FROM`, else `$EMAIL`.
fn sender(from: Option<&str>) -> Result<String, CliError> {
    let from = match from {
        Some(from) => from.trim().to_owned(),
        None => ["KLUIS_FROM", "EMAIL"]
            .iter()
            .find_map(|var| std::env::var(var).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
            .ok_or_else(|| CliError::usage("no sender address: use --from ADDR (or set KLUIS_FROM)"))?,
    };
    if from.is_empty() {
        return Err(CliError::usage("--from is empty"));
    }
    Ok(from)
}

/// The `--to` addresses, trimmed, without empty entries (`a@x, b@y,`).
fn recipients(to: &[String]) -> Result<Vec<String>, CliError> {
    let to: Vec<String> = to.iter().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
    if to.is_empty() {
        return Err(CliError::usage("no recipient address: use --to ADDR"));
    }
    Ok(to)
}

/// The length of a file to send, which must be a regular file that can be
/// opened now (so that the error names it).
fn readable_file_len(path: &Path) -> Result<u64, CliError> {
    let label = path.display();
    let meta = fs::metadata(path).map_err(|e| CliError::io(format_args!("cannot open {label}"), e))?;
    if meta.is_dir() {
        return Err(CliError::usage(format!("{label} is a folder: send the files in it, or an archive of it")));
    }
    if !meta.is_file() {
        return Err(CliError::usage(format!("{label} is not a regular file")));
    }
    File::open(path).map_err(|e| CliError::io(format_args!("cannot open {label}"), e))?;
    Ok(meta.len())
}

/// `--message`, or the content of `--message-file` less one trailing line
/// break; an empty message is no message.
fn message(text: Option<&str>, file: Option<&Path>) -> Result<Option<String>, CliError> {
    let text = match (text, file) {
        (Some(text), _) => text.to_owned(),
        (None, Some(path)) => read_message(path)?,
        (None, None) => return Ok(None),
    };
    if text.len() > MAX_MESSAGE_LEN {
        return Err(CliError::usage(format!("the message is {} bytes; at most {MAX_MESSAGE_LEN} fit", text.len())));
    }
    Ok(Some(text).filter(|t| !t.is_empty()))
}

fn read_message(path: &Path) -> Result<String, CliError> {
    let (label, reader): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("standard input".into(), Box::new(io::stdin()))
    } else {
        let label = path.display().to_string();
        let file = File::open(path).map_err(|e| CliError::io(format_args!("cannot open {label}"), e))?;
        (label, Box::new(file))
    };
    let mut content = Vec::new();
    // Room for the limit and a line break, and one byte to notice more.
    reader
        .take(MAX_MESSAGE_LEN as u64 + 3)
        .read_to_end(&mut content)
        .map_err(|e| CliError::io(format_args!("reading {label}"), e))?;
    let mut text = String::from_utf8(content)
        .map_err(|_| CliError::usage(format!("the message file {label} is not UTF-8 text")))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Refuses a chosen password that is too easy to guess, unless allowed.
fn check_strength(
    password: &Password,
    from: &str,
    to: &[String],
    subject: &str,
    allow_weak: bool,
    global: &Global,
) -> Result<(), CliError> {
    let mut context = vec![from, subject];
    context.extend(to.iter().map(String::as_str));
    match rate_password(password, &context).reason() {
        None => Ok(()),
        Some(reason) if !allow_weak => Err(CliError::usage(format!(
            "password refused as too weak: {reason} (omit the password option to have one generated, or \
             give --allow-weak-password)"
        ))),
        Some(reason) => {
            if !global.quiet {
                eprintln!("kluis: note: sending with a weak password (--allow-weak-password): {reason}");
            }
            Ok(())
        }
    }
}

/// Opens (creating it if needed) the store at `dir` under its canonical
/// absolute path, which the link names; refuses a store that no link can
/// name before anything is sealed.
fn open_store(dir: &Path) -> Result<DirectoryTransport, CliError> {
    let label = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::usage(format!("the store {label} is not a folder")));
    }
    DirectoryTransport::open(dir).map_err(|e| CliError::io(format_args!("cannot create the store {label}"), e))?;
    let root = fs::canonicalize(dir).map_err(|e| CliError::io(format_args!("cannot open the store {label}"), e))?;
    let root = without_verbatim_prefix(root);
    Link::directory(&root, TransferId::from_bytes([0; 16])).map_err(|e| {
        CliError::usage(format!("the store {} cannot be named in a link ({e}): use another --store", root.display()))
    })?;
    DirectoryTransport::open(&root).map_err(|e| CliError::io(format_args!("cannot open the store {label}"), e))
}

/// On Windows, `\\?\C:\x` (what `canonicalize` returns) as `C:\x`, which
/// links can name.
fn without_verbatim_prefix(path: PathBuf) -> PathBuf {
    if cfg!(windows) {
        if let Some(rest) = path.to_str().and_then(|p| p.strip_prefix(r"\\?\")) {
            if rest.as_bytes().get(1) == Some(&b':') {
                return PathBuf::from(rest);
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries() {
        let secs = |t: &str| parse_expires(t).map(|d| d.as_secs());
        assert_eq!(secs("30m"), Ok(1800));
        assert_eq!(secs("12h"), Ok(43_200));
        assert_eq!(secs("7d"), Ok(604_800));
        assert_eq!(secs("2w"), Ok(1_209_600));
        assert_eq!(secs("1s"), Ok(1));
        assert_eq!(secs("7days"), Ok(604_800));
        assert_eq!(secs("1h 30m"), Ok(5400));
        assert_eq!(secs("90d"), Ok(90 * 86_400));
        for bad in ["", "0d", "0", "7", "91d", "13w", "500ms", "-1d", "7x", "d", "99999999999999999999d"] {
            assert!(parse_expires(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_mail_is_the_shared_notice() {
        let link = "file:///x/y&z/aaaaaaaaaaaaaaaaaaaaaaaaaa";
        let mail = RecipientNotice::new(Language::En, "ann@example.org", link, 1_700_604_800);
        assert_eq!(mail.subject, "Encrypted files from ann@example.org");
        assert!(mail.body.contains("kluis receive 'file:///x/y&z/aaaaaaaaaaaaaaaaaaaaaaaaaa'"), "{}", mail.body);
        assert!(mail.body.contains("until 2023-11-21 22:13 UTC"), "{}", mail.body);
    }

    #[test]
    fn addresses() {
        let to = recipients(&[" a@x".into(), "".into(), "b@y ".into()]).map_err(|e| e.exit_code());
        assert_eq!(to, Ok(vec!["a@x".to_owned(), "b@y".to_owned()]));
        assert_eq!(recipients(&[" ".into()]).map_err(|e| e.exit_code()), Err(2));
        assert_eq!(sender(Some(" ann@example.org ")).map_err(|e| e.exit_code()), Ok("ann@example.org".into()));
        assert_eq!(sender(Some("")).map_err(|e| e.exit_code()), Err(2));
    }
}
