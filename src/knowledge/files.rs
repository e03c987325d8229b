//! Where a copy of the knowledge comes from: the copy embedded in the binary at build time (the
//! default, so the binary runs anywhere) or a directory on disk (`--knowledge DIR`, `/reload`).

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{include_dir, Dir};
use sha2::{Digest, Sha256};

use super::error::{KnowledgeError, KnowledgeErrors};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/knowledge");

/// The raw text of every knowledge file, keyed by its path relative to the knowledge root
/// (always with `/` separators). Parsing works from this, so the embedded copy and a copy on
/// disk go through exactly the same code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnowledgeFiles {
    files: BTreeMap<String, String>,
    origin: String,
}

impl KnowledgeFiles {
    /// The copy compiled into the binary from `knowledge/`.
    pub fn embedded() -> Self {
        let mut files = BTreeMap::new();
        collect_embedded(&EMBEDDED, &mut files);
        Self {
            files,
            origin: "embedded".to_string(),
        }
    }

    /// Reads every `.toml` and `.md` file below `dir`.
    pub fn from_dir(dir: &Path) -> Result<Self, KnowledgeErrors> {
        let mut files = BTreeMap::new();
        let mut errors = KnowledgeErrors::default();
        if !dir.is_dir() {
            errors.push(KnowledgeError::new(
                dir.display().to_string(),
                0,
                "is not a directory: point --knowledge (or knowledge.dir) at a folder holding manifest.toml",
            ));
            return Err(errors);
        }
        collect_dir(dir, dir, &mut files, &mut errors);
        if errors.is_empty() {
            Ok(Self {
                files,
                origin: dir.display().to_string(),
            })
        } else {
            Err(errors)
        }
    }

    /// Builds a copy from in-memory texts (tests, and knowledge fetched from a URL).
    pub fn from_map(files: BTreeMap<String, String>, origin: impl Into<String>) -> Self {
        Self {
            files,
            origin: origin.into(),
        }
    }

    /// Where this copy came from (`embedded`, a directory, a URL).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The text of one file.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// All paths.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Replaces or adds one file (used by tests to break a copy on purpose).
    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    /// Removes one file.
    pub fn remove(&mut self, path: &str) -> Option<String> {
        self.files.remove(path)
    }

    /// A short SHA-256 of every path and text, so `/reload` can say whether anything changed.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for (path, text) in &self.files {
            h.update(path.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        let digest = h.finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn wanted(name: &str) -> bool {
    name.ends_with(".toml") || name.ends_with(".md")
}

fn collect_embedded(dir: &Dir<'static>, out: &mut BTreeMap<String, String>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if wanted(&path) {
            if let Some(text) = file.contents_utf8() {
                out.insert(path, text.to_string());
            }
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn collect_dir(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, String>,
    errors: &mut KnowledgeErrors,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(KnowledgeError::new(
                dir.display().to_string(),
                0,
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect_dir(root, &path, out, errors);
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if !wanted(&rel) {
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    out.insert(rel, text);
                }
                Err(_) => errors.push(KnowledgeError::new(rel, 0, "is not valid UTF-8 text")),
            },
            Err(e) => errors.push(KnowledgeError::new(rel, 0, format!("cannot read: {e}"))),
        }
    }
}
