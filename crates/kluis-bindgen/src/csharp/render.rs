//! The C# source of each construct of a component interface.

use anyhow::{Context, Result, bail};
use uniffi_bindgen::ComponentInterface;
use uniffi_bindgen::interface::{
    Argument, AsType, CallbackInterface, Constructor, DefaultValue, Enum, FfiFunction, FfiType, Field, Function,
    Method, Object, ObjectImpl, Record, Type,
};

use super::code::Code;
use super::names;
use super::types::{Named, Types};
use super::{ResolvedConfig, Section};

/// Members every C# object has; a generated member of that name would clash.
const OBJECT_MEMBERS: &[&str] = &["Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize"];

/// Members of `System.Exception` that a variant class or property would hide.
const EXCEPTION_MEMBERS: &[&str] = &[
    "Message",
    "Data",
    "Source",
    "HResult",
    "StackTrace",
    "InnerException",
    "TargetSite",
    "HelpLink",
    "GetBaseException",
];

/// Type names the generated code uses unqualified (from `System` and the
/// runtime part of the bindings): a generated type of the same name would
/// break them.
const RESERVED_TYPES: &[&str] = &[
    "Action",
    "ArgumentException",
    "ArgumentNullException",
    "ArgumentOutOfRangeException",
    "Attribute",
    "AttributeTargets",
    "AttributeUsage",
    "BitConverter",
    "Buffer",
    "CallingConvention",
    "DateTime",
    "DateTimeKind",
    "DateTimeOffset",
    "Dictionary",
    "DllImport",
    "DllNotFoundException",
    "EntryPointNotFoundException",
    "Environment",
    "Exception",
    "Func",
    "GC",
    "GCHandle",
    "GCHandleType",
    "HashSet",
    "IDisposable",
    "IntPtr",
    "Interlocked",
    "InternalException",
    "KeyValuePair",
    "LayoutKind",
    "List",
    "Marshal",
    "Math",
    "MonoPInvokeCallbackAttribute",
    "ObjectDisposedException",
    "StructLayout",
    "System",
    "TimeSpan",
    "Type",
    "UnmanagedFunctionPointer",
    "UTF8Encoding",
];

pub(crate) struct Renderer<'a> {
    ci: &'a ComponentInterface,
    types: Types<'a>,
    config: &'a ResolvedConfig,
}

/// What a call's C# body does with the FFI result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Returns<'s> {
    /// The lifted value (or nothing).
    Lift,
    /// The raw FFI value (a constructor's new handle).
    Raw,
    /// A new object of this class around the returned handle.
    Wrap(&'s str),
}

/// A parameter of a function, method, constructor or record constructor.
#[derive(Clone)]
struct Param {
    /// The C# name (camelCase, escaped).
    name: String,
    ty: Type,
    default: Option<DefaultValue>,
    borrowed_bytes: bool,
}

impl Param {
    fn from_argument(a: &Argument) -> Self {
        Param {
            name: names::camel(a.name()),
            ty: a.as_type(),
            default: a.default_value().cloned(),
            borrowed_bytes: a.is_borrowed_bytes(),
        }
    }

    fn from_arguments(args: Vec<&Argument>) -> Vec<Self> {
        args.into_iter().map(Param::from_argument).collect()
    }

    /// Fields as constructor parameters (same type and default).
    fn from_fields(fields: &[Field]) -> Vec<Self> {
        fields
            .iter()
            .enumerate()
            .map(|(i, f)| Param {
                name: field_camel(f, i, fields.len()),
                ty: f.as_type(),
                default: f.default_value().cloned(),
                borrowed_bytes: false,
            })
            .collect()
    }
}

/// One call into Rust: a function, method or constructor.
struct Call<'c> {
    ffi: &'c FfiFunction,
    args: Vec<Param>,
    ret: Option<Type>,
    throws: Option<Type>,
    method: bool,
}

impl<'c> Call<'c> {
    fn function(f: &'c Function) -> Self {
        Call {
            ffi: f.ffi_func(),
            args: Param::from_arguments(f.arguments()),
            ret: f.return_type().cloned(),
            throws: f.throws_type().cloned(),
            method: false,
        }
    }

    fn method(m: &'c Method) -> Self {
        Call {
            ffi: m.ffi_func(),
            args: Param::from_arguments(m.arguments()),
            ret: m.return_type().cloned(),
            throws: m.throws_type().cloned(),
            method: true,
        }
    }

    fn constructor(c: &'c Constructor) -> Self {
        Call {
            ffi: c.ffi_func(),
            args: Param::from_arguments(c.arguments()),
            ret: None,
            throws: c.throws_type().cloned(),
            method: false,
        }
    }
}

/// A C# parameter list and the statements that check and complete it.
struct Params {
    list: String,
    prelude: Vec<String>,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(ci: &'a ComponentInterface, config: &'a ResolvedConfig) -> Self {
        Renderer { ci, types: Types::new(ci, &config.namespace), config }
    }

    /// Every section of the file, in order.
    pub(crate) fn sections(&self) -> Result<Vec<Section>> {
        self.check_supported()?;
        let mut out = Vec::new();
        if !self.ci.function_definitions().is_empty() {
            out.push(Section::new("functions", self.functions()?));
        }
        let mut objects: Vec<&Object> = self.ci.object_definitions().iter().collect();
        objects.sort_by_key(|o| o.name());
        for o in objects {
            let section = if o.is_trait_interface() { self.trait_interface(o) } else { self.object(o) };
            let kind = if o.is_trait_interface() { "trait" } else { "object" };
            out.push(Section::new(&format!("{kind}_{}", o.name()), section.with_context(|| o.name().to_owned())?));
        }
        let mut callbacks: Vec<&CallbackInterface> = self.ci.callback_interface_definitions().iter().collect();
        callbacks.sort_by_key(|c| c.name());
        for c in callbacks {
            out.push(Section::new(
                &format!("callback_{}", c.name()),
                self.callback_interface(c).with_context(|| c.name().to_owned())?,
            ));
        }
        let mut records: Vec<&Record> = self.ci.record_definitions().iter().collect();
        records.sort_by_key(|r| r.name());
        for r in records {
            out.push(Section::new(
                &format!("record_{}", r.name()),
                self.record(r).with_context(|| r.name().to_owned())?,
            ));
        }
        let mut enums: Vec<&Enum> = self.ci.enum_definitions().iter().collect();
        enums.sort_by_key(|e| e.name());
        for e in enums {
            let t = e.as_type();
            let (kind, code) = match self.types.named(&t) {
                Some(Named::Error) => ("error", self.error(e)),
                Some(Named::FlatEnum) => ("enum", self.flat_enum(e)),
                _ => ("enum", self.data_enum(e)),
            };
            out.push(Section::new(&format!("{kind}_{}", e.name()), code.with_context(|| e.name().to_owned())?));
        }
        out.push(Section::new("converters", self.compound_converters()?));
        out.push(Section::new("native", self.native()?));
        out.push(Section::new("runtime", include_str!("runtime.cs").to_owned()));
        Ok(out)
    }

    /// Refuses what this generator does not turn into C#, with the reason.
    fn check_supported(&self) -> Result<()> {
        let mut declared: Vec<(String, String)> = Vec::new();
        if self.ci.iter_callables().any(|c| c.is_async()) {
            bail!("async functions and methods are not supported by the C# generator");
        }
        if let Some(t) = self.ci.iter_external_types().next() {
            bail!("{t:?} comes from another crate: external types are not supported by the C# generator");
        }
        for r in self.ci.record_definitions() {
            if !r.methods().is_empty() || !r.constructors().is_empty() {
                bail!("record {}: methods and constructors of records are not supported by the C# generator", r.name());
            }
            declared.push((r.name().to_owned(), self.types.decl_name(&r.as_type())?));
        }
        for e in self.ci.enum_definitions() {
            if !e.methods().is_empty() || !e.constructors().is_empty() {
                bail!("enum {}: methods and constructors of enums are not supported by the C# generator", e.name());
            }
            declared.push((e.name().to_owned(), self.types.decl_name(&e.as_type())?));
        }
        for o in self.ci.object_definitions() {
            declared.push((o.name().to_owned(), self.types.decl_name(&o.as_type())?));
            if o.is_trait_interface() && self.has_rust_class(o) {
                declared.push((o.name().to_owned(), names::pascal(o.name())));
            }
        }
        for c in self.ci.callback_interface_definitions() {
            declared.push((c.name().to_owned(), names::interface(c.name())));
        }
        if !self.ci.function_definitions().is_empty() {
            declared.push(("functions".into(), self.config.methods_class.clone()));
        }
        for (i, (rust, cs)) in declared.iter().enumerate() {
            if RESERVED_TYPES.contains(&cs.as_str()) || cs.starts_with("Uniffi") {
                bail!("{rust} would be the C# type {cs}, a name the generated code reserves; rename it in Rust");
            }
            if let Some((other, _)) = declared[..i].iter().find(|(_, c)| c == cs) {
                bail!("{rust} and {other} would both be the C# type {cs}");
            }
        }
        Ok(())
    }

    fn has_rust_class(&self, o: &Object) -> bool {
        matches!(o.imp(), ObjectImpl::Trait(kind) if kind.has_rust())
    }

    fn has_foreign(&self, o: &Object) -> bool {
        o.has_callback_interface()
    }

    // ----------------------------------------------------------------------
    // Parameters and calls
    // ----------------------------------------------------------------------

    fn params(&self, args: &[Param], hidden: &[String]) -> Result<Params> {
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

    fn error_lifter(&self, throws: Option<&Type>) -> Result<String> {
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
    fn call_body(&self, code: &mut Code, call: &Call<'_>, returns: Returns<'_>, ensure_ready: bool) -> Result<()> {
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

    fn return_type(&self, ret: Option<&Type>) -> Result<String> {
        match ret {
            Some(t) => self.types.cs(t),
            None => Ok("void".into()),
        }
    }

    // ----------------------------------------------------------------------
    // Functions
    // ----------------------------------------------------------------------

    fn functions(&self) -> Result<String> {
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

    fn doc_or(&self, code: &mut Code, doc: Option<&str>, fallback: &str) {
        if doc.is_some_and(|d| !d.trim().is_empty()) {
            code.doc(doc);
        } else {
            code.summary(fallback);
        }
    }

    // ----------------------------------------------------------------------
    // Records
    // ----------------------------------------------------------------------

    /// The property names of fields, in order: PascalCase, except that a
    /// field named like its class becomes `Value`.
    fn property_names(&self, owner: &str, fields: &[Field], extra_reserved: &[&str]) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let plain: Vec<String> = fields.iter().enumerate().map(|(i, f)| field_pascal(f, i, fields.len())).collect();
        for (i, name) in plain.iter().enumerate() {
            let name = if name == owner {
                if plain.iter().any(|n| n == "Value") { format!("{name}Value") } else { "Value".to_owned() }
            } else {
                name.clone()
            };
            if OBJECT_MEMBERS.contains(&name.as_str()) || extra_reserved.contains(&name.as_str()) {
                bail!("{owner}: a field named {name} would clash with a member every C# object has");
            }
            if out.contains(&name) {
                bail!("{owner}: two fields would both be the C# property {name}");
            }
            let _ = i;
            out.push(name);
        }
        Ok(out)
    }

    fn record(&self, r: &Record) -> Result<String> {
        let t = r.as_type();
        let class = self.types.decl_name(&t)?;
        let fields = r.fields();
        let props = self.property_names(&class, fields, &[])?;
        let mut code = Code::new();
        self.doc_or(&mut code, r.docstring(), &format!("The record <c>{}</c>.", r.name()));
        code.open(format!("public class {class}"));

        let args = Param::from_fields(fields);
        let params = self.params(&args, &[])?;
        code.summary(&format!(
            "A <c>{class}</c> with the given fields{}.",
            if fields.iter().any(|f| f.default_value().is_some()) {
                "; those left out take their Rust defaults"
            } else {
                ""
            }
        ));
        code.open(format!("public {class}({})", params.list));
        for line in params.prelude.iter().filter(|l| !l.contains("ArgumentNullException")) {
            code.line(line);
        }
        for (a, p) in args.iter().zip(&props) {
            code.line(format!("{p} = {};", a.name));
        }
        code.close();

        for (f, p) in fields.iter().zip(&props) {
            code.blank();
            self.doc_or(&mut code, f.docstring(), &format!("The field <c>{}</c>.", f.name()));
            code.line(format!("public {} {p} {{ get; set; }}", self.types.cs(&f.as_type())?));
        }
        code.blank();
        self.equality(&mut code, &class, &props, 17)?;
        code.close();
        code.blank();

        // Converter
        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{class}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        code.blank();
        code.open(format!("internal override {class} Read(UniffiReader reader)"));
        if fields.is_empty() {
            code.line(format!("return new {class}();"));
        } else {
            code.line(format!("return new {class}("));
            for (i, f) in fields.iter().enumerate() {
                let sep = if i + 1 == fields.len() { ");" } else { "," };
                code.line(format!("    {}.Read(reader){sep}", self.types.converter(&f.as_type())));
            }
        }
        code.close();
        code.blank();
        code.open(format!("internal override void Write({class} value, UniffiWriter writer)"));
        code.line(format!("UniffiCheck.NotNull(value, \"a {class}\");"));
        for (f, p) in fields.iter().zip(&props) {
            code.line(format!("{}.Write(value.{p}, writer);", self.types.converter(&f.as_type())));
        }
        code.close();
        code.close();
        Ok(code.finish())
    }

    /// `Equals` and `GetHashCode` over the given properties.
    fn equality(&self, code: &mut Code, class: &str, props: &[String], seed: usize) -> Result<()> {
        code.summary(&format!("Whether <paramref name=\"obj\"/> is a <c>{class}</c> with equal values (arrays and collections compared by content)."));
        code.open("public override bool Equals(object obj)");
        code.line(format!("var other = obj as {class};"));
        if props.is_empty() {
            code.line("return other != null;");
        } else {
            code.line("return other != null");
            for (i, p) in props.iter().enumerate() {
                let end = if i + 1 == props.len() { ";" } else { "" };
                code.line(format!("    && UniffiEquality.AreEqual({p}, other.{p}){end}"));
            }
        }
        code.close();
        code.blank();
        code.summary("A hash of the values, consistent with <see cref=\"Equals(object)\"/>.");
        code.open("public override int GetHashCode()");
        code.line(format!("int hash = {seed};"));
        for p in props {
            code.line(format!("hash = UniffiEquality.Combine(hash, {p});"));
        }
        code.line("return hash;");
        code.close();
        Ok(())
    }

    // ----------------------------------------------------------------------
    // Enums
    // ----------------------------------------------------------------------

    fn flat_enum(&self, e: &Enum) -> Result<String> {
        let t = e.as_type();
        let name = self.types.decl_name(&t)?;
        let mut code = Code::new();
        self.doc_or(&mut code, e.docstring(), &format!("The enum <c>{}</c>.", e.name()));
        let explicit = e.variant_discr_type().is_some();
        code.open(format!("public enum {name}"));
        for (i, v) in e.variants().iter().enumerate() {
            self.doc_or(&mut code, v.docstring(), &format!("<c>{}</c>.", v.name()));
            if explicit {
                let value = match e.variant_discr(i)? {
                    uniffi_bindgen::interface::Literal::UInt(v, _, _) => v.to_string(),
                    uniffi_bindgen::interface::Literal::Int(v, _, _) => v.to_string(),
                    other => bail!("{name}: unexpected discriminant {other:?}"),
                };
                code.line(format!("{} = {value},", names::pascal(v.name())));
            } else {
                code.line(format!("{},", names::pascal(v.name())));
            }
        }
        code.close();
        code.blank();
        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{name}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        code.blank();
        code.open(format!("internal override {name} Read(UniffiReader reader)"));
        code.line("int index = reader.ReadInt32();");
        code.open("switch (index)");
        for (i, v) in e.variants().iter().enumerate() {
            code.line(format!("case {}: return {name}.{};", i + 1, names::pascal(v.name())));
        }
        code.line(format!("default: throw new InternalException(\"invalid {name} index \" + index);"));
        code.close();
        code.close();
        code.blank();
        code.open(format!("internal override void Write({name} value, UniffiWriter writer)"));
        code.open("switch (value)");
        for (i, v) in e.variants().iter().enumerate() {
            code.line(format!("case {name}.{}: writer.WriteInt32({}); break;", names::pascal(v.name()), i + 1));
        }
        code.line(format!("default: throw new ArgumentOutOfRangeException(\"value\", value, \"not a {name}\");"));
        code.close();
        code.close();
        code.close();
        Ok(code.finish())
    }

    fn variant_names(&self, owner: &str, e: &Enum, reserved: &[&str]) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for v in e.variants() {
            let name = names::pascal(v.name());
            if name == owner {
                bail!("{owner}: a variant named like its enum cannot be a nested C# class; rename it in Rust");
            }
            if OBJECT_MEMBERS.contains(&name.as_str())
                || reserved.contains(&name.as_str()) && !is_exception_member(&name)
            {
                bail!("{owner}: the variant {name} would clash with a member of the C# class");
            }
            out.push(name);
        }
        Ok(out)
    }

    fn data_enum(&self, e: &Enum) -> Result<String> {
        let t = e.as_type();
        let name = self.types.decl_name(&t)?;
        let variants = self.variant_names(&name, e, &[])?;
        let mut hidden = variants.clone();
        hidden.push(name.clone());
        let mut code = Code::new();
        self.doc_or(&mut code, e.docstring(), &format!("The enum <c>{}</c>: one nested class per variant.", e.name()));
        code.open(format!("public abstract class {name}"));
        code.open(format!("private {name}()"));
        code.close();
        for (index, (v, class)) in e.variants().iter().zip(&variants).enumerate() {
            code.blank();
            self.doc_or(&mut code, v.docstring(), &format!("The variant <c>{}</c>.", v.name()));
            code.open(format!("public sealed class {class} : {name}"));
            let fields = v.fields();
            let props = self.property_names(class, fields, &[])?;
            let args = Param::from_fields(fields);
            let params = self.params(&args, &hidden)?;
            code.summary(&format!("A <c>{class}</c> with the given values."));
            code.open(format!("public {class}({})", params.list));
            for line in params.prelude.iter().filter(|l| !l.contains("ArgumentNullException")) {
                code.line(line);
            }
            for (a, p) in args.iter().zip(&props) {
                code.line(format!("{p} = {};", a.name));
            }
            code.close();
            for (f, p) in fields.iter().zip(&props) {
                code.blank();
                self.doc_or(&mut code, f.docstring(), &format!("The field <c>{}</c>.", field_rust_name(f)));
                code.line(format!(
                    "public {} {p} {{ get; private set; }}",
                    self.types.cs_scoped(&f.as_type(), &hidden)?
                ));
            }
            code.blank();
            self.equality(&mut code, class, &props, index + 1)?;
            code.close();
        }
        code.close();
        code.blank();
        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{name}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        code.blank();
        code.open(format!("internal override {name} Read(UniffiReader reader)"));
        code.line("int index = reader.ReadInt32();");
        code.open("switch (index)");
        for (i, (v, class)) in e.variants().iter().zip(&variants).enumerate() {
            let reads: Vec<String> =
                v.fields().iter().map(|f| format!("{}.Read(reader)", self.types.converter(&f.as_type()))).collect();
            code.line(format!("case {}: return new {name}.{class}({});", i + 1, reads.join(", ")));
        }
        code.line(format!("default: throw new InternalException(\"invalid {name} index \" + index);"));
        code.close();
        code.close();
        code.blank();
        code.open(format!("internal override void Write({name} value, UniffiWriter writer)"));
        code.line(format!("UniffiCheck.NotNull(value, \"a {name}\");"));
        for (i, (v, class)) in e.variants().iter().zip(&variants).enumerate() {
            let props = self.property_names(class, v.fields(), &[])?;
            code.line(format!("var variant{} = value as {name}.{class};", i + 1));
            code.open(format!("if (variant{} != null)", i + 1));
            code.line(format!("writer.WriteInt32({});", i + 1));
            for (f, p) in v.fields().iter().zip(&props) {
                code.line(format!("{}.Write(variant{}.{p}, writer);", self.types.converter(&f.as_type()), i + 1));
            }
            code.line("return;");
            code.close();
        }
        code.line(format!("throw new ArgumentException(\"unknown {name} variant \" + value.GetType());"));
        code.close();
        code.close();
        Ok(code.finish())
    }

    // ----------------------------------------------------------------------
    // Errors
    // ----------------------------------------------------------------------

    fn error(&self, e: &Enum) -> Result<String> {
        let t = e.as_type();
        let name = self.types.decl_name(&t)?;
        let flat = e.is_flat();
        let variants = self.variant_names(&name, e, EXCEPTION_MEMBERS)?;
        let mut hidden = variants.clone();
        hidden.push(name.clone());
        let mut code = Code::new();
        self.doc_or(
            &mut code,
            e.docstring(),
            &format!("The error <c>{}</c>: one nested exception class per variant.", e.name()),
        );
        code.open(format!("public abstract class {name} : Exception"));
        code.open(format!("private {name}(string message) : base(message)"));
        code.close();
        for (v, class) in e.variants().iter().zip(&variants) {
            code.blank();
            self.doc_or(&mut code, v.docstring(), &format!("The error <c>{}</c>.", v.name()));
            let new = if is_exception_member(class) { "new " } else { "" };
            code.open(format!("public {new}sealed class {class} : {name}"));
            if flat {
                code.summary(&format!("A <c>{class}</c> error described by <paramref name=\"message\"/>."));
                code.open(format!("public {class}(string message) : base(message)"));
                code.close();
            } else {
                let fields = v.fields();
                let props = self.property_names(class, fields, &[])?;
                let args = Param::from_fields(fields);
                let params = self.params(&args, &hidden)?;
                let message = if fields.is_empty() {
                    names::string_literal(class)
                } else {
                    args.iter()
                        .enumerate()
                        .map(|(i, a)| {
                            let sep = if i == 0 { "" } else { ", " };
                            format!("\"{sep}{}=\" + {}", field_rust_name(&fields[i]), a.name)
                        })
                        .collect::<Vec<_>>()
                        .join(" + ")
                };
                code.summary(&format!("A <c>{class}</c> error with the given values."));
                code.open(format!("public {class}({}) : base({message})", params.list));
                for line in params.prelude.iter().filter(|l| !l.contains("ArgumentNullException")) {
                    code.line(line);
                }
                for (a, p) in args.iter().zip(&props) {
                    code.line(format!("{p} = {};", a.name));
                }
                code.close();
                for (f, p) in fields.iter().zip(&props) {
                    code.blank();
                    self.doc_or(&mut code, f.docstring(), &format!("The field <c>{}</c>.", field_rust_name(f)));
                    let new = if is_exception_member(p) { "new " } else { "" };
                    code.line(format!(
                        "public {new}{} {p} {{ get; private set; }}",
                        self.types.cs_scoped(&f.as_type(), &hidden)?
                    ));
                }
            }
            code.close();
        }
        code.close();
        code.blank();

        let converter = format!("UniffiConverter{}", self.types.canonical(&t));
        code.open(format!("internal sealed class {converter} : UniffiConverter<{name}>"));
        code.line(format!("internal static readonly {converter} Instance = new {converter}();"));
        code.line(
            "internal static readonly Func<UniffiRustBuffer, Exception> LiftException = buffer => Instance.LiftFromRustBuffer(buffer);",
        );
        code.blank();
        code.open(format!("internal override {name} Read(UniffiReader reader)"));
        code.line("int index = reader.ReadInt32();");
        code.open("switch (index)");
        for (i, (v, class)) in e.variants().iter().zip(&variants).enumerate() {
            let reads: Vec<String> = if flat {
                vec!["UniffiConverterString.Instance.Read(reader)".into()]
            } else {
                v.fields().iter().map(|f| format!("{}.Read(reader)", self.types.converter(&f.as_type()))).collect()
            };
            code.line(format!("case {}: return new {name}.{class}({});", i + 1, reads.join(", ")));
        }
        code.line(format!("default: throw new InternalException(\"invalid {name} index \" + index);"));
        code.close();
        code.close();
        code.blank();
        code.open(format!("internal override void Write({name} value, UniffiWriter writer)"));
        code.line(format!("UniffiCheck.NotNull(value, \"a {name}\");"));
        for (i, (v, class)) in e.variants().iter().zip(&variants).enumerate() {
            code.line(format!("var variant{} = value as {name}.{class};", i + 1));
            code.open(format!("if (variant{} != null)", i + 1));
            code.line(format!("writer.WriteInt32({});", i + 1));
            if !flat {
                let props = self.property_names(class, v.fields(), &[])?;
                for (f, p) in v.fields().iter().zip(&props) {
                    code.line(format!("{}.Write(variant{}.{p}, writer);", self.types.converter(&f.as_type()), i + 1));
                }
            }
            code.line("return;");
            code.close();
        }
        code.line(format!("throw new ArgumentException(\"unknown {name} variant \" + value.GetType());"));
        code.close();
        code.close();
        Ok(code.finish())
    }

    // ----------------------------------------------------------------------
    // Objects
    // ----------------------------------------------------------------------

    fn method_names(&self, class: &str, o: &Object) -> Result<()> {
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
    fn object_class(
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

    fn handle_ops(&self, code: &mut Code, o: &Object, class: &str) {
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

    fn object(&self, o: &Object) -> Result<String> {
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

    fn handle_read_write(&self, code: &mut Code, cs: &str) {
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
    fn interface_decl(
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

    fn trait_interface(&self, o: &Object) -> Result<String> {
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

    fn callback_interface(&self, c: &CallbackInterface) -> Result<String> {
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
    fn vtable(
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

    // ----------------------------------------------------------------------
    // Compound converters, native functions, load-time checks
    // ----------------------------------------------------------------------

    fn compound_converters(&self) -> Result<String> {
        let mut code = Code::new();
        code.summary("Converters of optionals, sequences, sets and maps (inner types first).");
        code.open("internal static class UniffiConverters");
        for (name, cs, init) in self.types.compound_converters()? {
            code.line(format!("internal static readonly UniffiConverter<{cs}> {name} = {init};"));
        }
        code.close();
        Ok(code.finish())
    }

    fn ffi_decl(&self, f: &FfiFunction) -> Result<String> {
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

    fn native(&self) -> Result<String> {
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

fn is_exception_member(name: &str) -> bool {
    EXCEPTION_MEMBERS.contains(&name)
}

/// The Rust name of a field, or its position for a tuple variant.
fn field_rust_name(f: &Field) -> String {
    if f.name().is_empty() { "value".into() } else { f.name().to_owned() }
}

fn nameless(f: &Field) -> bool {
    f.name().is_empty() || f.name().chars().all(|c| c.is_ascii_digit())
}

/// PascalCase property name of field `i` of `count`.
fn field_pascal(f: &Field, i: usize, count: usize) -> String {
    if nameless(f) {
        if count == 1 { "Value".into() } else { format!("Item{}", i + 1) }
    } else {
        names::pascal(f.name())
    }
}

/// camelCase parameter name of field `i` of `count`.
fn field_camel(f: &Field, i: usize, count: usize) -> String {
    if nameless(f) {
        if count == 1 { "value".into() } else { format!("item{}", i + 1) }
    } else {
        names::camel(f.name())
    }
}
