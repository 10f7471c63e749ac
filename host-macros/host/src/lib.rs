//! Host glue support (work in progress).
#![no_std]
