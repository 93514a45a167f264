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

/// How much of a body [`body_text`] shows.
const SHOWN_BODY_CHARS: usize = 4096;

/// A response body as text for an error the user asked to show bodies in:
/// JSON with every property named in `secrets` redacted (a map's values, a
/// value's whole), anything else as text; at most [`SHOWN_BODY_CHARS`]
/// characters.
pub(crate) fn body_text(body: &[u8], secrets: &[&str]) -> String {
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact_secret_properties(&mut value, secrets);
            value.to_string()
        }
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    match text.char_indices().nth(SHOWN_BODY_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], body.len()),
        None => text,
    }
}

fn redact_secret_properties(value: &mut serde_json::Value, secrets: &[&str]) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if !secrets.contains(&key.as_str()) {
                    redact_secret_properties(member, secrets);
                } else if let Value::Object(entries) = member {
                    for entry in entries.values_mut() {
                        *entry = Value::String(REDACTED.into());
                    }
                } else {
                    *member = Value::String(REDACTED.into());
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| redact_secret_properties(item, secrets)),
        _ => {}
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

    #[test]
    fn shown_bodies_have_the_documents_secret_properties_redacted() {
        let body = br#"{"message":"bad","items":[{"oauth_configuration":{"client_id":"c","client_secret":"S3CRET"},"headers":{"X-Api-Key":"K3Y"}}],"access_token":"T0KEN"}"#;
        let secrets = ["access_token", "client_secret", "headers"];
        let shown = body_text(body, &secrets);
        for secret in ["S3CRET", "K3Y", "T0KEN"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains(r#""client_id":"c""#), "{shown}");
        assert!(shown.contains(r#""X-Api-Key":"[redacted]""#), "{shown}");
        assert_eq!(body_text(b"<html>502</html>", &secrets), "<html>502</html>");
        let long = "x".repeat(SHOWN_BODY_CHARS + 10);
        assert_eq!(
            body_text(long.as_bytes(), &secrets),
            format!("{}… ({} bytes)", &long[..SHOWN_BODY_CHARS], long.len())
        );
    }
}
