//! The configuration as an operator meets it, through the real binary: `safeguarding-bot config`
//! prints the merged layers as TOML with the layer of each key and the token redacted, and a bad
//! configuration stops `config` and `serve` at once with a message naming the key and the file or
//! environment variable that set it. Each run gets an empty environment and its own config
//! folder, and none goes near the network.

mod support;

use std::path::Path;
use std::process::Output;

const TOKEN: &str = "MTIzNDU2Nzg5MDEy.Gh7-xy.config-test-secret";

/// Runs the binary with only `env` in its environment.
fn run(args: &[&str], config_dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = support::bin();
    cmd.args(args)
        .arg("--config")
        .arg(config_dir)
        .current_dir(config_dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A config folder holding `local.toml` with `text`.
fn folder(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("local.toml"), text).unwrap();
    dir
}

#[test]
fn config_prints_every_layer_merged_with_origins_and_no_secret() {
    let dir = folder("[discord]\nguild_ids = [\"111\", 222]\nrate_limit_per_minute = 5\n");
    let local = dir.path().join("local.toml").display().to_string();
    let out = run(
        &["config"],
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("SAFEGUARDING_BOT__DISCORD__RATE_LIMIT_PER_MINUTE", "9"),
            ("SAFEGUARDING_BOT__LOG__FORMAT", "json"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("config-test-secret"), "{text}");
    assert!(!stderr(&out).contains("config-test-secret"));

    // Valid TOML, typed values, every section.
    let parsed: toml::Table = toml::from_str(&text).expect("the output is TOML");
    assert_eq!(parsed["discord"]["token"].as_str(), Some("[redacted]"));
    assert_eq!(
        parsed["discord"]["guild_ids"],
        toml::Value::Array(vec![111.into(), 222.into()])
    );
    assert_eq!(
        parsed["discord"]["rate_limit_per_minute"].as_integer(),
        Some(9)
    );
    assert_eq!(parsed["log"]["format"].as_str(), Some("json"));
    for section in ["discord", "database", "triage", "audit", "log", "health"] {
        assert!(parsed.contains_key(section), "[{section}] missing:\n{text}");
    }

    // Which layer each key came from, later layers winning.
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} in\n{text}"))
            .to_string()
    };
    assert!(line("token").ends_with("# from DISCORD_TOKEN"));
    assert!(line("guild_ids").ends_with(&format!("# from {local}")));
    assert!(line("rate_limit_per_minute")
        .ends_with("# from SAFEGUARDING_BOT__DISCORD__RATE_LIMIT_PER_MINUTE"));
    assert!(line("ephemeral").ends_with("# from config/default.toml (built in)"));
    assert!(text.contains(&format!("#   2. {local}\n")), "{text}");
    assert!(text.contains("# api_base = (not set)"), "{text}");
}

#[test]
fn config_without_a_token_says_it_is_not_set_and_knowledge_override_shows() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["--knowledge", "/srv/k", "config"], dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("# token = (not set)"), "{text}");
    assert!(
        text.contains("(not found)"),
        "the absent local file is named:\n{text}"
    );
    assert!(
        text.contains("dir = \"/srv/k\"  # from --knowledge"),
        "{text}"
    );
}

/// Asserts that `config` and `serve` both fail at start, saying `needles`, without the token.
fn rejected(dir: &Path, env: &[(&str, &str)], needles: &[&str]) {
    for cmd in ["config", "serve"] {
        let out = run(&[cmd], dir, env);
        let err = stderr(&out);
        assert!(!out.status.success(), "{cmd} accepted it: {}", stdout(&out));
        let line = err
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{cmd}: no error line in {err}"));
        for n in needles {
            assert!(line.contains(n), "{cmd}: {n:?} missing from: {line}");
        }
        assert!(!err.contains("config-test-secret"), "{cmd}: {err}");
        assert!(stdout(&out).is_empty(), "{cmd} printed something");
    }
}

#[test]
fn unknown_keys_name_the_key_and_the_layer() {
    let dir = folder("[discord]\ntokne = \"x\"\n");
    let local = dir.path().join("local.toml").display().to_string();
    rejected(dir.path(), &[], &["`discord.tokne`", &local, "token"]);

    let dir = folder("[colour]\nscheme = \"dark\"\n");
    rejected(
        dir.path(),
        &[],
        &["`colour.scheme`", "local.toml", "sections"],
    );

    let dir = tempfile::tempdir().unwrap();
    rejected(
        dir.path(),
        &[("SAFEGUARDING_BOT__DISCORD__GUILD", "1")],
        &["`discord.guild`", "SAFEGUARDING_BOT__DISCORD__GUILD"],
    );
}

#[test]
fn wrong_types_name_the_key_and_the_layer() {
    let dir = folder("[discord]\nephemeral = \"sometimes\"\n");
    rejected(
        dir.path(),
        &[],
        &["discord.ephemeral", "local.toml", "boolean"],
    );

    let dir = folder("[triage]\nsession_ttl_days = \"a week\"\n");
    rejected(dir.path(), &[], &["triage.session_ttl_days", "local.toml"]);

    let dir = tempfile::tempdir().unwrap();
    rejected(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("SAFEGUARDING_BOT__DISCORD__RATE_LIMIT_PER_MINUTE", "lots"),
        ],
        &[
            "discord.rate_limit_per_minute",
            "SAFEGUARDING_BOT__DISCORD__RATE_LIMIT_PER_MINUTE",
        ],
    );
    rejected(
        dir.path(),
        &[("SAFEGUARDING_BOT__DISCORD__ADMIN_ROLE_IDS", "12,lead")],
        &[
            "discord.admin_role_ids",
            "`lead`",
            "SAFEGUARDING_BOT__DISCORD__ADMIN_ROLE_IDS",
        ],
    );
}

#[test]
fn impossible_values_and_broken_files_name_the_key_and_the_layer() {
    let dir = folder("[discord]\nthread_auto_archive_minutes = 30\n");
    rejected(
        dir.path(),
        &[],
        &["discord.thread_auto_archive_minutes", "local.toml", "1440"],
    );
    let dir = tempfile::tempdir().unwrap();
    rejected(
        dir.path(),
        &[("SAFEGUARDING_BOT__HEALTH__LISTEN", "everywhere")],
        &["health.listen", "SAFEGUARDING_BOT__HEALTH__LISTEN"],
    );
    rejected(
        dir.path(),
        &[("SAFEGUARDING_BOT__LOG__FORMAT", "xml")],
        &["log.format", "SAFEGUARDING_BOT__LOG__FORMAT"],
    );
    // A token pasted into the wrong key is still not shown.
    rejected(
        dir.path(),
        &[
            ("DISCORD_TOKEN", TOKEN),
            ("SAFEGUARDING_BOT__DISCORD__API_BASE", TOKEN),
        ],
        &["discord.api_base", "SAFEGUARDING_BOT__DISCORD__API_BASE"],
    );
    let dir = folder("[discord\n");
    rejected(dir.path(), &[], &["local.toml", "not valid TOML"]);
}

#[test]
fn serve_without_a_token_fails_at_start_naming_the_key_and_every_way_to_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local.toml").display().to_string();
    let out = run(&["serve"], dir.path(), &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for n in [
        "discord.token",
        "DISCORD_TOKEN",
        "SAFEGUARDING_BOT__DISCORD__TOKEN",
        local.as_str(),
    ] {
        assert!(err.contains(n), "{n:?} missing from: {err}");
    }
    // It stopped before anything else: no database created.
    assert!(!dir.path().join("data").exists());
}

#[test]
fn a_postgres_database_url_is_accepted_and_its_password_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let key = "SAFEGUARDING_BOT__DATABASE__URL";
    let out = run(
        &["config"],
        dir.path(),
        &[(
            key,
            "postgres://bot:config-test-secret@db.example:5432/safeguarding",
        )],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("config-test-secret"), "{text}");
    assert!(
        text.contains("db.example:5432/safeguarding\"  # from SAFEGUARDING_BOT__DATABASE__URL"),
        "{text}"
    );
    // Neither SQLite nor PostgreSQL: refused, naming the key, still without the password.
    rejected(
        dir.path(),
        &[(key, "mysql://bot:config-test-secret@db.example/x")],
        &["database.url", key, "postgres://"],
    );
}
