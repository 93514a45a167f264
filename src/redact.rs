//! `Debug` that shows a secret's presence but never its value: used by the
//! generated types whose fields the document calls secrets, passwords or
//! tokens (xtask's `redact_secret_fields` step decides which).

use std::fmt;

/// The marker printed in place of a secret.
const REDACTED: &str = "[redacted]";

/// A value that prints redacted.
pub(crate) trait Redact {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// `{:?}` of a field through [`Redact`].
pub(crate) struct Redacted<'a, T: Redact + ?Sized>(pub(crate) &'a T);

impl<T: Redact + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

impl Redact for String {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Redact for serde_json::Value {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T: Redact> Redact for Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            None => f.write_str("None"),
            Some(value) => f.debug_tuple("Some").field(&Redacted(value)).finish(),
        }
    }
}

/// A typify builder's field: the value redacted, a conversion error shown.
impl<T: Redact, E: fmt::Debug> Redact for Result<T, E> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ok(value) => f.debug_tuple("Ok").field(&Redacted(value)).finish(),
            Err(e) => f.debug_tuple("Err").field(e).finish(),
        }
    }
}

/// Header maps: the names are shown, the values are not.
impl Redact for serde_json::Map<String, serde_json::Value> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (k, Redacted(v))))
            .finish()
    }
}

impl<V: Redact, S> Redact for std::collections::HashMap<String, V, S> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        f.debug_map()
            .entries(entries.into_iter().map(|(k, v)| (k, Redacted(v))))
            .finish()
    }
}

impl<V: Redact> Redact for std::collections::BTreeMap<String, V> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| (k, Redacted(v))))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_hidden_and_shapes_kept() {
        let secret = Some("s3cr3t".to_string());
        assert_eq!(format!("{:?}", Redacted(&secret)), "Some([redacted])");
        let none: Option<String> = None;
        assert_eq!(format!("{:?}", Redacted(&none)), "None");
        let mut headers = serde_json::Map::new();
        headers.insert("X-Api-Key".into(), serde_json::json!("k3y"));
        let shown = format!("{:?}", Redacted(&headers));
        assert_eq!(shown, r#"{"X-Api-Key": [redacted]}"#);
        let failed: Result<String, String> = Err("not a string".into());
        assert_eq!(format!("{:?}", Redacted(&failed)), r#"Err("not a string")"#);
    }
}
