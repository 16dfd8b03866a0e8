//! A small writer for indented C# source.

use super::names;

/// Lines of C#, indented by four spaces per level.
#[derive(Default)]
pub(crate) struct Code {
    out: String,
    level: usize,
}

impl Code {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// One line at the current indentation (an empty line stays empty).
    pub(crate) fn line(&mut self, text: impl AsRef<str>) -> &mut Self {
        let text = text.as_ref();
        if !text.is_empty() {
            for _ in 0..self.level {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
        self
    }

    /// An empty line.
    pub(crate) fn blank(&mut self) -> &mut Self {
        self.out.push('\n');
        self
    }

    /// `header` then `{`, and one level deeper.
    pub(crate) fn open(&mut self, header: impl AsRef<str>) -> &mut Self {
        self.line(header);
        self.line("{");
        self.level += 1;
        self
    }

    /// `}` one level up.
    pub(crate) fn close(&mut self) -> &mut Self {
        self.close_with("}")
    }

    /// `text` (such as `};`) one level up.
    pub(crate) fn close_with(&mut self, text: &str) -> &mut Self {
        self.level = self.level.saturating_sub(1);
        self.line(text)
    }

    /// A `///` doc comment for a Rust doc string, if there is one.
    pub(crate) fn doc(&mut self, doc: Option<&str>) -> &mut Self {
        if let Some(doc) = doc.filter(|d| !d.trim().is_empty()) {
            for line in names::doc_lines(doc) {
                self.line(format!("/// {line}").trim_end());
            }
        }
        self
    }

    /// A `///` summary of one line written here (not from Rust).
    pub(crate) fn summary(&mut self, text: &str) -> &mut Self {
        self.line(format!("/// <summary>{text}</summary>"))
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}
