//! Claims: how a team's cockpits agree that one of them, exactly one, does
//! something that must happen once (post a milestone to the webhook).
//!
//! A claim is a file in the shared tree, `claim-<sha1 of the key>`, holding
//! who made it. The remote's ref only ever moves by one push at a time, and
//! every push is made on top of the commit it replaces (never forced): so
//! for every key exactly one push is the first whose tree has its claim.
//! The cockpit whose push of a claim succeeds while the tree it built on
//! had none is the one that acts; any other finds the claim there (after
//! its push was refused and it fetched) and does not. A claim file is never
//! overwritten: the first one stays.

use git2::{ObjectType, Oid};

/// The most read of a claim file: it holds a replica id and a name.
pub(super) const MAX_CLAIM_BYTES: u64 = 4096;

/// Something this replica wants to do once for the whole team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// What must happen once, e.g. `env:prod:2026.12.01`.
    pub key: String,
    /// Who is asking, as shown to the others when they lose.
    pub by: String,
}

/// How a claim was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Ours landed first: act.
    Won,
    /// Another replica's landed first (`by`: its person, cleaned).
    Lost { replica: String, by: String },
}

/// The tree entry of a key's claim: a hash, so any key is one safe name.
pub fn file_name(key: &str) -> String {
    // Hashing bytes in memory does not fail; a failure would only make
    // every key one name, which still decides once.
    let oid = Oid::hash_object(ObjectType::Blob, key.as_bytes()).map(|o| o.to_string()).unwrap_or_default();
    format!("claim-{oid:0>40}")
}

/// Whether a tree entry's name is a claim's (40 hex digits after `claim-`).
pub(super) fn is_claim_file(name: &[u8]) -> bool {
    name.strip_prefix(b"claim-").is_some_and(|h| h.len() == 40 && h.iter().all(u8::is_ascii_hexdigit))
}

/// What a claim file of ours says.
pub(super) fn content(replica: &str, claim: &Claim) -> Vec<u8> {
    let line = serde_json::json!({ "replica": replica, "by": claim.by, "key": claim.key });
    format!("{line}\n").into_bytes()
}

/// Who made the claim in `bytes` (the remote's text: cleaned); a file that
/// cannot be read names no one, and still counts as taken.
pub(super) fn read(bytes: &[u8]) -> (String, String) {
    #[derive(serde::Deserialize)]
    struct Said {
        replica: String,
        #[serde(default)]
        by: String,
    }
    match serde_json::from_slice::<Said>(bytes.trim_ascii_end()) {
        Ok(s) if super::is_replica_id(&s.replica) => (s.replica, crate::io::sanitize::clean_max(&s.by, 40)),
        _ => (String::new(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_names_are_safe_and_their_content_untrusted() {
        let name = file_name("env:prod:2026.12.01");
        assert!(is_claim_file(name.as_bytes()), "{name}");
        assert_ne!(name, file_name("env:stage:2026.12.01"));
        assert!(!is_claim_file(b"claim-xyz"));
        assert!(!is_claim_file(b"0123abcd.jsonl"));
        let c = Claim { key: "k".into(), by: "alice".into() };
        assert_eq!(read(&content("0123abcd", &c)), ("0123abcd".into(), "alice".into()));
        assert_eq!(read(b"{\"replica\":\"../x\",\"by\":\"m\"}"), (String::new(), String::new()));
        let (_, by) = read(b"{\"replica\":\"0123abcd\",\"by\":\"mal\\u001b[31mlory\"}");
        assert!(!by.contains('\u{1b}'));
    }
}
