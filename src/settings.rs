//! Layered configuration for `serve`: the built-in `config/default.toml`, then an optional
//! `config/local.toml`, then `DISCORD_TOKEN`, then `SAFEGUARDING_BOT__SECTION__KEY` environment
//! variables. Everything is checked once at start, so a typo or an impossible value stops the
//! bot with a message naming the key instead of surfacing later in a chat.
//!
//! The Discord token is a [`Secret`]: it cannot be printed by accident (its `Debug` and
//! `Display` say `[redacted]`), and error messages are scrubbed of it.
//!
//! Every value remembers the layer it came from (the built-in file, the local file's path, or the
//! environment variable's name), so an error says where to fix it and `safeguarding-bot config`
//! ([`Settings::render_effective`]) can show the merged result key by key.

#![warn(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Config, ConfigError, File, FileFormat, Map, Source, Value, ValueKind};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The defaults, compiled in so the binary runs from any directory. The committed file documents
/// every key.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Prefix of the environment variables that override settings
/// (`SAFEGUARDING_BOT__DISCORD__GUILD_IDS`).
pub const ENV_PREFIX: &str = "SAFEGUARDING_BOT";

/// The conventional environment variable for the bot token.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

/// How the built-in layer is named in messages and in `config` output.
pub const DEFAULT_LAYER: &str = "config/default.toml (built in)";

/// Every key the configuration accepts, in the order `safeguarding-bot config` prints them. A
/// key not listed here is an error naming the layer it came from (a unit test keeps this list
/// and the structs below in step).
pub const KEYS: &[&str] = &[
    "discord.token",
    "discord.guild_ids",
    "discord.admin_role_ids",
    "discord.ephemeral",
    "discord.triage_thread",
    "discord.thread_auto_archive_minutes",
    "discord.rate_limit_per_minute",
    "discord.api_base",
    "knowledge.url",
    "knowledge.dir",
    "database.url",
    "triage.session_ttl_days",
    "triage.audit_retention_days",
    "audit.reload_log",
    "log.filter",
    "log.format",
    "health.listen",
];

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
    #[serde(default)]
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
    #[serde(default)]
    pub api_base: Option<String>,
}

/// `[knowledge]`: where the served knowledge comes from.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeSettings {
    /// A base URL to fetch the knowledge from (wins over `dir`).
    #[serde(default)]
    pub url: Option<String>,
    /// A directory to load the knowledge from.
    #[serde(default)]
    pub dir: Option<PathBuf>,
}

/// `[database]`: the triage session store.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// An sqlx SQLite URL.
    pub url: String,
}

/// `[triage]`: how long triage records are kept.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TriageSettings {
    /// Days after its last step that an unfinished session is deleted.
    pub session_ttl_days: u32,
    /// Days the triage audit trail is kept.
    pub audit_retention_days: u32,
}

impl TriageSettings {
    /// `session_ttl_days` as a duration.
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(u64::from(self.session_ttl_days) * 86_400)
    }

    /// `audit_retention_days` as a duration.
    pub fn audit_retention(&self) -> Duration {
        Duration::from_secs(u64::from(self.audit_retention_days) * 86_400)
    }
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

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            filter: "info,serenity=warn,poise=warn".into(),
            format: LogFormat::Text,
        }
    }
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
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
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

/// Every setting `serve` needs, validated.
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
    #[serde(default)]
    pub log: LogSettings,
    /// `[health]`.
    #[serde(default)]
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
    /// The environment variables that set something, by name.
    pub env_vars: Vec<String>,
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

/// The thread auto-archive durations Discord accepts, in minutes.
pub const ARCHIVE_MINUTES: [u16; 4] = [60, 1440, 4320, 10080];

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

    /// Loads from the defaults, an optional local file and the given environment (passed in so
    /// tests need not change the process environment). Every error names the key and the layer
    /// that set it.
    pub fn load_from(
        local: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        let mut layers: Vec<Box<dyn Source + Send + Sync>> = vec![Box::new(Labelled {
            label: DEFAULT_LAYER.to_string(),
            inner: File::from_str(DEFAULT_TOML, FileFormat::Toml),
        })];
        if let Some(local) = local {
            layers.push(Box::new(Labelled {
                label: local.display().to_string(),
                inner: File::from(local).format(FileFormat::Toml).required(false),
            }));
        }
        let mut env_vars: Vec<(String, String)> = env
            .iter()
            .filter(|(k, v)| k.starts_with(&format!("{ENV_PREFIX}__")) && !v.is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        env_vars.sort();
        layers.push(Box::new(TokenVar(env.get(TOKEN_ENV).cloned())));
        layers.push(Box::new(EnvVars(env_vars.clone())));

        // Unknown keys first, layer by layer: serde would name the field but not where it was
        // set, and an empty unknown table has no origin once merged.
        for layer in &layers {
            let mut keys = BTreeMap::new();
            leaves(
                &layer.collect().map_err(|e| SettingsError(e.to_string()))?,
                "",
                &mut keys,
            );
            if let Some((key, origin)) = keys.iter().find(|(k, _)| !KEYS.contains(&k.as_str())) {
                return Err(SettingsError(unknown_key(key, origin)));
            }
        }
        let config = Config::builder()
            .add_source(layers)
            .build()
            .map_err(|e| SettingsError(e.to_string()))?;

        let mut origins = Origins {
            local_file: local.map(Path::to_path_buf),
            env_vars: env_vars.into_iter().map(|(k, _)| k).collect(),
            ..Origins::default()
        };
        let merged = config.collect().map_err(|e| SettingsError(e.to_string()))?;
        leaves(&merged, "", &mut origins.keys);

        let token = config.get_string("discord.token").ok();
        let scrub = |msg: String| match &token {
            Some(t) if !t.is_empty() => msg.replace(t.as_str(), "[redacted]"),
            _ => msg,
        };
        let mut settings: Settings = config
            .try_deserialize()
            .map_err(|e| SettingsError(scrub(with_origin(e, &origins))))?;
        settings.validate().map_err(|(key, msg)| {
            SettingsError(scrub(format!("{msg} (set in {})", origins.of(key))))
        })?;
        settings.origins = origins;
        Ok(settings)
    }

    /// Checks values the types alone cannot; an error names the key it is about.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        let d = &self.discord;
        if !ARCHIVE_MINUTES.contains(&d.thread_auto_archive_minutes) {
            return Err((
                "discord.thread_auto_archive_minutes",
                format!(
                    "discord.thread_auto_archive_minutes is {}; Discord accepts only 60, 1440, 4320 or 10080",
                    d.thread_auto_archive_minutes
                ),
            ));
        }
        if let Some(t) = &d.token {
            if t.expose().trim().is_empty() {
                return Err((
                    "discord.token",
                    "discord.token is empty: set DISCORD_TOKEN to the bot token".into(),
                ));
            }
        }
        if let Some(base) = &d.api_base {
            check_http_url("discord.api_base", base)?;
        }
        if let Some(url) = &self.knowledge.url {
            check_http_url("knowledge.url", url)?;
        }
        if !self.database.url.starts_with("sqlite:") {
            return Err((
                "database.url",
                format!(
                    "database.url must be an SQLite URL such as \"sqlite://data/safeguarding-bot.db?mode=rwc\", not \"{}\"",
                    self.database.url
                ),
            ));
        }
        if self.triage.session_ttl_days == 0 {
            return Err((
                "triage.session_ttl_days",
                "triage.session_ttl_days must be at least 1".into(),
            ));
        }
        if self.triage.audit_retention_days == 0 {
            return Err((
                "triage.audit_retention_days",
                "triage.audit_retention_days must be at least 1".into(),
            ));
        }
        if self.audit.reload_log.as_os_str().is_empty() {
            return Err((
                "audit.reload_log",
                "audit.reload_log must name a file, e.g. \"data/reload-audit.jsonl\"".into(),
            ));
        }
        if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(&self.log.filter) {
            return Err((
                "log.filter",
                format!(
                    "log.filter \"{}\" is not a filter such as \"info,serenity=warn\": {e}",
                    self.log.filter
                ),
            ));
        }
        let listen = self.health.listen.trim();
        if !listen.is_empty() && self.health.addr().is_none() {
            return Err((
                "health.listen",
                format!(
                    "health.listen must be an address and port such as \"127.0.0.1:8080\" (or empty for no endpoint), not \"{listen}\""
                ),
            ));
        }
        Ok(())
    }

    /// The token, or an error naming the key and every way to set it (for `serve`).
    pub fn require_token(&self) -> Result<&Secret, SettingsError> {
        self.discord.token.as_ref().ok_or_else(|| {
            let local = self
                .origins
                .local_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "config/local.toml".into());
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
        self.origins
            .keys
            .insert("knowledge.dir".into(), "--knowledge".into());
    }

    /// The API base without a trailing slash, when a non-default Discord is configured.
    pub fn api_base(&self) -> Option<&str> {
        self.discord
            .api_base
            .as_deref()
            .map(|b| b.trim_end_matches('/'))
    }

    /// The merged configuration as TOML, every key with the layer that set it and secrets
    /// redacted: what `safeguarding-bot config` prints, so an operator can see what `serve`
    /// would run with without starting it. Unset optional keys appear as comments.
    pub fn render_effective(&self) -> String {
        let mut out = String::from(
            "# safeguarding-bot: effective configuration. Layers, later ones winning:\n",
        );
        out.push_str(&format!("#   1. {DEFAULT_LAYER}\n"));
        match &self.origins.local_file {
            Some(p) if p.exists() => out.push_str(&format!("#   2. {}\n", p.display())),
            Some(p) => out.push_str(&format!("#   2. {} (not found)\n", p.display())),
            None => out.push_str("#   2. (no local file)\n"),
        }
        out.push_str(&format!(
            "#   3. {TOKEN_ENV}{}\n",
            if self.origins.keys.get("discord.token").map(String::as_str) == Some(TOKEN_ENV) {
                " (set)"
            } else {
                " (not used)"
            }
        ));
        if self.origins.env_vars.is_empty() {
            out.push_str(&format!(
                "#   4. {ENV_PREFIX}__SECTION__KEY variables (none set)\n"
            ));
        } else {
            out.push_str(&format!(
                "#   4. environment: {}\n",
                self.origins.env_vars.join(", ")
            ));
        }
        let table = toml::Value::try_from(self).unwrap_or(toml::Value::Table(Default::default()));
        let mut section = "";
        for key in KEYS {
            let (sec, name) = key.split_once('.').expect("keys are section.name");
            if sec != section {
                out.push_str(&format!("\n[{sec}]\n"));
                section = sec;
            }
            let value = table.get(sec).and_then(|t| t.get(name));
            match value {
                Some(v) => {
                    let shown = match *key {
                        "knowledge.url" => toml::Value::String(
                            crate::knowledge::remote::redact_url(v.as_str().unwrap_or_default()),
                        ),
                        _ => v.clone(),
                    };
                    out.push_str(&format!(
                        "{name} = {shown}  # from {}\n",
                        self.origins.of(key)
                    ));
                }
                None if *key == "discord.token" => out.push_str(&format!(
                    "# {name} = (not set): `serve` needs it; set {TOKEN_ENV}\n"
                )),
                None => out.push_str(&format!("# {name} = (not set)\n")),
            }
        }
        out
    }
}

impl fmt::Display for Settings {
    /// A one-line summary for the start-up log: no token, ids counted rather than listed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.discord;
        write!(
            f,
            "token {}, {} guild(s){}, {} admin role(s), ephemeral {}, triage thread {:?} (archive {} min), rate limit {}/min, api {}, knowledge {}, database {}, log {:?}, health {}",
            if d.token.is_some() { "set" } else { "unset" },
            d.guild_ids.len(),
            if d.guild_ids.is_empty() { " (global commands)" } else { "" },
            d.admin_role_ids.len(),
            d.ephemeral,
            d.triage_thread,
            d.thread_auto_archive_minutes,
            d.rate_limit_per_minute,
            self.api_base().unwrap_or("discord.com"),
            match (&self.knowledge.url, &self.knowledge.dir) {
                (Some(u), _) => crate::knowledge::remote::redact_url(u),
                (None, Some(d)) => d.display().to_string(),
                (None, None) => "embedded".into(),
            },
            self.database.url,
            self.log.format,
            match self.health.addr() {
                Some(a) => a.to_string(),
                None => "off".into(),
            },
        )
    }
}

fn check_http_url(key: &'static str, value: &str) -> Result<(), (&'static str, String)> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(())
    } else {
        Err((
            key,
            format!("{key} must start with http:// or https://, not \"{value}\""),
        ))
    }
}

/// The message for a key nobody reads, naming where it was set and the likely intended key.
fn unknown_key(key: &str, origin: &str) -> String {
    let section = key.split_once('.').map_or(key, |(s, _)| s);
    let mut sections: Vec<&str> = KEYS
        .iter()
        .filter_map(|k| k.split_once('.'))
        .map(|(s, _)| s)
        .collect();
    sections.dedup();
    let hint = if sections.contains(&section) {
        let known: Vec<&str> = KEYS
            .iter()
            .filter_map(|k| k.strip_prefix(&format!("{section}.")))
            .collect();
        format!("; [{section}] takes {}", known.join(", "))
    } else {
        format!("; the sections are {}", sections.join(", "))
    };
    format!("unknown key `{key}` (set in {origin}){hint}")
}

/// A deserialisation error with the layer of the key it names, when the config crate did not
/// already say (its custom errors carry the key but not always the origin).
fn with_origin(e: ConfigError, origins: &Origins) -> String {
    let msg = e.to_string();
    if msg.contains(" in ") && origins.keys.values().any(|o| msg.ends_with(o.as_str())) {
        return msg;
    }
    // `discord.guild_ids[0]` was set with the whole list.
    let key = msg
        .split("for key `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .map(|k| k.split('[').next().unwrap_or(k).to_string());
    match key.as_deref().and_then(|k| origins.keys.get(k)) {
        Some(origin) => format!("{msg} (set in {origin})"),
        None => msg,
    }
}

/// Collects dotted leaf keys (arrays count as leaves) with the layer that set each.
fn leaves(map: &Map<String, Value>, prefix: &str, out: &mut BTreeMap<String, String>) {
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match &v.kind {
            ValueKind::Table(t) if !t.is_empty() => leaves(t, &key, out),
            ValueKind::Table(_) => {
                // An empty section (`[knowledge]` in the defaults) sets nothing, but an empty
                // table under an unknown name is still an unknown key.
                let section = format!("{key}.");
                if !(prefix.is_empty() && KEYS.iter().any(|known| known.starts_with(&section))) {
                    out.insert(key, v.origin().unwrap_or("unknown").to_string());
                }
            }
            _ => {
                out.insert(key, v.origin().unwrap_or("unknown").to_string());
            }
        }
    }
}

/// A configuration file whose values are all marked as coming from `label`, so an error or the
/// `config` output can name the file.
#[derive(Debug, Clone)]
struct Labelled<S> {
    label: String,
    inner: S,
}

impl<S: Source + Clone + Send + Sync + 'static> Source for Labelled<S> {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let map = self.inner.collect().map_err(|e| match e {
            // The crate names the file by a path relative to the working directory; say it as
            // configured, and say that it is a syntax error.
            ConfigError::FileParse { cause, .. } => {
                ConfigError::Message(format!("{} is not valid TOML: {cause}", self.label))
            }
            other => other,
        })?;
        Ok(map
            .into_iter()
            .map(|(k, v)| (k, relabel(v, &self.label)))
            .collect())
    }
}

fn relabel(v: Value, label: &String) -> Value {
    let kind = match v.kind {
        ValueKind::Table(t) => {
            ValueKind::Table(t.into_iter().map(|(k, v)| (k, relabel(v, label))).collect())
        }
        ValueKind::Array(a) => ValueKind::Array(a.into_iter().map(|v| relabel(v, label)).collect()),
        other => other,
    };
    Value::new(Some(label), kind)
}

/// `SAFEGUARDING_BOT__SECTION__KEY` variables as a layer, each value marked with its variable's
/// name (`config::Environment` marks them all "the environment").
#[derive(Debug, Clone)]
struct EnvVars(Vec<(String, String)>);

impl Source for EnvVars {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let mut m = Map::new();
        for (name, value) in &self.0 {
            let rest = &name[ENV_PREFIX.len() + 2..];
            let key = rest
                .split("__")
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
                .join(".");
            m.insert(
                key,
                Value::new(Some(name), ValueKind::String(value.clone())),
            );
        }
        Ok(m)
    }
}

/// The conventional `DISCORD_TOKEN` variable as a configuration layer.
#[derive(Debug, Clone)]
struct TokenVar(Option<String>);

impl Source for TokenVar {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let mut m = Map::new();
        if let Some(t) = self.0.as_ref().filter(|t| !t.is_empty()) {
            m.insert(
                "discord.token".to_string(),
                Value::new(Some(&TOKEN_ENV.to_string()), ValueKind::String(t.clone())),
            );
        }
        Ok(m)
    }
}

/// Reads a list of Discord ids written as a TOML list (of numbers or strings), a single number,
/// or a comma-separated string (the form an environment variable takes).
fn id_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    struct Ids;

    fn parse<E: de::Error>(s: &str) -> Result<Vec<u64>, E> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<u64>()
                    .map_err(|_| E::custom(format!("`{p}` is not a Discord id (digits only)")))
            })
            .collect()
    }

    impl<'de> Visitor<'de> for Ids {
        type Value = Vec<u64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of Discord ids, or a comma-separated string of them")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<u64>, E> {
            Ok(vec![v])
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<u64>, E> {
            u64::try_from(v)
                .map(|v| vec![v])
                .map_err(|_| E::custom("a Discord id cannot be negative"))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u64>, E> {
            parse(v)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u64>, A::Error> {
            let mut out = Vec::new();
            while let Some(one) = seq.next_element::<OneId>()? {
                out.push(one.0);
            }
            Ok(out)
        }
    }

    d.deserialize_any(Ids)
}

/// One id inside a list: a number or a string of digits.
struct OneId(u64);

impl<'de> Deserialize<'de> for OneId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ids = id_list(d)?;
        match ids.as_slice() {
            [one] => Ok(OneId(*one)),
            _ => Err(de::Error::custom("expected one Discord id")),
        }
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
        assert_eq!(s.triage.session_ttl_days, 7);
        assert_eq!(s.triage.audit_retention_days, 365);
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
        let table = toml::Value::try_from(&s).unwrap();
        let mut found = Vec::new();
        for (section, t) in table.as_table().unwrap() {
            for key in t.as_table().unwrap().keys() {
                found.push(format!("{section}.{key}"));
            }
        }
        found.sort();
        let mut keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
        keys.sort();
        assert_eq!(found, keys);
        // Every documented key is in the built-in file, set or commented out.
        for key in KEYS {
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
}
