//! The generator behind `cargo xtask` (the binary is `main.rs`): the pinned
//! CertifyOS document → named normalization passes → progenitor → the public
//! surface steps → `generated/`, laid out by stage: [`load`] (read and
//! normalize), [`emit`] (every file codegen writes), [`tools`] (drift,
//! releases, docs, compile times). A library so that the integration tests
//! (golden fixtures, properties, the real document) drive it in process.

pub mod emit;
pub mod load;
pub mod tools;

// Each module by its own name too: `crate::model`, `xtask::drift`.
pub use emit::{
    cli, contract, features, generate, mock, names, open_enum, operations, output, surface,
};
pub use load::{document, model, normalize, pointer, spec, validate};
pub use tools::{compile_times, docs, drift, release};

/// `cargo`: the one that runs xtask (`$CARGO`), else the first on `PATH`.
pub fn cargo_command() -> std::process::Command {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
