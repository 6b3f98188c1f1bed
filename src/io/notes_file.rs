//! `e` writes the push notes to `{push date}.notes.md`, beside the journal
//! unless told where.

use crate::domain::Msg;
use crate::domain::notes::msg::NotesMsg;
use crate::io::regular_file;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("no data directory: the notes have nowhere to go")]
    NoDataDir,
}

/// Writes in the background and answers with the path written, or why not.
/// `journal` is the journal's path: without one (no data dir) there is no
/// place the user would look for the notes.
pub fn spawn_export(
    tx: &UnboundedSender<Msg>,
    journal: Option<PathBuf>,
    notes_dir: Option<PathBuf>,
    markdown: String,
    push_date: NaiveDate,
) {
    let tx = tx.clone();
    tokio::task::spawn_blocking(move || {
        let result = export(journal.as_deref(), notes_dir, &markdown, push_date).map_err(|e| e.to_string());
        let _ = tx.send(Msg::Notes(NotesMsg::Exported { result }));
    });
}

fn export(
    journal: Option<&Path>,
    notes_dir: Option<PathBuf>,
    markdown: &str,
    push_date: NaiveDate,
) -> Result<String, ExportError> {
    let journal = journal.ok_or(ExportError::NoDataDir)?;
    let beside = journal.parent().map(Path::to_path_buf);
    let path = notes_dir.or(beside).unwrap_or_default().join(format!("{push_date}.notes.md"));
    path.parent()
        .map_or(Ok(()), regular_file::create_private_dir)
        .and_then(|()| regular_file::write_private(&path, markdown.as_bytes()))
        .map_err(|source| ExportError::Write { path: path.clone(), source })?;
    Ok(path.display().to_string())
}
