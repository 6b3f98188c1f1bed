//! A repository's name and web page from its remote URL, in any of the
//! forms git takes: `https://host/owner/name.git`, `git@host:owner/name.git`,
//! `ssh://git@host:22/owner/name.git`, or a path.

/// What a remote URL says about its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteInfo {
    /// The last part of the path, without `.git`.
    pub name: String,
    /// `https://host/owner/name` when the remote is on a host; never with
    /// the URL's user or password.
    pub web_url: Option<String>,
}

pub fn parse(url: &str) -> Option<RemoteInfo> {
    let url = url.trim();
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.split(':').next().unwrap_or(host);
        let on_host = matches!(scheme, "https" | "http" | "ssh" | "git" | "git+ssh" | "ssh+git");
        (on_host.then_some(host), path)
    } else if let Some((before, path)) = url.split_once(':')
        && !before.contains('/')
        && before.len() > 1
    {
        // scp-like `user@host:path`; a one-letter "host" is a Windows drive.
        (Some(before.rsplit_once('@').map_or(before, |(_, h)| h)), path)
    } else {
        (None, url)
    };
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path).trim_end_matches('/');
    let name = path.rsplit('/').next().filter(|n| !n.is_empty())?.to_string();
    let host = host.filter(|h| !h.is_empty() && !h.chars().any(|c| c.is_whitespace() || c.is_control()));
    let web_url = host.map(|h| format!("https://{h}/{}", path.trim_start_matches('/')));
    Some(RemoteInfo { name, web_url })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(url: &str) -> (String, Option<String>) {
        let i = parse(url).unwrap_or_else(|| panic!("{url}"));
        (i.name, i.web_url)
    }

    #[test]
    fn every_form_git_takes() {
        let web = Some("https://github.com/mozilla/addons-server".to_string());
        let name = "addons-server".to_string();
        for url in [
            "https://github.com/mozilla/addons-server.git",
            "https://github.com/mozilla/addons-server",
            "https://github.com/mozilla/addons-server/",
            "https://alice:s3cret@github.com/mozilla/addons-server.git",
            "git@github.com:mozilla/addons-server.git",
            "github.com:mozilla/addons-server",
            "ssh://git@github.com/mozilla/addons-server.git",
            "ssh://git@github.com:22/mozilla/addons-server.git",
            "git://github.com/mozilla/addons-server.git",
        ] {
            assert_eq!(both(url), (name.clone(), web.clone()), "{url}");
        }
        assert_eq!(
            both("git@gitlab.example.org:group/sub/tool.git"),
            ("tool".into(), Some("https://gitlab.example.org/group/sub/tool".into()))
        );
        assert_eq!(both("/srv/git/addons.git"), ("addons".into(), None));
        assert_eq!(both("file:///srv/git/addons.git"), ("addons".into(), None));
        assert_eq!(both("../addons"), ("addons".into(), None));
        assert_eq!(parse(""), None);
        assert!(!format!("{:?}", parse("https://alice:s3cret@h.org/a/b")).contains("s3cret"));
    }
}
