# embwit.mk: build rules for C applets. Include it from an applet Makefile after setting WORLD:
#
#   WORLD := blinky
#   include path/to/guest-sdks/c/embwit.mk
#   app.wasm: app.c ; $(EMBWIT_LINK) -o $@ app.c $(EMBWIT_BINDINGS_C)
#
# TOOLCHAIN=clang (default; Debian clang-19 + lld-19) or TOOLCHAIN=zig (`zig cc`, from
# PyPI ziglang==0.17.1; set ZIG to how zig is started, default `zig`).
# The result is a core module with the world's `component-type` section: `wit-component`
# (or `wasm-tools component new`) turns it into a component.

EMBWIT_SDK := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
TOOLCHAIN ?= clang
CLANG ?= clang-19
ZIG ?= zig

ifeq ($(TOOLCHAIN),zig)
EMBWIT_CC := $(ZIG) cc --target=wasm32-freestanding
else
# clang 19 enables neither bulk memory nor non-trapping float-to-int: without bulk memory,
# copies become calls to a libc `memcpy`.
EMBWIT_CC := $(CLANG) --target=wasm32-unknown-unknown -mbulk-memory -mnontrapping-fptoint
endif

EMBWIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -pedantic -Os \
  -I$(EMBWIT_SDK)/include -I$(EMBWIT_SDK)/bindings
EMBWIT_LDFLAGS := -nostdlib -Wl,--no-entry -Wl,--strip-debug
EMBWIT_BINDINGS_C := $(EMBWIT_SDK)/bindings/$(subst -,_,$(WORLD)).c
EMBWIT_LINK := $(EMBWIT_CC) $(EMBWIT_CFLAGS) $(EMBWIT_LDFLAGS)
