//! Pure rules: no I/O, no clock, no database. Everything here is a function
//! of its arguments, so it is unit- and property-tested directly.

pub mod day;
pub mod level;
pub mod rollup;
pub mod schedule;
pub mod streak;
