//! Fetches a copy of the knowledge from a web server (`knowledge.url`), so the partnership can
//! publish a corrected copy in one place and every bot picks it up with `/reload`, without a
//! new release or shell access to the host.
//!
//! The layout on the server is the layout of `knowledge/`: `manifest.toml`, the document files
//! it names, and the fixed record files. What comes back is an ordinary [`KnowledgeFiles`], so it
//! goes through exactly the same loader and validator as a directory on disk; a file the server
//! does not have (HTTP 404) is simply absent, and the loader reports it as missing.

#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use super::error::{KnowledgeError, KnowledgeErrors};
use super::files::KnowledgeFiles;

/// The record files fetched besides `manifest.toml` and the documents it names.
pub const RECORD_FILES: [&str; 9] = [
    "contacts.toml",
    "thresholds.toml",
    "offences.toml",
    "notes.toml",
    "synonyms.toml",
    "triage.toml",
    "situations.toml",
    super::descriptions::DESCRIPTIONS_FILE,
    super::bank_holidays::BANK_HOLIDAYS_FILE,
];

/// The largest file accepted, so a misconfigured URL cannot fill memory.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// How long one whole fetch may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Only the part of the manifest needed to know which files to fetch; the loader checks the rest.
#[derive(Deserialize)]
struct ManifestFiles {
    #[serde(default)]
    document: Vec<DocumentFile>,
}

#[derive(Deserialize)]
struct DocumentFile {
    file: String,
}

/// Fetches every knowledge file below `base_url` (a directory URL; a trailing `/` is added if
/// missing). Network and HTTP errors are returned as [`KnowledgeErrors`] naming the file, so
/// `/reload` reports them the same way as a broken file.
pub async fn fetch(base_url: &str) -> Result<KnowledgeFiles, KnowledgeErrors> {
    let shown = redact_url(base_url);
    let fail = |file: &str, msg: String| KnowledgeErrors(vec![KnowledgeError::new(file, 0, msg)]);
    let base =
        reqwest::Url::parse(&format!("{}/", base_url.trim_end_matches('/'))).map_err(|e| {
            fail(
                "(knowledge.url)",
                format!("`{shown}` is not a valid URL: {e}"),
            )
        })?;
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .user_agent(concat!("safeguarding-bot/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| {
            fail(
                "(knowledge.url)",
                format!("cannot build an HTTP client: {e}"),
            )
        })?;

    let mut files = BTreeMap::new();
    let mut errors = KnowledgeErrors::default();

    let manifest = get(&client, &base, "manifest.toml").await;
    let mut wanted: Vec<String> = Vec::new();
    match manifest {
        Ok(Some(text)) => {
            // A manifest that does not parse is still stored: the loader reports the error with
            // its line. Only the document list is needed here.
            if let Ok(m) = toml::from_str::<ManifestFiles>(&text) {
                for d in m.document {
                    if is_safe_relative(&d.file) {
                        wanted.push(d.file);
                    } else {
                        errors.push(KnowledgeError::new(
                            "manifest.toml",
                            0,
                            format!(
                                "document file `{}` must be a relative path inside the knowledge (no `..`, no leading `/`)",
                                d.file
                            ),
                        ));
                    }
                }
            }
            files.insert("manifest.toml".to_string(), text);
        }
        Ok(None) => errors.push(KnowledgeError::new(
            "manifest.toml",
            0,
            format!("not found at {shown}/manifest.toml (HTTP 404): check knowledge.url"),
        )),
        Err(e) => errors.push(KnowledgeError::new("manifest.toml", 0, e)),
    }
    if !errors.is_empty() && files.is_empty() {
        return Err(errors);
    }
    wanted.extend(RECORD_FILES.iter().map(|s| s.to_string()));
    for path in wanted {
        match get(&client, &base, &path).await {
            Ok(Some(text)) => {
                files.insert(path, text);
            }
            Ok(None) => {} // absent: the loader says which required file is missing
            Err(e) => errors.push(KnowledgeError::new(path, 0, e)),
        }
    }
    if errors.is_empty() {
        Ok(KnowledgeFiles::from_map(files, shown))
    } else {
        errors.sort();
        Err(errors)
    }
}

/// GETs one file: `Ok(None)` for 404, the text for 2xx, an error message otherwise.
async fn get(
    client: &reqwest::Client,
    base: &reqwest::Url,
    path: &str,
) -> Result<Option<String>, String> {
    let url = base
        .join(path)
        .map_err(|e| format!("cannot form a URL for `{path}`: {e}"))?;
    let shown = redact_url(url.as_str());
    let mut resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("cannot fetch {shown}: {}", error_chain(&e.without_url())))?;
    let status = resp.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(format!("fetching {shown} failed: HTTP {status}"));
    }
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_FILE_BYTES as u64)
    {
        return Err(format!("{shown} is larger than {MAX_FILE_BYTES} bytes"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("cannot read {shown}: {}", error_chain(&e.without_url())))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_FILE_BYTES {
            return Err(format!("{shown} is larger than {MAX_FILE_BYTES} bytes"));
        }
    }
    String::from_utf8(body)
        .map(Some)
        .map_err(|_| format!("{shown} is not valid UTF-8 text"))
}

/// True for a plain relative path such as `sources/strategy.md`.
fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains("://")
        && path.split('/').all(|seg| !seg.is_empty() && seg != "..")
}

/// A URL without credentials or query string, for messages and logs (a knowledge URL may carry
/// an access token).
pub fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.as_str().trim_end_matches('/').to_string()
        }
        Err(_) => "(invalid URL)".to_string(),
    }
}

/// An error with its causes, e.g. "error sending request: connection refused".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside() {
        assert!(is_safe_relative("sources/a.md"));
        assert!(!is_safe_relative("../secrets.md"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("sources//a.md"));
        assert!(!is_safe_relative("http://elsewhere/a.md"));
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("https://user:pw@example.org/k/?token=abc"),
            "https://example.org/k"
        );
    }
}
