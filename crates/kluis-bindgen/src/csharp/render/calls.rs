//! Parameter lists, the body of a call into Rust, and the static class of
//! the free functions.

use anyhow::{Result, bail};
use uniffi_bindgen::interface::{Function, Type};

use super::{Call, Param, Params, Renderer, Returns};
use crate::csharp::code::Code;
use crate::csharp::names;
use crate::csharp::types::Named;

impl Renderer<'_> {
    pub(super) fn params(&self, args: &[Param], hidden: &[String]) -> Result<Params> {
        // C# optional parameters must come last: a default before a required
        // parameter is dropped.
        let first_optional = args.iter().rposition(|a| a.default.is_none()).map_or(0, |i| i + 1);
        let mut list = Vec::new();
        let mut prelude = Vec::new();
        for (i, a) in args.iter().enumerate() {
            let t = &a.ty;
            let name = &a.name;
            let cs = self.types.cs_scoped(t, hidden)?;
            let mut nullable_default = false;
            match a.default.as_ref().filter(|_| i >= first_optional) {
                Some(dv) => {
                    let d = self.types.default_arg(t, dv, name, hidden)?;
                    list.push(format!("{cs} {name} = {}", d.constant));
                    if let Some(fill) = d.fill {
                        prelude.push(fill);
                        nullable_default = true;
                    }
                }
                None => list.push(format!("{cs} {name}")),
            }
            if !nullable_default && !self.types.is_value_type(t) && !matches!(t, Type::Optional { .. }) {
                prelude.push(format!("if ({name} == null) throw new ArgumentNullException(nameof({name}));"));
            }
        }
        // Checks first, then defaults, in parameter order.
        prelude.sort_by_key(|s| !s.starts_with("if (") || !s.contains("ArgumentNullException"));
        Ok(Params { list: list.join(", "), prelude })
    }

    pub(super) fn error_lifter(&self, throws: Option<&Type>) -> Result<String> {
        Ok(match throws {
            Some(t) => {
                if self.types.named(t) != Some(Named::Error) {
                    bail!("{t:?} is thrown but is not an error enum: only enums can be errors in the C# bindings");
                }
                format!("UniffiConverter{}.LiftException", self.types.canonical(t))
            }
            None => "null".into(),
        })
    }

    /// The statements of a call into Rust.
    pub(super) fn call_body(
        &self,
        code: &mut Code,
        call: &Call<'_>,
        returns: Returns<'_>,
        ensure_ready: bool,
    ) -> Result<()> {
        if ensure_ready {
            code.line("UniffiLib.EnsureReady();");
        }
        let mut ffi_args = Vec::new();
        for (i, a) in call.args.iter().enumerate() {
            let name = &a.name;
            if a.borrowed_bytes {
                bail!("borrowed byte slices (&[u8]) are not supported by the C# generator; take Vec<u8>");
            }
            let lowered = self.types.lower(&a.ty, name);
            if lowered == *name {
                ffi_args.push(name.clone());
            } else {
                code.line(format!("var uniffiArg{i} = {lowered};"));
                ffi_args.push(format!("uniffiArg{i}"));
            }
        }
        if call.method {
            ffi_args.insert(0, "UniffiCloneHandle()".into());
        }
        ffi_args.push("ref uniffiStatus".into());
        code.line("var uniffiStatus = new UniffiRustCallStatus();");
        let invoke = format!("UniffiNative.{}({})", call.ffi.name(), ffi_args.join(", "));
        let has_result = call.ffi.return_type().is_some();
        if has_result {
            code.line(format!("var uniffiResult = {invoke};"));
        } else {
            code.line(format!("{invoke};"));
        }
        code.line(format!("UniffiCall.Check(ref uniffiStatus, {});", self.error_lifter(call.throws.as_ref())?));
        match (returns, &call.ret) {
            (Returns::Lift, Some(t)) => {
                code.line(format!("return {};", self.types.lift(t, "uniffiResult")));
            }
            (Returns::Raw, _) => {
                code.line("return uniffiResult;");
            }
            (Returns::Wrap(class), _) => {
                code.line(format!("return new {class}(UniffiHandleMarker.Instance, uniffiResult);"));
            }
            (Returns::Lift, None) => {}
        }
        Ok(())
    }

    pub(super) fn return_type(&self, ret: Option<&Type>) -> Result<String> {
        match ret {
            Some(t) => self.types.cs(t),
            None => Ok("void".into()),
        }
    }

    pub(super) fn functions(&self) -> Result<String> {
        let mut code = Code::new();
        code.summary(&format!("The functions of the Rust library <c>{}</c>.", self.ci.namespace()));
        code.open(format!("public static class {}", self.config.methods_class));
        let mut functions: Vec<&Function> = self.ci.function_definitions().iter().collect();
        functions.sort_by_key(|f| f.name());
        for (i, f) in functions.into_iter().enumerate() {
            if i > 0 {
                code.blank();
            }
            self.doc_or(&mut code, f.docstring(), &format!("Calls <c>{}</c>.", f.name()));
            let params = self.params(&Param::from_arguments(f.arguments()), &[])?;
            code.open(format!(
                "public static {} {}({})",
                self.return_type(f.return_type())?,
                names::pascal(f.name()),
                params.list
            ));
            for line in &params.prelude {
                code.line(line);
            }
            self.call_body(&mut code, &Call::function(f), Returns::Lift, true)?;
            code.close();
        }
        code.close();
        Ok(code.finish())
    }
}
