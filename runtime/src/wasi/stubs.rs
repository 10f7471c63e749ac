//! The rest of WASI preview1: defined so that programs importing them link, but unsupported.
//! Functions taking a file descriptor first answer `EBADF` for descriptors other than 0–2
//! (there are no preopened directories or open files, so that is the true answer) and `ENOSYS`
//! otherwise; the others answer `ENOSYS`.

use super::MODULE;
use super::errno::{BADF, NOSYS};
use crate::{Caller, Error, FuncType, Linker, Val, ValType};

/// Name, parameter signature (`i` = i32, `I` = i64; every result is one i32 errno) and whether
/// the first parameter is a file descriptor.
const STUBS: &[(&str, &str, bool)] = &[
    ("fd_advise", "iIIi", true),
    ("fd_allocate", "iII", true),
    ("fd_close", "i", true),
    ("fd_datasync", "i", true),
    ("fd_fdstat_set_flags", "ii", true),
    ("fd_fdstat_set_rights", "iII", true),
    ("fd_filestat_get", "ii", true),
    ("fd_filestat_set_size", "iI", true),
    ("fd_filestat_set_times", "iIIi", true),
    ("fd_pread", "iiiIi", true),
    ("fd_prestat_get", "ii", true),
    ("fd_prestat_dir_name", "iii", true),
    ("fd_pwrite", "iiiIi", true),
    ("fd_readdir", "iiiIi", true),
    ("fd_renumber", "ii", true),
    ("fd_seek", "iIii", true),
    ("fd_sync", "i", true),
    ("fd_tell", "ii", true),
    ("path_create_directory", "iii", true),
    ("path_filestat_get", "iiiii", true),
    ("path_filestat_set_times", "iiiiIIi", true),
    ("path_link", "iiiiiii", true),
    ("path_open", "iiiiiIIii", true),
    ("path_readlink", "iiiiii", true),
    ("path_remove_directory", "iii", true),
    ("path_rename", "iiiiii", true),
    ("path_symlink", "iiiii", false),
    ("path_unlink_file", "iii", true),
    ("poll_oneoff", "iiii", false),
    ("proc_raise", "i", false),
    ("sock_accept", "iii", true),
    ("sock_recv", "iiiiii", true),
    ("sock_send", "iiiii", true),
    ("sock_shutdown", "ii", true),
];

pub(super) fn add_stubs<T: 'static>(linker: &mut Linker<T>) -> Result<(), Error> {
    for &(name, sig, takes_fd) in STUBS {
        let params = sig.bytes().map(|c| {
            if c == b'I' {
                ValType::I64
            } else {
                ValType::I32
            }
        });
        let ty = FuncType::new(params, [ValType::I32]);
        linker.func_new(
            MODULE,
            name,
            ty,
            move |_c: Caller<'_, T>, params: &[Val], results: &mut [Val]| {
                let bad_fd = takes_fd && !matches!(params.first(), Some(Val::I32(0..=2)));
                if let Some(result) = results.first_mut() {
                    *result = Val::I32(if bad_fd { BADF } else { NOSYS });
                }
                Ok(())
            },
        )?;
    }
    Ok(())
}

/// The names of the stubbed functions (for tests and documentation).
#[cfg(test)]
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    STUBS.iter().map(|s| s.0)
}
