//! The front ends' common entry: a document and options in, formatted source and a report out;
//! and the build-script side of it ([`Generator::write`]).

use std::path::{Path, PathBuf};

use crate::{Error, Options, Report, emit};

/// Starts a generation from the document at `path`.
///
/// ```no_run
/// let generated = oauth_codegen::openapi("figma.yaml").operation("getMe").generate()?;
/// println!("{}", generated.source);
/// eprint!("{}", generated.report);
/// # Ok::<(), oauth_codegen::Error>(())
/// ```
pub fn openapi(path: impl Into<PathBuf>) -> Generator {
    Generator { path: path.into(), options: Options::default() }
}

/// A generation being configured.
#[derive(Debug, Clone)]
#[must_use]
pub struct Generator {
    path: PathBuf,
    options: Options,
}

/// The result of a generation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    /// The module's source, formatted.
    pub source: String,
    /// What was not generated, and what was generated instead.
    pub report: Report,
    /// How many operations the trait has.
    pub operations: usize,
    /// How many named types the module has.
    pub types: usize,
}

impl Generator {
    /// Implements the operations for this provider type (a path, `crate::Vendor`) instead of
    /// those generated from the document's OAuth2 flows; repeatable. Needed when the document
    /// declares none (GitHub's does not).
    pub fn provider(mut self, path: impl Into<String>) -> Self {
        self.options.providers.push(path.into());
        self
    }

    /// The vendor's name, for the generated type names (default: the document's title).
    pub fn vendor(mut self, name: impl Into<String>) -> Self {
        self.options.vendor = Some(name.into());
        self
    }

    /// The API trait's name (default `{Vendor}Api`).
    pub fn trait_name(mut self, name: impl Into<String>) -> Self {
        self.options.trait_name = Some(name.into());
        self
    }

    /// Generates the operations with this tag (repeatable; with [`path_prefix`](Self::path_prefix)
    /// and [`operation`](Self::operation), any match admits an operation; none of the three:
    /// every operation).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.options.selection.tags.push(tag.into());
        self
    }

    /// Generates the operations under this path prefix (repeatable).
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.options.selection.path_prefixes.push(prefix.into());
        self
    }

    /// Generates the operation with this `operationId` (repeatable).
    pub fn operation(mut self, id: impl Into<String>) -> Self {
        self.options.selection.operation_ids.push(id.into());
        self
    }

    /// Writes the operations expanded ([`Options::expanded`]): what `#[oauth_api]` would
    /// expand the trait to, so that compiling the module runs no macro over it.
    ///
    /// ```no_run
    /// // build.rs
    /// let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    /// oauth_codegen::openapi("github.json").tag("repos").expanded().write(out)?;
    /// # Ok::<(), oauth_codegen::Error>(())
    /// ```
    pub fn expanded(mut self) -> Self {
        self.options.expanded = true;
        self
    }

    /// The options so far.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Reads the document and generates the module.
    ///
    /// # Errors
    ///
    /// [`Error::Read`], [`Error::Parse`], [`Error::Version`], [`Error::NoProvider`].
    pub fn generate(&self) -> Result<Generated, Error> {
        let text = std::fs::read_to_string(&self.path)
            .map_err(|source| Error::Read { path: self.path.display().to_string(), source })?;
        let origin =
            self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned());
        generate(&text, &origin, &self.options)
    }

    /// For a build script: generates the module into `dir/<document stem>.rs` (include it with
    /// `include!(concat!(env!("OUT_DIR"), "/<stem>.rs"))`), has Cargo run the script again when
    /// the document changes, and shows the report as build warnings (formatted with [`rustfmt`] when it is installed) (the first ten; the whole
    /// report is written beside the module, `<stem>.report.txt`). Returns the module's path.
    ///
    /// # Errors
    ///
    /// Those of [`generate`](Self::generate), and [`Error::Write`].
    pub fn write(self, dir: impl AsRef<Path>) -> Result<PathBuf, Error> {
        println!("cargo::rerun-if-changed={}", self.path.display());
        let generated = self.generate()?;
        let stem =
            self.path.file_stem().map_or_else(|| "api".to_owned(), |s| s.to_string_lossy().replace(['.', '-'], "_"));
        let out = dir.as_ref().join(format!("{stem}.rs"));
        let report_path = dir.as_ref().join(format!("{stem}.report.txt"));
        let source = rustfmt(&generated.source).unwrap_or(generated.source);
        write(&out, &source)?;
        write(&report_path, &generated.report.to_string())?;
        let notes = generated.report.notes();
        for note in notes.iter().take(10) {
            println!("cargo::warning={}: {note}", self.path.display());
        }
        if notes.len() > 10 {
            println!("cargo::warning={} more notes in {}", notes.len() - 10, report_path.display());
        }
        Ok(out)
    }
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|source| Error::Write { path: path.display().to_string(), source })
}

/// Generates the module of a document given as text; `origin` names it in messages.
///
/// # Errors
///
/// [`Error::Parse`], [`Error::Version`], [`Error::NoProvider`].
pub fn generate(text: &str, origin: &str, options: &Options) -> Result<Generated, Error> {
    let (module, report) = crate::openapi::generate(text, origin, options)?;
    let source = emit::source(&module, options.expanded)?;
    Ok(Generated { source, report, operations: module.api.ops.len(), types: module.types.len() })
}

/// `source` through rustfmt (edition 2024), or `None` when rustfmt is missing or fails: the
/// generator's own formatting (prettyplease) stands then. The command and
/// [`Generator::write`] format their output with it.
///
/// ```
/// let formatted = oauth_codegen::rustfmt("fn  f( ){}");
/// assert!(formatted.is_none_or(|f| f == "fn f() {}\n"));
/// ```
pub fn rustfmt(source: &str) -> Option<String> {
    use std::{
        io::Write as _,
        process::{Command, Stdio},
    };
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    (output.status.success()).then(|| String::from_utf8(output.stdout).ok()).flatten()
}
