//! WASI preview1 subset (work in progress).
