//! How each uniffi type appears in C#: its C# type, its converter, how it is
//! lowered into and lifted from an FFI value, and default values.

use anyhow::{Result, bail};
use uniffi_bindgen::ComponentInterface;
use uniffi_bindgen::interface::{DefaultValue, FfiType, Literal, ObjectImpl, Type};

use super::names;

/// What kind of C# declaration a named uniffi type becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Named {
    /// A `class` with properties.
    Record,
    /// A C# `enum`.
    FlatEnum,
    /// An abstract class with a nested class per variant.
    DataEnum,
    /// An abstract exception class with a nested class per variant.
    Error,
    /// A `sealed class` owning a Rust object.
    Object,
    /// An interface (a Rust trait; maybe also a class for Rust implementations).
    Trait,
    /// An interface implemented in C# only (a callback interface).
    Callback,
}

/// The type mapping for one component interface.
pub(crate) struct Types<'a> {
    pub(crate) ci: &'a ComponentInterface,
    /// The C# namespace, to qualify names hidden by nested classes.
    namespace: String,
}

/// A parameter's default in C#: the `= value` part, and the statement that
/// replaces a `null` placeholder inside the method (for values that C# cannot
/// write as a constant, such as an empty list).
pub(crate) struct DefaultArg {
    pub(crate) constant: String,
    pub(crate) fill: Option<String>,
}

impl<'a> Types<'a> {
    pub(crate) fn new(ci: &'a ComponentInterface, namespace: &str) -> Self {
        Types { ci, namespace: namespace.to_owned() }
    }

    /// Strips `Box` and custom types (which C# sees as their builtin type).
    fn unwrap<'t>(&self, t: &'t Type) -> &'t Type {
        match t {
            Type::Box { inner_type } => self.unwrap(inner_type),
            Type::Custom { builtin, .. } => self.unwrap(builtin),
            other => other,
        }
    }

    fn check_local(&self, t: &Type) -> Result<()> {
        if self.ci.is_external(t) {
            bail!("{t:?} comes from another crate: external types are not supported by the C# generator");
        }
        Ok(())
    }

    /// The kind of declaration for a named type.
    pub(crate) fn named(&self, t: &Type) -> Option<Named> {
        match self.unwrap(t) {
            Type::Record { .. } => Some(Named::Record),
            Type::Enum { name, .. } => Some(if self.ci.is_name_used_as_error(name) {
                Named::Error
            } else if self.ci.get_enum_definition(name).is_some_and(|e| e.is_flat()) {
                Named::FlatEnum
            } else {
                Named::DataEnum
            }),
            Type::Object { imp: ObjectImpl::Struct, .. } => Some(Named::Object),
            Type::Object { .. } => Some(Named::Trait),
            Type::CallbackInterface { .. } => Some(Named::Callback),
            _ => None,
        }
    }

    /// The C# name of a named type's declaration (record, enum, class, exception, interface).
    pub(crate) fn decl_name(&self, t: &Type) -> Result<String> {
        let t = self.unwrap(t);
        let name = t.name().unwrap_or_default();
        Ok(match self.named(t) {
            Some(Named::Error) => names::exception(name),
            Some(Named::Trait | Named::Callback) => names::interface(name),
            Some(_) => names::pascal(name),
            None => bail!("{t:?} is not a named type"),
        })
    }

    /// The C# type of a value of `t`.
    pub(crate) fn cs(&self, t: &Type) -> Result<String> {
        self.cs_scoped(t, &[])
    }

    /// The C# type of a value of `t` where the simple names in `hidden`
    /// (nested classes) hide the top-level types of those names.
    pub(crate) fn cs_scoped(&self, t: &Type, hidden: &[String]) -> Result<String> {
        self.check_local(t)?;
        let t = self.unwrap(t);
        Ok(match t {
            Type::UInt8 => "byte".into(),
            Type::Int8 => "sbyte".into(),
            Type::UInt16 => "ushort".into(),
            Type::Int16 => "short".into(),
            Type::UInt32 => "uint".into(),
            Type::Int32 => "int".into(),
            Type::UInt64 => "ulong".into(),
            Type::Int64 => "long".into(),
            Type::Float32 => "float".into(),
            Type::Float64 => "double".into(),
            Type::Boolean => "bool".into(),
            Type::String => "string".into(),
            Type::Bytes => "byte[]".into(),
            Type::Timestamp => "DateTimeOffset".into(),
            Type::Duration => "TimeSpan".into(),
            Type::Optional { inner_type } => {
                let inner = self.unwrap(inner_type);
                if matches!(inner, Type::Optional { .. }) {
                    bail!("nested optionals ({t:?}) are not supported by the C# generator: C# has one null");
                }
                let cs = self.cs_scoped(inner, hidden)?;
                if self.is_value_type(inner) { format!("{cs}?") } else { cs }
            }
            Type::Sequence { inner_type } => format!("List<{}>", self.cs_scoped(inner_type, hidden)?),
            Type::Set { inner_type } => format!("HashSet<{}>", self.cs_scoped(inner_type, hidden)?),
            Type::Map { key_type, value_type } => {
                format!("Dictionary<{}, {}>", self.cs_scoped(key_type, hidden)?, self.cs_scoped(value_type, hidden)?)
            }
            _ => {
                let name = self.decl_name(t)?;
                if hidden.contains(&name) { format!("global::{}.{name}", self.namespace) } else { name }
            }
        })
    }

    /// True for C# value types (which need `T?` to be optional).
    pub(crate) fn is_value_type(&self, t: &Type) -> bool {
        let t = self.unwrap(t);
        matches!(
            t,
            Type::UInt8
                | Type::Int8
                | Type::UInt16
                | Type::Int16
                | Type::UInt32
                | Type::Int32
                | Type::UInt64
                | Type::Int64
                | Type::Float32
                | Type::Float64
                | Type::Boolean
                | Type::Timestamp
                | Type::Duration
        ) || self.named(t) == Some(Named::FlatEnum)
    }

    /// A name for `t` usable in identifiers: `SequenceTypeSecret`, `MapStringUInt64`.
    pub(crate) fn canonical(&self, t: &Type) -> String {
        let t = self.unwrap(t);
        match t {
            Type::UInt8 => "UInt8".into(),
            Type::Int8 => "Int8".into(),
            Type::UInt16 => "UInt16".into(),
            Type::Int16 => "Int16".into(),
            Type::UInt32 => "UInt32".into(),
            Type::Int32 => "Int32".into(),
            Type::UInt64 => "UInt64".into(),
            Type::Int64 => "Int64".into(),
            Type::Float32 => "Float32".into(),
            Type::Float64 => "Float64".into(),
            Type::Boolean => "Boolean".into(),
            Type::String => "String".into(),
            Type::Bytes => "Bytes".into(),
            Type::Timestamp => "Timestamp".into(),
            Type::Duration => "Duration".into(),
            Type::Optional { inner_type } => format!("Optional{}", self.canonical(inner_type)),
            Type::Sequence { inner_type } => format!("Sequence{}", self.canonical(inner_type)),
            Type::Set { inner_type } => format!("Set{}", self.canonical(inner_type)),
            Type::Map { key_type, value_type } => {
                format!("Map{}{}", self.canonical(key_type), self.canonical(value_type))
            }
            other => format!("Type{}", names::pascal(other.name().unwrap_or_default())),
        }
    }

    fn is_compound(&self, t: &Type) -> bool {
        matches!(self.unwrap(t), Type::Optional { .. } | Type::Sequence { .. } | Type::Set { .. } | Type::Map { .. })
    }

    /// The converter object of `t` (an expression).
    pub(crate) fn converter(&self, t: &Type) -> String {
        let t = self.unwrap(t);
        if self.is_compound(t) {
            format!("UniffiConverters.{}", self.canonical(t))
        } else {
            format!("UniffiConverter{}.Instance", self.canonical(t))
        }
    }

    /// How `t` crosses the FFI as an argument or return value.
    fn passing(&self, t: &Type) -> Passing {
        match self.unwrap(t) {
            Type::UInt8
            | Type::Int8
            | Type::UInt16
            | Type::Int16
            | Type::UInt32
            | Type::Int32
            | Type::UInt64
            | Type::Int64
            | Type::Float32
            | Type::Float64 => Passing::Direct,
            Type::Boolean | Type::String | Type::Bytes | Type::Object { .. } | Type::CallbackInterface { .. } => {
                Passing::Own
            }
            _ => Passing::Buffer,
        }
    }

    /// `expr` (of type `t`) as the FFI value to pass to Rust.
    pub(crate) fn lower(&self, t: &Type, expr: &str) -> String {
        match self.passing(t) {
            Passing::Direct => expr.to_owned(),
            Passing::Own => format!("{}.Lower({expr})", self.converter(t)),
            Passing::Buffer => format!("{}.LowerIntoRustBuffer({expr})", self.converter(t)),
        }
    }

    /// The FFI value `expr` received from Rust as a value of `t`.
    pub(crate) fn lift(&self, t: &Type, expr: &str) -> String {
        match self.passing(t) {
            Passing::Direct => expr.to_owned(),
            Passing::Own => format!("{}.Lift({expr})", self.converter(t)),
            Passing::Buffer => format!("{}.LiftFromRustBuffer({expr})", self.converter(t)),
        }
    }

    /// The C# interop type of an FFI type (in `DllImport`s and callbacks).
    pub(crate) fn ffi(&self, t: &FfiType) -> Result<String> {
        Ok(match t {
            FfiType::UInt8 => "byte".into(),
            FfiType::Int8 => "sbyte".into(),
            FfiType::UInt16 => "ushort".into(),
            FfiType::Int16 => "short".into(),
            FfiType::UInt32 => "uint".into(),
            FfiType::Int32 => "int".into(),
            FfiType::UInt64 | FfiType::Handle => "ulong".into(),
            FfiType::Int64 => "long".into(),
            FfiType::Float32 => "float".into(),
            FfiType::Float64 => "double".into(),
            FfiType::RustBuffer(_) => "UniffiRustBuffer".into(),
            FfiType::ForeignBytes => "UniffiForeignBytes".into(),
            FfiType::RustCallStatus => "UniffiRustCallStatus".into(),
            FfiType::Callback(_) | FfiType::Struct(_) | FfiType::VoidPointer => "IntPtr".into(),
            FfiType::Reference(inner) | FfiType::MutReference(inner) => match inner.as_ref() {
                FfiType::Struct(_) | FfiType::Callback(_) | FfiType::VoidPointer => "IntPtr".into(),
                other => format!("ref {}", self.ffi(other)?),
            },
        })
    }

    /// The compound types (optionals, sequences, sets, maps) in the
    /// interface, inner ones first: `(field name, C# type, initialiser)`.
    pub(crate) fn compound_converters(&self) -> Result<Vec<(String, String, String)>> {
        let mut found: Vec<(usize, String, Type)> = Vec::new();
        for t in self.ci.iter_local_types() {
            let t = self.unwrap(t);
            if self.is_compound(t) {
                let name = self.canonical(t);
                if !found.iter().any(|(_, n, _)| *n == name) {
                    found.push((depth(t), name, t.clone()));
                }
            }
        }
        found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut out = Vec::new();
        for (_, name, t) in found {
            let cs = self.cs(&t)?;
            let init = match &t {
                Type::Optional { inner_type } => {
                    let kind = if self.is_value_type(inner_type) { "Value" } else { "Ref" };
                    format!(
                        "new UniffiConverterOptional{kind}<{}>({})",
                        self.cs(inner_type)?,
                        self.converter(inner_type)
                    )
                }
                Type::Sequence { inner_type } => {
                    format!("new UniffiConverterSequence<{}>({})", self.cs(inner_type)?, self.converter(inner_type))
                }
                Type::Set { inner_type } => {
                    format!("new UniffiConverterSet<{}>({})", self.cs(inner_type)?, self.converter(inner_type))
                }
                Type::Map { key_type, value_type } => format!(
                    "new UniffiConverterMap<{}, {}>({}, {})",
                    self.cs(key_type)?,
                    self.cs(value_type)?,
                    self.converter(key_type),
                    self.converter(value_type)
                ),
                _ => unreachable!("only compound types are collected"),
            };
            out.push((name, cs, init));
        }
        Ok(out)
    }

    /// A parameter default (of a function, method, constructor or record
    /// constructor) for a value of `t`, named `name` in the C# code.
    pub(crate) fn default_arg(
        &self,
        t: &Type,
        value: &DefaultValue,
        name: &str,
        hidden: &[String],
    ) -> Result<DefaultArg> {
        let fill = |expr: String| -> DefaultArg {
            DefaultArg { constant: "null".into(), fill: Some(format!("if ({name} == null) {name} = {expr};")) }
        };
        let constant = |text: String| DefaultArg { constant: text, fill: None };
        let t = self.unwrap(t);
        let cs = self.cs_scoped(t, hidden)?;
        Ok(match value {
            DefaultValue::Default => match t {
                Type::Boolean => constant("false".into()),
                Type::String => constant("\"\"".into()),
                Type::Bytes => fill("new byte[0]".into()),
                Type::Optional { .. } => constant("null".into()),
                Type::Sequence { .. } | Type::Set { .. } | Type::Map { .. } => fill(format!("new {cs}()")),
                Type::Duration => constant("default(TimeSpan)".into()),
                Type::Record { name: record, .. } => {
                    self.check_all_defaults(record)?;
                    fill(format!("new {cs}()"))
                }
                _ if self.passing(t) == Passing::Direct => constant("0".into()),
                _ => bail!("the default value of {t:?} (for `{name}`) has no C# form"),
            },
            DefaultValue::Literal(lit) => self.literal(t, lit, name, hidden, &fill)?,
        })
    }

    fn literal(
        &self,
        t: &Type,
        lit: &Literal,
        name: &str,
        hidden: &[String],
        fill: &dyn Fn(String) -> DefaultArg,
    ) -> Result<DefaultArg> {
        let constant = |text: String| DefaultArg { constant: text, fill: None };
        let cs = self.cs_scoped(t, hidden)?;
        Ok(match lit {
            Literal::Boolean(b) => constant(b.to_string()),
            Literal::String(s) => constant(names::string_literal(s)),
            Literal::UInt(v, _, _) => constant(number(*v as i128, self.unwrap(t))),
            Literal::Int(v, _, _) => constant(number(i128::from(*v), self.unwrap(t))),
            Literal::Float(text, _) => {
                let inner = match self.unwrap(t) {
                    Type::Optional { inner_type } => self.unwrap(inner_type).clone(),
                    other => other.clone(),
                };
                constant(if inner == Type::Float32 { format!("{text}f") } else { text.clone() })
            }
            Literal::Enum(variant, enum_type) => match self.named(enum_type) {
                Some(Named::FlatEnum) => {
                    constant(format!("{}.{}", self.cs_scoped(enum_type, hidden)?, names::pascal(variant)))
                }
                _ => bail!("`{name}` defaults to a variant of {enum_type:?}, which is not a flat enum"),
            },
            Literal::EmptySequence | Literal::EmptyMap | Literal::EmptySet => fill(format!("new {cs}()")),
            Literal::None => constant("null".into()),
            Literal::Some { inner } => {
                let Type::Optional { inner_type } = self.unwrap(t) else {
                    bail!("`{name}`: Some(...) default for the non-optional {t:?}");
                };
                let inner = self.default_arg(inner_type, inner, name, hidden)?;
                if inner.fill.is_some() {
                    bail!("`{name}`: C# cannot tell a Some(...) default of {t:?} from None (both would be null)");
                }
                inner
            }
        })
    }

    fn check_all_defaults(&self, record: &str) -> Result<()> {
        if let Some(r) = self.ci.get_record_definition(record) {
            if let Some(f) = r.fields().iter().find(|f| f.default_value().is_none()) {
                bail!("{record} is used with its default value, but its field `{}` has no default", f.name());
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Passing {
    /// A number, passed as itself.
    Direct,
    /// Its own converter's `Lower`/`Lift` (booleans, strings, bytes, handles).
    Own,
    /// Serialised into a `RustBuffer`.
    Buffer,
}

fn depth(t: &Type) -> usize {
    match t {
        Type::Optional { inner_type } | Type::Sequence { inner_type } | Type::Set { inner_type } => {
            1 + depth(inner_type)
        }
        Type::Box { inner_type } => depth(inner_type),
        Type::Map { key_type, value_type } => 1 + depth(key_type).max(depth(value_type)),
        _ => 0,
    }
}

/// An integer literal for a C# value of type `t`.
fn number(v: i128, t: &Type) -> String {
    let t = match t {
        Type::Optional { inner_type } => inner_type.as_ref(),
        other => other,
    };
    match t {
        Type::Float32 => format!("{v}f"),
        Type::UInt64 if v > i128::from(i64::MAX) => format!("{v}UL"),
        _ => v.to_string(),
    }
}
