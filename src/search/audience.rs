//! Who a record is for, or who is asking: professionals, parents. Read from a record's title
//! when the index is built and from the question when it is searched, so a parent's question
//! does not put the professionals' helpline first (and the reverse).

/// Words naming who a record is for or who is asking, by audience (one bit each).
const AUDIENCE_WORDS: &[(u8, &[&str])] = &[
    (
        1,
        &[
            "professional",
            "professionals",
            "practitioner",
            "practitioners",
            "staff",
            "teacher",
            "teachers",
            "school",
            "schools",
            "colleague",
            "colleagues",
            "worker",
            "workers",
        ],
    ),
    (
        2,
        &[
            "parent",
            "parents",
            "parenting",
            "mum",
            "mums",
            "dad",
            "dads",
            "mother",
            "father",
            "family",
            "families",
        ],
    ),
];

/// The audiences (bits of [`AUDIENCE_WORDS`]) that plain tokens name.
pub fn audiences(tokens: &[String]) -> u8 {
    AUDIENCE_WORDS
        .iter()
        .filter(|(_, words)| tokens.iter().any(|t| words.contains(&t.as_str())))
        .fold(0, |acc, (bit, _)| acc | bit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn audiences_are_named_by_their_words() {
        assert_eq!(audiences(&words("helpline parents can call")), 2);
        assert_eq!(audiences(&words("professionals online safety helpline")), 1);
        assert_eq!(audiences(&words("staff bullied by parents")), 3);
        assert_eq!(audiences(&words("nspcc")), 0);
    }
}
