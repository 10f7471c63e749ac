//! `embwit run`: runs a WebAssembly module on embwit's bundled interpreter with the WASI
//! preview1 subset. A command's `_start` runs with `FILE ARGS...` as its arguments and the
//! process exits with the program's exit code; `--invoke NAME ARGS...` calls a plain export
//! instead and prints its results, one per line.

use std::path::PathBuf;
use std::process::ExitCode;

use embwit_runtime::wasi::{self, WasiCtx};
use embwit_runtime::{Config, Engine, Func, Linker, Module, Store, Trap, Val, ValType};

use super::CliError;

/// Exit code when the guest traps (as a native program that aborts on SIGABRT).
const TRAP_EXIT: u8 = 134;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Call this export instead of `_start`; ARGS are its arguments (integers or floats).
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// Stop the guest with a trap after about this much work (fuel units: instructions).
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Set an environment variable for the guest (repeatable; the host's are not passed).
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_env)]
    env: Vec<(String, String)>,
    /// The module (binary `.wasm`).
    file: PathBuf,
    /// Arguments for the program (after its name) or for the invoked export.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::Failed(format!("{}: {e}", args.file.display())))?;
    let mut config = Config::default();
    config.consume_fuel(args.fuel.is_some());
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &bytes)
        .map_err(|e| CliError::BadInput(format!("{}: {e}", args.file.display())))?;

    let program = args.file.display().to_string();
    let ctx = match args.invoke {
        Some(_) => WasiCtx::new().args([program.as_str()]),
        None => WasiCtx::new()
            .args(std::iter::once(program.as_str()).chain(args.args.iter().map(String::as_str))),
    };
    let mut store = Store::new(&engine, ctx.envs(args.env));
    if let Some(fuel) = args.fuel {
        store
            .set_fuel(fuel)
            .map_err(|e| CliError::Failed(e.to_string()))?;
    }
    let mut linker = Linker::<WasiCtx>::new(&engine);
    wasi::add_to_linker(&mut linker, |ctx| ctx).map_err(|e| CliError::Failed(e.to_string()))?;
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e) => {
            // A start function may exit or trap, too.
            if let Some(code) = store.data().exit_code() {
                return Ok(exit_code(code));
            }
            return Err(CliError::BadInput(format!("{}: {e}", args.file.display())));
        }
    };

    let Some(name) = args.invoke else {
        return match wasi::run_start(&mut store, &instance, |ctx| ctx) {
            Ok(wasi::Exit::Code(code)) => Ok(exit_code(code)),
            Err(wasi::RunError::Trap(trap)) => Ok(trapped(&trap)),
            Err(e @ wasi::RunError::NoStart(_)) => Err(CliError::BadInput(format!(
                "{}: {e} (use --invoke NAME to call another export)",
                args.file.display()
            ))),
        };
    };

    // A reactor initialises itself before its exports are used.
    if let Some(init) = instance.get_func(&store, "_initialize") {
        let result = init.call(&mut store, &[], &mut []);
        store.data_mut().flush();
        match wasi::exit_code_of(store.data(), result) {
            Ok(Ok(())) => {}
            Ok(Err(code)) => return Ok(exit_code(code)),
            Err(trap) => return Ok(trapped(&trap)),
        }
    }
    let func = instance
        .get_func(&store, &name)
        .ok_or_else(|| CliError::BadInput(format!("no exported function named `{name}`")))?;
    let params = parse_params(&func, &store, &args.args)?;
    let mut results: Vec<Val> = func
        .ty(&store)
        .results()
        .iter()
        .map(|ty| Val::default_for(*ty))
        .collect();
    let result = func.call(&mut store, &params, &mut results);
    store.data_mut().flush();
    match wasi::exit_code_of(store.data(), result) {
        Ok(Ok(())) => {
            for value in &results {
                println!("{}", show(value));
            }
            Ok(ExitCode::SUCCESS)
        }
        Ok(Err(code)) => Ok(exit_code(code)),
        Err(trap) => Ok(trapped(&trap)),
    }
}

fn parse_env(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("`{arg}` is not NAME=VALUE")),
    }
}

/// The process exit code for a WASI exit code (POSIX keeps the low 8 bits).
fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(code as u8)
}

fn trapped(trap: &Trap) -> ExitCode {
    eprintln!("error: the guest trapped: {trap}");
    ExitCode::from(TRAP_EXIT)
}

fn parse_params(
    func: &Func,
    store: &Store<WasiCtx>,
    args: &[String],
) -> Result<Vec<Val>, CliError> {
    let ty = func.ty(store);
    if ty.params().len() != args.len() {
        return Err(CliError::BadInput(format!(
            "the export takes {} argument(s) ({:?}), {} given",
            ty.params().len(),
            ty.params(),
            args.len()
        )));
    }
    ty.params()
        .iter()
        .zip(args)
        .map(|(ty, arg)| parse_val(*ty, arg))
        .collect()
}

/// Parses a command-line argument as a value of type `ty`. Integers may be given signed or
/// unsigned (`-1` and `4294967295` are the same i32).
fn parse_val(ty: ValType, arg: &str) -> Result<Val, CliError> {
    let bad = || CliError::BadInput(format!("`{arg}` is not a valid {ty:?} argument"));
    Ok(match ty {
        ValType::I32 => Val::I32(
            arg.parse::<i32>()
                .or_else(|_| arg.parse::<u32>().map(|v| v as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            arg.parse::<i64>()
                .or_else(|_| arg.parse::<u64>().map(|v| v as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Val::F32(arg.parse().map_err(|_| bad())?),
        ValType::F64 => Val::F64(arg.parse().map_err(|_| bad())?),
        _ => {
            return Err(CliError::BadInput(format!(
                "cannot pass a {ty:?} on the command line"
            )));
        }
    })
}

fn show(value: &Val) -> String {
    match value {
        Val::I32(v) => v.to_string(),
        Val::I64(v) => v.to_string(),
        Val::F32(v) => v.to_string(),
        Val::F64(v) => v.to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "funcref".to_string(),
        Val::ExternRef(Some(r)) => format!("externref({})", r.0),
    }
}
