//! Callback interfaces, and the vtable through which Rust calls C#
//! implementations of a trait or callback interface.

use anyhow::{Result, bail};
use uniffi_bindgen::interface::{AsType, CallbackInterface, FfiFunction, FfiType, Method};

use super::Renderer;
use crate::csharp::code::Code;
use crate::csharp::names;
use crate::csharp::types::Named;

impl Renderer<'_> {
    pub(super) fn callback_interface(&self, c: &CallbackInterface) -> Result<String> {
        let t = c.as_type();
        let iface = self.types.decl_name(&t)?;
        let methods = c.methods();
        let mut code = Code::new();
        self.interface_decl(&mut code, &iface, c.docstring(), c.name(), &methods)?;
        code.blank();
        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{iface}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        code.line(format!(
            "internal static readonly UniffiHandleMap<{iface}> HandleMap = new UniffiHandleMap<{iface}>();"
        ));
        code.blank();
        code.open(format!("internal {iface} Lift(ulong handle)"));
        code.line("return HandleMap.Get(handle);");
        code.close();
        code.blank();
        code.open(format!("internal ulong Lower({iface} value)"));
        code.line(format!("UniffiCheck.NotNull(value, \"an {iface}\");"));
        code.line("return HandleMap.Insert(value);");
        code.close();
        self.handle_read_write(&mut code, &iface);
        code.close();
        code.blank();
        self.vtable(&mut code, c.name(), &iface, &converter, c.ffi_init_callback(), &methods)?;
        Ok(code.finish())
    }

    /// The vtable through which Rust calls C# implementations of a trait.
    pub(super) fn vtable(
        &self,
        code: &mut Code,
        rust: &str,
        iface: &str,
        converter: &str,
        init: &FfiFunction,
        methods: &[&Method],
    ) -> Result<()> {
        let class = format!("UniffiCallbackInterface{}", names::pascal(rust));
        code.summary(&format!("The vtable through which Rust calls C# implementations of <see cref=\"{iface}\"/>."));
        code.open(format!("internal static class {class}"));
        for (i, m) in methods.iter().enumerate() {
            let mut params = vec!["ulong uniffiHandle".to_owned()];
            for a in m.arguments() {
                let ffi: FfiType = (&a.as_type()).into();
                params.push(format!("{} {}", self.types.ffi(&ffi)?, names::camel(a.name())));
            }
            params.push(match m.return_type() {
                Some(t) => {
                    let ffi: FfiType = t.into();
                    format!("ref {} uniffiOutReturn", self.types.ffi(&ffi)?)
                }
                None => "IntPtr uniffiOutReturn".to_owned(),
            });
            params.push("ref UniffiRustCallStatus uniffiCallStatus".to_owned());
            code.line(format!("// {}", m.name()));
            code.line("[UnmanagedFunctionPointer(CallingConvention.Cdecl)]");
            code.line(format!("private delegate void Method{i}({});", params.join(", ")));
            code.blank();
        }
        code.line("private static readonly UniffiCallbackInterfaceFree FreeFunction = FreeHandle;");
        code.line("private static readonly UniffiCallbackInterfaceClone CloneFunction = CloneHandle;");
        for i in 0..methods.len() {
            code.line(format!("private static readonly Method{i} Method{i}Function = Invoke{i};"));
        }
        code.line("private static IntPtr vtable;");
        code.blank();
        code.summary("Gives Rust the vtable (once, when the library is first used).");
        code.open("internal static void Register()");
        code.open("if (vtable != IntPtr.Zero)");
        code.line("return;");
        code.close();
        code.line(format!("IntPtr table = UniffiVTable.Allocate({});", methods.len() + 2));
        code.line("UniffiVTable.Set(table, 0, Marshal.GetFunctionPointerForDelegate<UniffiCallbackInterfaceFree>(FreeFunction));");
        code.line("UniffiVTable.Set(table, 1, Marshal.GetFunctionPointerForDelegate<UniffiCallbackInterfaceClone>(CloneFunction));");
        for i in 0..methods.len() {
            code.line(format!(
                "UniffiVTable.Set(table, {}, Marshal.GetFunctionPointerForDelegate<Method{i}>(Method{i}Function));",
                i + 2
            ));
        }
        code.line(format!("UniffiNative.{}(table);", init.name()));
        code.line("vtable = table;");
        code.close();
        code.blank();
        code.line("[MonoPInvokeCallback(typeof(UniffiCallbackInterfaceFree))]");
        code.open("private static void FreeHandle(ulong handle)");
        code.open("try");
        code.line(format!("{converter}.HandleMap.Remove(handle);"));
        code.close();
        code.open("catch (Exception)");
        code.line("// Nothing to free: Rust must not be disturbed by it.");
        code.close();
        code.close();
        code.blank();
        code.line("[MonoPInvokeCallback(typeof(UniffiCallbackInterfaceClone))]");
        code.open("private static ulong CloneHandle(ulong handle)");
        code.open("try");
        code.line(format!("return {converter}.HandleMap.Clone(handle);"));
        code.close();
        code.open("catch (Exception)");
        code.line("return 0;");
        code.close();
        code.close();
        for (i, m) in methods.iter().enumerate() {
            code.blank();
            let mut params = vec!["ulong uniffiHandle".to_owned()];
            for a in m.arguments() {
                let ffi: FfiType = (&a.as_type()).into();
                params.push(format!("{} {}", self.types.ffi(&ffi)?, names::camel(a.name())));
            }
            params.push(match m.return_type() {
                Some(t) => {
                    let ffi: FfiType = t.into();
                    format!("ref {} uniffiOutReturn", self.types.ffi(&ffi)?)
                }
                None => "IntPtr uniffiOutReturn".to_owned(),
            });
            params.push("ref UniffiRustCallStatus uniffiCallStatus".to_owned());
            code.line(format!("// {}", m.name()));
            code.line(format!("[MonoPInvokeCallback(typeof(Method{i}))]"));
            code.open(format!("private static void Invoke{i}({})", params.join(", ")));
            code.open("try");
            let mut call_args = Vec::new();
            for (j, a) in m.arguments().iter().enumerate() {
                let lifted = self.types.lift(&a.as_type(), &names::camel(a.name()));
                code.line(format!("var uniffiArg{j} = {lifted};"));
                call_args.push(format!("uniffiArg{j}"));
            }
            code.line(format!("{iface} uniffiObject = {converter}.HandleMap.Get(uniffiHandle);"));
            let invoke = format!("uniffiObject.{}({})", names::pascal(m.name()), call_args.join(", "));
            match m.return_type() {
                Some(t) => {
                    code.line(format!("var uniffiResult = {invoke};"));
                    code.line(format!("uniffiOutReturn = {};", self.types.lower(t, "uniffiResult")));
                }
                None => {
                    code.line(format!("{invoke};"));
                }
            }
            code.close();
            if let Some(err) = m.throws_type() {
                if self.types.named(err) != Some(Named::Error) {
                    bail!("{rust}.{}: throws {err:?}, which is not an error enum", m.name());
                }
                code.open(format!("catch ({} uniffiError)", self.types.cs(err)?));
                code.open("try");
                code.line(format!(
                    "uniffiCallStatus.ErrorBuf = {}.LowerIntoRustBuffer(uniffiError);",
                    self.types.converter(err)
                ));
                code.line("uniffiCallStatus.Code = UniffiCall.Error;");
                code.close();
                code.open("catch (Exception uniffiInner)");
                code.line("UniffiCall.SetUnexpected(ref uniffiCallStatus, uniffiInner);");
                code.close();
                code.close();
            }
            code.open("catch (Exception uniffiError)");
            code.line("UniffiCall.SetUnexpected(ref uniffiCallStatus, uniffiError);");
            code.close();
            code.close();
        }
        code.close();
        Ok(())
    }
}
