//! The cleaning of every event read: its texts and identifiers, as any
//! other untrusted input.

use crate::domain::journal::{Event, EventKind, MAX_TEXT};
use crate::io::sanitize::{clean_in_place, clean_text_in_place};

/// The most lines a push finish keeps of what was open when it was made.
const MAX_OPEN_LINES: usize = 64;

/// Cleans every text an event carries, as any other untrusted input: no
/// control characters, escapes, bidi overrides or invisible characters, and
/// bounded lengths. Identifiers lose what would make two different values
/// look equal; texts people wrote keep their line breaks.
pub fn clean_event(e: &mut Event) {
    clean_in_place(&mut e.id, 200);
    clean_in_place(&mut e.replica, 64);
    clean_in_place(&mut e.actor.name, 40);
    if let Some(c) = &mut e.committer {
        clean_in_place(c, 120);
    }
    let id = |s: &mut String| clean_in_place(s, 200);
    match &mut e.kind {
        EventKind::Chat { text }
        | EventKind::Notable { text }
        | EventKind::Blocker { text }
        | EventKind::Note { text } => {
            clean_text_in_place(text, MAX_TEXT);
        }
        EventKind::Tick { item, note, .. } => {
            id(item);
            if let Some(n) = note {
                clean_text_in_place(n, MAX_TEXT);
            }
        }
        EventKind::Untick { item, .. } => id(item),
        EventKind::Waive { item, reason, .. } => {
            id(item);
            clean_text_in_place(reason, MAX_TEXT);
        }
        EventKind::TagCreated { repo, tag, commit } => {
            id(repo);
            id(tag);
            id(commit);
        }
        EventKind::TagPushed { repo, tag } => {
            id(repo);
            id(tag);
        }
        EventKind::VersionChanged { env, service, from, to, commit } => {
            for s in [env, service, from, to] {
                id(s);
            }
            if let Some(c) = commit {
                id(c);
            }
        }
        EventKind::HeartbeatChanged { env, service, from, to } => {
            for s in [env, service, from, to] {
                id(s);
            }
        }
        EventKind::EndpointDown { env, service, state, error, .. } => {
            for s in [env, service, state] {
                id(s);
            }
            clean_in_place(error, 200);
        }
        EventKind::EndpointUp { env, service, .. } => {
            id(env);
            id(service);
        }
        EventKind::Pick { repo, sha, summary } => {
            id(repo);
            id(sha);
            clean_in_place(summary, 200);
        }
        EventKind::Retagged { repo, tag, base, commit, shipped, skipped } => {
            for s in [repo, tag, base, commit] {
                id(s);
            }
            clean_list(shipped, &id);
            clean_list(skipped, &id);
        }
        EventKind::DeployStarted { env, service, tag, .. } => {
            for s in [env, service, tag] {
                id(s);
            }
        }
        EventKind::DeployFinished { deploy, env, service, tag, detail, .. } => {
            for s in [deploy, env, service, tag] {
                id(s);
            }
            clean_text_in_place(detail, MAX_TEXT);
        }
        EventKind::Locked { env, reason } => {
            id(env);
            clean_text_in_place(reason, MAX_TEXT);
        }
        EventKind::Unlocked { env } => id(env),
        EventKind::SmokeChecked { env, service, version, check, detail, .. } => {
            for s in [env, service, version] {
                id(s);
            }
            clean_in_place(check, 400);
            clean_in_place(detail, 400);
        }
        EventKind::SentryDeploy { project, env, version, detail, .. } => {
            for s in [project, env, version] {
                id(s);
            }
            clean_in_place(detail, 400);
        }
        EventKind::SentrySpike { project, .. } => id(project),
        EventKind::Retract { target, what } => {
            id(target);
            clean_in_place(what, 400);
        }
        EventKind::PushFinished { open } => {
            // What was open is a summary, never a document: a line each, a
            // bounded number of them.
            open.truncate(MAX_OPEN_LINES);
            for line in open.iter_mut() {
                clean_in_place(line, 400);
            }
        }
        EventKind::PushStarted | EventKind::PushReopened | EventKind::Presence | EventKind::Unblock { .. } => {}
    }
}

/// The most shas a re-tag lists: more picks than any push has had.
const MAX_PICKS: usize = 256;

fn clean_list(list: &mut Vec<String>, id: &dyn Fn(&mut String)) {
    list.truncate(MAX_PICKS);
    list.iter_mut().for_each(id);
}
#[cfg(test)]
mod tests {
    use super::super::MAX_LINE;
    use super::super::testing::*;
    use super::*;
    use crate::io::regular_file::create_private_dir;
    use std::fs::OpenOptions;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    #[test]
    fn lines_are_cleaned_as_they_are_read_and_huge_ones_skipped() {
        let (_d, s) = store();
        create_private_dir(s.path().parent().unwrap()).unwrap();
        let mut f = OpenOptions::new().create(true).append(true).mode(0o600).open(s.path()).unwrap();
        let hostile = "{\"v\":1,\"id\":\"h\\u001b]0;t\\u0007\",\"at\":\"2026-11-26T15:00:00Z\",\"actor\":{\"name\":\"mal\\u202elory\\u200b\",\"role\":\"qa\"},\"kind\":\"chat\",\"text\":\"hi\\u009b2J\\u001b[31m there\\nsecond \\ufeffline\"}\n";
        f.write_all(hostile.as_bytes()).unwrap();
        f.write_all(&vec![b'x'; MAX_LINE + 10]).unwrap();
        f.write_all(b"\n").unwrap();
        s.append(&event("e2", "after")).unwrap();
        let l = s.load().unwrap();
        assert_eq!(ids(&l), ["e2", "h"]);
        let h = &l.events[1];
        assert_eq!(h.actor.name, "mallory");
        assert_eq!(h.kind, EventKind::Chat { text: "hi there\nsecond line".into() });
        assert!(
            l.damage.len() == 1 && l.damage[0].contains("line 2:") && l.damage[0].contains("longer than any event")
        );
    }
}
