//! The HTTP client, its redirect policy, a body reader that refuses to
//! buffer more than a cap, and error texts a person can read.

use crate::config::PollConfig;
use crate::domain::kernel::redact;
use std::error::Error as _;

/// Largest body read from a Dockerflow endpoint.
pub const BODY_CAP: usize = 64 * 1024;
/// Same-origin redirects followed at most, per request.
pub const MAX_REDIRECTS: usize = 5;
/// Longest error text kept, in characters.
const ERROR_CAP: usize = 200;

#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(#[from] reqwest::Error);

pub fn client(poll: &PollConfig) -> Result<reqwest::Client, ClientError> {
    // reqwest is built without a default crypto provider (ring keeps the
    // build free of cmake); installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(reqwest::Client::builder()
        .user_agent(concat!("shipdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(poll.connect_timeout)
        .timeout(poll.timeout)
        .pool_max_idle_per_host(poll.concurrency)
        .redirect(redirect_policy())
        .build()?)
}

/// Redirects are followed only within the origin asked for (same scheme,
/// host and port), at most [`MAX_REDIRECTS`] times. An answer from another
/// origin would be reported as the configured service's (or Sentry's) own;
/// such a redirect is handed back unfollowed, for [`redirect_problem`] to
/// name.
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else { return attempt.stop() };
        if !same_origin(first, attempt.url()) {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(TooManyRedirects)
        } else {
            attempt.follow()
        }
    })
}

#[derive(Debug)]
struct TooManyRedirects;

impl std::fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {MAX_REDIRECTS} redirects")
    }
}

impl std::error::Error for TooManyRedirects {}

fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme() && a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
}

/// Where an answer to `asked` came from when the policy followed one or more
/// redirects within the origin to get it, credentials masked; `None` when
/// the URL asked answered itself. reqwest takes userinfo out of the URL it
/// sends (into an Authorization header) and drops the fragment, so neither
/// counts as a move.
pub fn followed_redirect(asked: &url::Url, resp: &reqwest::Response) -> Option<String> {
    moved_within(asked, resp.url())
}

fn moved_within(asked: &url::Url, fin: &url::Url) -> Option<String> {
    let bare = |u: &url::Url| {
        let mut u = redact::without_userinfo(u);
        u.set_fragment(None);
        u
    };
    (same_origin(asked, fin) && bare(asked) != bare(fin)).then(|| redact::url(fin.as_str()))
}

/// `scheme://host[:port]`: where a redirect pointed, without userinfo, path
/// or query.
fn origin(u: &url::Url) -> String {
    let host = u.host_str().unwrap_or("?");
    match u.port() {
        Some(p) => format!("{}://{host}:{p}", u.scheme()),
        None => format!("{}://{host}", u.scheme()),
    }
}

/// Why an answer to `asked` is not the asked-for origin's: a redirect the
/// policy did not follow, or (with a client built elsewhere, whose policy
/// followed it) an answer that came from another origin. `None` when the
/// answer is the origin's own.
pub fn redirect_problem(asked: &url::Url, resp: &reqwest::Response) -> Option<String> {
    let status = resp.status().as_u16();
    if matches!(status, 301 | 302 | 303 | 307 | 308) {
        let location = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
        let Some(to) = location.and_then(|l| resp.url().join(l).ok()) else {
            return Some(format!("HTTP {status}: a redirect without a usable Location"));
        };
        // The policy only stops at another origin, or a loop of more
        // redirects than it follows.
        let why = if same_origin(asked, &to) { "too many redirects" } else { what_differs(asked, &to) };
        return Some(format!("HTTP {status}: redirected to {} ({why}), not followed", origin(&to)));
    }
    let fin = resp.url();
    (!same_origin(asked, fin))
        .then(|| format!("redirected to {} ({}), answer ignored", origin(fin), what_differs(asked, fin)))
}

fn what_differs(a: &url::Url, b: &url::Url) -> &'static str {
    if a.host() != b.host() {
        "another host"
    } else if a.scheme() != b.scheme() {
        "another scheme"
    } else {
        "another port"
    }
}

pub enum Body {
    Complete(Vec<u8>),
    TooLarge,
}

/// Reads a body as a stream, stopping as soon as it passes `cap`.
pub async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Body, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Ok(Body::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > cap {
            return Ok(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Complete(body))
}

/// The innermost cause, without the repetition reqwest and hyper add:
/// "error sending request for url (…): client error (Connect): tcp connect
/// error: Connection refused (os error 111)" becomes "connection refused (os
/// error 111)". It follows a colon in every message, so an ordinary
/// capitalised first word is lower-cased; "URL", "DNS" and "I/O" are not.
/// Credentials in a quoted URL are redacted, the text is cleaned and capped.
pub fn describe(err: &reqwest::Error) -> String {
    let mut innermost = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        innermost = s.to_string();
        source = s.source();
    }
    // Redact before cleaning: the cap must not cut a password in half.
    let text = crate::io::sanitize::clean_max(&redact::url(&innermost), ERROR_CAP);
    let lower = text.to_ascii_lowercase();
    if lower.contains("failed to lookup") || lower.contains("dns error") || lower.contains("name or service not known")
    {
        return format!("DNS lookup failed ({text})");
    }
    if text.is_empty() {
        return "the request failed".into();
    }
    lower_first_word(&text)
}

/// "Connection refused" → "connection refused"; "URL scheme…" stays.
fn lower_first_word(s: &str) -> String {
    let word = s.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    let mut chars = word.chars();
    let ordinary =
        chars.next().is_some_and(char::is_uppercase) && chars.clone().next().is_some() && chars.all(char::is_lowercase);
    if !ordinary {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    out.extend(it.next().into_iter().flat_map(char::to_lowercase));
    out.extend(it);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_ordinary_capitalised_first_word_is_lowered() {
        assert_eq!(lower_first_word("Connection refused (os error 111)"), "connection refused (os error 111)");
        assert_eq!(lower_first_word("URL scheme is not allowed"), "URL scheme is not allowed");
        assert_eq!(lower_first_word("I/O error"), "I/O error");
        assert_eq!(lower_first_word("A thing"), "A thing");
        assert_eq!(lower_first_word("already lower"), "already lower");
        assert_eq!(lower_first_word("Über alles"), "über alles");
        assert_eq!(lower_first_word(""), "");
    }

    #[test]
    fn origins_differ_by_scheme_host_or_port() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert!(same_origin(&u("http://a:80/x"), &u("http://a/y?z")));
        assert!(same_origin(&u("http://u:p@a/x"), &u("http://a/y")));
        assert!(!same_origin(&u("http://a/"), &u("https://a/")));
        assert!(!same_origin(&u("http://a/"), &u("http://b/")));
        assert!(!same_origin(&u("http://a:1/"), &u("http://a:2/")));
        assert_eq!(origin(&u("https://user:pw@h.example:8443/p?q")), "https://h.example:8443");
        assert_eq!(origin(&u("https://h.example/p")), "https://h.example");
    }

    #[test]
    fn only_a_move_within_the_origin_is_a_followed_redirect() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        let asked = u("http://user:pw@a:8080/__version__#x");
        // What reqwest reports when nothing moved: no userinfo, no fragment.
        assert_eq!(moved_within(&asked, &u("http://a:8080/__version__")), None);
        assert_eq!(
            moved_within(&asked, &u("http://a:8080/app/__version__")).as_deref(),
            Some("http://a:8080/app/__version__")
        );
        assert_eq!(
            moved_within(&asked, &u("http://bob:hunter2@a:8080/app/__version__?v=1")).as_deref(),
            Some("http://bob:***@a:8080/app/__version__?v=1")
        );
        // Another origin's answer is refused elsewhere, never reported as followed.
        assert_eq!(moved_within(&asked, &u("http://b:8080/app/__version__")), None);
        assert_eq!(moved_within(&asked, &u("https://a:8080/__version__")), None);
    }
}
