//! The triage map: the decision tree drawn as a flowchart, and the path a practitioner's
//! answers took through it. The strategy's §13 "Online Safeguarding Incident Flowchart" survives
//! only as a caption; the bot holds the tree as data, so it draws the flowchart again from the
//! tree it serves, always in step with the knowledge.
//!
//! - [`layout`]: the page's geometry ([`geometry`]), from a layered layout of the tree
//!   (`graph`: ranks and order; `place`: positions; `route`: arrows);
//! - [`svg`]: the geometry as SVG, the contract the tests rely on (`node-{id}`,
//!   `edge-{question}-{value}`, classes `taken` and `dimmed`);
//! - [`png`]: the SVG rasterised in-process with the built-in font ([`text`]);
//! - [`urgency`]: how an outcome's colour is read from its headline timeframe.
//!
//! Nothing here knows about Discord: the CLI and the chat adapter both call [`draw`] or
//! [`render`] with the tree of the snapshot they serve.

pub mod geometry;
mod graph;
pub mod layout;
mod order;
mod place;
pub mod png;
mod route;
pub mod svg;
pub mod text;
pub mod urgency;

use std::collections::HashSet;

use super::engine::{self, Path};
use super::tree::Tree;
use geometry::Layout;
use layout::Captions;

/// Why a map could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The output file's name does not say SVG or PNG.
    #[error("cannot tell the map's format from `{0}`: the file name must end in .svg or .png")]
    Format(String),
    /// The renderer failed (never expected for a map this module drew).
    #[error("the map could not be rendered: {0}")]
    Render(String),
}

/// The file formats a map is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics: for the web and for print.
    Svg,
    /// A picture: for chat.
    Png,
}

impl Format {
    /// The format a file name asks for, from its extension (`.svg` or `.png`, any case).
    pub fn from_file_name(name: &std::path::Path) -> Result<Format, MapError> {
        let ext = name
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(MapError::Format(name.display().to_string())),
        }
    }
}

/// Which questions, outcomes and answers lie on a path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    nodes: HashSet<String>,
    edges: HashSet<(String, String)>,
}

impl Marks {
    /// The marks of `path` in `tree`: the start, every answer that still fits the tree (as the
    /// engine replays it), every question or outcome those answers lead to.
    pub fn of(tree: &Tree, path: &Path) -> Marks {
        let walk = engine::replay(tree, path);
        let mut marks = Marks::default();
        marks.nodes.insert(tree.start().id.clone());
        for a in &walk.path.0 {
            marks.edges.insert((a.question.clone(), a.value.clone()));
            if let Some(c) = tree.question(&a.question).and_then(|q| q.choice(&a.value)) {
                marks.nodes.insert(c.next.clone());
            }
        }
        marks
    }

    /// True when the question or outcome `id` is on the path.
    pub fn node(&self, id: &str) -> bool {
        self.nodes.contains(id)
    }

    /// True when the answer `value` to `question` is on the path.
    pub fn edge(&self, question: &str, value: &str) -> bool {
        self.edges
            .contains(&(question.to_string(), value.to_string()))
    }
}

/// A drawn map: its geometry and its SVG.
#[derive(Debug, Clone)]
pub struct Drawing {
    /// Where everything is (for tests and for anyone placing the map).
    pub layout: Layout,
    /// The SVG document.
    pub svg: String,
}

/// A tree laid out once, to be drawn with or without a path.
#[derive(Debug, Clone)]
pub struct Map<'t> {
    tree: &'t Tree,
    version: String,
    diagram: layout::Diagram,
}

impl<'t> Map<'t> {
    /// Lays out `tree`, served as knowledge `version`.
    pub fn new(tree: &'t Tree, version: &str) -> Map<'t> {
        Map {
            tree,
            version: version.to_string(),
            diagram: layout::diagram(tree),
        }
    }

    /// The map, highlighting `path` when given.
    pub fn draw(&self, path: Option<&Path>) -> Drawing {
        let (tree, version) = (self.tree, &self.version);
        let walk = path.map(|p| engine::replay(tree, p));
        let mut lines = vec![format!(
            "The /triage decision tree, knowledge version {version}: each box is a question or an outcome, each arrow an answer."
        )];
        if let Some(w) = &walk {
            let end = match w.position {
                super::Node::Outcome(o) => format!("the outcome \"{}\"", o.title),
                super::Node::Question(q) => {
                    format!("the question \"{}\", not yet answered", q.short)
                }
            };
            lines.push(format!(
                "Highlighted in purple: the path taken ({} answer{}), ending at {end}. Everything off the path is faded.",
                w.path.len(),
                if w.path.len() == 1 { "" } else { "s" }
            ));
            // What the outcome also requires on this path ([[outcome.when]]), in full: a map
            // shared on its own must not leave it out.
            if let Some(o) = w.outcome() {
                for c in o.conditions_on(&w.path) {
                    lines.push(format!("{}: {}", c.title, c.actions.join(" ")));
                }
            }
        }
        let captions = Captions {
            title: "Online safeguarding incident flowchart".into(),
            lines,
            footer: vec![
                "Drawn by safeguarding-bot from knowledge/triage.toml, after the Kingston and Richmond Safeguarding Children Partnership's Online Safeguarding Strategy (§13 flowchart, §14, §17) and Online Safety Guidance.".into(),
                "It does not replace your Designated Safeguarding Lead or your organisation's procedures. Run /triage for the actions, contacts and timeframes of each outcome.".into(),
            ],
        };
        let layout = layout::page(&self.diagram, &captions);
        let marks = path.map(|p| Marks::of(tree, p));
        let title = match &walk {
            Some(_) => format!("Triage map with the path taken (knowledge {version})"),
            None => format!("Triage map: the /triage decision tree (knowledge {version})"),
        };
        let svg = svg::write(
            &layout,
            marks.as_ref(),
            &title,
            &describe(tree, walk.as_ref()),
        );
        Drawing { layout, svg }
    }

    /// The map in `format` (SVG text or PNG bytes), highlighting `path` when given.
    pub fn render(&self, path: Option<&Path>, format: Format) -> Result<Vec<u8>, MapError> {
        let drawing = self.draw(path);
        match format {
            Format::Svg => Ok(drawing.svg.into_bytes()),
            Format::Png => png::render(&drawing.svg),
        }
    }
}

/// Draws `tree` (served as knowledge `version`), highlighting `path` when given.
pub fn draw(tree: &Tree, version: &str, path: Option<&Path>) -> Drawing {
    Map::new(tree, version).draw(path)
}

/// Draws the map in `format`: SVG text or PNG bytes.
pub fn render(
    tree: &Tree,
    version: &str,
    path: Option<&Path>,
    format: Format,
) -> Result<Vec<u8>, MapError> {
    Map::new(tree, version).render(path, format)
}

/// The whole tree in words, for the SVG's `<desc>` (what a screen reader reads).
fn describe(tree: &Tree, walk: Option<&engine::Walk<'_>>) -> String {
    let name = |id: &str| match tree.node(id) {
        Some(super::Node::Question(q)) => format!("question \"{}\"", q.short),
        Some(super::Node::Outcome(o)) => format!(
            "outcome \"{}\" ({})",
            o.title,
            urgency::Urgency::of(o).legend().to_lowercase()
        ),
        None => id.to_string(),
    };
    let mut s = format!(
        "A flowchart of {} questions and {} outcomes, starting at the {}. ",
        tree.questions().len(),
        tree.outcomes().len(),
        name(&tree.start().id)
    );
    for q in tree.questions() {
        let answers: Vec<String> = q
            .choices
            .iter()
            .map(|c| format!("\"{}\" leads to the {}", c.label, name(&c.next)))
            .collect();
        s.push_str(&format!("\"{}\": {}. ", q.short, answers.join("; ")));
    }
    if let Some(w) = walk {
        let taken: Vec<String> = w
            .answered(tree)
            .iter()
            .map(|(q, c)| format!("{}: {}", q.short, c.label))
            .collect();
        s.push_str(&format!("Path taken: {}.", taken.join("; ")));
        if let Some(o) = w.outcome() {
            for c in o.conditions_on(&w.path) {
                s.push_str(&format!(" {}: {}", c.title, c.actions.join(" ")));
            }
        }
    }
    s.trim_end().to_string()
}
