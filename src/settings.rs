//! Layered configuration for `serve`: the built-in `config/default.toml`, then an optional
//! `config/local.toml`, then `DISCORD_TOKEN`, then `SAFEGUARDING_BOT__SECTION__KEY` environment
//! variables. Everything is checked once at start, so a typo or an impossible value stops the
//! bot with a message naming the key instead of surfacing later in a chat.
//!
//! The Discord token is a [`Secret`]: it cannot be printed by accident (its `Debug` and
//! `Display` say `[redacted]`), and error messages are scrubbed of it.

#![warn(missing_docs)]

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Config, Environment, File, FileFormat, Map, Source, Value, ValueKind};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

/// The defaults, compiled in so the binary runs from any directory. The committed file documents
/// every key.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Prefix of the environment variables that override settings
/// (`SAFEGUARDING_BOT__DISCORD__GUILD_IDS`).
pub const ENV_PREFIX: &str = "SAFEGUARDING_BOT";

/// The conventional environment variable for the bot token.
pub const TOKEN_ENV: &str = "DISCORD_TOKEN";

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

/// Where `/triage` holds its dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Default, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// An sqlx SQLite URL.
    pub url: String,
}

/// `[triage]`: how long triage records are kept.
#[derive(Debug, Clone, Deserialize)]
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
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// JSON-lines file of `/reload` attempts.
    pub reload_log: PathBuf,
}

/// Every setting `serve` needs, validated.
#[derive(Debug, Clone, Deserialize)]
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
    /// tests need not change the process environment).
    pub fn load_from(
        local: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        let mut builder =
            Config::builder().add_source(File::from_str(DEFAULT_TOML, FileFormat::Toml));
        if let Some(local) = local {
            builder =
                builder.add_source(File::from(local).format(FileFormat::Toml).required(false));
        }
        let prefixed: Map<String, String> = env
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{ENV_PREFIX}__")))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        builder = builder
            .add_source(TokenVar(env.get(TOKEN_ENV).cloned()))
            .add_source(
                Environment::with_prefix(ENV_PREFIX)
                    .prefix_separator("__")
                    .separator("__")
                    .ignore_empty(true)
                    .source(Some(prefixed)),
            );
        let config = builder.build().map_err(|e| SettingsError(e.to_string()))?;
        let token = config.get_string("discord.token").ok();
        let scrub = |msg: String| match &token {
            Some(t) if !t.is_empty() => msg.replace(t.as_str(), "[redacted]"),
            _ => msg,
        };
        let settings: Settings = config
            .try_deserialize()
            .map_err(|e| SettingsError(scrub(e.to_string())))?;
        settings.validate().map_err(|e| SettingsError(scrub(e.0)))?;
        Ok(settings)
    }

    /// Checks values the types alone cannot.
    fn validate(&self) -> Result<(), SettingsError> {
        let d = &self.discord;
        if !ARCHIVE_MINUTES.contains(&d.thread_auto_archive_minutes) {
            return Err(SettingsError(format!(
                "discord.thread_auto_archive_minutes is {}; Discord accepts only 60, 1440, 4320 or 10080",
                d.thread_auto_archive_minutes
            )));
        }
        if let Some(t) = &d.token {
            if t.expose().trim().is_empty() {
                return Err(SettingsError(
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
            return Err(SettingsError(format!(
                "database.url must be an SQLite URL such as \"sqlite://data/safeguarding-bot.db?mode=rwc\", not \"{}\"",
                self.database.url
            )));
        }
        if self.triage.session_ttl_days == 0 || self.triage.audit_retention_days == 0 {
            return Err(SettingsError(
                "triage.session_ttl_days and triage.audit_retention_days must be at least 1".into(),
            ));
        }
        if self.audit.reload_log.as_os_str().is_empty() {
            return Err(SettingsError(
                "audit.reload_log must name a file, e.g. \"data/reload-audit.jsonl\"".into(),
            ));
        }
        Ok(())
    }

    /// The token, or an error naming the key and how to set it (for `serve`).
    pub fn require_token(&self) -> Result<&Secret, SettingsError> {
        self.discord.token.as_ref().ok_or_else(|| {
            SettingsError(format!(
                "discord.token is not set: `serve` needs the bot token. Set the {TOKEN_ENV} environment variable (or {ENV_PREFIX}__DISCORD__TOKEN, or discord.token in config/local.toml)"
            ))
        })
    }

    /// The API base without a trailing slash, when a non-default Discord is configured.
    pub fn api_base(&self) -> Option<&str> {
        self.discord
            .api_base
            .as_deref()
            .map(|b| b.trim_end_matches('/'))
    }
}

impl fmt::Display for Settings {
    /// A one-line summary for the start-up log: no token, ids counted rather than listed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.discord;
        write!(
            f,
            "token {}, {} guild(s){}, {} admin role(s), ephemeral {}, triage thread {:?} (archive {} min), rate limit {}/min, api {}, knowledge {}, database {}",
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
        )
    }
}

fn check_http_url(key: &str, value: &str) -> Result<(), SettingsError> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(())
    } else {
        Err(SettingsError(format!(
            "{key} must start with http:// or https://, not \"{value}\""
        )))
    }
}

/// The conventional `DISCORD_TOKEN` variable as a configuration layer.
#[derive(Debug, Clone)]
struct TokenVar(Option<String>);

impl Source for TokenVar {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, config::ConfigError> {
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
}
