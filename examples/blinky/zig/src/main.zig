//! Blinky in Zig: toggles one granted output pin on every timer tick and logs each change.
//! Same behaviour as examples/blinky/rust:
//! - `init(config)`: `config` is the pin's logical name in UTF-8; empty means "the first pin the
//!   grants allow as an output".
//! - `configure("period-ms", "250")` changes the blink period (default 500 ms).
//! - `start()` opens the pin (inactive) and registers a repeating timer; every `on-ready` with
//!   the timer's token toggles the pin. `stop()` unregisters the timer and releases the pin.

const std = @import("std");
const bindings = @import("blinky");

const events = bindings.embwit.applet.events;
const grants = bindings.embwit.applet.grants;
const pins = bindings.embwit.gpio.pins;
const logging = bindings.embwit.platform.logging;
const Lifecycle = bindings.exports.embwit.applet.lifecycle;

comptime {
    _ = bindings;
}

const tick: events.Token = 1;
const default_period_ms: u64 = 500;

var initialized = false;
var pin_name_buf: [64]u8 = undefined;
var pin_name: []const u8 = &.{};
var period_ms: u64 = default_period_ms;
var pin: ?pins.OutputPin = null;
var toggles: u64 = 0;

fn info(comptime fmt: []const u8, args: anytype) void {
    var buf: [128]u8 = undefined;
    const message = std.fmt.bufPrint(&buf, fmt, args) catch buf[0..];
    logging.log(.info, "blinky", message);
}

/// Error texts are returned to the host and freed after it read them, so they must come from
/// `bindings.allocator`.
fn fail(comptime tag: std.meta.Tag(Lifecycle.Error), message: []const u8) bindings.Result(void, Lifecycle.Error) {
    const text = bindings.allocator.dupe(u8, message) catch @panic("out of memory");
    return .{ .err = @unionInit(Lifecycle.Error, @tagName(tag), text) };
}

fn failFmt(comptime fmt: []const u8, args: anytype) bindings.Result(void, Lifecycle.Error) {
    const text = std.fmt.allocPrint(bindings.allocator, fmt, args) catch @panic("out of memory");
    return .{ .err = .{ .failed = text } };
}

/// The name of a GPIO error case, for messages (the same words the Rust applet prints).
fn gpioErrorName(e: pins.Error) []const u8 {
    return switch (e) {
        .common => "Common",
        .mode_not_granted => "ModeNotGranted",
        .conflicting_config => "ConflictingConfig",
        .wrong_direction => "WrongDirection",
    };
}

fn setPinName(name: []const u8) bool {
    if (name.len == 0 or name.len > pin_name_buf.len) return false;
    @memcpy(pin_name_buf[0..name.len], name);
    pin_name = pin_name_buf[0..name.len];
    return true;
}

/// The first granted pin the applet may drive.
fn firstOutputGrant() bool {
    const gpa = bindings.allocator;
    const caps = grants.granted(gpa);
    defer {
        for (caps) |cap| switch (cap) {
            .gpio => |g| gpa.free(g.name),
            .sensor => |s| gpa.free(s.name),
            .isp, .model, .publish, .subscribe => |s| gpa.free(s),
            else => {},
        };
        gpa.free(caps);
    }
    for (caps) |cap| switch (cap) {
        .gpio => |g| if (g.mode == .output or g.mode == .flex) return setPinName(g.name),
        else => {},
    };
    return false;
}

pub const lifecycle = struct {
    pub fn init(config: []const u8) bindings.Result(void, Lifecycle.Error) {
        defer bindings.allocator.free(config);
        const named = if (config.len == 0) firstOutputGrant() else setPinName(config);
        if (!named) {
            if (config.len == 0) return .{ .err = .{ .common = .denied } };
            return fail(.invalid_config, "pin name must be 1 to 64 bytes");
        }
        initialized = true;
        period_ms = default_period_ms;
        toggles = 0;
        info("init: pin `{s}`", .{pin_name});
        return .{ .ok = {} };
    }

    pub fn configure(key: []const u8, value: []const u8) bindings.Result(void, Lifecycle.Error) {
        defer bindings.allocator.free(key);
        defer bindings.allocator.free(value);
        if (!initialized) return fail(.failed, "configure: before init");
        if (!std.mem.eql(u8, key, "period-ms")) return fail(.invalid_config, "unknown key");
        const ms = std.fmt.parseInt(u64, std.mem.trim(u8, value, " "), 10) catch 0;
        if (ms == 0) return fail(.invalid_config, "period-ms wants a positive integer");
        period_ms = ms;
        info("period set to {d} ms", .{ms});
        return .{ .ok = {} };
    }

    pub fn start() bindings.Result(void, Lifecycle.Error) {
        if (!initialized) return fail(.failed, "start: before init");
        const opened = pins.openOutput(pin_name, .{ .drive = .push_pull, .active_low = false, .initial = .inactive });
        const out = switch (opened) {
            .ok => |p| p,
            .err => |e| return failFmt("open: {s}", .{gpioErrorName(e)}),
        };
        switch (events.every(period_ms * std.time.ns_per_ms, tick)) {
            .ok => {},
            .err => {
                out.deinit();
                return fail(.failed, "timer: refused");
            },
        }
        pin = out;
        info("started: toggling every {d} ms", .{period_ms});
        return .{ .ok = {} };
    }

    pub fn stop() void {
        _ = events.unregister(tick);
        if (pin) |p| {
            p.deinit();
            pin = null;
        }
        if (initialized) info("stopped after {d} toggles", .{toggles});
    }
};

pub const reactor = struct {
    pub fn onReady(ready: []const events.Token) void {
        defer bindings.allocator.free(ready);
        for (ready) |token| {
            if (token != tick) continue;
            const p = pin orelse continue;
            switch (p.toggle()) {
                .ok => {
                    toggles += 1;
                    const level = switch (p.lastSet()) {
                        .active => "active",
                        .inactive => "inactive",
                    };
                    info("tick {d}: pin {s}", .{ toggles, level });
                },
                .err => logging.log(.warn, "blinky", "toggle failed"),
            }
        }
    }
};
