//! The public leaderboard and member cards: shown when the community's
//! board is public (`[community.web] public = true`), or to a signed-in
//! admin of that community; `NotFound` otherwise, so a private board does
//! not even say it exists.

use std::collections::HashMap;

use chrono::Duration;

use crate::command::Window;
use crate::domain::day::DayBoundary;
use crate::domain::level::{LevelProgress, level_for};
use crate::store::Board;
use crate::store::web::BoardOf;

use super::super::Engine;
use super::{BoardEntry, BoardPage, Known, MemberCard, MemberId, WebError};

/// Members on one page of the board.
pub const BOARD_PAGE: i64 = 50;
/// The longest name search taken (characters).
pub const SEARCH_MAX_CHARS: usize = 100;
/// Weeks the member card's check-in calendar shows.
const CALENDAR_WEEKS: i64 = 12;

impl Engine {
    /// A community whose board the viewer may see.
    async fn board_viewer(&self, community: &str, session_token: Option<&str>) -> Result<Known, WebError> {
        let known = self.known(community).ok_or(WebError::NotFound)?;
        if known.config().web.public {
            return Ok(known);
        }
        match self.admin_session(session_token, community).await {
            Ok(_) => Ok(known),
            Err(WebError::Unknown(error)) => Err(WebError::Unknown(error)),
            Err(_) => Err(WebError::NotFound),
        }
    }

    /// One page (1-based, 50 members) of the board of `window`, optionally
    /// of names containing `search`. Ranks are over the whole board.
    pub async fn leaderboard_page(
        &self,
        community: &str,
        session_token: Option<&str>,
        window: Window,
        page: u32,
        search: Option<&str>,
    ) -> Result<BoardPage, WebError> {
        let known = self.board_viewer(community, session_token).await?;
        let config = known.config();
        let days = DayBoundary::new(config.timezone, config.checkin.day_starts_at);
        let today = days.day_of(self.now());
        let board = match window {
            Window::All => Some(BoardOf::AllTime),
            Window::Week => Some(BoardOf::Maintained(Board::Week(DayBoundary::week_start(today)))),
            Window::Month => Some(BoardOf::Maintained(Board::Month(DayBoundary::month_start(today)))),
            Window::Season => config
                .seasons
                .iter()
                .find(|s| s.start <= today && today <= s.end)
                .map(|s| BoardOf::Days(s.start, s.end)),
        };
        let page = page.max(1);
        let Some(board) = board else {
            return Ok(BoardPage { window, page, more: false, entries: Vec::new() });
        };
        let search: Option<String> =
            search.map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(SEARCH_MAX_CHARS).collect());
        let mut reads = self.inner.store.read_model().await?;
        let offset = i64::from(page - 1) * BOARD_PAGE;
        let mut standings = reads.board_page(known.id, board, search.as_deref(), offset, BOARD_PAGE + 1).await?;
        let more = standings.len() as i64 > BOARD_PAGE;
        standings.truncate(BOARD_PAGE as usize);
        let ids: Vec<i64> = standings.iter().map(|s| s.member_id).collect();
        let balances = reads.balances(&ids).await?;
        let badges = badge_names(config, reads.badges_held(&ids).await?);
        let entries = standings
            .into_iter()
            .map(|s| {
                let balance = balances.get(&s.member_id).copied().unwrap_or(0);
                let (level, level_starts_at) = level_of(balance, &config.points.levels);
                BoardEntry {
                    rank: s.rank,
                    member_id: MemberId(s.member_id),
                    name: s.name,
                    points: s.points,
                    level,
                    level_starts_at,
                    balance,
                    badges: badges.get(&s.member_id).cloned().unwrap_or_default(),
                }
            })
            .collect();
        Ok(BoardPage { window, page, more, entries })
    }

    /// A member's card: level progress, streak, badges, 12 weeks of check-ins.
    pub async fn member_card(
        &self,
        community: &str,
        session_token: Option<&str>,
        member: MemberId,
    ) -> Result<MemberCard, WebError> {
        let known = self.board_viewer(community, session_token).await?;
        let config = known.config();
        let mut reads = self.inner.store.read_model().await?;
        if reads.community_of_member(member.0).await? != Some(known.id) {
            return Err(WebError::NotFound);
        }
        let row = reads.member(member.0).await?.ok_or(WebError::NotFound)?;
        let days = DayBoundary::new(config.timezone, config.checkin.day_starts_at);
        let today = days.day_of(self.now());
        let balance = reads.balance(member.0).await?;
        let (level, level_starts_at) = level_of(balance, &config.points.levels);
        let badges = badge_names(config, reads.badges_held(&[member.0]).await?).remove(&member.0).unwrap_or_default();
        let first = DayBoundary::week_start(today) - Duration::weeks(CALENDAR_WEEKS - 1);
        let checked: std::collections::HashSet<_> =
            reads.checkin_days_of(member.0, first, today).await?.into_iter().collect();
        let calendar = first.iter_days().take_while(|d| *d <= today).map(|d| (d, checked.contains(&d))).collect();
        let streak = row.streak.current(today);
        Ok(MemberCard {
            member_id: member,
            name: row.name,
            balance,
            level,
            level_starts_at,
            streak,
            best_streak: row.best_streak.max(streak),
            badges,
            calendar,
        })
    }
}

/// Level progress and where that level began.
fn level_of(balance: i64, curve: &[i64]) -> (LevelProgress, i64) {
    let level = level_for(balance, curve);
    let starts_at = curve.get(level.level as usize - 1).copied().unwrap_or(0);
    (level, starts_at)
}

/// Badge ids held → the configured names, in config order.
fn badge_names(config: &crate::config::CommunityConfig, held: HashMap<i64, Vec<String>>) -> HashMap<i64, Vec<String>> {
    held.into_iter()
        .map(|(member, ids)| {
            let names = config.badges.iter().filter(|b| ids.contains(&b.id)).map(|b| b.name.clone()).collect();
            (member, names)
        })
        .collect()
}
