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
//! The file is read with saphyr (a maintained YAML 1.2 parser, see Cargo.toml); compose's own
//! `${VAR:-default}` interpolation, which is not YAML, is resolved here.
//!
//! Run: `cargo test --test compose`.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use saphyr::{LoadableYamlNode, ScalarOwned, YamlOwned as Yaml};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

fn compose_text() -> String {
    let path = repo().join("compose.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{} must exist: {e}", path.display()))
}

fn compose() -> Yaml {
    let mut docs =
        Yaml::load_from_str(&compose_text()).unwrap_or_else(|e| panic!("compose.yaml: {e}"));
    assert_eq!(docs.len(), 1, "compose.yaml holds one YAML document");
    docs.remove(0)
}

/// A scalar as compose reads it: its text (numbers and booleans as written), `~` as empty.
fn text(node: &Yaml) -> Option<String> {
    match node {
        Yaml::Value(ScalarOwned::String(s)) => Some(s.clone()),
        Yaml::Value(ScalarOwned::Integer(i)) => Some(i.to_string()),
        Yaml::Value(ScalarOwned::FloatingPoint(f)) => Some(f.to_string()),
        Yaml::Value(ScalarOwned::Boolean(b)) => Some(b.to_string()),
        Yaml::Value(ScalarOwned::Null) => Some(String::new()),
        _ => None,
    }
}

/// The keys and values of a map, the keys as text.
fn entries(map: &Yaml) -> Vec<(String, &Yaml)> {
    map.as_mapping()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (text(k).unwrap_or_default(), v))
                .collect()
        })
        .unwrap_or_default()
}

fn services(root: &Yaml) -> Vec<(String, Yaml)> {
    let services = root
        .as_mapping_get("services")
        .expect("compose.yaml has a `services:` map");
    entries(services)
        .into_iter()
        .map(|(k, v)| (k, v.clone()))
        .collect()
}

/// A service's environment as (name, raw value), from the map or the `KEY=value` list form;
/// `KEY` alone (passed through from the host) has the value `${KEY}`.
fn environment(service: &Yaml) -> Vec<(String, String)> {
    let Some(env) = service.as_mapping_get("environment") else {
        return Vec::new();
    };
    if let Some(list) = env.as_sequence() {
        return list
            .iter()
            .map(|item| {
                let s = item
                    .as_str()
                    .unwrap_or_else(|| panic!("compose.yaml: {item:?} is not `KEY=value`"));
                match s.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (s.to_string(), format!("${{{s}}}")),
                }
            })
            .collect();
    }
    assert!(
        env.is_mapping(),
        "compose.yaml: environment is neither a map nor a list"
    );
    entries(env)
        .into_iter()
        .map(|(k, v)| {
            let value = text(v).unwrap_or_else(|| panic!("compose.yaml: {k} is not a scalar"));
            (k, value)
        })
        .collect()
}

fn env_value<'a>(env: &'a [(String, String)], key: &str) -> Option<&'a str> {
    env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The host environment the tests resolve with: nothing set, except a stand-in for every
/// variable the file requires (`${VAR:?…}`): a 64-hex-digit key for a public key, else "dummy".
fn test_env(root: &Yaml) -> impl Fn(&str) -> Option<String> {
    let mut required = BTreeSet::new();
    for (_, service) in services(root) {
        for (_, v) in environment(&service) {
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
fn build_of(service: &Yaml) -> Option<(PathBuf, String)> {
    let b = service.as_mapping_get("build")?;
    if let Some(ctx) = b.as_str() {
        return Some((repo().join(ctx), "Dockerfile".into()));
    }
    assert!(
        b.is_mapping(),
        "compose.yaml: build is neither a path nor a map"
    );
    let field = |k: &str| b.as_mapping_get(k).and_then(Yaml::as_str);
    Some((
        repo().join(field("context").unwrap_or(".")),
        field("dockerfile").unwrap_or("Dockerfile").to_string(),
    ))
}

/// The services built from this repository's own Dockerfile: the bots.
fn bots(root: &Yaml) -> Vec<(String, Yaml)> {
    let here = repo().canonicalize().expect("repository path");
    let out: Vec<(String, Yaml)> = services(root)
        .into_iter()
        .filter(|(_, s)| {
            build_of(s).is_some_and(|(ctx, file)| {
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
fn shared_database(root: &Yaml) -> (String, String) {
    let env = test_env(root);
    let http: Vec<(String, Yaml)> = bots(root)
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

fn healthcheck_test(service: &Yaml) -> Option<&Yaml> {
    service
        .as_mapping_get("healthcheck")
        .and_then(|h| h.as_mapping_get("test"))
}

// ---------------------------------------------------------------------------------------------
// The checks.

#[test]
fn compose_yaml_has_known_top_level_keys_and_a_database_and_two_bots() {
    let root = compose();
    for (key, _) in entries(&root) {
        assert!(
            ["services", "volumes", "networks", "name", "secrets", "configs"]
                .contains(&key.as_str()),
            "compose.yaml: unknown top-level key `{key}`"
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
        if let Some((ctx, file)) = build_of(&service) {
            built += 1;
            let path = ctx.join(&file);
            assert!(
                path.is_file(),
                "compose.yaml: {name} builds {} but there is no {}",
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
        .as_sequence()
        .map(|l| l.iter().filter_map(Yaml::as_str).collect())
        .unwrap_or_else(|| test.as_str().into_iter().collect());
    assert!(
        !argv.is_empty() && argv[0] != "NONE",
        "compose.yaml: {host}'s healthcheck is disabled"
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
        .find(|(_, target)| target == "/var/lib/postgresql/data");
    match data {
        Some((Some(_), _)) => {}
        _ => panic!("compose.yaml: {host} keeps /var/lib/postgresql/data in no named volume"),
    }
}

#[test]
fn every_bot_waits_for_a_healthy_database() {
    let root = compose();
    let (_, host) = shared_database(&root);
    for (name, bot) in bots(&root) {
        let deps = bot.as_mapping_get("depends_on").unwrap_or_else(|| {
            panic!("compose.yaml: {name} has no depends_on: it may start before {host} accepts connections and fail")
        });
        let dep = deps.as_mapping_get(&host).unwrap_or_else(|| {
            panic!(
                "compose.yaml: {name} must depend on {host} in the map form (`{host}: condition: service_healthy`)"
            )
        });
        assert_eq!(
            dep.as_mapping_get("condition").and_then(Yaml::as_str),
            Some("service_healthy"),
            "compose.yaml: {name} must wait for {host} with `condition: service_healthy`"
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
        for (k, v) in &vars {
            if !k.starts_with("SAFEGUARDING_BOT__") && !OTHER_BOT_VARS.contains(&k.as_str()) {
                problems.push(format!(
                    "compose.yaml: {name} sets {k}, which the bot does not read"
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
        for (k, _) in vars
            .iter()
            .filter(|(k, _)| k.starts_with("SAFEGUARDING_BOT__"))
        {
            if !stdout.contains(&format!("from {k}")) {
                problems.push(format!(
                    "compose.yaml: `safeguarding-bot config` names no key set by {k}"
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

#[test]
fn secrets_come_from_the_environment() {
    let root = compose();
    let mut problems = Vec::new();
    for (name, service) in services(&root) {
        for (k, v) in environment(&service) {
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
                        "compose.yaml: {name}'s {k} is `{v}`; it must be exactly {}",
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
                            "compose.yaml: {name}'s database URL has a literal password; \
                             use `${{POSTGRES_PASSWORD:-…}}`"
                        ));
                    }
                }
            }
        }
    }
    // Anywhere in the file, comments too.
    for (no, line) in compose_text().lines().enumerate() {
        if line
            .split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
            .any(looks_like_token)
        {
            problems.push(format!(
                "compose.yaml:{}: this looks like a Discord token",
                no + 1
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
            .as_sequence()
            .unwrap_or_else(|| {
                panic!("compose.yaml: {name}'s healthcheck test must be a list [\"CMD\", …]")
            })
            .iter()
            .map(|n| n.as_str().expect("a string").to_string())
            .collect();
        assert_eq!(
            argv.first().map(String::as_str),
            Some("CMD"),
            "compose.yaml: {name}'s healthcheck must be [\"CMD\", …] (exec form, no shell in the way)"
        );
        assert_eq!(
            argv.get(1).map(String::as_str),
            Some("safeguarding-bot"),
            "compose.yaml: {name}'s healthcheck does not run the bot's binary"
        );
        let args = &argv[2..];
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') {
            i += if args[i] == "--knowledge" { 2 } else { 1 };
        }
        assert!(i < args.len(), "compose.yaml: no subcommand in {argv:?}");
        if let Err(e) = support::cli_accepts(&args[..=i]) {
            panic!("compose.yaml: `{}` is not a subcommand: {e}", args[i]);
        }
        if let Err(e) = support::cli_accepts(args) {
            panic!("compose.yaml: the binary does not accept {args:?}: {e}");
        }
        // It asks the address the bot serves /health on.
        if let Some(at) = args.iter().position(|a| a == "--url") {
            let url = args.get(at + 1).expect("--url needs a value");
            let hostport = url
                .strip_prefix("http://")
                .and_then(|r| r.split('/').next())
                .unwrap_or_else(|| panic!("compose.yaml: `{url}` is not http://"));
            let vars = environment(&bot);
            let listen = env_value(&vars, "SAFEGUARDING_BOT__DISCORD__LISTEN")
                .or_else(|| env_value(&vars, "SAFEGUARDING_BOT__HEALTH__LISTEN"))
                .map(|v| resolved(v, &env, "listen"))
                .unwrap_or_else(|| panic!("compose.yaml: {name} sets no listen address"));
            assert_eq!(
                port_of(hostport),
                port_of(&listen),
                "compose.yaml: {name}'s healthcheck asks {hostport}, the bot listens on {listen}"
            );
        }
    }
}

/// A published port: (host ip, host port, container port), from the short or long syntax.
fn published(entry: &Yaml) -> Result<(String, String, String), String> {
    match entry {
        Yaml::Value(_) => {
            let full = text(entry).unwrap_or_default();
            let s = full.split('/').next().unwrap_or(&full); // "…/tcp"
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
        Yaml::Mapping(_) => {
            let f = |k: &str| entry.as_mapping_get(k).and_then(text).unwrap_or_default();
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
        let Some(ports) = service.as_mapping_get("ports") else {
            continue;
        };
        let list = ports
            .as_sequence()
            .unwrap_or_else(|| panic!("compose.yaml: ports is not a list"));
        for entry in list {
            let (ip, host, container) =
                published(entry).unwrap_or_else(|e| panic!("compose.yaml: port {e}"));
            assert!(
                ip == "127.0.0.1" || ip == "::1",
                "compose.yaml: {name} publishes {host}:{container} on {}: only 127.0.0.1 \
                 (the reverse proxy on the host is the way in)",
                if ip.is_empty() {
                    "every interface"
                } else {
                    ip.as_str()
                }
            );
            assert!(
                host_ports.insert(host.clone()),
                "compose.yaml: host port {host} is published twice"
            );
            if bots.contains(&name) {
                let vars = environment(&service);
                if let Some(listen) = env_value(&vars, "SAFEGUARDING_BOT__DISCORD__LISTEN") {
                    let listen = resolved(listen, &env, "listen");
                    assert_eq!(
                        Some(container.as_str()),
                        port_of(&listen),
                        "compose.yaml: {name} publishes container port {container}, it listens on {listen}"
                    );
                }
            }
        }
    }
}

/// A service's mounts as (named volume, target, line); a bind mount or anonymous volume has
/// no name.
fn volume_mounts(service: &Yaml) -> Vec<(Option<String>, String)> {
    let Some(v) = service.as_mapping_get("volumes") else {
        return Vec::new();
    };
    v.as_sequence()
        .unwrap_or_else(|| panic!("compose.yaml: volumes is not a list"))
        .iter()
        .map(|m| match m {
            Yaml::Value(ScalarOwned::String(s)) => match s.split_once(':') {
                Some((src, rest)) => {
                    let target = rest.split(':').next().unwrap_or(rest).to_string();
                    let bind = src.starts_with(['.', '/', '~', '$']) || src.contains('/');
                    ((!bind).then(|| src.to_string()), target)
                }
                None => (None, s.clone()),
            },
            Yaml::Mapping(_) => {
                let f = |k: &str| {
                    m.as_mapping_get(k)
                        .and_then(Yaml::as_str)
                        .map(str::to_string)
                };
                let named = f("type").as_deref() == Some("volume");
                (
                    f("source").filter(|_| named),
                    f("target").unwrap_or_default(),
                )
            }
            _ => panic!("compose.yaml: a mount is neither a string nor a map"),
        })
        .collect()
}

#[test]
fn named_volumes_are_declared() {
    let root = compose();
    let declared: Vec<String> = root
        .as_mapping_get("volumes")
        .map(|v| entries(v).into_iter().map(|(k, _)| k).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    for (name, service) in services(&root) {
        for (volume, target) in volume_mounts(&service) {
            if let Some(v) = volume {
                if !declared.contains(&v) {
                    problems.push(format!(
                        "compose.yaml: {name} mounts volume `{v}` at {target}, which is not declared under the top-level `volumes:` ({declared:?})"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
    let yaml = |t: &str| Yaml::load_from_str(t).unwrap().remove(0);
    let p = |t: &str| published(&yaml(&format!("\"{t}\""))).unwrap();
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
    let svc = yaml(
        "volumes:\n  - \"data:/app/data\"\n  - ./local:/x:ro\n  - /anon\n  - type: volume\n    source: v\n    target: /t\n",
    );
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
