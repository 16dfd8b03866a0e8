//! Every case of `docs/test-vectors/malformed/` through `kluis open`: exit
//! status 1, one line naming the refusal, and nothing left in the output
//! folder (no output file, no temporary file).

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

fn kit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/test-vectors/malformed")
}

#[test]
fn every_malformed_case_is_refused_with_exit_1_and_no_output() {
    let index: Value = serde_json::from_str(&std::fs::read_to_string(kit_dir().join("cases.json")).unwrap()).unwrap();
    let secrets = &index["secrets"];
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.hex");
    let wrong_key_file = dir.path().join("wrong-key.hex");
    std::fs::write(&key_file, secrets["key"].as_str().unwrap()).unwrap();
    std::fs::write(&wrong_key_file, secrets["wrong-key"].as_str().unwrap()).unwrap();
    let cases = index["cases"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let file = case["file"].as_str().unwrap();
        let out_dir = tempfile::tempdir().unwrap();
        let output = out_dir.path().join("out.bin");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kluis"));
        cmd.arg("open").arg(kit_dir().join(file)).arg("-o").arg(&output).arg("--quiet");
        match case["secret"].as_str().unwrap() {
            "key" => cmd.arg("--key-file").arg(&key_file),
            "wrong-key" => cmd.arg("--key-file").arg(&wrong_key_file),
            "password" => cmd.arg("--password-env").arg("KIT_PW").env("KIT_PW", secrets["password"].as_str().unwrap()),
            _ => cmd.arg("--password-env").arg("KIT_PW").env("KIT_PW", secrets["wrong-password"].as_str().unwrap()),
        };
        let started = Instant::now();
        let result = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(1), "{file}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{file}: one line expected, got {stderr}");
        assert!(stderr.starts_with("kluis: "), "{file}: {stderr}");
        let left: Vec<_> = std::fs::read_dir(out_dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{file}: left {left:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{file} took {:?}", started.elapsed());
    }
}
