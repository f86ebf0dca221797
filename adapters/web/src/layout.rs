//! The frame every page shares: head, header with navigation, footer.

use hearth_bot::engine::web::{CommunityView, Session};
use hearth_bot::i18n::Arg;
use maud::{DOCTYPE, Markup, html};

use crate::cells::Words;
use crate::static_files::stylesheet_href;

/// A whole page.
pub fn page(words: &Words, title: &str, header: Markup, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(words.lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="color-scheme" content="light dark";
                title { (title) " · " (words.text("web-brand")) }
                link rel="stylesheet" href=(stylesheet_href());
                // No favicon request (and no 404 for it).
                link rel="icon" href="data:,";
            }
            body {
                (header)
                main { (main) }
                footer { p { (words.text("web-footer")) } }
            }
        }
    }
}

/// The admin pages' navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminPage {
    Dashboard,
    Ledger,
}

/// The header of an admin page: the community, the pages, who is signed
/// in and the sign-out form (which carries the session's anti-CSRF token).
pub fn admin_header(words: &Words, community: &CommunityView, session: &Session, current: AdminPage) -> Markup {
    let base = format!("/admin/{}", community.id);
    let link = |page: AdminPage, href: String, key: &str| {
        html! {
            @if page == current {
                a href=(href) aria-current="page" { (words.text(key)) }
            } @else {
                a href=(href) { (words.text(key)) }
            }
        }
    };
    html! {
        header.site {
            p.community { (community.name) }
            nav {
                (link(AdminPage::Dashboard, base.clone(), "web-nav-dashboard"))
                (link(AdminPage::Ledger, format!("{base}/ledger"), "web-nav-ledger"))
                @if community.public {
                    a href={ "/c/" (community.id) } { (words.text("web-nav-board")) }
                }
            }
            form.sign-out method="post" action={ (base) "/logout" } {
                span { (words.fmt("web-signed-in-as", &[("name", Arg::from(&session.member_name))])) }
                input type="hidden" name="csrf" value=(session.csrf);
                button type="submit" { (words.text("web-sign-out")) }
            }
        }
    }
}

/// The header of a public page.
pub fn public_header(community: &CommunityView) -> Markup {
    html! {
        header.site {
            p.community { a href={ "/c/" (community.id) } { (community.name) } }
        }
    }
}

/// The header of a page outside any community's frame (login, refusals).
pub fn plain_header(words: &Words) -> Markup {
    html! {
        header.site { p.community { (words.text("web-brand")) } }
    }
}
