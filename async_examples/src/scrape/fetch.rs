//! One request: the shared client, a GET whose body is read with a size limit, and the body
//! decoded by its charset.

use std::time::{Duration, Instant, SystemTime};

use encoding_rs::{Encoding, UTF_8};
use reqwest::{Client, StatusCode, Url, header};

use super::ScrapeConfig;
use super::politeness::retry_after;

/// Bodies larger than this are refused (we decode other programs' bytes only with a limit).
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// The one client of a run: User-Agent and timeout set once, connections pooled and reused by
/// every task (cloning a `Client` shares its pool). It follows **no** redirects itself: the
/// crawl follows them hop by hop, so that every hop is checked against `robots.txt` and the
/// allowed hosts, waits for its host's turn, and counts as a request (a `reqwest` redirect
/// policy is a synchronous callback and can do none of that).
///
/// # Errors
/// When the TLS backend cannot be initialised.
pub fn build_client(config: &ScrapeConfig) -> reqwest::Result<Client> {
    Client::builder()
        .user_agent(config.user_agent.clone())
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .pool_max_idle_per_host(config.concurrency)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// Where the charset of a body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// A byte-order mark (the HTML standard puts it before everything else).
    Bom,
    /// `Content-Type: …; charset=…`.
    Header,
    /// `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
    Meta,
    /// Nothing said: UTF-8.
    Default,
}

/// A decoded body.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used (its WHATWG name, e.g. `windows-1252` for a page labelled ISO-8859-1).
    pub encoding: &'static str,
    /// Where it came from.
    pub source: CharsetSource,
    /// The text contains U+FFFD: bytes that were not valid in that encoding, or a page that
    /// already carried replacement characters. Either way, some text is lost.
    pub replaced: bool,
}

/// The `charset` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The charset a `<meta>` in the first 1024 bytes declares (the HTML standard's prescan,
/// simplified: `charset=` inside a `<meta` tag, in either of its two spellings).
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head: String = bytes
        .iter()
        .take(1024)
        .map(|&b| char::from(b.to_ascii_lowercase()))
        .collect();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag = &rest[at..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if let Some(c) = tag.find("charset=") {
            let value = tag[c + "charset=".len()..].trim_start_matches(['"', '\'', ' ']);
            let end = value
                .find(['"', '\'', ' ', ';', '/', '>'])
                .unwrap_or(value.len());
            if let Some(enc) = Encoding::for_label(&value.as_bytes()[..end]) {
                // A page cannot describe itself as UTF-16 in ASCII: the standard says UTF-8.
                return Some(
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        UTF_8
                    } else {
                        enc
                    },
                );
            }
        }
        rest = &rest[at + "<meta".len()..];
    }
    None
}

/// Decodes a body: BOM first (as the HTML standard does), then the `Content-Type` charset,
/// then `<meta charset>`, else UTF-8. Labels are WHATWG's, so `ISO-8859-1` means
/// `windows-1252`, exactly as in a browser.
pub fn decode_body(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let header = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()));
    let (encoding, source) = if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, CharsetSource::Bom)
    } else if let Some(enc) = header {
        (enc, CharsetSource::Header)
    } else if let Some(enc) = meta_charset(bytes) {
        (enc, CharsetSource::Meta)
    } else {
        (UTF_8, CharsetSource::Default)
    };
    let (text, used, had_errors) = encoding.decode(bytes);
    Decoded {
        replaced: had_errors || text.contains('\u{FFFD}'),
        text: text.into_owned(),
        encoding: used.name(),
        source,
    }
}

/// A response, read in full and decoded.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// HTTP status.
    pub status: StatusCode,
    /// The body, decoded (see [`decode_body`]).
    pub body: String,
    /// Body size in bytes, as received.
    pub bytes: usize,
    /// Time from sending to the last byte.
    pub elapsed: Duration,
    /// The encoding the body was decoded with.
    pub encoding: &'static str,
    /// Where that encoding came from.
    pub charset_source: CharsetSource,
    /// The decoded body contains U+FFFD.
    pub replaced: bool,
    /// The `Location` header (for a 3xx).
    pub location: Option<String>,
    /// `Retry-After`, as a wait from now (either of its forms).
    pub retry_after: Option<Duration>,
}

/// Why a single request failed before giving a full response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The per-request timeout elapsed.
    #[error("timed out")]
    Timeout,
    /// The connection could not be made or broke.
    #[error("network error: {0}")]
    Network(String),
    /// The body is larger than [`MAX_PAGE_BYTES`].
    #[error("body larger than {MAX_PAGE_BYTES} bytes")]
    TooLarge,
}

impl From<reqwest::Error> for FetchError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else {
            // reqwest's own message is "error sending request for url (…)"; the useful part is
            // the innermost cause ("Connection refused", "failed to lookup address…").
            let mut root: &dyn std::error::Error = &e;
            while let Some(s) = root.source() {
                root = s;
            }
            let what = if e.is_connect() {
                "cannot connect"
            } else if e.is_body() || e.is_decode() {
                "broken body"
            } else {
                "request failed"
            };
            Self::Network(format!("{what}: {root}"))
        }
    }
}

/// One GET through the shared client, body read in chunks up to [`MAX_PAGE_BYTES`], then
/// decoded. Only `.await`s: the runtime thread is free while we wait for the network.
///
/// # Errors
/// Timeout, network error, or an oversized body. An HTTP error status is *not* an error here.
pub async fn fetch_page(client: &Client, url: &Url) -> Result<Fetched, FetchError> {
    let start = Instant::now();
    let mut response = client.get(url.clone()).send().await?;
    let status = response.status();
    let text_header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = text_header(header::CONTENT_TYPE);
    let location = text_header(header::LOCATION);
    let retry_after = text_header(header::RETRY_AFTER)
        .and_then(|value| self::retry_after(&value, SystemTime::now()));
    if response
        .content_length()
        .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let decoded = decode_body(&body, content_type.as_deref());
    Ok(Fetched {
        status,
        bytes: body.len(),
        body: decoded.text,
        elapsed: start.elapsed(),
        encoding: decoded.encoding,
        charset_source: decoded.source,
        replaced: decoded.replaced,
        location,
        retry_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_order_header_meta_bom_default() {
        let latin1 = b"<p>caf\xe9 na\xefve</p>";
        let d = decode_body(latin1, Some("text/html; charset=ISO-8859-1"));
        assert_eq!(
            (d.text.as_str(), d.source, d.replaced),
            ("<p>café naïve</p>", CharsetSource::Header, false)
        );
        assert_eq!(d.encoding, "windows-1252");
        let meta = b"<html><head><meta charset=\"iso-8859-1\"></head><p>caf\xe9</p>";
        let d = decode_body(meta, Some("text/html"));
        assert!(d.text.ends_with("<p>café</p>") && d.source == CharsetSource::Meta);
        let http_equiv =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\x93x\x94";
        assert!(decode_body(http_equiv, None).text.ends_with("“x”"));
        let bom = b"\xef\xbb\xbfcaf\xc3\xa9";
        let d = decode_body(bom, Some("text/html; charset=iso-8859-1"));
        assert_eq!((d.text.as_str(), d.source), ("café", CharsetSource::Bom));
        let d = decode_body(latin1, None);
        assert!(d.replaced && d.source == CharsetSource::Default, "{d:?}");
    }
}
