//! Host bindings macro (work in progress).
