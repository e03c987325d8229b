//! Spelling correction for query words the knowledge never uses ("bulying", "groomng",
//! "sextin"). tantivy's fuzzy queries score as a constant, which ranks poorly, so instead a
//! misspelt word is replaced by the closest word of the knowledge's own vocabulary before the
//! normal BM25 query runs. Candidates come from a deletion index (the symmetric-delete method):
//! every vocabulary word is stored under each of its one-character deletions, so a lookup is a
//! handful of hash probes rather than a scan.

use std::collections::HashMap;

/// The knowledge's vocabulary, with a deletion index for fast nearest-word look-up.
#[derive(Debug, Default, Clone)]
pub struct Vocabulary {
    /// word → how many times it occurs.
    freq: HashMap<String, u32>,
    /// deletion variant → words it comes from.
    deletes: HashMap<String, Vec<u32>>,
    words: Vec<String>,
}

/// Shortest word that is ever corrected: short words are too ambiguous ("csc" vs "cse").
pub const MIN_CORRECTABLE: usize = 4;

impl Vocabulary {
    /// Builds the vocabulary from plain (unstemmed, lower-cased) words.
    pub fn build<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut freq: HashMap<String, u32> = HashMap::new();
        for w in words {
            *freq.entry(w.to_string()).or_default() += 1;
        }
        Self::from_counts(freq)
    }

    /// Builds the vocabulary from word counts.
    pub fn from_counts(mut freq: HashMap<String, u32>) -> Self {
        freq.retain(|w, _| w.chars().all(|c| c.is_alphabetic()));
        let mut words: Vec<String> = freq.keys().cloned().collect();
        words.sort();
        let mut deletes: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            if w.chars().count() < MIN_CORRECTABLE - 1 {
                continue;
            }
            deletes.entry(w.clone()).or_default().push(i as u32);
            for d in one_deletions(w) {
                deletes.entry(d).or_default().push(i as u32);
            }
        }
        Self {
            freq,
            deletes,
            words,
        }
    }

    /// True when the knowledge uses `word`.
    pub fn contains(&self, word: &str) -> bool {
        self.freq.contains_key(word)
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The closest known word to `word`, the most frequent among equals; `None` when `word` is
    /// known, too short, not alphabetic, or has no close neighbour. How close is close depends on
    /// length, to avoid turning real words into other real words ("stuff" is not "staff"): up to
    /// 5 letters only a dropped, doubled or swapped letter is corrected; 6 or 7 letters, any one
    /// edit; 8 or more, two.
    pub fn correct(&self, word: &str) -> Option<&str> {
        let len = word.chars().count();
        if len < MIN_CORRECTABLE || self.contains(word) || !word.chars().all(|c| c.is_alphabetic())
        {
            return None;
        }
        let max = if len >= 8 { 2 } else { 1 };
        let mut keys = vec![word.to_string()];
        keys.extend(one_deletions(word));
        let mut best: Option<(usize, u32, &str)> = None;
        for k in &keys {
            let Some(ids) = self.deletes.get(k) else {
                continue;
            };
            for &i in ids {
                let cand = self.words[i as usize].as_str();
                let d = damerau_levenshtein(word, cand);
                if d == 0 || d > max {
                    continue;
                }
                if len <= 5 && cand.chars().count() == len && !is_transposition(word, cand) {
                    // A substitution in a short word is too often another real word.
                    continue;
                }
                if len <= 5 && (cand.starts_with(word) || word.starts_with(cand)) {
                    // Nor is a short word with a letter more or less at its end: that is
                    // another form ("late" is not "later", "snaps" not "snap").
                    continue;
                }
                let f = self.freq[cand];
                let better = match best {
                    None => true,
                    Some((bd, bf, bw)) => d < bd || (d == bd && (f > bf || (f == bf && cand < bw))),
                };
                if better {
                    best = Some((d, f, cand));
                }
            }
        }
        best.map(|(_, _, w)| w)
    }
}

/// True when `b` is `a` with two adjacent letters swapped.
fn is_transposition(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let diff: Vec<usize> = (0..a.len().min(b.len()))
        .filter(|&i| a[i] != b[i])
        .collect();
    a.len() == b.len()
        && diff.len() == 2
        && diff[1] == diff[0] + 1
        && a[diff[0]] == b[diff[1]]
        && a[diff[1]] == b[diff[0]]
}

fn one_deletions(w: &str) -> Vec<String> {
    let chars: Vec<char> = w.chars().collect();
    (0..chars.len())
        .map(|i| {
            chars
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, c)| c)
                .collect()
        })
        .collect()
}

/// Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions).
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_common_typos() {
        let v = Vocabulary::build(
            "bullying bullying grooming sexting extremism referral referral threshold".split(' '),
        );
        assert_eq!(v.correct("bulying"), Some("bullying"));
        assert_eq!(v.correct("groomng"), Some("grooming"));
        assert_eq!(v.correct("sextign"), Some("sexting"));
        assert_eq!(v.correct("refferal"), Some("referral"));
        assert_eq!(v.correct("bullying"), None);
        assert_eq!(v.correct("abc"), None);
        assert_eq!(v.correct("zzzzzzz"), None);
        let v = Vocabulary::build("staff staff lado".split(' '));
        assert_eq!(v.correct("stuff"), None, "substitution in a short word");
        assert_eq!(v.correct("stafff"), Some("staff"));
        let v = Vocabulary::build("later later snap lado".split(' '));
        assert_eq!(v.correct("late"), None, "another word, not a typo");
        assert_eq!(v.correct("snaps"), None, "another form, not a typo");
        assert_eq!(v.correct("ldao"), Some("lado"));
    }

    #[test]
    fn distance() {
        assert_eq!(damerau_levenshtein("ab", "ba"), 1);
        assert_eq!(damerau_levenshtein("kitten", "sitting"), 3);
    }
}
