//! embwit's WIT tooling.

pub mod codegen;
