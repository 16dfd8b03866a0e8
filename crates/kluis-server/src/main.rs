//! `kluis-server`: the Kluis drop server (docs/SERVER.md).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kluis_server::Server;
use kluis_server::config::Config;

/// The Kluis drop server: holds sealed transfers, verifies senders by mail,
/// notifies recipients (docs/SERVER.md).
///
/// Every configuration key can be overridden by an environment variable:
/// KLUIS_SERVER_<KEY> for top-level keys (LISTEN, PUBLIC_URL, SECRET,
/// TRUST_FORWARDED_FOR) and KLUIS_SERVER_<TABLE>_<KEY> for table keys
/// (e.g. KLUIS_SERVER_DATABASE_URL, KLUIS_SERVER_STORAGE_PATH,
/// KLUIS_SERVER_MAILDIR_PATH, KLUIS_SERVER_LIMITS_TOKEN_TTL_SECS). Logs are
/// filtered by RUST_LOG (default: info).
#[derive(Debug, Parser)]
#[command(name = "kluis-server", version)]
struct Args {
    /// The TOML configuration file.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// The address to listen on (overrides the file and the environment).
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("kluis-server: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kluis-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), kluis_server::ServerError> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let server = Server::bind(config).await?;
    println!("listening on http://{}", server.local_addr());
    tracing::info!(address = %server.local_addr(), "listening");
    server.run(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(%e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(%e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down; in-flight requests finish first");
}
