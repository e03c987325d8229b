//! Log set-up for every subcommand. `serve` logs what it does as structured events — one
//! `interaction` span per command, autocomplete or button (kind, command, ids, `latency_ms`,
//! `outcome`; see [`crate::discord::instrument`]) — as text or JSON lines (`log.format`), filtered
//! by `log.filter` or `RUST_LOG`. One-shot commands (`ask`, `check`, …) log warnings only.
//!
//! What users type is never logged by this crate. The token cannot be logged by mistake either:
//! every line passes through [`Redacting`], which replaces the configured secrets (as text, and
//! as the hex and decimal-byte dumps libraries print) before the line is written, whichever
//! crate produced it. And whatever the filter says, tungstenite's `trace` events are dropped
//! ([`is_frame_dump`]): they dump every websocket frame, including the gateway IDENTIFY that
//! carries the token and every interaction a user sends.

#![warn(missing_docs)]

use std::io::{self, Write};
use std::path::Path;

use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;
use tracing_subscriber::{EnvFilter, Layer};

use crate::settings::{LogFormat, LogSettings, Settings};

/// The filter of one-shot commands when `RUST_LOG` is not set: they print their results, so
/// logs are for problems only.
pub const ONE_SHOT_FILTER: &str = "warn";

/// Sets up logging for the command line. `serve_config` is the `--config` folder of `serve`,
/// whose `[log]` settings (and token, to redact) apply; `None` for one-shot commands. A
/// configuration that does not load falls back to the defaults here: `serve` reports the error
/// itself a moment later.
pub fn init_for_cli(serve_config: Option<&Path>) {
    match serve_config {
        Some(dir) => match Settings::load(dir) {
            Ok(s) => {
                let secrets = s
                    .discord
                    .token
                    .iter()
                    .map(|t| t.expose().to_string())
                    .collect();
                init(&s.log, secrets);
            }
            Err(_) => init(
                &Settings::defaults().expect("built-in defaults").log,
                Vec::new(),
            ),
        },
        None => init(
            &LogSettings {
                filter: ONE_SHOT_FILTER.into(),
                format: LogFormat::Text,
            },
            Vec::new(),
        ),
    }
}

/// Installs the global subscriber: `RUST_LOG` if set (and valid), else `settings.filter`;
/// text or JSON lines on standard error, with `secrets` redacted from every line. Does nothing
/// if a subscriber is already installed (tests).
pub fn init(settings: &LogSettings, secrets: Vec<String>) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (filter, bad_env) = match from_env.as_deref().map(EnvFilter::try_new) {
        Some(Ok(f)) => (f, None),
        Some(Err(e)) => (
            EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info")),
            Some(e),
        ),
        None => (
            EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info")),
            None,
        ),
    };
    let writer = Redacting::new(secrets);
    let output = match settings.format {
        LogFormat::Text => tracing_subscriber::fmt::layer().with_writer(writer).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer)
            .boxed(),
    };
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(filter_fn(|m| !is_frame_dump(m)))
        .with(output)
        .try_init();
    if let (Ok(()), Some(e)) = (installed, bad_env) {
        tracing::warn!(error = %e, "RUST_LOG is not a valid filter; using log.filter");
    }
}

/// True for events that dump raw websocket frames (tungstenite at `trace`): the IDENTIFY frame
/// holds the token and dispatches hold what users typed, so they are never written.
pub fn is_frame_dump(meta: &tracing::Metadata<'_>) -> bool {
    *meta.level() == tracing::Level::TRACE
        && (meta.target().starts_with("tungstenite")
            || meta.target().starts_with("tokio_tungstenite"))
}

/// A log writer to standard error that replaces each secret with `[redacted]` in every line.
/// The formatter hands over one whole event per write, so a secret is never split across two
/// writes.
#[derive(Debug, Clone, Default)]
pub struct Redacting {
    secrets: Vec<String>,
}

impl Redacting {
    /// Redacts `secrets` (empty ones are ignored), as written and in the encodings libraries use
    /// when they dump bytes: lower- and upper-case hex, and `Debug` of a byte slice
    /// (`[77, 84, 73, …]`).
    pub fn new(secrets: Vec<String>) -> Self {
        let mut forms = Vec::new();
        for s in secrets.into_iter().filter(|s| !s.is_empty()) {
            let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            forms.push(hex.to_uppercase());
            forms.push(hex);
            forms.push(
                s.bytes()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            forms.push(s);
        }
        Self { secrets: forms }
    }

    /// `line` with every secret replaced.
    pub fn redact<'a>(&self, line: &'a str) -> std::borrow::Cow<'a, str> {
        let mut out = std::borrow::Cow::Borrowed(line);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = std::borrow::Cow::Owned(out.replace(s.as_str(), "[redacted]"));
            }
        }
        out
    }
}

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = RedactingWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter { redact: self }
    }
}

/// The writer [`Redacting`] hands out for one event.
#[derive(Debug)]
pub struct RedactingWriter<'a> {
    redact: &'a Redacting,
}

impl Write for RedactingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut err = io::stderr().lock();
        if self.redact.secrets.is_empty() {
            err.write_all(buf)?;
        } else {
            let text = String::from_utf8_lossy(buf);
            err.write_all(self.redact.redact(&text).as_bytes())?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_wherever_they_appear() {
        let r = Redacting::new(vec!["abc.def".into(), String::new()]);
        assert_eq!(
            r.redact("Bot abc.def and abc.def!"),
            "Bot [redacted] and [redacted]!"
        );
        assert_eq!(r.redact("nothing here"), "nothing here");
        assert!(matches!(
            r.redact("nothing here"),
            std::borrow::Cow::Borrowed(_)
        ));
        // How tungstenite and hyper print bytes.
        assert_eq!(
            r.redact("payload: [34, 97, 98, 99, 46, 100, 101, 102, 34]"),
            "payload: [34, [redacted], 34]"
        );
        assert_eq!(r.redact("0x226162632e64656622"), "0x22[redacted]22");
        assert_eq!(r.redact("0x226162632E64656622"), "0x22[redacted]22");
    }
}
