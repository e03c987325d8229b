//! Turns `bank_holidays.toml` into a [`BankHolidays`] table, checking it on the way: the region,
//! the dates, each standing rule's shape, and that each one-off change is coherent (a move
//! starts from a day the rules really give, an added day is a weekday not already a holiday,
//! every change lies in the checked years). Every error names the file and the line.

use std::collections::HashSet;

use jiff::civil::{Date, Weekday};

use super::{
    is_weekend, line, BankHolidays, Change, ChangeFile, ChangeKind, HolidayRule, RuleFile,
    TableFile, When, BANK_HOLIDAYS_FILE, REGION,
};
use crate::knowledge::{KnowledgeError, KnowledgeErrors};

fn err(errors: &mut KnowledgeErrors, line: usize, msg: impl Into<String>) {
    errors.push(KnowledgeError::new(BANK_HOLIDAYS_FILE, line, msg));
}

/// A date written `YYYY-MM-DD`, and a real one.
pub(super) fn parse_date(s: &str) -> Option<Date> {
    let ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok {
        return None;
    }
    let y: i16 = s[..4].parse().ok()?;
    let m: i8 = s[5..7].parse().ok()?;
    let d: i8 = s[8..].parse().ok()?;
    Date::new(y, m, d).ok()
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

/// Builds the table, adding every problem to `errors`. `None` when a header field is unusable.
pub(super) fn build(
    text: &str,
    file: TableFile,
    errors: &mut KnowledgeErrors,
) -> Option<BankHolidays> {
    let at = |s: std::ops::Range<usize>| line(text, s.start);
    if file.region.get_ref() != REGION {
        err(
            errors,
            at(file.region.span()),
            format!("`region` must be \"{REGION}\": the partnership is in England, and working days there skip England and Wales bank holidays"),
        );
    }
    if file.source.get_ref().trim().is_empty() {
        err(
            errors,
            at(file.source.span()),
            "`source` must say where the one-off changes were checked (the published list)",
        );
    }
    let last_checked = parse_date(file.last_checked.get_ref());
    if last_checked.is_none() {
        err(
            errors,
            at(file.last_checked.span()),
            format!(
                "`last_checked` `{}` is not a date written YYYY-MM-DD",
                file.last_checked.get_ref()
            ),
        );
    }
    let years = (
        i16::try_from(*file.checked_from.get_ref())
            .ok()
            .filter(|y| (1900..=2200).contains(y)),
        i16::try_from(*file.checked_through.get_ref())
            .ok()
            .filter(|y| (1900..=2200).contains(y)),
    );
    let (from, through) = match years {
        (Some(f), Some(t)) if f <= t => (f, t),
        _ => {
            err(errors, at(file.checked_from.span()), "`checked_from` and `checked_through` must be years from 1900 to 2200, the first no later than the second");
            (0, -1)
        }
    };
    if let (Some(d), true) = (last_checked, through >= from) {
        if d.year() > through {
            err(errors, at(file.last_checked.span()), format!("`last_checked` ({d}) is after `checked_through` ({through}): move `checked_through` on to the last year you checked"));
        }
    }
    if file.holiday.is_empty() {
        err(
            errors,
            0,
            "has no [[holiday]] rules: the standing England and Wales bank holidays are required",
        );
    }
    let mut names = HashSet::new();
    let mut rules = Vec::new();
    for sr in file.holiday {
        let l = at(sr.span());
        let r = sr.into_inner();
        if r.name.trim().is_empty() {
            err(errors, l, "a [[holiday]] needs a `name`");
        } else if !names.insert(r.name.clone()) {
            err(errors, l, format!("holiday `{}` is listed twice", r.name));
        }
        if let Some(when) = rule_when(&r, l, errors) {
            rules.push(HolidayRule {
                name: r.name,
                when,
                line: l,
            });
        }
    }
    let mut table = BankHolidays {
        region: file.region.into_inner(),
        source: file.source.into_inner(),
        last_checked: last_checked?,
        checked_from: from,
        checked_through: through,
        rules,
        changes: Vec::new(),
    };
    for sc in file.change {
        let l = at(sc.span());
        if let Some(c) = change(&table, sc.into_inner(), l, errors) {
            table.changes.push(c);
        }
    }
    Some(table)
}

/// One standing rule: exactly one of `date`, `easter`, or `month` + `weekday` + `nth`.
fn rule_when(r: &RuleFile, l: usize, errors: &mut KnowledgeErrors) -> Option<When> {
    let nth_form = r.month.is_some() || r.weekday.is_some() || r.nth.is_some();
    let forms =
        usize::from(r.date.is_some()) + usize::from(r.easter.is_some()) + usize::from(nth_form);
    if forms != 1 {
        err(errors, l, format!("holiday `{}` must give exactly one of `date` (\"MM-DD\"), `easter` (days from Easter Sunday) or `month` + `weekday` + `nth`", r.name));
        return None;
    }
    if r.substitute.is_some() && r.date.is_none() {
        err(
            errors,
            l,
            format!(
                "holiday `{}`: `substitute` applies only to a fixed `date`",
                r.name
            ),
        );
    }
    if let Some(md) = &r.date {
        // 2024 is a leap year, but 29 February is refused below: it is not there every year.
        let parsed =
            parse_date(&format!("2024-{md}")).filter(|d| !(d.month() == 2 && d.day() == 29));
        return match parsed {
            Some(d) => Some(When::Fixed {
                month: d.month(),
                day: d.day(),
                substitute: r.substitute.unwrap_or(false),
            }),
            None => {
                err(
                    errors,
                    l,
                    format!(
                        "holiday `{}`: `date` `{md}` is not a day of every year written \"MM-DD\"",
                        r.name
                    ),
                );
                None
            }
        };
    }
    if let Some(offset) = r.easter {
        return match i16::try_from(offset)
            .ok()
            .filter(|o| (-63..=63).contains(o))
        {
            Some(o) => Some(When::Easter(o)),
            None => {
                err(
                    errors,
                    l,
                    format!(
                        "holiday `{}`: `easter` {offset} must be from -63 to 63 days",
                        r.name
                    ),
                );
                None
            }
        };
    }
    let month = r
        .month
        .and_then(|m| i8::try_from(m).ok())
        .filter(|m| (1..=12).contains(m));
    let wd = r.weekday.as_deref().and_then(weekday);
    let nth = r
        .nth
        .and_then(|n| i8::try_from(n).ok())
        .filter(|n| (1..=4).contains(n) || *n == -1);
    match (month, wd, nth) {
        (Some(month), Some(weekday), Some(nth)) => Some(When::NthWeekday {
            month,
            weekday,
            nth,
        }),
        _ => {
            err(errors, l, format!("holiday `{}` needs `month` (1-12), `weekday` (monday … sunday, lower case) and `nth` (1-4, or -1 for the last)", r.name));
            None
        }
    }
}

/// One one-off change, checked against the standing rules of its year.
fn change(
    t: &BankHolidays,
    c: ChangeFile,
    l: usize,
    errors: &mut KnowledgeErrors,
) -> Option<Change> {
    let date = |s: &Option<String>, field: &str, errors: &mut KnowledgeErrors| -> Option<Date> {
        let s = s.as_ref()?;
        let d = parse_date(s);
        if d.is_none() {
            err(
                errors,
                l,
                format!(
                    "change `{}`: `{field}` `{s}` is not a date written YYYY-MM-DD",
                    c.name
                ),
            );
        }
        d
    };
    if c.name.trim().is_empty() {
        err(errors, l, "a [[change]] needs a `name`");
    }
    let kind = match (&c.added, &c.moved_from, &c.moved_to, &c.removed) {
        (Some(_), None, None, None) => ChangeKind::Added(date(&c.added, "added", errors)?),
        (None, Some(_), Some(_), None) => ChangeKind::Moved {
            from: date(&c.moved_from, "moved_from", errors)?,
            to: date(&c.moved_to, "moved_to", errors)?,
        },
        (None, None, None, Some(_)) => ChangeKind::Removed(date(&c.removed, "removed", errors)?),
        _ => {
            err(errors, l, format!("change `{}` must give exactly one of `added`, `moved_from` with `moved_to`, or `removed`", c.name));
            return None;
        }
    };
    let (year, standing_day, new_day) = match kind {
        ChangeKind::Added(d) => (d.year(), None, Some(d)),
        ChangeKind::Moved { from, to } => {
            if to.year() != from.year() {
                err(
                    errors,
                    l,
                    format!(
                        "change `{}`: a bank holiday moves within its year ({from} to {to})",
                        c.name
                    ),
                );
            }
            (from.year(), Some(from), Some(to))
        }
        ChangeKind::Removed(d) => (d.year(), Some(d), None),
    };
    if !t.checked(year) {
        err(errors, l, format!("change `{}` is in {year}, outside checked_from..checked_through ({}..{}): widen the checked years once you have checked them", c.name, t.checked_from, t.checked_through));
    }
    let holidays = t.holidays(year);
    if let Some(d) = standing_day {
        if !holidays.iter().any(|h| h.date == d) {
            err(errors, l, format!("change `{}`: {d} is not a bank holiday under the rules above, so it cannot be moved or removed", c.name));
        }
    }
    if let Some(d) = new_day {
        if is_weekend(d) || holidays.iter().any(|h| h.date == d) {
            err(
                errors,
                l,
                format!(
                    "change `{}`: {d} is a weekend or already a bank holiday",
                    c.name
                ),
            );
        }
    }
    Some(Change {
        name: c.name,
        kind,
        line: l,
    })
}
