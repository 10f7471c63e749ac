#!/usr/bin/env python3
"""Prints the code and data sizes of a 32- or 64-bit little-endian ELF file, like `llvm-size -A`
summed by kind, without needing LLVM tools: text = allocated executable sections, rodata =
allocated read-only data, data = allocated writable data, bss = allocated zero-initialised.

usage: elf_size.py ELF [--label NAME] [--max-text BYTES] [--components]
Exits 1 if --max-text is given and text exceeds it. --components also sums the sizes of function
symbols by crate and module (Rust legacy mangling), e.g. `embwit_runtime::exec`."""
import argparse
import re
import struct
import sys

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_NOBITS = 8


def sections(data: bytes):
    """Yields (type, flags, offset, size, link, entsize) of every section header."""
    is64 = data[4] == 2
    if is64:
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
    for i in range(shnum):
        off = shoff + i * shentsize
        if is64:
            name, sh_type, flags, _addr, offset, size, link, _info, _align, entsize = \
                struct.unpack_from("<IIQQQQIIQQ", data, off)
        else:
            name, sh_type, flags, _addr, offset, size, link, _info, _align, entsize = \
                struct.unpack_from("<IIIIIIIIII", data, off)
        yield sh_type, flags, offset, size, link, entsize


BUILTINS = re.compile(r"compiler_builtins|^_?_aeabi_|^__|^(memcmp|memcpy|memmove|memset|bcmp)$")


def component(sym: str) -> str:
    """Groups a (mangled) function symbol into a component name."""
    m = re.search(r"embwit_runtime(?:\.\.|\d+)([a-z_]+)", sym)
    if m and "embwit_runtime" in sym:
        return "embwit_runtime::" + m.group(1)
    if BUILTINS.search(sym):
        return "compiler_builtins (soft-float, mem*, 64-bit division)"
    if sym.startswith("OUTLINED_FUNCTION_"):
        return "machine outliner (shared code sequences)"
    if sym == "_start":
        return "_start (the probe, with inlined runtime code)"
    for crate in ("libm", "alloc", "core", "embwit_size_probe"):
        if crate in sym:
            return crate
    return "other"


def components(data: bytes) -> dict:
    SHT_SYMTAB, STT_FUNC = 2, 2
    headers = list(sections(data))
    totals = {}
    for sh_type, _flags, offset, size, link, entsize in headers:
        if sh_type != SHT_SYMTAB:
            continue
        strtab = headers[link]
        for k in range(size // entsize):
            at = offset + k * entsize
            if data[4] == 2:
                name, info, _other, _shndx, _value, sym_size = struct.unpack_from("<IBBHQQ", data, at)
            else:
                name, _value, sym_size, info, _other, _shndx = struct.unpack_from("<IIIBBH", data, at)
            if info & 0xF != STT_FUNC or sym_size == 0:
                continue
            start = strtab[2] + name
            sym = data[start:data.index(b"\0", start)].decode("utf-8", "replace")
            key = component(sym)
            totals[key] = totals.get(key, 0) + sym_size
    return totals


def section_sizes(data: bytes) -> dict:
    if data[:4] != b"\x7fELF" or data[5] != 1:
        raise SystemExit("not a little-endian ELF file")
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for sh_type, flags, _offset, size, _link, _entsize in sections(data):
        if not flags & SHF_ALLOC:
            continue
        if sh_type == SHT_NOBITS:
            sizes["bss"] += size
        elif flags & SHF_EXECINSTR:
            sizes["text"] += size
        elif flags & SHF_WRITE:
            sizes["data"] += size
        else:
            sizes["rodata"] += size
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("elf")
    parser.add_argument("--label", default=None)
    parser.add_argument("--max-text", type=int, default=None)
    parser.add_argument("--components", action="store_true")
    args = parser.parse_args()
    with open(args.elf, "rb") as f:
        data = f.read()
    sizes = section_sizes(data)
    label = args.label or args.elf
    print(f"{label:<30} .text {sizes['text']:>8} B ({sizes['text'] / 1024:.1f} KiB)  "
          f".rodata {sizes['rodata']:>7} B  .data {sizes['data']:>5} B  .bss {sizes['bss']:>6} B")
    if args.components:
        for name, size in sorted(components(data).items(), key=lambda kv: -kv[1]):
            print(f"    {size:>8} B  {name}")
    if args.max_text is not None and sizes["text"] > args.max_text:
        print(f"{label}: .text {sizes['text']} B exceeds the budget of {args.max_text} B",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
