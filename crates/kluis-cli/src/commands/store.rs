//! `kluis store`: look after a folder store (`kluis store purge`).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::{Args, Subcommand};
use kluis_transfer::{DirectoryTransport, purge_expired, unix_seconds};
use serde_json::json;

use crate::Global;
use crate::cli_error::CliError;

/// The folder store to use: `--store DIR`, or the default in the user's
/// data folder.
pub(crate) fn store_dir(given: Option<&Path>) -> Result<PathBuf, CliError> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => DirectoryTransport::default_root().ok_or_else(|| {
            CliError::usage("this system has no user data folder for the default store: use --store DIR")
        }),
    }
}

/// Look after a folder store
#[derive(Args, Debug)]
pub(crate) struct StoreArgs {
    #[command(subcommand)]
    command: StoreCommand,
}

#[derive(Subcommand, Debug)]
enum StoreCommand {
    Purge(PurgeArgs),
}

/// Remove the transfers that have expired
///
/// Deletes every finished transfer whose expiry time has passed, with all
/// its files, and prints how many were removed. Transfers that are still
/// being uploaded are left alone. A store folder that does not exist has
/// nothing to purge.
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
struct PurgeArgs {
    /// The folder store [default: kluis/store in your data folder]
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,

    /// Print one JSON object: {"store", "removed" (a count), "transfers" (their ids)}
    #[arg(long)]
    json: bool,
}

/// Runs `kluis store ...`.
pub(crate) fn run(args: StoreArgs, global: &Global) -> Result<(), CliError> {
    match args.command {
        StoreCommand::Purge(args) => purge(args, global),
    }
}

fn purge(args: PurgeArgs, _global: &Global) -> Result<(), CliError> {
    let dir = store_dir(args.store.as_deref())?;
    let removed = if dir.is_dir() {
        let store = DirectoryTransport::open(&dir)
            .map_err(|e| CliError::io(format_args!("cannot open the store {}", dir.display()), e))?;
        purge_expired(&store, unix_seconds(SystemTime::now()))
            .map_err(|e| CliError::Failed(format!("purging {}: {e}", dir.display())))?
    } else if dir.exists() {
        return Err(CliError::usage(format!("the store {} is not a folder", dir.display())));
    } else {
        Vec::new()
    };
    if args.json {
        let ids: Vec<String> = removed.iter().map(ToString::to_string).collect();
        println!(
            "{}",
            crate::json::line(&json!({"store": dir.to_string_lossy(), "removed": removed.len(), "transfers": ids}))?
        );
    } else {
        let what = crate::human::count(removed.len() as u64, "expired transfer", "expired transfers");
        println!("removed {what} from {}", dir.display());
    }
    Ok(())
}
