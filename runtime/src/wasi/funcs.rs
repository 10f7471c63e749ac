//! The implemented WASI preview1 functions. Every guest pointer is bounds-checked through the
//! memory API (a bad pointer gives `EFAULT`, never a host panic), and no allocation is sized by
//! a guest-supplied count before that count has been checked against the memory size.

use alloc::vec::Vec;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use super::errno::{BADF, FAULT, INVAL, IO, NOSYS, OVERFLOW, SUCCESS};
use super::{MODULE, WasiCtx, stubs};
use crate::{Caller, Error, Linker, Memory, Trap};

type Errno = i32;

/// At most this many bytes leave one `fd_write` call; the rest is reported as not written (a
/// short write, which guests retry), so a hostile iovec list cannot make the host loop for long.
const MAX_WRITE_PER_CALL: u64 = 16 << 20;

/// Defines every `wasi_snapshot_preview1` function in `linker`. `get` projects the store's data
/// onto its [`WasiCtx`].
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WasiCtx,
) -> Result<(), Error> {
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        move |mut c: Caller<'_, T>, count: i32, size: i32| {
            let list = get(c.data_mut()).args.clone();
            Ok(errno(sizes_get(&mut c, &list, count as u32, size as u32)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "args_get",
        move |mut c: Caller<'_, T>, argv: i32, buf: i32| {
            let list = get(c.data_mut()).args.clone();
            Ok(errno(strings_get(&mut c, &list, argv as u32, buf as u32)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        move |mut c: Caller<'_, T>, count: i32, size: i32| {
            let list = get(c.data_mut()).env.clone();
            Ok(errno(sizes_get(&mut c, &list, count as u32, size as u32)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        move |mut c: Caller<'_, T>, envp: i32, buf: i32| {
            let list = get(c.data_mut()).env.clone();
            Ok(errno(strings_get(&mut c, &list, envp as u32, buf as u32)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        move |mut c: Caller<'_, T>, id: i32, out: i32| {
            Ok(errno(match id {
                0..=3 => write_u64(&mut c, out as u32, 1),
                _ => Err(INVAL),
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        move |mut c: Caller<'_, T>, id: i32, _precision: i64, out: i32| {
            let now = match id {
                // realtime
                0 => SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0),
                // monotonic; process and thread CPU time are approximated by it.
                1..=3 => get(c.data_mut()).start.elapsed().as_nanos() as u64,
                _ => return Ok(INVAL),
            };
            Ok(errno(write_u64(&mut c, out as u32, now)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        move |mut c: Caller<'_, T>, fd: i32, iovs: i32, len: i32, nwritten: i32| {
            Ok(errno(fd_write(
                &mut c,
                get,
                fd,
                iovs as u32,
                len as u32,
                nwritten as u32,
            )))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        move |mut c: Caller<'_, T>, fd: i32, _iovs: i32, _len: i32, nread: i32| {
            // stdin is always at end of file.
            Ok(errno(match fd {
                0 => write_u32(&mut c, nread as u32, 0),
                1 | 2 => Err(NOSYS),
                _ => Err(BADF),
            }))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        move |mut c: Caller<'_, T>, fd: i32, out: i32| {
            // fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16.
            const CHARACTER_DEVICE: u8 = 2;
            const RIGHT_FD_READ: u64 = 1 << 1;
            const RIGHT_FD_WRITE: u64 = 1 << 6;
            let rights = match fd {
                0 => RIGHT_FD_READ,
                1 | 2 => RIGHT_FD_WRITE,
                _ => return Ok(BADF),
            };
            let mut stat = [0u8; 24];
            stat[0] = CHARACTER_DEVICE;
            stat[8..16].copy_from_slice(&rights.to_le_bytes());
            Ok(errno(write_bytes(&mut c, out as u32, &stat)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "random_get",
        move |mut c: Caller<'_, T>, buf: i32, len: i32| {
            Ok(errno(random_get(&mut c, get, buf as u32, len as u32)))
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", |_c: Caller<'_, T>| Ok(SUCCESS))?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        move |mut c: Caller<'_, T>, code: i32| -> Result<(), Trap> {
            Err(get(c.data_mut()).exit(code))
        },
    )?;
    stubs::add_stubs(linker)
}

fn errno(result: Result<(), Errno>) -> i32 {
    match result {
        Ok(()) => SUCCESS,
        Err(e) => e,
    }
}

fn memory<T>(caller: &Caller<'_, T>) -> Result<Memory, Errno> {
    caller.get_memory("memory").ok_or(FAULT)
}

fn write_bytes<T>(caller: &mut Caller<'_, T>, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
    let mem = memory(caller)?;
    mem.write(&mut *caller, ptr as usize, bytes)
        .map_err(|_| FAULT)
}

fn write_u32<T>(caller: &mut Caller<'_, T>, ptr: u32, value: u32) -> Result<(), Errno> {
    write_bytes(caller, ptr, &value.to_le_bytes())
}

fn write_u64<T>(caller: &mut Caller<'_, T>, ptr: u32, value: u64) -> Result<(), Errno> {
    write_bytes(caller, ptr, &value.to_le_bytes())
}

/// `args_sizes_get` / `environ_sizes_get`: the entry count and the size of the NUL-terminated
/// string buffer.
fn sizes_get<T>(
    caller: &mut Caller<'_, T>,
    list: &[Vec<u8>],
    count_ptr: u32,
    size_ptr: u32,
) -> Result<(), Errno> {
    let count = u32::try_from(list.len()).map_err(|_| OVERFLOW)?;
    let size: usize = list.iter().map(|s| s.len() + 1).sum();
    let size = u32::try_from(size).map_err(|_| OVERFLOW)?;
    write_u32(caller, count_ptr, count)?;
    write_u32(caller, size_ptr, size)
}

/// `args_get` / `environ_get`: a pointer per entry at `ptrs`, the NUL-terminated strings at `buf`.
fn strings_get<T>(
    caller: &mut Caller<'_, T>,
    list: &[Vec<u8>],
    ptrs: u32,
    buf: u32,
) -> Result<(), Errno> {
    let mut pointers = Vec::with_capacity(list.len() * 4);
    let mut strings = Vec::new();
    for s in list {
        let at = u32::try_from(strings.len())
            .ok()
            .and_then(|o| buf.checked_add(o))
            .ok_or(FAULT)?;
        pointers.extend_from_slice(&at.to_le_bytes());
        strings.extend_from_slice(s);
        strings.push(0);
    }
    write_bytes(caller, ptrs, &pointers)?;
    write_bytes(caller, buf, &strings)
}

fn fd_write<T>(
    caller: &mut Caller<'_, T>,
    get: fn(&mut T) -> &mut WasiCtx,
    fd: i32,
    iovs: u32,
    iovs_len: u32,
    nwritten_ptr: u32,
) -> Result<(), Errno> {
    if !(1..=2).contains(&fd) {
        return Err(BADF);
    }
    let mem = memory(caller)?;
    let written = {
        // Guest memory and the WASI state borrowed together: the bytes go straight from linear
        // memory to the sink, without copies.
        let (data, state) = mem.data_and_store_mut(caller);
        let list = guest_slice(data, iovs, iovs_len.checked_mul(8).ok_or(FAULT)?)?;
        let iovec = |iov: &[u8]| {
            let ptr = u32::from_le_bytes([iov[0], iov[1], iov[2], iov[3]]);
            let len = u32::from_le_bytes([iov[4], iov[5], iov[6], iov[7]]);
            guest_slice(data, ptr, len)
        };
        // Like writev: a bad buffer anywhere in the list writes nothing.
        for iov in list.chunks_exact(8) {
            iovec(iov)?;
        }
        let ctx = get(state);
        let sink = if fd == 1 {
            &mut ctx.stdout
        } else {
            &mut ctx.stderr
        };
        let mut written: u64 = 0;
        for iov in list.chunks_exact(8) {
            let bytes = iovec(iov)?;
            let room = (MAX_WRITE_PER_CALL - written) as usize;
            let bytes = &bytes[..bytes.len().min(room)];
            sink.write_all(bytes).map_err(|_| IO)?;
            written += bytes.len() as u64;
            if written >= MAX_WRITE_PER_CALL {
                break;
            }
        }
        written as u32
    };
    write_u32(caller, nwritten_ptr, written)
}

/// `len` bytes of guest memory at `ptr`, or `EFAULT` if any of them is outside it.
fn guest_slice(data: &[u8], ptr: u32, len: u32) -> Result<&[u8], Errno> {
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(FAULT)?;
    data.get(start..end).ok_or(FAULT)
}

fn random_get<T>(
    caller: &mut Caller<'_, T>,
    get: fn(&mut T) -> &mut WasiCtx,
    buf: u32,
    len: u32,
) -> Result<(), Errno> {
    let size = memory(caller)?.data(&*caller).len() as u64;
    if u64::from(buf) + u64::from(len) > size {
        return Err(FAULT);
    }
    let mut chunk = [0u8; 256];
    let mut done = 0u32;
    while done < len {
        let n = (len - done).min(chunk.len() as u32) as usize;
        get(caller.data_mut())
            .rng
            .fill(&mut chunk[..n])
            .map_err(|_| IO)?;
        write_bytes(caller, buf + done, &chunk[..n])?;
        done += n as u32;
    }
    Ok(())
}
