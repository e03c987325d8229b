//! Search over the knowledge: a tantivy index built in RAM, with query analysis tuned for the
//! short, misspelt, abbreviated questions practitioners type.

pub mod analyzer;
pub mod audience;
pub mod index;
pub mod query;
pub mod snippet;
pub mod spelling;
pub mod vocabulary;

pub use index::{IndexError, IndexedDoc, SearchIndex};
pub use query::{Found, Outcome, Scope};
