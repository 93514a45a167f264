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

/// The operation a pointer lies in, as `operationId (METHOD /path)`, for messages.
pub fn operation_of(doc: &Value, pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/paths/")?;
    let mut tokens = rest.split('/');
    let path_token = tokens.next()?;
    let method = tokens.next()?;
    let path = unescape(path_token);
    let op = doc.get("paths")?.get(&path)?.get(method)?;
    // Name the operation as the document published it, not as normalization renamed it.
    let id = crate::normalize::adapt::published_operation_id(op).unwrap_or("?");
    Some(format!("{id} ({} {path})", method.to_uppercase()))
}

/// `pointer`, followed by the operation it lies in where there is one.
pub fn describe(doc: &Value, pointer: &str) -> String {
    match operation_of(doc, pointer) {
        Some(op) => format!("{pointer} (operation {op})"),
        None => pointer.to_string(),
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

    #[test]
    fn operation_is_named_from_a_pointer() {
        let doc = json!({"paths": {"/v2/webhooks": {"post": {"operationId": "W_create"}}}});
        assert_eq!(
            describe(&doc, "/paths/~1v2~1webhooks/post/responses/400"),
            "/paths/~1v2~1webhooks/post/responses/400 (operation W_create (POST /v2/webhooks))"
        );
        assert_eq!(
            describe(&doc, "/components/schemas/X"),
            "/components/schemas/X"
        );
    }
}
