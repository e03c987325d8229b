//! Deadlines that fall out of hours: a same-day or 24-hour deadline whose time falls in the
//! evening, at a weekend or on a bank holiday cannot be met through SPA's daytime number alone.
//! The spec ("Deadlines out of hours") asks the outcome and the decision record to say how to
//! meet it then: SPA's out-of-hours line (strategy §13) and 999 if a child is in immediate
//! danger; "same day" decided when no office hours are left reads "now, through the
//! out-of-hours line"; and an advice line is never offered as the way to meet a deadline.
//!
//! **Office hours are this tool's reading, not the guidance's.** The guidance prints SPA's
//! daytime number and its out-of-hours number but does not define SPA's hours. This tool
//! reads office hours as Monday to Friday, 09:00 to 17:00 London time, not on an England and
//! Wales bank holiday ([`READING`], shown with every note). The reading is deliberately narrow:
//! calling the out-of-hours line while SPA happens still to be open costs a redirection, while
//! calling the daytime number after it has closed costs the referral.
//!
//! Which contact is the out-of-hours route, and which contact it stands in for, is data
//! (`out_of_hours_for` in `knowledge/contacts.toml`), as is which contact is an advice line
//! (`advice_line`); nothing here holds a number.

use jiff::civil::{time, Time};
use jiff::{Timestamp, Zoned};

use super::timeframe::Rule;
use crate::knowledge::{BankHolidays, Contact, Knowledge};

/// When office hours open, by this tool's reading (London time).
pub const OPENS: Time = time(9, 0, 0, 0);

/// When office hours close, by this tool's reading (London time).
pub const CLOSES: Time = time(17, 0, 0, 0);

/// The reading of "office hours", as every out-of-hours note states it.
pub const READING: &str = "Office hours here are this tool's reading, not the guidance's: Monday to Friday, 09:00 to 17:00 London time, not on an England and Wales bank holiday. The guidance does not define SPA's hours.";

/// How far back [`office_until`] looks for office hours before a deadline: same-day and
/// 24-hour deadlines span at most two days, so a fortnight is ample.
const LOOK_BACK_DAYS: usize = 14;

/// A deadline that falls out of hours, and what office hours are left before it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfHours {
    /// The end of the last office hours before the deadline (London time), when office hours
    /// fall between the decision and the deadline; `None` when none do, so the deadline can only
    /// be met through the out-of-hours line.
    pub office_until: Option<Zoned>,
}

impl OutOfHours {
    /// True when no office hours are left before the deadline.
    pub fn none_left(&self) -> bool {
        self.office_until.is_none()
    }
}

/// True when `rule` is one this applies to: "same day" and "within N hours". (Working-day
/// deadlines end on a working day; "immediately" is the decision itself.)
pub fn applies_to(rule: &Rule) -> bool {
    matches!(rule, Rule::SameDay | Rule::WithinHours(_))
}

/// True when `at` is in office hours, by this tool's reading ([`READING`]).
pub fn in_office_hours(at: &Zoned, holidays: &BankHolidays) -> bool {
    let t = at.time();
    holidays.is_working_day(at.date()) && t >= OPENS && t < CLOSES
}

/// The end of the last office hours that overlap `from`..`due`, no later than `due`; `None`
/// when no office hours fall between them.
pub fn office_until(from: &Zoned, due: &Zoned, holidays: &BankHolidays) -> Option<Zoned> {
    let tz = due.time_zone().clone();
    let mut day = due.date();
    for _ in 0..LOOK_BACK_DAYS {
        if day < from.date() {
            return None;
        }
        if holidays.is_working_day(day) {
            let opens = day.to_datetime(OPENS).to_zoned(tz.clone()).ok()?;
            let closes = day.to_datetime(CLOSES).to_zoned(tz.clone()).ok()?;
            if opens < *due && closes > *from {
                return Some(if closes < *due { closes } else { due.clone() });
            }
        }
        day = day.yesterday().ok()?;
    }
    None
}

/// Whether a deadline under `rule`, counted from `from` and due at `due`, falls out of hours;
/// `None` when it does not (or the rule is not one this applies to). A deadline already past
/// counts as due now.
pub fn assess(
    rule: &Rule,
    from: Timestamp,
    due: &Zoned,
    holidays: &BankHolidays,
) -> Option<OutOfHours> {
    if !applies_to(rule) {
        return None;
    }
    let from = from.to_zoned(due.time_zone().clone());
    let due = if *due < from {
        from.clone()
    } else {
        due.clone()
    };
    if in_office_hours(&due, holidays) {
        return None;
    }
    Some(OutOfHours {
        office_until: office_until(&from, &due, holidays),
    })
}

/// The routes a deadline out of hours is met through, from the knowledge: the out-of-hours
/// line, the daytime contact it stands in for, and the section of the guidance that gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Routes {
    /// The daytime route's number (SPA's, the contact `out_of_hours_for` names).
    pub daytime: Option<String>,
    /// The out-of-hours line's number (the contact with `out_of_hours_for`).
    pub out_of_hours: Option<String>,
    /// The out-of-hours line's contact id.
    pub out_of_hours_id: Option<String>,
    /// Where the guidance gives it ("Online Safeguarding Strategy 2020-2022, §13").
    pub source: Option<String>,
}

impl Routes {
    /// The routes `k` names (none, in a knowledge copy that marks no out-of-hours route).
    pub fn of(k: &Knowledge) -> Routes {
        let Some(ooh) = k.contacts.iter().find(|c| c.out_of_hours_for.is_some()) else {
            return Routes::default();
        };
        let daytime = ooh
            .out_of_hours_for
            .as_deref()
            .and_then(|id| k.contact(id))
            .and_then(|c| c.phone.clone());
        let source = ooh.sources.first().and_then(|id| {
            let section = k.section(id)?;
            let doc = k.document(&section.document)?;
            let top = section.path.first()?;
            let number = top
                .split('.')
                .next()
                .filter(|n| n.chars().all(|c| c.is_ascii_digit()))?;
            Some(format!("{}, §{number}", doc.title))
        });
        Routes {
            daytime,
            out_of_hours: ooh.phone.clone(),
            out_of_hours_id: Some(ooh.id.clone()),
            source,
        }
    }
}

/// How to meet a deadline that falls out of hours: the daytime route while office hours last
/// (if any are left), the out-of-hours line and 999. Shown with [`READING`] (once for a list of
/// deadlines; [`note`] adds it to one).
pub fn how_to_meet(ooh: &OutOfHours, routes: &Routes) -> String {
    let line = match (&routes.out_of_hours, &routes.source) {
        (Some(l), Some(s)) => format!("SPA's out-of-hours line, {l} ({s})"),
        (Some(l), None) => format!("SPA's out-of-hours line, {l}"),
        (None, _) => "SPA's out-of-hours line (see Who to contact)".to_string(),
    };
    let spa = match &routes.daytime {
        Some(p) => format!("SPA on {p}"),
        None => "SPA".to_string(),
    };
    let first = match &ooh.office_until {
        Some(until) => format!(
            "This deadline falls out of hours. Meet it through {spa} during office hours, by {} at the latest; outside office hours, through {line}.",
            until.strftime("%H:%M on %A %-d %B %Y")
        ),
        None => format!("No office hours are left before this deadline: meet it through {line}."),
    };
    format!("{first} If a child is in immediate danger, call 999.")
}

/// [`how_to_meet`] followed by [`READING`]: the note for a deadline shown on its own (a
/// reminder).
pub fn note(ooh: &OutOfHours, routes: &Routes) -> String {
    format!("{} {READING}", how_to_meet(ooh, routes))
}

/// The contacts of an outcome split into the ways to act on it and the advice lines (listed
/// apart: an advice line is never the way to meet a deadline).
pub fn split_advice<'a>(
    contacts: impl IntoIterator<Item = &'a Contact>,
) -> (Vec<&'a Contact>, Vec<&'a Contact>) {
    contacts.into_iter().partition(|c| !c.advice_line)
}

/// The heading advice lines are listed under, apart from the ways to act.
pub const ADVICE_HEADING: &str = "For advice only (not a way to meet a deadline)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::deadline::london;

    fn h() -> BankHolidays {
        crate::knowledge::Knowledge::embedded()
            .unwrap()
            .bank_holidays
    }

    fn z(s: &str) -> Zoned {
        s.parse::<Timestamp>().unwrap().to_zoned(london().unwrap())
    }

    #[test]
    fn office_hours_are_weekdays_nine_to_five_outside_bank_holidays() {
        let h = h();
        assert!(
            in_office_hours(&z("2026-12-04T09:00:00Z"), &h),
            "Friday 09:00"
        );
        assert!(in_office_hours(&z("2026-12-04T16:59:59Z"), &h));
        assert!(
            !in_office_hours(&z("2026-12-04T17:00:00Z"), &h),
            "17:00 is closed"
        );
        assert!(!in_office_hours(&z("2026-12-04T08:59:00Z"), &h));
        assert!(!in_office_hours(&z("2026-12-05T12:00:00Z"), &h), "Saturday");
        assert!(
            !in_office_hours(&z("2026-12-28T12:00:00Z"), &h),
            "Boxing Day substitute"
        );
        // British Summer Time: 09:00 in London is 08:00 UTC.
        assert!(in_office_hours(&z("2026-07-01T08:00:00Z"), &h));
        assert!(!in_office_hours(&z("2026-07-01T16:00:00Z"), &h));
    }

    #[test]
    fn office_until_finds_the_last_office_hours_before_the_deadline() {
        let h = h();
        // Friday 14:00 to Saturday 14:00: office hours end on Friday at 17:00.
        let until = office_until(&z("2026-12-04T14:00:00Z"), &z("2026-12-05T14:00:00Z"), &h);
        assert_eq!(until, Some(z("2026-12-04T17:00:00Z")));
        // Friday 18:00 to Saturday 18:00: none.
        assert_eq!(
            office_until(&z("2026-12-04T18:00:00Z"), &z("2026-12-05T18:00:00Z"), &h),
            None
        );
        // Thursday 18:00 to Friday 18:00: Friday's office hours.
        assert_eq!(
            office_until(&z("2026-12-03T18:00:00Z"), &z("2026-12-04T18:00:00Z"), &h),
            Some(z("2026-12-04T17:00:00Z"))
        );
        // A deadline inside office hours is its own end.
        assert_eq!(
            office_until(&z("2026-12-03T18:00:00Z"), &z("2026-12-04T10:00:00Z"), &h),
            Some(z("2026-12-04T10:00:00Z"))
        );
    }

    #[test]
    fn only_same_day_and_hours_deadlines_out_of_hours_are_assessed() {
        let h = h();
        let due = z("2026-12-05T14:00:00Z");
        let from: Timestamp = "2026-12-04T14:00:00Z".parse().unwrap();
        assert!(assess(&Rule::WithinHours(24), from, &due, &h).is_some());
        assert!(assess(&Rule::WithinWorkingDays(5), from, &due, &h).is_none());
        assert!(assess(&Rule::Immediately, from, &due, &h).is_none());
        let weekday = z("2026-12-01T14:00:00Z");
        let from: Timestamp = "2026-11-30T14:00:00Z".parse().unwrap();
        assert!(assess(&Rule::WithinHours(24), from, &weekday, &h).is_none());
        // Already past: judged at `from`.
        let late: Timestamp = "2026-12-05T15:00:00Z".parse().unwrap();
        assert_eq!(
            assess(&Rule::SameDay, late, &due, &h),
            Some(OutOfHours { office_until: None })
        );
    }
}
