//! Throughput of `scan_text` on plain text, and of `scan_bytes` on a .docx.
//!
//! ```text
//! cargo bench -p kluis-detect --bench scan                 # everything, ~1 min on 2 cores
//! cargo bench -p kluis-detect --bench scan -- scan_text    # one group (a name filter)
//! cargo bench -p kluis-detect --bench scan -- --test       # smoke: each benchmark once
//! ```
//!
//! Groups:
//!
//! - `scan_text`: Dutch and English office prose (a letter's words, dates,
//!   amounts, phone and order numbers, now and then a BSN, an IBAN or a
//!   health term) of 1, 4, 16 and 64 MiB, on one thread. Equal MiB/s at
//!   every size is what "linear" means; the target is ≥ 200 MB/s.
//! - `scan_docx`: the same prose as a .docx of about 20 MB, through
//!   `scan_bytes` (unzip, XML, scan); the target is under 1 s.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use kluis_detect::{MediaType, scan_bytes, scan_text};

const MIB: usize = 1 << 20;

#[path = "../examples/prose/mod.rs"]
mod prose;
use prose::{docx, prose};

fn text(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan_text");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for mib in [1, 4, 16, 64] {
        let input = prose(mib * MIB);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.sample_size(10);
        group.bench_with_input(BenchmarkId::from_parameter(format!("{mib}MiB")), &input, |b, input| {
            b.iter(|| black_box(scan_text(input)).len());
        });
    }
    group.finish();
}

fn docx_20mb(c: &mut Criterion) {
    // About 20 MB compressed: random prose compresses roughly 4:1 with its markup.
    let mut size = 48 * MIB;
    let mut file = docx(&prose(size));
    while file.len() < 20_000_000 {
        size += size / 4;
        file = docx(&prose(size));
    }
    let mut group = c.benchmark_group("scan_docx");
    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Bytes(file.len() as u64));
    group.bench_function(BenchmarkId::from_parameter(format!("{}MB", file.len() / 1_000_000)), |b| {
        b.iter(|| black_box(scan_bytes(&file, MediaType::Docx).expect("a valid docx")).len());
    });
    group.finish();
}

criterion_group!(benches, text, docx_20mb);
criterion_main!(benches);
