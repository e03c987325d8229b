//! What `safeguarding-bot config` prints and the start-up log summarises: the merged
//! configuration key by key, as serde serialises [`Settings`], with the layer that set each value
//! and the secrets redacted.

use std::fmt;

use super::{Settings, DEFAULT_LAYER, ENV_PREFIX, TOKEN_ENV};

/// Every key [`Settings`] has, `section.name`: the built-in defaults as serde serialises them
/// (an unset option is there as null), so there is no second list of keys to keep in step.
pub fn keys() -> Vec<String> {
    let defaults = config::Config::builder()
        .add_source(super::load::defaults_file())
        .build();
    let defaults: Settings = defaults
        .and_then(config::Config::try_deserialize)
        .expect("the built-in config/default.toml loads");
    defaults.entries().into_iter().map(|(key, _)| key).collect()
}

impl Settings {
    /// Each key with its value, redacted (the token, and the credentials in the knowledge and
    /// database URLs); `None` when unset. Sections and keys in the order the structs declare them.
    fn entries(&self) -> Vec<(String, Option<toml::Value>)> {
        let Ok(serde_json::Value::Object(sections)) = serde_json::to_value(self) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (section, table) in sections {
            for (name, value) in table.as_object().into_iter().flatten() {
                let key = format!("{section}.{name}");
                let value = match (key.as_str(), value.as_str()) {
                    ("knowledge.url", Some(url)) => {
                        crate::knowledge::remote::redact_url(url).into()
                    }
                    ("database.url", Some(url)) => crate::triage::redact_database_url(url).into(),
                    _ => value.clone(),
                };
                out.push((key, toml::Value::try_from(value).ok()));
            }
        }
        out
    }

    /// The merged configuration as TOML, every key with the layer that set it and secrets
    /// redacted: what `safeguarding-bot config` prints, so an operator can see what `serve`
    /// would run with without starting it. Unset optional keys appear as comments.
    pub fn render_effective(&self) -> String {
        let o = &self.origins;
        let local = match &o.local_file {
            Some(p) if p.exists() => p.display().to_string(),
            Some(p) => format!("{} (not found)", p.display()),
            None => "(no local file)".into(),
        };
        let token = match o.of("discord.token") {
            TOKEN_ENV => "set",
            _ => "not used",
        };
        let vars = o.keys.values().map(String::as_str);
        let mut vars: Vec<&str> = vars.filter(|v| v.starts_with(ENV_PREFIX)).collect();
        vars.sort();
        vars.dedup();
        let vars = match vars.as_slice() {
            [] => format!("{ENV_PREFIX}__SECTION__KEY variables (none set)"),
            vars => format!("environment: {}", vars.join(", ")),
        };
        let mut out = format!(
            "# safeguarding-bot: effective configuration. Layers, later ones winning:\n#   1. {DEFAULT_LAYER}\n#   2. {local}\n#   3. {TOKEN_ENV} ({token})\n#   4. {vars}\n"
        );
        let mut section = "";
        for (key, value) in &self.entries() {
            let (sec, name) = key.split_once('.').expect("keys are section.name");
            if sec != section {
                out.push_str(&format!("\n[{sec}]\n"));
                section = sec;
            }
            out.push_str(&match value {
                Some(v) => format!("{name} = {v}  # from {}\n", o.of(key)),
                None if key == "discord.token" => {
                    format!("# {name} = (not set): `serve` needs it; set {TOKEN_ENV}\n")
                }
                None => format!("# {name} = (not set)\n"),
            });
        }
        out
    }
}

impl fmt::Display for Settings {
    /// One line for the start-up log: every key and its value, secrets redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (key, value)) in self.entries().iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            match value {
                Some(v) => write!(f, "{sep}{key}={v}")?,
                None => write!(f, "{sep}{key}=unset")?,
            }
        }
        Ok(())
    }
}
