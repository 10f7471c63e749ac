//! Blinky: toggles one granted output pin on every timer tick and logs each change.
//!
//! - `init(config)`: `config` is the pin's logical name in UTF-8; empty means "the first pin
//!   the grants allow as an output".
//! - `configure("period-ms", b"250")` changes the blink period (default 500 ms).
//! - `start()` opens the pin (inactive) and registers a repeating timer; every
//!   `on-ready` with the timer's token toggles the pin.
//! - `stop()` unregisters the timer and releases the pin.

#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;

use blinky::embwit::applet::{events, grants};
use blinky::embwit::gpio::pins::{self, OutputPin};
use blinky::embwit::gpio::types::{Drive, Logic, OutputConfig};
use blinky::embwit::platform::logging::{Level, log};
use blinky::embwit::types::common::ErrorClass;
use blinky::exports::embwit::applet::{lifecycle, reactor};
use embwit_guest::blinky;

/// The token of the blink timer.
const TICK: events::Token = 1;
const DEFAULT_PERIOD_MS: u64 = 500;

struct State {
    pin_name: String,
    period_ms: u64,
    pin: Option<OutputPin>,
    toggles: u64,
}

/// Applet state. wasm32 applets run on one thread, so a `RefCell` suffices.
struct Global(RefCell<Option<State>>);
// SAFETY: the applet is single-threaded; the host never calls it concurrently.
unsafe impl Sync for Global {}
static STATE: Global = Global(RefCell::new(None));

fn info(message: &str) {
    log(Level::Info, "blinky", message);
}

fn failed(what: &str, err: impl core::fmt::Debug) -> lifecycle::Error {
    lifecycle::Error::Failed(format!("{what}: {err:?}"))
}

/// The first granted pin the applet may drive.
fn first_output_grant() -> Option<String> {
    grants::granted().into_iter().find_map(|cap| match cap {
        grants::Capability::Gpio(g)
            if matches!(g.mode, grants::PinMode::Output | grants::PinMode::Flex) =>
        {
            Some(g.name)
        }
        _ => None,
    })
}

struct Blinky;

impl lifecycle::Guest for Blinky {
    fn init(config: Vec<u8>) -> Result<(), lifecycle::Error> {
        let pin_name = if config.is_empty() {
            first_output_grant().ok_or(lifecycle::Error::Common(ErrorClass::Denied))?
        } else {
            String::from_utf8(config)
                .map_err(|_| lifecycle::Error::InvalidConfig("pin name is not UTF-8".into()))?
        };
        info(&format!("init: pin `{pin_name}`"));
        *STATE.0.borrow_mut() = Some(State {
            pin_name,
            period_ms: DEFAULT_PERIOD_MS,
            pin: None,
            toggles: 0,
        });
        Ok(())
    }

    fn configure(key: String, value: Vec<u8>) -> Result<(), lifecycle::Error> {
        let mut state = STATE.0.borrow_mut();
        let state = state
            .as_mut()
            .ok_or_else(|| failed("configure", "before init"))?;
        match key.as_str() {
            "period-ms" => {
                let ms = core::str::from_utf8(&value)
                    .ok()
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .filter(|ms| *ms > 0)
                    .ok_or_else(|| {
                        lifecycle::Error::InvalidConfig("period-ms wants a positive integer".into())
                    })?;
                state.period_ms = ms;
                info(&format!("period set to {ms} ms"));
                Ok(())
            }
            other => Err(lifecycle::Error::InvalidConfig(format!(
                "unknown key `{other}`"
            ))),
        }
    }

    fn start() -> Result<(), lifecycle::Error> {
        let mut state = STATE.0.borrow_mut();
        let state = state
            .as_mut()
            .ok_or_else(|| failed("start", "before init"))?;
        let config = OutputConfig {
            drive: Drive::PushPull,
            active_low: false,
            initial: Logic::Inactive,
        };
        let pin = pins::open_output(&state.pin_name, config).map_err(|e| failed("open", e))?;
        events::every(state.period_ms * 1_000_000, TICK).map_err(|e| failed("timer", e))?;
        state.pin = Some(pin);
        info(&format!("started: toggling every {} ms", state.period_ms));
        Ok(())
    }

    fn stop() {
        let _ = events::unregister(TICK);
        if let Some(state) = STATE.0.borrow_mut().as_mut() {
            state.pin = None;
            info(&format!("stopped after {} toggles", state.toggles));
        }
    }
}

impl reactor::Guest for Blinky {
    fn on_ready(ready: Vec<events::Token>) {
        let mut state = STATE.0.borrow_mut();
        let Some(state) = state.as_mut() else { return };
        for token in ready {
            if token != TICK {
                continue;
            }
            let Some(pin) = &state.pin else { continue };
            match pin.toggle() {
                Ok(()) => {
                    state.toggles += 1;
                    let level = match pin.last_set() {
                        Logic::Active => "active",
                        Logic::Inactive => "inactive",
                    };
                    info(&format!("tick {}: pin {level}", state.toggles));
                }
                Err(e) => log(Level::Warn, "blinky", &format!("toggle failed: {e:?}")),
            }
        }
    }
}

blinky::export!(Blinky);
