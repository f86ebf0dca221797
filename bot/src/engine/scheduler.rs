//! Firing schedules: every slot is claimed in the database in the same
//! transaction that writes its post to the outbox, so a restart, a reconnect
//! or a second wake-up never posts a slot twice.

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use std::sync::Arc;

use super::agenda::{Agenda, Entry};
use super::{CommandError, Ctx, Engine, Platform, Scope, Served, posts};
use crate::config::{CommunityConfig, Misfire, ScheduleConfig};
use crate::domain::schedule::{next_slot, slots_between};
use crate::i18n::Catalog;
use crate::reply::Reply;
use crate::store::{CursorKey, WriteTx, fmt_time};

/// A slot this late still counts as on time (a wake-up is never exact).
const ON_TIME: Duration = Duration::minutes(1);
/// The most slots looked at per schedule and wake-up: a minutely job over the
/// scanned window (grace + two days) stays below it for any grace up to a week.
const SLOT_SCAN_LIMIT: usize = 20_000;
/// The most due schedules fired in one transaction: few commits for a busy
/// instant, yet commands waiting for the writer get a turn between chunks,
/// and delivery starts after the first.
const FIRE_CHUNK: usize = 200;

/// Delivery attempts before a post is marked failed for good.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 8;
/// The wait after the first failed attempt; it doubles with each one.
const FIRST_RETRY: Duration = Duration::seconds(30);
const LONGEST_RETRY: Duration = Duration::hours(1);
/// How long taken posts stay with the process that took them: others on the
/// same database pass them over meanwhile, and after it (the taker died
/// before recording them) they are due again.
const DELIVERY_LEASE: Duration = Duration::minutes(2);
/// Posts taken at once: at Telegram's 20 messages a minute in a group, a
/// batch is sent well within its lease, so no other process takes its tail.
const DELIVERY_BATCH: i64 = 10;
/// When a schedule whose firing failed is looked at again.
const RETRY_FIRING: Duration = Duration::seconds(30);
/// The longest the scheduler sleeps without looking again (clock jumps, no schedules).
const IDLE_WAKE: std::time::Duration = std::time::Duration::from_secs(300);

/// A post waiting for one delivery target.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingPost {
    pub id: i64,
    pub schedule_id: String,
    pub reply: Reply,
    /// Failed attempts so far.
    pub attempts: i64,
}

impl Engine {
    /// The first instant after `after` at which any schedule is due.
    pub fn next_due_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_due_among(Communities::All, after)
    }

    /// The first instant after `after` at which a schedule of `community` is due.
    pub fn next_due_in(&self, community: &str, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_due_among(Communities::Only(community), after)
    }

    fn next_due_among(&self, which: Communities<'_>, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.served()
            .config
            .communities
            .iter()
            .filter(|c| which.includes(c))
            .flat_map(|c| c.schedules.iter().map(move |s| (c, s)))
            .filter_map(|(c, s)| next_slot(&s.cron, c.timezone, after))
            .map(|slot| slot.at)
            .min()
    }

    /// Fires every slot that is due at the clock's now, applying each
    /// schedule's misfire policy to slots missed while nothing ran.
    /// Returns how many posts were queued.
    ///
    /// All cursors are read in one statement and the due schedules picked in
    /// memory, so a wake-up costs what is due, not what is configured; a
    /// schedule with nothing due is not written.
    pub async fn fire_due(&self) -> anyhow::Result<usize> {
        self.fire_due_among(Communities::All).await
    }

    /// `fire_due` for the schedules of `community` only: a console for one
    /// community on a shared database leaves the others' slots (and
    /// cursors) to the bot that serves them.
    pub async fn fire_due_in(&self, community: &str) -> anyhow::Result<usize> {
        self.fire_due_among(Communities::Only(community)).await
    }

    async fn fire_due_among(&self, which: Communities<'_>) -> anyhow::Result<usize> {
        let now = self.now();
        let served = self.served();
        let mut agenda = self.inner.agenda.lock().await;
        let agenda = match &mut *agenda {
            Some(planned) if planned.plans(&served, which.only()) => planned,
            stale => stale.insert(self.plan_agenda(served.clone(), which, now).await?),
        };
        let mut due = Vec::new();
        for entry in agenda.take_due(now) {
            let Some((community, schedule)) = agenda.schedule_at(entry.community, entry.schedule) else { continue };
            match latest_due_slot(community, schedule, entry.cursor, now) {
                Some(latest) => due.push(DueSchedule { latest, entry }),
                // Nothing due after all: queued at its next slot.
                None => agenda.queue(entry.community, entry.schedule, now),
            }
        }
        // Catching up after downtime, posts go out in the order of their slots.
        due.sort_by_key(|d| d.latest);
        let served = agenda.served().clone();
        let mut queued = 0;
        for chunk in due.chunks(FIRE_CHUNK) {
            match self.fire_chunk(&served, chunk, now).await {
                Ok(fired) => {
                    queued += fired.posts;
                    if fired.posts > 0 {
                        // Delivery starts on this chunk while later ones are written.
                        self.announce_posts();
                    }
                    for (d, ok) in chunk.iter().zip(fired.ok) {
                        match ok {
                            true => agenda.queue(d.entry.community, d.entry.schedule, now),
                            false => agenda.retry_at(d.entry, now + RETRY_FIRING),
                        }
                    }
                }
                Err(error) => {
                    tracing::error!(schedules = chunk.len(), error = ?error, "firing a chunk of schedules failed");
                    for d in chunk {
                        agenda.retry_at(d.entry, now + RETRY_FIRING);
                    }
                }
            }
        }
        Ok(queued)
    }

    /// Plans the agenda of `which` from the stored cursors. A schedule seen
    /// for the first time (or a cursor older than timings) starts or is
    /// recorded; one whose times changed since its cursor was counted starts
    /// over: earlier slots, or the new times' slots from before the change (a
    /// reload, or an edit while hearth was down), never fire.
    async fn plan_agenda(
        &self,
        served: Arc<Served>,
        which: Communities<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Agenda> {
        let cursors = self.inner.store.schedule_cursors().await?;
        let mut agenda = Agenda::new(served.clone(), which.only());
        let mut first_sight: Vec<CursorKey> = Vec::new();
        let mut changed: Vec<CursorKey> = Vec::new();
        for (c, community) in served.config.communities.iter().enumerate().filter(|(_, c)| which.includes(c)) {
            let community_id = served.community_id(community)?;
            for (s, schedule) in community.schedules.iter().enumerate() {
                let key = || (community_id, schedule.id.as_str(), timing_of(community, schedule));
                let cursor = match cursors.get(&(community_id, schedule.id.clone())) {
                    None => {
                        first_sight.push(key());
                        now
                    }
                    Some(cursor)
                        if cursor.timing.as_deref().is_some_and(|was| !same_timing(was, community, schedule)) =>
                    {
                        changed.push(key());
                        now
                    }
                    Some(cursor) => {
                        if cursor.timing.is_none() {
                            first_sight.push(key());
                        }
                        cursor.checked_until
                    }
                };
                agenda.queue(c, s, cursor);
            }
        }
        if !first_sight.is_empty() || !changed.is_empty() {
            let mut writer = self.inner.store.writer().await?;
            let mut tx = WriteTx::begin(&mut writer).await?;
            tx.start_schedule_cursors(&first_sight, now).await?;
            tx.restart_schedule_cursors(&changed, now).await?;
            tx.commit().await?;
        }
        Ok(agenda)
    }

    /// `fire_due` on a thread of its own, like the writer: a busy instant is
    /// hundreds of statements, each a hand-off to the database's thread and
    /// back, and as a task each answer waited in the run queue first.
    async fn fire_due_on_own_thread(&self) -> anyhow::Result<usize> {
        let engine = self.clone();
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || runtime.block_on(engine.fire_due()))
            .await
            .map_err(|error| anyhow::anyhow!("the firing thread failed: {error}"))?
    }

    /// The next instant a schedule is due, from the agenda when it is
    /// planned for the config in force (else by looking at every schedule).
    async fn next_due_on_agenda(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let served = self.served();
        match &*self.inner.agenda.lock().await {
            Some(agenda) if agenda.plans(&served, None) => agenda.next_due(),
            _ => self.next_due_after(after),
        }
    }

    /// Fires `chunk` in one transaction. Optimistically without a savepoint
    /// per schedule (two statements each saved); should one schedule fail,
    /// the transaction is rolled back and the chunk fired again with a
    /// savepoint each, so the failing one rolls back alone and the others
    /// still post.
    async fn fire_chunk(&self, served: &Served, chunk: &[DueSchedule], now: DateTime<Utc>) -> anyhow::Result<Fired> {
        match self.fire_chunk_in(served, chunk, now, Isolation::Together).await {
            Ok(fired) => Ok(fired),
            Err(error) => {
                tracing::warn!(schedules = chunk.len(), error = ?error, "firing a chunk failed; firing it schedule by schedule");
                self.fire_chunk_in(served, chunk, now, Isolation::EachAlone).await
            }
        }
    }

    async fn fire_chunk_in(
        &self,
        served: &Served,
        chunk: &[DueSchedule],
        now: DateTime<Utc>,
        isolation: Isolation,
    ) -> anyhow::Result<Fired> {
        let mut found = Vec::with_capacity(chunk.len());
        for due in chunk {
            let community = served.config.communities.get(due.entry.community);
            let schedule = community.and_then(|c| c.schedules.get(due.entry.schedule));
            found.push(match (community, schedule) {
                (Some(community), Some(schedule)) => Some((community, schedule, served.community_id(community)?)),
                _ => None,
            });
        }
        let keys: Vec<(i64, &str)> = found.iter().flatten().map(|(_, s, id)| (*id, s.id.as_str())).collect();
        let mut writer = self.inner.store.writer().await?;
        let mut tx = WriteTx::begin(&mut writer).await?;
        // Read in the transaction: a slot another wake-up fired is seen.
        let cursors = tx.schedule_cursors_of(&keys).await?;
        let mut fired = Fired { posts: 0, ok: Vec::with_capacity(chunk.len()) };
        let mut looked_at: Vec<CursorKey> = Vec::with_capacity(chunk.len());
        for found in &found {
            let Some((community, schedule, community_id)) = *found else {
                fired.ok.push(false);
                continue;
            };
            let cursor = cursors.get(&(community_id, schedule.id.clone())).copied();
            if isolation == Isolation::EachAlone {
                tx.savepoint().await?;
            }
            match self.fire_schedule(&mut tx, community, community_id, schedule, cursor, now).await {
                Ok(posted) => {
                    if isolation == Isolation::EachAlone {
                        tx.release_savepoint().await?;
                    }
                    fired.posts += posted;
                    fired.ok.push(true);
                    looked_at.push((community_id, schedule.id.as_str(), timing_of(community, schedule)));
                }
                Err(error) if isolation == Isolation::EachAlone => {
                    tx.rollback_to_savepoint().await?;
                    fired.ok.push(false);
                    tracing::error!(
                        community = %community.id, schedule = %schedule.id, error = ?error,
                        "firing a schedule failed"
                    );
                }
                // Dropped uncommitted, the transaction rolls back whole.
                Err(error) => return Err(error),
            }
        }
        // Every schedule looked at has seen its slots up to now.
        tx.restart_schedule_cursors(&looked_at, now).await?;
        tx.commit().await?;
        Ok(fired)
    }

    /// Fires due slots for as long as the process runs, sleeping until the
    /// next slot (or a reload) in between. Spawned once at start, never from
    /// an adapter's connect handler, so reconnects cannot start a second one.
    pub async fn run_scheduler(self) {
        loop {
            if let Err(error) = self.fire_due_on_own_thread().await {
                tracing::error!(error = ?error, "firing due schedules failed");
            }
            let next = self.next_due_on_agenda(self.now()).await;
            // The wait is taken after the search, which itself takes tens of
            // milliseconds at many schedules; a slot it overran is due at once.
            let wait = next
                .map(|next| (next - self.now()).to_std().unwrap_or(std::time::Duration::ZERO))
                .unwrap_or(IDLE_WAKE)
                .min(IDLE_WAKE);
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.reloaded() => {}
            }
        }
    }

    /// A receiver that changes whenever posts are queued (delivery workers
    /// wait on it instead of polling).
    fn posts_queued(&self) -> watch::Receiver<u64> {
        self.inner.posts_queued.subscribe()
    }

    /// A delivery worker's loop: runs `pass` at once, then whenever posts are
    /// queued and at least every `recheck` (retries fall due), for as long
    /// as the engine lives.
    pub async fn deliver_while_running<F, Fut>(&self, recheck: std::time::Duration, mut pass: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let mut queued = self.posts_queued();
        loop {
            pass().await;
            tokio::select! {
                changed = queued.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(recheck) => {}
            }
        }
    }

    pub(super) fn announce_posts(&self) {
        self.inner.posts_queued.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Fires the slots of one schedule in `(cursor, now]` under its misfire
    /// policy (`cursor` as read in this transaction); the caller then moves
    /// the cursor to `now`.
    async fn fire_schedule(
        &self,
        tx: &mut WriteTx<'_>,
        community: &CommunityConfig,
        community_id: i64,
        schedule: &ScheduleConfig,
        cursor: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        let catalog = Catalog::new(community.locale);
        let scope = Scope::new(community, community_id, &catalog, now);
        // First sight of this schedule: it starts now; earlier slots never fire.
        let Some(cursor) = cursor else { return Ok(0) };
        let allowed = allowed_lateness(schedule);
        let from = scan_from(cursor, now, allowed);
        let slots = slots_between(&schedule.cron, community.timezone, from, now, SLOT_SCAN_LIMIT);
        // A cursor is only written when something was due, so an old one is
        // normal; warn only when slots before the scanned window were missed.
        if next_slot(&schedule.cron, community.timezone, cursor).is_some_and(|slot| slot.at <= from) {
            tracing::warn!(
                community = %community.id,
                schedule = %schedule.id,
                since = %fmt_time(cursor),
                "down for long: slots more than two days past their grace are skipped unlisted"
            );
        }
        let mut queued = 0;
        if let Some((latest, older)) = slots.split_last() {
            let mut skipped: Vec<String> = older.iter().map(|s| s.key()).collect();
            if now - latest.at <= allowed {
                queued += self.post_slot(tx, &scope, schedule, &latest.key(), latest.at).await?;
            } else {
                skipped.push(latest.key());
            }
            if !skipped.is_empty() {
                tracing::warn!(
                    community = %community.id,
                    schedule = %schedule.id,
                    count = skipped.len(),
                    first = %skipped[0],
                    last = %skipped[skipped.len() - 1],
                    misfire = ?schedule.misfire,
                    "missed slots skipped (local times)"
                );
            }
        }
        Ok(queued)
    }

    /// Claims `slot` and queues its post for every delivery target; 0 when the
    /// slot was claimed before or the action builds no post.
    async fn post_slot(
        &self,
        tx: &mut WriteTx<'_>,
        scope: &Scope<'_>,
        schedule: &ScheduleConfig,
        slot: &str,
        due_at: DateTime<Utc>,
    ) -> anyhow::Result<usize> {
        Ok(match self.claim_and_post(tx, scope, schedule, slot, due_at).await? {
            SlotOutcome::Posted(targets) => {
                crate::metrics::scheduler_lateness((scope.now - due_at).to_std().unwrap_or_default());
                targets
            }
            SlotOutcome::ClaimedBefore | SlotOutcome::NothingToPost => 0,
        })
    }

    async fn claim_and_post(
        &self,
        tx: &mut WriteTx<'_>,
        scope: &Scope<'_>,
        schedule: &ScheduleConfig,
        slot: &str,
        due_at: DateTime<Utc>,
    ) -> anyhow::Result<SlotOutcome> {
        let (community, community_id, now) = (scope.community, scope.community_id, scope.now);
        if !tx.claim_slot(community_id, &schedule.id, slot, due_at, now).await? {
            return Ok(SlotOutcome::ClaimedBefore);
        }
        let post = posts::build(scope, tx, schedule, slot).await.map_err(|e| match e {
            super::CommandError::Unknown(error) => error,
            refusal => anyhow::anyhow!("building a post was refused: {refusal}"),
        })?;
        let Some(post) = post else {
            return Ok(SlotOutcome::NothingToPost);
        };
        let body = serde_json::to_string(&post)?;
        // Only the running platforms this community has a chat on.
        let targets: Vec<Platform> =
            self.inner.targets.iter().copied().filter(|target| links_platform(community, *target)).collect();
        for target in &targets {
            tx.enqueue_post(community_id, &schedule.id, slot, target.as_str(), &body, now).await?;
        }
        tracing::info!(community = %community.id, schedule = %schedule.id, slot, due = %fmt_time(due_at), "slot posted");
        Ok(SlotOutcome::Posted(targets.len()))
    }

    /// `/post <schedule>`: fires a schedule now, as a slot of its own, so its
    /// regular slots are not disturbed. Every `/post` is a new slot; one that
    /// would post nothing says why and changes nothing.
    pub(super) async fn post_now(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut WriteTx<'_>,
        schedule_id: &str,
    ) -> Result<Reply, CommandError> {
        let cat = ctx.catalog;
        // Admins only: the router's gate (`Command::is_admin_only`) saw to it.
        let Some(schedule) = ctx.community.schedules.iter().find(|s| s.id == schedule_id) else {
            let known: Vec<&str> = ctx.community.schedules.iter().map(|s| s.id.as_str()).collect();
            if known.is_empty() {
                return Ok(Reply::ephemeral().text(cat.text("error-no-schedules")));
            }
            return Ok(Reply::ephemeral().text(cat.fmt(
                "error-unknown-schedule",
                &[("schedule", schedule_id.into()), ("known", known.join(&cat.text("list-separator")).into())],
            )));
        };
        // A platform event (a redelivered update) posts once; otherwise
        // each /post is the next number, never the same key twice.
        let slot = match ctx.event_id {
            Some(event) => format!("manual:{}:{event}", ctx.platform().as_str()),
            None => format!("manual:{}", tx.manual_claims(ctx.community_id, &schedule.id).await? + 1),
        };
        match self.claim_and_post(tx, &ctx.scope, schedule, &slot, ctx.now).await? {
            SlotOutcome::Posted(_) | SlotOutcome::ClaimedBefore => {
                Ok(Reply::ephemeral().text(cat.fmt("post-done", &[("schedule", schedule.id.as_str().into())])))
            }
            // The refusal rolls the claim back with the command's savepoint.
            SlotOutcome::NothingToPost => {
                Err(CommandError::Refused(posts::nothing_to_post(&ctx.scope, tx, schedule).await?))
            }
        }
    }

    /// Takes the posts waiting for `target` in `community`, oldest first, to
    /// deliver them: no other process gets them for `DELIVERY_LEASE`, unless
    /// they are recorded (delivered or failed) before.
    pub async fn pending_posts(&self, target: Platform, community: &str) -> anyhow::Result<Vec<PendingPost>> {
        let now = self.now();
        let store = &self.inner.store;
        let rows = store
            .lease_pending_posts(target.as_str(), community, now, now + DELIVERY_LEASE, deliverer(), DELIVERY_BATCH)
            .await?;
        let mut posts = Vec::with_capacity(rows.len());
        for row in rows {
            match serde_json::from_str::<Reply>(&row.body) {
                Ok(reply) => {
                    posts.push(PendingPost { id: row.id, schedule_id: row.schedule_id, reply, attempts: row.attempts })
                }
                Err(error) => {
                    tracing::error!(post = row.id, error = %error, "an outbox post does not decode");
                    self.inner.store.mark_attempt_failed(row.id, "body does not decode", None).await?;
                }
            }
        }
        Ok(posts)
    }

    /// Pending posts for `target` in every community that links it, oldest
    /// first. A community whose outbox cannot be read is logged and skipped.
    pub async fn pending_posts_by_community(&self, target: Platform) -> Vec<(CommunityConfig, Vec<PendingPost>)> {
        let served = self.served();
        let mut pending = Vec::new();
        for community in served.config.communities.iter().filter(|c| links_platform(c, target)) {
            match self.pending_posts(target, &community.id).await {
                Ok(posts) if posts.is_empty() => {}
                Ok(posts) => pending.push((community.clone(), posts)),
                Err(error) => tracing::error!(community = %community.id, error = ?error, "reading the outbox failed"),
            }
        }
        pending
    }

    /// Records a failed delivery with its reason: tried again after a backoff
    /// (30 s, doubling, at most an hour), or failed for good when the error is
    /// `permanent` (bot removed, chat gone) or after `MAX_DELIVERY_ATTEMPTS`.
    pub async fn delivery_failed(&self, post: &PendingPost, reason: &str, permanent: bool) -> anyhow::Result<()> {
        let attempts = post.attempts + 1;
        let retry_at = (!permanent && attempts < MAX_DELIVERY_ATTEMPTS).then(|| self.now() + retry_after(attempts));
        if retry_at.is_none() {
            tracing::warn!(post = post.id, schedule = %post.schedule_id, attempts, reason, "post failed for good");
        }
        self.inner.store.mark_attempt_failed(post.id, reason, retry_at).await
    }

    /// Records that a post reached its chat.
    pub async fn mark_delivered(&self, post_id: i64, message_id: Option<&str>) -> anyhow::Result<()> {
        self.inner.store.mark_sent(post_id, message_id, self.now()).await
    }

    /// Outbox posts of each running delivery target by status (`pending`,
    /// `sent`, `failed`), zeros included, so a count that fell to 0 reads 0.
    pub async fn outbox_counts(&self) -> anyhow::Result<Vec<(Platform, &'static str, u64)>> {
        let rows = self.inner.store.outbox_counts().await?;
        let mut counts = Vec::new();
        for &target in &self.inner.targets {
            for status in ["pending", "sent", "failed"] {
                let n = rows.iter().find(|(t, s, _)| t == target.as_str() && s == status).map_or(0, |row| row.2);
                counts.push((target, status, u64::try_from(n).unwrap_or(0)));
            }
        }
        Ok(counts)
    }
}

/// Whose schedules a wake-up fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Communities<'a> {
    /// Every configured community (`hearth run`).
    All,
    /// The community with this id (a console speaks in one).
    Only(&'a str),
}

impl Communities<'_> {
    fn only(&self) -> Option<&str> {
        match self {
            Communities::All => None,
            Communities::Only(id) => Some(id),
        }
    }

    fn includes(&self, community: &CommunityConfig) -> bool {
        match self {
            Communities::All => true,
            Communities::Only(id) => community.id == *id,
        }
    }
}

/// Whether a community has a chat on `platform` (the console speaks in every one).
fn links_platform(community: &CommunityConfig, platform: Platform) -> bool {
    match platform {
        Platform::Console => true,
        Platform::Discord => community.discord.is_some(),
        Platform::Telegram => community.telegram.is_some(),
    }
}

/// What claiming a slot came to.
enum SlotOutcome {
    /// Queued for this many delivery targets.
    Posted(usize),
    /// The slot was claimed before: it must not post again.
    ClaimedBefore,
    /// The action had nothing to post (an empty topic pool, a challenge
    /// phase that does not apply now).
    NothingToPost,
}

/// Whether the schedules of a chunk share one fate or each has a savepoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Isolation {
    Together,
    EachAlone,
}

/// What firing a chunk came to: posts queued, and whether each schedule fired.
struct Fired {
    posts: usize,
    ok: Vec<bool>,
}

/// A schedule with a slot in `(cursor, now]`, found by a wake-up.
struct DueSchedule {
    /// Its latest such slot that a wake-up looks at; the firing order.
    latest: DateTime<Utc>,
    entry: Entry,
}

/// How late a slot may fire under the schedule's misfire policy.
fn allowed_lateness(schedule: &ScheduleConfig) -> Duration {
    match schedule.misfire {
        Misfire::CatchUp => schedule.grace.max(ON_TIME),
        Misfire::Skip => ON_TIME,
    }
}

/// The instant of the latest slot in `(cursor, now]`, if any; `None` means
/// a wake-up has nothing to do for this schedule. Looks for the first slot
/// after the cursor first (cheap), and scans only for schedules that have one.
fn latest_due_slot(
    community: &CommunityConfig,
    schedule: &ScheduleConfig,
    cursor: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let first = next_slot(&schedule.cron, community.timezone, cursor).filter(|slot| slot.at <= now)?;
    let from = scan_from(cursor, now, allowed_lateness(schedule));
    let latest = slots_between(&schedule.cron, community.timezone, from, now, SLOT_SCAN_LIMIT).pop();
    // Slots all before the scanned window still need a wake-up: to skip them.
    Some(latest.map_or(first.at, |slot| slot.at))
}

/// Where a wake-up starts looking for missed slots: at the cursor, but never
/// more than two days before the oldest slot that could still fire, so a
/// long downtime costs a bounded scan and the latest slot is always seen.
fn scan_from(cursor: DateTime<Utc>, now: DateTime<Utc>, allowed: Duration) -> DateTime<Utc> {
    cursor.max(now - allowed - Duration::days(2))
}

/// The wait before attempt `attempts + 1`.
fn retry_after(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (FIRST_RETRY * 2i32.pow(doublings.min(16))).min(LONGEST_RETRY)
}

/// This process as the outbox names a post's taker: host and process id.
fn deliverer() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|host| host.trim().to_string())
            .filter(|host| !host.is_empty())
            .unwrap_or_else(|| "unknown host".to_string());
        format!("{host} pid {}", std::process::id())
    })
}

/// The times a schedule's slots are counted in, as its cursor records them.
fn timing_of(community: &CommunityConfig, schedule: &ScheduleConfig) -> String {
    format!("{}{TIMING_SEPARATOR}{}", schedule.cron.source(), community.timezone.name())
}

const TIMING_SEPARATOR: &str = " @ ";

/// `timing_of` compared without building it: a wake-up checks every schedule.
fn same_timing(recorded: &str, community: &CommunityConfig, schedule: &ScheduleConfig) -> bool {
    recorded
        .strip_prefix(schedule.cron.source())
        .and_then(|rest| rest.strip_prefix(TIMING_SEPARATOR))
        .is_some_and(|zone| zone == community.timezone.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_are_capped() {
        assert_eq!(retry_after(1), Duration::seconds(30));
        assert_eq!(retry_after(2), Duration::seconds(60));
        assert_eq!(retry_after(4), Duration::seconds(240));
        assert_eq!(retry_after(12), Duration::hours(1));
    }
}
