//! Leaf modules stay leaves: no import cycle between the top-level modules of
//! the library (`src/`, with `generated/sdk.rs` as `sdk`) or of xtask
//! (`xtask/src/`, whose stages use only earlier ones). Read from the
//! sources, test code and comments left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The code of a file without comments, string-free enough for path
/// scanning, and without its `#[cfg(test)]` tail.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = match rest[start..].find("*/") {
            Some(end) => &rest[start + end + 2..],
            None => "",
        };
    }
    out.push_str(rest);
    out.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Top-level names after `crate::` (also inside `use crate::{a, b::c}`).
fn referenced(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for piece in code.split("crate::").skip(1) {
        if let Some(group) = piece.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        } else {
            names.insert(
                piece
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    names
}

/// Crate-root re-exports (`pub use m::{A, B}`): name → module.
fn aliases(root_file: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in code(root_file).lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, items)) = rest.trim_end_matches(';').split_once("::") else {
            continue;
        };
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let name = item.trim().rsplit(" as ").next().unwrap_or_default().trim();
            if !name.is_empty() {
                out.insert(name.to_string(), module.to_string());
            }
        }
    }
    out
}

/// Module → the files that make it up.
fn modules(src: &Path, extra: &[(&str, PathBuf)]) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let files = std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect();
            out.insert(name, files);
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" && name != "main" {
            out.insert(name, vec![path]);
        }
    }
    for (name, file) in extra {
        out.entry(name.to_string()).or_default().push(file.clone());
    }
    out
}

/// A cycle in the module graph, as `a → b → a`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<String> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut path = stack[at..].to_vec();
            path.push(node.to_string());
            return Some(path.join(" → "));
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, stack, done) {
                return Some(found);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn graph(
    modules: &BTreeMap<String, Vec<PathBuf>>,
    aliases: &BTreeMap<String, String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for (module, files) in modules {
        let mut targets = BTreeSet::new();
        for file in files {
            for name in referenced(&code(file)) {
                let target = aliases.get(&name).cloned().unwrap_or(name);
                if modules.contains_key(&target) && target != *module {
                    targets.insert(target);
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

#[test]
fn the_librarys_modules_form_no_cycle_and_error_is_a_leaf() {
    let root = project();
    let modules = modules(
        &root.join("src"),
        &[
            ("sdk", root.join("generated/sdk.rs")),
            ("operations", root.join("generated/operations.rs")),
            ("names", root.join("generated/names.rs")),
        ],
    );
    let graph = graph(&modules, &aliases(&root.join("src/lib.rs")));
    assert_eq!(cycle(&graph), None, "{graph:#?}");
    assert!(
        graph["error"].is_empty(),
        "error.rs depends on {:?}",
        graph["error"]
    );
}

/// xtask is laid out by stage: `load/`, then `emit/`, then `tools/`. A
/// stage uses only the stages before it, the modules form no cycle, and the
/// document model is a leaf.
#[test]
fn xtasks_modules_form_no_cycle_and_each_stage_uses_only_earlier_ones() {
    let root = project().join("xtask/src");
    let stages = ["load", "emit", "tools"];
    let mut modules_by_name = BTreeMap::new();
    let mut stage_of: BTreeMap<String, usize> = BTreeMap::new();
    for (index, stage) in stages.iter().enumerate() {
        for (name, files) in modules(&root.join(stage), &[]) {
            if name == "mod" {
                continue;
            }
            stage_of.insert(name.clone(), index);
            modules_by_name.insert(name, files);
        }
    }
    assert!(stage_of.len() > 15, "{stage_of:?}");
    let graph = graph(&modules_by_name, &BTreeMap::new());
    assert_eq!(cycle(&graph), None, "{graph:#?}");
    let model: Vec<&String> = graph["model"].iter().collect();
    assert_eq!(
        model,
        vec!["pointer"],
        "the document model depends only on pointer"
    );
    let mut crossings = Vec::new();
    for (module, targets) in &graph {
        for target in targets {
            if stage_of[target] > stage_of[module] {
                crossings.push(format!(
                    "{}/{module} uses {}/{target}",
                    stages[stage_of[module]], stages[stage_of[target]]
                ));
            }
        }
    }
    assert!(crossings.is_empty(), "{crossings:#?}");
}

#[test]
fn a_cycle_is_found() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.insert("a".into(), ["b".to_string()].into());
    graph.insert("b".into(), ["c".to_string()].into());
    graph.insert("c".into(), ["a".to_string()].into());
    assert_eq!(cycle(&graph).as_deref(), Some("a → b → c → a"));
    graph.get_mut("c").unwrap().clear();
    assert_eq!(cycle(&graph), None);
}

/// After normalization the document is read typed (`load/document.rs`):
/// the emitters, the tools and the binary never probe its JSON by key. Only
/// the load stage (the repair and adapt passes, the model, the typed view)
/// knows the keys.
#[test]
fn only_the_load_stage_probes_the_documents_json() {
    const KEYS: &[&str] = &[
        "paths",
        "components",
        "schemas",
        "schema",
        "requestBody",
        "responses",
        "parameters",
        "properties",
        "required",
        "$ref",
        "allOf",
        "enum",
        "type",
        "format",
        "items",
        "operationId",
        "content",
        "tags",
        "summary",
        "description",
        "servers",
        "security",
        "in",
    ];
    let src = project().join("xtask/src");
    let mut files: Vec<PathBuf> = vec![src.join("main.rs")];
    for stage in ["emit", "tools"] {
        let mut dirs = vec![src.join(stage)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
    }
    assert!(files.len() > 10, "{files:?}");
    let mut probes = Vec::new();
    for file in &files {
        let code = code(file);
        let mut patterns = vec![".pointer(".to_string(), ".pointer_mut(".to_string()];
        for key in KEYS {
            patterns.push(format!(".get(\"{key}\")"));
            patterns.push(format!("[\"{key}\"]"));
        }
        for line in code.lines() {
            for pattern in patterns.iter().filter(|p| line.contains(p.as_str())) {
                let name = file.strip_prefix(&src).unwrap().display();
                probes.push(format!("{name}: `{pattern}` in: {}", line.trim()));
            }
        }
    }
    assert!(
        probes.is_empty(),
        "read these through crate::document instead:\n{}",
        probes.join("\n")
    );
}
