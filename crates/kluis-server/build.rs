//! Embeds the web pages (docs/WEB.md) when the `web` feature is on: reads
//! `web/dist/manifest.json` (or `$KLUIS_WEB_DIST/manifest.json`) and writes
//! `$OUT_DIR/web_dist.rs`, which `include_bytes!`s every template and asset
//! the manifest lists. Likewise the Outlook add-in (docs/MAILCLIENTS.md)
//! when the `outlook` feature is on: `clients/outlook/dist` (or
//! `$KLUIS_OUTLOOK_DIST`) into `$OUT_DIR/outlook_dist.rs`. A missing build
//! stops the compilation with what to do.
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const HOW: &str = "build the web pages first:\n\
    \x20   npm --prefix bindings/js ci && npm --prefix bindings/js run build && \\\n\
    \x20   npm --prefix web ci && npm --prefix web run build\n\
    or point KLUIS_WEB_DIST at a built web/dist, or build kluis-server with --no-default-features \
    (then the pages are not built in)";

fn fail(message: &str) -> ! {
    eprintln!("error: kluis-server's `web` feature: {message}\n{HOW}");
    std::process::exit(1);
}

/// A manifest path: relative, plain, no `..`.
fn safe(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && rel.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        && !rel.contains('\\')
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=KLUIS_WEB_DIST");
    println!("cargo:rerun-if-env-changed=KLUIS_OUTLOOK_DIST");
    if std::env::var_os("CARGO_FEATURE_OUTLOOK").is_some() {
        outlook();
    }
    if std::env::var_os("CARGO_FEATURE_WEB").is_none() {
        return;
    }
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = match std::env::var_os("KLUIS_WEB_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("../../web/dist"),
    };
    let manifest_path = dist.join("manifest.json");
    println!("cargo:rerun-if-changed={}", manifest_path.display());
    let text = std::fs::read_to_string(&manifest_path)
        .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", manifest_path.display())));
    let manifest: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| fail(&format!("{} is not JSON: {e}", manifest_path.display())));
    let mut files: Vec<String> = Vec::new();
    let assets =
        manifest.get("assets").and_then(|a| a.as_array()).unwrap_or_else(|| fail("manifest.json has no assets"));
    for asset in assets {
        files.push(asset.as_str().unwrap_or_else(|| fail("an asset is not a string")).to_string());
    }
    let templates =
        manifest.get("templates").and_then(|t| t.as_object()).unwrap_or_else(|| fail("manifest.json has no templates"));
    for page in ["send", "receive"] {
        for lang in ["nl", "en"] {
            let file = templates
                .get(page)
                .and_then(|p| p.get(lang))
                .and_then(|f| f.as_str())
                .unwrap_or_else(|| fail(&format!("manifest.json has no {page} template in {lang}")));
            files.push(file.to_string());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "/// web/dist/manifest.json, as built.");
    let _ = writeln!(out, "pub(super) static MANIFEST: &str = include_str!({:?});", abs(&manifest_path));
    let _ = writeln!(out, "/// Every template and asset: (path in web/dist, bytes).");
    let _ = writeln!(out, "pub(super) static FILES: &[(&str, &[u8])] = &[");
    for rel in &files {
        if !safe(rel) {
            fail(&format!("manifest.json names an unsafe path {rel:?}"));
        }
        let path = dist.join(rel);
        if !path.is_file() {
            fail(&format!("{} is listed in manifest.json but missing", path.display()));
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({:?})),", abs(&path));
    }
    let _ = writeln!(out, "];");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_else(|| fail("OUT_DIR is not set")));
    std::fs::write(out_dir.join("web_dist.rs"), out)
        .unwrap_or_else(|e| fail(&format!("cannot write web_dist.rs: {e}")));
}

const HOW_OUTLOOK: &str = "build the Outlook add-in first:\n\
    \x20   npm --prefix bindings/js ci && npm --prefix bindings/js run build && \\\n\
    \x20   npm --prefix clients/outlook ci && npm --prefix clients/outlook run build\n\
    or point KLUIS_OUTLOOK_DIST at a built clients/outlook/dist, or build kluis-server without the \
    `outlook` feature (then /outlook/ is not served)";

/// `clients/outlook/dist` into `$OUT_DIR/outlook_dist.rs`: its manifest's
/// pages, files and assets.
fn outlook() {
    let fail_outlook = |message: &str| -> ! {
        eprintln!("error: kluis-server's `outlook` feature: {message}\n{HOW_OUTLOOK}");
        std::process::exit(1);
    };
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = match std::env::var_os("KLUIS_OUTLOOK_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("../../clients/outlook/dist"),
    };
    let manifest_path = dist.join("manifest.json");
    println!("cargo:rerun-if-changed={}", manifest_path.display());
    let text = std::fs::read_to_string(&manifest_path)
        .unwrap_or_else(|e| fail_outlook(&format!("cannot read {}: {e}", manifest_path.display())));
    let manifest: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| fail_outlook(&format!("{} is not JSON: {e}", manifest_path.display())));
    let mut files: Vec<String> = Vec::new();
    for list in ["pages", "files", "assets"] {
        let entries = manifest
            .get(list)
            .and_then(|a| a.as_array())
            .unwrap_or_else(|| fail_outlook(&format!("manifest.json has no {list}")));
        for entry in entries {
            files.push(entry.as_str().unwrap_or_else(|| fail_outlook("an entry is not a string")).to_string());
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "/// Every file of clients/outlook/dist: (path, bytes).");
    let _ = writeln!(out, "pub(super) static FILES: &[(&str, &[u8])] = &[");
    for rel in &files {
        if !safe(rel) {
            fail_outlook(&format!("manifest.json names an unsafe path {rel:?}"));
        }
        let path = dist.join(rel);
        if !path.is_file() {
            fail_outlook(&format!("{} is listed in manifest.json but missing", path.display()));
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({:?})),", abs(&path));
    }
    let _ = writeln!(out, "];");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_else(|| fail_outlook("OUT_DIR is not set")));
    std::fs::write(out_dir.join("outlook_dist.rs"), out)
        .unwrap_or_else(|e| fail_outlook(&format!("cannot write outlook_dist.rs: {e}")));
}

fn abs(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string()
}
