//! The dependency rule of ARCHITECTURE.md, checked on the source: each module names only the
//! modules below it (`crate::NAME`), so no import cycle can come back unnoticed.

use std::collections::BTreeSet;
use std::path::Path;

/// What each top-level module of `src/` may use of the crate, from ARCHITECTURE.md's dependency
/// sentence: `text` and `model` at the bottom, `input` reading, `config` the settings file above
/// it, then `metrics` ← `escalations` ← `report`/`explain` ← `analysis` ← `cli`/`app`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("allocator", &[]),
    ("synthetic", &[]),
    ("model", &["text"]),
    ("input", &["model", "text"]),
    ("config", &["input", "model", "text"]),
    ("metrics", &["model"]),
    ("format", &["metrics", "model"]),
    (
        "escalations",
        &["config", "format", "metrics", "model", "text"],
    ),
    (
        "report",
        &["escalations", "format", "metrics", "model", "text"],
    ),
    ("explain", &["escalations", "format", "metrics", "model"]),
    (
        "analysis",
        &[
            "config",
            "escalations",
            "explain",
            "input",
            "metrics",
            "model",
            "report",
            "text",
        ],
    ),
    (
        "app",
        &[
            "analysis",
            "config",
            "escalations",
            "explain",
            "format",
            "input",
            "metrics",
            "model",
            "report",
            "text",
        ],
    ),
    (
        "cli",
        &[
            "allocator",
            "analysis",
            "app",
            "config",
            "escalations",
            "explain",
            "format",
            "input",
            "model",
            "report",
            "text",
        ],
    ),
];

/// Every `crate::NAME` a module's files name (in code and doc links alike).
fn crate_names(module: &str) -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join(format!("{module}.rs"))];
    let folder = src.join(module);
    if folder.is_dir() {
        files.extend(
            walkdir::WalkDir::new(&folder)
                .into_iter()
                .filter_map(Result::ok)
                .map(|entry| entry.into_path())
                .filter(|path| path.extension().is_some_and(|e| e == "rs")),
        );
    }
    let mut names = BTreeSet::new();
    for file in files.iter().filter(|file| file.is_file()) {
        let text = std::fs::read_to_string(file).expect("a source file reads");
        assert!(
            !text.contains("crate::{"),
            "{}: write `crate::NAME` per module so this check sees it",
            file.display()
        );
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn every_module_uses_only_the_modules_below_it() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs reads");
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    let listed: BTreeSet<&str> = ALLOWED.iter().map(|(module, _)| *module).collect();
    assert_eq!(declared, listed, "every module of lib.rs has its row here");
    let mut wrong = Vec::new();
    for (module, allowed) in ALLOWED {
        for name in crate_names(module) {
            if !allowed.contains(&name.as_str()) {
                wrong.push(format!("{module} uses crate::{name}"));
            }
        }
    }
    assert!(wrong.is_empty(), "against the dependency rule: {wrong:?}");
}
