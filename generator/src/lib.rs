//! embwit's WIT tooling.

pub mod gen;
