//! Parsing a quotes page (a plain function: `Html` is not `Send`, so it never lives across an
//! `.await`).

use std::sync::LazyLock;

use scraper::{Html, Selector};

use super::Quote;

/// What a quotes page contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPage {
    /// Every complete `div.quote` (marked `partial` when the page is broken).
    pub quotes: Vec<Quote>,
    /// The `href` of `li.next > a`, when there is a next page.
    pub next: Option<String>,
    /// The first incomplete quote, when the page is cut off.
    pub broken: Option<ParseError>,
}

/// Why a page is not a complete quotes page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// A `div.quote` without its text.
    #[error("quote #{0} has no span.text")]
    NoText(usize),
    /// A `div.quote` without its author.
    #[error("quote #{0} has no small.author (page cut off?)")]
    NoAuthor(usize),
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad built-in selector {css:?}: {e}"))
}

static QUOTE: LazyLock<Selector> = LazyLock::new(|| selector("div.quote"));
static TEXT: LazyLock<Selector> = LazyLock::new(|| selector("span.text"));
static AUTHOR: LazyLock<Selector> = LazyLock::new(|| selector("small.author"));
static TAG: LazyLock<Selector> = LazyLock::new(|| selector("a.tag"));
static NEXT: LazyLock<Selector> = LazyLock::new(|| selector("li.next > a"));

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a quotes page. Browsers accept any HTML, so "broken" means: a `div.quote` without its
/// `span.text` or `small.author` (e.g. a cut-off download). The complete quotes before it are
/// kept, marked `partial`. A page with no quotes at all is how the site says "past the last
/// page".
pub fn parse_page(html: &str, page: u32) -> ParsedPage {
    let doc = Html::parse_document(html);
    let mut quotes = Vec::new();
    let mut broken = None;
    for (i, div) in doc.select(&QUOTE).enumerate() {
        let text = div
            .select(&TEXT)
            .next()
            .map(|e| clean(&e.text().collect::<String>()))
            .filter(|t| !t.is_empty());
        let author = div
            .select(&AUTHOR)
            .next()
            .map(|e| clean(&e.text().collect::<String>()))
            .filter(|a| !a.is_empty());
        let (text, author) = match (text, author) {
            (Some(t), Some(a)) => (t, a),
            (None, _) => {
                broken = Some(ParseError::NoText(i + 1));
                break;
            }
            (Some(_), None) => {
                broken = Some(ParseError::NoAuthor(i + 1));
                break;
            }
        };
        let text = text
            .trim_start_matches(['“', '"'])
            .trim_end_matches(['”', '"'])
            .to_owned();
        let tags = div
            .select(&TAG)
            .map(|t| clean(&t.text().collect::<String>()))
            .collect();
        quotes.push(Quote {
            page,
            text,
            author,
            tags,
            partial: false,
        });
    }
    if broken.is_some() {
        for q in &mut quotes {
            q.partial = true;
        }
    }
    let next = doc
        .select(&NEXT)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned);
    ParsedPage {
        quotes,
        next,
        broken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_quote_and_the_next_link() {
        let html = crate::fixture::render_page(10, 2);
        let p = parse_page(&html, 2);
        assert_eq!(p.quotes, crate::fixture::quotes_on_page(10, 2));
        assert_eq!(p.next.as_deref(), Some("/page/3/"));
        assert_eq!(p.broken, None);
    }

    #[test]
    fn a_cut_off_page_keeps_its_complete_quotes_marked_partial() {
        let bad = crate::fixture::render_malformed_page(10, 2);
        let p = parse_page(&bad, 2);
        assert!(matches!(p.broken, Some(ParseError::NoAuthor(_))), "{p:?}");
        let mut expected = crate::fixture::quotes_on_page(10, 2);
        expected.truncate(crate::fixture::MALFORMED_COMPLETE_QUOTES);
        for q in &mut expected {
            q.partial = true;
        }
        assert_eq!(p.quotes, expected);
    }
}
