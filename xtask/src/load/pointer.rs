//! JSON pointers (RFC 6901): how every message names a place in the document.

use serde_json::Value;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape`] for one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `base` + `/token`, escaped.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// Visits every value below `root` (itself included) with its pointer.
pub fn walk<'a>(root: &'a Value, base: &str, visit: &mut dyn FnMut(&str, &'a Value)) {
    visit(base, root);
    match root {
        Value::Object(map) => {
            for (key, value) in map {
                walk(value, &join(base, key), visit);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                walk(value, &format!("{base}/{i}"), visit);
            }
        }
        _ => {}
    }
}

/// Like [`walk`], mutably; `visit` sees a node before its children.
pub fn walk_mut(root: &mut Value, base: &str, visit: &mut dyn FnMut(&str, &mut Value)) {
    visit(base, root);
    match root {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                walk_mut(value, &join(base, key), visit);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter_mut().enumerate() {
                walk_mut(value, &format!("{base}/{i}"), visit);
            }
        }
        _ => {}
    }
}

/// Follows one local `$ref` (parameters, request bodies and responses may be
/// references); anything else is returned as it is.
pub fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(target) => doc.pointer(target).unwrap_or(node),
        None => node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_with_slashes_are_escaped() {
        assert_eq!(join("/paths", "/v2/webhooks"), "/paths/~1v2~1webhooks");
        assert_eq!(escape("a~b"), "a~0b");
    }

    #[test]
    fn walk_yields_resolvable_pointers() {
        let doc = json!({"paths": {"/a/{id}": {"get": {"x": [1, {"y": 2}]}}}});
        let mut seen = Vec::new();
        walk(&doc, "", &mut |p, v| {
            assert_eq!(doc.pointer(p), Some(v));
            seen.push(p.to_string());
        });
        assert!(seen.contains(&"/paths/~1a~1{id}/get/x/1/y".to_string()));
    }
}
