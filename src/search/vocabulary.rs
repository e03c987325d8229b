//! Practitioner vocabulary from `knowledge/synonyms.toml`, applied to queries: one-way aliases
//! rewrite shorthand ("msgs" → "message"), synonym groups widen a query ("nudes" also searches
//! "sexting" and "youth produced sexual imagery"). tantivy has no synonym filter, so expansion
//! happens here, on the query side, with a lower weight than the words actually typed.

use std::collections::HashMap;

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
}

impl Thesaurus {
    /// Compiles the vocabulary with the index's analyzers.
    pub fn build(syn: &Synonyms, plain: &mut TextAnalyzer, stemmed: &mut TextAnalyzer) -> Self {
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
        let mut groups = Vec::new();
        let mut starts: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for g in &syn.groups {
            let gi = groups.len();
            let mut seqs: Vec<Vec<String>> = Vec::new();
            for t in &g.terms {
                let seq = terms(stemmed, t);
                if !seq.is_empty() && !seqs.contains(&seq) {
                    starts
                        .entry(seq[0].clone())
                        .or_default()
                        .push((gi, seqs.len()));
                    seqs.push(seq);
                }
            }
            groups.push(seqs);
        }
        Self {
            aliases,
            groups,
            starts,
        }
    }

    /// Applies the one-way aliases to plain tokens (longest match wins at each position).
    pub fn rewrite(&self, tokens: &[String]) -> Vec<String> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        'outer: while i < tokens.len() {
            for (from, to) in &self.aliases {
                if tokens[i..].starts_with(from) {
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

    /// The other terms of every group whose term occurs in the stemmed query, as stemmed token
    /// sequences, without duplicates and without sequences the query already contains.
    pub fn expansions(&self, stemmed: &[String]) -> Vec<Vec<String>> {
        let mut matched: Vec<usize> = Vec::new();
        for i in 0..stemmed.len() {
            if let Some(cands) = self.starts.get(&stemmed[i]) {
                for &(g, t) in cands {
                    if stemmed[i..].starts_with(&self.groups[g][t]) && !matched.contains(&g) {
                        matched.push(g);
                    }
                }
            }
        }
        let mut out: Vec<Vec<String>> = Vec::new();
        for g in matched {
            for seq in &self.groups[g] {
                let present = stemmed.windows(seq.len()).any(|w| w == seq.as_slice());
                if !present && !out.contains(seq) {
                    out.push(seq.clone());
                }
            }
        }
        out
    }
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
        };
        let th = Thesaurus::build(&syn, &mut plain(), &mut stemmed());
        let toks: Vec<String> = ["15", "y", "o", "nudes"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(th.rewrite(&toks), vec!["15", "year", "old", "nudes"]);
        let exp = th.expansions(&["nude".to_string()]);
        assert!(exp.contains(&vec!["sext".to_string()]), "{exp:?}");
        assert!(exp.iter().any(|s| s.len() == 4));
        assert!(th.expansions(&["grooming".to_string()]).is_empty());
    }
}
