//! Text helpers shared by the threading test files (each `tests/*.rs` is its own crate, so
//! every file uses only some of them).
#![allow(dead_code)]

/// The decimal number right after `key` on the first line containing it.
pub fn float_after(text: &str, key: &str) -> f64 {
    let rest = text
        .lines()
        .find_map(|l| l.split_once(key).map(|(_, r)| r.trim_start()))
        .unwrap_or_else(|| panic!("no line has {key:?}:\n{text}"));
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.parse()
        .unwrap_or_else(|_| panic!("no number after {key:?} in {rest:?}"))
}

/// The part of `text` after the first line containing `marker`.
pub fn after<'a>(text: &'a str, marker: &str) -> &'a str {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in:\n{text}"));
    &text[at..]
}
