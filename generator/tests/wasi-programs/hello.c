// A C program for wasm32-wasi (wasi-libc), run by `embwit run` in ../cli_run.rs: prints its
// arguments, an environment variable and a clock check, writes to stderr, exits with argv[1].
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    printf("hello from C\n");
    for (int i = 1; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
    const char *g = getenv("GREETING");
    printf("GREETING=%s\n", g ? g : "(unset)");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("clock ok: %d\n", ts.tv_sec > 1577836800);
    fprintf(stderr, "to stderr\n");
    return argc > 1 ? atoi(argv[1]) : 0;
}
