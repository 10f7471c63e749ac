//! A panic handler for `no_std` applets: trap, so the host sees the failure and can restart
//! the applet. Nothing is formatted, which keeps the binary small.

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
