# embwit_applet(<target> <world> <sources>...): a freestanding wasm32 applet for `world`
# (e.g. `blinky`), compiled with the strict flags the SDK itself is tested with and linked with
# the world's generated bindings. Use with one of the toolchain files beside this one.
set(EMBWIT_C_SDK "${CMAKE_CURRENT_LIST_DIR}/.." CACHE INTERNAL "")

function(embwit_applet target world)
  string(REPLACE "-" "_" _world "${world}")
  add_executable(${target} ${ARGN} "${EMBWIT_C_SDK}/bindings/${_world}.c")
  target_include_directories(${target} PRIVATE "${EMBWIT_C_SDK}/include" "${EMBWIT_C_SDK}/bindings")
  target_compile_options(${target} PRIVATE -std=c11 -Wall -Wextra -Werror -pedantic -Os)
  set_target_properties(${target} PROPERTIES SUFFIX ".wasm")
endfunction()
