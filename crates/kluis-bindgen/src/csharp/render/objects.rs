//! Objects and traits: the `IDisposable` class around a Rust handle, the
//! interface of a trait, and their converters.

use anyhow::{Result, bail};
use uniffi_bindgen::interface::{AsType, Method, Object};

use super::{Call, OBJECT_MEMBERS, Param, Renderer, Returns};
use crate::csharp::code::Code;
use crate::csharp::names;

impl Renderer<'_> {
    pub(super) fn method_names(&self, class: &str, o: &Object) -> Result<()> {
        let mut seen: Vec<String> = vec!["Dispose".into()];
        for m in o.methods() {
            let name = names::pascal(m.name());
            if name == class || OBJECT_MEMBERS.contains(&name.as_str()) || seen.contains(&name) {
                bail!("{class}: the method {} would clash with another member ({name}) of the C# class", m.name());
            }
            seen.push(name);
        }
        for c in o.alternate_constructors() {
            let name = names::pascal(c.name());
            if name == class || OBJECT_MEMBERS.contains(&name.as_str()) || seen.contains(&name) {
                bail!("{class}: the constructor {} would clash with another member ({name}) of the C# class", c.name());
            }
            seen.push(name);
        }
        Ok(())
    }

    /// The class of a Rust object (`Struct`), or of Rust implementations of a trait.
    pub(super) fn object_class(
        &self,
        code: &mut Code,
        o: &Object,
        class: &str,
        implements: &[String],
        trait_class: bool,
    ) -> Result<()> {
        self.method_names(class, o)?;
        let converter = format!("UniffiConverter{}", self.types.canonical(&o.as_type()));
        let ops = format!("{converter}.Ops");
        if trait_class {
            code.summary(&format!(
                "An <see cref=\"{}\"/> implemented in Rust, as the library returns it. Dispose it when done.",
                names::interface(o.name())
            ));
        } else {
            self.doc_or(code, o.docstring(), &format!("The Rust object <c>{}</c>. Dispose it when done.", o.name()));
        }
        let mut bases = vec!["IDisposable".to_owned()];
        bases.extend(implements.iter().cloned());
        code.open(format!("public sealed class {class} : {}", bases.join(", ")));
        code.line("private readonly UniffiObjectHandle uniffiHandle;");
        code.blank();
        code.open(format!("internal {class}(UniffiHandleMarker marker, ulong handle)"));
        code.line(format!("uniffiHandle = new UniffiObjectHandle(handle, {ops});"));
        code.close();

        if let Some(cons) = o.primary_constructor() {
            code.blank();
            let args = Param::from_arguments(cons.arguments());
            let params = self.params(&args, &[])?;
            let arg_names: Vec<String> = args.iter().map(|a| a.name.clone()).collect();
            self.doc_or(code, cons.docstring(), &format!("A new <c>{class}</c>."));
            code.line(format!("public {class}({})", params.list));
            code.line(format!("    : this(UniffiHandleMarker.Instance, UniffiNew({}))", arg_names.join(", ")));
            code.line("{");
            code.line("}");
            code.blank();
            let raw_params: Vec<String> =
                args.iter().map(|a| Ok(format!("{} {}", self.types.cs(&a.ty)?, a.name))).collect::<Result<_>>()?;
            code.open(format!("private static ulong UniffiNew({})", raw_params.join(", ")));
            for line in &params.prelude {
                code.line(line);
            }
            self.call_body(code, &Call::constructor(cons), Returns::Raw, true)?;
            code.close();
        }

        for cons in o.alternate_constructors() {
            code.blank();
            let params = self.params(&Param::from_arguments(cons.arguments()), &[])?;
            self.doc_or(
                code,
                cons.docstring(),
                &format!("A new <c>{class}</c> (the Rust constructor <c>{}</c>).", cons.name()),
            );
            code.open(format!("public static {class} {}({})", names::pascal(cons.name()), params.list));
            for line in &params.prelude {
                code.line(line);
            }
            self.call_body(code, &Call::constructor(cons), Returns::Wrap(class), true)?;
            code.close();
        }

        code.blank();
        code.line("/// <summary>");
        code.line("/// Frees the Rust object now rather than when it is garbage-collected.");
        code.line("/// Calling it again does nothing; any other call afterwards throws");
        code.line("/// <see cref=\"ObjectDisposedException\"/>.");
        code.line("/// </summary>");
        code.open("public void Dispose()");
        code.line("uniffiHandle.Dispose();");
        code.close();
        code.blank();
        code.open("internal ulong UniffiCloneHandle()");
        code.line("return uniffiHandle.CloneHandle();");
        code.close();

        let mut methods = o.methods();
        methods.sort_by_key(|m| m.name().to_owned());
        for m in methods {
            code.blank();
            let params = self.params(&Param::from_arguments(m.arguments()), &[])?;
            let fallback = if implements.is_empty() { format!("Calls <c>{}</c>.", m.name()) } else { String::new() };
            if m.docstring().is_some_and(|d| !d.trim().is_empty()) || !fallback.is_empty() {
                self.doc_or(code, m.docstring(), &fallback);
            } else {
                code.line("/// <inheritdoc/>");
            }
            code.open(format!(
                "public {} {}({})",
                self.return_type(m.return_type())?,
                names::pascal(m.name()),
                params.list
            ));
            for line in &params.prelude {
                code.line(line);
            }
            self.call_body(code, &Call::method(m), Returns::Lift, false)?;
            code.close();
        }
        code.close();
        Ok(())
    }

    pub(super) fn handle_ops(&self, code: &mut Code, o: &Object, class: &str) {
        code.line(format!(
            "internal static readonly UniffiHandleOps Ops = new UniffiHandleOps(\"{class}\", CloneHandle, FreeHandle);"
        ));
        code.blank();
        code.open("private static ulong CloneHandle(ulong handle)");
        code.line("var status = new UniffiRustCallStatus();");
        code.line(format!("ulong clone = UniffiNative.{}(handle, ref status);", o.ffi_object_clone().name()));
        code.line("UniffiCall.Check(ref status, null);");
        code.line("return clone;");
        code.close();
        code.blank();
        code.open("private static void FreeHandle(ulong handle)");
        code.line("var status = new UniffiRustCallStatus();");
        code.line(format!("UniffiNative.{}(handle, ref status);", o.ffi_object_free().name()));
        code.line("UniffiCall.Check(ref status, null);");
        code.close();
    }

    pub(super) fn object(&self, o: &Object) -> Result<String> {
        let t = o.as_type();
        let class = self.types.decl_name(&t)?;
        let implements: Vec<String> =
            o.trait_impls().iter().map(|ti| self.types.decl_name(&ti.trait_ty)).collect::<Result<_>>()?;
        let mut code = Code::new();
        self.object_class(&mut code, o, &class, &implements, false)?;
        code.blank();
        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{class}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        self.handle_ops(&mut code, o, &class);
        code.blank();
        code.open(format!("internal {class} Lift(ulong handle)"));
        code.line(format!("return new {class}(UniffiHandleMarker.Instance, handle);"));
        code.close();
        code.blank();
        code.open(format!("internal ulong Lower({class} value)"));
        code.line(format!("UniffiCheck.NotNull(value, \"a {class}\");"));
        code.line("return value.UniffiCloneHandle();");
        code.close();
        self.handle_read_write(&mut code, &class);
        code.close();
        Ok(code.finish())
    }

    pub(super) fn handle_read_write(&self, code: &mut Code, cs: &str) {
        code.blank();
        code.open(format!("internal override {cs} Read(UniffiReader reader)"));
        code.line("return Lift(reader.ReadUInt64());");
        code.close();
        code.blank();
        code.open(format!("internal override void Write({cs} value, UniffiWriter writer)"));
        code.line("writer.WriteUInt64(Lower(value));");
        code.close();
    }

    /// The interface of a trait (and of a callback interface).
    pub(super) fn interface_decl(
        &self,
        code: &mut Code,
        name: &str,
        doc: Option<&str>,
        rust: &str,
        methods: &[&Method],
    ) -> Result<()> {
        self.doc_or(code, doc, &format!("The Rust trait <c>{rust}</c>."));
        code.open(format!("public interface {name}"));
        for (i, m) in methods.iter().enumerate() {
            if i > 0 {
                code.blank();
            }
            let params: Vec<String> = m
                .arguments()
                .iter()
                .map(|a| Ok(format!("{} {}", self.types.cs(&a.as_type())?, names::camel(a.name()))))
                .collect::<Result<_>>()?;
            self.doc_or(code, m.docstring(), &format!("The trait method <c>{}</c>.", m.name()));
            code.line(format!(
                "{} {}({});",
                self.return_type(m.return_type())?,
                names::pascal(m.name()),
                params.join(", ")
            ));
        }
        code.close();
        Ok(())
    }

    pub(super) fn trait_interface(&self, o: &Object) -> Result<String> {
        let t = o.as_type();
        let iface = self.types.decl_name(&t)?;
        let mut code = Code::new();
        let methods = o.methods();
        self.interface_decl(&mut code, &iface, o.docstring(), o.name(), &methods)?;
        let class = names::pascal(o.name());
        if self.has_rust_class(o) {
            code.blank();
            self.object_class(&mut code, o, &class, std::slice::from_ref(&iface), true)?;
        }
        code.blank();
        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{iface}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        if self.has_foreign(o) {
            code.line(format!(
                "internal static readonly UniffiHandleMap<{iface}> HandleMap = new UniffiHandleMap<{iface}>();"
            ));
        }
        if self.has_rust_class(o) {
            self.handle_ops(&mut code, o, &class);
        }
        code.blank();
        code.open(format!("internal {iface} Lift(ulong handle)"));
        if self.has_foreign(o) {
            code.open("if ((handle & 1) == 1)");
            code.line("return HandleMap.Remove(handle);");
            code.close();
        }
        if self.has_rust_class(o) {
            code.line(format!("return new {class}(UniffiHandleMarker.Instance, handle);"));
        } else {
            code.line(format!(
                "throw new InternalException(\"Rust returned a Rust implementation of {iface}, which has none\");"
            ));
        }
        code.close();
        code.blank();
        code.open(format!("internal ulong Lower({iface} value)"));
        code.line(format!("UniffiCheck.NotNull(value, \"an {iface}\");"));
        if self.has_rust_class(o) {
            code.line(format!("var rust = value as {class};"));
            code.open("if (rust != null)");
            code.line("return rust.UniffiCloneHandle();");
            code.close();
        }
        if self.has_foreign(o) {
            code.line("return HandleMap.Insert(value);");
        } else {
            code.line(format!(
                "throw new ArgumentException(\"{iface} cannot be implemented in C#: pass an object the library returned\");"
            ));
        }
        code.close();
        self.handle_read_write(&mut code, &iface);
        code.close();
        if self.has_foreign(o) {
            code.blank();
            self.vtable(&mut code, o.name(), &iface, &converter, o.ffi_init_callback(), &methods)?;
        }
        Ok(code.finish())
    }
}
