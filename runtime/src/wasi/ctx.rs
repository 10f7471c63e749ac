//! The per-store WASI state: arguments, environment, output sinks, clocks, randomness and the
//! exit code recorded by `proc_exit`.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use std::io::{self, Write};
use std::time::Instant;

use crate::Trap;

/// The message of the host trap `proc_exit` raises; paired with [`WasiCtx::exit_code`].
const EXIT_TRAP: &str = "wasi: proc_exit";

/// State of one WASI program. Keep it in the store's data (or make it the data).
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) stdout: Box<dyn Write>,
    pub(crate) stderr: Box<dyn Write>,
    pub(crate) start: Instant,
    pub(crate) rng: Rng,
    exit_code: Option<i32>,
}

impl Default for WasiCtx {
    fn default() -> Self {
        Self::new()
    }
}

impl WasiCtx {
    /// No arguments, an empty environment, output to the process's stdout and stderr.
    pub fn new() -> Self {
        WasiCtx {
            args: Vec::new(),
            env: Vec::new(),
            stdout: Box::new(io::stdout()),
            stderr: Box::new(io::stderr()),
            start: Instant::now(),
            rng: Rng::from_os(),
            exit_code: None,
        }
    }

    /// The program arguments, `argv[0]` (the program name) first.
    pub fn args<S: AsRef<str>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args = args
            .into_iter()
            .map(|a| a.as_ref().as_bytes().to_vec())
            .collect();
        self
    }

    /// Environment variables as `(name, value)` pairs.
    pub fn envs<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.env = env
            .into_iter()
            .map(|(k, v)| {
                let mut entry = String::from(k.as_ref());
                entry.push('=');
                entry.push_str(v.as_ref());
                entry.into_bytes()
            })
            .collect();
        self
    }

    /// Where the guest's fd 1 goes.
    pub fn stdout(mut self, out: impl Write + 'static) -> Self {
        self.stdout = Box::new(out);
        self
    }

    /// Where the guest's fd 2 goes.
    pub fn stderr(mut self, out: impl Write + 'static) -> Self {
        self.stderr = Box::new(out);
        self
    }

    /// Seeds `random_get` deterministically (for reproducible runs and tests) instead of from
    /// the operating system.
    pub fn random_seed(mut self, seed: u64) -> Self {
        self.rng = Rng::seeded(seed);
        self
    }

    /// The code passed to `proc_exit`, once the guest has called it.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    /// Flushes stdout and stderr (errors are ignored: there is nobody left to report them to).
    pub fn flush(&mut self) {
        let _ = self.stdout.flush();
        let _ = self.stderr.flush();
    }

    /// Records the exit code and returns the trap that unwinds the guest.
    pub(crate) fn exit(&mut self, code: i32) -> Trap {
        self.exit_code = Some(code);
        self.flush();
        Trap::host(EXIT_TRAP)
    }
}

/// Whether `trap` is the one [`WasiCtx::exit`] raised.
pub(crate) fn is_exit_trap(trap: &Trap) -> bool {
    trap.code().is_none() && trap.host_message() == Some(EXIT_TRAP)
}

/// An in-memory output sink whose contents can be read back while the [`WasiCtx`] owns a clone
/// (for capturing a guest's stdout/stderr).
#[derive(Clone, Default)]
pub struct OutputPipe(Rc<RefCell<Vec<u8>>>);

impl OutputPipe {
    /// An empty pipe.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.borrow().clone()
    }
}

impl Write for OutputPipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `random_get`'s source: the OS (`/dev/urandom`) when available, otherwise a xoshiro256**
/// stream seeded from the standard library's per-process random hash keys and the clock.
/// Not a cryptographic generator in the fallback case.
pub(crate) enum Rng {
    Os(std::fs::File),
    Prng([u64; 4]),
}

impl Rng {
    fn from_os() -> Self {
        if let Ok(file) = std::fs::File::open("/dev/urandom") {
            return Rng::Os(file);
        }
        use core::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            hasher.write_u128(now.as_nanos());
        }
        Rng::seeded(hasher.finish())
    }

    fn seeded(seed: u64) -> Self {
        // splitmix64 expands the seed into a non-zero xoshiro state.
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng::Prng([next(), next(), next(), next()])
    }

    pub(crate) fn fill(&mut self, buf: &mut [u8]) -> io::Result<()> {
        match self {
            Rng::Os(file) => io::Read::read_exact(file, buf),
            Rng::Prng(s) => {
                for chunk in buf.chunks_mut(8) {
                    let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
                    let t = s[1] << 17;
                    s[2] ^= s[0];
                    s[3] ^= s[1];
                    s[1] ^= s[2];
                    s[0] ^= s[3];
                    s[2] ^= t;
                    s[3] = s[3].rotate_left(45);
                    chunk.copy_from_slice(&result.to_le_bytes()[..chunk.len()]);
                }
                Ok(())
            }
        }
    }
}
