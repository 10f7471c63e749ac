# CMake toolchain file: freestanding wasm32 applets with `zig cc` (PyPI ziglang==0.17.1).
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=path/to/guest-sdks/c/cmake/wasm32-zig-cc.cmake \
#         -DEMBWIT_ZIG=path/to/zig
# EMBWIT_ZIG defaults to `zig` on PATH; the PyPI wheel puts the binary at
# `<venv>/lib/python3.*/site-packages/ziglang/zig`.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
if(NOT EMBWIT_ZIG)
  set(EMBWIT_ZIG "zig")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EMBWIT_ZIG)
set(CMAKE_C_COMPILER "${EMBWIT_ZIG}")
set(CMAKE_C_COMPILER_ARG1 "cc")
set(CMAKE_C_FLAGS_INIT "--target=wasm32-freestanding")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -Wl,--no-entry")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
