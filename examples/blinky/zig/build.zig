//! Builds zig-out/bin/blinky.wasm, a core module for world `embwit:applet/blinky` carrying its
//! `component-type` section. One command: `zig build` (here: `python3 -m ziglang build`).

const std = @import("std");

pub fn build(b: *std.Build) void {
    const target = b.resolveTargetQuery(.{ .cpu_arch = .wasm32, .os_tag = .freestanding });
    const optimize = b.option(std.builtin.OptimizeMode, "optimize", "Optimization mode (default small)") orelse .small;
    const embwit = b.dependency("embwit", .{ .target = target, .optimize = optimize });
    const exe = b.addExecutable(.{
        .name = "blinky",
        .root_module = b.createModule(.{
            .root_source_file = b.path("src/main.zig"),
            .target = target,
            .optimize = optimize,
            .imports = &.{.{ .name = "blinky", .module = embwit.module("blinky") }},
        }),
    });
    exe.entry = .disabled;
    exe.rdynamic = true;
    b.installArtifact(exe);
}
