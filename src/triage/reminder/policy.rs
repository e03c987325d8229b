//! When reminders fire: the times a practitioner can choose, what "Not yet" means, and when a
//! reminder counts as late. Pure functions of Unix milliseconds, so they are tested without a
//! clock.

use std::time::Duration;

/// The reminder times offered, in minutes before the deadline: 2 hours, 1 hour, at the deadline.
pub const CHOICES: [u32; 3] = [120, 60, 0];

/// How much later "Not yet — remind me again" reminds: an hour, but never past the deadline
/// while the deadline is still ahead.
pub const SNOOZE: Duration = Duration::from_secs(60 * 60);

/// How long after the deadline "Not yet" keeps reminding (hourly). Past this, the reminders end,
/// saying so: a deadline a day overdue needs a conversation with the DSL, not another ping.
pub const OVERDUE_LIMIT: Duration = Duration::from_secs(24 * 60 * 60);

/// A reminder delivered more than this after its time says it is late (and why).
pub const LATE_AFTER: Duration = Duration::from_secs(2 * 60);

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The button label for a choice.
pub fn choice_label(before_minutes: u32) -> String {
    match before_minutes {
        0 => "At the deadline".to_string(),
        60 => "1 hour before the deadline".to_string(),
        m if m % 60 == 0 => format!("{} hours before the deadline", m / 60),
        m => format!("{m} minutes before the deadline"),
    }
}

/// When a reminder `before_minutes` before `deadline_ms` fires.
pub fn remind_at(deadline_ms: i64, before_minutes: u32) -> i64 {
    deadline_ms.saturating_sub(i64::from(before_minutes) * 60_000)
}

/// When "Not yet" at `now_ms` reminds again: [`SNOOZE`] later, but at the deadline if that comes
/// first; once the deadline has passed, [`SNOOZE`] later up to [`OVERDUE_LIMIT`] after it. `None`
/// when the reminders should end.
pub fn next_after_not_yet(now_ms: i64, deadline_ms: i64) -> Option<i64> {
    let next = now_ms.saturating_add(ms(SNOOZE));
    if now_ms < deadline_ms {
        Some(next.min(deadline_ms))
    } else if next <= deadline_ms.saturating_add(ms(OVERDUE_LIMIT)) {
        Some(next)
    } else {
        None
    }
}

/// How late a reminder due at `due_ms` is at `now_ms`, when more than [`LATE_AFTER`].
pub fn lateness(due_ms: i64, now_ms: i64) -> Option<Duration> {
    let late = now_ms.saturating_sub(due_ms);
    (late > ms(LATE_AFTER)).then(|| Duration::from_millis(u64::try_from(late).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn not_yet_reminds_an_hour_later_but_never_after_the_deadline_ahead() {
        let deadline = 100 * H;
        assert_eq!(next_after_not_yet(90 * H, deadline), Some(91 * H));
        assert_eq!(
            next_after_not_yet(deadline - H / 2, deadline),
            Some(deadline)
        );
        // Overdue: hourly, for a day after the deadline, then no more.
        assert_eq!(next_after_not_yet(deadline, deadline), Some(deadline + H));
        assert_eq!(
            next_after_not_yet(deadline + 23 * H, deadline),
            Some(deadline + 24 * H)
        );
        assert_eq!(next_after_not_yet(deadline + 23 * H + 1, deadline), None);
    }

    #[test]
    fn choices_lateness_and_labels() {
        assert_eq!(remind_at(10 * H, 120), 8 * H);
        assert_eq!(remind_at(10 * H, 0), 10 * H);
        assert_eq!(choice_label(120), "2 hours before the deadline");
        assert_eq!(choice_label(60), "1 hour before the deadline");
        assert_eq!(choice_label(0), "At the deadline");
        assert_eq!(lateness(H, H + 60_000), None);
        assert_eq!(lateness(H, 2 * H), Some(Duration::from_secs(3600)));
    }
}
