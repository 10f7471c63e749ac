//! `embwit gen --lang L --world W [--wit DIR] --out DIR [--check]`: write the bindings of one
//! world, or (`--check`) verify that DIR already holds exactly what would be written.

use std::path::PathBuf;
use std::process::ExitCode;

use embwit_gen::codegen::{self, Lang};
use embwit_gen::load::{find_world, load_dir};

use super::{CliError, WitDir, write_files};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Target language: rust (guest), host (Rust host glue), c, zig.
    #[arg(long, value_parser = parse_lang)]
    lang: Lang,
    /// World to generate, by short name (`blinky`) or qualified (`embwit:applet/blinky@0.1.0`).
    #[arg(long)]
    world: String,
    #[command(flatten)]
    wit: WitDir,
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write nothing; exit 1 and list the files of DIR that differ from what would be generated.
    #[arg(long)]
    check: bool,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::from_name(s).ok_or_else(|| {
        let all: Vec<&str> = Lang::ALL.iter().map(|l| l.name()).collect();
        format!(
            "unknown language `{s}` (expected one of: {})",
            all.join(", ")
        )
    })
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let loaded = load_dir(&args.wit.dir)?;
    let world = find_world(&loaded.resolve, &args.world)?;
    let files = codegen::generate(&loaded.resolve, world, args.lang)
        .map_err(|e| CliError::BadInput(format!("{e:#}")))?;
    if args.check {
        let stale = files.differences(&args.out);
        if stale.is_empty() {
            println!("{}: up to date ({} files)", args.out.display(), files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for path in &stale {
            println!("differs: {}", args.out.join(path).display());
        }
        println!("run `embwit gen` without --check to regenerate");
        return Ok(ExitCode::from(1));
    }
    write_files(&args.out, &files)?;
    for (path, _) in files.iter() {
        println!("wrote {}", args.out.join(path).display());
    }
    Ok(ExitCode::SUCCESS)
}
