//! The C and Zig blinky applets (examples/blinky/c, examples/blinky/zig) on the bundled
//! interpreter, through the same generated glue and simulated board as the Rust one: the pin must
//! record exactly the level changes the Rust applet produces (tests/blinky.rs), and the log the
//! same messages. A missing toolchain skips loudly, unless `EMBWIT_REQUIRE_TOOLCHAINS=1`.

#[path = "../../../../generator/tests/toolchains/mod.rs"]
mod toolchains;

use embwit_example_blinky::bindings::embwit::gpio::types::Logic;
use embwit_example_blinky::{Board, Change, Error, Session};

const MS: u64 = 1_000_000;

fn change(at_ms: u64, level: Logic) -> Change {
    Change {
        at: at_ms * MS,
        pin: "status-led".into(),
        level,
    }
}

/// The same scenario and expectations as the Rust applet's test.
fn blinks_and_releases_the_pin(label: &str, wasm: &[u8]) {
    let mut s = Session::new(wasm, Board::new(&["status-led"])).expect("instantiate");
    s.start(b"", &[("period-ms", "100")]).expect("start");
    s.advance(450 * MS).expect("run");
    s.stop().expect("stop");
    s.advance(1000 * MS).expect("idle");
    let board = std::mem::take(s.board());
    use Logic::{Active, Inactive};
    assert_eq!(
        board.changes,
        vec![
            change(0, Inactive),
            change(100, Active),
            change(200, Inactive),
            change(300, Active),
            change(400, Inactive),
        ],
        "{label}"
    );
    assert_eq!(board.released, ["status-led"], "{label}");
    assert!(board.timers.is_empty(), "{label}");
    let log: Vec<&str> = board.log.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(log.first(), Some(&"init: pin `status-led`"), "{label}");
    assert!(log.contains(&"period set to 100 ms"), "{label}: {log:?}");
    assert!(log.contains(&"tick 3: pin active"), "{label}: {log:?}");
    assert_eq!(log.last(), Some(&"stopped after 4 toggles"), "{label}");
    assert_eq!(s.live_handles(), 0, "{label}");

    let mut s = Session::new(wasm, Board::new(&["status-led"])).expect("instantiate");
    match s.start(b"door-relay", &[]) {
        Err(Error::Refused(e)) => {
            assert!(
                format!("{e:?}").contains("ModeNotGranted"),
                "{label}: {e:?}"
            )
        }
        other => panic!("{label}: expected a refusal, got {other:?}"),
    }
    assert!(s.board().changes.is_empty(), "{label}");
}

#[test]
fn c_blinky_behaves_like_the_rust_one() {
    let tc = toolchains::Toolchains::detect();
    for cc in tc.c_compilers("c_blinky_behaves_like_the_rust_one") {
        let dir = toolchains::scratch_dir(&format!("blinky-c-{}", cc.name().replace(' ', "-")));
        let wasm = toolchains::build_c_blinky(&cc, &dir);
        blinks_and_releases_the_pin(&format!("C blinky ({})", cc.name()), &wasm);
    }
}

#[test]
fn zig_blinky_behaves_like_the_rust_one() {
    let tc = toolchains::Toolchains::detect();
    if let Some(zig) = tc.zig("zig_blinky_behaves_like_the_rust_one") {
        let dir = toolchains::scratch_dir("blinky-zig");
        let wasm = toolchains::build_zig_blinky(&zig, &dir);
        blinks_and_releases_the_pin("Zig blinky", &wasm);
    }
}
