//! Store-level tests of reminders: claimed once, deleted with their session, holding their
//! session while pending.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use super::fire::NewReminder;
use super::*;
use crate::clock::ManualClock;

const H: u64 = 3600;
const SESSION: &str = "0123456789abcdef0123456789abcdef";

/// Counts deliveries, yielding in the middle so two firing loops interleave.
#[derive(Default)]
struct Counting(AtomicUsize);

impl Deliver for Counting {
    async fn deliver(&self, _: &DueReminder) -> Delivery {
        tokio::task::yield_now().await;
        self.0.fetch_add(1, Ordering::SeqCst);
        Delivery::Posted
    }
}

async fn file_store(dir: &tempfile::TempDir, clock: &Arc<ManualClock>) -> Store {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
    Store::open(&url).await.unwrap().with_clock(clock.clone())
}

fn deadline(clock: &ManualClock) -> Deadline {
    Deadline {
        what: "Refer to SPA".into(),
        rule: "Within 24 hours.".into(),
        due: from_ms(crate::clock::Clock::now_ms(clock)) + Duration::from_secs(24 * H),
    }
}

async fn scheduled(r: &Reminders, clock: &ManualClock, session: &str) -> String {
    r.store().insert(session, "42", r.now_ms()).await.unwrap();
    let d = deadline(clock);
    r.schedule(&NewReminder {
        session_id: session,
        deadline_no: 0,
        channel_id: "7",
        outcome: "images_referral_24h",
        deadline: &d,
        remind_at: d.due_ms() - 3_600_000,
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_reminder_is_claimed_and_sent_once_by_two_processes() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    let a = Reminders::named(file_store(&dir, &clock).await, "a");
    let b = Reminders::named(file_store(&dir, &clock).await, "b");
    let id = scheduled(&a, &clock, SESSION).await;
    assert_eq!(a.all().await.unwrap()[0].state, "pending");

    // Not due yet: nothing fires.
    let counting = Counting::default();
    assert!(a.fire_due(a.now_ms(), &counting).await.unwrap().is_empty());

    clock.advance(Duration::from_secs(23 * H));
    let now = a.now_ms();
    let (fa, fb) = tokio::join!(a.fire_due(now, &counting), b.fire_due(now, &counting));
    let fired = fa.unwrap().len() + fb.unwrap().len();
    assert_eq!((fired, counting.0.load(Ordering::SeqCst)), (1, 1));
    let row = b.get(&id).await.unwrap().unwrap();
    assert_eq!((row.state.as_str(), row.owner.as_str()), ("sent", "42"));
    // A later tick does not send it again.
    assert!(b.fire_due(now + 1000, &counting).await.unwrap().is_empty());
    let audit = a.audit().await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].outcome.as_str(), audit[0].result.as_str()),
        ("images_referral_24h", "posted")
    );

    // The claim itself: one winner.
    let other = "fedcba9876543210fedcba9876543210";
    let id2 = scheduled(&a, &clock, other).await;
    let now = a.now_ms() + 24 * 3_600_000;
    let cutoff = now - 300_000;
    assert!(store::claim(a.store(), &id2, "a", now, cutoff)
        .await
        .unwrap());
    assert!(!store::claim(b.store(), &id2, "b", now, cutoff)
        .await
        .unwrap());
    // A claimer that died: after the lease, another process takes it over, once.
    let later = now + 301_000;
    let fired = b.fire_due(later, &counting).await.unwrap();
    assert_eq!(fired.len(), 1);
    assert!(fired[0].late, "{fired:?}");
    assert!(a.fire_due(later, &counting).await.unwrap().is_empty());
}

#[tokio::test]
async fn reminder_rows_go_with_their_session_and_hold_it_while_pending() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    let ttl = Duration::from_secs(2 * H);
    let r = Reminders::named(file_store(&dir, &clock).await.with_session_ttl(ttl), "a");
    let id = scheduled(&r, &clock, SESSION).await;

    // Idle past the TTL, but a reminder is pending: the session stays.
    clock.advance(Duration::from_secs(3 * H));
    let retention = Duration::from_secs(365 * 24 * H);
    r.store().purge_expired(ttl, retention).await.unwrap();
    assert!(r.store().get(SESSION).await.is_ok(), "held by its reminder");

    // Delivered and then answered Done: the reminder goes, and the session expires as usual.
    clock.advance(Duration::from_secs(20 * H));
    assert_eq!(
        r.fire_due(r.now_ms(), &Counting::default())
            .await
            .unwrap()
            .len(),
        1
    );
    r.respond(&id, "42", ReminderAction::Done).await.unwrap();
    assert!(r.all().await.unwrap().is_empty());
    r.store().purge_expired(ttl, retention).await.unwrap();
    assert!(matches!(
        r.store().get(SESSION).await,
        Err(TriageError::UnknownSession)
    ));

    // A session deleted takes its reminders with it.
    let other = "fedcba9876543210fedcba9876543210";
    scheduled(&r, &clock, other).await;
    assert_eq!(r.all().await.unwrap().len(), 1);
    crate::triage::backend::on_pool!(r.store().pool(), |p| sqlx::query(
        "DELETE FROM triage_sessions WHERE id = $1"
    )
    .bind(other)
    .execute(p)
    .await
    .map(|_| ())
    .unwrap());
    assert!(r.all().await.unwrap().is_empty());

    // A reminder delivered and never answered ends after a TTL, audited, and frees its session.
    let third = "00000000000000000000000000000003";
    scheduled(&r, &clock, third).await;
    clock.advance(Duration::from_secs(24 * H));
    r.fire_due(r.now_ms(), &Counting::default()).await.unwrap();
    clock.advance(Duration::from_secs(3 * H));
    r.store().purge_expired(ttl, retention).await.unwrap();
    assert!(r.all().await.unwrap().is_empty());
    assert!(r.store().get(third).await.is_err());
    let results: Vec<String> = r
        .audit()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.result)
        .collect();
    assert!(results.contains(&"unanswered".to_string()), "{results:?}");
}

#[tokio::test]
async fn answers_are_owner_only_once_each_and_audited_without_user_ids() {
    let clock = ManualClock::at(UNIX_EPOCH + Duration::from_secs(1_800_000_000));
    let store = Store::open("sqlite::memory:")
        .await
        .unwrap()
        .with_clock(clock.clone());
    let r = Reminders::named(store, "a");
    let id = scheduled(&r, &clock, SESSION).await;
    // Not delivered yet: nothing to answer.
    assert!(matches!(
        r.respond(&id, "42", ReminderAction::Done).await,
        Err(ReminderError::AlreadyAnswered)
    ));
    clock.advance(Duration::from_secs(23 * H));
    r.fire_due(r.now_ms(), &Counting::default()).await.unwrap();
    assert!(matches!(
        r.respond(&id, "43", ReminderAction::Stop).await,
        Err(ReminderError::NotOwner)
    ));
    clock.advance(Duration::from_secs(60));
    let again = r.respond(&id, "42", ReminderAction::NotYet).await.unwrap();
    let deadline = r.get(&id).await.unwrap().unwrap().deadline_at;
    assert_eq!(
        again.next_at,
        Some(deadline),
        "an hour later, but not past the deadline"
    );
    assert!(matches!(
        r.respond(&id, "42", ReminderAction::NotYet).await,
        Err(ReminderError::AlreadyAnswered)
    ));
    clock.advance(Duration::from_secs(H));
    r.fire_due(r.now_ms(), &Counting::default()).await.unwrap();
    clock.advance(Duration::from_secs(60));
    r.respond(&id, "42", ReminderAction::Stop).await.unwrap();
    assert!(matches!(
        r.respond(&id, "42", ReminderAction::Done).await,
        Err(ReminderError::UnknownReminder)
    ));
    let audit = r.audit().await.unwrap();
    let results: Vec<&str> = audit.iter().map(|a| a.result.as_str()).collect();
    assert_eq!(results, ["posted", "not_yet", "posted", "stopped"]);
    let json = serde_json::to_string(&audit).unwrap();
    assert!(!json.contains("\"42\""), "no user id: {json}");
    assert!(!json.contains(SESSION), "{json}");
}
