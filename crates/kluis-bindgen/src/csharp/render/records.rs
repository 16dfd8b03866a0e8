//! Records: a class with settable properties, a constructor with the Rust
//! defaults, value equality, and its converter.

use anyhow::{Result, bail};
use uniffi_bindgen::interface::{AsType, Field, Record};

use super::{OBJECT_MEMBERS, Param, Renderer, field_pascal};
use crate::csharp::code::Code;

impl Renderer<'_> {
    /// The property names of fields, in order: PascalCase, except that a
    /// field named like its class becomes `Value`.
    pub(super) fn property_names(&self, owner: &str, fields: &[Field], extra_reserved: &[&str]) -> Result<Vec<String>> {
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

    pub(super) fn record(&self, r: &Record) -> Result<String> {
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
    pub(super) fn equality(&self, code: &mut Code, class: &str, props: &[String], seed: usize) -> Result<()> {
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
}
