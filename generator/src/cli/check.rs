//! `embwit check [DIR]`: parse, resolve and validate every package, or say exactly where it fails.

use std::path::PathBuf;
use std::process::ExitCode;

use embwit_gen::load::load_dir;

use super::CliError;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory of WIT packages.
    #[arg(default_value = "wit")]
    dir: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let loaded = load_dir(&args.dir)?;
    let resolve = &loaded.resolve;
    let worlds: usize = loaded
        .packages
        .iter()
        .map(|p| resolve.packages[*p].worlds.len())
        .sum();
    let interfaces: usize = loaded
        .packages
        .iter()
        .map(|p| resolve.packages[*p].interfaces.len())
        .sum();
    for pkg in &loaded.packages {
        println!("ok {}", resolve.packages[*pkg].name);
    }
    println!(
        "{}: {} packages, {interfaces} interfaces, {worlds} worlds, {} files: all valid",
        args.dir.display(),
        loaded.packages.len(),
        loaded.files.len()
    );
    Ok(ExitCode::SUCCESS)
}
