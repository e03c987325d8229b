//! Reading the layers — the built-in defaults, the local file, `DISCORD_TOKEN`, the
//! `SAFEGUARDING_BOT__*` variables — into [`Settings`] with the `config` crate, naming each key's
//! layer from the origin the crate records, and the checks the types alone cannot make.

use std::collections::HashMap;
use std::path::Path;

use config::{Config, ConfigError, Environment, File, FileFormat, Map, Value, ValueKind};

use super::{Origins, Settings, SettingsError, ARCHIVE_MINUTES, DEFAULT_LAYER, DEFAULT_TOML};
use super::{ENV_PREFIX, TOKEN_ENV};

impl Settings {
    /// Loads from the defaults, an optional local file and the given environment (passed in so
    /// tests need not change the process environment). Every error names the key and the layer
    /// that set it.
    pub fn load_from(
        local: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        let vars: Map<String, String> = env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let token = vars
            .get_key_value(TOKEN_ENV)
            .map(|(k, v)| (k.clone(), v.clone()));
        let mut layers = Config::builder().add_source(defaults_file());
        if let Some(local) = local {
            layers = layers.add_source(File::from(local).format(FileFormat::Toml).required(false));
        }
        // `DISCORD_TOKEN` alone, read as `discord` `_` `token`; then the prefixed variables.
        let token = Environment::default()
            .separator("_")
            .source(Some(token.into_iter().collect()));
        let prefixed = Environment::with_prefix(ENV_PREFIX)
            .prefix_separator("__")
            .separator("__");
        let config = layers
            .add_source(token.ignore_empty(true))
            .add_source(prefixed.ignore_empty(true).source(Some(vars)))
            .build()
            .map_err(|e| match (e, local) {
                (ConfigError::FileParse { cause, .. }, Some(local)) => {
                    SettingsError(format!("{} is not valid TOML: {cause}", local.display()))
                }
                (e, _) => SettingsError(e.to_string()),
            })?;

        let known = super::keys();
        let mut origins = Origins {
            local_file: local.map(Path::to_path_buf),
            ..Origins::default()
        };
        for (key, value) in leaves(config.cache.clone()) {
            // Only a file leaves a key without an origin (an empty table), and the built-in one
            // holds no unknown keys.
            let from_file = value.origin().is_some() || !known.contains(&key);
            let origin = origins.name(&key, from_file, env);
            if !known
                .iter()
                .any(|k| *k == key || k.starts_with(&format!("{key}.")))
            {
                return Err(SettingsError(unknown_key(&key, &origin, &known)));
            }
            if known.contains(&key) {
                origins.keys.insert(key, origin);
            }
        }

        let token = config
            .get_string("discord.token")
            .ok()
            .filter(|t| !t.is_empty());
        let scrub = |msg: String| match &token {
            Some(t) => msg.replace(t.as_str(), "[redacted]"),
            None => msg,
        };
        let mut settings: Settings = config.try_deserialize().map_err(|mut e| {
            if let ConfigError::Type {
                origin,
                key: Some(key),
                ..
            }
            | ConfigError::At {
                origin,
                key: Some(key),
                ..
            } = &mut e
            {
                // `discord.guild_ids[1]` was set with the whole list.
                *origin = Some(origins.of(key.split('[').next().unwrap_or(key)).to_string());
            }
            SettingsError(scrub(e.to_string()))
        })?;
        settings.validate().map_err(|(key, msg)| {
            SettingsError(scrub(format!("{msg} (set in {})", origins.of(key))))
        })?;
        settings.origins = origins;
        Ok(settings)
    }

    /// Checks values the types alone cannot; an error names the key it is about.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        let (d, filter, listen) = (&self.discord, &self.log.filter, self.health.listen.trim());
        d.validate_mode()?;
        let minutes = d.thread_auto_archive_minutes;
        if !ARCHIVE_MINUTES.contains(&minutes) {
            let msg = format!("discord.thread_auto_archive_minutes is {minutes}; Discord accepts only 60, 1440, 4320 or 10080");
            return Err(("discord.thread_auto_archive_minutes", msg));
        }
        if d.token
            .as_ref()
            .is_some_and(|t| t.expose().trim().is_empty())
        {
            let msg = "discord.token is empty: set DISCORD_TOKEN to the bot token";
            return Err(("discord.token", msg.into()));
        }
        for (key, url) in [
            ("discord.api_base", &d.api_base),
            ("knowledge.url", &self.knowledge.url),
        ] {
            if let Some(url) = url
                .as_ref()
                .filter(|u| !u.starts_with("http://") && !u.starts_with("https://"))
            {
                return Err((
                    key,
                    format!("{key} must start with http:// or https://, not \"{url}\""),
                ));
            }
        }
        let db = &self.database.url;
        if crate::triage::backend_of(db).is_none() {
            let db = crate::triage::redact_database_url(db);
            let msg = format!("database.url must be an SQLite URL such as \"sqlite://data/safeguarding-bot.db?mode=rwc\" or a PostgreSQL URL such as \"postgres://bot@db.example/safeguarding\", not \"{db}\"");
            return Err(("database.url", msg));
        }
        if self.audit.reload_log.as_os_str().is_empty() {
            let msg = "audit.reload_log must name a file, e.g. \"data/reload-audit.jsonl\"";
            return Err(("audit.reload_log", msg.into()));
        }
        if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(filter) {
            let msg = format!(
                "log.filter \"{filter}\" is not a filter such as \"info,serenity=warn\": {e}"
            );
            return Err(("log.filter", msg));
        }
        if !listen.is_empty() && self.health.addr().is_none() {
            let msg = format!("health.listen must be an address and port such as \"127.0.0.1:8080\" (or empty for no endpoint), not \"{listen}\"");
            return Err(("health.listen", msg));
        }
        Ok(())
    }
}

/// The built-in layer: `config/default.toml` as compiled in.
pub(super) fn defaults_file() -> File<config::FileSourceString, FileFormat> {
    File::from_str(DEFAULT_TOML, FileFormat::Toml)
}

impl Origins {
    /// How `key`'s layer is named: its environment variable when one is set (the variables are
    /// the last layers), else the local file or the built-in one.
    fn name(&self, key: &str, from_file: bool, env: &HashMap<String, String>) -> String {
        let var = format!("{ENV_PREFIX}__{}", key.replace('.', "__")).to_uppercase();
        let set = |name: &str| {
            env.iter()
                .any(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_empty())
        };
        match &self.local_file {
            _ if set(&var) => var,
            _ if key == "discord.token" && set(TOKEN_ENV) => TOKEN_ENV.into(),
            Some(file) if from_file => file.display().to_string(),
            _ => DEFAULT_LAYER.into(),
        }
    }
}

/// The dotted keys a merged configuration sets, with their values (arrays and empty tables are
/// leaves).
fn leaves(value: Value) -> Vec<(String, Value)> {
    match value.kind {
        ValueKind::Table(t) if !t.is_empty() => t
            .into_iter()
            .flat_map(|(k, v)| {
                let inner = leaves(v);
                inner.into_iter().map(move |(sub, v)| match sub.is_empty() {
                    true => (k.clone(), v),
                    false => (format!("{k}.{sub}"), v),
                })
            })
            .collect(),
        _ => vec![(String::new(), value)],
    }
}

/// The message for a key nobody reads, naming where it was set and the keys its section takes.
fn unknown_key(key: &str, origin: &str, known: &[String]) -> String {
    let section = key.split_once('.').map_or(key, |(s, _)| s);
    let in_section = |k: &&String| k.starts_with(&format!("{section}."));
    let names: Vec<&str> = known
        .iter()
        .filter(in_section)
        .map(|k| &k[section.len() + 1..])
        .collect();
    let hint = if names.is_empty() {
        let mut sections: Vec<&str> = known.iter().filter_map(|k| k.split('.').next()).collect();
        sections.dedup();
        format!("the sections are {}", sections.join(", "))
    } else {
        format!("[{section}] takes {}", names.join(", "))
    };
    format!("unknown key `{key}` (set in {origin}); {hint}")
}
