//! Files shipdeck reads or appends to must be regular files. A FIFO would
//! block `open()` forever and a device such as `/dev/zero` never ends, so
//! both are refused before a byte is read. The open itself never blocks
//! (`O_NONBLOCK`), and the check is made on the opened file, not the name,
//! so swapping the path for a FIFO in between changes nothing. Files that hold
//! what people did during a push are created readable by their owner only.

use std::fs::{File, OpenOptions};
use std::io;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Opens `path` with `options` (plus non-blocking open) and refuses it
/// unless it is a regular file.
pub fn open(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    let file = options.custom_flags(libc::O_NONBLOCK).open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not a regular file but {}", describe(kind))));
    }
    // Regular files ignore O_NONBLOCK; clearing it is not needed.
    Ok(file)
}

/// Creates `dir` and its missing parents readable by the owner only, as a
/// shell keeps its history: the journal holds who said what during a push.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

/// Writes a file only its owner can read (notes exported from a push),
/// refusing anything but a regular file.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = open(path, OpenOptions::new().write(true).create(true).truncate(true).mode(0o600))?;
    file.write_all(bytes)?;
    file.sync_data()
}

/// Opens an existing regular file for reading.
pub fn open_read(path: &Path) -> io::Result<File> {
    open(path, OpenOptions::new().read(true))
}

/// Reads a whole regular file as UTF-8, at most `limit` bytes.
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    use std::io::Read;
    let file = open_read(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("{len} bytes, more than the {limit} allowed")));
    }
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    Ok(text)
}

fn describe(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let err = open_read(&fifo).unwrap_err().to_string();
        assert!(err.contains("FIFO"), "{err}");
        let err = open(&fifo, OpenOptions::new().append(true).create(true)).unwrap_err().to_string();
        assert!(err.contains("FIFO") || err.contains("No such device"), "{err}");
        let err = read_to_string(Path::new("/dev/zero"), 1 << 20).unwrap_err().to_string();
        assert!(err.contains("character device"), "{err}");
        let err = open_read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("directory"), "{err}");
        let file = dir.path().join("ok");
        std::fs::write(&file, "fine").unwrap();
        assert_eq!(read_to_string(&file, 100).unwrap(), "fine");
        assert!(read_to_string(&file, 2).unwrap_err().to_string().contains("more than the 2 allowed"));
    }
}
