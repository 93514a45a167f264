//! The builders' setters convert their argument with one of these: one
//! generic function each, where every setter had a closure and a
//! `format!` of its own. The messages are typify's and progenitor's.

use std::fmt::Display;

/// A request type's builder (typify): the value, or `{message}: {error}`.
// A build of tags whose setters have no such shape leaves it unused.
#[cfg_attr(not(feature = "default"), allow(dead_code))]
pub(crate) fn converted<V, T>(value: V, message: &'static str) -> Result<T, String>
where
    V: TryInto<T>,
    V::Error: Display,
{
    value.try_into().map_err(|e| format!("{message}: {e}"))
}

/// An operation's optional parameter (progenitor): the value, or `message`.
// A build of tags whose setters have no such shape leaves it unused.
#[cfg_attr(not(feature = "default"), allow(dead_code))]
pub(crate) fn optional<V, T>(value: V, message: &'static str) -> Result<Option<T>, String>
where
    V: TryInto<T>,
{
    required(value, message).map(Some)
}

/// An operation's required parameter (progenitor): the value, or `message`.
// A build of tags whose setters have no such shape leaves it unused.
#[cfg_attr(not(feature = "default"), allow(dead_code))]
pub(crate) fn required<V, T>(value: V, message: &'static str) -> Result<T, String>
where
    V: TryInto<T>,
{
    value.try_into().map_err(|_| message.to_string())
}

/// An operation's body (progenitor): its builder, or `{message}: {error}`.
// A build of tags whose setters have no such shape leaves it unused.
#[cfg_attr(not(feature = "default"), allow(dead_code))]
pub(crate) fn body<V, T, B>(value: V, message: &'static str) -> Result<B, String>
where
    V: TryInto<T>,
    V::Error: Display,
    B: From<T>,
{
    converted(value, message).map(B::from)
}
