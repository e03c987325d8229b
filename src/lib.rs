//! safeguarding-bot: the Kingston and Richmond Safeguarding Children Partnership's
//! online-safeguarding guidance, served to practitioners as search, who-to-call, thresholds,
//! offences and a guided triage.
//!
//! The core ([`knowledge`], [`search`], [`commands`], [`reply`]) knows nothing of any transport;
//! the console and the Discord adapter render the same [`reply::Reply`].

pub mod clock;
pub mod commands;
pub mod console;
pub mod discord;
pub mod eval;
pub mod knowledge;
pub mod logging;
pub mod reload;
pub mod reply;
pub mod search;
pub mod settings;
pub mod situation;
pub mod snapshot;
pub mod text;
pub mod triage;
