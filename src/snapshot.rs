//! The live knowledge: one immutable [`Snapshot`] (knowledge + index) behind an `ArcSwap`. A
//! reload builds and validates a whole new snapshot first and swaps it in only when it is
//! complete, so queries in flight finish on the old one and a broken reload changes nothing.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::knowledge::{Counts, Knowledge, KnowledgeError, KnowledgeErrors, KnowledgeFiles};
use crate::search::SearchIndex;

/// Everything one answer needs, consistent with itself.
pub struct Snapshot {
    /// The validated knowledge.
    pub knowledge: Knowledge,
    /// Its search index.
    pub index: SearchIndex,
    /// The `/triage` decision tree, validated against this knowledge.
    pub triage: crate::triage::Tree,
    /// The words the free-text commands read a situation with, validated against the tree.
    pub situations: crate::situation::Signals,
}

impl Snapshot {
    /// Loads, validates and indexes a copy of the knowledge.
    pub fn build(files: &KnowledgeFiles) -> Result<Snapshot, KnowledgeErrors> {
        let knowledge = Knowledge::load(files)?;
        Self::from_knowledge(knowledge)
    }

    /// Indexes an already validated copy and loads its triage tree.
    pub fn from_knowledge(knowledge: Knowledge) -> Result<Snapshot, KnowledgeErrors> {
        let triage = crate::triage::Tree::load(&knowledge)?;
        let situations = crate::situation::Signals::load(&knowledge, &triage)?;
        let index = SearchIndex::build(&knowledge)
            .map_err(|e| KnowledgeErrors(vec![KnowledgeError::new("(index)", 0, e.to_string())]))?;
        Ok(Snapshot {
            knowledge,
            index,
            triage,
            situations,
        })
    }

    /// The copy embedded in the binary.
    pub fn embedded() -> Result<Snapshot, KnowledgeErrors> {
        Self::build(&KnowledgeFiles::embedded())
    }
}

/// What a successful reload changed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReloadReport {
    /// Version before.
    pub old_version: String,
    /// Version after.
    pub new_version: String,
    /// Hash before.
    pub old_hash: String,
    /// Hash after.
    pub new_hash: String,
    /// Counts before.
    pub old_counts: Counts,
    /// Counts after.
    pub new_counts: Counts,
    /// Where the new copy came from.
    pub origin: String,
}

impl ReloadReport {
    /// True when the new copy is byte-for-byte the old one.
    pub fn unchanged(&self) -> bool {
        self.old_hash == self.new_hash
    }
}

/// The snapshot currently served; cheap to read from many tasks at once.
pub struct Live {
    current: ArcSwap<Snapshot>,
}

impl Live {
    /// Starts serving `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: ArcSwap::from_pointee(snapshot),
        }
    }

    /// The snapshot to answer one request from. Hold the `Arc` for the whole request so the
    /// answer comes from one consistent copy even if a reload happens meanwhile.
    pub fn current(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Builds a new snapshot from `files` and swaps it in; on any error the old one stays live.
    pub fn reload(&self, files: &KnowledgeFiles) -> Result<ReloadReport, KnowledgeErrors> {
        let new = Snapshot::build(files)?;
        Ok(self.swap(new, files.origin()))
    }

    /// Swaps in an already built snapshot.
    pub fn swap(&self, new: Snapshot, origin: &str) -> ReloadReport {
        let old = self.current();
        let report = ReloadReport {
            old_version: old.knowledge.manifest.version.clone(),
            new_version: new.knowledge.manifest.version.clone(),
            old_hash: old.knowledge.hash.clone(),
            new_hash: new.knowledge.hash.clone(),
            old_counts: old.knowledge.counts(),
            new_counts: new.knowledge.counts(),
            origin: origin.to_string(),
        };
        self.current.store(Arc::new(new));
        report
    }
}

impl crate::triage::Guidance for Snapshot {
    fn knowledge(&self) -> &crate::knowledge::Knowledge {
        &self.knowledge
    }

    fn tree(&self) -> &crate::triage::Tree {
        &self.triage
    }
}
