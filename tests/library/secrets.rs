//! No secret in any `Debug`: every generated type with a field the document
//! calls a secret, password or token (listed by `cargo xtask codegen` in
//! `generated/secret_fields.rs`), its typify builder, and the operation
//! builders that carry it.

use certifyos::types;

/// `(type, its JSON with each secret set to a marker, the secret properties)`.
/// `builder` marks the types that have one (those a caller constructs).
macro_rules! secret_fields {
    ($(($ty:ident, $json:expr, [$($field:expr),*] $(, $builder:ident)?)),* $(,)?) => {
        const SECRET_TYPES: &[(&str, &[&str])] = &[$((stringify!($ty), &[$($field),*])),*];

        /// `(type, Debug of the value, Debug of its builder if it has one)`.
        fn debug_of_every_secret_type() -> Vec<(&'static str, String, Option<String>)> {
            vec![$({
                let value: types::$ty = serde_json::from_str($json)
                    .unwrap_or_else(|e| panic!("{}: {e}", stringify!($ty)));
                #[allow(unused_mut, unused_assignments)]
                let mut built = None;
                $(
                    let _ = stringify!($builder);
                    built = Some(format!("{:?}", types::builder::$ty::from(value.clone())));
                )?
                (stringify!($ty), format!("{value:?}"), built)
            }),*]
        }
    };
}

include!("../../generated/secret_fields.rs");

#[test]
fn the_rule_finds_the_secrets_the_document_has() {
    let listed = |ty: &str, field: &str| {
        SECRET_TYPES
            .iter()
            .any(|(t, fields)| *t == ty && fields.contains(&field))
    };
    for (ty, field) in [
        ("CreateApiAuthTokenDto", "client_secret"),
        ("AccessTokenV2ResponseDto", "access_token"),
        ("CreateWebhooksDto", "headers"),
        ("WebhookResponseDto", "headers"),
        ("ClientCredentialsConfigurationDto", "client_secret"),
    ] {
        assert!(listed(ty, field), "{ty}.{field} is not treated as a secret");
    }
}

#[test]
fn no_generated_type_prints_a_secret() {
    let shown = debug_of_every_secret_type();
    assert_eq!(shown.len(), SECRET_TYPES.len());
    let with_builder = shown.iter().filter(|s| s.2.is_some()).count();
    // Request bodies keep their builders (the token request, webhooks).
    assert!(
        with_builder >= 3,
        "{with_builder} secret types with a builder"
    );
    for (ty, value, builder) in shown {
        for text in std::iter::once(&value).chain(builder.as_ref()) {
            assert!(!text.contains("SECRET-MARKER"), "{ty}: {text}");
            assert!(text.contains("[redacted]"), "{ty}: {text}");
        }
    }
}

#[test]
fn header_names_stay_visible_and_other_fields_print() {
    let hook: types::CreateWebhooksDto = serde_json::from_value(serde_json::json!({
        "url": "https://example.com/hook",
        "event_types": ["PROVIDER_CRED_APPROVED"],
        "headers": {"X-Api-Key": "k3y-value"}
    }))
    .unwrap();
    let shown = format!("{hook:?}");
    assert!(
        shown.contains("X-Api-Key") && shown.contains("https://example.com/hook"),
        "{shown}"
    );
    assert!(!shown.contains("k3y-value"), "{shown}");
}

#[test]
fn operation_builders_holding_secrets_print_none() {
    let client = certifyos::Client::builder()
        .base_url("http://127.0.0.1:1")
        .organization_id("org_1")
        .bearer_token("bearer-SECRET-MARKER")
        .build()
        .unwrap();
    let request = client.auth_tokens_create_api_token().body(
        types::CreateApiAuthTokenDto::builder()
            .client_id("id")
            .client_secret("client-SECRET-MARKER"),
    );
    let shown = format!("{request:?}");
    assert!(!shown.contains("SECRET-MARKER"), "{shown}");
    assert!(shown.contains("client_secret"), "{shown}");
}
