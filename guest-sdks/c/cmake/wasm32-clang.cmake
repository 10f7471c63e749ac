# CMake toolchain file: freestanding wasm32 applets with Debian clang-19 + lld-19.
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=path/to/guest-sdks/c/cmake/wasm32-clang.cmake
# Then `include(path/to/guest-sdks/c/cmake/embwit.cmake)` and `embwit_applet(name world sources...)`.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(EMBWIT_CLANG "clang-19" CACHE STRING "clang driver for wasm32")
set(CMAKE_C_COMPILER "${EMBWIT_CLANG}")
set(CMAKE_C_COMPILER_TARGET wasm32-unknown-unknown)
# clang 19 enables neither bulk memory nor non-trapping float-to-int: without bulk memory,
# copies become calls to a libc `memcpy`.
set(CMAKE_C_FLAGS_INIT "-mbulk-memory -mnontrapping-fptoint")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -Wl,--no-entry")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
