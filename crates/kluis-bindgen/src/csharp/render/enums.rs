//! Enums: flat enums as C# `enum`s, enums with data as an abstract class
//! with one nested class per variant.

use anyhow::{Result, bail};
use uniffi_bindgen::interface::{AsType, Enum};

use super::{OBJECT_MEMBERS, Param, Renderer, field_rust_name, is_exception_member};
use crate::csharp::code::Code;
use crate::csharp::names;

impl Renderer<'_> {
    pub(super) fn flat_enum(&self, e: &Enum) -> Result<String> {
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

    pub(super) fn variant_names(&self, owner: &str, e: &Enum, reserved: &[&str]) -> Result<Vec<String>> {
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

    pub(super) fn data_enum(&self, e: &Enum) -> Result<String> {
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
}
