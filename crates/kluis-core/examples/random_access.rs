//! Random access through the seekable [`Opener`]: the time to read the last
//! 1 MiB of an envelope file against the time to open all of it.
//!
//! ```text
//! cargo run --release -p kluis-core --example random_access -- ENVELOPE KEY_FILE [RUNS]
//! ```
//!
//! `KEY_FILE` holds the raw key (32 bytes, or 64 hex characters) of a
//! raw-key slot, as `kluis seal --key-file` takes it. Each run opens the
//! file afresh (header, slot, MAC included), as a program would; the two
//! measurements alternate, `RUNS` times each (default 5). The last line is
//! `random_access whole_s=… tail_s=… ratio=…` (medians; the ratio is
//! tail/whole), for `benches/compare.sh`.

use std::error::Error;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::time::Instant;

use kluis_core::{Key, OpenLimits, Opener, Secret};

const MIB: usize = 1 << 20;

fn open(path: &str, secret: &Secret) -> Result<Opener<BufReader<File>>, Box<dyn Error>> {
    // The buffer the `kluis` CLI reads envelopes through.
    let reader = BufReader::with_capacity(MIB, File::open(path)?);
    Ok(Opener::new(reader, secret, &OpenLimits::default())?)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(envelope), Some(key_file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: random_access ENVELOPE KEY_FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(5).max(1);
    let secret = Secret::Key(Key::from_file_bytes(&std::fs::read(key_file)?)?);

    let mut whole = Vec::with_capacity(runs);
    let mut tail = Vec::with_capacity(runs);
    let mut plaintext_len = 0;
    let mut last = vec![0u8; MIB];
    for run in 1..=runs {
        let started = Instant::now();
        let mut opener = open(envelope, &secret)?;
        plaintext_len = opener.copy_to(&mut io::sink())?;
        whole.push(started.elapsed().as_secs_f64());

        let started = Instant::now();
        let mut opener = open(envelope, &secret)?;
        let want = MIB.min(usize::try_from(plaintext_len)?);
        opener.seek(SeekFrom::End(-(want as i64)))?;
        opener.read_exact(&mut last[..want])?;
        tail.push(started.elapsed().as_secs_f64());

        eprintln!("run {run}: whole {:.4} s, last 1 MiB {:.6} s", whole[run - 1], tail[run - 1]);
    }
    let (w, t) = (median(whole), median(tail));
    println!(
        "plaintext {plaintext_len} bytes: whole open {w:.4} s ({:.0} MB/s), last 1 MiB {t:.6} s",
        plaintext_len as f64 / w / 1e6
    );
    println!("random_access whole_s={w:.6} tail_s={t:.6} ratio={:.6}", t / w);
    Ok(())
}
