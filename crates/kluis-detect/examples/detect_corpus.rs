//! Writes the labelled corpus of tests/precision_recall.rs to a folder: the
//! documents, and `labels.json` with what each one holds.
//!
//! ```text
//! cargo run -p kluis-detect --example detect_corpus -- OUT_DIR [SEED] [COUNT]
//! ```
//!
//! The same seed writes the same corpus (the test uses seed 15 and 600
//! documents).

#[path = "../tests/corpus/mod.rs"]
mod corpus;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().ok_or("usage: detect_corpus OUT_DIR [SEED] [COUNT]")?);
    let seed: u64 = args.next().map_or(Ok(15), |s| s.parse())?;
    let count: usize = args.next().map_or(Ok(600), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let mut labels = Vec::new();
    for doc in corpus::generate(seed, count) {
        std::fs::write(out.join(&doc.name), &doc.bytes)?;
        labels.push(serde_json::json!({
            "file": doc.name,
            "numbers": doc.numbers.iter().map(|(k, v)| serde_json::json!({"kind": k, "value": v})).collect::<Vec<_>>(),
            "categories": doc.terms,
        }));
    }
    std::fs::write(out.join("labels.json"), serde_json::to_string_pretty(&labels)?)?;
    println!("{count} documents and labels.json written to {}", out.display());
    Ok(())
}
