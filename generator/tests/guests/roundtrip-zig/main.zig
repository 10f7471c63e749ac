//! The round-trip guest in Zig (same behaviour as host-macros/tests/guests/embwit): every
//! `guest-fns` export forwards to the matching `host-fns` import and returns the host's answer;
//! `Accumulator` is a resource the guest defines. The bindings are `roundtrip.zig`, generated
//! next to this file by the test. String and byte arguments are freed after forwarding; the
//! nested aggregates are left to the page allocator (this guest lives for one test).

const std = @import("std");
const bindings = @import("roundtrip.zig");

comptime {
    _ = bindings;
}

const host = bindings.embwit.roundtrip.host_fns;
const G = bindings.exports.embwit.roundtrip.guest_fns;

var destroyed_count: u32 = 0;

pub const guest_fns = struct {
    pub fn echoBool(x: bool) bool {
        return host.echoBool(x);
    }

    pub fn echoInts(a: u8, b: i8, c: u16, d: i16, e: u32, f: i32, g: u64, h: i64) @Tuple(&.{ u8, i8, u16, i16, u32, i32, u64, i64 }) {
        return host.echoInts(a, b, c, d, e, f, g, h);
    }

    pub fn echoFloats(a: f32, b: f64) @Tuple(&.{ f32, f64 }) {
        return host.echoFloats(a, b);
    }

    pub fn echoChar(c: u21) u21 {
        return host.echoChar(c);
    }

    pub fn echoString(s: []const u8) []const u8 {
        defer bindings.allocator.free(s);
        return host.echoString(bindings.allocator, s);
    }

    pub fn echoBytes(b: []const u8) []const u8 {
        defer bindings.allocator.free(b);
        return host.echoBytes(bindings.allocator, b);
    }

    pub fn echoStrings(s: []const []const u8) []const []const u8 {
        return host.echoStrings(bindings.allocator, s);
    }

    pub fn echoEverything(e: G.Everything) G.Everything {
        return host.echoEverything(bindings.allocator, e);
    }

    pub fn echoShape(s: G.Shape) G.Shape {
        return host.echoShape(bindings.allocator, s);
    }

    pub fn echoColor(c: G.Color) G.Color {
        return host.echoColor(c);
    }

    pub fn echoPerms(p: G.Perms) G.Perms {
        return host.echoPerms(p);
    }

    pub fn echoOption(o: ?[]const u8) ?[]const u8 {
        return host.echoOption(bindings.allocator, o);
    }

    pub fn echoResult(r: bindings.Result(u32, []const u8)) bindings.Result(u32, []const u8) {
        return host.echoResult(bindings.allocator, r);
    }

    pub fn echoDeep(d: G.Deep) G.Deep {
        return host.echoDeep(bindings.allocator, d);
    }

    pub fn manyArgs(a1: u8, a2: u16, a3: u32, a4: u64, a5: i8, a6: i16, a7: i32, a8: i64, a9: f32, a10: f64, a11: u21, a12: bool, a13: []const u8, a14: u32, a15: u32, a16: u32, a17: u32) []const u8 {
        defer bindings.allocator.free(a13);
        return host.manyArgs(bindings.allocator, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17);
    }

    pub fn counters(start: u32) u32 {
        const a = host.Counter.init(start);
        const b = host.Counter.init(10);
        defer b.deinit();
        _ = a.add(5);
        const c = host.Counter.sum(a, b);
        a.deinit();
        const seen = host.counterValue(c);
        _ = c.add(seen);
        return host.consumeCounter(c);
    }

    pub fn passCounter(c: host.Counter) host.Counter {
        _ = c.add(1);
        return c;
    }

    pub fn peekCounter(c: host.Counter) u32 {
        return c.get();
    }

    pub fn destroyed() u32 {
        return destroyed_count;
    }

    pub const Accumulator = struct {
        value: i64,

        pub fn construct(start: i64) G.Accumulator {
            const state = bindings.allocator.create(Accumulator) catch @panic("out of memory");
            state.* = .{ .value = start };
            return G.Accumulator.new(state);
        }

        pub fn add(self: *Accumulator, n: i64) i64 {
            self.value += n;
            return self.value;
        }

        pub fn total(self: *Accumulator) i64 {
            return self.value;
        }

        pub fn merge(a: G.Accumulator, b: *Accumulator) G.Accumulator {
            const sum = a.rep().value + b.value;
            a.deinit();
            return construct(sum);
        }

        /// The host dropped the last handle.
        pub fn deinit(self: *Accumulator) void {
            bindings.allocator.destroy(self);
            destroyed_count += 1;
        }
    };
};
