//! A tiny, valid copy of the knowledge for tests that must not depend on the real guidance
//! (which another engineer is still writing): one document, three sections, two contacts.

use std::collections::BTreeMap;
use std::path::Path;

use safeguarding_bot::knowledge::KnowledgeFiles;

/// The fixture's version string, so tests can tell it apart from a changed copy.
pub const VERSION: &str = "test.1";

/// The fixture's files, path → text.
pub fn files_map() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "manifest.toml".into(),
        format!(
            r#"version = "{VERSION}"
last_checked = "2026-11-23"

[[document]]
id = "doc"
title = "Test Guidance"
publisher = "Test Partnership"
date = "2020"
file = "sources/doc.md"
"#
        ),
    );
    m.insert(
        "sources/doc.md".into(),
        r#"# Test Guidance {#doc.top}
Guidance written for the test suite.

## Responding to Concerns {#doc.respond}
If a child or young person is in immediate danger then contact the Police on 999.
If a child is at risk of significant harm refer to the Single Point of Access on 020 8547 5008.

## Indecent Images {#doc.images}
Taking, making or sharing an indecent image of a child is an offence under the Protection of Children Act 1978.
An immediate referral to the police and Children's Social Care should be made if an adult is involved.
"#
        .into(),
    );
    m.insert(
        "contacts.toml".into(),
        r#"[[contact]]
id = "police-999"
name = "Police (emergency)"
phone = "999"
when = "A child is in immediate danger and needs a police response now."
situations = ["immediate danger", "emergency"]
emergency = true
sources = ["doc.respond"]
quote = "If a child or young person is in immediate danger then contact the Police on 999."

[[contact]]
id = "spa"
name = "Single Point of Access (SPA)"
phone = "020 8547 5008"
when = "A child is at risk of significant harm."
situations = ["significant harm", "social care referral"]
sources = ["doc.respond"]
quote = "refer to the Single Point of Access on 020 8547 5008"
"#
        .into(),
    );
    m.insert(
        "thresholds.toml".into(),
        r#"[[threshold]]
id = "images-immediate-referral"
title = "Immediate referral for images involving an adult"
trigger = "An adult is involved in the sharing of indecent images."
response = "Refer to the police and Children's Social Care now."
timeframe = "Immediately"
contacts = ["spa"]
sources = ["doc.images"]
quote = "An immediate referral to the police and Children's Social Care should be made if an adult is involved."
"#
        .into(),
    );
    m.insert(
        "offences.toml".into(),
        r#"[[offence]]
id = "poca-1978-s1"
act = "Protection of Children Act 1978"
section = "s.1"
title = "Indecent photographs of children"
covers = "Taking, making or sharing an indecent image of a child."
status = "current"
sources = ["doc.images"]
quote = "Taking, making or sharing an indecent image of a child is an offence under the Protection of Children Act 1978."
"#
        .into(),
    );
    m.insert("notes.toml".into(), "# no notes\n".into());
    m.insert(
        "synonyms.toml".into(),
        "[[group]]\nterms = [\"nudes\", \"indecent image\"]\n".into(),
    );
    m
}

/// The fixture as [`KnowledgeFiles`].
#[allow(dead_code)]
pub fn files() -> KnowledgeFiles {
    KnowledgeFiles::from_map(files_map(), "test fixture")
}

/// Writes the fixture into `dir` (which must exist).
#[allow(dead_code)]
pub fn write_to(dir: &Path) {
    for (path, text) in files_map() {
        let p = dir.join(&path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}
