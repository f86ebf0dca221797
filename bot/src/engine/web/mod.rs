//! The web adapter's side of the engine: login links and sessions, the
//! admin dashboard's figures, the public leaderboard. Each method checks
//! who may see what and reads from the read model (a reader connection,
//! never the writer); the adapter only parses, calls one method and renders.

mod types;

pub use types::*;
