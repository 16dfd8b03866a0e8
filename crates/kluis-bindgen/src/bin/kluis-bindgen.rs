//! `kluis-bindgen`: C# bindings from a compiled uniffi library.
//!
//! ```text
//! kluis-bindgen csharp --library target/debug/libkluis_ffi.so --out bindings/csharp/Kluis.cs \
//!     [--config bindings/csharp/uniffi-csharp.toml] [--crate kluis_ffi] [--check]
//! ```
//!
//! `--config` names a TOML file whose `[bindings.csharp]` table overrides the
//! crate's `uniffi.toml`. `--check` writes nothing and fails when `--out`
//! differs from what would be generated.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use camino::Utf8PathBuf;
use kluis_bindgen::csharp::{self, Config};

const USAGE: &str =
    "usage: kluis-bindgen csharp --library <lib> --out <file.cs> [--config <toml>] [--crate <name>] [--check]";

struct Args {
    library: Utf8PathBuf,
    out: Utf8PathBuf,
    config: Option<Utf8PathBuf>,
    crate_name: Option<String>,
    check: bool,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args> {
    match argv.next().as_deref() {
        Some("csharp") => {}
        Some("-h" | "--help") | None => bail!("{USAGE}"),
        Some(other) => bail!("unknown command {other:?}\n{USAGE}"),
    }
    let (mut library, mut out, mut config, mut crate_name, mut check) = (None, None, None, None, false);
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().with_context(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--library" => library = Some(Utf8PathBuf::from(value("--library")?)),
            "--out" => out = Some(Utf8PathBuf::from(value("--out")?)),
            "--config" => config = Some(Utf8PathBuf::from(value("--config")?)),
            "--crate" => crate_name = Some(value("--crate")?),
            "--check" => check = true,
            "-h" | "--help" => bail!("{USAGE}"),
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(Args {
        library: library.with_context(|| format!("--library is required\n{USAGE}"))?,
        out: out.with_context(|| format!("--out is required\n{USAGE}"))?,
        config,
        crate_name,
        check,
    })
}

fn run() -> Result<()> {
    let args = parse(std::env::args().skip(1))?;
    let component = csharp::load(&args.library, args.crate_name.as_deref())?;
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
            let value: toml::Value = toml::from_str(&text).with_context(|| format!("parsing {path}"))?;
            Config::from_toml(&value).with_context(|| format!("in {path}"))?
        }
        None => Config::default(),
    };
    let file = csharp::generate(&component, config)?.file();
    if args.check {
        let current = std::fs::read_to_string(&args.out).unwrap_or_default();
        if current != file {
            bail!(
                "{} is not what kluis-bindgen generates from {}: regenerate it (without --check)",
                args.out,
                args.library
            );
        }
        return Ok(());
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {dir}"))?;
    }
    std::fs::write(&args.out, file).with_context(|| format!("writing {}", args.out))?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kluis-bindgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
