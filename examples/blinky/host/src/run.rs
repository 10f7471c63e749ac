//! Driving the applet: instantiate it on the bundled interpreter with the generated glue, walk
//! it through its lifecycle and deliver timer ticks as simulated time advances.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use embwit_host::embwit_runtime::{Instance, State};
use embwit_runtime::{Config, Engine, Linker, Module, Store};

use crate::bindings;
use crate::bindings::exports::embwit::applet::{lifecycle, reactor};
use crate::board::Board;

/// Why a session failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The module did not load, link or instantiate.
    Load(String),
    /// The applet trapped (the message names the problem).
    Trap(embwit_host::Trap),
    /// The applet refused a lifecycle step.
    Refused(lifecycle::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(m) => write!(f, "cannot load the applet: {m}"),
            Error::Trap(t) => write!(f, "the applet trapped: {t}"),
            Error::Refused(e) => write!(f, "the applet refused: {e:?}"),
        }
    }
}

impl From<embwit_host::Trap> for Error {
    fn from(t: embwit_host::Trap) -> Self {
        Error::Trap(t)
    }
}

fn refused(r: Result<(), lifecycle::Error>) -> Result<(), Error> {
    r.map_err(Error::Refused)
}

/// One applet instance on a simulated board.
pub struct Session {
    store: Store<State<Board>>,
    instance: embwit_runtime::Instance,
}

impl Session {
    /// Loads `wasm` and instantiates it against `board`.
    pub fn new(wasm: &[u8], board: Board) -> Result<Self, Error> {
        let mut config = Config::default();
        config.consume_fuel(true);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wasm).map_err(|e| Error::Load(e.to_string()))?;
        let mut linker = Linker::<State<Board>>::new(&engine);
        bindings::add_to_linker(&mut linker, |b: &mut Board| b)
            .map_err(|e| Error::Load(e.to_string()))?;
        let mut store = Store::new(&engine, State::new(board));
        store
            .set_fuel(u64::MAX)
            .map_err(|e| Error::Load(e.to_string()))?;
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| Error::Load(e.to_string()))?;
        Ok(Session { store, instance })
    }

    fn guest(&mut self) -> Instance<'_, Board> {
        Instance::new(&mut self.store, self.instance)
    }

    /// The board.
    pub fn board(&mut self) -> &mut Board {
        &mut self.store.data_mut().data
    }

    /// `init(config)`, then `configure` for each `(key, value)`, then `start()`.
    pub fn start(&mut self, config: &[u8], settings: &[(&str, &str)]) -> Result<(), Error> {
        let mut g = self.guest();
        refused(lifecycle::call_init(&mut g, config)?)?;
        for (key, value) in settings {
            refused(lifecycle::call_configure(&mut g, key, value.as_bytes())?)?;
        }
        refused(lifecycle::call_start(&mut g)?)
    }

    /// Advances simulated time by `duration` nanoseconds, delivering every timer tick that
    /// falls due to the applet's `on-ready`, in time order.
    pub fn advance(&mut self, duration: u64) -> Result<(), Error> {
        let end = self.board().now.saturating_add(duration);
        loop {
            let board = self.board();
            let Some(next) = board.timers.iter().map(|t| t.next).min() else {
                board.now = end;
                return Ok(());
            };
            if next > end {
                board.now = end;
                return Ok(());
            }
            board.now = next;
            let mut due = Vec::new();
            for t in &mut board.timers {
                if t.next == next {
                    due.push(t.token);
                    t.next = t.next.saturating_add(t.period);
                }
            }
            let mut g = self.guest();
            reactor::call_on_ready(&mut g, &due)?;
        }
    }

    /// `stop()`.
    pub fn stop(&mut self) -> Result<(), Error> {
        let mut g = self.guest();
        lifecycle::call_stop(&mut g)?;
        Ok(())
    }

    /// The messages the applet logged, in order.
    pub fn log_messages(&mut self) -> Vec<String> {
        self.board().log.iter().map(|(_, _, m)| m.clone()).collect()
    }

    /// Live handles the applet still holds.
    pub fn live_handles(&mut self) -> usize {
        self.store.data().handles.len()
    }
}
