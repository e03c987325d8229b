//! Errors in knowledge files, always carrying the file and line they were found at, so that a
//! safeguarding lead editing a TOML file is told exactly where to look.

use std::fmt;

/// One problem found in the knowledge: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KnowledgeError {
    /// Path of the file relative to the knowledge root, e.g. `contacts.toml`.
    pub file: String,
    /// 1-based line number; 0 when the problem concerns the whole file (e.g. it is missing).
    pub line: usize,
    /// What is wrong, and where possible what to do about it.
    pub message: String,
}

impl KnowledgeError {
    /// Builds an error at `file:line`. Control characters in the message (which may quote a
    /// value from the file) are shown escaped, so it is safe to print to a terminal or a chat.
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = if message.chars().any(|c| c.is_control() && c != '\n') {
            printable(&message)
        } else {
            message
        };
        Self {
            file: file.into(),
            line,
            message,
        }
    }
}

impl fmt::Display for KnowledgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// Every problem found in one load. A knowledge copy with any error is never served: the loader
/// collects them all (rather than stopping at the first) so one `check` run shows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, thiserror::Error)]
pub struct KnowledgeErrors(pub Vec<KnowledgeError>);

impl KnowledgeErrors {
    /// Adds one error.
    pub fn push(&mut self, error: KnowledgeError) {
        self.0.push(error);
    }

    /// True when nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems, in file then line order.
    pub fn iter(&self) -> impl Iterator<Item = &KnowledgeError> {
        self.0.iter()
    }

    /// Sorts by file and line so output is stable and easy to follow.
    pub fn sort(&mut self) {
        self.0
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    }
}

impl fmt::Display for KnowledgeErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the knowledge has {} error(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// Turns a TOML parse error in `text` (the file `file`) into a `file:line` error whose message
/// always says something: the TOML parser gives an empty message for some errors (a stray
/// carriage return, a control character in a comment), which would leave an admin with a bare
/// `contacts.toml:12:`. Control characters quoted back from the file are shown escaped so the
/// message is safe to print to a terminal or a chat.
pub fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> KnowledgeError {
    let (line, column, found) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let column = text
                .get(line_start..start)
                .map_or(1, |s| s.chars().count() + 1);
            let found = text.get(start..).and_then(|s| s.chars().next());
            (line_of(text, start), column, found)
        }
        None => (0, 0, None),
    };
    let message = e.message().trim();
    let message = if !message.is_empty() {
        message.to_string()
    } else {
        match found {
            Some(c) if c.is_control() && c != '\t' => format!(
                "TOML syntax error at column {column}: unexpected control character U+{:04X} (only tabs and line ends are allowed outside quoted strings; a line end must be \\n or \\r\\n)",
                u32::from(c)
            ),
            Some(c) => format!("TOML syntax error at column {column}: unexpected `{c}`"),
            None if line > 0 => format!("TOML syntax error at column {column}"),
            None => "TOML syntax error".to_string(),
        }
    };
    KnowledgeError::new(file, line, message)
}

/// `s` with control characters other than line feeds shown as `\u{..}` escapes.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts a byte offset into a 1-based line number.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> KnowledgeError {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct F {
            #[serde(default)]
            x: Vec<String>,
        }
        let e = toml::from_str::<F>(text).unwrap_err();
        toml_error("f.toml", text, &e)
    }

    #[test]
    fn toml_errors_always_say_something() {
        // The TOML parser's own message is empty for these.
        for (text, line) in [("\r", 1), ("x = []\n# c \u{7f}\n", 2), ("\n\n# \0", 3)] {
            let e = parse_err(text);
            assert_eq!((e.file.as_str(), e.line), ("f.toml", line), "{text:?}");
            assert!(e.message.contains("control character U+"), "{e}");
            assert!(!e.message.chars().any(char::is_control), "{e:?}");
        }
        let e = parse_err("x = [\"a\"\ny = 1");
        assert_eq!(e.line, 2);
        assert!(e.message.contains('y'), "{e}");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}b\nc"), "a\\u{1b}b\nc");
    }
}
