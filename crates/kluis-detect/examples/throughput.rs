//! Throughput of `scan_text` and of 20 MB .docx files (one mostly
//! pictures, as most are; one all text, the worst case), in wall time and in
//! time on the CPU (Linux: `/proc/thread-self/schedstat`), so that the figure
//! means something on a machine shared with other work.
//!
//! ```text
//! cargo run --release -p kluis-detect --example throughput
//! ```
//!
//! The text is the criterion bench's (benches/scan.rs): Dutch and English
//! office prose with dates, amounts, phone and order numbers, now and then
//! a BSN, an IBAN or a health term.

#[path = "prose/mod.rs"]
mod prose;

use std::time::Instant;

use kluis_detect::{MediaType, scan_bytes, scan_text};

const MIB: usize = 1 << 20;

/// Nanoseconds this thread has run on a CPU, where the system says.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Runs `f` `rounds` times; returns (wall seconds, CPU seconds if known) per round.
fn time<F: FnMut() -> usize>(rounds: u32, mut f: F) -> (f64, Option<f64>) {
    let cpu0 = cpu_ns();
    let t = Instant::now();
    let mut sink = 0;
    for _ in 0..rounds {
        sink += f();
    }
    let wall = t.elapsed().as_secs_f64() / f64::from(rounds);
    let cpu = cpu_ns().zip(cpu0).map(|(b, a)| (b - a) as f64 / 1e9 / f64::from(rounds));
    std::hint::black_box(sink);
    (wall, cpu)
}

fn main() {
    println!("| input | bytes | findings | wall | MB/s (wall) | MB/s (CPU) |");
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, bytes: usize, findings: usize, (wall, cpu): (f64, Option<f64>)| {
        let mbs = |s: f64| bytes as f64 / s / 1e6;
        let cpu = cpu.map_or_else(|| "n/a".to_owned(), |c| format!("{:.0}", mbs(c)));
        println!("| {name} | {bytes} | {findings} | {:.1} ms | {:.0} | {cpu} |", wall * 1e3, mbs(wall));
    };
    for mib in [1, 4, 16, 64] {
        let text = prose::prose(mib * MIB);
        let findings = scan_text(&text).len();
        let rounds = (64 / mib).max(2) as u32;
        row(&format!("scan_text, prose {mib} MiB"), text.len(), findings, time(rounds, || scan_text(&text).len()));
    }
    let mut size = 48 * MIB;
    let mut file = prose::docx(&prose::prose(size));
    while file.len() < 20_000_000 {
        size += size / 4;
        file = prose::docx(&prose::prose(size));
    }
    let pictures = prose::docx_with_media(&prose::prose(2 * MIB), 18 * MIB);
    row(
        "scan_bytes, .docx of 2 MiB of text and 18 MiB of pictures",
        pictures.len(),
        scan_bytes(&pictures, MediaType::Docx).map_or(0, |f| f.len()),
        time(5, || scan_bytes(&pictures, MediaType::Docx).map_or(0, |f| f.len())),
    );
    let findings = scan_bytes(&file, MediaType::Docx).map_or(0, |f| f.len());
    row(
        &format!("scan_bytes, .docx of {size} bytes of text"),
        file.len(),
        findings,
        time(3, || scan_bytes(&file, MediaType::Docx).map_or(0, |f| f.len())),
    );
}
