//! Stage 2, emit: from the normalized document to every file codegen
//! writes. [`generate`] runs progenitor and returns [`generate::Generated`];
//! [`surface`] shapes the client's public surface, [`operations`] the
//! operations table, [`names`] the names the facade reads, [`features`] the
//! cargo features, [`mock`] the typed mocks, [`cli`] the command line,
//! [`contract`] the contract tests' calls; [`output`] writes or compares.
//! Depends on the load stage only.

pub mod cli;
pub mod contract;
pub mod features;
pub mod generate;
pub mod mock;
pub mod names;
pub mod open_enum;
pub mod operations;
pub mod output;
pub mod surface;
