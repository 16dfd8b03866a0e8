//! The converters of compound types, the `DllImport` declarations of the
//! native library, and the checks made when it is first used.

use anyhow::Result;
use uniffi_bindgen::interface::FfiFunction;

use super::Renderer;
use crate::csharp::code::Code;
use crate::csharp::names;

impl Renderer<'_> {
    pub(super) fn compound_converters(&self) -> Result<String> {
        let mut code = Code::new();
        code.summary("Converters of optionals, sequences, sets and maps (inner types first).");
        code.open("internal static class UniffiConverters");
        for (name, cs, init) in self.types.compound_converters()? {
            code.line(format!("internal static readonly UniffiConverter<{cs}> {name} = {init};"));
        }
        code.close();
        Ok(code.finish())
    }

    pub(super) fn ffi_decl(&self, f: &FfiFunction) -> Result<String> {
        let mut params = Vec::new();
        for a in f.arguments() {
            params.push(format!("{} {}", self.types.ffi(&a.type_())?, names::camel(a.name())));
        }
        if f.has_rust_call_status_arg() {
            params.push("ref UniffiRustCallStatus uniffiStatus".into());
        }
        let ret = match f.return_type() {
            Some(t) => self.types.ffi(t)?,
            None => "void".into(),
        };
        Ok(format!("internal static extern {ret} {}({});", f.name(), params.join(", ")))
    }

    pub(super) fn native(&self) -> Result<String> {
        let ns = self.ci.namespace();
        let mut code = Code::new();
        code.summary(&format!("The functions of the native library <c>{}</c>.", self.config.cdylib_name));
        code.open("internal static class UniffiNative");
        code.line(format!("internal const string LibraryName = {};", names::string_literal(&self.config.cdylib_name)));
        let attr = |entry: Option<&str>| match entry {
            Some(e) => {
                format!("[DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl, EntryPoint = \"{e}\")]")
            }
            None => "[DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]".to_owned(),
        };
        code.blank();
        code.line(attr(Some(&format!("ffi_{ns}_uniffi_contract_version"))));
        code.line("internal static extern uint ContractVersion();");
        code.blank();
        code.line(attr(Some(&format!("ffi_{ns}_rustbuffer_alloc"))));
        code.line(
            "internal static extern UniffiRustBuffer RustBufferAlloc(ulong size, ref UniffiRustCallStatus status);",
        );
        code.blank();
        code.line(attr(Some(&format!("ffi_{ns}_rustbuffer_free"))));
        code.line(
            "internal static extern void RustBufferFree(UniffiRustBuffer buffer, ref UniffiRustCallStatus status);",
        );
        let mut functions: Vec<FfiFunction> = self.ci.iter_user_ffi_function_definitions().cloned().collect();
        functions.extend(self.ci.iter_checksum_ffi_functions());
        functions.sort_by(|a, b| a.name().cmp(b.name()));
        for f in &functions {
            code.blank();
            code.line(attr(None));
            code.line(self.ffi_decl(f)?);
        }
        code.close();
        code.blank();

        // Load-time checks.
        let lib = &self.config.cdylib_name;
        code.summary("Checks, once, that the native library is the one these bindings were generated from.");
        code.open("internal static class UniffiLib");
        code.line(format!("internal const uint ContractVersion = {};", self.ci.uniffi_contract_version()));
        code.line("private static readonly object ReadyLock = new object();");
        code.line("private static volatile bool ready;");
        code.blank();
        code.open("internal static void EnsureReady()");
        code.open("if (!ready)");
        code.line("Initialize();");
        code.close();
        code.close();
        code.blank();
        code.open("private static void Initialize()");
        code.open("lock (ReadyLock)");
        code.open("if (ready)");
        code.line("return;");
        code.close();
        code.line("uint version;");
        code.open("try");
        code.line("version = UniffiNative.ContractVersion();");
        code.close();
        code.open("catch (DllNotFoundException e)");
        code.line(format!(
            "throw new DllNotFoundException({}, e);",
            names::string_literal(&format!(
                "the native library {lib} (lib{lib}.so, {lib}.dll or lib{lib}.dylib) was not found: \
                 put it next to the application, in runtimes/<rid>/native/ of the package, or on the library path"
            ))
        ));
        code.close();
        code.open("catch (EntryPointNotFoundException e)");
        code.line(format!(
            "throw new InternalException({} + e.Message);",
            names::string_literal(&format!("the native library {lib} is not a uniffi library of namespace {ns}: "))
        ));
        code.close();
        code.open("if (version != ContractVersion)");
        code.line(format!(
            "throw new InternalException({} + version + \", these bindings version \" + ContractVersion + {});",
            names::string_literal(&format!("the native library {lib} uses uniffi contract version ")),
            names::string_literal(": regenerate them from the library you ship (kluis-bindgen csharp)")
        ));
        code.close();
        let mut checksums: Vec<(String, u16)> = self.ci.iter_checksums().collect();
        checksums.sort();
        for (symbol, value) in &checksums {
            let item = symbol.strip_prefix(&format!("uniffi_{ns}_checksum_")).unwrap_or(symbol);
            code.line(format!("CheckChecksum(\"{item}\", UniffiNative.{symbol}, {value});"));
        }
        let mut registrations: Vec<String> = self
            .ci
            .object_definitions()
            .iter()
            .filter(|o| o.has_callback_interface())
            .map(|o| o.name().to_owned())
            .chain(self.ci.callback_interface_definitions().iter().map(|c| c.name().to_owned()))
            .collect();
        registrations.sort();
        for name in registrations {
            code.line(format!("UniffiCallbackInterface{}.Register();", names::pascal(&name)));
        }
        code.line("ready = true;");
        code.close();
        code.close();
        code.blank();
        code.open("private static void CheckChecksum(string item, Func<ushort> checksum, ushort expected)");
        code.line("ushort actual;");
        code.open("try");
        code.line("actual = checksum();");
        code.close();
        code.open("catch (EntryPointNotFoundException)");
        code.line(format!(
            "throw new InternalException({} + item + {});",
            names::string_literal(&format!("the native library {lib} does not match these bindings: it lacks ")),
            names::string_literal(
                ". Use the library these bindings were generated from, or regenerate them (kluis-bindgen csharp)."
            )
        ));
        code.close();
        code.open("if (actual != expected)");
        code.line(format!(
            "throw new InternalException({} + item + \" is \" + actual + \" in the library but \" + expected + {});",
            names::string_literal(&format!("the native library {lib} does not match these bindings: the API checksum of ")),
            names::string_literal(
                " in the bindings. Use the library these bindings were generated from, or regenerate them (kluis-bindgen csharp)."
            )
        ));
        code.close();
        code.close();
        code.close();
        Ok(code.finish())
    }
}
