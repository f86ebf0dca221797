//! Draws `hearth_bot::chart::Chart`s: SVG for web pages, PNG for posts.
