//! The status of each offence is data, not free text: a status that is not `current` carries
//! the fields that say what happened (what amended it, which limbs were repealed, what replaced
//! it), a replacement names an offence that exists and is in force, no field is set that the
//! status does not use, and a currency note in `notes.toml` names the offence.

use std::collections::HashSet;

use crate::knowledge::error::{KnowledgeError, KnowledgeErrors};
use crate::knowledge::model::{Offence, OffenceStatus as S};
use crate::knowledge::Knowledge;

/// Runs the status checks on every offence.
pub(super) fn check_status(k: &Knowledge, errors: &mut KnowledgeErrors) {
    let noted: HashSet<&str> = k
        .notes
        .iter()
        .flat_map(|n| n.applies_to.iter().map(String::as_str))
        .collect();
    for o in &k.offences {
        let mut err = |message: String| {
            errors.push(KnowledgeError::new("offences.toml", o.line, message));
        };
        if o.behaviours.is_empty() || o.behaviours.iter().any(|b| b.trim().is_empty()) {
            err(format!(
                "offence `{}` needs `behaviours`: what it covers in a practitioner's words (who does what to whom, and the ages), none empty",
                o.id
            ));
        }
        required_fields(o, &mut err);
        unused_fields(o, &mut err);
        references(k, o, &mut err);
        if o.status != S::Current && !noted.contains(o.id.as_str()) {
            err(format!(
                "offence `{}` has status `{}` but no currency note: add `{}` to the `applies_to` of a note in notes.toml",
                o.id,
                o.status.as_str(),
                o.id
            ));
        }
    }
}

/// True when an optional text field holds something.
fn present(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// The fields the offence's status needs: what amended it, which limbs were repealed and by
/// what, what replaced it, what the law really is.
fn required_fields(o: &Offence, err: &mut dyn FnMut(String)) {
    let mut needs = |field: &str, have: bool, what: &str| {
        if !have {
            err(format!(
                "offence `{}` has status `{}` but no `{field}`: {what}",
                o.id,
                o.status.as_str()
            ));
        }
    };
    match o.status {
        S::Current => {}
        S::Amended => needs(
            "amended_by",
            present(&o.amended_by),
            "say what amended it, e.g. `amended_by = \"Police, Crime, Sentencing and Courts Act 2022 s.47\"`",
        ),
        S::PartlyRepealed => {
            needs(
                "repealed_parts",
                present(&o.repealed_parts),
                "name the repealed limbs, e.g. `repealed_parts = \"s.127(2)(a)–(b)\"`",
            );
            needs(
                "repealed_by",
                present(&o.repealed_by),
                "name what repealed them, e.g. `repealed_by = \"Online Safety Act 2023 s.189\"`",
            );
        }
        S::RepealedAndReplaced => needs(
            "replaced_by",
            !o.replaced_by.is_empty(),
            "name the offence id(s) in force now, e.g. `replaced_by = [\"communications-act-2003-s127\"]`",
        ),
        S::NeverExistedAsStated => needs(
            "see_instead",
            !o.see_instead.is_empty(),
            "name the offence id(s) that are the law, e.g. `see_instead = [\"poca-1978-s1\"]`",
        ),
    }
}

/// No field is set that the offence's status does not use (a stray `replaced_by` on a current
/// offence would be shown as if it had been replaced).
fn unused_fields(o: &Offence, err: &mut dyn FnMut(String)) {
    let partly_or_replaced = matches!(o.status, S::PartlyRepealed | S::RepealedAndReplaced);
    let stray = [
        (
            "amended_by",
            present(&o.amended_by) && o.status != S::Amended,
        ),
        (
            "repealed_parts",
            present(&o.repealed_parts) && o.status != S::PartlyRepealed,
        ),
        (
            "remains_in_force",
            present(&o.remains_in_force) && o.status != S::PartlyRepealed,
        ),
        (
            "repealed_by",
            present(&o.repealed_by) && !partly_or_replaced,
        ),
        (
            "replaced_by",
            !o.replaced_by.is_empty() && !partly_or_replaced,
        ),
        (
            "see_instead",
            !o.see_instead.is_empty() && o.status != S::NeverExistedAsStated,
        ),
    ];
    for (field, set) in stray {
        if set {
            err(format!(
                "offence `{}` has `{field}`, which status `{}` does not use",
                o.id,
                o.status.as_str()
            ));
        }
    }
}

/// `replaced_by` and `see_instead` name other offences once each, not this one, and only
/// offences that exist and are in force.
fn references(k: &Knowledge, o: &Offence, err: &mut dyn FnMut(String)) {
    for (field, ids) in [
        ("replaced_by", &o.replaced_by),
        ("see_instead", &o.see_instead),
    ] {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id.as_str()) {
                err(format!(
                    "offence `{}` names `{id}` twice in `{field}`",
                    o.id
                ));
            } else if *id == o.id {
                err(format!("offence `{}` names itself in `{field}`", o.id));
            } else {
                match k.offence(id) {
                    None => err(format!(
                        "offence `{}` names `{id}` in `{field}`, which is not an offence in offences.toml",
                        o.id
                    )),
                    Some(r) if !r.status.in_force() => err(format!(
                        "offence `{}` names `{id}` in `{field}`, but `{id}` is itself `{}`: name the offence in force now",
                        o.id,
                        r.status.as_str()
                    )),
                    Some(_) => {}
                }
            }
        }
    }
}
