//! Stage 1, load and normalize: the pinned document read and checked
//! against its pin ([`spec`]), refused where it is bad input ([`validate`]),
//! run through the named repair and adapt passes ([`normalize`]), and read
//! through the document model ([`model`]: the `x-certifyos-*` extensions,
//! the names found in the document, the operation iterator). Depends on no
//! other stage.

pub mod model;
pub mod normalize;
pub mod pointer;
pub mod spec;
pub mod validate;
