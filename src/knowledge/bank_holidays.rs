//! Bank holidays in England and Wales as data (`knowledge/bank_holidays.toml`): the standing
//! rules that produce them each year, and the one-off additions and moves a year can bring. The
//! decision record needs them to turn "within 5 working days" into a date; they live in the
//! knowledge (not in code, never fetched at run time) so a safeguarding lead can add a new
//! one-off holiday with a text editor, and `check` validates the table like the rest.

use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::error::{line_of, toml_error, KnowledgeError, KnowledgeErrors};
use super::files::KnowledgeFiles;

mod validate;

/// The file the table is read from, relative to the knowledge root.
pub const BANK_HOLIDAYS_FILE: &str = "bank_holidays.toml";

/// The only region the table may describe: the partnership is in England.
pub const REGION: &str = "England and Wales";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    region: Spanned<String>,
    source: Spanned<String>,
    last_checked: Spanned<String>,
    checked_from: Spanned<i64>,
    checked_through: Spanned<i64>,
    #[serde(default)]
    holiday: Vec<Spanned<RuleFile>>,
    #[serde(default)]
    change: Vec<Spanned<ChangeFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    substitute: Option<bool>,
    #[serde(default)]
    easter: Option<i64>,
    #[serde(default)]
    month: Option<i64>,
    #[serde(default)]
    weekday: Option<String>,
    #[serde(default)]
    nth: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeFile {
    name: String,
    #[serde(default)]
    added: Option<String>,
    #[serde(default)]
    moved_from: Option<String>,
    #[serde(default)]
    moved_to: Option<String>,
    #[serde(default)]
    removed: Option<String>,
}

/// When a standing bank holiday falls in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The same month and day every year; with `substitute`, a weekend date gives way to the
    /// next weekday that is not already a bank holiday.
    Fixed {
        /// 1 to 12.
        month: i8,
        /// 1 to 31.
        day: i8,
        /// Whether a weekend date has a substitute day.
        substitute: bool,
    },
    /// Days from (Western) Easter Sunday: -2 is Good Friday, 1 Easter Monday.
    Easter(i16),
    /// The `nth` `weekday` of `month`; -1 is the last.
    NthWeekday {
        /// 1 to 12.
        month: i8,
        /// The day of the week.
        weekday: Weekday,
        /// 1 to 4, or -1 for the last.
        nth: i8,
    },
}

/// One standing rule, e.g. "Spring bank holiday: the last Monday in May".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRule {
    /// As published, e.g. "Spring bank holiday".
    pub name: String,
    /// When it falls.
    pub when: When,
    /// Line in `bank_holidays.toml`.
    pub line: usize,
}

/// A one-off change to one year's bank holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// An extra bank holiday (e.g. a state funeral).
    Added(Date),
    /// A standing bank holiday held on another day that year (e.g. VE day 2020).
    Moved {
        /// The day the standing rule gives.
        from: Date,
        /// The day it was held.
        to: Date,
    },
    /// A standing bank holiday not held that year.
    Removed(Date),
}

/// One one-off change, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// As published, e.g. "Bank holiday for the coronation of King Charles III".
    pub name: String,
    /// What changed.
    pub kind: ChangeKind,
    /// Line in `bank_holidays.toml`.
    pub line: usize,
}

/// One bank holiday on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHoliday {
    /// The day.
    pub date: Date,
    /// Its name ("Boxing Day (substitute day)").
    pub name: String,
}

/// The validated table. Built only by [`BankHolidays::load`] / [`BankHolidays::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHolidays {
    /// Always [`REGION`].
    pub region: String,
    /// Where the one-off changes were checked (the published list).
    pub source: String,
    /// When the table was last checked against `source`.
    pub last_checked: Date,
    /// First year whose one-off changes were checked.
    pub checked_from: i16,
    /// Last year whose one-off changes were checked: later years follow the standing rules only.
    pub checked_through: i16,
    /// The standing rules, in file order.
    pub rules: Vec<HolidayRule>,
    /// The one-off changes, in file order.
    pub changes: Vec<Change>,
}

impl BankHolidays {
    /// Reads and validates `bank_holidays.toml` from a knowledge copy. Every error names the
    /// file and the line of the entry concerned.
    pub fn load(files: &KnowledgeFiles) -> Result<BankHolidays, KnowledgeErrors> {
        match files.get(BANK_HOLIDAYS_FILE) {
            Some(text) => BankHolidays::parse(text),
            None => Err(KnowledgeErrors(vec![KnowledgeError::new(
                BANK_HOLIDAYS_FILE,
                0,
                "is missing: working-day deadlines need the England and Wales bank holidays (see docs/knowledge-format.md)",
            )])),
        }
    }

    /// Parses and validates the table from its text.
    pub fn parse(text: &str) -> Result<BankHolidays, KnowledgeErrors> {
        let mut errors = KnowledgeErrors::default();
        let file: TableFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                errors.push(toml_error(BANK_HOLIDAYS_FILE, text, &e));
                return Err(errors);
            }
        };
        let table = validate::build(text, file, &mut errors);
        match table {
            Some(t) if errors.is_empty() => Ok(t),
            _ => {
                errors.sort();
                Err(errors)
            }
        }
    }

    /// Every bank holiday in `year`, in date order: the standing rules with their substitute
    /// days, then that year's one-off changes applied.
    pub fn holidays(&self, year: i16) -> Vec<BankHoliday> {
        let mut out = self.standing(year);
        for c in &self.changes {
            match &c.kind {
                ChangeKind::Added(d) if d.year() == year => out.push(BankHoliday {
                    date: *d,
                    name: c.name.clone(),
                }),
                ChangeKind::Moved { from, to } if from.year() == year => {
                    out.retain(|h| h.date != *from);
                    out.push(BankHoliday {
                        date: *to,
                        name: c.name.clone(),
                    });
                }
                ChangeKind::Removed(d) if d.year() == year => out.retain(|h| h.date != *d),
                _ => {}
            }
        }
        out.sort_by_key(|h| h.date);
        out
    }

    /// The bank holidays the standing rules alone give in `year` (no one-off changes).
    pub fn standing(&self, year: i16) -> Vec<BankHoliday> {
        let mut out: Vec<BankHoliday> = Vec::new();
        let mut pending: Vec<(Date, &str)> = Vec::new();
        for r in &self.rules {
            let Some(date) = r.when.date_in(year) else {
                continue;
            };
            match r.when {
                When::Fixed {
                    substitute: true, ..
                } if is_weekend(date) => pending.push((date, &r.name)),
                _ => out.push(BankHoliday {
                    date,
                    name: r.name.clone(),
                }),
            }
        }
        // A substitute is the next weekday not already a bank holiday, taken in rule order:
        // Christmas on a Saturday gives Monday 27th, so Boxing Day on the Sunday gives Tuesday.
        for (date, name) in pending {
            let mut d = date;
            while is_weekend(d) || out.iter().any(|h| h.date == d) {
                match d.tomorrow() {
                    Ok(next) => d = next,
                    Err(_) => break,
                }
            }
            out.push(BankHoliday {
                date: d,
                name: format!("{name} (substitute day)"),
            });
        }
        out.sort_by_key(|h| h.date);
        out
    }

    /// The bank holiday on `date`, if any.
    pub fn holiday_on(&self, date: Date) -> Option<BankHoliday> {
        self.holidays(date.year())
            .into_iter()
            .find(|h| h.date == date)
    }

    /// Monday to Friday and not a bank holiday.
    pub fn is_working_day(&self, date: Date) -> bool {
        !is_weekend(date) && self.holiday_on(date).is_none()
    }

    /// The `n`th working day after `date` (`date` itself never counts: a decision made on a
    /// Monday with 1 working day is due on the Tuesday). `n = 0` gives `date`.
    pub fn working_days_after(&self, date: Date, n: u32) -> Option<Date> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = d.tomorrow().ok()?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Some(d)
    }

    /// True when `year`'s one-off changes have been checked against the published list.
    pub fn checked(&self, year: i16) -> bool {
        (self.checked_from..=self.checked_through).contains(&year)
    }
}

impl When {
    /// The date this rule gives in `year` (before any substitute day).
    pub fn date_in(&self, year: i16) -> Option<Date> {
        match *self {
            When::Fixed { month, day, .. } => Date::new(year, month, day).ok(),
            When::Easter(offset) => {
                let e = easter_sunday(year)?;
                e.checked_add(jiff::Span::new().days(i64::from(offset)))
                    .ok()
            }
            When::NthWeekday {
                month,
                weekday,
                nth,
            } => Date::new(year, month, 1)
                .ok()?
                .nth_weekday_of_month(nth, weekday)
                .ok(),
        }
    }
}

/// Saturday or Sunday.
pub fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i16) -> Option<Date> {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// A line number for an error, from a span start.
fn line(text: &str, start: usize) -> usize {
    line_of(text, start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_sundays_are_right() {
        for (y, m, d) in [
            (2019, 4, 21),
            (2020, 4, 12),
            (2021, 4, 4),
            (2022, 4, 17),
            (2023, 4, 9),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
    }
}
