//! Stage 1, load and normalize: the pinned document read and checked
//! against its pin ([`spec`]), refused where it is bad input ([`validate`]),
//! run through the named repair and adapt passes ([`normalize`], which work
//! on the raw JSON through [`model`]: the `x-certifyos-*` extensions, the
//! tenant header, the operation iterator), then read typed
//! ([`document::Document`]) by every later stage. Depends on no other stage.

pub mod document;
pub mod model;
pub mod normalize;
pub mod pointer;
pub mod spec;
pub mod validate;
