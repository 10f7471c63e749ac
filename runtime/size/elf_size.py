#!/usr/bin/env python3
"""Prints the code and data sizes of a 32- or 64-bit little-endian ELF file, like `llvm-size -A`
summed by kind, without needing LLVM tools: text = allocated executable sections, rodata =
allocated read-only data, data = allocated writable data, bss = allocated zero-initialised.

usage: elf_size.py ELF [--label NAME] [--max-text BYTES]
Exits 1 if --max-text is given and text exceeds it."""
import argparse
import struct
import sys

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_NOBITS = 8


def section_sizes(data: bytes) -> dict:
    if data[:4] != b"\x7fELF" or data[5] != 1:
        raise SystemExit("not a little-endian ELF file")
    is64 = data[4] == 2
    if is64:
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x2E)
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for i in range(shnum):
        off = shoff + i * shentsize
        if is64:
            _, sh_type, flags = struct.unpack_from("<IIQ", data, off)
            size, = struct.unpack_from("<Q", data, off + 0x20)
        else:
            _, sh_type, flags = struct.unpack_from("<III", data, off)
            size, = struct.unpack_from("<I", data, off + 0x14)
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
    args = parser.parse_args()
    with open(args.elf, "rb") as f:
        sizes = section_sizes(f.read())
    label = args.label or args.elf
    print(f"{label:<30} .text {sizes['text']:>8} B ({sizes['text'] / 1024:.1f} KiB)  "
          f".rodata {sizes['rodata']:>7} B  .data {sizes['data']:>5} B  .bss {sizes['bss']:>6} B")
    if args.max_text is not None and sizes["text"] > args.max_text:
        print(f"{label}: .text {sizes['text']} B exceeds the budget of {args.max_text} B",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
