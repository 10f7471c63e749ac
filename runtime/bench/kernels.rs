//! Benchmark workloads, written once and compiled twice: into the wasm guest (`guest/lib.rs`) and
//! natively into `embwit-bench` (both include this file with `#[path]`).
//!
//! Every workload is `fn(u32) -> u32`: the argument scales the amount of work, the result is a
//! checksum over everything computed, so the three engines can be compared for agreement and the
//! optimiser cannot drop the work. The code is `no_std`, allocation-free (buffers live on the
//! stack, which is linear memory in the wasm build) and has no `unsafe`.

/// Recursive Fibonacci: call-heavy (one wasm call per node), tiny frames.
pub fn fib(n: u32) -> u32 {
    if n < 2 {
        n
    } else {
        fib(n - 1).wrapping_add(fib(n - 2))
    }
}

const SIEVE_LEN: usize = 16 * 1024;

/// Sieve of Eratosthenes over 16 Ki flags, `reps` times: byte loads/stores in tight loops.
pub fn sieve(reps: u32) -> u32 {
    let mut flags = [0u8; SIEVE_LEN];
    let mut total = 0u32;
    for r in 0..reps {
        flags.fill(1);
        let mut count = 0u32;
        let mut i = 2;
        while i < SIEVE_LEN {
            if flags[i] != 0 {
                count += 1;
                let mut j = i * i;
                while j < SIEVE_LEN {
                    flags[j] = 0;
                    j += i;
                }
            }
            i += 1;
        }
        total = total.wrapping_mul(31).wrapping_add(count ^ r);
    }
    total
}

const MAT_N: usize = 40;

/// Dense i32 matrix multiply of two 40×40 matrices, `reps` times with varying contents.
pub fn matmul(reps: u32) -> u32 {
    let mut a = [0i32; MAT_N * MAT_N];
    let mut b = [0i32; MAT_N * MAT_N];
    let mut c = [0i32; MAT_N * MAT_N];
    let mut sum = 0u32;
    for r in 0..reps {
        for i in 0..MAT_N {
            for j in 0..MAT_N {
                a[i * MAT_N + j] = ((i * 7 + j * 3 + r as usize) % 17) as i32 - 8;
                b[i * MAT_N + j] = ((i * 5 + j * 11 + 2 * r as usize) % 13) as i32 - 6;
            }
        }
        for i in 0..MAT_N {
            for j in 0..MAT_N {
                let mut acc = 0i32;
                for k in 0..MAT_N {
                    acc = acc.wrapping_add(a[i * MAT_N + k].wrapping_mul(b[k * MAT_N + j]));
                }
                c[i * MAT_N + j] = acc;
            }
        }
        for (i, v) in c.iter().enumerate() {
            sum = sum.rotate_left(5) ^ (*v as u32).wrapping_add(i as u32);
        }
    }
    sum
}

const SHA_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256_block(h: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for (i, word) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for i in 16..64 {
        let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
        let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16]
            .wrapping_add(s0)
            .wrapping_add(w[i - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = *h;
    for i in 0..64 {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = hh
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(SHA_K[i])
            .wrapping_add(w[i]);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(maj);
        hh = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (x, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
        *x = x.wrapping_add(v);
    }
}

/// SHA-256 (FIPS 180-4) of `msg`.
pub fn sha256_digest(msg: &[u8]) -> [u32; 8] {
    let mut h = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut chunks = msg.chunks_exact(64);
    for chunk in &mut chunks {
        let mut block = [0u8; 64];
        block.copy_from_slice(chunk);
        sha256_block(&mut h, &block);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    let bits = (msg.len() as u64).wrapping_mul(8);
    tail[tail_len - 8..tail_len].copy_from_slice(&bits.to_be_bytes());
    for chunk in tail[..tail_len].chunks_exact(64) {
        let mut block = [0u8; 64];
        block.copy_from_slice(chunk);
        sha256_block(&mut h, &block);
    }
    h
}

/// Hashes a 1 KiB message `reps` times, feeding each digest back into the message.
pub fn sha256(reps: u32) -> u32 {
    let mut msg = [0u8; 1024];
    for (i, b) in msg.iter_mut().enumerate() {
        *b = (i as u32).wrapping_mul(2_654_435_761).rotate_right(13) as u8;
    }
    let mut h = [0u32; 8];
    for _ in 0..reps {
        h = sha256_digest(&msg);
        for (i, word) in h.iter().enumerate() {
            msg[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
        }
    }
    h[0] ^ h[7]
}

const BAYER_W: usize = 64;
const BAYER_H: usize = 48;

/// Bilinear demosaic of a 64×48 RGGB Bayer frame (u8) into RGB, `reps` frames.
pub fn demosaic(reps: u32) -> u32 {
    let mut raw = [0u8; BAYER_W * BAYER_H];
    let mut rgb = [0u8; BAYER_W * BAYER_H * 3];
    let mut sum = 0u32;
    for r in 0..reps {
        for y in 0..BAYER_H {
            for x in 0..BAYER_W {
                raw[y * BAYER_W + x] = ((x * 3 + y * 5 + r as usize * 7) ^ (x * y)) as u8;
            }
        }
        let px = |x: isize, y: isize| -> u32 {
            let x = x.clamp(0, BAYER_W as isize - 1) as usize;
            let y = y.clamp(0, BAYER_H as isize - 1) as usize;
            raw[y * BAYER_W + x] as u32
        };
        for y in 0..BAYER_H as isize {
            for x in 0..BAYER_W as isize {
                let c = px(x, y);
                let cross = (px(x - 1, y) + px(x + 1, y) + px(x, y - 1) + px(x, y + 1)) / 4;
                let diag =
                    (px(x - 1, y - 1) + px(x + 1, y - 1) + px(x - 1, y + 1) + px(x + 1, y + 1)) / 4;
                let horiz = (px(x - 1, y) + px(x + 1, y)) / 2;
                let vert = (px(x, y - 1) + px(x, y + 1)) / 2;
                let (red, green, blue) = match (y & 1, x & 1) {
                    (0, 0) => (c, cross, diag),
                    (0, _) => (horiz, c, vert),
                    (_, 0) => (vert, c, horiz),
                    _ => (diag, cross, c),
                };
                let o = (y as usize * BAYER_W + x as usize) * 3;
                rgb[o] = red as u8;
                rgb[o + 1] = green as u8;
                rgb[o + 2] = blue as u8;
            }
        }
        for (i, v) in rgb.iter().enumerate() {
            sum = sum.wrapping_mul(33).wrapping_add(*v as u32 ^ i as u32);
        }
    }
    sum
}

const CONV_HW: usize = 16;
const CONV_CIN: usize = 8;
const CONV_COUT: usize = 8;

/// int8 3×3 convolution (16×16×8 → 16×16×8, zero padding, i32 accumulators, requantised to i8
/// with a fixed-point multiplier), `reps` times with varying input.
pub fn conv_int8(reps: u32) -> u32 {
    let mut input = [0i8; CONV_HW * CONV_HW * CONV_CIN];
    let mut weights = [0i8; CONV_COUT * 3 * 3 * CONV_CIN];
    let mut output = [0i8; CONV_HW * CONV_HW * CONV_COUT];
    for (i, w) in weights.iter_mut().enumerate() {
        *w = ((i * 37 + 11) % 255) as i32 as i8;
    }
    let mut sum = 0u32;
    for r in 0..reps {
        for (i, v) in input.iter_mut().enumerate() {
            *v = ((i as u32).wrapping_mul(97).wrapping_add(r * 13) % 251) as u8 as i8;
        }
        for y in 0..CONV_HW {
            for x in 0..CONV_HW {
                for oc in 0..CONV_COUT {
                    let mut acc: i32 = (oc as i32 - 4) * 64;
                    for ky in 0..3 {
                        let iy = y as isize + ky as isize - 1;
                        if iy < 0 || iy >= CONV_HW as isize {
                            continue;
                        }
                        for kx in 0..3 {
                            let ix = x as isize + kx as isize - 1;
                            if ix < 0 || ix >= CONV_HW as isize {
                                continue;
                            }
                            let ibase = (iy as usize * CONV_HW + ix as usize) * CONV_CIN;
                            let wbase = ((oc * 3 + ky) * 3 + kx) * CONV_CIN;
                            for ic in 0..CONV_CIN {
                                acc += input[ibase + ic] as i32 * weights[wbase + ic] as i32;
                            }
                        }
                    }
                    // Requantise: acc * 0.0123 in Q15, rounded, clamped to i8.
                    let scaled = ((acc as i64 * 403 + (1 << 14)) >> 15) as i32;
                    output[(y * CONV_HW + x) * CONV_COUT + oc] = scaled.clamp(-128, 127) as i8;
                }
            }
        }
        for (i, v) in output.iter().enumerate() {
            sum = sum.rotate_left(3) ^ (*v as u8 as u32).wrapping_add(i as u32);
        }
    }
    sum
}

const LZ_LEN: usize = 8 * 1024;
const LZ_HASH_BITS: u32 = 12;
const LZ_MIN_MATCH: usize = 4;
const LZ_MAX_MATCH: usize = LZ_MIN_MATCH + 255;
const LZ_WINDOW: usize = 4096;

/// Fills `buf` with word-based pseudo text (compressible, with repeats) from an LCG.
fn lz_text(buf: &mut [u8], seed: u32) {
    const WORDS: [&[u8]; 16] = [
        b"the ",
        b"wasm ",
        b"module ",
        b"applet ",
        b"of ",
        b"and ",
        b"device ",
        b"memory ",
        b"register ",
        b"to ",
        b"interpreter ",
        b"a ",
        b"embedded ",
        b"in ",
        b"flash ",
        b"led ",
    ];
    let mut state = seed.wrapping_mul(747_796_405).wrapping_add(1);
    let mut i = 0;
    while i < buf.len() {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let word = WORDS[(state >> 16) as usize % WORDS.len()];
        for &b in word {
            if i < buf.len() {
                buf[i] = b;
                i += 1;
            }
        }
    }
}

/// LZ77 compression with a hash table of last positions. Format: a literal run is
/// `0x00, len(1..=255), bytes`; a match is `len - LZ_MIN_MATCH + 1` (1..=255 would clash with the
/// literal tag 0, so lengths are biased by one), then a 2-byte little-endian distance.
/// Returns the compressed length, or `None` if `out` is too small.
fn lz_compress(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut table = [u16::MAX; 1 << LZ_HASH_BITS];
    let mut o = 0;
    let mut lit_start = 0;
    let mut i = 0;
    let flush = |out: &mut [u8], o: &mut usize, lits: &[u8]| -> Option<()> {
        for run in lits.chunks(255) {
            let end = *o + 2 + run.len();
            let dst = out.get_mut(*o..end)?;
            dst[0] = 0;
            dst[1] = run.len() as u8;
            dst[2..].copy_from_slice(run);
            *o = end;
        }
        Some(())
    };
    while i + LZ_MIN_MATCH <= input.len() {
        let key = u32::from_le_bytes([input[i], input[i + 1], input[i + 2], input[i + 3]]);
        let h = (key.wrapping_mul(2_654_435_761) >> (32 - LZ_HASH_BITS)) as usize;
        let cand = table[h] as usize;
        table[h] = i as u16;
        if cand != u16::MAX as usize && cand < i && i - cand <= LZ_WINDOW {
            let mut len = 0;
            while i + len < input.len() && len < LZ_MAX_MATCH && input[cand + len] == input[i + len]
            {
                len += 1;
            }
            if len >= LZ_MIN_MATCH {
                flush(out, &mut o, &input[lit_start..i])?;
                let dist = (i - cand) as u16;
                let dst = out.get_mut(o..o + 3)?;
                dst[0] = (len - LZ_MIN_MATCH + 1) as u8;
                dst[1..3].copy_from_slice(&dist.to_le_bytes());
                o += 3;
                i += len;
                lit_start = i;
                continue;
            }
        }
        i += 1;
    }
    flush(out, &mut o, &input[lit_start..])?;
    Some(o)
}

/// Inverse of [`lz_compress`]. Returns the decompressed length, or `None` on malformed input.
fn lz_decompress(input: &[u8], out: &mut [u8]) -> Option<usize> {
    let mut i = 0;
    let mut o = 0;
    while i < input.len() {
        let tag = input[i] as usize;
        if tag == 0 {
            let len = *input.get(i + 1)? as usize;
            let src = input.get(i + 2..i + 2 + len)?;
            out.get_mut(o..o + len)?.copy_from_slice(src);
            i += 2 + len;
            o += len;
        } else {
            let len = tag - 1 + LZ_MIN_MATCH;
            let dist = u16::from_le_bytes([*input.get(i + 1)?, *input.get(i + 2)?]) as usize;
            if dist == 0 || dist > o || o + len > out.len() {
                return None;
            }
            for k in 0..len {
                out[o + k] = out[o + k - dist];
            }
            i += 3;
            o += len;
        }
    }
    Some(o)
}

/// A whole program: generate 8 KiB of text, LZ77-compress it, decompress it and verify the round
/// trip, `reps` times. Returns a checksum of compressed sizes and data (or `u32::MAX` on failure).
pub fn lz(reps: u32) -> u32 {
    let mut text = [0u8; LZ_LEN];
    let mut packed = [0u8; LZ_LEN + LZ_LEN / 64 + 16];
    let mut unpacked = [0u8; LZ_LEN];
    let mut sum = 0u32;
    for r in 0..reps {
        lz_text(&mut text, r);
        let Some(n) = lz_compress(&text, &mut packed) else {
            return u32::MAX;
        };
        let Some(m) = lz_decompress(&packed[..n], &mut unpacked) else {
            return u32::MAX;
        };
        if m != LZ_LEN || unpacked != text {
            return u32::MAX;
        }
        for &b in &packed[..n] {
            sum = sum.wrapping_mul(31).wrapping_add(b as u32);
        }
        sum = sum.wrapping_add(n as u32);
    }
    sum
}

/// A CoreMark-flavoured mix: a linked list in an index arena (insert sorted, reverse, search),
/// a small state machine over generated input, and CRC-16 over the results.
pub fn mixed(reps: u32) -> u32 {
    const NODES: usize = 256;
    let mut next = [0u16; NODES];
    let mut value = [0i16; NODES];
    let mut crc = 0xffffu16;
    let crc16 = |mut crc: u16, data: u16| -> u16 {
        for b in data.to_le_bytes() {
            crc ^= b as u16;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xa001
                } else {
                    crc >> 1
                };
            }
        }
        crc
    };
    for r in 0..reps {
        // Sorted insertion into a list threaded through `next`; u16::MAX ends it.
        let mut head = u16::MAX;
        let mut seed = r.wrapping_mul(0x9e37_79b9) | 1;
        for n in 0..NODES {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            value[n] = (seed >> 7) as i16;
            let mut prev = u16::MAX;
            let mut cur = head;
            while cur != u16::MAX && value[cur as usize] < value[n] {
                prev = cur;
                cur = next[cur as usize];
            }
            next[n] = cur;
            if prev == u16::MAX {
                head = n as u16;
            } else {
                next[prev as usize] = n as u16;
            }
        }
        // Reverse it.
        let mut rev = u16::MAX;
        let mut cur = head;
        while cur != u16::MAX {
            let nx = next[cur as usize];
            next[cur as usize] = rev;
            rev = cur;
            cur = nx;
        }
        // Walk it: sum, and find values divisible by 7.
        let mut cur = rev;
        let mut pos = 0u16;
        while cur != u16::MAX {
            if value[cur as usize] % 7 == 0 {
                crc = crc16(crc, pos);
            }
            crc = crc16(crc, value[cur as usize] as u16);
            pos += 1;
            cur = next[cur as usize];
        }
        // State machine: classify a generated character stream as numbers/words/other.
        let mut state = 0u8;
        let mut counts = [0u16; 4];
        for k in 0..512u32 {
            let ch = b"12a,.-9 zq+3e5x"[((k.wrapping_mul(r + 7)) % 15) as usize];
            state = match (state, ch) {
                (_, b'0'..=b'9') if state != 2 => 1,
                (1, b'.') => 3,
                (3, b'0'..=b'9') => 3,
                (_, b'a'..=b'z') => 2,
                (2, b'0'..=b'9') => 2,
                _ => 0,
            };
            counts[state as usize] = counts[state as usize].wrapping_add(1);
        }
        for c in counts {
            crc = crc16(crc, c);
        }
    }
    crc as u32 | (reps << 16)
}

/// One benchmark workload: its export name in the guest, the native function, and the argument
/// used for timing (`bench_arg`) and for the quick agreement test (`test_arg`).
pub struct Workload {
    pub name: &'static str,
    pub native: fn(u32) -> u32,
    pub bench_arg: u32,
    pub test_arg: u32,
}

/// All workloads, in report order. The guest exports each under `name`.
pub const WORKLOADS: &[Workload] = &[
    Workload {
        name: "fib",
        native: fib,
        bench_arg: 30,
        test_arg: 12,
    },
    Workload {
        name: "sieve",
        native: sieve,
        bench_arg: 80,
        test_arg: 1,
    },
    Workload {
        name: "matmul",
        native: matmul,
        bench_arg: 40,
        test_arg: 1,
    },
    Workload {
        name: "sha256",
        native: sha256,
        bench_arg: 200,
        test_arg: 2,
    },
    Workload {
        name: "demosaic",
        native: demosaic,
        bench_arg: 60,
        test_arg: 1,
    },
    Workload {
        name: "conv_int8",
        native: conv_int8,
        bench_arg: 20,
        test_arg: 1,
    },
    Workload {
        name: "lz",
        native: lz,
        bench_arg: 30,
        test_arg: 1,
    },
    Workload {
        name: "mixed",
        native: mixed,
        bench_arg: 60,
        test_arg: 1,
    },
];
