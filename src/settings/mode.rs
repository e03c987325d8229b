//! The settings that choose how Discord reaches the bot: `discord.mode` (a gateway connection,
//! or Discord's HTTP interactions endpoint), the public key that signs every POST in HTTP mode,
//! where that endpoint listens, and which gateway shards one process runs.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::{DiscordSettings, SettingsError};

/// How Discord delivers interactions to this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscordMode {
    /// A gateway websocket (one process, or several splitting the shards): the default.
    #[default]
    Gateway,
    /// Signed POSTs to `discord.listen` (`/interactions`): any number of identical processes
    /// behind a load balancer, sharing a PostgreSQL store.
    Http,
}

/// `discord.shards`: shards `first..=last` of `total`, run by this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    /// The first shard this process runs.
    pub first: u32,
    /// The last shard this process runs (inclusive).
    pub last: u32,
    /// How many shards the bot has in all.
    pub total: u32,
}

impl std::str::FromStr for ShardRange {
    type Err = String;

    /// `"0-3/8"` (shards 0 to 3 of 8) or `"5/8"` (shard 5 alone).
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("discord.shards must look like \"0-3/8\" (shards 0 to 3 of 8) or \"5/8\", not \"{s}\"")
        };
        let (range, total) = s.trim().split_once('/').ok_or_else(bad)?;
        let (first, last) = range.split_once('-').unwrap_or((range, range));
        let num = |t: &str| t.trim().parse::<u32>().map_err(|_| bad());
        let (first, last, total) = (num(first)?, num(last)?, num(total)?);
        if total == 0 || first > last || last >= total {
            return Err(format!(
                "discord.shards \"{s}\": the range must lie within 0..{} and run upwards",
                total.max(1) - 1
            ));
        }
        Ok(ShardRange { first, last, total })
    }
}

/// Reads a public key written as 64 hex digits into its 32 bytes.
pub fn public_key_bytes(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl DiscordSettings {
    /// `discord.shards`, parsed (validated at load, so `None` here means "all shards").
    pub fn shard_range(&self) -> Option<ShardRange> {
        self.shards.as_deref().and_then(|s| s.parse().ok())
    }

    /// `discord.listen` as an address, if it is one.
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.listen.trim().parse().ok()
    }

    /// The public key's bytes, or an error naming the key (for `serve` in `http` mode).
    pub fn require_public_key(&self) -> Result<[u8; 32], SettingsError> {
        let key = self.public_key.as_deref().unwrap_or("").trim();
        if key.is_empty() {
            return Err(SettingsError(
                "discord.public_key is not set: discord.mode = \"http\" needs the application's public key (developer portal, General Information → Public Key), e.g. SAFEGUARDING_BOT__DISCORD__PUBLIC_KEY".into(),
            ));
        }
        public_key_bytes(key).ok_or_else(|| {
            SettingsError(format!(
                "discord.public_key must be the application's public key, 64 hex digits, not {} characters",
                key.len()
            ))
        })
    }

    /// Checks the mode's own keys: a malformed public key, shard range or address is an error
    /// whatever the mode; in `http` mode the key and the address are required.
    pub(super) fn validate_mode(&self) -> Result<(), (&'static str, String)> {
        if let Some(s) = &self.shards {
            s.parse::<ShardRange>().map_err(|e| ("discord.shards", e))?;
        }
        let listen = self.listen.trim();
        if !listen.is_empty() && self.listen_addr().is_none() {
            return Err((
                "discord.listen",
                format!("discord.listen must be an address and port such as \"0.0.0.0:8080\", not \"{listen}\""),
            ));
        }
        let key_set = self
            .public_key
            .as_deref()
            .is_some_and(|k| !k.trim().is_empty());
        if key_set || self.mode == DiscordMode::Http {
            self.require_public_key()
                .map_err(|e| ("discord.public_key", e.0))?;
        }
        if self.mode == DiscordMode::Http && listen.is_empty() {
            return Err((
                "discord.listen",
                "discord.mode = \"http\" needs discord.listen, the address of the interactions endpoint, e.g. \"0.0.0.0:8080\"".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ranges_read_as_written() {
        let r: ShardRange = "0-3/8".parse().unwrap();
        assert_eq!((r.first, r.last, r.total), (0, 3, 8));
        let r: ShardRange = "5/8".parse().unwrap();
        assert_eq!((r.first, r.last, r.total), (5, 5, 8));
        for bad in ["", "3", "4-2/8", "0-8/8", "a-b/c", "0/0", "1-2"] {
            assert!(bad.parse::<ShardRange>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_public_key_is_64_hex_digits() {
        let k = "67c6bd767ca099e79efac9fcce4d2022a63bf7dea780e7f3d813f694c1597089";
        assert_eq!(public_key_bytes(k).unwrap()[0], 0x67);
        assert!(public_key_bytes(&k[..62]).is_none());
        assert!(public_key_bytes(&k.replace('6', "g")).is_none());
    }
}
