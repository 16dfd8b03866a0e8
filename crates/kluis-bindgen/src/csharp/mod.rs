//! # C# bindings from a compiled uniffi library
//!
//! [`load`] reads the component interface from the library's uniffi
//! metadata with the `uniffi_bindgen` of the exact uniffi version the runtime
//! uses (0.32.2, FFI contract version 30), and [`generate`] renders it as one
//! C# file:
//!
//! - C# 6 only (no records, tuples, pattern matching, nullable annotations,
//!   `Span`, file-scoped namespaces): it compiles with Mono's `mcs
//!   -langversion:6`, with Roslyn at any language version from 6 (so 7.3, the
//!   .NET Framework 4.8 default), for netstandard2.0, .NET Framework, .NET 8+
//!   and Unity;
//! - `DllImport` with the Cdecl convention on the library's `cdylib_name`;
//! - the library's contract version and API checksums checked before the
//!   first call, with a message that says what to do on a mismatch.
//!
//! | uniffi | C# |
//! |---|---|
//! | `u8` `i8` `u16` `i16` `u32` `i32` `u64` `i64` `f32` `f64` `bool` | `byte` `sbyte` `ushort` `short` `uint` `int` `ulong` `long` `float` `double` `bool` |
//! | `String`, `Vec<u8>` | `string`, `byte[]` |
//! | `SystemTime`, `Duration` | `DateTimeOffset` (UTC), `TimeSpan` |
//! | `Option<T>` | `T?` for value types, `T` (null) otherwise |
//! | `Vec<T>`, `HashMap<K, V>`, `HashSet<T>` | `List<T>`, `Dictionary<K, V>`, `HashSet<T>` |
//! | record | class with settable PascalCase properties, value equality |
//! | flat enum | `enum` |
//! | enum with data | abstract class, one nested sealed class per variant |
//! | error | abstract exception class, one nested sealed exception per variant |
//! | object | sealed `IDisposable` class (finalizer as a safety net); secondary constructors are static methods |
//! | trait (`#[uniffi::export(with_foreign)]`) | interface `ITrait`, plus a class `Trait` for Rust implementations |
//! | callback interface | interface `ITrait` |
//! | functions | static methods of one static class (`methods_class`) |
//!
//! Configuration: `[bindings.csharp]` in the crate's `uniffi.toml`, or in a
//! file given to the generator (which wins): `namespace` (default: the uniffi
//! namespace in PascalCase), `methods_class` (default: `<Namespace>Methods`),
//! `cdylib_name` (default: the library's file name without `lib` and
//! extension).

mod code;
mod names;
mod render;
mod types;

use anyhow::{Context, Result, bail};
use camino::Utf8Path;
use uniffi_bindgen::{BindgenLoader, BindgenPaths, ComponentInterface, GlobalConfig};

/// `[bindings.csharp]` settings; unset ones take their defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// The C# namespace of the generated code.
    pub namespace: Option<String>,
    /// The static class holding the free functions.
    pub methods_class: Option<String>,
    /// The native library's name for `DllImport` (`kluis_ffi` loads
    /// `libkluis_ffi.so`, `kluis_ffi.dll`, `libkluis_ffi.dylib`).
    pub cdylib_name: Option<String>,
}

impl Config {
    /// Reads the `[bindings.csharp]` table of a TOML document (uniffi.toml
    /// layout); other tables are ignored, unknown keys refused.
    pub fn from_toml(root: &toml::Value) -> Result<Config> {
        let mut config = Config::default();
        let Some(table) = root.get("bindings").and_then(|b| b.get("csharp")) else {
            return Ok(config);
        };
        let table = table.as_table().context("[bindings.csharp] is not a table")?;
        for (key, value) in table {
            let text = value.as_str().with_context(|| format!("[bindings.csharp] {key} is not a string"))?.to_owned();
            match key.as_str() {
                "namespace" => config.namespace = Some(text),
                "methods_class" => config.methods_class = Some(text),
                "cdylib_name" => config.cdylib_name = Some(text),
                other => bail!("[bindings.csharp]: unknown setting {other:?} (namespace, methods_class, cdylib_name)"),
            }
        }
        Ok(config)
    }

    /// These settings, with those of `other` where it has some.
    pub fn overridden_by(self, other: Config) -> Config {
        Config {
            namespace: other.namespace.or(self.namespace),
            methods_class: other.methods_class.or(self.methods_class),
            cdylib_name: other.cdylib_name.or(self.cdylib_name),
        }
    }
}

/// The settings with every default filled in.
pub(crate) struct ResolvedConfig {
    pub(crate) namespace: String,
    pub(crate) methods_class: String,
    pub(crate) cdylib_name: String,
}

/// One construct's part of the generated file (its golden-file unit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// `functions`, `record_Point`, `object_Sealer`, `trait_Store`,
    /// `callback_Logger`, `enum_Color`, `error_FixtureError`, `converters`,
    /// `native` or `runtime`.
    pub id: String,
    /// The C# code, not yet indented into the namespace.
    pub code: String,
}

impl Section {
    pub(crate) fn new(id: &str, code: String) -> Self {
        Section { id: id.to_owned(), code }
    }
}

/// The generated bindings of one component.
#[derive(Clone, Debug)]
pub struct Bindings {
    /// The C# namespace.
    pub namespace: String,
    /// The uniffi namespace (the Rust library's).
    pub uniffi_namespace: String,
    /// The sections, in file order.
    pub sections: Vec<Section>,
}

impl Bindings {
    /// The whole C# file.
    pub fn file(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "// <auto-generated>\n\
             // C# bindings of the Rust library `{}`, generated by kluis-bindgen from the\n\
             // compiled library with uniffi_bindgen 0.32.2 (FFI contract version 30).\n\
             // Do not edit: regenerate with `kluis-bindgen csharp`.\n\
             //\n\
             // C# 6: compiles with mcs -langversion:6 and with Roslyn from LangVersion 6\n\
             // up (netstandard2.0, .NET Framework 4.5+, .NET 8+, Mono, Unity).\n\
             // </auto-generated>\n\n",
            self.uniffi_namespace
        ));
        for using in [
            "System",
            "System.Collections.Generic",
            "System.Runtime.InteropServices",
            "System.Text",
            "System.Threading",
        ] {
            out.push_str(&format!("using {using};\n"));
        }
        out.push_str(&format!("\nnamespace {}\n{{\n", self.namespace));
        for (i, section) in self.sections.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for line in section.code.lines() {
                if !line.is_empty() {
                    out.push_str("    ");
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        out.push_str("}\n");
        out
    }
}

/// A component interface loaded from a library, with its configuration.
pub struct Component {
    /// The interface, with its FFI functions derived.
    pub ci: ComponentInterface,
    /// `[bindings.csharp]` of the crate's uniffi.toml.
    pub config: Config,
    /// The library's name (file name without `lib` and extension).
    pub library_name: String,
}

/// Loads the component of `crate_name` (or the library's only component)
/// from the uniffi metadata in the compiled `library`. The crate's
/// `uniffi.toml` is found through `cargo metadata` when the library was built
/// in a cargo workspace; elsewhere the configuration is empty.
pub fn load(library: &Utf8Path, crate_name: Option<&str>) -> Result<Component> {
    let mut paths = BindgenPaths::default();
    if let Err(e) = paths.add_cargo_metadata_layer(true) {
        eprintln!("note: no cargo metadata ({e}); uniffi.toml files are not read");
    }
    let loader = BindgenLoader::new(paths, GlobalConfig::default());
    let metadata = loader.load_metadata(library).with_context(|| format!("reading uniffi metadata from {library}"))?;
    let cis = loader.load_cis(metadata)?;
    let mut components = loader.load_components(cis, |_, toml| Config::from_toml(&toml))?;
    let library_name = loader.library_name(library).unwrap_or_default().to_owned();
    let index = match crate_name {
        Some(name) => components
            .iter()
            .position(|c| c.ci.crate_name() == name)
            .with_context(|| format!("{library} has no uniffi component for the crate {name}"))?,
        None if components.len() == 1 => 0,
        None => {
            let crates: Vec<&str> = components.iter().map(|c| c.ci.crate_name()).collect();
            bail!("{library} holds several uniffi components ({}): choose one with --crate", crates.join(", "))
        }
    };
    let mut component = components.swap_remove(index);
    component.ci.derive_ffi_funcs()?;
    Ok(Component { ci: component.ci, config: component.config, library_name })
}

/// Renders the bindings of `component` with its configuration overridden by `config`.
pub fn generate(component: &Component, config: Config) -> Result<Bindings> {
    let ci = &component.ci;
    let config = component.config.clone().overridden_by(config);
    let namespace = config.namespace.unwrap_or_else(|| names::pascal(ci.namespace()));
    let last = namespace.rsplit('.').next().unwrap_or(&namespace).to_owned();
    let resolved = ResolvedConfig {
        methods_class: config.methods_class.unwrap_or_else(|| format!("{last}Methods")),
        cdylib_name: config.cdylib_name.unwrap_or_else(|| {
            if component.library_name.is_empty() { ci.namespace().to_owned() } else { component.library_name.clone() }
        }),
        namespace,
    };
    let sections = render::Renderer::new(ci, &resolved).sections()?;
    Ok(Bindings { namespace: resolved.namespace, uniffi_namespace: ci.namespace().to_owned(), sections })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::from_toml(&toml::from_str(text).expect("valid TOML"))
    }

    #[test]
    fn config_reads_bindings_csharp_only() {
        let config = parse(
            "[bindings.kotlin]\npackage_name = \"x\"\n[bindings.csharp]\nnamespace = \"Kluis\"\nmethods_class = \"KluisMethods\"\n",
        )
        .expect("a valid config");
        assert_eq!(config.namespace.as_deref(), Some("Kluis"));
        assert_eq!(config.methods_class.as_deref(), Some("KluisMethods"));
        assert_eq!(config.cdylib_name, None);
        assert_eq!(parse("[bindings.python]\ncdylib_name = \"x\"\n").expect("no C# table"), Config::default());
    }

    #[test]
    fn config_refuses_unknown_keys_and_non_strings() {
        assert!(parse("[bindings.csharp]\nnamspace = \"typo\"\n").is_err());
        assert!(parse("[bindings.csharp]\nnamespace = 3\n").is_err());
    }

    #[test]
    fn a_config_file_overrides_the_crate_config() {
        let crate_config = Config { namespace: Some("A".into()), cdylib_name: Some("a".into()), ..Config::default() };
        let file = Config { namespace: Some("B".into()), ..Config::default() };
        let merged = crate_config.overridden_by(file);
        assert_eq!(merged.namespace.as_deref(), Some("B"));
        assert_eq!(merged.cdylib_name.as_deref(), Some("a"));
    }
}
