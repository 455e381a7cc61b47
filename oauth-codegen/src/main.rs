//! `oauth-codegen generate DOCUMENT --out FILE`: a vendor's OpenAPI document into a Rust
//! module to commit and read, formatted with rustfmt when it is installed; the report on
//! standard error.

use std::{io::Write as _, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    version,
    about = "Typed operations and serde types from an OpenAPI document, on oauth-runtime's managed tokens"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generates a module from a document (OpenAPI 3.0 or 3.1, JSON or YAML).
    Generate {
        /// The document.
        document: PathBuf,
        /// The module to write (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A provider type the operations are for, instead of those made from the document's
        /// OAuth2 flows (repeatable).
        #[arg(long)]
        provider: Vec<String>,
        /// Only operations with this tag (repeatable).
        #[arg(long)]
        tag: Vec<String>,
        /// Only operations under this path prefix (repeatable).
        #[arg(long = "path-prefix")]
        path_prefix: Vec<String>,
        /// Only the operation with this operationId (repeatable).
        #[arg(long)]
        operation: Vec<String>,
        /// The vendor's name (type names).
        #[arg(long)]
        vendor: Option<String>,
        /// The trait's name.
        #[arg(long = "trait")]
        trait_name: Option<String>,
        /// Write the operations as `#[oauth_api]` expands them, not as the trait.
        #[arg(long)]
        expanded: bool,
    },
}

fn main() -> ExitCode {
    let Command::Generate { document, out, provider, tag, path_prefix, operation, vendor, trait_name, expanded } =
        Cli::parse().command;
    let mut generator = oauth_codegen::openapi(&document);
    for p in provider {
        generator = generator.provider(p);
    }
    for t in tag {
        generator = generator.tag(t);
    }
    for p in path_prefix {
        generator = generator.path_prefix(p);
    }
    for o in operation {
        generator = generator.operation(o);
    }
    if let Some(v) = vendor {
        generator = generator.vendor(v);
    }
    if let Some(t) = trait_name {
        generator = generator.trait_name(t);
    }
    if expanded {
        generator = generator.expanded();
    }
    let generated = match generator.generate() {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let source = oauth_codegen::rustfmt(&generated.source).unwrap_or(generated.source);
    let written = match &out {
        Some(path) => std::fs::write(path, &source).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => std::io::stdout().write_all(source.as_bytes()).map_err(|e| e.to_string()),
    };
    if let Err(error) = written {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    eprint!("{}", generated.report);
    eprintln!(
        "{}: {} operations, {} types, {} notes{}",
        document.display(),
        generated.operations,
        generated.types,
        generated.report.notes().len(),
        out.map(|o| format!(" -> {}", o.display())).unwrap_or_default()
    );
    ExitCode::SUCCESS
}
