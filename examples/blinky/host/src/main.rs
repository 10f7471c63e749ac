//! `cargo run -p embwit-example-blinky`: builds the Rust blinky applet, runs it on embwit's
//! bundled interpreter through the generated host glue, and prints the simulated pin's level
//! changes and the applet's log.

use std::process::ExitCode;

use embwit_example_blinky::{Session, board::Board, build_applet};

const PIN: &str = "status-led";
const PERIOD_MS: u64 = 250;
const TICKS: u64 = 8;

fn main() -> ExitCode {
    let wasm = match build_applet() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("blinky applet: {} bytes of wasm", wasm.len());
    let run = || -> Result<(Vec<String>, Board), embwit_example_blinky::Error> {
        let mut s = Session::new(&wasm, Board::new(&[PIN]))?;
        s.start(PIN.as_bytes(), &[("period-ms", &PERIOD_MS.to_string())])?;
        s.advance(PERIOD_MS * 1_000_000 * TICKS)?;
        s.stop()?;
        let log = s.log_messages();
        Ok((log, std::mem::take(s.board())))
    };
    match run() {
        Ok((log, board)) => {
            println!("pin `{PIN}` level changes:");
            for c in &board.changes {
                println!("  {:>6} ms  {:?}", c.at / 1_000_000, c.level);
            }
            println!("applet log:");
            for line in log {
                println!("  {line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
