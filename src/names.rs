//! The names the facade takes from the document, found once by
//! `cargo xtask codegen` and written into `generated/names.rs`: the tenant
//! header, the token operation's method and path, the secret property
//! names. A leaf: the facade's modules read these constants and nothing
//! else spells them.

include!("../generated/names.rs");
