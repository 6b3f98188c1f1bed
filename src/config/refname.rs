//! git's rules for a ref name (`git check-ref-format`, refs.c), applied to
//! the tag a `tag_format` makes, so a format git would refuse is caught when
//! the config is checked rather than at the first tagging.

/// Why `refs/tags/{tag}` is not a name git accepts, or `Ok`.
pub fn check_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("it is empty".into());
    }
    if tag == "@" {
        return Err("`@` alone is not a ref name".into());
    }
    if let Some(c) = tag.chars().find(|c| c.is_ascii_control()) {
        return Err(format!("it contains the control character {c:?}"));
    }
    if let Some(c) = tag.chars().find(|c| matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\')) {
        return Err(format!("it contains `{c}`"));
    }
    for (bad, why) in [("..", "it contains `..`"), ("@{", "it contains `@{`"), ("//", "it contains `//`")] {
        if tag.contains(bad) {
            return Err(why.into());
        }
    }
    if tag.starts_with('/') {
        return Err("it starts with `/`".into());
    }
    if tag.ends_with('/') {
        return Err("it ends with `/`".into());
    }
    if tag.ends_with('.') {
        return Err("it ends with `.`".into());
    }
    for component in tag.split('/') {
        if component.starts_with('.') {
            return Err(format!("its part `{component}` starts with `.`"));
        }
        if component.ends_with(".lock") {
            return Err(format!("its part `{component}` ends with `.lock`"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_tag;

    #[test]
    fn what_git_accepts() {
        for ok in ["2026.11.26", "v2026.11.26-1", "release/2026-11-26", "push_2026@11", "a.b/c.d"] {
            assert_eq!(check_tag(ok), Ok(()), "{ok}");
        }
    }

    /// Each of these is refused by `git check-ref-format refs/tags/NAME`.
    #[test]
    fn what_git_refuses_and_why() {
        let cases = [
            ("2026..11", "`..`"),
            ("2026.11.lock", "ends with `.lock`"),
            ("rel/x.lock/26", "ends with `.lock`"),
            ("2026/11/", "ends with `/`"),
            ("2026.11.", "ends with `.`"),
            ("/2026", "starts with `/`"),
            ("a//b", "`//`"),
            ("v@{26}", "`@{`"),
            ("@", "`@` alone"),
            (".2026", "starts with `.`"),
            ("rel/.x", "starts with `.`"),
            ("2026 11", "contains ` `"),
            ("26~1", "`~`"),
            ("26^1", "`^`"),
            ("26:1", "`:`"),
            ("26?", "`?`"),
            ("26*", "`*`"),
            ("26[1", "`[`"),
            ("26\\1", "`\\`"),
            ("26\x7f", "control character"),
            ("26\t", "control character"),
            ("", "empty"),
        ];
        for (tag, why) in cases {
            let e = check_tag(tag).expect_err(tag);
            assert!(e.contains(why), "{tag:?}: {e}");
        }
    }

    /// The rules agree with git itself where git is on PATH. (`@` alone is
    /// refused as a whole ref name by git; as a tag it is refused here too,
    /// since `@` already means HEAD.)
    #[test]
    fn agrees_with_git_check_ref_format() {
        let samples = ["2026.11.26", "2026..11", "a.lock", "x/", "x.", "a@{b", "a b", "a//b", ".a", "a/.b", "ok/fine"];
        for tag in samples {
            let Ok(out) = std::process::Command::new("git")
                .args(["check-ref-format", &format!("refs/tags/{tag}")])
                .stderr(std::process::Stdio::null())
                .output()
            else {
                return;
            };
            assert_eq!(out.status.success(), check_tag(tag).is_ok(), "{tag:?}");
        }
    }
}
