//! `embwit doc --out DIR`: the Markdown reference of every package.

use std::path::PathBuf;
use std::process::ExitCode;

use embwit_gen::load::load_dir;

use super::{CliError, WitDir, write_files};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    wit: WitDir,
    /// Where to write the pages (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let loaded = load_dir(&args.wit.dir)?;
    let files = embwit_gen::doc::render(&loaded.resolve, &loaded.packages);
    write_files(&args.out, &files)?;
    println!(
        "wrote {} pages to {}",
        files.iter().count(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
