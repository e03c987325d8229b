//! What `safeguarding-bot config` prints: the merged configuration, key by key, with the layer
//! that set each value and the secrets redacted.

use super::{keys, Settings, DEFAULT_LAYER, ENV_PREFIX, TOKEN_ENV};

impl Settings {
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
        let token = match o.keys.get("discord.token").map(String::as_str) {
            Some(TOKEN_ENV) => "set",
            _ => "not used",
        };
        let vars = match o.env_vars.as_slice() {
            [] => format!("{ENV_PREFIX}__SECTION__KEY variables (none set)"),
            vars => format!("environment: {}", vars.join(", ")),
        };
        let mut out = format!(
            "# safeguarding-bot: effective configuration. Layers, later ones winning:\n#   1. {DEFAULT_LAYER}\n#   2. {local}\n#   3. {TOKEN_ENV} ({token})\n#   4. {vars}\n"
        );
        let table = toml::Value::try_from(self).unwrap_or(toml::Value::Table(Default::default()));
        let (keys, mut section) = (keys(), "");
        for key in &keys {
            let (sec, name) = key.split_once('.').expect("keys are section.name");
            if sec != section {
                out.push_str(&format!("\n[{sec}]\n"));
                section = sec;
            }
            match table.get(sec).and_then(|t| t.get(name)) {
                Some(toml::Value::String(url)) if key == "knowledge.url" => {
                    let shown = toml::Value::String(crate::knowledge::remote::redact_url(url));
                    out.push_str(&format!("{name} = {shown}  # from {}\n", o.of(key)));
                }
                Some(toml::Value::String(url)) if key == "database.url" => {
                    let shown = toml::Value::String(crate::triage::redact_database_url(url));
                    out.push_str(&format!("{name} = {shown}  # from {}\n", o.of(key)));
                }
                Some(v) => out.push_str(&format!("{name} = {v}  # from {}\n", o.of(key))),
                None if key == "discord.token" => out.push_str(&format!(
                    "# {name} = (not set): `serve` needs it; set {TOKEN_ENV}\n"
                )),
                None => out.push_str(&format!("# {name} = (not set)\n")),
            }
        }
        out
    }
}
