//! Who made an event: a replica is one data dir, with a random id made once
//! and kept in `{data_dir}/replica`; a process is one run. Together with the
//! event clock they make ids no other machine or process can mint.

use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// 64 random bits as hex, from the standard library's randomly keyed hasher
/// (seeded by the OS), mixed with the time and the process id.
pub fn random_hex() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

/// This run's id: 32 random bits as hex, enough beside the replica and clock.
pub fn process_id() -> String {
    random_hex()[..8].to_string()
}

/// This data dir's replica id, made on first use. Without a data dir, or when
/// it cannot be written, a fresh one for this run (still unique).
pub fn id(data_dir: Option<&Path>) -> String {
    let Some(dir) = data_dir else { return random_hex() };
    let path = dir.join("replica");
    if let Ok(text) = crate::io::regular_file::read_to_string(&path, 256) {
        let text = text.trim();
        if (8..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return text.to_string();
        }
    }
    let fresh = random_hex();
    // Two processes starting at once: the first to create the file wins and
    // the other reads its id back.
    let made = crate::io::regular_file::create_private_dir(dir).and_then(|()| {
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?.write_all(fresh.as_bytes())
    });
    match made {
        Ok(()) => fresh,
        Err(_) => match crate::io::regular_file::read_to_string(&path, 256) {
            Ok(t) if (8..=64).contains(&t.trim().len()) && t.trim().bytes().all(|b| b.is_ascii_hexdigit()) => {
                t.trim().to_string()
            }
            _ => fresh,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_dir_keeps_its_id_and_runs_differ() {
        let dir = tempfile::tempdir().unwrap();
        let a = id(Some(dir.path()));
        assert_eq!(a.len(), 16);
        assert_eq!(id(Some(dir.path())), a, "stable");
        assert_ne!(random_hex(), random_hex());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("replica")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
