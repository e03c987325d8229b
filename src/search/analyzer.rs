//! Text analysis shared by indexing and querying: how raw text becomes terms. Two analyzers:
//! `stemmed` (for BM25 matching, so "referrals" finds "referral") and `plain` (lower-cased,
//! unstemmed, for spelling correction and phrases of synonyms).

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name under which the stemmed analyzer is registered in the index.
pub const STEMMED: &str = "sg_stemmed";
/// Name under which the plain analyzer is registered in the index.
pub const PLAIN: &str = "sg_plain";

/// Longest query (in characters) that is searched; the rest is ignored, so a pasted essay
/// cannot slow the bot down for everybody.
pub const MAX_QUERY_CHARS: usize = 400;

/// Builds the stemmed analyzer.
pub fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(IrregularPlurals)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Irregular plurals the English stemmer leaves alone, mapped to their singular before
/// stemming, so "kids" (→ child) finds "children" and "young person" finds "young people" —
/// the guidance's commonest nouns.
const IRREGULAR_PLURALS: &[(&str, &str)] = &[
    ("children", "child"),
    ("childrens", "child"),
    ("people", "person"),
    ("peoples", "person"),
    ("men", "man"),
    ("women", "woman"),
];

/// Token filter applying [`IRREGULAR_PLURALS`] (to lower-cased tokens).
#[derive(Clone, Copy)]
struct IrregularPlurals;

impl TokenFilter for IrregularPlurals {
    type Tokenizer<T: Tokenizer> = IrregularPluralsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        IrregularPluralsFilter(tokenizer)
    }
}

#[derive(Clone)]
struct IrregularPluralsFilter<T>(T);

impl<T: Tokenizer> Tokenizer for IrregularPluralsFilter<T> {
    type TokenStream<'a> = IrregularPluralsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IrregularPluralsStream(self.0.token_stream(text))
    }
}

struct IrregularPluralsStream<T>(T);

impl<T: TokenStream> TokenStream for IrregularPluralsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let token = self.0.token_mut();
        if let Some((_, singular)) = IRREGULAR_PLURALS.iter().find(|(p, _)| *p == token.text) {
            token.text.clear();
            token.text.push_str(singular);
        }
        true
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Builds the plain analyzer.
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Runs `analyzer` over `text` and returns the terms in order.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Words that carry no meaning in a practitioner's question. Removed from queries (never from
/// the index) unless nothing else is left.
#[rustfmt::skip]
pub const STOPWORDS: &[&str] = &[
    "a", "about", "after", "also", "am", "an", "and", "any", "anything", "are", "as", "asap",
    "at", "be", "been", "being", "bit", "but", "by", "call", "called", "can", "case", "could",
    "d", "did", "do", "does", "doing", "done", "everything", "for", "from", "get", "gets",
    "getting", "go", "going", "got", "guy", "had", "happen", "happened", "happens", "has",
    "have", "he", "hello", "help", "her", "herself", "hi", "him", "himself", "his", "how", "i",
    "i'm", "if", "im", "in", "into", "is", "it", "it's", "its", "just", "keep", "keeps", "kept",
    "kind", "know", "let", "like", "ll", "lot", "lots", "m", "me", "might", "must", "my",
    "myself", "need", "needs", "now", "of", "ok", "okay", "on", "one", "ones", "or", "our",
    "out", "please", "quick", "quickly", "re", "really", "regarding", "ring", "s", "said",
    "say", "says", "shall", "she", "should", "situation", "so", "some", "someone",
    "something", "sort", "stuff", "t", "tell", "than", "thank", "thanks", "that", "the",
    "their", "them", "themselves", "then", "there", "these", "they", "thing", "things",
    "think", "this", "those", "to", "told", "u", "up", "ur", "urgently", "us", "ve", "very",
    "want", "wants", "was", "wat", "we", "were", "what", "whats", "when", "where", "whether",
    "which", "who", "whom", "why", "will", "with", "wot", "would", "you", "your", "yourself",
];

/// Fillers that are not in [`STOPWORDS`] as typed but whose other forms are ("thinks",
/// "telling", "actually"): compared by stem, so every inflection of a filler is a filler.
#[rustfmt::skip]
const MORE_FILLERS: &[&str] = &[
    "actually", "basically", "literally", "probably", "maybe", "perhaps", "anyway", "honestly",
    "wondering", "wonder", "unsure", "sure", "here", "all", "more", "most", "unless", "every",
    "each", "even", "still", "already", "again", "because", "while", "though", "although",
    "etc", "yeah", "yes", "hey",
];

/// True for a stopword.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// True for a stopword or any word with a stopword's stem ("thinks", "telling", "needs").
pub fn is_filler(word: &str, stem: &str) -> bool {
    static STEMS: OnceLock<HashSet<String>> = OnceLock::new();
    is_stopword(word)
        || STEMS
            .get_or_init(|| {
                let mut a = stemmed();
                STOPWORDS
                    .iter()
                    .chain(MORE_FILLERS)
                    .flat_map(|w| terms(&mut a, w))
                    .filter(|s| s.len() > 1)
                    .collect()
            })
            .contains(stem)
}

/// Cleans a raw query: drops control characters, collapses whitespace, and cuts it to
/// [`MAX_QUERY_CHARS`]. Never fails; an empty result means there was nothing to search.
pub fn clean_query(raw: &str) -> String {
    let cut: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || is_invisible_format(c) {
                ' '
            } else {
                c
            }
        })
        .take(MAX_QUERY_CHARS)
        .collect();
    cut.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Bidirectional overrides and zero-width characters: invisible, and able to make echoed text
/// display misleadingly, so they are dropped like control characters.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_folds() {
        let mut a = stemmed();
        assert_eq!(
            terms(&mut a, "Referrals CAFÉ bullying"),
            vec!["referr", "cafe", "bulli"]
        );
        assert_eq!(
            terms(&mut a, "children young people kids"),
            vec!["child", "young", "person", "kid"]
        );
    }

    #[test]
    fn cleaning_removes_controls_and_limits_length() {
        assert_eq!(clean_query("a\u{0}b\n\tc"), "a b c");
        assert_eq!(clean_query(&"x".repeat(10_000)).len(), MAX_QUERY_CHARS);
        assert_eq!(clean_query("   "), "");
        assert_eq!(clean_query("\u{202e}lado\u{200b}"), "lado");
    }
}
