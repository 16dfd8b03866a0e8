//! Errors: an abstract exception class with one nested exception per
//! variant, and the converter that lifts them.

use anyhow::Result;
use uniffi_bindgen::interface::{AsType, Enum};

use super::{EXCEPTION_MEMBERS, Param, Renderer, field_rust_name, is_exception_member};
use crate::csharp::code::Code;
use crate::csharp::names;

impl Renderer<'_> {
    pub(super) fn error(&self, e: &Enum) -> Result<String> {
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
}
