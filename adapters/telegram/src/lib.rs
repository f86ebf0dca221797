//! hearth-telegram
