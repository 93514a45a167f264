//! Stage 3, tools over the pipeline: [`drift`] (two documents compared in
//! the crate's terms) and [`release`] (the drift job's version and
//! changelog), [`docs`] (`cargo xtask docs`), [`compile_times`] (`cargo
//! xtask compile-times`). May use both other stages; neither uses it.

pub mod compile_times;
pub mod docs;
pub mod drift;
pub mod release;
