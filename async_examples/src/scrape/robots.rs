//! `robots.txt` (RFC 9309, plus the common `Crawl-delay` extension): which paths our user agent
//! may fetch.

use std::time::Duration;

/// The rules of `robots.txt` that apply to our user agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Robots {
    /// `(allow, pattern)`; the longest matching pattern wins, `Allow` on a tie.
    rules: Vec<(bool, String)>,
    /// `Crawl-delay`, if the group sets one.
    pub crawl_delay: Option<Duration>,
}

impl Robots {
    /// No rules: everything allowed (no robots.txt, or a 4xx for it).
    pub fn allow_all() -> Self {
        Self {
            rules: Vec::new(),
            crawl_delay: None,
        }
    }

    /// `Disallow: /` (robots.txt unreachable: RFC 9309 says assume complete disallow).
    pub fn disallow_all() -> Self {
        Self {
            rules: vec![(false, "/".to_owned())],
            crawl_delay: None,
        }
    }

    /// The groups for `user_agent`'s product token (the part before `/`), or the `*` groups
    /// when none names it.
    pub fn parse(text: &str, user_agent: &str) -> Self {
        let token = user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        /// The user agents a group names, and its `(key, value)` lines.
        type Group = (Vec<String>, Vec<(String, String)>);
        let mut groups: Vec<Group> = Vec::new();
        let mut last_was_agent = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim().to_owned();
            if key == "user-agent" {
                if !last_was_agent {
                    groups.push((Vec::new(), Vec::new()));
                }
                if let Some(g) = groups.last_mut() {
                    g.0.push(value.to_ascii_lowercase());
                }
                last_was_agent = true;
            } else {
                last_was_agent = false;
                if let Some(g) = groups.last_mut() {
                    g.1.push((key, value));
                }
            }
        }
        let named: Vec<_> = groups
            .iter()
            .filter(|(agents, _)| agents.iter().any(|a| *a != "*" && token == *a))
            .collect();
        let chosen = if named.is_empty() {
            groups
                .iter()
                .filter(|(agents, _)| agents.iter().any(|a| a == "*"))
                .collect()
        } else {
            named
        };
        let mut robots = Self::allow_all();
        for (_, lines) in chosen {
            for (key, value) in lines {
                match key.as_str() {
                    "allow" if !value.is_empty() => robots.rules.push((true, value.clone())),
                    "disallow" if !value.is_empty() => robots.rules.push((false, value.clone())),
                    "crawl-delay" => {
                        if let Ok(s) = value.parse::<f64>()
                            && s.is_finite()
                            && (0.0..=60.0).contains(&s)
                        {
                            robots.crawl_delay = Some(Duration::from_secs_f64(s));
                        }
                    }
                    _ => {}
                }
            }
        }
        robots
    }

    /// How many `Allow`/`Disallow` rules apply to us.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// May we fetch `path`?
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if pattern_matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// RFC 9309 path patterns: a prefix match where `*` matches any run and a final `$` anchors the
/// end.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = path;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 && anchored {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    !anchored || rest.is_empty() || (parts.len() > 1 && parts.last() == Some(&""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scrape::DEFAULT_USER_AGENT;

    #[test]
    fn robots_longest_match_and_groups() {
        let txt = "User-agent: other\nDisallow: /\n\nUser-agent: *\nDisallow: /page/\nAllow: /page/1/\nDisallow: /*.pdf$\nCrawl-delay: 2\n";
        let r = Robots::parse(txt, DEFAULT_USER_AGENT);
        assert!(r.allows("/"));
        assert!(r.allows("/page/1/"));
        assert!(!r.allows("/page/2/"));
        assert!(!r.allows("/a/b.pdf"));
        assert!(r.allows("/a/b.pdf?x"));
        assert_eq!(r.crawl_delay, Some(Duration::from_secs(2)));
        // A group naming our product token wins over `*`.
        let ours = "User-agent: *\nDisallow: /\n\nUser-agent: concurrency-in-rust-scraper\nDisallow: /private/\n";
        let r = Robots::parse(ours, DEFAULT_USER_AGENT);
        assert!(r.allows("/page/1/") && !r.allows("/private/x"));
        assert!(Robots::parse("", "x").allows("/anything"));
        assert!(!Robots::disallow_all().allows("/page/1/"));
    }
}
