//! Deadlines are computed as the guidance words them, in London time: "same day" ends at the end
//! of that London day, hours are clock hours (across the clock changes too), working days skip
//! weekends and England and Wales bank holidays (the day of the decision never counts). The
//! bank-holiday table matches the published lists, is validated by `check` at file and line, and
//! every outcome timeframe is one the parser reads (or `check` says where it is not).

mod support;

use jiff::civil::{date, Date, Weekday};
use jiff::Timestamp;
use proptest::prelude::*;

use safeguarding_bot::knowledge::BankHolidays;
use safeguarding_bot::triage::deadline::{self, due, london, rfc3339, Rule};

fn holidays() -> &'static BankHolidays {
    &support::snapshot().knowledge.bank_holidays
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// When `rule` is due for a decision at `decided`, as RFC 3339 with the London offset.
fn due_at(rule: Rule, decided: &str) -> String {
    rfc3339(
        &due(&rule, at(decided), holidays())
            .unwrap()
            .expect("a clock rule"),
    )
}

/// The line in `text` holding `needle` (1-based).
fn line_with(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"))
        + 1
}

#[test]
fn bank_holidays_match_the_published_lists() {
    // England and Wales, as published (gov.uk/bank-holidays), typed in here independently of the
    // rules in knowledge/bank_holidays.toml.
    let published: &[(i16, &[(i8, i8)])] = &[
        (
            2011,
            &[
                (1, 3),
                (4, 22),
                (4, 25),
                (4, 29),
                (5, 2),
                (5, 30),
                (8, 29),
                (12, 26),
                (12, 27),
            ],
        ),
        (
            2012,
            &[
                (1, 2),
                (4, 6),
                (4, 9),
                (5, 7),
                (6, 4),
                (6, 5),
                (8, 27),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2019,
            &[
                (1, 1),
                (4, 19),
                (4, 22),
                (5, 6),
                (5, 27),
                (8, 26),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2020,
            &[
                (1, 1),
                (4, 10),
                (4, 13),
                (5, 8),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            2021,
            &[
                (1, 1),
                (4, 2),
                (4, 5),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
            ],
        ),
        (
            2022,
            &[
                (1, 3),
                (4, 15),
                (4, 18),
                (5, 2),
                (6, 2),
                (6, 3),
                (8, 29),
                (9, 19),
                (12, 26),
                (12, 27),
            ],
        ),
        (
            2023,
            &[
                (1, 2),
                (4, 7),
                (4, 10),
                (5, 1),
                (5, 8),
                (5, 29),
                (8, 28),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2024,
            &[
                (1, 1),
                (3, 29),
                (4, 1),
                (5, 6),
                (5, 27),
                (8, 26),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2025,
            &[
                (1, 1),
                (4, 18),
                (4, 21),
                (5, 5),
                (5, 26),
                (8, 25),
                (12, 25),
                (12, 26),
            ],
        ),
        (
            2026,
            &[
                (1, 1),
                (4, 3),
                (4, 6),
                (5, 4),
                (5, 25),
                (8, 31),
                (12, 25),
                (12, 28),
            ],
        ),
        (
            2027,
            &[
                (1, 1),
                (3, 26),
                (3, 29),
                (5, 3),
                (5, 31),
                (8, 30),
                (12, 27),
                (12, 28),
            ],
        ),
    ];
    for (year, days) in published {
        let got: Vec<Date> = holidays().holidays(*year).iter().map(|h| h.date).collect();
        let want: Vec<Date> = days.iter().map(|(m, d)| date(*year, *m, *d)).collect();
        assert_eq!(got, want, "{year}");
    }
    let names: Vec<String> = holidays()
        .holidays(2022)
        .into_iter()
        .map(|h| h.name)
        .collect();
    assert!(
        names.iter().any(|n| n == "Christmas Day (substitute day)"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.contains("State Funeral")),
        "{names:?}"
    );
}

#[test]
fn same_day_and_hours_across_the_march_clock_change() {
    // Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    assert_eq!(
        due_at(Rule::WithinHours(24), "2026-03-28T12:00:00Z"),
        "2026-03-29T13:00:00+01:00"
    );
    assert_eq!(
        due_at(Rule::SameDay, "2026-03-29T00:30:00Z"),
        "2026-03-29T23:59:59+01:00"
    );
    assert_eq!(
        due_at(Rule::SameDay, "2026-03-28T23:30:00Z"),
        "2026-03-28T23:59:59+00:00"
    );
    assert_eq!(
        due_at(Rule::Immediately, "2026-03-29T01:30:00Z"),
        "2026-03-29T02:30:00+01:00"
    );
}

#[test]
fn same_day_and_hours_across_the_october_clock_change() {
    // Clocks go back at 01:00 UTC on Sunday 25 October 2026.
    assert_eq!(
        due_at(Rule::WithinHours(24), "2026-10-24T11:00:00Z"),
        "2026-10-25T11:00:00+00:00"
    );
    assert_eq!(
        due_at(Rule::SameDay, "2026-10-25T00:30:00Z"),
        "2026-10-25T23:59:59+00:00"
    );
    assert_eq!(
        due_at(Rule::WithinHours(24), "2026-10-25T00:30:00Z"),
        "2026-10-26T00:30:00+00:00"
    );
    // A same-day deadline on the long day still ends at midnight London time.
    assert_eq!(
        due_at(Rule::SameDay, "2026-10-24T22:00:00Z"),
        "2026-10-24T23:59:59+01:00"
    );
}

#[test]
fn decisions_at_half_past_eleven_at_night() {
    // 23:30 in London in winter: the same day has 29 minutes left.
    assert_eq!(
        due_at(Rule::SameDay, "2026-11-23T23:30:00Z"),
        "2026-11-23T23:59:59+00:00"
    );
    assert_eq!(
        due_at(Rule::Immediately, "2026-11-23T23:30:00Z"),
        "2026-11-23T23:30:00+00:00"
    );
    assert_eq!(
        due_at(Rule::WithinHours(24), "2026-11-23T23:30:00Z"),
        "2026-11-24T23:30:00+00:00"
    );
    // 23:30 in London in summer is 22:30 UTC.
    assert_eq!(
        due_at(Rule::SameDay, "2026-07-01T22:30:00Z"),
        "2026-07-01T23:59:59+01:00"
    );
    // 23:30 UTC in summer is already 00:30 the next day in London: that is "the same day".
    assert_eq!(
        due_at(Rule::SameDay, "2026-07-01T23:30:00Z"),
        "2026-07-02T23:59:59+01:00"
    );
    // Friday 23:30: five working days are Monday to Friday of the next week.
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2026-11-27T23:30:00Z"),
        "2026-12-04T23:59:59+00:00"
    );
}

#[test]
fn working_days_across_christmas() {
    // Thursday 24 December 2026: Christmas Friday, Boxing Day substitute Monday 28th, New Year's
    // Day Friday 1 January.
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2026-12-24T10:00:00Z"),
        "2027-01-05T23:59:59+00:00"
    );
    // Friday 24 December 2027: substitutes Monday 27th and Tuesday 28th; New Year's Day 2028 is a
    // Saturday, so Monday 3 January is its substitute.
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2027-12-24T10:00:00Z"),
        "2028-01-05T23:59:59+00:00"
    );
    // "Same day" is the calendar day, working or not.
    assert_eq!(
        due_at(Rule::SameDay, "2026-12-25T15:00:00Z"),
        "2026-12-25T23:59:59+00:00"
    );
}

#[test]
fn working_days_across_easter() {
    // Thursday 2 April 2026: Good Friday 3rd and Easter Monday 6th are not working days.
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2026-04-02T09:00:00Z"),
        "2026-04-13T23:59:59+01:00"
    );
    // Thursday 17 April 2025.
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2025-04-17T09:00:00Z"),
        "2025-04-28T23:59:59+01:00"
    );
    assert_eq!(
        due_at(Rule::WithinWorkingDays(1), "2025-04-17T09:00:00Z"),
        "2025-04-22T23:59:59+01:00"
    );
}

#[test]
fn five_working_days_span_a_bank_holiday_weekend() {
    // Friday 22 May 2026, before the spring bank holiday (Monday 25th).
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2026-05-22T14:00:00Z"),
        "2026-06-01T23:59:59+01:00"
    );
    // Friday 28 August 2026, before the summer bank holiday (Monday 31st).
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2026-08-28T14:00:00Z"),
        "2026-09-07T23:59:59+01:00"
    );
    // One-off changes count: the 2022 jubilee weekend, the 2023 coronation, VE day 2020 (and
    // the early May bank holiday it replaced was a working day that year).
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2022-06-01T12:00:00Z"),
        "2022-06-10T23:59:59+01:00"
    );
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2023-05-05T12:00:00Z"),
        "2023-05-15T23:59:59+01:00"
    );
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2020-05-07T12:00:00Z"),
        "2020-05-15T23:59:59+01:00"
    );
    assert_eq!(
        due_at(Rule::WithinWorkingDays(5), "2020-05-01T12:00:00Z"),
        "2020-05-11T23:59:59+01:00"
    );
}

#[test]
fn every_outcome_timeframe_becomes_a_deadline_or_says_why_not() {
    let snap = support::snapshot();
    let decided = at("2026-11-23T14:05:00Z");
    for o in snap.triage.outcomes() {
        let ds = deadline::deadlines(o, holidays(), decided).unwrap();
        assert_eq!(ds.len(), o.timeframes.len(), "{}: nothing is skipped", o.id);
        for (d, t) in ds.iter().zip(&o.timeframes) {
            assert_eq!(&d.text, t);
            assert!(
                t.starts_with(&d.rule),
                "{}: the rule is the guidance's words",
                o.id
            );
            assert_eq!(d.due.is_some(), d.kind.is_clock(), "{}: {t}", o.id);
            assert!(!deadline::due_text(d).is_empty());
        }
    }
    let kinds = |id: &str| -> Vec<&'static str> {
        let o = snap.triage.outcome(id).unwrap();
        deadline::deadlines(o, holidays(), decided)
            .unwrap()
            .iter()
            .map(|d| d.kind.kind())
            .collect()
    };
    assert_eq!(kinds("call_999"), ["immediately", "immediately"]);
    assert_eq!(kinds("images_immediate_referral"), ["same_day"]);
    assert_eq!(kinds("images_referral_24h"), ["within_hours"]);
    assert_eq!(
        kinds("lado_same_day_referral"),
        ["same_day", "on_event", "same_day", "within_working_days"]
    );
    assert_eq!(kinds("prevent_referral"), ["none_set"]);
    assert_eq!(kinds("bullying_police"), ["with_urgency"]);
}

#[test]
fn a_timeframe_the_parser_cannot_read_is_a_check_error_at_its_line() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge/triage.toml"),
    )
    .unwrap();
    let line = line_with(&text, "timeframes = [\"Within 24 hours.\"]");
    let dir = support::knowledge_copy_with("triage.toml", |t| {
        t.replace(
            "timeframes = [\"Within 24 hours.\"]",
            "timeframes = [\"Within a day.\"]",
        )
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_safeguarding-bot"))
        .arg("--knowledge")
        .arg(dir.path())
        .arg("check")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "triage.toml:{line}: outcome `images_referral_24h`: timeframe \"Within a day.\""
        )),
        "{err}"
    );
}

/// Loading a copy whose bank-holiday file was edited by `edit`: the errors.
fn bank_holiday_errors(edit: impl Fn(&str) -> String) -> Vec<(String, usize, String)> {
    let dir = support::knowledge_copy_with("bank_holidays.toml", edit);
    support::load_errors(dir.path())
}

fn bank_holidays_text() -> String {
    safeguarding_bot::knowledge::KnowledgeFiles::embedded()
        .get("bank_holidays.toml")
        .unwrap()
        .to_string()
}

#[test]
fn check_rejects_a_malformed_bank_holiday_file_at_file_and_line() {
    let text = bank_holidays_text();
    let file = "bank_holidays.toml".to_string();
    let header_before = |needle: &str| line_with(&text, needle) - 1;

    // An impossible date.
    let errs = bank_holiday_errors(|t| t.replace("date = \"12-26\"", "date = \"12-32\""));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (&errs[0].0, errs[0].1),
        (&file, header_before("name = \"Boxing Day\""))
    );
    assert!(errs[0].2.contains("12-32"), "{errs:?}");

    // A move from a day that is not a bank holiday.
    let errs = bank_holiday_errors(|t| {
        t.replace("moved_from = \"2020-05-04\"", "moved_from = \"2020-05-05\"")
    });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].1,
        header_before("name = \"Early May bank holiday (VE day)\"")
    );
    assert!(errs[0].2.contains("not a bank holiday"), "{errs:?}");

    // An added day on a weekend, and one outside the checked years.
    let errs =
        bank_holiday_errors(|t| t.replace("added = \"2023-05-08\"", "added = \"2031-05-10\""));
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert!(
        errs.iter().all(|e| e.1 == header_before("coronation")),
        "{errs:?}"
    );

    // A typo in a field name is a TOML error at its line, not a silently dropped substitute.
    let errs = bank_holiday_errors(|t| {
        t.replace(
            "\"01-01\"\nsubstitute = true",
            "\"01-01\"\nsubstitue = true",
        )
    });
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        (&errs[0].0, errs[0].1),
        (&file, line_with(&text, "\"01-01\"") + 1)
    );

    // A rule with two forms, a bad nth, another region, and a stale `checked_through`.
    let errs = bank_holiday_errors(|t| t.replace("easter = 1", "easter = 1\nmonth = 4"));
    assert_eq!(
        errs[0].1,
        header_before("name = \"Easter Monday\""),
        "{errs:?}"
    );
    let errs = bank_holiday_errors(|t| t.replace("nth = -1", "nth = 5"));
    let bad_rules: Vec<usize> = errs
        .iter()
        .filter(|e| e.2.contains("`nth` (1-4"))
        .map(|e| e.1)
        .collect();
    assert_eq!(
        bad_rules,
        [
            header_before("name = \"Spring bank holiday\""),
            header_before("name = \"Summer bank holiday\"")
        ],
        "{errs:?}"
    );
    let errs = bank_holiday_errors(|t| {
        t.replace("region = \"England and Wales\"", "region = \"Scotland\"")
    });
    assert_eq!(errs[0].1, line_with(&text, "region = "), "{errs:?}");
    let errs =
        bank_holiday_errors(|t| t.replace("checked_through = 2027", "checked_through = 2025"));
    assert!(
        errs.iter().any(|e| e.2.contains("last_checked")),
        "{errs:?}"
    );

    // A syntax error, and the file missing.
    let errs = bank_holiday_errors(|t| t.replace("checked_from = 2011", "checked_from = "));
    assert_eq!(
        (&errs[0].0, errs[0].1),
        (&file, line_with(&text, "checked_from = ")),
        "{errs:?}"
    );
    let dir = support::knowledge_copy_with("bank_holidays.toml", |t| t.to_string());
    std::fs::remove_file(dir.path().join("bank_holidays.toml")).unwrap();
    let errs = support::load_errors(dir.path());
    assert!(
        errs.iter().any(|e| e.0 == file && e.2.contains("missing")),
        "{errs:?}"
    );
}

#[test]
fn bank_holiday_table_is_checked_for_this_year() {
    // Fails once the year runs past the checked years: re-check against the published list,
    // add any one-off change, move checked_through on and set last_checked.
    let this_year = Timestamp::now().to_zoned(london().unwrap()).year();
    let h = holidays();
    assert!(
        h.checked(this_year),
        "knowledge/bank_holidays.toml is checked for {} to {}, not {this_year}",
        h.checked_from,
        h.checked_through
    );
    assert!(h.last_checked.year() <= h.checked_through);
}

#[test]
fn the_binary_needs_no_system_time_zone_files() {
    // No zoneinfo and a foreign TZ: London offsets still come from the bundled database.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_safeguarding-bot"))
        .args([
            "triage",
            "--answers",
            "immediate_danger=no,adult_in_position_of_trust=no,incident_type=sexual_images,adult_involved=no,coercion_or_capacity=no,unusual_or_violent=no,sexual_acts_under_18=no,immediate_risk_from_sharing=no,similar_age=yes",
            "--record",
            "json",
            "--at",
            "2026-07-01T09:00:00Z",
        ])
        .env("TZDIR", "/nonexistent")
        .env("TZ", "America/New_York")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["decided_at"], "2026-07-01T10:00:00+01:00");
    assert_eq!(v["deadlines"][0]["due"], "2026-07-02T10:00:00+01:00");
}

fn working_days_between(h: &BankHolidays, from: Date, to: Date) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = d.tomorrow().unwrap();
        if h.is_working_day(d) {
            n += 1;
        }
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// For any decision time from 2011 to 2035: immediately is the decision time; the same day
    /// ends at 23:59:59 on the decision's London date; N hours are exactly N×3600 seconds; N
    /// working days end at 23:59:59 on a working day with exactly N working days after the
    /// decision's date; and more working days are never due sooner.
    #[test]
    fn deadlines_follow_their_rules(secs in 1_293_840_000i64..2_082_758_400i64, n in 1u32..15, hours in 1u32..96) {
        let t = Timestamp::from_second(secs).unwrap();
        let h = holidays();
        let local = t.to_zoned(london().unwrap());
        let get = |r: Rule| due(&r, t, h).unwrap().unwrap();

        prop_assert_eq!(get(Rule::Immediately).timestamp(), t);

        let same = get(Rule::SameDay);
        prop_assert_eq!(same.date(), local.date());
        prop_assert_eq!((same.hour(), same.minute(), same.second()), (23, 59, 59));
        prop_assert!(same.timestamp() >= t);

        let by = get(Rule::WithinHours(hours));
        prop_assert_eq!(by.timestamp().as_second() - secs, i64::from(hours) * 3600);
        prop_assert_eq!(by.time_zone().iana_name(), Some("Europe/London"));

        let wd = get(Rule::WithinWorkingDays(n));
        prop_assert!(h.is_working_day(wd.date()));
        prop_assert!(!matches!(wd.date().weekday(), Weekday::Saturday | Weekday::Sunday));
        prop_assert_eq!((wd.hour(), wd.minute(), wd.second()), (23, 59, 59));
        prop_assert_eq!(working_days_between(h, local.date(), wd.date()), n);
        prop_assert!(wd.timestamp() > t);
        let later = get(Rule::WithinWorkingDays(n + 1));
        prop_assert!(later.timestamp() > wd.timestamp());
    }

    /// Every year's bank holidays are distinct weekdays, at least the eight standing ones.
    #[test]
    fn bank_holidays_are_distinct_weekdays(year in 1950i16..2100) {
        let days = holidays().holidays(year);
        prop_assert!(days.len() >= 8);
        for (i, d) in days.iter().enumerate() {
            prop_assert!(!matches!(d.date.weekday(), Weekday::Saturday | Weekday::Sunday), "{:?}", d);
            prop_assert_eq!(d.date.year(), year);
            prop_assert!(days[i + 1..].iter().all(|e| e.date != d.date), "{:?}", d);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deadlines out of hours (spec: "Deadlines out of hours"; hazard "a deadline that cannot be met
// as written"). Office hours are the tool's reading: Monday to Friday, 09:00 to 17:00 London
// time, not on a bank holiday.

mod out_of_hours_deadlines {
    use super::*;
    use safeguarding_bot::triage::deadline::{due_text, lines, Deadline};
    use safeguarding_bot::triage::out_of_hours::{how_to_meet, Routes, READING};

    const OUT_OF_HOURS_LINE: &str = "020 8770 5000";
    const POSH_PHONE: &str = "0344 381 4772";

    fn of(outcome: &str, decided: &str) -> Vec<Deadline> {
        let o = support::snapshot().triage.outcome(outcome).unwrap();
        deadline::deadlines(o, holidays(), at(decided)).unwrap()
    }

    fn routes() -> Routes {
        Routes::of(&support::snapshot().knowledge)
    }

    #[test]
    fn a_friday_afternoon_24_hour_referral_due_on_saturday_names_the_out_of_hours_line_and_999() {
        // Friday 4 December 2026, 14:00 GMT: due Saturday 14:00.
        let ds = of("images_referral_24h", "2026-12-04T14:00:00Z");
        assert_eq!(ds.len(), 1);
        let d = &ds[0];
        assert_eq!(
            rfc3339(d.due.as_ref().unwrap()),
            "2026-12-05T14:00:00+00:00"
        );
        let ooh = d.out_of_hours.as_ref().expect("Saturday is out of hours");
        assert_eq!(
            rfc3339(ooh.office_until.as_ref().unwrap()),
            "2026-12-04T17:00:00+00:00",
            "office hours, as the tool reads them, end on Friday at 17:00"
        );
        let how = how_to_meet(ooh, &routes());
        assert!(how.contains(OUT_OF_HOURS_LINE), "{how}");
        assert!(how.contains("020 8547 5008"), "SPA while it is open: {how}");
        assert!(how.contains("17:00 on Friday 4 December 2026"), "{how}");
        assert!(how.contains("call 999"), "{how}");
        assert!(how.contains("§13"), "cited: {how}");
        assert!(
            !how.contains(POSH_PHONE) && !how.contains("Helpline"),
            "{how}"
        );
        // The summary field says it under the deadline, with the reading once.
        let text = lines(&ds, &routes());
        assert!(
            text.contains("By Saturday 5 December 2026, 14:00 (GMT)"),
            "{text}"
        );
        assert!(text.contains(&format!("Out of hours: {how}")), "{text}");
        assert_eq!(text.matches(READING).count(), 1, "{text}");
        assert!(READING.contains("does not define SPA's hours"));
    }

    #[test]
    fn same_day_decided_at_23_45_reads_now_through_the_out_of_hours_line() {
        // Thursday 3 December 2026, 23:45 GMT: the day ends in fourteen minutes.
        let ds = of("images_immediate_referral", "2026-12-03T23:45:00Z");
        let d = &ds[0];
        assert!(d.now_out_of_hours());
        let when = due_text(d);
        assert!(
            when.starts_with("Now, through the out-of-hours line"),
            "{when}"
        );
        assert!(
            !when.contains("23:59"),
            "no clock time minutes away: {when}"
        );
        let how = how_to_meet(d.out_of_hours.as_ref().unwrap(), &routes());
        assert!(
            how.starts_with("No office hours are left before this deadline"),
            "{how}"
        );
        assert!(
            how.contains(OUT_OF_HOURS_LINE) && how.contains("999"),
            "{how}"
        );
        // The machine-readable due time is still the end of the day.
        assert_eq!(
            rfc3339(d.due.as_ref().unwrap()),
            "2026-12-03T23:59:59+00:00"
        );
        // Decided at 18:00 on a weekday, or on a Saturday morning: the same.
        assert!(of("images_immediate_referral", "2026-12-03T18:00:00Z")[0].now_out_of_hours());
        assert!(of("images_immediate_referral", "2026-12-05T10:00:00Z")[0].now_out_of_hours());
    }

    #[test]
    fn a_bank_holiday_has_no_office_hours() {
        // Monday 28 December 2026 is the Boxing Day substitute bank holiday.
        let ds = of("images_immediate_referral", "2026-12-28T11:00:00Z");
        assert!(ds[0].now_out_of_hours(), "{}", due_text(&ds[0]));
        assert!(due_text(&ds[0]).starts_with("Now, through the out-of-hours line"));
        // 24 hours from Sunday evening: due on the bank holiday, no office hours between.
        let ds = of("images_referral_24h", "2026-12-27T18:00:00Z");
        let ooh = ds[0].out_of_hours.as_ref().expect("due on a bank holiday");
        assert_eq!(ooh.office_until, None);
        assert!(how_to_meet(ooh, &routes()).contains(OUT_OF_HOURS_LINE));
        // The same on an ordinary Sunday and Monday: due Monday 18:00, after Monday's office
        // hours, which are offered first.
        let ds = of("images_referral_24h", "2026-12-06T18:00:00Z");
        let ooh = ds[0].out_of_hours.as_ref().unwrap();
        assert_eq!(
            rfc3339(ooh.office_until.as_ref().unwrap()),
            "2026-12-07T17:00:00+00:00"
        );
        // Due on a bank-holiday morning, or on an ordinary Monday morning.
        assert!(of("images_referral_24h", "2026-12-27T10:00:00Z")[0]
            .out_of_hours
            .is_some());
        assert!(of("images_referral_24h", "2026-12-06T10:00:00Z")[0]
            .out_of_hours
            .is_none());
    }

    #[test]
    fn a_weekday_daytime_deadline_is_unchanged() {
        // Monday 23 November 2026, 14:05 GMT: due Tuesday 14:05, in office hours.
        let ds = of("images_referral_24h", "2026-11-23T14:05:00Z");
        assert_eq!(ds[0].out_of_hours, None);
        assert_eq!(due_text(&ds[0]), "By Tuesday 24 November 2026, 14:05 (GMT)");
        let text = lines(&ds, &routes());
        assert!(
            !text.contains("Out of hours") && !text.contains(READING),
            "{text}"
        );
        // Working-day deadlines and "immediately" are never given the note.
        for d in of("lado_same_day_referral", "2026-12-04T14:00:00Z")
            .iter()
            .chain(&of("call_999", "2026-12-05T23:00:00Z"))
        {
            if !matches!(d.kind, Rule::SameDay | Rule::WithinHours(_)) {
                assert_eq!(d.out_of_hours, None, "{}", d.text);
            }
        }
        // Two same-day deadlines met the same way: said once, then "as above".
        let ds = of("lado_same_day_referral", "2026-12-04T14:00:00Z");
        let text = lines(&ds, &routes());
        assert_eq!(
            text.matches("This deadline falls out of hours.").count(),
            1,
            "{text}"
        );
        assert!(text.contains("  Out of hours: as above."), "{text}");
        // Same day, decided on a weekday morning: SPA until 17:00, then the out-of-hours line.
        let ds = of("images_immediate_referral", "2026-11-23T10:00:00Z");
        assert!(!ds[0].now_out_of_hours());
        assert_eq!(
            due_text(&ds[0]),
            "By the end of Monday 23 November 2026 (23:59:59 GMT)"
        );
        let how = how_to_meet(ds[0].out_of_hours.as_ref().unwrap(), &routes());
        assert!(
            how.contains("Meet it through SPA on 020 8547 5008 during office hours, by 17:00 on Monday 23 November 2026 at the latest; outside office hours, through SPA's out-of-hours line, 020 8770 5000"),
            "{how}"
        );
    }

    #[test]
    fn an_advice_line_is_never_the_way_to_meet_a_deadline() {
        let snap = support::snapshot();
        let advice: Vec<_> = snap
            .knowledge
            .contacts
            .iter()
            .filter(|c| c.advice_line)
            .collect();
        assert!(
            advice.iter().any(|c| c.id == "posh"),
            "POSH is marked an advice line"
        );
        // Every hour of a week with a bank holiday in it, every outcome.
        let start = at("2026-12-24T00:30:00Z");
        let mut notes = 0;
        for h in 0..24 * 7 {
            let decided = start
                .checked_add(jiff::SignedDuration::from_hours(h))
                .unwrap();
            for o in snap.triage.outcomes() {
                for d in deadline::deadlines(o, holidays(), decided).unwrap() {
                    let Some(ooh) = &d.out_of_hours else {
                        continue;
                    };
                    notes += 1;
                    let how = how_to_meet(ooh, &routes());
                    assert!(
                        how.contains(OUT_OF_HOURS_LINE) && how.contains("999"),
                        "{how}"
                    );
                    for c in &advice {
                        assert!(!how.contains(&c.name), "{}: {how}", c.id);
                        if let Some(p) = &c.phone {
                            assert!(!how.contains(p.as_str()), "{}: {how}", c.id);
                        }
                    }
                }
            }
        }
        assert!(notes > 100, "the week has out-of-hours deadlines: {notes}");
    }

    #[test]
    fn check_rejects_an_advice_line_offered_as_a_route() {
        let check = |edit: &dyn Fn(&str) -> String| -> String {
            let dir = support::knowledge_copy_with("contacts.toml", edit);
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_safeguarding-bot"))
                .arg("--knowledge")
                .arg(dir.path())
                .arg("check")
                .output()
                .unwrap();
            assert!(!out.status.success());
            String::from_utf8_lossy(&out.stderr).into_owned()
        };
        let err = check(&|t: &str| {
            t.replace(
                "advice_line = true\n",
                "advice_line = true\nout_of_hours_for = \"spa\"\n",
            )
        });
        assert!(err.contains("contact `posh` is an advice line"), "{err}");
        assert!(
            err.contains("only one contact may be the out-of-hours route"),
            "{err}"
        );
        let err = check(&|t: &str| {
            t.replace(
                "out_of_hours_for = \"spa\"",
                "out_of_hours_for = \"spa-daytime\"",
            )
        });
        assert!(
            err.contains("must name a contact in contacts.toml"),
            "{err}"
        );
    }
}
