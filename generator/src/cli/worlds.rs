//! `embwit worlds`: every world with what it imports and exports.

use std::process::ExitCode;

use embwit_gen::load::load_dir;
use embwit_gen::worlds::describe_all;

use super::{CliError, WitDir};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    wit: WitDir,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let loaded = load_dir(&args.wit.dir)?;
    print!("{}", describe_all(&loaded.resolve, &loaded.packages));
    Ok(ExitCode::SUCCESS)
}
