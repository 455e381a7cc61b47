//! What a document asked for that the generated code does not do, each at its place in the
//! document: the command prints it, the build script emits it as warnings. Nothing is dropped
//! without a line here, and nothing here makes the generated code wrong: an unsupported part
//! is left out or given a looser type (`serde_json::Value`), and the line says which.

use std::fmt;

/// The report of one generation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    items: Vec<Note>,
}

/// One entry: where, what, and what was generated instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// A JSON pointer into the document (`#/paths/~1repos/get/requestBody`).
    pub at: String,
    /// What is not supported.
    pub what: String,
    /// What the generated code does instead.
    pub instead: String,
}

impl Report {
    /// Adds a note.
    pub fn note(&mut self, at: impl Into<String>, what: impl Into<String>, instead: impl Into<String>) {
        self.items.push(Note { at: at.into(), what: what.into(), instead: instead.into() });
    }

    /// The notes, in the order they were made.
    pub fn notes(&self) -> &[Note] {
        &self.items
    }

    /// Whether there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; {}", self.at, self.what, self.instead)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for note in &self.items {
            writeln!(f, "{note}")?;
        }
        Ok(())
    }
}

/// A JSON pointer segment for `segment` (RFC 6901: `~` is `~0`, `/` is `~1`).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
