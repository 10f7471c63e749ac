//! Exports every workload of `../kernels.rs` as `extern "C" fn(u32) -> u32` under its name.
#![no_std]

#[allow(dead_code)] // the workload table is only used by the native side
#[path = "../kernels.rs"]
mod kernels;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

macro_rules! export {
    ($($name:ident),*) => {$(
        #[unsafe(no_mangle)]
        pub extern "C" fn $name(arg: u32) -> u32 {
            kernels::$name(arg)
        }
    )*};
}

export!(fib, sieve, matmul, sha256, demosaic, conv_int8, lz, mixed);
