//! The law as it is now: an offence the guidance names that has been repealed, partly repealed,
//! amended or never existed as stated says so first, names the law that replaced it, and lists
//! that law before it; where the guidance misstates the law its words stay as a quote and our
//! own text states the law; and a knowledge copy whose status lacks its data is rejected with the
//! file and line.

mod support;

use safeguarding_bot::commands::offence;
use safeguarding_bot::knowledge::{Knowledge, KnowledgeFiles, Offence, OffenceStatus};
use safeguarding_bot::reply::{Hit, Reply};

fn knowledge() -> &'static Knowledge {
    &support::snapshot().knowledge
}

fn record(id: &str) -> &'static Offence {
    knowledge()
        .offence(id)
        .unwrap_or_else(|| panic!("offence `{id}` is in offences.toml"))
}

fn ask(query: &str) -> Reply {
    offence::run(support::snapshot(), query)
}

fn ids(r: &Reply) -> Vec<&str> {
    r.results.iter().map(|h| h.id.as_str()).collect()
}

fn position(r: &Reply, id: &str) -> usize {
    r.results
        .iter()
        .position(|h| h.id == id)
        .unwrap_or_else(|| panic!("`{id}` not among {:?} for {:?}", ids(r), r.query))
}

fn hit<'r>(r: &'r Reply, id: &str) -> &'r Hit {
    &r.results[position(r, id)]
}

fn field<'h>(h: &'h Hit, name: &str) -> &'h str {
    h.fields
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("`{}` has no {name} field: {:?}", h.id, h.fields))
}

/// Everything a hit shows as our own words about the offence (fields and the lead line), as
/// opposed to the guidance's quote and the marked currency notes.
fn shown(h: &Hit) -> String {
    h.fields
        .iter()
        .map(|f| format!("{}: {}", f.name, f.value))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_no_duplicates(r: &Reply) {
    let mut seen = std::collections::HashSet::new();
    for id in ids(r) {
        assert!(seen.insert(id), "`{id}` listed twice: {:?}", ids(r));
    }
}

#[test]
fn no_repealed_or_misstated_law_is_shown_as_current() {
    // (query a practitioner might type, offence it finds, the status's opening words)
    let cases = [
        (
            "telecommunications act offensive message",
            "telecommunications-act-1984-offensive-message",
            "Repealed and replaced — now: ",
        ),
        (
            "telecommunications act 1984 false message annoyance",
            "telecommunications-act-1984-false-message",
            "Repealed and replaced — now: ",
        ),
        (
            "regulation of investigatory powers act intercept communication",
            "regulation-of-investigatory-powers-act-2000",
            "Repealed and replaced — now: ",
        ),
        (
            "facilitating child sexual exploitation",
            "osa-facilitating-child-sexual-exploitation",
            "Never existed as stated — the law is: ",
        ),
        (
            "revenge porn disclosing private sexual photographs",
            "cjca-2015-s33",
            "Repealed and replaced — now: ",
        ),
        (
            "data protection act 1998",
            "data-protection-act-1998",
            "Repealed and replaced — now: ",
        ),
    ];
    for (query, id, opening) in cases {
        let o = record(id);
        assert_ne!(o.status, OffenceStatus::Current, "{id}");
        let successors: Vec<&Offence> = o.successors().map(|s| record(s)).collect();
        assert!(!successors.is_empty(), "{id} names no replacement");

        let r = ask(query);
        let h = hit(&r, id);
        // The status is the first thing shown about the offence, in plain words.
        assert_eq!(h.fields[0].name, "Status", "{id}: {:?}", h.fields);
        let status = field(h, "Status");
        assert!(status.starts_with(opening), "{id}: {status}");
        for s in &successors {
            assert!(
                status.contains(&s.name()),
                "{id}: status does not name {}: {status}",
                s.name()
            );
            assert!(s.status.in_force(), "{id} → {} is not in force", s.id);
        }
        assert!(
            !shown(h).to_lowercase().contains("current"),
            "{id} is shown as current: {}",
            shown(h)
        );
        assert!(!h.body.to_lowercase().contains("status: current"), "{id}");
        assert!(!h.notes.is_empty(), "{id} has no currency note shown");
        // Where it is the best match, the reply's lead line opens with its status.
        if r.results[0].id == id {
            assert!(r.body.contains(opening), "{id}: {}", r.body);
        }
    }
}

#[test]
fn replacement_is_listed_before_the_repealed_offence() {
    let r = ask("telecommunications act offensive message");
    assert!(
        position(&r, "communications-act-2003-s127")
            < position(&r, "telecommunications-act-1984-offensive-message"),
        "{:?}",
        ids(&r)
    );
    assert_no_duplicates(&r);

    let r = ask("threatening messages");
    position(&r, "osa-2023-s181-threatening-communications");

    // Every repealed-and-replaced or never-existed offence the search finds comes after all the
    // offences that are the law now, whichever words found it.
    for query in [
        "telecommunications act 1984 false message annoyance",
        "regulation of investigatory powers act intercept communication",
        "facilitating child sexual exploitation",
        "online safety bill creating sharing possessing explicit images of children",
        "revenge porn",
        "data protection act 1998",
        "telecommunications act",
    ] {
        let r = ask(query);
        assert_no_duplicates(&r);
        let mut pointing = 0;
        for (i, h) in r.results.iter().enumerate() {
            let Some(o) = knowledge().offence(&h.id) else {
                continue;
            };
            if !o.status.points_elsewhere() {
                continue;
            }
            pointing += 1;
            for s in o.successors() {
                let j = position(&r, s);
                assert!(j < i, "{query}: {s} (#{j}) not before {} (#{i})", o.id);
            }
        }
        assert!(
            pointing > 0,
            "{query}: found no repealed record {:?}",
            ids(&r)
        );
        // The reply leads with the law as it is now.
        let first = knowledge().offence(&r.results[0].id);
        assert!(
            first.is_none_or(|o| !o.status.points_elsewhere()),
            "{query}: {:?}",
            ids(&r)
        );
    }

    let r = ask("facilitating child sexual exploitation");
    let cse = position(&r, "osa-facilitating-child-sexual-exploitation");
    assert!(position(&r, "poca-1978-s1") < cse, "{:?}", ids(&r));
    assert!(position(&r, "cja-1988-s160") < cse, "{:?}", ids(&r));
}

#[test]
fn partly_repealed_offences_name_their_limbs() {
    for (query, id, limbs, replacements) in [
        (
            "malicious communications act threatening letter",
            "malicious-communications-act-1988",
            "s.1(1)(a)(ii)–(iii)",
            &[
                "osa-2023-s181-threatening-communications",
                "osa-2023-s179-false-communications",
            ][..],
        ),
        (
            "communications act 2003 grossly offensive message",
            "communications-act-2003-s127",
            "s.127(2)(a)–(b)",
            &["osa-2023-s179-false-communications"][..],
        ),
    ] {
        let o = record(id);
        assert_eq!(o.status, OffenceStatus::PartlyRepealed, "{id}");
        assert!(
            o.repealed_parts.as_deref().unwrap_or("").contains(limbs),
            "{id}: {:?}",
            o.repealed_parts
        );
        assert_eq!(o.replaced_by, replacements, "{id}");

        let r = ask(query);
        let h = hit(&r, id);
        assert_eq!(h.fields[0].name, "Status", "{id}");
        let status = field(h, "Status");
        assert!(
            status.starts_with(&format!("Partly repealed ({limbs}")),
            "{id}: {status}"
        );
        assert!(
            status.contains("by Online Safety Act 2023 s.189"),
            "{status}"
        );
        for rid in replacements {
            let name = record(rid).name();
            assert!(status.contains(&name), "{id}: {status} lacks {name}");
        }
        assert!(status.contains("the rest remains in force"), "{status}");
        let all = format!("{}\n{}\n{}", shown(h), h.body, h.notes.join("\n"));
        assert!(!all.contains("not repealed"), "{id}: {all}");
        assert!(!all.contains("not been repealed"), "{id}: {all}");
        assert!(
            h.notes
                .iter()
                .any(|n| n.contains("s.189") && n.contains(limbs)),
            "{id}: {:?}",
            h.notes
        );
    }
}

#[test]
fn source_errors_are_quoted_not_restated() {
    let k = knowledge();
    // Sexual communication with a child (SOA 2003 s.15A): the strategy's belief test.
    let s15a = record("serious-crime-act-2015-sexual-communication");
    let wrong = "reasonably believes the child to be under 16";
    assert!(s15a.quote.contains(wrong), "the guidance's words stay");
    assert!(!s15a.covers.contains(wrong), "{}", s15a.covers);
    assert!(
        s15a.covers
            .contains("does not reasonably believe the child is 16 or over"),
        "{}",
        s15a.covers
    );
    assert!(
        k.notes_for(&s15a.id)
            .iter()
            .any(|n| n.now.contains("s.15A(1)(c)") && n.guidance_says.contains(wrong)),
        "no note on the belief test"
    );
    let r = ask("adult sending sexual messages to a child under 16");
    let h = hit(&r, &s15a.id);
    assert!(!shown(h).contains(wrong), "{}", shown(h));
    assert!(
        h.notes.iter().any(|n| n.contains("s.15A(1)(c)")),
        "{:?}",
        h.notes
    );

    // Communications Act 2003 s.127: "no need to prove any intent or purpose".
    let s127 = record("communications-act-2003-s127");
    let wrong = "no need to prove any intent";
    assert!(s127.quote.contains(wrong), "the guidance's words stay");
    for own in [&s127.covers, &s127.title, s127.penalty.as_ref().unwrap()] {
        assert!(!own.to_lowercase().contains(wrong), "{own}");
    }
    assert!(
        k.notes_for(&s127.id)
            .iter()
            .any(|n| n.now.contains("DPP v Collins") && n.guidance_says.contains(wrong)),
        "no note on the mental element"
    );

    // Nowhere in our own text (offences, thresholds, contacts) are either of the errors, the
    // misattributed s.15 amendment or a 10-year maximum for possession restated.
    for o in &k.offences {
        let own = [
            Some(&o.act),
            o.section.as_ref(),
            Some(&o.title),
            Some(&o.covers),
            o.penalty.as_ref(),
            Some(&o.status_line(|id| k.offence(id))),
        ];
        for text in own.into_iter().flatten() {
            let t = text.to_lowercase();
            assert!(
                !t.contains("reasonably believes the child to be under 16"),
                "{}: {text}",
                o.id
            );
            assert!(!t.contains("no need to prove"), "{}: {text}", o.id);
            assert!(
                !t.contains("as amended by the serious crime act"),
                "{}",
                o.id
            );
        }
    }
    for t in &k.thresholds {
        for text in [&t.title, &t.trigger, &t.response] {
            assert!(!text.contains("reasonably believes the child to be under 16"));
            assert!(!text.to_lowercase().contains("no need to prove"));
        }
    }
    let s160 = record("cja-1988-s160");
    assert!(s160.penalty.as_deref().unwrap_or("").contains("5 years"));
    let poca = record("poca-1978-s1");
    let penalty = poca.penalty.as_deref().unwrap_or("");
    assert!(
        penalty.contains("simple possession is Criminal Justice Act 1988 s.160, maximum 5 years"),
        "{penalty}"
    );
    assert!(k
        .notes_for(&poca.id)
        .iter()
        .any(|n| n.now.contains("s.160")));
}

/// The embedded knowledge with `offences.toml` edited, loaded: the edited text and its errors.
fn load_with_offences(edit: impl Fn(&str) -> String) -> (String, Vec<(String, usize, String)>) {
    let edited = edit(KnowledgeFiles::embedded().get("offences.toml").unwrap());
    let dir = support::knowledge_copy_with("offences.toml", |_| edited.clone());
    (edited, support::load_errors(dir.path()))
}

/// The 1-based line of the `[[offence]]` header of the record with `id` in `text`.
fn record_line(text: &str, id: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim() == format!("id = \"{id}\""))
        .unwrap_or_else(|| panic!("{id} in offences.toml"));
    lines[..at]
        .iter()
        .rposition(|l| l.trim() == "[[offence]]")
        .expect("a header above")
        + 1
}

/// Exactly one error, in offences.toml, at the record `id` (its header or the line after), with
/// `needle` in its message.
fn assert_one_error_at(text: &str, errors: &[(String, usize, String)], id: &str, needle: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (file, line, message) = &errors[0];
    assert_eq!(file, "offences.toml");
    let header = record_line(text, id);
    assert!(
        (header..=header + 1).contains(line),
        "error at line {line}, record `{id}` starts at {header}: {message}"
    );
    assert!(message.contains(id), "{message}");
    assert!(message.contains(needle), "{message}");
}

#[test]
fn offence_status_without_replacement_is_rejected_with_file_and_line() {
    // The embedded copy itself is valid.
    let (_, errors) = load_with_offences(str::to_string);
    assert!(errors.is_empty(), "{errors:#?}");

    // Repealed and replaced, but no replacement named.
    let telecom = "telecommunications-act-1984-offensive-message";
    let (text, errors) = load_with_offences(|t| {
        t.replacen("replaced_by = [\"communications-act-2003-s127\"]\n", "", 1)
    });
    assert_one_error_at(&text, &errors, telecom, "no `replaced_by`");

    // A replacement that does not exist.
    let (text, errors) = load_with_offences(|t| {
        t.replacen(
            "replaced_by = [\"communications-act-2003-s127\"]",
            "replaced_by = [\"communications-act-2003-s999\"]",
            1,
        )
    });
    assert_one_error_at(&text, &errors, telecom, "not an offence in offences.toml");

    // A replacement that is itself repealed.
    let (text, errors) = load_with_offences(|t| {
        t.replacen(
            "replaced_by = [\"communications-act-2003-s127\"]",
            "replaced_by = [\"regulation-of-investigatory-powers-act-2000\"]",
            1,
        )
    });
    assert_one_error_at(&text, &errors, telecom, "is itself `repealed-and-replaced`");

    // Partly repealed without naming the limbs.
    let (text, errors) =
        load_with_offences(|t| t.replacen("repealed_parts = \"s.127(2)(a)–(b)\"\n", "", 1));
    assert_one_error_at(
        &text,
        &errors,
        "communications-act-2003-s127",
        "no `repealed_parts`",
    );

    // Never existed as stated, with nothing to see instead.
    let (text, errors) = load_with_offences(|t| {
        t.replacen(
            "see_instead = [\"poca-1978-s1\", \"cja-1988-s160\"]\n",
            "",
            1,
        )
    });
    assert_one_error_at(
        &text,
        &errors,
        "soa-2003-adults-abusive-images",
        "no `see_instead`",
    );
    // An offence without the behaviours it covers, in a practitioner's words.
    let (_, errors) = load_with_offences(|t| {
        t.replacen(
            "behaviours = [\n  \"someone has sexual intercourse with a child under 13\",\n]\n",
            "",
            1,
        )
    });
    assert!(
        errors
            .iter()
            .any(|(_, _, m)| m.contains("missing field `behaviours`")),
        "{errors:#?}"
    );
    let (text, errors) = load_with_offences(|t| {
        t.replacen(
            "\"someone has sexual intercourse with a child under 13\",",
            "",
            1,
        )
    });
    assert_one_error_at(
        &text,
        &errors,
        "soa-2003-rape-of-child-under-13",
        "needs `behaviours`",
    );

    // Not current, but no currency note names it.
    let inflammatory = "public-order-act-1986-inflammatory-material";
    assert!(knowledge().notes_for(inflammatory).is_empty());
    let (text, errors) = load_with_offences(|t| {
        let at = t.find(&format!("id = \"{inflammatory}\"")).unwrap();
        let status = at + t[at..].find("status = \"current\"").unwrap();
        format!(
            "{}status = \"repealed-and-replaced\"\nreplaced_by = [\"public-order-act-1986-racial-hatred\"]{}",
            &t[..status],
            &t[status + "status = \"current\"".len()..]
        )
    });
    assert_one_error_at(&text, &errors, inflammatory, "no currency note");

    // The old free-text statuses are no longer accepted.
    let (text, errors) = load_with_offences(|t| {
        t.replacen(
            "status = \"repealed-and-replaced\"",
            "status = \"replaced\"",
            1,
        )
    });
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (file, line, message) = &errors[0];
    assert_eq!(file, "offences.toml");
    let bad = text
        .lines()
        .position(|l| l == "status = \"replaced\"")
        .unwrap()
        + 1;
    assert_eq!(*line, bad, "{message}");
    assert!(message.contains("replaced"), "{message}");
}

/// What practitioners type, in their own words, and the offence that must come first.
const BEHAVIOURS: [(&str, &str); 30] = [
    (
        "adult showing a child pornography",
        "soa-2003-causing-child-to-watch-sexual-act",
    ),
    (
        "stepdad made a 12 year old watch porn videos with him",
        "soa-2003-causing-child-to-watch-sexual-act",
    ),
    ("deepfake nude of a pupil", "poca-1978-s1"),
    (
        "boys used an AI app to make fake nudes of a girl in year 9",
        "poca-1978-s1",
    ),
    (
        "relative sending sexual messages to a child",
        "serious-crime-act-2015-sexual-communication",
    ),
    (
        "uncle sending a 14 year old dirty texts",
        "serious-crime-act-2015-sexual-communication",
    ),
    (
        "man asking a 13 year old girl to talk about sex on snapchat",
        "serious-crime-act-2015-sexual-communication",
    ),
    (
        "repeated unwanted messages after being told to stop",
        "protection-from-harassment-act-1997-harassment",
    ),
    (
        "ex keeps contacting her after she asked him to stop",
        "protection-from-harassment-act-1997-harassment",
    ),
    (
        "hacking school system to change grades",
        "computer-misuse-act-1990",
    ),
    (
        "pupil logged into a teacher's email account without permission",
        "computer-misuse-act-1990",
    ),
    (
        "adult travelling to meet a 15 year old he groomed online",
        "soa-2003-meeting-child-after-grooming",
    ),
    (
        "man arranged to meet a child he had been chatting to online",
        "soa-2003-meeting-child-after-grooming",
    ),
    (
        "teacher in a sexual relationship with a 17 year old pupil",
        "soa-2003-abuse-of-position-of-trust",
    ),
    (
        "coach having sex with a 16 year old he trains",
        "soa-2003-abuse-of-position-of-trust",
    ),
    (
        "student sent a dick pic to a girl who didn't ask for it",
        "osa-2023-cyberflashing",
    ),
    (
        "ex-boyfriend posted her nudes online",
        "osa-2023-intimate-image-abuse",
    ),
    (
        "threatening to share nudes unless she pays",
        "osa-2023-intimate-image-abuse",
    ),
    (
        "someone urging a child to cut themselves",
        "osa-2023-encouraging-serious-self-harm",
    ),
    (
        "a pupil got a message threatening to kill him",
        "osa-2023-s181-threatening-communications",
    ),
    (
        "pupil forwarded a nude selfie of a classmate to the group chat",
        "poca-1978-s1",
    ),
    (
        "adult downloading indecent images of children",
        "poca-1978-s1",
    ),
    (
        "indecent images of children saved on his phone",
        "cja-1988-s160",
    ),
    (
        "someone posting threatening racist material to stir up hatred",
        "public-order-act-1986-racial-hatred",
    ),
    (
        "threatening a boy because of his religion",
        "racial-religious-hatred-act-2006",
    ),
    (
        "reading someone else's messages by intercepting them",
        "ipa-2016-s3",
    ),
    (
        "sharing a pupil's personal information unlawfully",
        "dpa-2018-uk-gdpr",
    ),
    ("posts encouraging suicide", "suicide-act-1961"),
    (
        "sending grossly offensive messages online",
        "communications-act-2003-s127",
    ),
    (
        "sexual intercourse with a child under 13",
        "soa-2003-rape-of-child-under-13",
    ),
];

#[test]
fn the_law_for_what_people_describe_comes_first() {
    let mut wrong = Vec::new();
    for (query, want) in BEHAVIOURS {
        let r = ask(query);
        let first = r.results.first().map(|h| h.id.as_str()).unwrap_or("(none)");
        if first != want {
            wrong.push(format!(
                "{query:?}: first {first}, want {want} (all: {:?})",
                ids(&r)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_offence_states_its_behaviours_and_a_repealed_one_never_ranks_above_its_replacement() {
    let k = knowledge();
    for o in &k.offences {
        assert!(!o.behaviours.is_empty(), "{} has no behaviours", o.id);
    }
    // For every behaviour of every offence, in its own words, and in `/offence` and `/search`
    // alike: whatever is found, a repealed offence is never listed above the offence that
    // replaced it.
    let search = |q: &str| safeguarding_bot::commands::search::run(support::snapshot(), q);
    let asks: [&dyn Fn(&str) -> Reply; 2] = [&ask, &search];
    for o in &k.offences {
        for (b, ask) in o
            .behaviours
            .iter()
            .flat_map(|b| asks.iter().map(move |a| (b, a)))
        {
            let r = ask(b);
            for (i, h) in r.results.iter().enumerate() {
                let Some(found) = k.offence(&h.id) else {
                    continue;
                };
                if !found.status.points_elsewhere() {
                    continue;
                }
                for s in found.successors() {
                    if let Some(j) = r.results.iter().position(|x| &x.id == s) {
                        assert!(
                            j < i,
                            "{b:?}: {} above its replacement {s}: {:?}",
                            h.id,
                            ids(&r)
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn s127_and_s181_say_what_each_covers() {
    for id in [
        "communications-act-2003-s127",
        "osa-2023-s181-threatening-communications",
        "malicious-communications-act-1988",
    ] {
        let o = record(id);
        assert!(
            o.covers.contains("only threats of death or serious harm"),
            "{id}: {}",
            o.covers
        );
        assert!(o.covers.contains("s.127(1)"), "{id}: {}", o.covers);
    }
    let o = record("communications-act-2003-s127");
    assert!(o
        .remains_in_force
        .as_deref()
        .unwrap()
        .contains("obscene or menacing"));
    let note = knowledge()
        .notes
        .iter()
        .find(|n| n.id == "communications-offences-partly-superseded")
        .unwrap();
    assert!(
        note.now.contains("menacing") && note.now.contains("only threats of death or serious harm")
    );
}

#[test]
fn no_police_non_emergency_number_is_invented() {
    let r = safeguarding_bot::commands::whocall::run(
        support::snapshot(),
        "police non-emergency number",
    );
    let first = r.results.first().expect("an answer");
    assert_eq!(first.id, "police-999", "{:?}", ids(&r));
    assert!(
        first.body.contains("gives no police non-emergency number")
            && first
                .body
                .contains("goes to the Single Point of Access (SPA) on 020 8547 5008"),
        "{}",
        first.body
    );
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        !text
            .split(|c: char| !c.is_ascii_digit())
            .any(|d| d == "101"),
        "a number the guidance does not give: {text}"
    );
}

#[test]
fn the_new_currency_rows_are_dated_records() {
    let k = knowledge();
    for (id, on) in [
        (
            "adults-abusive-images-offences",
            "soa-2003-adults-abusive-images",
        ),
        (
            "sexual-communication-s15a",
            "serious-crime-act-2015-sexual-communication",
        ),
        ("soa-2003-s12", "soa-2003-causing-child-to-watch-sexual-act"),
        ("ai-generated-deepfake-images", "poca-1978-s1"),
        ("data-use-and-access-act-2025", "dpa-2018-uk-gdpr"),
        ("lado-report-straight-away", "lado"),
    ] {
        let n = k
            .notes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("note {id}"));
        assert_eq!(n.last_checked, "2026-12", "{id}");
        assert!(
            n.applies_to.iter().any(|a| a == on),
            "{id} does not apply to {on}"
        );
        assert!(k.notes_for(on).iter().any(|x| x.id == id));
    }
    // The strategy's claim about the Sexual Offences Act is kept as a quote, and the record
    // that restates it is no longer shown as plain current law: it names the Acts.
    let o = record("soa-2003-adults-abusive-images");
    assert!(o.quote.contains("under the Sexual Offences Act 2003"));
    assert!(
        o.covers.contains("Protection of Children Act 1978 s.1"),
        "{}",
        o.covers
    );
    assert!(
        o.covers.contains("Criminal Justice Act 1988 s.160"),
        "{}",
        o.covers
    );
    assert_ne!(o.status, OffenceStatus::Current);
}
