//! One-time login links and sessions. `/dashboard` grants a link (random,
//! single use, 10 minutes by the engine's clock, for that admin and
//! community); its POST trades it for a 12-hour session. Only SHA-256
//! hashes of the tokens are stored.

use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::reply::{Line, Reply, Span};
use crate::store::WriteTx;
use crate::store::web::{LoginGrant, NewWebSession};

use super::super::{CommandError, Ctx, Engine};
use super::{LoginOffer, NewSession, Session, WebError};

pub const LOGIN_VALID_FOR: Duration = Duration::minutes(10);
pub const SESSION_VALID_FOR: Duration = Duration::hours(12);
/// Random bytes in a token (256 bits), written as 64 hex digits.
const TOKEN_BYTES: usize = 32;

/// A fresh random token: rand's thread generator is a CSPRNG (ChaCha12)
/// seeded, and reseeded, from the operating system.
fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored for a token. A token that is not 64 lowercase hex
/// digits is refused before it is hashed or looked up.
pub(super) fn token_hash(token: &str) -> Option<String> {
    let well_formed = token.len() == TOKEN_BYTES * 2 && token.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    well_formed.then(|| hex(&Sha256::digest(token.as_bytes())))
}

/// `/dashboard`: a private reply with a one-time login link.
pub(in crate::engine) async fn dashboard_link(
    ctx: &Ctx<'_>,
    tx: &mut WriteTx<'_>,
    public_url: Option<&str>,
) -> Result<Reply, CommandError> {
    let cat = ctx.catalog;
    let Some(base) = public_url else {
        return Ok(Reply::ephemeral().text(cat.text("dashboard-off")));
    };
    let token = new_token();
    let hash = token_hash(&token).ok_or_else(|| anyhow::anyhow!("a fresh token is not well formed"))?;
    tx.grant_login(LoginGrant {
        token_hash: &hash,
        community_id: ctx.community_id,
        member_id: ctx.member.id,
        now: ctx.now,
        expires_at: ctx.now + LOGIN_VALID_FOR,
    })
    .await?;
    let url = format!("{base}/login/{token}");
    Ok(Reply::ephemeral()
        .text(cat.fmt("dashboard-link", &[("minutes", LOGIN_VALID_FOR.num_minutes().into())]))
        .line(Line(vec![Span::Link { text: url.clone(), url }])))
}

impl Engine {
    /// What a login link would open, without using it up (its GET page).
    pub async fn login_offer(&self, token: &str) -> Result<LoginOffer, WebError> {
        let hash = token_hash(token).ok_or(WebError::Unauthorized)?;
        let mut reads = self.inner.store.read_model().await?;
        let login = reads.login_offer(&hash, self.now()).await?.ok_or(WebError::Unauthorized)?;
        drop(reads);
        let community = self.slug_of(login.community_id).ok_or(WebError::Unauthorized)?;
        Ok(LoginOffer { community, member_name: login.member_name })
    }

    /// Uses up a login link and opens a session: of two POSTs of one link,
    /// one gets `Unauthorized`.
    pub async fn redeem_login(&self, token: &str) -> Result<NewSession, WebError> {
        let hash = token_hash(token).ok_or(WebError::Unauthorized)?;
        let session_token = new_token();
        let session_hash = token_hash(&session_token).ok_or_else(|| anyhow::anyhow!("a fresh token is malformed"))?;
        let csrf = new_token();
        let now = self.now();
        let expires_at = now + SESSION_VALID_FOR;
        let login = self
            .inner
            .store
            .redeem_login(&hash, NewWebSession { token_hash: &session_hash, csrf: &csrf, now, expires_at })
            .await?
            .ok_or(WebError::Unauthorized)?;
        let community = self.slug_of(login.community_id).ok_or(WebError::Unauthorized)?;
        Ok(NewSession {
            token: session_token,
            session: Session {
                community,
                member_id: super::MemberId(login.member_id),
                member_name: login.member_name,
                csrf,
                expires_at,
            },
        })
    }

    /// The signed-in admin of `community`: `NotFound` for a community that
    /// is not configured, `Unauthorized` without a live session,
    /// `Forbidden` for a session of another community.
    pub async fn admin_session(&self, session_token: Option<&str>, community: &str) -> Result<Session, WebError> {
        let known = self.known(community).ok_or(WebError::NotFound)?;
        let hash = session_token.and_then(token_hash).ok_or(WebError::Unauthorized)?;
        let mut reads = self.inner.store.read_model().await?;
        let row = reads.web_session(&hash, self.now()).await?.ok_or(WebError::Unauthorized)?;
        if row.login.community_id != known.id {
            return Err(WebError::Forbidden);
        }
        Ok(Session {
            community: community.to_string(),
            member_id: super::MemberId(row.login.member_id),
            member_name: row.login.member_name,
            csrf: row.csrf,
            expires_at: row.expires_at,
        })
    }

    /// Signs out: the session stops opening anything.
    pub async fn end_session(&self, session_token: &str) -> Result<(), WebError> {
        let hash = token_hash(session_token).ok_or(WebError::Unauthorized)?;
        self.inner.store.end_web_session(&hash).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(token_hash(&a).is_some());
    }

    #[test]
    fn a_malformed_token_is_refused_before_lookup() {
        assert_eq!(token_hash(""), None);
        assert_eq!(token_hash(&"A".repeat(64)), None, "upper case is not what hearth hands out");
        assert_eq!(token_hash(&"0".repeat(63)), None);
        assert_eq!(token_hash(&"０".repeat(64)), None, "full-width digits");
    }
}
