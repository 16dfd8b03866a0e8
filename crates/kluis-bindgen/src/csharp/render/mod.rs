//! The C# source of each construct of a component interface.
//!
//! [`Renderer::sections`] (here) orders the file and refuses what the
//! generator does not support; each kind of construct is rendered by its
//! own module:
//!
//! | module | renders |
//! |---|---|
//! | `calls` | parameter lists with their defaults, the body of a call into Rust, the free functions |
//! | `records` | records (properties, constructor, value equality, converter) |
//! | `enums` | flat enums and enums with data |
//! | `errors` | error enums as exception classes |
//! | `objects` | objects and traits (class, interface, converter) |
//! | `callbacks` | callback interfaces and the vtable of foreign implementations |
//! | `native` | compound converters, `DllImport` declarations, load-time checks |

use anyhow::{Context, Result, bail};
use uniffi_bindgen::ComponentInterface;
use uniffi_bindgen::interface::{
    Argument, AsType, CallbackInterface, Constructor, DefaultValue, Enum, FfiFunction, Field, Function, Method, Object,
    ObjectImpl, Record, Type,
};

use super::code::Code;
use super::names;
use super::types::{Named, Types};
use super::{ResolvedConfig, Section};

mod callbacks;
mod calls;
mod enums;
mod errors;
mod native;
mod objects;
mod records;

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
        out.push(Section::new("runtime", include_str!("../runtime.cs").to_owned()));
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

    fn doc_or(&self, code: &mut Code, doc: Option<&str>, fallback: &str) {
        if doc.is_some_and(|d| !d.trim().is_empty()) {
            code.doc(doc);
        } else {
            code.summary(fallback);
        }
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
