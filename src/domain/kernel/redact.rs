//! Credentials out of URLs before anyone sees them. A URL with userinfo
//! (`https://user:pass@host/…`) is what a Dockerflow service behind Basic
//! auth needs for its request, but its password must not reach a screen, a
//! report, the journal, the log file or a webhook. The same scrub runs over
//! free text, because HTTP libraries quote the URL in their error messages.

/// `scheme://user:pass@` becomes `scheme://user:***@` wherever it occurs in
/// `s` (a whole URL or a sentence quoting one). A lone `scheme://name@` becomes
/// `scheme://***@`: a bare user name in a URL is as often a token
/// (`https://<token>@github.com`) as a login. Everything else is unchanged.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        rest = tail;
        if !ends_with_scheme(&head[..i]) {
            continue;
        }
        // The authority stops where a path, query or fragment starts, or at
        // characters a URL parser would have percent-encoded in userinfo (so a
        // URL quoted in prose ends there). The last `@` in it ends userinfo,
        // as URL parsers read it: a password may hold a raw `@`.
        let end = tail.find(|c: char| c.is_whitespace() || AUTHORITY_ENDS.contains(&c)).unwrap_or(tail.len());
        let Some(at) = tail[..end].rfind('@') else { continue };
        let userinfo = &tail[..at];
        match userinfo.split_once(':') {
            Some((user, _)) => {
                out.push_str(user);
                out.push_str(":***");
            }
            None if !userinfo.is_empty() => out.push_str("***"),
            None => {}
        }
        out.push('@');
        rest = &tail[at + 1..];
    }
    out.push_str(rest);
    out
}

/// `u` without its user name and password: for a URL that is sent where
/// only another credential (a token) should go, or shown where even a user
/// name is too much.
pub fn without_userinfo(u: &url::Url) -> url::Url {
    let mut u = u.clone();
    // Both only fail for URLs that cannot carry userinfo at all.
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u
}

const AUTHORITY_ENDS: &[char] = &['/', '?', '#', '\\', '"', '<', '>', '`', '{', '}'];

/// A URL scheme (a letter, then letters, digits, `+`, `-` or `.`) right
/// before `://`.
fn ends_with_scheme(before: &str) -> bool {
    let scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    let start = before.rfind(|c: char| !scheme_char(c)).map_or(0, |i| i + 1);
    before[start..].starts_with(|c: char| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn a_password_is_replaced_and_the_user_kept() {
        assert_eq!(url("https://user:SECRETPW@host/__version__"), "https://user:***@host/__version__");
        assert_eq!(url("http://u:p@127.0.0.1:8080/x?y=1#z"), "http://u:***@127.0.0.1:8080/x?y=1#z");
        assert_eq!(url("https://user:@host/"), "https://user:***@host/");
        assert_eq!(url("http://u:pw@[::1]:80/"), "http://u:***@[::1]:80/");
    }

    #[test]
    fn a_lone_user_name_is_replaced_too() {
        assert_eq!(url("https://ghp_TOKEN@github.com/o/r"), "https://***@github.com/o/r");
        assert_eq!(url("https://@host/"), "https://@host/");
    }

    #[test]
    fn urls_without_userinfo_are_unchanged() {
        for s in [
            "https://host/__version__",
            "http://127.0.0.1:9/a@b",
            "https://host/path?email=a@b.c",
            "https://host#x@y",
            "",
            "no url here, mail bob@example.com",
            "://user:pw@host",
            "1http://",
        ] {
            assert_eq!(url(s), s);
        }
    }

    #[test]
    fn the_last_at_sign_ends_userinfo() {
        assert_eq!(url("https://u:p@ss@host/"), "https://u:***@host/");
        assert_eq!(url("https://u:p)'(,;ss@host/"), "https://u:***@host/");
    }

    #[test]
    fn urls_inside_free_text_are_scrubbed() {
        let reqwest = "error sending request for url (http://user:SECRETPW@127.0.0.1:1/__version__)";
        assert_eq!(url(reqwest), "error sending request for url (http://user:***@127.0.0.1:1/__version__)");
        let two = "from https://a:ONE@x/ to git+ssh://b:TWO@y:22/r and \"http://c:THREE@z\"";
        assert_eq!(url(two), "from https://a:***@x/ to git+ssh://b:***@y:22/r and \"http://c:***@z\"");
        assert_eq!(url("see http://host and bob@example.com"), "see http://host and bob@example.com");
        assert_eq!(url("é https://ü:ß@h é"), "é https://ü:***@h é");
    }

    #[test]
    fn scrubbing_twice_changes_nothing() {
        let once = url("http://u:SECRET@h/ and https://tok@h2");
        assert_eq!(url(&once), once);
        assert!(!once.contains("SECRET") && !once.contains("tok"), "{once}");
    }
}
