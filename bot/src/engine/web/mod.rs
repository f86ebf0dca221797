//! The web adapter's side of the engine: login links and sessions, the
//! admin dashboard's figures, the public leaderboard. Each method checks
//! who may see what and reads from the read model (a reader connection,
//! never the writer); the adapter only parses, calls one method and renders.

mod board;
mod dashboard;
mod login;
mod rollups;
mod types;

pub(super) use login::dashboard_link;
pub use login::{LOGIN_VALID_FOR, SESSION_VALID_FOR};
pub(super) use rollups::rebuild_if_missing as rebuild_rollups_if_missing;
pub use types::*;

use std::sync::Arc;

use crate::config::CommunityConfig;

use super::{Engine, Served};

/// A configured community and its database id.
struct Known {
    served: Arc<Served>,
    index: usize,
    id: i64,
}

impl Known {
    fn config(&self) -> &CommunityConfig {
        &self.served.config.communities[self.index]
    }
}

impl Engine {
    /// Where links that hearth prints point (`HEARTH_PUBLIC_URL`, or the
    /// HTTP listener's address); without one, `/dashboard` says the web
    /// pages are off.
    pub fn set_public_url(&self, url: &str) {
        let url = url.trim_end_matches('/').to_string();
        *self.inner.public_url.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(url);
    }

    pub fn public_url(&self) -> Option<String> {
        self.inner.public_url.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// A configured community by its slug.
    pub fn web_community(&self, id: &str) -> Option<CommunityView> {
        let known = self.known(id)?;
        let community = known.config();
        let days = crate::domain::day::DayBoundary::new(community.timezone, community.checkin.day_starts_at);
        Some(CommunityView {
            id: community.id.clone(),
            name: community.name.clone(),
            locale: community.locale,
            timezone: community.timezone,
            public: community.web.public,
            today: days.day_of(self.now()),
        })
    }

    fn known(&self, slug: &str) -> Option<Known> {
        let served = self.served();
        let index = served.config.communities.iter().position(|c| c.id == slug)?;
        let id = *served.community_ids.get(slug)?;
        Some(Known { served, index, id })
    }

    /// The slug of a community by its database id.
    fn slug_of(&self, community_id: i64) -> Option<String> {
        self.served().community_ids.iter().find(|(_, id)| **id == community_id).map(|(slug, _)| slug.clone())
    }
}
