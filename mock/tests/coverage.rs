//! Every operation the client has (generated or hand-written) has a typed
//! mock, under the same name.

#[test]
fn every_operation_of_the_client_has_a_typed_mock() {
    let source = include_str!("../generated/mock.rs");
    let trait_body = source
        .split("pub trait MockServerExt")
        .nth(1)
        .expect("the generated MockServerExt trait");
    let missing: Vec<&str> = certifyos::operations::OPERATIONS
        .iter()
        .map(|op| op.rust_name)
        .filter(|name| !trait_body.contains(&format!("fn {name}<F>(")))
        .collect();
    assert!(missing.is_empty(), "operations without a mock: {missing:?}");
    assert_eq!(certifyos::operations::OPERATIONS.len(), 79);
}
