//! embwit's WIT tooling: loading and checking the embedded WIT packages, listing and documenting
//! their worlds, and generating bindings from them.

pub mod codegen;
pub mod doc;
pub mod load;
pub mod wit_text;
pub mod worlds;
