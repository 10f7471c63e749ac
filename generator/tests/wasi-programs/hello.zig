//! A Zig program for wasm32-wasi, run by `embwit run` in ../cli_run.rs: prints through
//! std.debug.print (stderr) and exits with code 5.
const std = @import("std");

pub fn main() void {
    std.debug.print("hello from zig {d}\n", .{42});
    std.process.exit(5);
}
