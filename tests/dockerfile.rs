//! The `Dockerfile` at the repository root builds and runs what this repository holds, without
//! needing Docker: it is parsed here and checked against the tree and the real binary.
//!
//! - every `COPY`/`ADD` source (other than `--from=` stages and URLs) exists in the repository,
//!   and every `--from=` names an earlier stage;
//! - the Rust image is at least the crate's `rust-version`, and `cargo build --bin X` names a
//!   binary the crate has;
//! - the final stage runs as a `USER` that is not root, created in that stage;
//! - it declares a `VOLUME`, owned (`chown`) by that user, so the SQLite store is writable;
//! - the final `CMD` (after any `ENTRYPOINT`) is in exec form (so SIGTERM reaches the bot, not a
//!   shell), runs the binary copied into the image on the `PATH`, and names a real subcommand
//!   with arguments it accepts: `safeguarding-bot <its arguments> --help` exits 0;
//! - the `HEALTHCHECK` command does the same.
//! - `.dockerignore` keeps build output (`target/`, `.git/`), local session stores (`*.db`) and
//!   `config/local.toml` (where the Discord token lives) out of the build context, so `COPY
//!   config` cannot bake a token into an image, while leaving in everything the Dockerfile
//!   copies (a small matcher of Docker's pattern rules, itself tested here).
//!
//! A missing source or subcommand fails with the Dockerfile line and what is missing, never a
//! skip.
//!
//! Run: `cargo test --test dockerfile`.

mod support;

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One instruction, with continuation lines joined and comment lines dropped.
#[derive(Debug, Clone)]
struct Instruction {
    line: usize,
    keyword: String,
    args: String,
}

/// Parses a Dockerfile: `# escape=` directive, comments, line continuations.
fn parse(text: &str) -> Vec<Instruction> {
    let mut escape = '\\';
    let mut lines = text.lines().enumerate().peekable();
    // Parser directives come first, before any comment or instruction.
    while let Some((_, l)) = lines.peek() {
        let t = l.trim();
        match t.strip_prefix('#').map(str::trim) {
            Some(d) if d.to_ascii_lowercase().starts_with("escape=") => {
                escape = d["escape=".len()..].trim().chars().next().unwrap_or('\\');
                lines.next();
            }
            Some(d) if d.to_ascii_lowercase().starts_with("syntax=") => {
                lines.next();
            }
            _ => break,
        }
    }
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, l) in lines {
        let t = l.trim();
        if t.starts_with('#') || (t.is_empty() && current.is_none()) {
            continue;
        }
        let (start, mut text) = current.take().unwrap_or((i + 1, String::new()));
        match t.strip_suffix(escape) {
            Some(rest) => {
                text.push_str(rest);
                text.push(' ');
                current = Some((start, text));
            }
            None => {
                text.push_str(t);
                let (kw, args) = text.split_once(char::is_whitespace).unwrap_or((&text, ""));
                out.push(Instruction {
                    line: start,
                    keyword: kw.to_ascii_uppercase(),
                    args: args.trim().to_string(),
                });
            }
        }
    }
    assert!(
        current.is_none(),
        "Dockerfile ends inside a line continuation"
    );
    out
}

/// Exec form (`["a", "b"]`) as its strings, or `None` for shell form.
fn exec_form(args: &str) -> Option<Vec<String>> {
    let t = args.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

/// The words of an instruction's arguments: exec form, or split on whitespace.
fn words(args: &str) -> Vec<String> {
    exec_form(args).unwrap_or_else(|| args.split_whitespace().map(str::to_string).collect())
}

/// A stage: its name and instructions.
#[derive(Debug)]
struct Stage {
    name: Option<String>,
    image: String,
    instructions: Vec<Instruction>,
}

fn stages(all: &[Instruction]) -> Vec<Stage> {
    let mut out: Vec<Stage> = Vec::new();
    for ins in all {
        if ins.keyword == "FROM" {
            let w: Vec<String> = words(&ins.args)
                .into_iter()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let name = match w.as_slice() {
                [_, as_, name] if as_.eq_ignore_ascii_case("as") => Some(name.clone()),
                _ => None,
            };
            out.push(Stage {
                name,
                image: w.first().cloned().unwrap_or_default(),
                instructions: Vec::new(),
            });
        } else if let Some(s) = out.last_mut() {
            s.instructions.push(ins.clone());
        } else {
            assert_eq!(
                ins.keyword, "ARG",
                "line {}: {} before FROM",
                ins.line, ins.keyword
            );
        }
    }
    out
}

fn dockerfile() -> (String, Vec<Instruction>) {
    let path = repo().join("Dockerfile");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} must exist: {e}", path.display()));
    let parsed = parse(&text);
    (text, parsed)
}

/// Checks a command run in the final image: it is the bot's binary, put on the `PATH` (or named
/// by the absolute path it was copied to), and its arguments name a real subcommand it accepts.
fn check_bot_command(argv: &[String], final_stage: &Stage, what: &str) {
    let (exe, args) = argv
        .split_first()
        .unwrap_or_else(|| panic!("{what}: empty command"));
    let copied_to: Vec<String> = final_stage
        .instructions
        .iter()
        .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
        .filter_map(|i| {
            let w = words(&i.args);
            let dest = w.last()?.clone();
            let src = w.iter().rev().nth(1)?.clone();
            Some(if dest.ends_with('/') {
                format!("{dest}{}", src.rsplit('/').next().unwrap_or(&src))
            } else {
                dest
            })
        })
        .collect();
    let on_path = ["/usr/local/bin/", "/usr/bin/", "/bin/"];
    let found = if exe.starts_with('/') {
        copied_to.iter().any(|d| d == exe)
    } else {
        copied_to
            .iter()
            .any(|d| on_path.iter().any(|p| d == &format!("{p}{exe}")))
    };
    assert_eq!(
        exe.rsplit('/').next(),
        Some("safeguarding-bot"),
        "{what}: runs `{exe}`, not the bot"
    );
    assert!(
        found,
        "{what}: `{exe}` is not copied into the final image at that path or on the PATH (copies: {copied_to:?})"
    );
    // The first argument that is not a global option is the subcommand.
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        i += if args[i] == "--knowledge" { 2 } else { 1 };
    }
    let sub = args
        .get(i)
        .unwrap_or_else(|| panic!("{what}: no subcommand in {argv:?}"));
    if let Err(e) = support::cli_accepts(&args[..=i]) {
        panic!("{what}: `{sub}` is not a subcommand of this binary: {e}");
    }
    if let Err(e) = support::cli_accepts(args) {
        panic!("{what}: the binary does not accept {args:?}: {e}");
    }
}

#[test]
fn copy_sources_exist_and_stages_are_named() {
    let (_, all) = dockerfile();
    let stages = stages(&all);
    assert!(!stages.is_empty(), "no FROM");
    let mut problems = Vec::new();
    for (n, stage) in stages.iter().enumerate() {
        for ins in stage
            .instructions
            .iter()
            .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
        {
            let w = words(&ins.args);
            let from = w.iter().find_map(|f| f.strip_prefix("--from="));
            let paths: Vec<&String> = w.iter().filter(|a| !a.starts_with("--")).collect();
            assert!(
                paths.len() >= 2,
                "Dockerfile:{}: {} needs a source and a destination",
                ins.line,
                ins.keyword
            );
            if let Some(from) = from {
                let earlier = stages[..n]
                    .iter()
                    .enumerate()
                    .any(|(k, s)| s.name.as_deref() == Some(from) || k.to_string() == from);
                if !earlier {
                    problems.push(format!(
                        "Dockerfile:{}: --from={from} names no earlier stage",
                        ins.line
                    ));
                }
                continue;
            }
            for src in &paths[..paths.len() - 1] {
                if src.starts_with("http://") || src.starts_with("https://") {
                    continue;
                }
                let p = repo().join(src.trim_start_matches("./"));
                if !p.exists() {
                    problems.push(format!(
                        "Dockerfile:{}: {} source `{src}` does not exist in the repository ({})",
                        ins.line,
                        ins.keyword,
                        p.display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_build_stage_matches_the_crate() {
    let (_, all) = dockerfile();
    let cargo: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).expect("Cargo.toml"))
            .expect("Cargo.toml parses");
    let msrv = cargo["package"]["rust-version"]
        .as_str()
        .expect("rust-version");
    let version =
        |v: &str| -> Vec<u32> { v.split(['.', '-']).map_while(|p| p.parse().ok()).collect() };
    let bins: Vec<&str> = cargo["bin"]
        .as_array()
        .expect("[[bin]]")
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    let mut saw_rust = false;
    for stage in stages(&all) {
        if let Some(tag) = stage.image.strip_prefix("rust:") {
            saw_rust = true;
            assert!(
                version(tag) >= version(msrv),
                "the build image rust:{tag} is older than rust-version {msrv}"
            );
        }
        for ins in stage.instructions.iter().filter(|i| i.keyword == "RUN") {
            let w = words(&ins.args);
            if let Some(i) = w.iter().position(|a| a == "--bin") {
                let bin = w.get(i + 1).map(String::as_str).unwrap_or_default();
                assert!(
                    bins.contains(&bin),
                    "Dockerfile:{}: builds `{bin}`, the crate's binaries are {bins:?}",
                    ins.line
                );
            }
        }
    }
    assert!(saw_rust, "no rust: build image");
}

fn final_stage() -> Stage {
    let (_, all) = dockerfile();
    stages(&all).pop().expect("a stage")
}

#[test]
fn the_final_stage_runs_as_a_user_that_is_not_root() {
    let stage = final_stage();
    let user = stage
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "USER")
        .unwrap_or_else(|| {
            panic!(
                "the final stage ({}) has no USER: it would run as root",
                stage.image
            )
        });
    let name = user.args.split(':').next().unwrap_or("").trim().to_string();
    assert!(
        !name.is_empty() && name != "root" && name != "0",
        "Dockerfile:{}: USER {} is root",
        user.line,
        user.args
    );
    if name.parse::<u32>().is_err() {
        let created = stage.instructions.iter().any(|i| {
            i.keyword == "RUN"
                && (i.args.contains("useradd") || i.args.contains("adduser"))
                && i.args.split_whitespace().any(|w| w == name)
        });
        assert!(
            created,
            "Dockerfile:{}: user `{name}` is never created in the final stage",
            user.line
        );
    }
}

#[test]
fn there_is_a_volume_the_user_can_write() {
    let stage = final_stage();
    let volume = stage
        .instructions
        .iter()
        .find(|i| i.keyword == "VOLUME")
        .unwrap_or_else(|| {
            panic!("the final stage has no VOLUME: the session store would live in the container")
        });
    let user = stage
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "USER")
        .map(|u| u.args.split(':').next().unwrap_or("").trim().to_string())
        .expect("USER");
    for path in words(&volume.args) {
        assert!(
            path.starts_with('/'),
            "Dockerfile:{}: VOLUME {path} is not absolute",
            volume.line
        );
        // Some `chown` of the user covers the volume path (itself or a parent).
        let owned = stage.instructions.iter().any(|i| {
            if i.keyword != "RUN" {
                return false;
            }
            let w: Vec<&str> = i.args.split_whitespace().collect();
            w.contains(&"chown")
                && w.iter().any(|a| a.split(':').next() == Some(user.as_str()))
                && w.iter().any(|a| {
                    let a = a.trim_end_matches('/');
                    !a.is_empty() && a.starts_with('/') && Path::new(&path).starts_with(a)
                })
        });
        assert!(
            owned,
            "Dockerfile:{}: VOLUME {path} is not chowned to `{user}`",
            volume.line
        );
    }
}

#[test]
fn cmd_runs_a_real_subcommand() {
    let stage = final_stage();
    let last = |kw: &str| {
        stage
            .instructions
            .iter()
            .rev()
            .find(|i| i.keyword == kw)
            .cloned()
    };
    let cmd = last("CMD");
    let entrypoint = last("ENTRYPOINT");
    let mut argv: Vec<String> = Vec::new();
    let mut line = 0;
    if let Some(e) = &entrypoint {
        line = e.line;
        argv = exec_form(&e.args).unwrap_or_else(|| {
            panic!("Dockerfile:{}: ENTRYPOINT in shell form: SIGTERM would go to the shell, not the bot", e.line)
        });
    }
    if let Some(c) = &cmd {
        line = c.line;
        argv.extend(exec_form(&c.args).unwrap_or_else(|| {
            panic!(
                "Dockerfile:{}: CMD in shell form: SIGTERM would go to the shell, not the bot",
                c.line
            )
        }));
    }
    assert!(!argv.is_empty(), "the final stage has no CMD or ENTRYPOINT");
    check_bot_command(&argv, &stage, &format!("Dockerfile:{line}: {argv:?}"));
}

#[test]
fn healthcheck_runs_a_real_subcommand() {
    let stage = final_stage();
    let hc = stage
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "HEALTHCHECK")
        .unwrap_or_else(|| panic!("the final stage has no HEALTHCHECK"));
    assert!(
        !hc.args.trim().eq_ignore_ascii_case("none"),
        "HEALTHCHECK NONE"
    );
    // Options (--interval=… etc.) then CMD and the command.
    let at = hc
        .args
        .find(" CMD ")
        .map(|i| i + 5)
        .or_else(|| hc.args.strip_prefix("CMD ").map(|_| 4))
        .unwrap_or_else(|| panic!("Dockerfile:{}: HEALTHCHECK without CMD", hc.line));
    let argv = words(&hc.args[at..]);
    check_bot_command(
        &argv,
        &stage,
        &format!("Dockerfile:{} HEALTHCHECK: {argv:?}", hc.line),
    );
}

#[test]
fn the_parser_reads_continuations_comments_and_both_forms() {
    let text = "# syntax=docker/dockerfile:1\nFROM a AS b\n# a comment\nRUN one \\\n  # inside\n  two\nCMD [\"x\", \"y z\"]\nHEALTHCHECK --interval=5s CMD x check\nCOPY --from=b /p /q\nFROM c\nUSER 10001:10001\n";
    let all = parse(text);
    let kws: Vec<&str> = all.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(
        kws,
        ["FROM", "RUN", "CMD", "HEALTHCHECK", "COPY", "FROM", "USER"]
    );
    assert_eq!(all[1].args, "one  two");
    assert_eq!(all[1].line, 4);
    assert_eq!(
        exec_form(&all[2].args),
        Some(vec!["x".to_string(), "y z".to_string()])
    );
    assert_eq!(exec_form("x y"), None);
    let st = stages(&all);
    assert_eq!(st.len(), 2);
    assert_eq!(st[0].name.as_deref(), Some("b"));
    assert_eq!(st[1].image, "c");
    let esc = parse("# escape=`\nFROM a\nRUN x `\n y\n");
    assert_eq!(esc[1].args, "x  y");
}

// ---------------------------------------------------------------------------------------------
// The build context.

/// `.dockerignore` patterns in order: (negated, components).
fn dockerignore() -> Vec<(bool, Vec<String>)> {
    let path = repo().join(".dockerignore");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} must exist: without it `docker build .` sends target/ (gigabytes) and \
             config/local.toml (the Discord token) to the builder, and `COPY config` bakes the \
             token into the image: {e}",
            path.display()
        )
    });
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (neg, p) = match l.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, l),
            };
            let comps = p
                .trim_start_matches("./")
                .trim_start_matches('/')
                .trim_end_matches('/')
                .split('/')
                .filter(|c| !c.is_empty() && *c != ".")
                .map(str::to_string)
                .collect();
            (neg, comps)
        })
        .collect()
}

/// Glob match of one path component: `*` any run of characters, `?` one character.
fn glob(p: &[char], s: &[char]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some('*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some('?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

/// Match of a pattern's components against a path's, `**` standing for any number of them.
fn matches(p: &[String], s: &[&str]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(d), _) if d == "**" => matches(&p[1..], s) || (!s.is_empty() && matches(p, &s[1..])),
        (Some(c), Some(x)) => {
            let pc: Vec<char> = c.chars().collect();
            let xc: Vec<char> = x.chars().collect();
            glob(&pc, &xc) && matches(&p[1..], &s[1..])
        }
        _ => false,
    }
}

/// Whether Docker leaves `path` out of the build context: the last pattern matching the path
/// or one of its parent folders decides.
fn ignored(patterns: &[(bool, Vec<String>)], path: &str) -> bool {
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    let mut out = false;
    for (neg, p) in patterns {
        if (1..=comps.len()).any(|n| matches(p, &comps[..n])) {
            out = !neg;
        }
    }
    out
}

#[test]
fn the_build_context_leaves_out_secrets_and_build_output_but_not_what_is_copied() {
    let patterns = dockerignore();
    for path in [
        "target/release/safeguarding-bot",
        "target/debug/deps/x.rlib",
        "config/local.toml",
        "triage.db",
        "data/triage.db-wal",
        ".git/config",
    ] {
        assert!(
            ignored(&patterns, path),
            ".dockerignore lets `{path}` into the build context"
        );
    }
    // Everything the Dockerfile copies must still be there, or the build breaks.
    let (_, all) = dockerfile();
    for ins in all
        .iter()
        .filter(|i| i.keyword == "COPY" || i.keyword == "ADD")
    {
        let w = words(&ins.args);
        if w.iter().any(|f| f.starts_with("--from=")) {
            continue;
        }
        let paths: Vec<&String> = w.iter().filter(|a| !a.starts_with("--")).collect();
        for src in &paths[..paths.len().saturating_sub(1)] {
            let src = src.trim_start_matches("./");
            assert!(
                !ignored(&patterns, src),
                "Dockerfile:{}: `{src}` is in .dockerignore",
                ins.line
            );
            let dir = repo().join(src);
            if dir.is_dir() {
                for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
                    let rel = format!("{src}/{}", entry.file_name().to_string_lossy());
                    let tracked = !rel.ends_with("local.toml");
                    assert!(
                        !tracked || !ignored(&patterns, &rel),
                        "Dockerfile:{}: `{rel}` is copied but in .dockerignore",
                        ins.line
                    );
                }
            }
        }
    }
}

#[test]
fn the_dockerignore_matcher_follows_docker_rules() {
    let p = |lines: &[&str]| -> Vec<(bool, Vec<String>)> {
        lines
            .iter()
            .map(|l| {
                let (neg, l) = l.strip_prefix('!').map_or((false, *l), |r| (true, r));
                (
                    neg,
                    l.trim_end_matches('/')
                        .split('/')
                        .map(str::to_string)
                        .collect(),
                )
            })
            .collect()
    };
    let pats = p(&[
        "target/",
        "**/*.db",
        "config/local.toml",
        "docs/*",
        "!docs/keep.md",
    ]);
    assert!(ignored(&pats, "target"));
    assert!(ignored(&pats, "target/debug/x"));
    assert!(!ignored(&pats, "src/target.rs"));
    assert!(ignored(&pats, "a/b/c.db"));
    assert!(ignored(&pats, "c.db"));
    assert!(!ignored(&pats, "c.db.bak"));
    assert!(ignored(&pats, "config/local.toml"));
    assert!(!ignored(&pats, "config/default.toml"));
    assert!(ignored(&pats, "docs/a.md"));
    assert!(!ignored(&pats, "docs/keep.md"));
}
