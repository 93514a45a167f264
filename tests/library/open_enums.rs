//! Every string enum of the API is an open enum: known values round-trip,
//! unknown ones are kept verbatim, and identical value sets are one type.

use crate::common;

use std::collections::BTreeSet;

use certifyos::types;

/// One open enum, type-erased for a table-driven test.
struct OpenEnum {
    name: &'static str,
    known: &'static [&'static str],
    /// JSON string → (is_known, as_str, Display, JSON back).
    round_trip: fn(&str) -> (bool, String, String, String),
}

macro_rules! open_enums {
    ($($name:ident),* $(,)?) => {
        fn all_open_enums() -> Vec<OpenEnum> {
            vec![$(OpenEnum {
                name: stringify!($name),
                known: types::$name::KNOWN,
                round_trip: |value| {
                    let parsed: types::$name = serde_json::from_value(serde_json::Value::String(value.to_string())).unwrap();
                    let from_str: types::$name = value.parse().unwrap();
                    assert_eq!(parsed, from_str, "FromStr and serde agree");
                    (parsed.is_known(), parsed.as_str().to_string(), parsed.to_string(), serde_json::to_string(&parsed).unwrap())
                },
            }),*]
        }
    };
}
include!("../../generated/open_enums.rs");

#[test]
fn every_known_value_of_every_enum_round_trips() {
    let enums = all_open_enums();
    assert_eq!(
        enums.len(),
        66,
        "one type per distinct value set of the pinned document"
    );
    let mut values = 0;
    for e in &enums {
        assert!(!e.known.is_empty(), "{}", e.name);
        for value in e.known {
            let (known, as_str, shown, json) = (e.round_trip)(value);
            assert!(known, "{}: {value}", e.name);
            assert_eq!(
                (as_str.as_str(), shown.as_str()),
                (*value, *value),
                "{}",
                e.name
            );
            assert_eq!(json, serde_json::to_string(value).unwrap(), "{}", e.name);
            values += 1;
        }
    }
    assert!(values > 1000, "{values} values checked");
}

#[test]
fn an_unknown_value_of_every_enum_round_trips_unchanged() {
    for e in all_open_enums() {
        let (known, as_str, shown, json) = (e.round_trip)("Added After Generation");
        assert!(!known, "{}", e.name);
        assert_eq!(as_str, "Added After Generation");
        assert_eq!(shown, "Added After Generation");
        assert_eq!(json, "\"Added After Generation\"");
    }
}

/// Every value set in the document, as sets.
fn document_value_sets() -> BTreeSet<BTreeSet<String>> {
    let doc = common::pinned_document();
    let mut sets = BTreeSet::new();
    fn walk(
        node: &serde_json::Value,
        under_properties: bool,
        sets: &mut BTreeSet<BTreeSet<String>>,
    ) {
        match node {
            serde_json::Value::Object(map) => {
                if !under_properties {
                    if let Some(values) = map.get("enum").and_then(|v| v.as_array()) {
                        sets.insert(
                            values
                                .iter()
                                .map(|v| v.as_str().unwrap().to_string())
                                .collect(),
                        );
                    }
                }
                for (key, child) in map {
                    walk(child, key == "properties", sets);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, false, sets)),
            _ => {}
        }
    }
    walk(&doc, false, &mut sets);
    sets
}

#[test]
fn one_type_per_distinct_value_set_of_the_document() {
    let from_types: BTreeSet<BTreeSet<String>> = all_open_enums()
        .iter()
        .map(|e| e.known.iter().map(|v| v.to_string()).collect())
        .collect();
    assert_eq!(
        from_types.len(),
        all_open_enums().len(),
        "two types hold the same value set"
    );
    assert_eq!(from_types, document_value_sets());
}

#[test]
fn shared_sets_are_one_type_in_every_place() {
    // The US states appear in 20 places; a facility's and an enrollment's are one type.
    fn same_type<T>(_: &T, _: &T) {}
    let facility_state = |f: &types::CreateFacilityDto| f.state.clone();
    let jurisdiction = |g: &types::CreateEnrollmentGeneralInfoDto| g.jurisdiction.clone();
    let _check = |f: &types::CreateFacilityDto, g: &types::CreateEnrollmentGeneralInfoDto| {
        same_type(&facility_state(f), &jurisdiction(g))
    };
    assert_eq!(types::UsState::KNOWN.len(), 60);
    assert_eq!(
        types::RecordAction::KNOWN,
        &["updated", "created", "deleted"]
    );
}

#[test]
fn a_board_certification_with_an_unknown_specialty_decodes() {
    let body = serde_json::json!({
        "id": "bc_1",
        "durationType": "Lifetime",
        "expirationDate": "2030-01-01T00:00:00Z",
        "moc": "Yes",
        "source": "A source added later",
        "specialty": "Space Medicine",
        "status": "Certified",
        "subSpecialty": "Lunar Surgery"
    });
    let certification: types::BoardCertificationResponseDto =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(certification.specialty.as_str(), "Space Medicine");
    assert!(!certification.specialty.is_known());
    assert_eq!(
        certification.status,
        types::BoardCertificationStatus::Certified
    );
    let back = serde_json::to_value(&certification).unwrap();
    assert_eq!(back["specialty"], "Space Medicine");
    assert_eq!(back["subSpecialty"], "Lunar Surgery");
}

#[test]
fn a_request_with_an_unknown_value_serializes_it_verbatim() {
    let state: types::UsState = "ZZ".parse().unwrap();
    let body = serde_json::json!({ "state": state });
    assert_eq!(body, serde_json::json!({"state": "ZZ"}));
    let action = types::RecordAction::from("archived");
    assert_eq!(serde_json::to_string(&action).unwrap(), "\"archived\"");
}

#[test]
fn readable_variant_names() {
    assert_eq!(
        types::Specialty::from("Obstetrics & Gynecology"),
        types::Specialty::ObstetricsGynecology
    );
    assert_eq!(
        types::ProviderFileType::from("Non_Clean"),
        types::ProviderFileType::NonClean
    );
}
