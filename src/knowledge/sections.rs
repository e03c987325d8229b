//! Splits a source document written in Markdown into sections at heading lines that carry an
//! explicit `{#id}`. Ids are explicit (never derived from heading text) so that fixing a typo in
//! a heading never breaks a citation, a button or an audit record.
//!
//! A heading the project added to split a long section of the guidance (the source has no such
//! heading) is marked `{#id .added}`: its words are then never shown as a title of the guidance,
//! only as the project's ("the paragraph on …"), and never count as the guidance's words when a
//! quote is checked. `tests/source_headings.rs` checks, against the source documents when they
//! are present, that every unmarked heading is the guidance's own.

use super::error::{KnowledgeError, KnowledgeErrors};
use super::model::Section;

/// Parses `text` (the file `file` of document `document`) into sections, collecting every error.
pub fn parse_sections(
    file: &str,
    document: &str,
    text: &str,
    errors: &mut KnowledgeErrors,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    // Stack of (level, heading as displayed) for the heading path.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut body: Vec<&str> = Vec::new();
    let mut in_fence = false;

    let flush = |sections: &mut Vec<Section>, body: &mut Vec<&str>| {
        if let Some(last) = sections.last_mut() {
            last.body = body.join("\n").trim().to_string();
        }
        body.clear();
    };

    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        let is_heading = !in_fence && line.starts_with('#');
        if !is_heading {
            if sections.is_empty() {
                if !line.trim().is_empty() {
                    errors.push(KnowledgeError::new(
                        file,
                        lineno,
                        "text before the first heading: every line must belong to a section (add a `# Title {#id}` heading above it)",
                    ));
                }
            } else {
                body.push(line);
            }
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        let rest = line[level..].trim();
        let Some((heading, id, attrs)) = split_id(rest) else {
            errors.push(KnowledgeError::new(
                file,
                lineno,
                format!(
                    "heading `{}` has no `{{#id}}` at its end: every heading needs a stable id",
                    line.trim()
                ),
            ));
            continue;
        };
        let added = match parse_attrs(attrs) {
            Ok(added) => added,
            Err(bad) => {
                errors.push(KnowledgeError::new(
                    file,
                    lineno,
                    format!("heading `{}`: unknown attribute `{bad}` after the id: the only one allowed is `.added`, for a heading the project added (`{{#id .added}}`)", line.trim()),
                ));
                false
            }
        };
        if level > 6 || heading.is_empty() {
            errors.push(KnowledgeError::new(file, lineno, "malformed heading"));
            continue;
        }
        if !super::validate::is_valid_id(id) {
            errors.push(KnowledgeError::new(
                file,
                lineno,
                format!("section id `{id}` may contain only a-z, 0-9, `-` and `.`"),
            ));
        }
        if !id.starts_with(&format!("{document}.")) {
            errors.push(KnowledgeError::new(
                file,
                lineno,
                format!("section id `{id}` must start with its document id `{document}.`"),
            ));
        }
        flush(&mut sections, &mut body);
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            stack.pop();
        }
        stack.push((level, display_heading(heading, added)));
        sections.push(Section {
            id: id.to_string(),
            document: document.to_string(),
            heading: heading.to_string(),
            added,
            path: stack.iter().map(|(_, h)| h.clone()).collect(),
            level,
            body: String::new(),
            file: file.to_string(),
            line: lineno,
        });
    }
    flush(&mut sections, &mut body);
    if sections.is_empty() {
        errors.push(KnowledgeError::new(file, 0, "has no sections"));
    }
    sections
}

/// Splits `Heading text {#id .attr …}` into its heading, id and the attributes after the id.
fn split_id(rest: &str) -> Option<(&str, &str, &str)> {
    let rest = rest.trim_end();
    let stripped = rest.strip_suffix('}')?;
    let open = stripped.rfind("{#")?;
    let inside = stripped[open + 2..].trim();
    let (id, attrs) = inside
        .split_once(char::is_whitespace)
        .unwrap_or((inside, ""));
    let heading = stripped[..open].trim();
    Some((heading, id.trim(), attrs.trim()))
}

/// Reads the attributes after a heading's id: nothing, or `.added`. `Err` names the first
/// attribute that is not allowed.
fn parse_attrs(attrs: &str) -> Result<bool, &str> {
    let mut added = false;
    for a in attrs.split_whitespace() {
        match a {
            ".added" => added = true,
            other => return Err(other),
        }
    }
    Ok(added)
}

pub use super::model::display_heading;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sections_with_paths() {
        let text = "# Doc {#d.top}\nintro\n## One {#d.one}\nbody one\n### Sub {#d.one.sub}\nsub body\n## Two {#d.two}\n";
        let mut errors = KnowledgeErrors::default();
        let s = parse_sections("x.md", "d", text, &mut errors);
        assert!(errors.is_empty(), "{errors}");
        assert_eq!(s.len(), 4);
        assert_eq!(s[2].path, vec!["Doc", "One", "Sub"]);
        assert_eq!(s[3].path, vec!["Doc", "Two"]);
        assert_eq!(s[1].body, "body one");
        assert_eq!(s[2].line, 5);
    }

    #[test]
    fn added_headings_are_shown_as_the_projects() {
        let text = "## 17. Images {#d.s17}\nx\n#### Revenge porn and the 'outcome 21' recording code {#d.s17.o21 .added}\ny\n";
        let mut errors = KnowledgeErrors::default();
        let s = parse_sections("x.md", "d", text, &mut errors);
        assert!(errors.is_empty(), "{errors}");
        assert!(!s[0].added && s[1].added);
        assert_eq!(
            s[1].heading,
            "Revenge porn and the 'outcome 21' recording code"
        );
        assert_eq!(
            s[1].display_path(),
            "17. Images › the paragraph on revenge porn and the 'outcome 21' recording code (this bot's heading, not the guidance's)"
        );
        assert!(s[1].title().starts_with("the paragraph on revenge porn"));
    }

    #[test]
    fn an_unknown_heading_attribute_is_an_error_with_line() {
        let text = "# Doc {#d.top}\nx\n## Mine {#d.mine .addded}\ny\n";
        let mut errors = KnowledgeErrors::default();
        parse_sections("x.md", "d", text, &mut errors);
        assert_eq!(errors.len(), 1, "{errors}");
        assert_eq!(errors.0[0].line, 3);
        assert!(errors.0[0].message.contains(".addded"), "{errors}");
    }

    #[test]
    fn heading_without_id_is_an_error_with_line() {
        let text = "# Doc {#d.top}\n## Oops\ntext\n";
        let mut errors = KnowledgeErrors::default();
        parse_sections("x.md", "d", text, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors.0[0].line, 2);
    }

    #[test]
    fn text_before_first_heading_and_wrong_prefix_are_errors() {
        let text = "stray\n# Doc {#other.top}\n";
        let mut errors = KnowledgeErrors::default();
        parse_sections("x.md", "d", text, &mut errors);
        assert_eq!(errors.len(), 2, "{errors}");
    }
}
