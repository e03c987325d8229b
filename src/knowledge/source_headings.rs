//! Which headings are the guidance's own. The knowledge keeps the guidance verbatim but splits
//! long sections under headings the project added; those are marked `{#id .added}` and shown as
//! the project's, never as a title of the guidance. The marker is the contract: the bot never
//! needs the original documents at run time. When they are at hand (`check --sources DIR`, and
//! `tests/source_headings.rs` with `../shared/guidance`), this module checks the contract: every
//! heading left unmarked must open a line of its source document, word for word.

use std::path::Path;

use super::{Knowledge, KnowledgeError, KnowledgeErrors};

/// The plain-text source of a document held as `sources/NAME.md`: `DIR/NAME.txt`.
pub fn source_file(dir: &Path, knowledge_file: &str) -> std::path::PathBuf {
    let stem = Path::new(knowledge_file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!("{stem}.txt"))
}

/// A source line with list, heading and emphasis markers taken off its start, so
/// `**Platform Accountability:** …` or `- New Criminal Offences` both open with their words.
fn opening(line: &str) -> &str {
    line.trim_start()
        .trim_start_matches(['#', '-', '*', '>', ' ', '\t'])
}

/// True when some line of `source` opens with `heading`, word for word.
pub fn heading_in_source(heading: &str, source: &str) -> bool {
    source.lines().any(|l| opening(l).starts_with(heading))
}

/// Checks every unmarked heading of `k` against the source documents in `dir`: each must open a
/// line of its document's `NAME.txt`. Errors name the knowledge file and the heading's line.
pub fn check(k: &Knowledge, dir: &Path) -> KnowledgeErrors {
    let mut errors = KnowledgeErrors::default();
    for d in &k.manifest.documents {
        let path = source_file(dir, &d.file);
        let source = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                errors.push(KnowledgeError::new(
                    "manifest.toml",
                    d.line,
                    format!(
                        "cannot read the source of document `{}` at {}: {e}",
                        d.id,
                        path.display()
                    ),
                ));
                continue;
            }
        };
        for s in k.sections.iter().filter(|s| s.document == d.id && !s.added) {
            if !heading_in_source(&s.heading, &source) {
                errors.push(KnowledgeError::new(
                    s.file.clone(),
                    s.line,
                    format!(
                        "heading `{}` is not a heading of the source document {}: if the project added it, mark it `{{#{} .added}}` so it is never shown as the guidance's title",
                        s.heading,
                        path.display(),
                        s.id
                    ),
                ));
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_must_open_a_line() {
        let src = "13. Online Safeguarding Incident Flowchart and Guidance notes\n**Platform Accountability:** The bill\nsee the Flowchart above\n";
        assert!(heading_in_source(
            "13. Online Safeguarding Incident Flowchart and Guidance notes",
            src
        ));
        assert!(heading_in_source("Platform Accountability", src));
        assert!(
            !heading_in_source("Flowchart", src),
            "mid-line words are not a heading"
        );
        assert!(!heading_in_source("Gaming disorder", src));
    }

    #[test]
    fn the_source_of_a_knowledge_file_is_its_txt() {
        assert_eq!(
            source_file(Path::new("/s"), "sources/online-safety-guidance.md"),
            Path::new("/s/online-safety-guidance.txt")
        );
    }
}
