//! The triage map (`src/triage/map`): every question, answer and outcome is drawn with its id;
//! the path highlighted is the engine's path; boxes never overlap, text fits its box (by the
//! layout's numbers and by where the renderer really puts the glyphs), arrows go round the
//! boxes; the PNG decodes and is not blank; the committed `docs/triage-map.svg` is current; a
//! bigger tree still lays out cleanly; the CLI writes SVG and PNG and refuses anything else.
//!
//! Run: `cargo test --test triage_map`.

mod support;

use std::collections::BTreeSet;

use safeguarding_bot::knowledge::KnowledgeFiles;
use safeguarding_bot::snapshot::Snapshot;
use safeguarding_bot::triage::map::geometry::{Layout, Point, Rect};
use safeguarding_bot::triage::map::{self, png, Format, Map};
use safeguarding_bot::triage::{engine, Answer, Node, Path, Tree};

fn tree() -> &'static Tree {
    &support::snapshot().triage
}

fn version() -> &'static str {
    &support::snapshot().knowledge.manifest.version
}

/// The map of the embedded tree, laid out once for this test binary.
fn embedded_map() -> &'static Map<'static> {
    static MAP: std::sync::OnceLock<Map<'static>> = std::sync::OnceLock::new();
    MAP.get_or_init(|| Map::new(tree(), version()))
}

/// Every complete path through `tree`, answer by answer, depth first.
fn all_paths(tree: &Tree) -> Vec<Path> {
    let mut out = Vec::new();
    let mut stack = vec![(tree.start().id.clone(), Path::new())];
    while let Some((id, path)) = stack.pop() {
        match tree.node(&id) {
            Some(Node::Question(q)) => {
                for c in &q.choices {
                    let mut p = path.clone();
                    p.0.push(Answer::new(&q.id, &c.value));
                    stack.push((c.next.clone(), p));
                }
            }
            Some(Node::Outcome(_)) => out.push(path),
            None => panic!("dangling id {id}"),
        }
    }
    out
}

/// (id, class) of every element with an id of the form `prefix…`.
fn ids_with_class(svg: &str, prefix: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("the map is well-formed XML");
    doc.descendants()
        .filter_map(|n| {
            let id = n.attribute("id")?;
            id.starts_with(prefix).then(|| {
                (
                    id.to_string(),
                    n.attribute("class").unwrap_or("").to_string(),
                )
            })
        })
        .collect()
}

fn expected_ids(tree: &Tree) -> (BTreeSet<String>, BTreeSet<String>) {
    let nodes = tree
        .questions()
        .iter()
        .map(|q| format!("node-{}", q.id))
        .chain(tree.outcomes().iter().map(|o| format!("node-{}", o.id)))
        .collect();
    let edges = tree
        .questions()
        .iter()
        .flat_map(|q| {
            q.choices
                .iter()
                .map(move |c| format!("edge-{}-{}", q.id, c.value))
        })
        .collect();
    (nodes, edges)
}

#[test]
fn every_question_answer_and_outcome_is_drawn_with_its_id() {
    let svg = embedded_map().draw(None).svg;
    let (nodes, edges) = expected_ids(tree());
    let drawn_nodes: Vec<String> = ids_with_class(&svg, "node-")
        .into_iter()
        .map(|p| p.0)
        .collect();
    let drawn_edges: Vec<String> = ids_with_class(&svg, "edge-")
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(drawn_nodes.len(), nodes.len(), "a node is drawn twice");
    assert_eq!(drawn_edges.len(), edges.len(), "an answer is drawn twice");
    assert_eq!(drawn_nodes.into_iter().collect::<BTreeSet<_>>(), nodes);
    assert_eq!(drawn_edges.into_iter().collect::<BTreeSet<_>>(), edges);
    // Text as text: the short text of every question and every answer's label is searchable.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let text_of = |id: &str| -> String {
        let g = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap();
        g.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" ")
            .replace("- ", "-")
    };
    for q in tree().questions() {
        assert_eq!(text_of(&format!("node-{}", q.id)), q.short, "{}", q.id);
        for c in &q.choices {
            assert_eq!(text_of(&format!("edge-{}-{}", q.id, c.value)), c.label);
        }
    }
    for o in tree().outcomes() {
        assert!(
            text_of(&format!("node-{}", o.id)).ends_with(&o.title),
            "{}",
            o.id
        );
    }
    // Title, description and the emergency route.
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("title") && n.text().is_some_and(|t| t.contains(version()))));
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
    assert!(desc.text().unwrap().contains(&tree().start().short));
    assert!(svg.contains("call 999") && svg.contains("020 8547 5008"));
    assert!(
        !svg.contains("taken") && !svg.contains("dimmed"),
        "no path, no marks"
    );
}

#[test]
fn taken_marks_are_the_engines_path_for_every_path_through_the_tree() {
    let paths = all_paths(tree());
    assert!(paths.len() >= tree().outcomes().len());
    let (nodes, edges) = expected_ids(tree());
    for path in &paths {
        // The engine's own reading of the answers, as a scripted run gives it.
        let run = engine::script(tree(), &path.encode()).expect("a complete path");
        let mut want: BTreeSet<String> = BTreeSet::new();
        want.insert(format!("node-{}", tree().start().id));
        for a in &run.walk.path.0 {
            want.insert(format!("edge-{}-{}", a.question, a.value));
            let next = &tree()
                .question(&a.question)
                .unwrap()
                .choice(&a.value)
                .unwrap()
                .next;
            want.insert(format!("node-{next}"));
        }
        want.insert(format!("node-{}", run.walk.outcome().unwrap().id));
        let svg = embedded_map().draw(Some(&run.walk.path)).svg;
        let marked: Vec<(String, String)> = ids_with_class(&svg, "node-")
            .into_iter()
            .chain(ids_with_class(&svg, "edge-"))
            .collect();
        let taken: BTreeSet<String> = marked
            .iter()
            .filter(|(_, c)| c.split(' ').any(|w| w == "taken"))
            .map(|(i, _)| i.clone())
            .collect();
        assert_eq!(taken, want, "path {}", path.encode());
        for (id, class) in &marked {
            let dimmed = class.split(' ').any(|w| w == "dimmed");
            assert_eq!(
                dimmed,
                !want.contains(id),
                "{id} ({class}) on {}",
                path.encode()
            );
        }
        assert_eq!(marked.len(), nodes.len() + edges.len());
    }
}

#[test]
fn a_partial_path_marks_the_question_it_stops_at() {
    let path = Path::decode("immediate_danger=no,adult_in_position_of_trust=no").unwrap();
    let svg = embedded_map().draw(Some(&path)).svg;
    let taken: BTreeSet<String> = ids_with_class(&svg, "")
        .into_iter()
        .filter(|(_, c)| c.split(' ').any(|w| w == "taken"))
        .map(|(i, _)| i)
        .collect();
    let want: BTreeSet<String> = [
        "node-immediate_danger",
        "edge-immediate_danger-no",
        "node-adult_in_position_of_trust",
        "edge-adult_in_position_of_trust-no",
        "node-incident_type",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(taken, want);
    assert!(svg.contains("not yet answered"));
}

/// Point on the arrow's curve from `a` to `b` (vertical ends, as the SVG draws it).
fn curve(a: Point, b: Point, t: f32) -> Point {
    let mid = (a.y + b.y) / 2.0;
    let (c1, c2) = (Point { x: a.x, y: mid }, Point { x: b.x, y: mid });
    let u = 1.0 - t;
    let f = |p: f32, q: f32, r: f32, s: f32| {
        u * u * u * p + 3.0 * u * u * t * q + 3.0 * u * t * t * r + t * t * t * s
    };
    Point {
        x: f(a.x, c1.x, c2.x, b.x),
        y: f(a.y, c1.y, c2.y, b.y),
    }
}

fn shrink(r: &Rect, by: f32) -> Rect {
    Rect {
        x: r.x + by,
        y: r.y + by,
        w: r.w - 2.0 * by,
        h: r.h - 2.0 * by,
    }
}

/// The promises of a layout: nothing overlaps, everything is on the page, text fits its box,
/// arrows start and end on their boxes and pass through no other box or label.
fn assert_clean(layout: &Layout, tree: &Tree) {
    let boxes = layout.boxes();
    let page = Rect {
        x: 0.0,
        y: 0.0,
        w: layout.width,
        h: layout.height,
    };
    for (i, (a, ra)) in boxes.iter().enumerate() {
        assert!(page.contains(ra), "{a} {ra:?} is off the page");
        for (b, rb) in &boxes[i + 1..] {
            assert!(!ra.overlaps(rb), "{a} {ra:?} overlaps {b} {rb:?}");
        }
    }
    for l in &layout.banner_lines {
        assert!(
            layout.banner.contains(&l.rect()),
            "banner text {:?} spills",
            l.text
        );
    }
    for n in &layout.nodes {
        assert!(!n.lines.is_empty(), "{} has no text", n.id);
        for l in &n.lines {
            assert!(
                shrink(&n.rect, 4.0).contains(&l.rect()),
                "{}: {:?} does not fit {:?}",
                n.id,
                l.text,
                n.rect
            );
            assert!(l.size >= 11.0, "{}: text too small to read", n.id);
        }
    }
    for e in &layout.edges {
        let name = format!("edge-{}-{}", e.question, e.value);
        for l in &e.label_lines {
            assert!(
                shrink(&e.label, 2.0).contains(&l.rect()),
                "{name}: {:?} does not fit {:?}",
                l.text,
                e.label
            );
        }
        let from = layout.node(&e.question).unwrap().rect;
        let to = layout.node(&e.target).unwrap().rect;
        let (first, last) = (e.points[0], *e.points.last().unwrap());
        assert!(
            first.y == from.bottom() && first.x > from.x && first.x < from.right(),
            "{name} leaves {first:?}"
        );
        assert!(
            last.y == to.y && last.x > to.x && last.x < to.right(),
            "{name} ends at {last:?}"
        );
        assert!(
            e.points.windows(2).all(|w| w[0].y <= w[1].y),
            "{name} goes back up"
        );
        // Sample the whole course: it never enters another box or another answer's label.
        let mut samples = Vec::new();
        for w in e.points.windows(2) {
            for k in 0..=20 {
                samples.push(curve(w[0], w[1], k as f32 / 20.0));
            }
        }
        for p in samples {
            for n in &layout.nodes {
                assert!(
                    !shrink(&n.rect, 0.5).holds(p),
                    "{name} passes through node-{} at {p:?}",
                    n.id
                );
            }
            for other in layout.edges.iter().filter(|o| *o != e) {
                assert!(
                    !shrink(&other.label, 0.5).holds(p),
                    "{name} passes through the label of edge-{}-{} at {p:?}",
                    other.question,
                    other.value
                );
            }
        }
    }
    let (nodes, edges) = expected_ids(tree);
    assert_eq!(layout.nodes.len(), nodes.len());
    assert_eq!(layout.edges.len(), edges.len());
}

#[test]
fn no_two_boxes_overlap_every_label_fits_and_no_arrows_cross() {
    let drawing = embedded_map().draw(None);
    assert_clean(&drawing.layout, tree());
    assert_eq!(drawing.layout.crossings, 0, "arrows cross in today's tree");
    // Top to bottom: every answer leads downwards.
    for e in &drawing.layout.edges {
        let (from, to) = (
            drawing.layout.node(&e.question).unwrap(),
            drawing.layout.node(&e.target).unwrap(),
        );
        assert!(
            to.rect.y > from.rect.bottom(),
            "edge-{}-{} points up",
            e.question,
            e.value
        );
    }
}

#[test]
fn the_renderer_puts_every_line_of_text_inside_its_box() {
    let drawing = embedded_map().draw(None);
    let svg_tree = png::parse(&drawing.svg).unwrap();
    let mut checked = 0;
    fn walk(g: &resvg::usvg::Group, layout: &Layout, checked: &mut usize) {
        for child in g.children() {
            let resvg::usvg::Node::Group(inner) = child else {
                continue;
            };
            let id = inner.id();
            let frame = if let Some(n) = id.strip_prefix("node-").and_then(|i| layout.node(i)) {
                Some(n.rect)
            } else {
                layout
                    .edges
                    .iter()
                    .find(|e| id == format!("edge-{}-{}", e.question, e.value))
                    .map(|e| e.label)
            };
            if let Some(frame) = frame {
                for t in inner.children() {
                    if let resvg::usvg::Node::Text(text) = t {
                        let b = text.abs_bounding_box();
                        let r = Rect {
                            x: b.left(),
                            y: b.top(),
                            w: b.width(),
                            h: b.height(),
                        };
                        assert!(
                            frame.contains(&r),
                            "{id}: rendered text {r:?} leaves {frame:?}"
                        );
                        *checked += 1;
                    }
                }
            }
            walk(inner, layout, checked);
        }
    }
    walk(svg_tree.root(), &drawing.layout, &mut checked);
    let lines: usize = drawing
        .layout
        .nodes
        .iter()
        .map(|n| n.lines.len())
        .sum::<usize>()
        + drawing
            .layout
            .edges
            .iter()
            .map(|e| e.label_lines.len())
            .sum::<usize>();
    assert_eq!(
        checked, lines,
        "every line of text was rendered and checked"
    );
}

#[test]
fn the_png_decodes_has_the_expected_size_and_is_not_blank() {
    let drawing = embedded_map().draw(None);
    let bytes = embedded_map().render(None, Format::Png).unwrap();
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(
        info.width,
        (drawing.layout.width * png::SCALE).round() as u32
    );
    assert_eq!(
        info.height,
        (drawing.layout.height * png::SCALE).round() as u32
    );
    assert!(info.width >= 800, "{} px wide", info.width);
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let white = pixels.iter().filter(|p| p[..3] == [255, 255, 255]).count();
    let ink = pixels.len() - white;
    assert!(
        ink * 50 > pixels.len(),
        "only {ink} of {} pixels drawn",
        pixels.len()
    );
    assert!(
        white * 2 > pixels.len(),
        "the map is mostly white space between boxes"
    );
    // The emergency banner's red is there (the fonts and colours made it into the picture).
    assert!(
        pixels.iter().any(|p| p[..3] == [0xb7, 0x1c, 0x1c]),
        "no 999 red in the PNG"
    );
}

#[test]
fn the_committed_map_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/triage-map.svg");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let today = embedded_map().draw(None).svg;
    assert!(
        committed == today,
        "docs/triage-map.svg is not what the tree draws today (the tree, the knowledge version \
         or the drawing code changed). Regenerate it with\n\n    cargo run -- triage --map -o docs/triage-map.svg\n\nand commit it."
    );
}

/// Three questions more: "Something else" now asks whether it happened on a school device,
/// then whether it was reported to the platform, then how the child feels.
fn bigger_tree(text: &str) -> String {
    let extra = r#"
[[question]]
id = "extra_device"
short = "On a device the school provides"
text = "Did it happen on a device or account your organisation provides?"

  [[question.choice]]
  value = "yes"
  label = "Yes, one of ours"
  next = "extra_reported"

  [[question.choice]]
  value = "no"
  label = "No"
  next = "significant_harm"

[[question]]
id = "extra_reported"
short = "Already reported to the platform"
text = "Has it already been reported to the platform?"

  [[question.choice]]
  value = "yes"
  label = "Yes"
  next = "extra_feelings"

  [[question.choice]]
  value = "no"
  label = "No, not yet"
  next = "significant_harm"

  [[question.choice]]
  value = "unsure"
  label = "I do not know"
  next = "low_level_concern"

[[question]]
id = "extra_feelings"
short = "The child is distressed"
text = "Is the child distressed by it?"

  [[question.choice]]
  value = "yes"
  label = "Yes, very"
  next = "significant_harm_referral"

  [[question.choice]]
  value = "no"
  label = "No"
  next = "low_level_concern"

"#;
    let anchor = "  value = \"other\"\n  label = \"Something else\"\n  next = \"significant_harm\"";
    assert!(
        text.contains(anchor),
        "triage.toml has changed: update this test's anchor"
    );
    let text = text.replace(
        anchor,
        &anchor.replace("next = \"significant_harm\"", "next = \"extra_device\""),
    );
    let at = text.find("[[outcome]]").unwrap();
    format!("{}{extra}{}", &text[..at], &text[at..])
}

#[test]
fn a_tree_with_three_more_questions_still_lays_out_cleanly() {
    let dir = support::knowledge_copy_with("triage.toml", bigger_tree);
    let snapshot = Snapshot::build(&KnowledgeFiles::from_dir(dir.path()).unwrap())
        .expect("the bigger tree is valid");
    let tree = &snapshot.triage;
    assert_eq!(
        tree.questions().len(),
        support::snapshot().triage.questions().len() + 3
    );
    let map = Map::new(tree, "test");
    let drawing = map.draw(None);
    assert_clean(&drawing.layout, tree);
    let (nodes, edges) = expected_ids(tree);
    let drawn: BTreeSet<String> = ids_with_class(&drawing.svg, "")
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert!(nodes.is_subset(&drawn) && edges.is_subset(&drawn));
    // And a path through the new questions is marked.
    let path = Path::decode(
        "immediate_danger=no,adult_in_position_of_trust=no,incident_type=other,extra_device=yes,extra_reported=yes,extra_feelings=yes",
    )
    .unwrap();
    let svg = map.draw(Some(&path)).svg;
    assert!(ids_with_class(&svg, "edge-extra_feelings-yes")[0]
        .1
        .contains("taken"));
    assert!(ids_with_class(&svg, "node-significant_harm_referral")[0]
        .1
        .contains("taken"));
}

fn bot() -> std::process::Command {
    support::bin()
}

#[test]
fn the_cli_draws_svg_and_png_and_refuses_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("map.svg");
    let out = bot()
        .args(["triage", "--map", "-o"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&svg).unwrap();
    assert!(
        written == map::draw(tree(), version(), None).svg,
        "the CLI draws another map"
    );

    let png_file = dir.path().join("path.PNG");
    let answers = "immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no";
    let out = bot()
        .args(["triage", "--map", "--answers", answers, "-o"])
        .arg(&png_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&png_file)
        .unwrap()
        .starts_with(b"\x89PNG\r\n\x1a\n"));

    let bad = dir.path().join("map.jpg");
    let out = bot()
        .args(["triage", "--map", "-o"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".svg or .png") && err.contains("map.jpg"),
        "{err}"
    );
    assert!(!bad.exists());

    let out = bot()
        .args([
            "triage",
            "--map",
            "--answers",
            "immediate_danger=perhaps",
            "-o",
        ])
        .arg(dir.path().join("x.svg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("immediate_danger"));

    let out = bot().args(["triage", "--map"]).output().unwrap();
    assert!(!out.status.success(), "--map needs -o");
}

#[test]
fn the_same_tree_always_draws_the_same_map() {
    // Each layout starts afresh (new hash maps, new seeds): nothing may depend on them.
    let a = map::draw(tree(), version(), None).svg;
    let b = map::draw(tree(), version(), None).svg;
    assert!(a == b, "two drawings of one tree differ");
}

#[test]
fn the_emergency_outcome_is_drawn_as_999_and_the_banner_is_never_faded() {
    let run = engine::script(tree(), "immediate_danger=yes").unwrap();
    let id = format!("node-{}", run.walk.outcome().unwrap().id);
    let svg = embedded_map().draw(None).svg;
    let class = &ids_with_class(&svg, &id)[0].1;
    assert!(class.contains("urgency-999"), "{id} is drawn as {class}");
    let text = svg[svg.find(&format!("id=\"{id}\"")).unwrap()..]
        .split("</g>")
        .next()
        .unwrap()
        .to_string();
    assert!(
        text.contains("CALL 999 NOW"),
        "the urgency is said in words too"
    );
    // With any path, the emergency banner keeps its full colour.
    let other = Path::decode("immediate_danger=no,adult_in_position_of_trust=yes,adult_offence=no")
        .unwrap();
    let svg = embedded_map().draw(Some(&other)).svg;
    let banner = ids_with_class(&svg, "emergency");
    assert_eq!(banner.len(), 1);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let g = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("emergency"))
        .unwrap();
    assert!(g.attribute("opacity").is_none() && !banner[0].1.contains("dimmed"));
}
