//! The embwit Zig guest SDK: one module per standard applet world (`blinky`, `vision_app`, ...),
//! each the file `embwit gen --lang zig` writes for that world. Use it as a dependency:
//!
//!     const embwit = b.dependency("embwit", .{ .target = target, .optimize = optimize });
//!     root_module.addImport("blinky", embwit.module("blinky"));
//!
//! and build the applet for wasm32-freestanding with `entry = .disabled` and `rdynamic = true`.

const std = @import("std");

/// The worlds under `src/` (checked against the generated files by the generator's tests).
pub const worlds = [_][]const u8{
    "applet_base",
    "applet_manager",
    "blinky",
    "business_logic",
    "inference_stage",
    "isp_algorithm",
    "isp_stage",
    "normalize_stage",
    "vision_app",
};

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{
        .default_target = .{ .cpu_arch = .wasm32, .os_tag = .freestanding },
    });
    const optimize = b.standardOptimizeOption(.{});
    inline for (worlds) |world| {
        _ = b.addModule(world, .{
            .root_source_file = b.path("src/" ++ world ++ ".zig"),
            .target = target,
            .optimize = optimize,
        });
    }
}
