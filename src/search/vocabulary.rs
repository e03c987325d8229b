//! Practitioner vocabulary from `knowledge/synonyms.toml`, applied to queries: one-way aliases
//! rewrite shorthand ("msgs" → "message"), synonym groups widen a query ("nudes" also searches
//! "sexting" and "youth produced sexual imagery"). tantivy has no synonym filter, so expansion
//! happens here, on the query side, with a lower weight than the words actually typed.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use super::analyzer::terms;
use crate::knowledge::Synonyms;

/// The compiled vocabulary.
#[derive(Clone, Default)]
pub struct Thesaurus {
    /// (from, to) as plain token sequences, longest `from` first.
    aliases: Vec<(Vec<String>, Vec<String>)>,
    /// Each group's terms as stemmed token sequences.
    groups: Vec<Vec<Vec<String>>>,
    /// First stemmed token → (group, term) pairs starting with it.
    starts: HashMap<String, Vec<(usize, usize)>>,
    /// Urgency markers as plain token sequences.
    urgent: Vec<Vec<String>>,
}

impl Thesaurus {
    /// Compiles the vocabulary with the index's analyzers. `stems` is every stemmed term in the
    /// index: an alias only rewrites words the guidance never uses ("msgs"); a word it does use
    /// ("pupils") is kept and the alias works as a synonym instead, so nothing typed is lost.
    pub fn build(
        syn: &Synonyms,
        plain: &mut TextAnalyzer,
        stemmed: &mut TextAnalyzer,
        stems: &HashSet<String>,
    ) -> Self {
        let mut aliases = Vec::new();
        for a in &syn.aliases {
            let to = terms(plain, &a.to);
            for f in &a.from {
                let from = terms(plain, f);
                if !from.is_empty() {
                    aliases.push((from, to.clone()));
                }
            }
        }
        aliases.sort_by_key(|a| std::cmp::Reverse(a.0.len()));
        let urgent = syn
            .urgent
            .iter()
            .map(|u| terms(plain, u))
            .filter(|t| !t.is_empty())
            .collect();
        let mut th = Self {
            aliases,
            groups: Vec::new(),
            starts: HashMap::new(),
            urgent,
        };
        let mut all_groups: Vec<Vec<String>> = syn.groups.iter().map(|g| g.terms.clone()).collect();
        for a in &syn.aliases {
            let mut terms = a.from.clone();
            terms.push(a.to.clone());
            all_groups.push(terms);
        }
        for group in all_groups {
            let gi = th.groups.len();
            let mut seqs: Vec<Vec<String>> = Vec::new();
            for t in &group {
                // Group terms go through the same rewriting as queries, so "dick pics" in a group
                // still matches a query in which "pics" became "image".
                let rewritten = th.rewrite(&terms(plain, t), stemmed, stems);
                let seq: Vec<String> = rewritten
                    .iter()
                    .filter_map(|w| terms(stemmed, w).into_iter().next())
                    .collect();
                if !seq.is_empty() && !seqs.contains(&seq) {
                    th.starts
                        .entry(seq[0].clone())
                        .or_default()
                        .push((gi, seqs.len()));
                    seqs.push(seq);
                }
            }
            th.groups.push(seqs);
        }
        th
    }

    /// True when the stemmed word is, on its own, a term of some group ("ta", "dsl").
    pub fn is_single_term(&self, stem: &str) -> bool {
        self.starts
            .get(stem)
            .is_some_and(|v| v.iter().any(|&(g, t)| self.groups[g][t].len() == 1))
    }

    /// True when the plain query tokens contain an urgency marker.
    pub fn is_urgent(&self, tokens: &[String]) -> bool {
        self.urgent
            .iter()
            .any(|u| tokens.windows(u.len()).any(|w| w == u.as_slice()))
    }

    /// Applies the one-way aliases to plain tokens (longest match wins at each position),
    /// except where every word of the alias's source is a word the guidance itself uses.
    pub fn rewrite(
        &self,
        tokens: &[String],
        stemmed: &mut TextAnalyzer,
        stems: &HashSet<String>,
    ) -> Vec<String> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        'outer: while i < tokens.len() {
            for (from, to) in &self.aliases {
                if tokens[i..].starts_with(from) {
                    let known = from
                        .iter()
                        .all(|w| terms(stemmed, w).first().is_some_and(|s| stems.contains(s)));
                    if known {
                        break;
                    }
                    out.extend(to.iter().cloned());
                    i += from.len();
                    continue 'outer;
                }
            }
            out.push(tokens[i].clone());
            i += 1;
        }
        out
    }

    /// Every synonym-group term found in the stemmed query, longest first at each position, as
    /// [`GroupMatch`]es. A position is covered by at most one match.
    pub fn matches(&self, stemmed: &[String]) -> Vec<GroupMatch> {
        let mut out: Vec<GroupMatch> = Vec::new();
        let mut i = 0;
        while i < stemmed.len() {
            let mut best: Option<(usize, usize)> = None; // (group, len)
            if let Some(cands) = self.starts.get(&stemmed[i]) {
                for &(g, t) in cands {
                    let seq = &self.groups[g][t];
                    if stemmed[i..].starts_with(seq) && best.is_none_or(|(_, l)| seq.len() > l) {
                        best = Some((g, seq.len()));
                    }
                }
            }
            match best {
                Some((g, len)) => {
                    let typed = stemmed[i..i + len].to_vec();
                    // A term may belong to several groups ("indecent images" is both sexting
                    // and child abuse imagery): widen with all of them.
                    let mut others: Vec<Vec<String>> = Vec::new();
                    for (gi, group) in self.groups.iter().enumerate() {
                        if gi != g && !group.contains(&typed) {
                            continue;
                        }
                        for seq in group {
                            if *seq != typed && !others.contains(seq) {
                                others.push(seq.clone());
                            }
                        }
                    }
                    out.push(GroupMatch {
                        start: i,
                        len,
                        typed,
                        others,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The other terms of every group whose term occurs in the stemmed query (flattened
    /// [`Thesaurus::matches`]).
    pub fn expansions(&self, stemmed: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for m in self.matches(stemmed) {
            for seq in m.others {
                if !out.contains(&seq) {
                    out.push(seq);
                }
            }
        }
        out
    }
}

/// One synonym-group term found in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMatch {
    /// Position of its first token in the stemmed query.
    pub start: usize,
    /// Number of tokens.
    pub len: usize,
    /// The tokens as typed (stemmed).
    pub typed: Vec<String>,
    /// The group's other terms (stemmed token sequences).
    pub others: Vec<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Alias, SynonymGroup};
    use crate::search::analyzer::{plain, stemmed};

    #[test]
    fn rewrites_and_expands() {
        let syn = Synonyms {
            groups: vec![SynonymGroup {
                terms: vec![
                    "nudes".into(),
                    "youth produced sexual imagery".into(),
                    "sexting".into(),
                ],
                line: 1,
            }],
            aliases: vec![Alias {
                from: vec!["yr".into(), "y/o".into()],
                to: "year old".into(),
                line: 2,
            }],
            urgent: vec!["right now".into()],
        };
        let stems: HashSet<String> = ["year", "old", "nude", "y", "o"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let th = Thesaurus::build(&syn, &mut plain(), &mut stemmed(), &stems);
        let toks = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        assert_eq!(
            th.rewrite(&toks(&["15", "yr", "nudes"]), &mut stemmed(), &stems),
            vec!["15", "year", "old", "nudes"]
        );
        // A source the guidance itself uses ("y" is known here) is kept, not rewritten.
        assert_eq!(
            th.rewrite(&toks(&["y", "o"]), &mut stemmed(), &stems),
            vec!["y", "o"]
        );
        assert!(th.is_urgent(&toks(&["he", "is", "there", "right", "now"])));
        assert!(!th.is_urgent(&toks(&["right", "away", "now"])));
        let exp = th.expansions(&["nude".to_string()]);
        assert!(exp.contains(&vec!["sext".to_string()]), "{exp:?}");
        assert!(exp.iter().any(|s| s.len() == 4));
        assert!(th.expansions(&["grooming".to_string()]).is_empty());
    }
}
