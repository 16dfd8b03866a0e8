//! Golden files of the C# generator: the output for the constructs fixture
//! (one file per construct, and the whole file) and for kluis-ffi
//! (`bindings/csharp/Kluis.cs`) must equal what the generator makes now from
//! the freshly built libraries. Any change in the output, whether from the
//! generator or from a Rust signature or doc comment, fails here until the
//! golden files are regenerated on purpose:
//!
//! ```text
//! KLUIS_BLESS=1 cargo test -p kluis-bindgen --features cli --test golden
//! ```
//!
//! (`bindings/csharp/run-tests.sh --bless` does the same.) Each test builds
//! the library it reads with `cargo build -p <crate> --lib` first, unless
//! `$KLUIS_FFI_LIBRARY` / `$KLUIS_CONSTRUCTS_LIBRARY` name it (the test
//! command's shared build).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use camino::Utf8PathBuf;
use kluis_bindgen::csharp::{self, Bindings, Config};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root")
}

fn bless() -> bool {
    std::env::var("KLUIS_BLESS").is_ok_and(|v| v == "1")
}

/// The cdylib `name` of `package`: the file that `$KLUIS_FFI_LIBRARY` or
/// `$KLUIS_CONSTRUCTS_LIBRARY` names when set (the test command's shared
/// build, scripts/lib/artifacts.sh), else built here with
/// `cargo build -p <package> --lib` (debug).
fn build(package: &str, name: &str) -> Utf8PathBuf {
    let given = match package {
        "kluis-ffi" => std::env::var("KLUIS_FFI_LIBRARY").ok(),
        "kluis-bindgen-fixture-constructs" => std::env::var("KLUIS_CONSTRUCTS_LIBRARY").ok(),
        _ => None,
    };
    if let Some(path) = given.filter(|p| !p.is_empty()) {
        assert!(Path::new(&path).is_file(), "{path} (the library of {package}) does not exist: build it first");
        return Utf8PathBuf::from(path);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", package, "--lib"])
        .current_dir(workspace())
        .status()
        .expect("running cargo build");
    assert!(status.success(), "cargo build -p {package} failed");
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| workspace().join("target"));
    let file = format!("{}{name}{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    Utf8PathBuf::from_path_buf(target.join("debug").join(file)).expect("a UTF-8 target path")
}

fn generate(package: &str, name: &str, config: Config) -> Bindings {
    let library = build(package, name);
    let component = csharp::load(&library, None).expect("loading the component interface");
    csharp::generate(&component, config).expect("generating C#")
}

/// Compares `actual` with the file at `path` (or writes it when blessing);
/// returns a description of the difference.
fn compare(path: &Path, actual: &str) -> Option<String> {
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    if bless() {
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("creating the golden folder");
        std::fs::write(path, actual).expect("writing a golden file");
        return None;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{} differs from the generated C# from line {}:\n  golden:    {}\n  generated: {}",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end of file>"),
        actual.lines().nth(line).unwrap_or("<end of file>"),
    ))
}

fn assert_no_differences(differences: Vec<String>) {
    assert!(
        differences.is_empty(),
        "{}\n\nThe generated C# changed. If that is intended, regenerate the golden files:\n  \
         KLUIS_BLESS=1 cargo test -p kluis-bindgen --features cli --test golden\n\
         (or bindings/csharp/run-tests.sh --bless) and review the diff.",
        differences.join("\n")
    );
}

#[test]
fn constructs_fixture_matches_its_golden_files() {
    let bindings = generate("kluis-bindgen-fixture-constructs", "constructs", Config::default());
    let golden = workspace().join("crates/kluis-bindgen/fixtures/constructs/golden");
    let mut differences = Vec::new();
    differences.extend(compare(&golden.join("Constructs.cs"), &bindings.file()));
    let sections = golden.join("sections");
    let mut expected_files = BTreeSet::new();
    for section in &bindings.sections {
        let file = format!("{}.cs", section.id);
        differences.extend(compare(&sections.join(&file), &section.code));
        expected_files.insert(file);
    }
    for entry in std::fs::read_dir(&sections).expect("the golden sections folder") {
        let name = entry.expect("a folder entry").file_name().to_string_lossy().into_owned();
        if !expected_files.contains(&name) {
            if bless() {
                std::fs::remove_file(sections.join(&name)).expect("removing a stale golden file");
            } else {
                differences.push(format!("{} is no longer generated", sections.join(&name).display()));
            }
        }
    }
    assert_no_differences(differences);
}

#[test]
fn constructs_fixture_has_every_construct() {
    let bindings = generate("kluis-bindgen-fixture-constructs", "constructs", Config::default());
    let ids: BTreeSet<&str> = bindings.sections.iter().map(|s| s.id.as_str()).collect();
    for id in [
        "functions",
        "record_Primitives",
        "record_Point",
        "record_Collections",
        "enum_Color",
        "enum_Shape",
        "error_FixtureError",
        "error_FlatError",
        "object_Counter",
        "object_MemoryStore",
        "trait_Store",
        "trait_Listener",
        "callback_Logger",
        "converters",
        "native",
        "runtime",
    ] {
        assert!(ids.contains(id), "no section {id} in {ids:?}");
    }
    assert_eq!(bindings.namespace, "Constructs", "from [bindings.csharp] in the fixture's uniffi.toml");
    let file = bindings.file();
    for needle in [
        "public static class ConstructsMethods",
        "public sealed class Counter : IDisposable",
        "public static Counter Named(string name)",
        "public sealed class MemoryStore : IDisposable, IStore",
        "public interface IStore",
        "public sealed class Store : IDisposable, IStore",
        "public interface IListener",
        "public interface ILogger",
        "public abstract class FixtureException : Exception",
        "public sealed class Invalid : FixtureException",
        "public abstract class FlatException : Exception",
        "public enum Color",
        "public abstract class Shape",
        "public sealed class Label : Shape",
        "public string Value { get; private set; }",
        "public DateTimeOffset When { get; set; }",
        "public TimeSpan HowLong { get; set; }",
        "public DateTimeOffset? Deadline { get; set; }",
        "public HashSet<string> Tags { get; set; }",
        "public Dictionary<string, List<Shape>> Shapes { get; set; }",
        "public List<Point> Points { get; set; }",
        "uint count = 7, string text = \"seven\", string maybe = null, List<int> list = null, bool flag = true, double ratio = 1.5, long? some = 3",
        "[DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]",
        "internal const string LibraryName = \"constructs\";",
    ] {
        assert!(file.contains(needle), "the generated C# lacks `{needle}`");
    }
}

#[test]
fn kluis_bindings_are_current() {
    let root = workspace();
    let text = std::fs::read_to_string(root.join("bindings/csharp/uniffi-csharp.toml")).expect("uniffi-csharp.toml");
    let config = Config::from_toml(&toml::from_str(&text).expect("valid TOML")).expect("valid settings");
    let bindings = generate("kluis-ffi", "kluis_ffi", config);
    let file = bindings.file();
    // The names other programs rely on.
    for needle in [
        "namespace Kluis",
        "public static class KluisMethods",
        "public static byte[] SealBytes(",
        "public abstract class Secret",
        "public sealed class Password : Secret",
        "public sealed class Key : Secret",
        "public abstract class KluisException : Exception",
        "public sealed class Sealer : IDisposable",
        "public sealed class Opener : IDisposable",
        "public sealed class DirectoryTransport : IDisposable, ITransport",
        "public interface ITransport",
        "public byte[] Plaintext { get; set; }",
        "internal const string LibraryName = \"kluis_ffi\";",
    ] {
        assert!(file.contains(needle), "Kluis.cs lacks `{needle}`");
    }
    assert_no_differences(compare(&root.join("bindings/csharp/Kluis.cs"), &file).into_iter().collect());
}
