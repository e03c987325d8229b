//! Layered configuration for `serve`: the built-in `config/default.toml`, then an optional
//! `config/local.toml`, then `DISCORD_TOKEN`, then `SAFEGUARDING_BOT__SECTION__KEY` environment
//! variables, merged by the `config` crate. Everything is checked once at start, so a typo or an
//! impossible value stops the bot with a message naming the key and the file or variable that
//! set it, instead of surfacing later in a chat.
//!
//! The `config` crate records where each merged value came from ([`config::Value::origin`]); the
//! loader turns those into [`Origins`], which errors and `safeguarding-bot config`
//! ([`Settings::render_effective`]) name. The keys are the structs' fields, as serde serialises
//! them. The Discord token is a [`Secret`]: its `Debug`, `Display` and serialised forms say
//! `[redacted]`, and error messages are scrubbed of it.

#![warn(missing_docs)]

mod load;
mod mode;
mod show;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use mode::{DiscordMode, ShardRange};
pub use show::keys;

/// The defaults, compiled in so the binary runs from any directory. The committed file documents
/// every key.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

/// Prefix of the environment variables that override settings
/// (`SAFEGUARDING_BOT__DISCORD__GUILD_IDS`).
pub const ENV_PREFIX: &str = "SAFEGUARDING_BOT";

/// The conventional environment variable for the bot token.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

/// How the built-in layer is named in messages and in `config` output.
pub const DEFAULT_LAYER: &str = "config/default.toml (built in)";

/// The thread auto-archive durations Discord accepts, in minutes.
pub const ARCHIVE_MINUTES: [u16; 4] = [60, 1440, 4320, 10080];

/// A value that must never appear in logs, `Debug` output or error messages: the bot token.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it (building the HTTP client).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Serialize for Secret {
    /// Serialises as `[redacted]`: a serialised configuration never carries the secret.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("[redacted]")
    }
}

/// Where `/triage` holds its dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TriageThread {
    /// A private thread with the user (safeguarding details stay out of the channel).
    Private,
    /// A public thread.
    Public,
    /// The thread the command was run in; a private thread when not run in one.
    Current,
}

/// `[discord]`: how the bot talks to Discord.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordSettings {
    /// The bot token; required by `serve`, never printed.
    pub token: Option<Secret>,
    /// Servers to register the commands in (instant); empty registers them globally.
    #[serde(deserialize_with = "id_list")]
    pub guild_ids: Vec<u64>,
    /// Roles whose members may run `/reload` (besides members with Manage Server).
    #[serde(deserialize_with = "id_list")]
    pub admin_role_ids: Vec<u64>,
    /// Answer privately, with a "Post to channel" button.
    pub ephemeral: bool,
    /// Where `/triage` runs.
    pub triage_thread: TriageThread,
    /// Idle minutes before Discord archives a triage thread (60, 1440, 4320 or 10080).
    pub thread_auto_archive_minutes: u16,
    /// Expensive commands one user may run per minute; 0 = no limit.
    pub rate_limit_per_minute: u32,
    /// Base URL of the Discord API (`http://127.0.0.1:PORT` in tests); `None` = real Discord.
    pub api_base: Option<String>,
    /// How Discord reaches the bot: a gateway connection, or signed POSTs to `listen`.
    pub mode: DiscordMode,
    /// The application's public key (64 hex digits): `http` mode checks every POST against it.
    pub public_key: Option<String>,
    /// `host:port` of the interactions endpoint (`http` mode; path `/interactions`).
    pub listen: String,
    /// Register the slash commands over REST at start (false when another process does it).
    pub register_commands: bool,
    /// The gateway shards this process runs, `"0-3/8"`; unset = all of them.
    pub shards: Option<String>,
}

/// Reads a list of Discord ids written as a TOML list (of numbers or strings), a single number,
/// or a comma-separated string (the form an environment variable takes).
fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    let parts: Vec<String> = match config::Value::deserialize(d)?.kind {
        config::ValueKind::Array(items) => items.iter().map(ToString::to_string).collect(),
        one => config::Value::from(one)
            .to_string()
            .split(',')
            .map(Into::into)
            .collect(),
    };
    let id = |p: &str| {
        p.parse().map_err(|_| {
            serde::de::Error::custom(format!("`{p}` is not a Discord id (digits only)"))
        })
    };
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(id)
        .collect()
}

/// `[knowledge]`: where the served knowledge comes from.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeSettings {
    /// A base URL to fetch the knowledge from (wins over `dir`).
    pub url: Option<String>,
    /// A directory to load the knowledge from.
    pub dir: Option<PathBuf>,
}

/// `[database]`: the triage session store.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// An sqlx URL: `sqlite:…` (the embedded default) or `postgres://…` (a shared store). Its
    /// password is never logged or shown (see [`crate::triage::redact_database_url`]).
    pub url: String,
}

/// `[triage]`: how long triage records are kept.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TriageSettings {
    /// Days after its last step that an unfinished session is deleted.
    pub session_ttl_days: NonZeroU32,
    /// Days the triage audit trail is kept.
    pub audit_retention_days: NonZeroU32,
}

impl TriageSettings {
    /// `session_ttl_days` as a duration.
    pub fn session_ttl(&self) -> Duration {
        days(self.session_ttl_days)
    }

    /// `audit_retention_days` as a duration.
    pub fn audit_retention(&self) -> Duration {
        days(self.audit_retention_days)
    }
}

fn days(n: NonZeroU32) -> Duration {
    Duration::from_secs(u64::from(n.get()) * 86_400)
}

/// `[audit]`: where administrative actions are recorded.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// JSON-lines file of `/reload` attempts.
    pub reload_log: PathBuf,
}

/// `[log]`: what `serve` logs and how. Logs carry ids and timings only, never what anyone typed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// Which events to write, in `RUST_LOG` syntax (`info,serenity=warn`); the `RUST_LOG`
    /// environment variable, when set, wins.
    pub filter: String,
    /// One readable line per event, or one JSON object per line for a log collector.
    pub format: LogFormat,
}

/// The shape of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (`timestamp`, `level`, `target`, `fields`, `span`).
    Json,
}

/// `[health]`: the HTTP liveness endpoint `serve` runs for Docker and orchestrators.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HealthSettings {
    /// `host:port` to serve `GET /health` on; empty turns the endpoint off.
    pub listen: String,
}

impl HealthSettings {
    /// The address to listen on, if the endpoint is on.
    pub fn addr(&self) -> Option<std::net::SocketAddr> {
        self.listen.trim().parse().ok()
    }
}

/// Every setting `serve` needs, validated. Every key has a value (or a commented-out entry) in
/// [`DEFAULT_TOML`], so every section is always present.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `[discord]`.
    pub discord: DiscordSettings,
    /// `[knowledge]`.
    #[serde(default)]
    pub knowledge: KnowledgeSettings,
    /// `[database]`.
    pub database: DatabaseSettings,
    /// `[triage]`.
    pub triage: TriageSettings,
    /// `[audit]`.
    pub audit: AuditSettings,
    /// `[log]`.
    pub log: LogSettings,
    /// `[health]`.
    pub health: HealthSettings,
    /// Where each value came from (filled by the loader; empty for hand-built settings).
    #[serde(skip)]
    pub origins: Origins,
}

/// Which layer set each key, and which local file was read: what lets an error or the `config`
/// subcommand say where a value came from.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Dotted key → layer (`config/default.toml (built in)`, a file path, or an environment
    /// variable name).
    pub keys: BTreeMap<String, String>,
    /// The local file consulted, whether or not it exists.
    pub local_file: Option<PathBuf>,
}

impl Origins {
    /// The layer that set `key`, or "unknown" for hand-built settings.
    pub fn of(&self, key: &str) -> &str {
        self.keys.get(key).map(String::as_str).unwrap_or("unknown")
    }
}

/// A configuration problem, worded to say which key and what to do. Never contains the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration: {0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// The built-in defaults alone (no local file, no environment): a base for tests.
    pub fn defaults() -> Result<Settings, SettingsError> {
        Self::load_from(None, &HashMap::new())
    }

    /// Loads the settings the way `serve` does: defaults, `DIR/local.toml` if it exists, then the
    /// process environment.
    pub fn load(config_dir: &Path) -> Result<Settings, SettingsError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::load_from(Some(&config_dir.join("local.toml")), &env)
    }

    /// The token, or an error naming the key and every way to set it (for `serve`).
    pub fn require_token(&self) -> Result<&Secret, SettingsError> {
        self.discord.token.as_ref().ok_or_else(|| {
            let local = self.origins.local_file.as_deref();
            let local = local.unwrap_or(Path::new("config/local.toml")).display();
            SettingsError(format!(
                "discord.token is not set in any layer: `serve` needs the bot token. Set the {TOKEN_ENV} environment variable (or {ENV_PREFIX}__DISCORD__TOKEN, or discord.token in {local})"
            ))
        })
    }

    /// `--knowledge DIR`: serve that folder whatever the layers said (and say so in `config`).
    pub fn use_knowledge_dir(&mut self, dir: PathBuf) {
        self.knowledge.url = None;
        self.knowledge.dir = Some(dir);
        self.origins.keys.remove("knowledge.url");
        let origin = "--knowledge".to_string();
        self.origins.keys.insert("knowledge.dir".into(), origin);
    }

    /// The API base without a trailing slash, when a non-default Discord is configured.
    pub fn api_base(&self) -> Option<&str> {
        let base = self.discord.api_base.as_deref();
        base.map(|b| b.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_as_documented() {
        let s = Settings::defaults().unwrap();
        assert!(s.discord.token.is_none());
        assert!(s.discord.guild_ids.is_empty());
        assert!(s.discord.ephemeral);
        assert_eq!(s.discord.triage_thread, TriageThread::Private);
        assert_eq!(s.discord.thread_auto_archive_minutes, 1440);
        assert_eq!(s.discord.api_base, None);
        assert_eq!(s.database.url, "sqlite://data/safeguarding-bot.db?mode=rwc");
        assert_eq!(s.triage.session_ttl_days.get(), 7);
        assert_eq!(s.triage.audit_retention_days.get(), 365);
        assert_eq!(s.audit.reload_log, PathBuf::from("data/reload-audit.jsonl"));
        assert!(s.knowledge.url.is_none() && s.knowledge.dir.is_none());
    }

    #[test]
    fn environment_overrides_files() {
        let s = Settings::load_from(
            None,
            &env(&[
                ("SAFEGUARDING_BOT__DISCORD__GUILD_IDS", "111, 222"),
                ("SAFEGUARDING_BOT__DISCORD__ADMIN_ROLE_IDS", "333"),
                ("SAFEGUARDING_BOT__DISCORD__EPHEMERAL", "false"),
                ("SAFEGUARDING_BOT__DISCORD__TRIAGE_THREAD", "public"),
                ("SAFEGUARDING_BOT__DISCORD__RATE_LIMIT_PER_MINUTE", "3"),
                ("SAFEGUARDING_BOT__KNOWLEDGE__DIR", "/srv/knowledge"),
                ("SAFEGUARDING_BOT__TRIAGE__SESSION_TTL_DAYS", "2"),
                ("UNRELATED", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(s.discord.guild_ids, vec![111, 222]);
        assert_eq!(s.discord.admin_role_ids, vec![333]);
        assert!(!s.discord.ephemeral);
        assert_eq!(s.discord.triage_thread, TriageThread::Public);
        assert_eq!(s.discord.rate_limit_per_minute, 3);
        assert_eq!(s.knowledge.dir, Some(PathBuf::from("/srv/knowledge")));
        assert_eq!(s.triage.session_ttl(), Duration::from_secs(2 * 86_400));
    }

    #[test]
    fn local_file_layers_between_defaults_and_environment() {
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("local.toml");
        std::fs::write(
            &local,
            "[discord]\nguild_ids = [\"444\", 555]\ntoken = \"from-file\"\n[audit]\nreload_log = \"x.jsonl\"\n",
        )
        .unwrap();
        let s = Settings::load_from(Some(&local), &HashMap::new()).unwrap();
        assert_eq!(s.discord.guild_ids, vec![444, 555]);
        assert_eq!(s.require_token().unwrap().expose(), "from-file");
        assert_eq!(s.audit.reload_log, PathBuf::from("x.jsonl"));
        let s = Settings::load_from(Some(&local), &env(&[("DISCORD_TOKEN", "from-env")])).unwrap();
        assert_eq!(s.require_token().unwrap().expose(), "from-env");
        let s = Settings::load_from(
            Some(&local),
            &env(&[
                ("DISCORD_TOKEN", "from-env"),
                ("SAFEGUARDING_BOT__DISCORD__TOKEN", "prefixed"),
            ]),
        )
        .unwrap();
        assert_eq!(s.require_token().unwrap().expose(), "prefixed");
    }

    #[test]
    fn token_never_shows() {
        let s =
            Settings::load_from(None, &env(&[("DISCORD_TOKEN", "sekrit.token.value")])).unwrap();
        assert!(!format!("{s:?}").contains("sekrit"));
        assert!(!format!("{s}").contains("sekrit"));
        let with_url = Settings::load_from(
            None,
            &env(&[(
                "SAFEGUARDING_BOT__KNOWLEDGE__URL",
                "https://example.org/k/?access_token=sekrit",
            )]),
        )
        .unwrap();
        assert!(!format!("{with_url}").contains("sekrit"), "{with_url}");
        assert_eq!(
            format!("{}", s.discord.token.as_ref().unwrap()),
            "[redacted]"
        );
        // A value that fails validation is reported without the token in it.
        let err = Settings::load_from(
            None,
            &env(&[
                ("DISCORD_TOKEN", "sekrit.token.value"),
                ("SAFEGUARDING_BOT__DISCORD__API_BASE", "sekrit.token.value"),
            ]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("discord.api_base"), "{err}");
        assert!(!err.to_string().contains("sekrit"), "{err}");
    }

    #[test]
    fn missing_token_names_the_key() {
        let s = Settings::defaults().unwrap();
        let err = s.require_token().unwrap_err().to_string();
        assert!(
            err.contains("discord.token") && err.contains("DISCORD_TOKEN"),
            "{err}"
        );
    }

    #[test]
    fn unknown_and_bad_values_are_errors() {
        let err = Settings::load_from(None, &env(&[("SAFEGUARDING_BOT__DISCORD__TOKNE", "x")]))
            .unwrap_err();
        assert!(err.to_string().contains("tokne"), "{err}");
        let err =
            Settings::load_from(None, &env(&[("SAFEGUARDING_BOT__COLOUR", "x")])).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
        let err = Settings::load_from(
            None,
            &env(&[(
                "SAFEGUARDING_BOT__DISCORD__THREAD_AUTO_ARCHIVE_MINUTES",
                "30",
            )]),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("thread_auto_archive_minutes"),
            "{err}"
        );
        let err = Settings::load_from(
            None,
            &env(&[("SAFEGUARDING_BOT__DISCORD__TRIAGE_THREAD", "secret")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("secret"), "{err}");
        let err = Settings::load_from(
            None,
            &env(&[("SAFEGUARDING_BOT__DISCORD__GUILD_IDS", "12,abc")]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("abc"), "{err}");
    }

    #[test]
    fn keys_match_the_settings_structs() {
        let mut s = Settings::defaults().unwrap();
        s.discord.token = Some(Secret::new("t"));
        s.discord.api_base = Some("http://127.0.0.1:1".into());
        s.knowledge.url = Some("https://example.org/k".into());
        s.knowledge.dir = Some("k".into());
        s.discord.public_key = Some("0".repeat(64));
        s.discord.shards = Some("0-1/2".into());
        let table = toml::Value::try_from(&s).unwrap();
        let mut found = Vec::new();
        for (section, t) in table.as_table().unwrap() {
            for key in t.as_table().unwrap().keys() {
                found.push(format!("{section}.{key}"));
            }
        }
        found.sort();
        let mut keys = keys();
        keys.sort();
        assert_eq!(found, keys);
        // Every documented key is in the built-in file, set or commented out.
        for key in &keys {
            let name = key.split_once('.').unwrap().1;
            assert!(
                DEFAULT_TOML.contains(&format!("{name} = ")),
                "{key} is not documented in config/default.toml"
            );
        }
    }

    #[test]
    fn errors_name_the_layer_that_set_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("local.toml");
        std::fs::write(&local, "[discord]\nephemeral = \"perhaps\"\n").unwrap();
        let err = Settings::load_from(Some(&local), &HashMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("discord.ephemeral"), "{err}");
        assert!(err.contains(&local.display().to_string()), "{err}");
        std::fs::write(&local, "[discord]\nguild_ids = [\"x\"]\n").unwrap();
        let err = Settings::load_from(Some(&local), &HashMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("discord.guild_ids"), "{err}");
        assert!(err.contains(&local.display().to_string()), "{err}");
        std::fs::write(&local, "[colour]\n").unwrap();
        let err = Settings::load_from(Some(&local), &HashMap::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains("`colour`"), "{err}");
        assert!(err.contains(&local.display().to_string()), "{err}");
        let err = Settings::load_from(
            None,
            &env(&[("SAFEGUARDING_BOT__TRIAGE__SESSION_TTL_DAYS", "0")]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("triage.session_ttl_days")
                && err.contains("SAFEGUARDING_BOT__TRIAGE__SESSION_TTL_DAYS"),
            "{err}"
        );
        let s = Settings::load_from(
            Some(&dir.path().join("absent.toml")),
            &env(&[("SAFEGUARDING_BOT__LOG__FORMAT", "json")]),
        )
        .unwrap();
        assert_eq!(s.log.format, LogFormat::Json);
        assert_eq!(s.origins.of("log.format"), "SAFEGUARDING_BOT__LOG__FORMAT");
        assert_eq!(s.origins.of("log.filter"), DEFAULT_LAYER);
        let err = s.require_token().unwrap_err().to_string();
        assert!(err.contains("absent.toml"), "{err}");
    }

    #[test]
    fn effective_configuration_is_toml_with_layers_and_no_secrets() {
        let s = Settings::load_from(
            None,
            &env(&[
                ("DISCORD_TOKEN", "sekrit.token.value"),
                ("SAFEGUARDING_BOT__DISCORD__GUILD_IDS", "1,2"),
                (
                    "SAFEGUARDING_BOT__KNOWLEDGE__URL",
                    "https://user:pw@example.org/k/?key=sekrit",
                ),
            ]),
        )
        .unwrap();
        let text = s.render_effective();
        assert!(!text.contains("sekrit") && !text.contains("pw@"), "{text}");
        let parsed: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(parsed["discord"]["token"].as_str(), Some("[redacted]"));
        assert_eq!(
            parsed["discord"]["guild_ids"],
            toml::Value::Array(vec![1.into(), 2.into()])
        );
        assert!(text.contains("guild_ids = [1, 2]  # from SAFEGUARDING_BOT__DISCORD__GUILD_IDS"));
        assert!(text.contains("token = \"[redacted]\"  # from DISCORD_TOKEN"));
        let unset = Settings::defaults().unwrap().render_effective();
        assert!(unset.contains("# token = (not set)"), "{unset}");
    }

    #[test]
    fn database_url_is_sqlite_or_postgres_and_its_password_never_shows() {
        let url = "postgres://bot:sekrit@db.example:5432/safeguarding";
        let s =
            Settings::load_from(None, &env(&[("SAFEGUARDING_BOT__DATABASE__URL", url)])).unwrap();
        assert_eq!(s.database.url, url);
        let text = s.render_effective();
        assert!(!text.contains("sekrit"), "{text}");
        assert!(text.contains("db.example:5432/safeguarding"), "{text}");
        assert!(!s.to_string().contains("sekrit"), "{s}");
        let pg = "postgresql://bot@db.example/safeguarding?password=sekrit";
        let s =
            Settings::load_from(None, &env(&[("SAFEGUARDING_BOT__DATABASE__URL", pg)])).unwrap();
        assert!(!s.render_effective().contains("sekrit"));
        let err = Settings::load_from(
            None,
            &env(&[(
                "SAFEGUARDING_BOT__DATABASE__URL",
                "mysql://bot:sekrit@db.example/x",
            )]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("database.url"), "{err}");
        assert!(!err.contains("sekrit"), "{err}");
    }
}
