//! The document's patterns, repaired (`repair_patterns`), accept real values.

use certifyos::types::{CreateProviderDtoDatabankSubjectId, CreateProviderDtoFirstName};

#[test]
fn a_real_first_name_is_accepted_and_digits_only_refused() {
    // Published as the placeholder pattern "NOT_NUMBER_ONLY", which no name matches.
    assert!("John".parse::<CreateProviderDtoFirstName>().is_ok());
    assert!("Mary-Ann O'Neil"
        .parse::<CreateProviderDtoFirstName>()
        .is_ok());
    assert!("12345".parse::<CreateProviderDtoFirstName>().is_err());
}

#[test]
fn a_databank_subject_id_of_15_digits_is_accepted() {
    // Published as the JavaScript literal "/^(?:\d{15}|)$/", whose slashes no id contains.
    assert!("123456789012345"
        .parse::<CreateProviderDtoDatabankSubjectId>()
        .is_ok());
    assert!("".parse::<CreateProviderDtoDatabankSubjectId>().is_ok());
    assert!("12345"
        .parse::<CreateProviderDtoDatabankSubjectId>()
        .is_err());
}
