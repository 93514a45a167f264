//! The generator behind `cargo xtask` (the binary is `main.rs`): the pinned
//! CertifyOS document → named normalization passes → progenitor → the public
//! surface steps → `generated/`. A library so that the integration tests
//! (golden fixtures, properties, the real document) drive it in process.

pub mod cli;
pub mod compile_times;
pub mod contract;
pub mod docs;
pub mod drift;
pub mod features;
pub mod generate;
pub mod mock;
pub mod model;
pub mod names;
pub mod normalize;
pub mod open_enum;
pub mod operations;
pub mod output;
pub mod pointer;
pub mod release;
pub mod spec;
pub mod surface;
pub mod validate;

/// `cargo`: the one that runs xtask (`$CARGO`), else the first on `PATH`.
pub fn cargo_command() -> std::process::Command {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
