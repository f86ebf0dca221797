//! The web adapter: the admin dashboard, the public leaderboard and the
//! JSON API, served on `HEARTH_HTTP_ADDR` beside the webhooks.
