//! A simulated board: one output pin per grant, a monotonic clock the event loop advances,
//! repeating timers, pollables and a log. It implements every `Host` trait of the `blinky`
//! world; what the applet cannot use on this board (inputs, edge watches, pollable
//! registration) answers `unsupported`.

use alloc::string::String;
use alloc::vec::Vec;

use embwit_host::Resource;

use crate::bindings::embwit::applet::{events, grants};
use crate::bindings::embwit::gpio::pins::{
    self, EdgeWatch, FlexPin, HostEdgeWatch, HostFlexPin, HostInputPin, HostOutputPin, InputPin,
    OutputPin,
};
use crate::bindings::embwit::gpio::types::{
    Direction, EdgeEvent, EdgeSet, Error as PinError, InputConfig, Logic, OutputConfig, PinInfo,
};
use crate::bindings::embwit::platform::poll::{self, HostPollable, Pollable};
use crate::bindings::embwit::platform::{logging, monotonic_clock};
use crate::bindings::embwit::types::common::{Duration, ErrorClass, Instant};

/// One recorded level change of a simulated pin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Simulated time in nanoseconds.
    pub at: Instant,
    /// The pin's logical name.
    pub pin: String,
    /// The new level.
    pub level: Logic,
}

struct OutputState {
    name: String,
    level: Logic,
}

/// A repeating timer registered with `events.every`.
#[derive(Clone, Copy, Debug)]
pub struct Timer {
    /// The applet's token.
    pub token: events::Token,
    /// Period in nanoseconds.
    pub period: Duration,
    /// Next deadline.
    pub next: Instant,
}

/// The simulated board.
#[derive(Default)]
pub struct Board {
    /// Pin names the applet is granted as outputs.
    pub granted_outputs: Vec<String>,
    /// Every level change of every output pin, in order.
    pub changes: Vec<Change>,
    /// Log lines: `(level, context, message)`.
    pub log: Vec<(logging::Level, String, String)>,
    /// Registered repeating timers.
    pub timers: Vec<Timer>,
    /// Simulated time in nanoseconds.
    pub now: Instant,
    /// Output pins the applet released (dropped its handle to).
    pub released: Vec<String>,
    outputs: Vec<Option<OutputState>>,
    pollables: Vec<Option<Instant>>,
}

impl Board {
    /// A board granting the applet the output pins `names`.
    pub fn new(names: &[&str]) -> Self {
        Board {
            granted_outputs: names.iter().map(|n| String::from(*n)).collect(),
            ..Board::default()
        }
    }

    fn output(&mut self, r: &Resource<OutputPin>) -> Option<&mut OutputState> {
        self.outputs.get_mut(r.rep() as usize)?.as_mut()
    }

    fn drive(&mut self, r: &Resource<OutputPin>, level: Logic) -> Result<(), PinError> {
        let now = self.now;
        let out = self
            .output(r)
            .ok_or(PinError::Common(ErrorClass::Invalidated))?;
        if out.level != level {
            out.level = level;
            let pin = out.name.clone();
            self.changes.push(Change {
                at: now,
                pin,
                level,
            });
        }
        Ok(())
    }

    fn pollable(&mut self, deadline: Instant) -> Resource<Pollable> {
        self.pollables.push(Some(deadline));
        Resource::new(self.pollables.len() as u32 - 1)
    }

    fn deadline(&self, p: &Resource<Pollable>) -> Instant {
        self.pollables
            .get(p.rep() as usize)
            .copied()
            .flatten()
            .unwrap_or(Instant::MAX)
    }
}

impl HostOutputPin for Board {
    fn name(&mut self, pin: Resource<OutputPin>) -> String {
        self.output(&pin)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }
    fn set(&mut self, pin: Resource<OutputPin>, value: Logic) -> Result<(), PinError> {
        self.drive(&pin, value)
    }
    fn last_set(&mut self, pin: Resource<OutputPin>) -> Logic {
        self.output(&pin).map_or(Logic::Inactive, |o| o.level)
    }
    fn toggle(&mut self, pin: Resource<OutputPin>) -> Result<(), PinError> {
        let next = match self.last_set(Resource::new(pin.rep())) {
            Logic::Active => Logic::Inactive,
            Logic::Inactive => Logic::Active,
        };
        self.drive(&pin, next)
    }
    fn drop(&mut self, pin: Resource<OutputPin>) {
        if let Some(out) = self
            .outputs
            .get_mut(pin.rep() as usize)
            .and_then(Option::take)
        {
            self.released.push(out.name);
        }
    }
}

/// No input pin can be opened on this board, so no handle to one exists; these only answer
/// defensively.
impl HostInputPin for Board {
    fn name(&mut self, _: Resource<InputPin>) -> String {
        String::new()
    }
    fn read(&mut self, _: Resource<InputPin>) -> Result<Logic, PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
    fn watch(
        &mut self,
        _: Resource<InputPin>,
        _: EdgeSet,
        _: u32,
    ) -> Result<Resource<EdgeWatch>, PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
    fn wait_level(&mut self, _: Resource<InputPin>, _: Logic) -> Resource<Pollable> {
        self.pollable(Instant::MAX)
    }
    fn drop(&mut self, _: Resource<InputPin>) {}
}

impl HostEdgeWatch for Board {
    fn subscribe(&mut self, _: Resource<EdgeWatch>) -> Resource<Pollable> {
        self.pollable(Instant::MAX)
    }
    fn take(&mut self, _: Resource<EdgeWatch>, _: u32) -> Vec<EdgeEvent> {
        Vec::new()
    }
    fn pending(&mut self, _: Resource<EdgeWatch>) -> u32 {
        0
    }
    fn overflowed(&mut self, _: Resource<EdgeWatch>) -> u64 {
        0
    }
    fn drop(&mut self, _: Resource<EdgeWatch>) {}
}

impl HostFlexPin for Board {
    fn name(&mut self, _: Resource<FlexPin>) -> String {
        String::new()
    }
    fn direction(&mut self, _: Resource<FlexPin>) -> Direction {
        Direction::Output(OutputConfig {
            drive: crate::bindings::embwit::gpio::types::Drive::PushPull,
            active_low: false,
            initial: Logic::Inactive,
        })
    }
    fn set_direction(&mut self, _: Resource<FlexPin>, _: Direction) -> Result<(), PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
    fn read(&mut self, _: Resource<FlexPin>) -> Result<Logic, PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
    fn set(&mut self, _: Resource<FlexPin>, _: Logic) -> Result<(), PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
    fn drop(&mut self, _: Resource<FlexPin>) {}
}

impl pins::Host for Board {
    fn granted(&mut self) -> Vec<PinInfo> {
        self.granted_outputs
            .iter()
            .map(|name| PinInfo {
                name: name.clone(),
                can_input: false,
                can_output: true,
                can_watch: false,
                hardware_debounce: false,
                drives: Vec::new(),
                granted_input: false,
                granted_output: true,
                granted_flex: false,
            })
            .collect()
    }
    fn open_input(&mut self, _: String, _: InputConfig) -> Result<Resource<InputPin>, PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
    fn open_output(
        &mut self,
        name: String,
        config: OutputConfig,
    ) -> Result<Resource<OutputPin>, PinError> {
        if !self.granted_outputs.contains(&name) {
            return Err(PinError::ModeNotGranted);
        }
        let busy = self.outputs.iter().flatten().any(|o| o.name == name);
        if busy {
            return Err(PinError::Common(ErrorClass::Busy));
        }
        self.changes.push(Change {
            at: self.now,
            pin: name.clone(),
            level: config.initial,
        });
        self.outputs.push(Some(OutputState {
            name,
            level: config.initial,
        }));
        Ok(Resource::new(self.outputs.len() as u32 - 1))
    }
    fn open_flex(&mut self, _: String, _: Direction) -> Result<Resource<FlexPin>, PinError> {
        Err(PinError::Common(ErrorClass::Unsupported))
    }
}

impl logging::Host for Board {
    fn log(&mut self, level: logging::Level, context: String, message: String) {
        self.log.push((level, context, message));
    }
}

impl monotonic_clock::Host for Board {
    fn now(&mut self) -> Instant {
        self.now
    }
    fn resolution(&mut self) -> Duration {
        1
    }
    fn subscribe_instant(&mut self, when: Instant) -> Resource<Pollable> {
        self.pollable(when)
    }
    fn subscribe_duration(&mut self, how_long: Duration) -> Resource<Pollable> {
        let when = self.now.saturating_add(how_long);
        self.pollable(when)
    }
}

impl HostPollable for Board {
    fn ready(&mut self, p: Resource<Pollable>) -> bool {
        self.deadline(&p) <= self.now
    }
    fn block(&mut self, p: Resource<Pollable>) -> Result<(), ErrorClass> {
        match self.deadline(&p) {
            Instant::MAX => Err(ErrorClass::WouldBlock),
            when => {
                self.now = self.now.max(when);
                Ok(())
            }
        }
    }
    fn drop(&mut self, p: Resource<Pollable>) {
        if let Some(slot) = self.pollables.get_mut(p.rep() as usize) {
            *slot = None;
        }
    }
}

impl poll::Host for Board {
    fn poll(&mut self, sources: Vec<Resource<Pollable>>) -> Result<Vec<u32>, ErrorClass> {
        Ok(sources
            .iter()
            .enumerate()
            .filter(|(_, p)| self.deadline(p) <= self.now)
            .map(|(i, _)| i as u32)
            .collect())
    }
}

impl grants::Host for Board {
    fn granted(&mut self) -> Vec<grants::Capability> {
        self.granted_outputs
            .iter()
            .map(|name| {
                grants::Capability::Gpio(grants::PinGrant {
                    name: name.clone(),
                    mode: grants::PinMode::Output,
                })
            })
            .collect()
    }
    fn limits(&mut self) -> grants::Budget {
        grants::Budget {
            memory: 1 << 20,
            call_time_us: 10_000,
            frame_leases: 0,
            registrations: 4,
        }
    }
}

impl events::Host for Board {
    fn register(
        &mut self,
        p: Resource<Pollable>,
        _: events::Token,
        _: events::Mode,
    ) -> Result<(), events::Error> {
        // The host owns the pollable now; this board cannot deliver it, so it drops it.
        HostPollable::drop(self, p);
        Err(events::Error::Common(ErrorClass::Unsupported))
    }
    fn every(&mut self, period: Duration, t: events::Token) -> Result<(), events::Error> {
        if period == 0 {
            return Err(events::Error::Common(ErrorClass::InvalidArgument));
        }
        if self.timers.iter().any(|x| x.token == t) {
            return Err(events::Error::DuplicateToken);
        }
        self.timers.push(Timer {
            token: t,
            period,
            next: self.now.saturating_add(period),
        });
        Ok(())
    }
    fn unregister(&mut self, t: events::Token) -> Result<(), events::Error> {
        let before = self.timers.len();
        self.timers.retain(|x| x.token != t);
        if self.timers.len() == before {
            Err(events::Error::UnknownToken)
        } else {
            Ok(())
        }
    }
}
