//! The generated operations table accounts for every operation of the document.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use certifyos::operations::{Exposure, OPERATIONS};

#[test]
fn every_operation_of_the_document_is_in_the_table_exactly_once() {
    let doc = common::pinned_document();
    let in_document: BTreeMap<String, (String, String)> = common::operations(&doc)
        .into_iter()
        .map(|(id, method, path)| (id, (method, path)))
        .collect();
    let in_table: BTreeMap<String, (String, String)> = OPERATIONS
        .iter()
        .map(|op| {
            (
                op.operation_id.to_string(),
                (op.method.to_string(), op.path.to_string()),
            )
        })
        .collect();
    assert_eq!(
        in_document.len(),
        79,
        "the pinned document has 79 operations"
    );
    assert_eq!(
        OPERATIONS.len(),
        in_table.len(),
        "an operationId appears twice in the table"
    );
    assert_eq!(in_table, in_document);
}

#[test]
fn every_hand_written_operation_says_why() {
    let hand_written: Vec<_> = OPERATIONS
        .iter()
        .filter_map(|op| match op.exposure {
            Exposure::HandWritten { reason } => Some((op.operation_id, reason)),
            Exposure::Generated => None,
        })
        .collect();
    assert!(!hand_written.is_empty());
    for (id, reason) in hand_written {
        assert!(!reason.trim().is_empty(), "{id} has no reason");
    }
}

#[test]
fn the_multipart_uploads_and_207_bulk_operations_are_hand_written() {
    let hand_written = |id: &str| {
        let op = OPERATIONS
            .iter()
            .find(|op| op.operation_id == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        matches!(op.exposure, Exposure::HandWritten { .. })
    };
    for id in [
        "ProviderV2Controller_uploadProviderDocuments",
        "SupportingDocumentsController_upload",
        "ProvidersV2Controller_bulkCreate",
        "ProvidersV2Controller_terminate",
        "FlagsController_markReadBulk",
        "FacilityV2Controller_terminate",
        "ProviderV2Controller_createCredentialingWorkflow",
    ] {
        assert!(hand_written(id), "{id} should be hand-written");
    }
    assert!(!hand_written("WebhooksController_fetchAll"));
}

#[test]
fn rust_names_are_unique_and_follow_the_rule() {
    let names: BTreeSet<&str> = OPERATIONS.iter().map(|op| op.rust_name).collect();
    assert_eq!(names.len(), OPERATIONS.len());
    let find = |id: &str| {
        OPERATIONS
            .iter()
            .find(|op| op.operation_id == id)
            .unwrap()
            .rust_name
    };
    assert_eq!(find("WebhooksController_fetchAll"), "webhooks_fetch_all");
    assert_eq!(
        find("FlagsV2Controller_markReadBulk"),
        "flags_v2_mark_read_bulk"
    );
}

#[test]
fn error_statuses_come_from_the_document() {
    let op = OPERATIONS
        .iter()
        .find(|op| op.operation_id == "WebhooksController_remove")
        .unwrap();
    assert_eq!(op.error_statuses, &[400, 401, 403, 404]);
}

/// The manual's tables of paginated and hand-written operations are kept by
/// hand in rustdoc: each lists exactly the operations the table marks so.
#[test]
fn the_manuals_operation_tables_match_the_operations_table() {
    /// The rows of the first table after `heading` in a file's `//!` docs.
    fn rows<'a>(source: &'a str, heading: &str) -> Vec<String> {
        let docs: Vec<&'a str> = source
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(str::trim)
            .collect();
        let start = docs
            .iter()
            .position(|l| *l == heading)
            .unwrap_or_else(|| panic!("no table `{heading}`"));
        docs[start + 2..]
            .iter()
            .take_while(|l| l.starts_with('|'))
            .map(|l| l.to_string())
            .collect()
    }
    let listed: BTreeSet<String> = rows(
        include_str!("../../src/pagination.rs"),
        "| paginated operation | page shape |",
    )
    .iter()
    .filter_map(|row| row.split('`').nth(1).map(str::to_string))
    .collect();
    let paginated: BTreeSet<String> = OPERATIONS
        .iter()
        .filter(|o| o.paginated)
        .map(|o| o.rust_name.to_string())
        .collect();
    assert_eq!(
        listed, paginated,
        "src/pagination.rs lists other paginated operations than the table"
    );
    let hand_written = rows(
        include_str!("../../src/extras/mod.rs"),
        "| operation | call | `.send()` returns |",
    );
    let mut count = 0;
    for op in OPERATIONS
        .iter()
        .filter(|o| matches!(o.exposure, Exposure::HandWritten { .. }))
    {
        count += 1;
        // A row names the id, or its controller and then `_action` or `action`.
        let (controller, action) = op.operation_id.split_once('_').unwrap();
        let named = |row: &String| {
            row.contains(&format!("`{}`", op.operation_id))
                || (row.starts_with(&format!("| `{controller}_"))
                    && (row.contains(&format!("`_{action}`"))
                        || row.contains(&format!("`{action}`"))))
        };
        assert!(
            hand_written.iter().any(named),
            "src/extras/mod.rs does not list {}",
            op.operation_id
        );
    }
    assert_eq!(count, 14);
}
