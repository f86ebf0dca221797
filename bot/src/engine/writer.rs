//! Group commit. Every command goes through one queue to one writer task,
//! which takes everything queued (up to `MAX_BATCH`) into one transaction:
//! check-ins of a community set-based (a fixed number of statements for any
//! number of them), every other command under its own savepoint, so one
//! failing command rolls back alone. Answers go out only after the commit.
//!
//! Why: each statement is a round trip to sqlx's SQLite thread and every
//! commit a WAL append, so sharing them between queued commands is what lets
//! throughput grow with load while an idle bot still answers at once.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::checkin::{self, CheckinAnswer, CheckinRequest};
use super::{Engine, Inner, Request, Scope, Served};
use crate::command::Command;
use crate::config::CommunityConfig;
use crate::i18n::Catalog;
use crate::metrics::{self, Outcome};
use crate::reply::Reply;
use crate::store::{InboxKey, NewInboxEntry, WriteTx, is_transaction_conflict};

/// The most commands one transaction takes.
pub const MAX_BATCH: usize = 1_024;
/// Commands waiting for the writer; further senders wait (back-pressure).
pub const QUEUE_CAPACITY: usize = 8_192;
/// How often a batch runs when other processes' transactions keep failing
/// it (deadlocks on PostgreSQL) before its commands get the generic error.
const BATCH_ATTEMPTS: u32 = 8;

/// Work waiting for the writer. Inbox work shares the batch's transaction
/// (and its one fsync) with the commands.
pub enum Job {
    Command(Box<CommandJob>),
    /// Record an update before it is acknowledged; answers whether it is new.
    Accept {
        entry: NewInboxEntry,
        answer: oneshot::Sender<bool>,
    },
    /// Mark an update finished that had no command to carry it (or a
    /// read-only one, answered beside the writer); answers whether it was
    /// still open.
    Done {
        key: InboxKey,
        answer: oneshot::Sender<bool>,
    },
}

/// A command waiting for the writer, with the config it was accepted under.
pub struct CommandJob {
    pub request: Request,
    pub served: Arc<Served>,
    /// The inbox row this command came from: marked done in its transaction.
    pub inbox: Option<InboxKey>,
    pub answer: oneshot::Sender<Answer>,
}

/// What the writer hands back after the commit: a finished reply, or a
/// check-in's outcome for the asker's task to word (`CheckinAnswer::render`).
pub enum Answer {
    Reply(Reply),
    Checkin { answer: CheckinAnswer, at: DateTime<Utc> },
}

/// What a committed batch hands back.
struct Committed {
    /// The replies and how each command ended, in `work` order.
    replies: Vec<Answer>,
    outcomes: Vec<Outcome>,
    /// Whether a post was queued.
    posted: bool,
    /// Which accepted updates were new.
    new: Vec<bool>,
    /// Whether each `Job::Done` row was still open.
    was_open: Vec<bool>,
}

/// A command of a batch with the config it was accepted under.
type Work = (Request, Arc<Served>);

/// A batch's inbox work: updates to record, and updates whose effect (or
/// lack of one) this transaction holds.
#[derive(Clone, Copy)]
struct InboxWork<'a> {
    accept: &'a [NewInboxEntry],
    done: &'a [InboxKey],
    /// Each command's inbox row, in `work` order.
    of_command: &'a [Option<InboxKey>],
    /// The rows of `Job::Done`, in order: each is told whether it was open.
    finished: &'a [InboxKey],
}

/// The writer task: runs until every `Engine` clone is gone.
pub async fn run(inner: Weak<Inner>, mut queue: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let Some(inner) = inner.upgrade() else { break };
        let engine = Engine { inner };
        engine.run_batch(std::mem::take(&mut jobs)).await;
        // After the answers went out, before the next transaction.
        if let Err(error) = engine.inner.store.finish_checkpoint_if_due().await {
            tracing::warn!(error = ?error, "finishing a WAL checkpoint failed");
        }
    }
}

impl Engine {
    async fn run_batch(&self, jobs: Vec<Job>) {
        metrics::writer_batch(jobs.len());
        let mut work: Vec<Work> = Vec::new();
        let mut answers: Vec<oneshot::Sender<Answer>> = Vec::new();
        let mut entries: Vec<NewInboxEntry> = Vec::new();
        let mut accepted: Vec<oneshot::Sender<bool>> = Vec::new();
        let mut done: Vec<InboxKey> = Vec::new();
        let mut finished: Vec<InboxKey> = Vec::new();
        let mut done_answers: Vec<oneshot::Sender<bool>> = Vec::new();
        let mut of_command: Vec<Option<InboxKey>> = Vec::new();
        for job in jobs {
            match job {
                Job::Command(job) => {
                    let job = *job;
                    done.extend(job.inbox);
                    of_command.push(job.inbox);
                    work.push((job.request, job.served));
                    answers.push(job.answer);
                }
                Job::Accept { entry, answer } => {
                    entries.push(entry);
                    accepted.push(answer);
                }
                Job::Done { key, answer } => {
                    done.push(key);
                    finished.push(key);
                    done_answers.push(answer);
                }
            }
        }
        let now = self.now();
        let inbox = InboxWork { accept: &entries, done: &done, of_command: &of_command, finished: &finished };
        let replies = match self.run_until_committed(&work, inbox, now).await {
            Ok(Committed { replies, outcomes, posted, new, was_open }) => {
                count_outcomes(&work, &outcomes);
                if posted {
                    self.announce_posts();
                }
                for (answer, new) in accepted.into_iter().zip(new) {
                    let _ = answer.send(new);
                }
                for (answer, was_open) in done_answers.into_iter().zip(was_open) {
                    let _ = answer.send(was_open);
                }
                replies
            }
            Err(error) => {
                // Inbox askers see their senders dropped: not recorded, not done.
                tracing::error!(commands = work.len(), updates = entries.len(), error = ?error, "a batch failed");
                count_outcomes(&work, &vec![Outcome::Error; work.len()]);
                work.iter().map(|(request, served)| Answer::Reply(internal_error(served, request))).collect()
            }
        };
        for (answer, reply) in answers.into_iter().zip(replies) {
            // The asker may have gone (a cancelled request); the work is done either way.
            let _ = answer.send(reply);
        }
    }

    /// Runs the batch, again from the start when the database failed its
    /// transaction for a conflict with another process's (a deadlock): the
    /// answers wait for the commit, so nobody sees the failed attempts.
    async fn run_until_committed(
        &self,
        work: &[Work],
        inbox: InboxWork<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Committed> {
        let mut attempt = 1;
        loop {
            match self.run_in_one_transaction(work, inbox, now).await {
                Err(error) if attempt < BATCH_ATTEMPTS && is_transaction_conflict(&error) => {
                    tracing::warn!(attempt, commands = work.len(), error = ?error, "a batch met a concurrent transaction; running it again");
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// Runs the batch and commits it.
    async fn run_in_one_transaction(
        &self,
        work: &[Work],
        inbox: InboxWork<'_>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Committed> {
        let mut writer = self.inner.store.writer().await?;
        let mut tx = WriteTx::begin(&mut writer).await?;
        let new = tx.inbox_accept(inbox.accept, now).await?;
        let mut replies: Vec<Option<Answer>> = std::iter::repeat_with(|| None).take(work.len()).collect();
        let mut outcomes = vec![Outcome::Error; work.len()];
        let mut posted = false;

        // An update another process (or an earlier run) already applied is
        // answered with nothing: its effect and its reply happened there.
        let keys: Vec<InboxKey> = inbox.of_command.iter().flatten().chain(inbox.finished).copied().collect();
        let open = tx.inbox_open(&keys).await?;
        let was_open = inbox.finished.iter().map(|key| open.contains(key)).collect();
        let (applied, to_run): (Vec<usize>, Vec<usize>) =
            (0..work.len()).partition(|&i| inbox.of_command[i].is_some_and(|key| !open.contains(&key)));
        for i in applied {
            replies[i] = Some(Answer::Reply(Reply::default()));
            outcomes[i] = Outcome::Refused;
        }
        let (checkins, others): (Vec<usize>, Vec<usize>) =
            to_run.into_iter().partition(|&i| matches!(work[i].0.command, Command::Checkin { .. }));
        for group in by_community(work, &checkins) {
            let (request, served) = &work[group[0]];
            let Some(community) = served.community_for(&request.chat) else {
                for &i in &group {
                    replies[i] = Some(Answer::Reply(unlinked(&work[i].0)));
                    outcomes[i] = Outcome::Refused;
                }
                continue;
            };
            let catalog = Catalog::new(community.locale);
            let scope = Scope::new(community, served.community_id(community)?, &catalog, now);
            let requests: Vec<CheckinRequest> = group
                .iter()
                .map(|&i| CheckinRequest { actor: &work[i].0.actor, note: checkin_note(&work[i].0.command) })
                .collect();
            tx.savepoint().await?;
            match checkin::checkin_all(&scope, &mut tx, &requests).await {
                Ok(answers) => {
                    tx.release_savepoint().await?;
                    for (&i, answer) in group.iter().zip(answers) {
                        outcomes[i] = match answer {
                            CheckinAnswer::Counted(_) => Outcome::Ok,
                            CheckinAnswer::Already { .. } => Outcome::Refused,
                        };
                        replies[i] = Some(Answer::Checkin { answer, at: now });
                    }
                }
                Err(error) if is_transaction_conflict(&error) => return Err(error),
                Err(error) => {
                    tx.rollback_to_savepoint().await?;
                    tracing::error!(community = %community.id, checkins = group.len(), error = ?error, "check-ins failed");
                    group.iter().for_each(|&i| replies[i] = Some(Answer::Reply(internal_error(served, &work[i].0))));
                }
            }
        }

        for i in others {
            let (request, served) = &work[i];
            let Some(community) = served.community_for(&request.chat) else {
                replies[i] = Some(Answer::Reply(unlinked(request)));
                outcomes[i] = Outcome::Refused;
                continue;
            };
            tx.savepoint().await?;
            let reply = self.run_one(&mut tx, served, community, request, now).await;
            match reply {
                Ok(reply) => {
                    tx.release_savepoint().await?;
                    posted |= matches!(request.command, Command::Post { .. });
                    replies[i] = Some(Answer::Reply(reply));
                    outcomes[i] = Outcome::Ok;
                }
                Err(Failed::Conflict(error)) => return Err(error),
                Err(Failed::Refused(reply, outcome)) => {
                    tx.rollback_to_savepoint().await?;
                    replies[i] = Some(Answer::Reply(*reply));
                    outcomes[i] = outcome;
                }
            }
        }
        tx.inbox_done(inbox.done, now).await?;
        tx.commit().await?;
        let replies = replies.into_iter().map(|answer| answer.unwrap_or_else(|| Answer::Reply(Reply::default())));
        Ok(Committed { replies: replies.collect(), outcomes, posted, new, was_open })
    }

    /// One command under a savepoint: `Err` carries the refusal to show
    /// after its changes are rolled back and whether it failed inside, or
    /// a conflict that fails the whole batch's transaction.
    async fn run_one(
        &self,
        tx: &mut WriteTx<'_>,
        served: &Served,
        community: &CommunityConfig,
        request: &Request,
        now: DateTime<Utc>,
    ) -> Result<Reply, Failed> {
        let catalog = Catalog::new(community.locale);
        self.run(tx, served, community, &catalog, request, now).await.map_err(|error| match error {
            super::CommandError::Unknown(error) if is_transaction_conflict(&error) => Failed::Conflict(error),
            error => {
                super::error::log_unknown(community, &request.command, &error);
                let outcome =
                    if matches!(error, super::CommandError::Unknown(_)) { Outcome::Error } else { Outcome::Refused };
                Failed::Refused(Box::new(error.to_reply(&catalog)), outcome)
            }
        })
    }
}

/// How one command of a batch did not succeed.
enum Failed {
    /// Refused or failed inside: its reply, once its changes are rolled back.
    Refused(Box<Reply>, Outcome),
    /// The database failed the transaction for a concurrent one's sake.
    Conflict(anyhow::Error),
}

/// Check-in indexes grouped by community (and config in force), in order of
/// first appearance.
fn by_community(work: &[Work], indexes: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<(*const Served, Option<&str>), usize> = HashMap::new();
    for &i in indexes {
        let (request, served) = &work[i];
        let community = served.community_for(&request.chat).map(|c| c.id.as_str());
        let key = (Arc::as_ptr(served), community);
        let group = *group_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(i);
    }
    groups
}

/// Counts a batch's commands by name and outcome: one increment per pair,
/// not per command, so a full batch costs a few recorder calls.
fn count_outcomes(work: &[Work], outcomes: &[Outcome]) {
    let mut counts: HashMap<(&'static str, Outcome), u64> = HashMap::new();
    for ((request, _), outcome) in work.iter().zip(outcomes) {
        *counts.entry((metrics::command_name(&request.command), *outcome)).or_default() += 1;
    }
    for ((command, outcome), n) in counts {
        metrics::commands(command, outcome, n);
    }
}

fn checkin_note(command: &Command) -> Option<&str> {
    match command {
        Command::Checkin { note } => note.as_deref(),
        _ => None,
    }
}

fn unlinked(request: &Request) -> Reply {
    super::error::unlinked_chat_reply(&Catalog::new(crate::config::Locale::En), &request.chat)
}

/// The generic answer to a command that failed inside, in its community's language.
fn internal_error(served: &Served, request: &Request) -> Reply {
    let locale = served.community_for(&request.chat).map_or(crate::config::Locale::En, |c| c.locale);
    Reply::ephemeral().text(Catalog::new(locale).text("error-internal"))
}
