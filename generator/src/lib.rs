//! embwit's WIT tooling.
