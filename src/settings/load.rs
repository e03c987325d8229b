//! Reading the layers — the built-in defaults, the local file, `DISCORD_TOKEN`, the
//! `SAFEGUARDING_BOT__*` variables — into [`Settings`], each key stamped with the layer that set
//! it, and the checks the types alone cannot make.

use std::collections::HashMap;
use std::path::Path;

use config::{Config, ConfigError, Environment, File, FileFormat, Map, Source, Value, ValueKind};

use super::{
    keys, Origins, Settings, SettingsError, ARCHIVE_MINUTES, DEFAULT_LAYER, DEFAULT_TOML,
    ENV_PREFIX, TOKEN_ENV,
};

impl Settings {
    /// Loads from the defaults, an optional local file and the given environment (passed in so
    /// tests need not change the process environment). Every error names the key and the layer
    /// that set it.
    pub fn load_from(
        local: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        // The layers, later ones winning, each with its name in messages and `config` output
        // (`None`: the environment, where each key is named by its own variable).
        type Layer = (Option<String>, Box<dyn Source + Send + Sync>);
        let toml = FileFormat::Toml;
        let mut layers: Vec<Layer> = vec![(
            Some(DEFAULT_LAYER.into()),
            Box::new(File::from_str(DEFAULT_TOML, toml)),
        )];
        if let Some(local) = local {
            let file = File::from(local).format(toml).required(false);
            layers.push((Some(local.display().to_string()), Box::new(file)));
        }
        // `DISCORD_TOKEN` alone, read as `discord` `_` `token`.
        let token_var = env
            .get_key_value(TOKEN_ENV)
            .map(|(k, v)| (k.clone(), v.clone()));
        let token_var = Environment::default()
            .separator("_")
            .ignore_empty(true)
            .source(Some(token_var.into_iter().collect()));
        layers.push((Some(TOKEN_ENV.into()), Box::new(token_var)));
        let vars = Environment::with_prefix(ENV_PREFIX)
            .prefix_separator("__")
            .separator("__")
            .ignore_empty(true)
            .source(Some(env.clone()));
        layers.push((None, Box::new(vars)));

        // Each layer's keys, to name the layer of every merged key and to refuse unknown keys
        // (serde would refuse them too, but not say where they were set).
        let known = keys();
        let mut origins = Origins {
            local_file: local.map(Path::to_path_buf),
            ..Origins::default()
        };
        for (name, layer) in &layers {
            let values = layer.collect().map_err(|e| match (e, name) {
                (ConfigError::FileParse { cause, .. }, Some(name)) => {
                    SettingsError(format!("{name} is not valid TOML: {cause}"))
                }
                (e, _) => SettingsError(e.to_string()),
            })?;
            let mut set = Vec::new();
            leaves(&values, "", &mut set);
            set.sort();
            for key in set {
                let origin = name.clone().unwrap_or_else(|| env_var(&key));
                let section = known
                    .iter()
                    .any(|k| k.split('.').next() == Some(key.as_str()));
                if !section && !known.contains(&key) {
                    return Err(SettingsError(unknown_key(&key, &origin, &known)));
                }
                if name.is_none() {
                    origins.env_vars.push(origin.clone());
                }
                origins.keys.insert(key, origin);
            }
        }
        origins.env_vars.sort();

        let config = Config::builder()
            .add_source(layers.into_iter().map(|(_, l)| l).collect::<Vec<_>>())
            .build()
            .map_err(|e| SettingsError(e.to_string()))?;
        let token = config.get_string("discord.token").ok();
        let scrub = |msg: String| match &token {
            Some(t) if !t.is_empty() => msg.replace(t.as_str(), "[redacted]"),
            _ => msg,
        };
        let mut settings: Settings = config
            .try_deserialize()
            .map_err(|e| SettingsError(scrub(explain(e, &origins))))?;
        settings
            .validate()
            .map_err(|(key, msg)| match origins.keys.get(key) {
                Some(layer) => SettingsError(scrub(format!("{msg} (set in {layer})"))),
                None => SettingsError(scrub(msg)),
            })?;
        settings.origins = origins;
        Ok(settings)
    }

    /// Checks values the types alone cannot; an error names the key it is about.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        let (d, filter, listen) = (&self.discord, &self.log.filter, self.health.listen.trim());
        d.validate_mode()?;
        let minutes = d.thread_auto_archive_minutes;
        ensure(
            ARCHIVE_MINUTES.contains(&minutes),
            "discord.thread_auto_archive_minutes",
            || {
                format!("discord.thread_auto_archive_minutes is {minutes}; Discord accepts only 60, 1440, 4320 or 10080")
            },
        )?;
        ensure(
            d.token
                .as_ref()
                .is_none_or(|t| !t.expose().trim().is_empty()),
            "discord.token",
            || "discord.token is empty: set DISCORD_TOKEN to the bot token".into(),
        )?;
        for (key, url) in [
            ("discord.api_base", &d.api_base),
            ("knowledge.url", &self.knowledge.url),
        ] {
            if let Some(url) = url {
                ensure(
                    url.starts_with("http://") || url.starts_with("https://"),
                    key,
                    || format!("{key} must start with http:// or https://, not \"{url}\""),
                )?;
            }
        }
        let db = &self.database.url;
        ensure(
            crate::triage::backend_of(db).is_some(),
            "database.url",
            || {
                format!(
                    "database.url must be an SQLite URL such as \"sqlite://data/safeguarding-bot.db?mode=rwc\" or a PostgreSQL URL such as \"postgres://bot@db.example/safeguarding\", not \"{}\"",
                    crate::triage::redact_database_url(db)
                )
            },
        )?;
        for (key, days) in [
            ("triage.session_ttl_days", self.triage.session_ttl_days),
            (
                "triage.audit_retention_days",
                self.triage.audit_retention_days,
            ),
        ] {
            ensure(days > 0, key, || format!("{key} must be at least 1"))?;
        }
        ensure(
            !self.audit.reload_log.as_os_str().is_empty(),
            "audit.reload_log",
            || "audit.reload_log must name a file, e.g. \"data/reload-audit.jsonl\"".into(),
        )?;
        if let Err(e) = tracing_subscriber::EnvFilter::builder().parse(filter) {
            return Err((
                "log.filter",
                format!(
                    "log.filter \"{filter}\" is not a filter such as \"info,serenity=warn\": {e}"
                ),
            ));
        }
        ensure(
            listen.is_empty() || self.health.addr().is_some(),
            "health.listen",
            || {
                format!("health.listen must be an address and port such as \"127.0.0.1:8080\" (or empty for no endpoint), not \"{listen}\"")
            },
        )
    }
}

/// `Err((key, message))` unless `ok`.
fn ensure(
    ok: bool,
    key: &'static str,
    message: impl FnOnce() -> String,
) -> Result<(), (&'static str, String)> {
    if ok {
        Ok(())
    } else {
        Err((key, message()))
    }
}

/// The variable that sets `key`: `log.format` ← `SAFEGUARDING_BOT__LOG__FORMAT`.
fn env_var(key: &str) -> String {
    format!("{ENV_PREFIX}__{}", key.replace('.', "__").to_uppercase())
}

/// Collects the dotted keys a layer sets (arrays and empty tables count as leaves).
fn leaves(map: &Map<String, Value>, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match &v.kind {
            ValueKind::Table(t) if !t.is_empty() => leaves(t, &key, out),
            _ => out.push(key),
        }
    }
}

/// The message for a key nobody reads, naming where it was set and the keys its section takes.
fn unknown_key(key: &str, origin: &str, known: &[String]) -> String {
    let section = key.split_once('.').map_or(key, |(s, _)| s);
    let names: Vec<&str> = known
        .iter()
        .filter_map(|k| k.strip_prefix(section)?.strip_prefix('.'))
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

/// A deserialisation error, told in the layer that set the key it carries.
fn explain(mut e: ConfigError, origins: &Origins) -> String {
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
    e.to_string()
}
