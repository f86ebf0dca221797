//! hearth-bot: the platform-neutral core of hearth. It owns every rule;
//! adapters translate platform events into `engine::Request`s and render
//! `reply::Reply`s. No chat-platform crate is a dependency of this crate.

pub mod chart;
pub mod clock;
pub mod command;
pub mod config;
pub mod domain;
pub mod engine;
pub mod i18n;
pub mod metrics;
pub mod reply;
pub mod runtime;
pub mod store;

pub use clock::{Clock, SimulatedClock, SystemClock};
pub use engine::{Actor, ChatRef, Engine, Platform, Request};
pub use reply::Reply;
