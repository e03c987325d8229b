//! Reading a situation from free text (`triage-spec.md`, "Reading a situation from free text").
//!
//! Practitioners rarely start `/triage`: they type the situation into `/whocall`, `/threshold`
//! or `/search`. This module reads from those words what they say about the triage tree's
//! questions ([`read`]), walks **the same tree with the same engine** as the dialogue
//! ([`decide`]), and puts what the tree decides at the head of the reply ([`lead`]), so the
//! first line says what the guidance says to do for this case, and the free-text answer and
//! `/triage` can never disagree. Search results follow as reading.
//!
//! - [`words`]: the text as words, and the phrase language of the signals;
//! - [`signals`]: `knowledge/situations.toml` (words, age rules, family rule, leads), checked
//!   against the tree on every load, so `/reload` picks up a partnership's own words;
//! - [`read`], [`ages`] and [`reading`]: the answers a text gives, each with the words it came
//!   from;
//! - [`decide`]: every outcome still reachable, most urgent first;
//! - [`understand`]: the two together, or `None` for a text that is not a situation;
//! - [`lead`]: the lead line, "I read: …", and the offer to confirm in `/triage`.
//!
//! Grading against a case file is `eval::situations`.
//!
//! Nothing read is stored or logged: the reading lives only in the reply.

#![warn(missing_docs)]

pub mod ages;
pub mod decide;
pub mod lead;
pub mod read;
pub mod reading;
pub mod signals;
pub mod understand;
pub mod words;

pub use decide::{decide, Decision};
pub use lead::{put_first, Voice};
pub use read::read;
pub use reading::Reading;
pub use signals::{Signals, SITUATIONS_FILE};
pub use understand::{understand, Situation};
