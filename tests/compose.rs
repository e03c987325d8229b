//! The `compose.yaml` at the repository root (HTTP interactions mode: several bot processes
//! sharing one PostgreSQL) runs what this repository builds, without needing Docker: it is parsed
//! here and checked against the tree and the real binary.
//!
//! - every service with `build:` has a Dockerfile at that context;
//! - at least two bot services (built from this repository) run in http mode
//!   (`SAFEGUARDING_BOT__DISCORD__MODE=http`) and share the same
//!   `SAFEGUARDING_BOT__DATABASE__URL`, a `postgres://` URL whose host is a compose service with
//!   a healthcheck, whose user, password and database are the ones that service is created with
//!   (`POSTGRES_USER`, `POSTGRES_PASSWORD`, `POSTGRES_DB`, with and without overrides), and which
//!   keeps its data in a named volume;
//! - every bot depends on that database service with `condition: service_healthy`;
//! - exactly one bot registers the slash commands (the others set
//!   `SAFEGUARDING_BOT__DISCORD__REGISTER_COMMANDS=false`);
//! - each bot's environment is made of real settings: `safeguarding-bot config` run with that
//!   environment (interpolated, `DISCORD_TOKEN=dummy`) exits 0, names every
//!   `SAFEGUARDING_BOT__*` variable as the layer of its key, and does not print the database
//!   password;
//! - secrets (tokens, passwords, the public key) come from `${VAR:?…}` or `${VAR:-…}`
//!   interpolation (tokens from `${VAR:?…}` only), the database URL's password too, and no
//!   literal Discord token appears anywhere in the file;
//! - each bot's healthcheck runs the binary in exec form and names a real subcommand with
//!   arguments it accepts (`safeguarding-bot <args> --help` exits 0), at the port the bot
//!   listens on;
//! - published ports bind 127.0.0.1 only (a reverse proxy on the host is the way in), and a
//!   bot's container port is the one it listens on;
//! - every named volume a service uses is declared under the top-level `volumes:`.
//!
//! There is no YAML crate among the dependencies, so `compose.yaml` keeps to a small subset of
//! YAML — block maps by indentation, `- item` lists, flow lists `["a", "b"]`, plain, single- or
//! double-quoted scalars, comments — read by the parser below (itself tested here). Anything
//! outside that subset (anchors, tags, block scalars, flow maps, tabs, …) fails with its line
//! number, never a skip.
//!
//! Run: `cargo test --test compose`.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// The YAML subset.

/// A parsed value and the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq)]
struct Node {
    line: usize,
    value: Yaml,
}

#[derive(Debug, Clone, PartialEq)]
enum Yaml {
    /// `key:` with nothing after or under it.
    Null,
    /// Plain or quoted, unquoted and unescaped (YAML's booleans and numbers stay text).
    Scalar(String),
    List(Vec<Node>),
    /// In file order; duplicate keys are errors.
    Map(Vec<(String, Node)>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Yaml::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match &self.value {
            Yaml::Scalar(s) => Some(s),
            _ => None,
        }
    }

    fn as_list(&self) -> Option<&[Node]> {
        match &self.value {
            Yaml::List(l) => Some(l),
            _ => None,
        }
    }

    fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Yaml::Map(m) => Some(m),
            _ => None,
        }
    }
}

#[derive(Debug, PartialEq)]
struct ParseError {
    line: usize,
    message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

/// A line with content: its number, indentation and text (comment and trailing blanks removed).
#[derive(Debug, Clone)]
struct Line {
    no: usize,
    indent: usize,
    text: String,
}

/// Whether a quote at byte `i` of `s` opens a quoted scalar: at the start of a value, not inside
/// a plain scalar such as `it's`.
fn opens_quote(s: &str, i: usize) -> bool {
    let before = s[..i].trim_end();
    i == 0
        || (s[..i].ends_with(' ') && (before.is_empty() || before.ends_with([':', '-', ',', '['])))
        || before.ends_with(['[', ','])
}

/// `text` without its comment (`#` at the start or after a blank, outside quotes).
fn strip_comment(text: &str, no: usize) -> Result<String, ParseError> {
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some('\'') if c == '\'' && chars.peek().map(|&(_, n)| n) == Some('\'') => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && opens_quote(text, i) => quote = Some(c),
            None if c == '#' && (i == 0 || text[..i].ends_with([' ', '\t'])) => {
                return Ok(text[..i].trim_end().to_string());
            }
            None => {}
        }
    }
    if quote.is_some() {
        return err(
            no,
            "unterminated quoted scalar (quoted scalars must end on their line)",
        );
    }
    Ok(text.trim_end().to_string())
}

fn lines(text: &str) -> Result<Vec<Line>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let no = i + 1;
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        if raw[indent..].starts_with('\t') {
            return err(no, "tab in indentation (YAML indents with spaces)");
        }
        let t = strip_comment(&raw[indent..], no)?;
        if t.is_empty() {
            continue;
        }
        if t == "---" || t == "..." || t.starts_with('%') {
            return err(
                no,
                format!("`{t}`: documents and directives are not supported"),
            );
        }
        out.push(Line {
            no,
            indent,
            text: t,
        });
    }
    Ok(out)
}

/// Byte offset of the `:` ending a map key in `t` (followed by a blank or the end, outside
/// quotes), if `t` is a map entry.
fn key_colon(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    let (outside, _) = outside_quotes(t, |i| opens_quote(t, i));
    outside
        .into_iter()
        .find(|&i| b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' '))
}

/// Byte offsets of the characters of `t` outside quotes, and whether a quote is left open. A
/// quote opens only where `opens(offset)` allows it; in double quotes `\` escapes.
fn outside_quotes(t: &str, opens: impl Fn(usize) -> bool) -> (Vec<usize>, bool) {
    let (b, mut out) = (t.as_bytes(), Vec::new());
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        match quote {
            Some(b'"') if b[i] == b'\\' => i += 1,
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None if (b[i] == b'"' || b[i] == b'\'') && opens(i) => quote = Some(b[i]),
            None => out.push(i),
        }
        i += 1;
    }
    (out, quote.is_some())
}

fn is_item(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

struct Parser {
    lines: Vec<Line>,
    pos: usize,
}

/// Parses the subset of YAML described at the top of this file; the document must be a map.
fn parse_yaml(text: &str) -> Result<Node, ParseError> {
    let mut p = Parser {
        lines: lines(text)?,
        pos: 0,
    };
    let Some(first) = p.lines.first().cloned() else {
        return err(1, "empty document");
    };
    if first.indent != 0 {
        return err(first.no, "the document must start at column 1");
    }
    let root = p.block(0)?;
    if let Some(l) = p.lines.get(p.pos) {
        return err(l.no, "unexpected indentation");
    }
    if root.as_map().is_none() {
        return err(first.no, "the document must be a map");
    }
    Ok(root)
}

impl Parser {
    fn peek(&self) -> Option<&Line> {
        self.lines.get(self.pos)
    }

    /// The block (list or map) whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize) -> Result<Node, ParseError> {
        let l = self.peek().expect("a line").clone();
        if is_item(&l.text) {
            self.list(indent)
        } else if key_colon(&l.text).is_some() {
            self.map(indent)
        } else {
            // A scalar alone on its line: only as a list item's value ("- x").
            self.pos += 1;
            let v = scalar(&l.text, l.no)?;
            if let Some(n) = self.peek() {
                if n.indent > indent {
                    return err(
                        n.no,
                        "unexpected indentation (multi-line scalars are not supported)",
                    );
                }
            }
            Ok(v)
        }
    }

    fn list(&mut self, indent: usize) -> Result<Node, ParseError> {
        let start = self.peek().expect("a line").no;
        let mut items = Vec::new();
        while let Some(l) = self.peek().cloned() {
            if l.indent < indent || (l.indent == indent && !is_item(&l.text)) {
                break;
            }
            if l.indent > indent {
                return err(l.no, "unexpected indentation in a list");
            }
            let rest = &l.text[1..];
            let blanks = rest.len() - rest.trim_start().len();
            let rest = rest.trim_start();
            if rest.is_empty() {
                // "-" alone: the item is the block under it.
                self.pos += 1;
                match self.peek() {
                    Some(n) if n.indent > indent => {
                        let i = n.indent;
                        items.push(self.block(i)?);
                    }
                    _ => items.push(Node {
                        line: l.no,
                        value: Yaml::Null,
                    }),
                }
                continue;
            }
            if is_item(rest) {
                return err(l.no, "a list directly inside a list item is not supported");
            }
            // "- rest": rest is read as if it stood on its own line at its own column, so
            // "- key: v" followed by "  key2: w" is one map.
            let col = indent + 1 + blanks;
            self.lines[self.pos] = Line {
                no: l.no,
                indent: col,
                text: rest.to_string(),
            };
            items.push(self.block(col)?);
        }
        Ok(Node {
            line: start,
            value: Yaml::List(items),
        })
    }

    fn map(&mut self, indent: usize) -> Result<Node, ParseError> {
        let start = self.peek().expect("a line").no;
        let mut entries: Vec<(String, Node)> = Vec::new();
        while let Some(l) = self.peek().cloned() {
            if l.indent < indent {
                break;
            }
            if l.indent > indent {
                return err(l.no, "unexpected indentation");
            }
            if is_item(&l.text) {
                return err(l.no, "a list item where a map key was expected");
            }
            let Some(colon) = key_colon(&l.text) else {
                return err(l.no, format!("expected `key: value`, found `{}`", l.text));
            };
            let key = l.text[..colon].trim_end();
            let first = key.chars().next().unwrap_or(' ');
            if key.is_empty() || "\"'?[]{}&*!|>%@`-#,".contains(first) {
                return err(l.no, format!("key `{key}`: only plain keys are supported"));
            }
            if entries.iter().any(|(k, _)| k == key) {
                return err(l.no, format!("duplicate key `{key}`"));
            }
            let value = l.text[colon + 1..].trim();
            self.pos += 1;
            let node = if value.is_empty() {
                match self.peek() {
                    Some(n) if n.indent > indent => {
                        let i = n.indent;
                        self.block(i)?
                    }
                    // A list may sit at its key's own indentation.
                    Some(n) if n.indent == indent && is_item(&n.text) => self.list(indent)?,
                    _ => Node {
                        line: l.no,
                        value: Yaml::Null,
                    },
                }
            } else {
                let v = scalar(value, l.no)?;
                if let Some(n) = self.peek() {
                    if n.indent > indent {
                        return err(
                            n.no,
                            "unexpected indentation (multi-line scalars are not supported)",
                        );
                    }
                }
                v
            };
            entries.push((key.to_string(), node));
        }
        Ok(Node {
            line: start,
            value: Yaml::Map(entries),
        })
    }
}

/// An inline value: a flow list of scalars, a quoted scalar or a plain one.
fn scalar(t: &str, no: usize) -> Result<Node, ParseError> {
    let node = |value| Ok(Node { line: no, value });
    if let Some(inner) = t.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return err(no, "a flow list must end with `]` on its line");
        };
        if inner.trim().is_empty() {
            return node(Yaml::List(Vec::new()));
        }
        let mut items = Vec::new();
        for part in split_flow(inner, no)? {
            let part = part.trim();
            if part.is_empty() {
                return err(no, "empty item in a flow list");
            }
            if part.starts_with(['[', '{']) {
                return err(no, "nested flow collections are not supported");
            }
            items.push(scalar(part, no)?);
        }
        return node(Yaml::List(items));
    }
    if let Some(rest) = t.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        loop {
            match chars.next() {
                None => return err(no, "unterminated double-quoted scalar"),
                Some('"') => break,
                Some('\\') => out.push(match chars.next() {
                    Some('"') => '"',
                    Some('\\') => '\\',
                    Some('/') => '/',
                    Some('n') => '\n',
                    Some('t') => '\t',
                    other => {
                        return err(
                            no,
                            format!("unsupported escape `\\{}`", other.unwrap_or(' ')),
                        )
                    }
                }),
                Some(c) => out.push(c),
            }
        }
        if !chars.as_str().trim().is_empty() {
            return err(
                no,
                format!("text after a quoted scalar: `{}`", chars.as_str()),
            );
        }
        return node(Yaml::Scalar(out));
    }
    if let Some(rest) = t.strip_prefix('\'') {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        loop {
            match chars.next() {
                None => return err(no, "unterminated single-quoted scalar"),
                Some('\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                    out.push('\'');
                }
                Some('\'') => break,
                Some(c) => out.push(c),
            }
        }
        let tail: String = chars.collect();
        if !tail.trim().is_empty() {
            return err(no, format!("text after a quoted scalar: `{tail}`"));
        }
        return node(Yaml::Scalar(out));
    }
    match t.chars().next() {
        Some('{') => return err(no, "flow maps `{…}` are not supported"),
        Some('&') => return err(no, "anchors are not supported"),
        Some('*') => return err(no, "aliases are not supported"),
        Some('!') => return err(no, "tags are not supported"),
        Some('|') | Some('>') => return err(no, "block scalars are not supported"),
        Some(c @ ('%' | '@' | '`' | ']' | '}' | ',' | '?')) => {
            return err(no, format!("a plain scalar cannot start with `{c}`"))
        }
        _ => {}
    }
    if key_colon(t).is_some() {
        return err(
            no,
            format!("`{t}`: a map inside a value is not supported here"),
        );
    }
    node(Yaml::Scalar(t.to_string()))
}

/// The items of a flow list's inside, split at commas outside quotes.
fn split_flow(inner: &str, no: usize) -> Result<Vec<&str>, ParseError> {
    // A quote opens an item: only blanks since the list's start or the last comma.
    let item_start = |i: usize| {
        let before = inner[..i].trim_end();
        before.is_empty() || before.ends_with(',')
    };
    let (outside, open) = outside_quotes(inner, item_start);
    if open {
        return err(no, "unterminated quote in a flow list");
    }
    let mut out = Vec::new();
    let mut start = 0;
    for i in outside.into_iter().filter(|&i| inner.as_bytes()[i] == b',') {
        out.push(&inner[start..i]);
        start = i + 1;
    }
    out.push(&inner[start..]);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Compose's variable interpolation.

/// A piece of a value: text, or `${NAME<op><arg>}` / `$NAME`.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Var {
        name: String,
        /// "", ":-", "-", ":?", "?", ":+" or "+".
        op: String,
        arg: String,
    },
}

fn interpolation(s: &str) -> Result<Vec<Part>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(r) = after.strip_prefix('$') {
            text.push('$');
            rest = r;
            continue;
        }
        let (name, op, arg, r) = if let Some(body) = after.strip_prefix('{') {
            let end = body
                .find('}')
                .ok_or_else(|| format!("`{s}`: `${{` without `}}`"))?;
            let inner = &body[..end];
            if inner.contains('$') {
                return Err(format!("`{s}`: nested interpolation is not supported"));
            }
            let n = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let (name, tail) = inner.split_at(n);
            let op = ["-", ":-", "?", ":?", "+", ":+", ""]
                .into_iter()
                .filter(|op| tail.starts_with(op))
                .max_by_key(|op| op.len())
                .unwrap_or("");
            if op.is_empty() && !tail.is_empty() {
                return Err(format!("`{s}`: unknown interpolation `${{{inner}}}`"));
            }
            (name, op, &tail[op.len()..], &body[end + 1..])
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..n], "", "", &after[n..])
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!(
                "`{s}`: `$` without a variable name (write `$$` for a `$`)"
            ));
        }
        if !text.is_empty() {
            out.push(Part::Text(std::mem::take(&mut text)));
        }
        out.push(Part::Var {
            name: name.to_string(),
            op: op.to_string(),
            arg: arg.to_string(),
        });
        rest = r;
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Part::Text(text));
    }
    Ok(out)
}

/// The value compose would use, given the host environment `env`.
fn resolve(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    for part in interpolation(s)? {
        match part {
            Part::Text(t) => out.push_str(&t),
            Part::Var { name, op, arg } => {
                let v = env(&name);
                let set = v.is_some();
                let full = v.as_deref().is_some_and(|v| !v.is_empty());
                out.push_str(&match op.as_str() {
                    "" => v.unwrap_or_default(),
                    ":-" if !full => arg,
                    "-" if !set => arg,
                    ":?" if !full => return Err(format!("{name}: {arg}")),
                    "?" if !set => return Err(format!("{name}: {arg}")),
                    ":+" => {
                        if full {
                            arg
                        } else {
                            String::new()
                        }
                    }
                    "+" => {
                        if set {
                            arg
                        } else {
                            String::new()
                        }
                    }
                    _ => v.unwrap_or_default(),
                });
            }
        }
    }
    Ok(out)
}

/// Every variable `s` refers to.
fn vars_of(s: &str) -> Vec<(String, String)> {
    interpolation(s)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match p {
            Part::Var { name, op, .. } => Some((name, op)),
            Part::Text(_) => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The compose file.

fn compose() -> Node {
    let path = repo().join("compose.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} must exist: {e}", path.display()));
    parse_yaml(&text).unwrap_or_else(|e| {
        panic!(
            "compose.yaml:{}: {} (tests/compose.rs reads a subset of YAML; keep to it)",
            e.line, e.message
        )
    })
}

fn services(root: &Node) -> Vec<(String, Node)> {
    root.get("services")
        .and_then(Node::as_map)
        .expect("compose.yaml has a `services:` map")
        .to_vec()
}

/// A service's environment as (name, raw value, line), from the map or the `KEY=value` list form;
/// `KEY` alone (passed through from the host) has the value `${KEY}`.
fn environment(service: &Node) -> Vec<(String, String, usize)> {
    let Some(env) = service.get("environment") else {
        return Vec::new();
    };
    match &env.value {
        Yaml::Map(m) => m
            .iter()
            .map(|(k, v)| {
                let value = match &v.value {
                    Yaml::Scalar(s) => s.clone(),
                    Yaml::Null => String::new(),
                    _ => panic!("compose.yaml:{}: {k} is not a scalar", v.line),
                };
                (k.clone(), value, v.line)
            })
            .collect(),
        Yaml::List(l) => l
            .iter()
            .map(|item| {
                let s = item
                    .as_str()
                    .unwrap_or_else(|| panic!("compose.yaml:{}: not `KEY=value`", item.line));
                match s.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string(), item.line),
                    None => (s.to_string(), format!("${{{s}}}"), item.line),
                }
            })
            .collect(),
        _ => panic!(
            "compose.yaml:{}: environment is neither a map nor a list",
            env.line
        ),
    }
}

fn env_value<'a>(env: &'a [(String, String, usize)], key: &str) -> Option<&'a str> {
    env.iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, v, _)| v.as_str())
}

/// The host environment the tests resolve with: nothing set, except a stand-in for every
/// variable the file requires (`${VAR:?…}`): a 64-hex-digit key for a public key, else "dummy".
fn test_env(root: &Node) -> impl Fn(&str) -> Option<String> {
    let mut required = BTreeSet::new();
    for (_, service) in services(root) {
        for (_, v, _) in environment(&service) {
            for (name, op) in vars_of(&v) {
                if op == ":?" || op == "?" {
                    required.insert(name);
                }
            }
        }
    }
    move |name: &str| {
        required.contains(name).then(|| {
            if name.contains("PUBLIC_KEY") {
                "0123456789abcdef".repeat(4)
            } else {
                "dummy".to_string()
            }
        })
    }
}

/// Every variable set, to a value naming it: what the file does when the operator overrides
/// everything.
fn override_env(name: &str) -> Option<String> {
    Some(if name.contains("PUBLIC_KEY") {
        "fedcba9876543210".repeat(4)
    } else {
        format!("override{}", name.to_ascii_lowercase().replace('_', ""))
    })
}

fn resolved(raw: &str, env: &dyn Fn(&str) -> Option<String>, what: &str) -> String {
    resolve(raw, env).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The directory and Dockerfile a `build:` names, relative to the repository.
fn build_of(service: &Node) -> Option<(PathBuf, String, usize)> {
    let b = service.get("build")?;
    match &b.value {
        Yaml::Scalar(ctx) => Some((repo().join(ctx), "Dockerfile".into(), b.line)),
        Yaml::Map(_) => Some((
            repo().join(b.get("context").and_then(Node::as_str).unwrap_or(".")),
            b.get("dockerfile")
                .and_then(Node::as_str)
                .unwrap_or("Dockerfile")
                .to_string(),
            b.line,
        )),
        _ => panic!("compose.yaml:{}: build is neither a path nor a map", b.line),
    }
}

/// The services built from this repository's own Dockerfile: the bots.
fn bots(root: &Node) -> Vec<(String, Node)> {
    let here = repo().canonicalize().expect("repository path");
    let out: Vec<(String, Node)> = services(root)
        .into_iter()
        .filter(|(_, s)| {
            build_of(s).is_some_and(|(ctx, file, _)| {
                file == "Dockerfile" && ctx.canonicalize().ok().as_ref() == Some(&here)
            })
        })
        .collect();
    assert!(
        !out.is_empty(),
        "compose.yaml: no service is built from this repository (`build: .`)"
    );
    out
}

/// Parts of a `postgres://user:password@host:port/db?…` URL.
#[derive(Debug, PartialEq)]
struct PgUrl {
    user: String,
    password: Option<String>,
    host: String,
    port: Option<String>,
    db: String,
}

fn pg_url(url: &str) -> Option<PgUrl> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (u, h),
        None => ("", authority),
    };
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u, Some(p.to_string())),
        None => (userinfo, None),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.to_string())),
        None => (hostport, None),
    };
    Some(PgUrl {
        user: user.to_string(),
        password,
        host: host.to_string(),
        port,
        db: path.split('?').next().unwrap_or("").to_string(),
    })
}

/// The `SAFEGUARDING_BOT__DATABASE__URL` every http-mode bot uses, and the service it names.
fn shared_database(root: &Node) -> (String, String) {
    let env = test_env(root);
    let http: Vec<(String, Node)> = bots(root)
        .into_iter()
        .filter(|(_, s)| {
            env_value(&environment(s), "SAFEGUARDING_BOT__DISCORD__MODE")
                .is_some_and(|m| resolved(m, &env, "mode").eq_ignore_ascii_case("http"))
        })
        .collect();
    let names: Vec<&str> = http.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        http.len() >= 2,
        "compose.yaml: {} bot service(s) in http mode ({names:?}); the point of this file is \
         several processes behind one balancer: at least two need \
         SAFEGUARDING_BOT__DISCORD__MODE=http",
        http.len()
    );
    let urls: BTreeSet<String> = http
        .iter()
        .map(|(n, s)| {
            env_value(&environment(s), "SAFEGUARDING_BOT__DATABASE__URL")
                .unwrap_or_else(|| {
                    panic!("compose.yaml: {n} has no SAFEGUARDING_BOT__DATABASE__URL: it would use its own SQLite file")
                })
                .to_string()
        })
        .collect();
    assert_eq!(
        urls.len(),
        1,
        "compose.yaml: the http bots {names:?} must share one database, but use {urls:?}"
    );
    let raw = urls.into_iter().next().unwrap();
    let url = resolved(&raw, &env, "SAFEGUARDING_BOT__DATABASE__URL");
    let parsed = pg_url(&url).unwrap_or_else(|| {
        panic!("compose.yaml: the shared database `{raw}` is not postgres://: SQLite cannot be shared by processes in different containers")
    });
    (raw, parsed.host)
}

fn healthcheck_test(service: &Node) -> Option<&Node> {
    service.get("healthcheck").and_then(|h| h.get("test"))
}

// ---------------------------------------------------------------------------------------------
// The checks.

#[test]
fn compose_yaml_is_in_the_subset_the_test_reads() {
    let root = compose();
    for (key, node) in root.as_map().unwrap() {
        assert!(
            ["services", "volumes", "networks", "name", "secrets", "configs"]
                .contains(&key.as_str()),
            "compose.yaml:{}: unknown top-level key `{key}`",
            node.line
        );
    }
    assert!(
        services(&root).len() >= 3,
        "compose.yaml: expected db and two bots"
    );
}

#[test]
fn every_build_context_holds_its_dockerfile() {
    let root = compose();
    let mut built = 0;
    for (name, service) in services(&root) {
        if let Some((ctx, file, line)) = build_of(&service) {
            built += 1;
            let path = ctx.join(&file);
            assert!(
                path.is_file(),
                "compose.yaml:{line}: {name} builds {} but there is no {}",
                ctx.display(),
                path.display()
            );
        }
    }
    assert!(built > 0, "compose.yaml: no service has `build:`");
}

#[test]
fn http_bots_share_one_postgres_that_has_a_healthcheck() {
    let root = compose();
    let (raw, host) = shared_database(&root);
    let services = services(&root);
    let (_, db) = services
        .iter()
        .find(|(n, _)| *n == host)
        .unwrap_or_else(|| {
            panic!("compose.yaml: the database URL `{raw}` names host `{host}`, which is not a service here")
        });
    let test = healthcheck_test(db).unwrap_or_else(|| {
        panic!("compose.yaml: {host} has no healthcheck: `condition: service_healthy` would never be met")
    });
    let argv: Vec<&str> = test
        .as_list()
        .map(|l| l.iter().filter_map(Node::as_str).collect())
        .unwrap_or_else(|| test.as_str().into_iter().collect());
    assert!(
        !argv.is_empty() && argv[0] != "NONE",
        "compose.yaml:{}: {host}'s healthcheck is disabled",
        test.line
    );

    // The URL's user, password and database are the ones the server is created with, whether
    // the operator overrides the variables or not.
    let db_env = environment(db);
    for (label, env) in [
        (
            "with the defaults",
            &test_env(&root) as &dyn Fn(&str) -> Option<String>,
        ),
        ("with every variable overridden", &override_env),
    ] {
        let url = pg_url(&resolved(&raw, env, "database URL")).unwrap();
        let server = |k: &str| {
            env_value(&db_env, k)
                .map(|v| resolved(v, env, k))
                .unwrap_or_else(|| panic!("compose.yaml: {host} does not set {k}"))
        };
        assert_eq!(url.user, server("POSTGRES_USER"), "user {label}");
        assert_eq!(
            url.password,
            Some(server("POSTGRES_PASSWORD")),
            "password {label}"
        );
        assert_eq!(url.db, server("POSTGRES_DB"), "database {label}");
        assert!(
            url.port.as_deref().is_none_or(|p| p == "5432"),
            "compose.yaml: the database URL uses port {:?}; inside the network PostgreSQL is on 5432",
            url.port
        );
    }

    // Its data survives `docker compose down` (and a re-created container).
    let data = volume_mounts(db)
        .into_iter()
        .find(|(_, target, _)| target == "/var/lib/postgresql/data");
    match data {
        Some((Some(_), _, _)) => {}
        _ => panic!("compose.yaml: {host} keeps /var/lib/postgresql/data in no named volume"),
    }
}

#[test]
fn every_bot_waits_for_a_healthy_database() {
    let root = compose();
    let (_, host) = shared_database(&root);
    for (name, bot) in bots(&root) {
        let deps = bot.get("depends_on").unwrap_or_else(|| {
            panic!("compose.yaml: {name} has no depends_on: it may start before {host} accepts connections and fail")
        });
        let dep = deps.get(&host).unwrap_or_else(|| {
            panic!(
                "compose.yaml:{}: {name} must depend on {host} in the map form (`{host}: condition: service_healthy`)",
                deps.line
            )
        });
        assert_eq!(
            dep.get("condition").and_then(Node::as_str),
            Some("service_healthy"),
            "compose.yaml:{}: {name} must wait for {host} with `condition: service_healthy`",
            dep.line
        );
    }
}

#[test]
fn exactly_one_bot_registers_the_commands() {
    let root = compose();
    let env = test_env(&root);
    let registering: Vec<String> = bots(&root)
        .into_iter()
        .filter(|(_, s)| {
            env_value(
                &environment(s),
                "SAFEGUARDING_BOT__DISCORD__REGISTER_COMMANDS",
            )
            .is_none_or(|v| !resolved(v, &env, "register_commands").eq_ignore_ascii_case("false"))
        })
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        registering.len(),
        1,
        "compose.yaml: bots registering the slash commands at start: {registering:?}; exactly one \
         should (the others set SAFEGUARDING_BOT__DISCORD__REGISTER_COMMANDS=false)"
    );
}

/// Variables a bot may have besides `SAFEGUARDING_BOT__*`: the token's conventional name, the
/// log filter, and the time zone (read by the C library, not the settings).
const OTHER_BOT_VARS: [&str; 3] = ["DISCORD_TOKEN", "RUST_LOG", "TZ"];

#[test]
fn every_bot_setting_is_a_real_setting() {
    let root = compose();
    let env = test_env(&root);
    let mut problems = Vec::new();
    for (name, bot) in bots(&root) {
        let vars = environment(&bot);
        let dir = tempfile::tempdir().expect("tempdir");
        let mut cmd = support::bin();
        cmd.args(["config", "--config"]).arg(dir.path());
        let mut password = None;
        for (k, v, line) in &vars {
            if !k.starts_with("SAFEGUARDING_BOT__") && !OTHER_BOT_VARS.contains(&k.as_str()) {
                problems.push(format!(
                    "compose.yaml:{line}: {name} sets {k}, which the bot does not read"
                ));
            }
            let value = resolved(v, &env, k);
            if k == "SAFEGUARDING_BOT__DATABASE__URL" {
                password = pg_url(&value).and_then(|u| u.password);
            }
            cmd.env(k, value);
        }
        cmd.env("DISCORD_TOKEN", "dummy");
        let out = cmd.output().expect("the binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            problems.push(format!(
                "compose.yaml: {name}'s environment is refused by `safeguarding-bot config` \
                 (exit {:?}): {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
            continue;
        }
        for (k, _, line) in vars
            .iter()
            .filter(|(k, _, _)| k.starts_with("SAFEGUARDING_BOT__"))
        {
            if !stdout.contains(&format!("from {k}")) {
                problems.push(format!(
                    "compose.yaml:{line}: `safeguarding-bot config` names no key set by {k}"
                ));
            }
        }
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            if stdout.contains(&p) {
                problems.push(format!(
                    "compose.yaml: `safeguarding-bot config` prints {name}'s database password"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether `s` looks like a Discord bot token: three dot-separated base64url parts, the first
/// (the application id, encoded) at least 20 characters long.
fn looks_like_token(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts[0].len() >= 20
        && parts[1].len() >= 5
        && parts[2].len() >= 20
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn all_scalars(node: &Node, out: &mut Vec<(usize, String)>) {
    match &node.value {
        Yaml::Scalar(s) => out.push((node.line, s.clone())),
        Yaml::List(l) => l.iter().for_each(|n| all_scalars(n, out)),
        Yaml::Map(m) => m.iter().for_each(|(_, n)| all_scalars(n, out)),
        Yaml::Null => {}
    }
}

#[test]
fn secrets_come_from_the_environment() {
    let root = compose();
    let mut problems = Vec::new();
    for (name, service) in services(&root) {
        for (k, v, line) in environment(&service) {
            let upper = k.to_ascii_uppercase();
            let token = upper.contains("TOKEN") || upper.contains("PUBLIC_KEY");
            let secret = token || upper.contains("PASSWORD") || upper.contains("SECRET");
            if secret {
                let parts = interpolation(&v).unwrap_or_default();
                let allowed: &[&str] = if token {
                    &[":?", "?"]
                } else {
                    &[":?", "?", ":-", "-"]
                };
                let ok = matches!(parts.as_slice(), [Part::Var { op, .. }] if allowed.contains(&op.as_str()));
                if !ok {
                    problems.push(format!(
                        "compose.yaml:{line}: {name}'s {k} is `{v}`; it must be exactly {}",
                        if token {
                            "`${VAR:?message}`"
                        } else {
                            "`${VAR:?message}` or `${VAR:-default}`"
                        }
                    ));
                }
            }
            if k.ends_with("DATABASE__URL") {
                // The password inside the URL comes from a variable too.
                let marked = resolve(&v, &|n: &str| Some(format!("zz{n}zz"))).unwrap_or_default();
                if let Some(p) = pg_url(&marked).and_then(|u| u.password) {
                    let from_var = p.starts_with("zz") && p.ends_with("zz") && p.len() > 4;
                    if !from_var {
                        problems.push(format!(
                            "compose.yaml:{line}: {name}'s database URL has a literal password; \
                             use `${{POSTGRES_PASSWORD:-…}}`"
                        ));
                    }
                }
            }
        }
    }
    let mut scalars = Vec::new();
    all_scalars(&root, &mut scalars);
    for (line, s) in scalars {
        if s.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
            .any(looks_like_token)
        {
            problems.push(format!(
                "compose.yaml:{line}: this looks like a Discord token"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The port of a `host:port` address.
fn port_of(addr: &str) -> Option<&str> {
    addr.rsplit_once(':').map(|(_, p)| p)
}

#[test]
fn bot_healthchecks_run_a_real_subcommand_at_the_port_they_listen_on() {
    let root = compose();
    let env = test_env(&root);
    for (name, bot) in bots(&root) {
        let test = healthcheck_test(&bot).unwrap_or_else(|| {
            panic!("compose.yaml: {name} has no healthcheck (the image's own checks health.listen, which in http mode is not where /health is served)")
        });
        let argv: Vec<String> = test
            .as_list()
            .unwrap_or_else(|| {
                panic!(
                    "compose.yaml:{}: {name}'s healthcheck test must be a list [\"CMD\", …]",
                    test.line
                )
            })
            .iter()
            .map(|n| n.as_str().expect("a string").to_string())
            .collect();
        assert_eq!(
            argv.first().map(String::as_str),
            Some("CMD"),
            "compose.yaml:{}: {name}'s healthcheck must be [\"CMD\", …] (exec form, no shell in the way)",
            test.line
        );
        assert_eq!(
            argv.get(1).map(String::as_str),
            Some("safeguarding-bot"),
            "compose.yaml:{}: {name}'s healthcheck does not run the bot's binary",
            test.line
        );
        let args = &argv[2..];
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') {
            i += if args[i] == "--knowledge" { 2 } else { 1 };
        }
        assert!(
            i < args.len(),
            "compose.yaml:{}: no subcommand in {argv:?}",
            test.line
        );
        if let Err(e) = support::cli_accepts(&args[..=i]) {
            panic!(
                "compose.yaml:{}: `{}` is not a subcommand: {e}",
                test.line, args[i]
            );
        }
        if let Err(e) = support::cli_accepts(args) {
            panic!(
                "compose.yaml:{}: the binary does not accept {args:?}: {e}",
                test.line
            );
        }
        // It asks the address the bot serves /health on.
        if let Some(at) = args.iter().position(|a| a == "--url") {
            let url = args.get(at + 1).expect("--url needs a value");
            let hostport = url
                .strip_prefix("http://")
                .and_then(|r| r.split('/').next())
                .unwrap_or_else(|| panic!("compose.yaml:{}: `{url}` is not http://", test.line));
            let vars = environment(&bot);
            let listen = env_value(&vars, "SAFEGUARDING_BOT__DISCORD__LISTEN")
                .or_else(|| env_value(&vars, "SAFEGUARDING_BOT__HEALTH__LISTEN"))
                .map(|v| resolved(v, &env, "listen"))
                .unwrap_or_else(|| panic!("compose.yaml: {name} sets no listen address"));
            assert_eq!(
                port_of(hostport),
                port_of(&listen),
                "compose.yaml:{}: {name}'s healthcheck asks {hostport}, the bot listens on {listen}",
                test.line
            );
        }
    }
}

/// A published port: (host ip, host port, container port), from the short or long syntax.
fn published(entry: &Node) -> Result<(String, String, String), String> {
    match &entry.value {
        Yaml::Scalar(s) => {
            let s = s.split('/').next().unwrap_or(s); // "…/tcp"
            let (ip, rest) = if let Some(r) = s.strip_prefix('[') {
                let (ip, rest) = r.split_once("]:").ok_or(format!("`{s}`"))?;
                (ip.to_string(), rest)
            } else {
                match s.matches(':').count() {
                    2 => {
                        let (ip, rest) = s.split_once(':').unwrap();
                        (ip.to_string(), rest)
                    }
                    _ => (String::new(), s),
                }
            };
            let (host, container) = rest.split_once(':').unwrap_or(("", rest));
            Ok((ip, host.to_string(), container.to_string()))
        }
        Yaml::Map(_) => {
            let f = |k: &str| {
                entry
                    .get(k)
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            Ok((f("host_ip"), f("published"), f("target")))
        }
        _ => Err("neither a string nor a map".into()),
    }
}

#[test]
fn published_ports_bind_loopback_only() {
    let root = compose();
    let env = test_env(&root);
    let bots: Vec<String> = bots(&root).into_iter().map(|(n, _)| n).collect();
    let mut host_ports = BTreeSet::new();
    for (name, service) in services(&root) {
        let Some(ports) = service.get("ports") else {
            continue;
        };
        let list = ports
            .as_list()
            .unwrap_or_else(|| panic!("compose.yaml:{}: ports is not a list", ports.line));
        for entry in list {
            let (ip, host, container) = published(entry)
                .unwrap_or_else(|e| panic!("compose.yaml:{}: port {e}", entry.line));
            assert!(
                ip == "127.0.0.1" || ip == "::1",
                "compose.yaml:{}: {name} publishes {host}:{container} on {}: only 127.0.0.1 \
                 (the reverse proxy on the host is the way in)",
                entry.line,
                if ip.is_empty() {
                    "every interface"
                } else {
                    ip.as_str()
                }
            );
            assert!(
                host_ports.insert(host.clone()),
                "compose.yaml:{}: host port {host} is published twice",
                entry.line
            );
            if bots.contains(&name) {
                let vars = environment(&service);
                if let Some(listen) = env_value(&vars, "SAFEGUARDING_BOT__DISCORD__LISTEN") {
                    let listen = resolved(listen, &env, "listen");
                    assert_eq!(
                        Some(container.as_str()),
                        port_of(&listen),
                        "compose.yaml:{}: {name} publishes container port {container}, it listens on {listen}",
                        entry.line
                    );
                }
            }
        }
    }
}

/// A service's mounts as (named volume, target, line); a bind mount or anonymous volume has
/// no name.
fn volume_mounts(service: &Node) -> Vec<(Option<String>, String, usize)> {
    let Some(v) = service.get("volumes") else {
        return Vec::new();
    };
    v.as_list()
        .unwrap_or_else(|| panic!("compose.yaml:{}: volumes is not a list", v.line))
        .iter()
        .map(|m| match &m.value {
            Yaml::Scalar(s) => match s.split_once(':') {
                Some((src, rest)) => {
                    let target = rest.split(':').next().unwrap_or(rest).to_string();
                    let bind = src.starts_with(['.', '/', '~', '$']) || src.contains('/');
                    ((!bind).then(|| src.to_string()), target, m.line)
                }
                None => (None, s.clone(), m.line),
            },
            Yaml::Map(_) => {
                let f = |k: &str| m.get(k).and_then(Node::as_str).map(str::to_string);
                let named = f("type").as_deref() == Some("volume");
                (
                    f("source").filter(|_| named),
                    f("target").unwrap_or_default(),
                    m.line,
                )
            }
            _ => panic!(
                "compose.yaml:{}: a mount is neither a string nor a map",
                m.line
            ),
        })
        .collect()
}

#[test]
fn named_volumes_are_declared() {
    let root = compose();
    let declared: Vec<String> = root
        .get("volumes")
        .and_then(Node::as_map)
        .map(|m| m.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for (name, service) in services(&root) {
        for (volume, target, line) in volume_mounts(&service) {
            if let Some(v) = volume {
                if !declared.contains(&v) {
                    problems.push(format!(
                        "compose.yaml:{line}: {name} mounts volume `{v}` at {target}, which is not declared under the top-level `volumes:` ({declared:?})"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// The parser and helpers, on their own.

fn s(line: usize, v: &str) -> Node {
    Node {
        line,
        value: Yaml::Scalar(v.into()),
    }
}

#[test]
fn the_parser_reads_the_subset() {
    let text = "\
# a comment
top:
  plain: a value # trailing comment
  quoted: \"x # not a comment: \\\"q\\\"\"
  single: 'it''s'
  apostrophe: it's fine
  flow: [\"CMD\", 'b, c', d]
  empty:
  nested:
    deep: 1
  list:
    - one
    - \"127.0.0.1:8081:8080\"
  same_indent:
  - a
  maps:
    - name: x
      value: y
    - name: z
url: \"${A:-b}\"
";
    let root = parse_yaml(text).unwrap_or_else(|e| panic!("{e}"));
    let top = root.get("top").unwrap();
    assert_eq!(top.line, 3);
    assert_eq!(top.get("plain"), Some(&s(3, "a value")));
    assert_eq!(top.get("quoted"), Some(&s(4, "x # not a comment: \"q\"")));
    assert_eq!(top.get("single"), Some(&s(5, "it's")));
    assert_eq!(top.get("apostrophe"), Some(&s(6, "it's fine")));
    assert_eq!(
        top.get("flow").unwrap().value,
        Yaml::List(vec![s(7, "CMD"), s(7, "b, c"), s(7, "d")])
    );
    assert_eq!(top.get("empty").unwrap().value, Yaml::Null);
    assert_eq!(top.get("nested").unwrap().get("deep"), Some(&s(10, "1")));
    assert_eq!(
        top.get("list").unwrap().value,
        Yaml::List(vec![s(12, "one"), s(13, "127.0.0.1:8081:8080")])
    );
    assert_eq!(
        top.get("same_indent").unwrap().value,
        Yaml::List(vec![s(15, "a")])
    );
    let maps = top.get("maps").unwrap().as_list().unwrap();
    assert_eq!(maps.len(), 2);
    assert_eq!(maps[0].get("name"), Some(&s(17, "x")));
    assert_eq!(maps[0].get("value"), Some(&s(18, "y")));
    assert_eq!(maps[1].get("name"), Some(&s(19, "z")));
    assert_eq!(root.get("url"), Some(&s(20, "${A:-b}")));
    assert_eq!(
        parse_yaml("a: []\n").unwrap().get("a").unwrap().value,
        Yaml::List(vec![])
    );
}

#[test]
fn the_parser_rejects_what_it_does_not_understand_with_the_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("a: 1\nb:\n\tc: 2\n", 3, "tab"),
        ("a: 1\nb: &anchor x\n", 2, "anchor"),
        ("a: 1\nb: *alias\n", 2, "alias"),
        ("a: !!str x\n", 1, "tag"),
        ("a: 1\nb: |\n  text\n", 2, "block scalar"),
        ("a: {b: 1}\n", 1, "flow map"),
        ("a:\n  b: 1\n    c: 2\n", 3, "indentation"),
        ("a: 1\na: 2\n", 2, "duplicate"),
        ("a: \"open\nb: 1\n", 1, "unterminated"),
        ("a: b: c\n", 1, "map inside a value"),
        ("a: [x, [y]]\n", 1, "nested"),
        ("a: [x, y\n", 1, "`]`"),
        ("a:\n  - x\n  y: 1\n", 3, "unexpected indentation"),
        ("a: x\n  more text\n", 2, "multi-line"),
        ("\"a\": 1\n", 1, "plain keys"),
        ("---\na: 1\n", 1, "documents"),
        ("a:\n- - x\n", 2, "list directly inside"),
        ("- a\n", 1, "must be a map"),
        ("", 1, "empty"),
    ];
    for (text, line, words) in cases {
        match parse_yaml(text) {
            Ok(v) => panic!("{text:?} parsed as {v:?}"),
            Err(e) => {
                assert_eq!(e.line, *line, "{text:?}: {e}");
                assert!(
                    e.message.contains(words),
                    "{text:?}: `{e}` should say {words}"
                );
            }
        }
    }
}

#[test]
fn interpolation_follows_compose() {
    let none = |_: &str| None;
    let set = |n: &str| match n {
        "A" => Some("a".to_string()),
        "E" => Some(String::new()),
        _ => None,
    };
    assert_eq!(resolve("x${A}y$A", &set).unwrap(), "xaya");
    assert_eq!(resolve("${B:-def}", &none).unwrap(), "def");
    assert_eq!(resolve("${A:-def}", &set).unwrap(), "a");
    assert_eq!(resolve("${E:-def}", &set).unwrap(), "def");
    assert_eq!(resolve("${E-def}", &set).unwrap(), "");
    assert_eq!(resolve("${A:+alt}${B:+alt}", &set).unwrap(), "alt");
    assert_eq!(resolve("$${A}", &set).unwrap(), "${A}");
    assert!(resolve("${B:?set B}", &none).unwrap_err().contains("set B"));
    assert!(resolve("${E:?set E}", &set).is_err());
    assert_eq!(resolve("${E?set E}", &set).unwrap(), "");
    assert!(interpolation("${A").is_err());
    assert!(interpolation("${A:-${B}}").is_err());
    assert!(interpolation("cost $5").is_err());
    assert_eq!(
        interpolation("p://u:${P:-x y}@h").unwrap(),
        vec![
            Part::Text("p://u:".into()),
            Part::Var {
                name: "P".into(),
                op: ":-".into(),
                arg: "x y".into()
            },
            Part::Text("@h".into()),
        ]
    );
}

#[test]
fn helpers_read_urls_ports_volumes_and_tokens() {
    assert_eq!(
        pg_url("postgres://bot:pw@db:5432/sg?sslmode=disable"),
        Some(PgUrl {
            user: "bot".into(),
            password: Some("pw".into()),
            host: "db".into(),
            port: Some("5432".into()),
            db: "sg".into(),
        })
    );
    assert_eq!(pg_url("postgresql://db/sg").unwrap().host, "db");
    assert_eq!(pg_url("sqlite://data/x.db"), None);
    let p = |t: &str| published(&s(1, t)).unwrap();
    assert_eq!(
        p("127.0.0.1:8081:8080"),
        ("127.0.0.1".into(), "8081".into(), "8080".into())
    );
    assert_eq!(p("8081:8080"), ("".into(), "8081".into(), "8080".into()));
    assert_eq!(p("8080"), ("".into(), "".into(), "8080".into()));
    assert_eq!(
        p("[::1]:8081:8080/tcp"),
        ("::1".into(), "8081".into(), "8080".into())
    );
    let svc = parse_yaml(
        "volumes:\n  - \"data:/app/data\"\n  - ./local:/x:ro\n  - /anon\n  - type: volume\n    source: v\n    target: /t\n",
    )
    .unwrap();
    let m = volume_mounts(&svc);
    assert_eq!(m[0].0.as_deref(), Some("data"));
    assert_eq!(m[0].1, "/app/data");
    assert_eq!(m[1].0, None);
    assert_eq!(m[2].0, None);
    assert_eq!(m[3].0.as_deref(), Some("v"));
    // Made up, shaped like a token.
    assert!(looks_like_token(
        "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
    ));
    assert!(!looks_like_token("127.0.0.1"));
    assert!(!looks_like_token("postgres:16-bookworm"));
}
