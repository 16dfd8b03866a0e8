//! Runs every example program and checks what it printed.

#![allow(clippy::unwrap_used)]

use std::process::Command;

fn run(bin: &str, args: &[&str]) -> String {
    let out = Command::new(bin).args(args).output().expect("the example runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{bin} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[test]
fn seal_and_open() {
    let out = run(env!("CARGO_BIN_EXE_seal_and_open"), &[]);
    assert!(out.contains("recipient opened besluit.txt: Uw aanvraag is toegekend."), "{out}");
    assert!(out.contains("sender opened besluit.txt"), "{out}");
    assert!(out.contains("a wrong password is refused: wrong password or key"), "{out}");
}

#[test]
fn stream_large_file() {
    let out = run(env!("CARGO_BIN_EXE_stream_large_file"), &["5"]);
    assert!(out.contains("sealed 5 MiB") && out.contains("opened 5 MiB"), "{out}");
}

#[test]
fn random_access() {
    let out = run(env!("CARGO_BIN_EXE_random_access"), &[]);
    assert!(out.contains("40 bytes at"), "{out}");
}

#[test]
fn send_and_receive() {
    let out = run(env!("CARGO_BIN_EXE_send_and_receive"), &[]);
    assert!(out.contains("link for the mail: file:///"), "{out}");
    assert!(out.contains("saved ") && out.contains("besluit.txt") && out.contains("bijlage.csv"), "{out}");
}
