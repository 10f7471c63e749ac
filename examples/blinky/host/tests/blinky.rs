//! The Rust blinky applet on the bundled interpreter, through the generated glue: the simulated
//! pin must record exactly the expected level changes at the expected times.

use embwit_example_blinky::bindings::embwit::gpio::types::Logic;
use embwit_example_blinky::{Board, Change, Error, Session, build_applet};

const MS: u64 = 1_000_000;

fn change(at_ms: u64, level: Logic) -> Change {
    Change {
        at: at_ms * MS,
        pin: "status-led".into(),
        level,
    }
}

#[test]
fn blinks_and_releases_the_pin() {
    let wasm = build_applet().expect("build the blinky applet");
    let mut s = Session::new(&wasm, Board::new(&["status-led"])).expect("instantiate");
    // Empty config: the applet picks the first output pin its grants allow.
    s.start(b"", &[("period-ms", "100")]).expect("start");
    s.advance(450 * MS).expect("run");
    s.stop().expect("stop");
    // Time after stop delivers nothing: the timer was unregistered.
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
        ]
    );
    assert_eq!(board.released, ["status-led"]);
    assert!(board.timers.is_empty());
    let log: Vec<&str> = board.log.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(log.first(), Some(&"init: pin `status-led`"));
    assert!(log.contains(&"tick 3: pin active"), "{log:?}");
    assert_eq!(log.last(), Some(&"stopped after 4 toggles"));
    assert_eq!(s.live_handles(), 0);
}

#[test]
fn refuses_a_pin_it_was_not_granted() {
    let wasm = build_applet().expect("build the blinky applet");
    let mut s = Session::new(&wasm, Board::new(&["status-led"])).expect("instantiate");
    match s.start(b"door-relay", &[]) {
        Err(Error::Refused(e)) => assert!(format!("{e:?}").contains("ModeNotGranted"), "{e:?}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(s.board().changes.is_empty());
}
