//! Subcommands of `embwit`, one file each. Each returns `Ok(ExitCode)` or a [`CliError`] that says
//! whether the input was bad (exit 2) or something else failed (exit 1).

mod check;
mod doc;
mod gen_cmd;
mod run;
mod worlds;

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use embwit_gen::load::LoadError;

/// embwit: WebAssembly applets for embedded devices.
#[derive(Parser, Debug)]
#[command(name = "embwit", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and validate every WIT package under DIR (default `wit/`).
    Check(check::Args),
    /// List every world with its imports and exports.
    Worlds(worlds::Args),
    /// Write a Markdown reference of every package from its doc comments.
    Doc(doc::Args),
    /// Run a WebAssembly module on the bundled interpreter (WASI preview1 subset).
    Run(run::Args),
    /// Generate bindings for one world (Rust/C/Zig guests, Rust host glue).
    Gen(gen_cmd::Args),
}

pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Worlds(args) => worlds::run(args),
        Command::Doc(args) => doc::run(args),
        Command::Run(args) => run::run(args),
        Command::Gen(args) => gen_cmd::run(args),
    }
}

/// Where the WIT packages are, for commands that read them.
#[derive(clap::Args, Debug)]
pub struct WitDir {
    /// Directory of WIT packages (one package per subdirectory, or a package directory).
    #[arg(long = "wit", value_name = "DIR", default_value = "wit")]
    pub dir: PathBuf,
}

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// The input (WIT, wasm, arguments) is bad: exit code 2.
    BadInput(String),
    /// Anything else (I/O, a failed run): exit code 1.
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::BadInput(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::BadInput(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        CliError::BadInput(e.to_string())
    }
}

/// Writes generated files under `out`, creating directories as needed.
pub fn write_files(
    out: &std::path::Path,
    files: &embwit_gen::codegen::Files,
) -> Result<(), CliError> {
    for (path, contents) in files.iter() {
        let path = out.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::Failed(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&path, contents)
            .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}
