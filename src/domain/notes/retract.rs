//! `/retract`: a notes line taken back, by its author or the release
//! manager. The line stays, struck through; which lines may be taken back
//! and which are, whatever order the events are read in.

use super::Notes;
use crate::domain::journal::{EventActor, Order};
use chrono::{DateTime, Utc};

impl Notes {
    /// Marks the line `id` taken back by `by`, now or when it is read.
    pub(super) fn retract(&mut self, id: &str, by: &EventActor, at: DateTime<Utc>) {
        self.retractions.entry(id.to_string()).or_default().push((by.clone(), at));
        // Whatever order the retractions were read in, a line shows the
        // earliest by someone who may take it back.
        let mut found: Vec<(String, EventActor)> = Vec::new();
        let entries = self.notable.iter().chain(&self.notes).chain(self.blockers.iter().map(|b| &b.entry));
        found.extend(entries.filter(|e| e.id == id).map(|e| (e.id.clone(), e.by.clone())));
        found.extend(self.picks.iter().filter(|p| p.id == id).map(|p| (p.id.clone(), p.by.clone())));
        let Some((_, author)) = found.first() else { return };
        let retracted = self.retraction_of(id, author);
        let entries =
            self.notable.iter_mut().chain(self.notes.iter_mut()).chain(self.blockers.iter_mut().map(|b| &mut b.entry));
        for e in entries.filter(|e| e.id == id) {
            e.retracted.clone_from(&retracted);
        }
        for p in self.picks.iter_mut().filter(|p| p.id == id) {
            p.retracted.clone_from(&retracted);
        }
    }

    /// The earliest retraction of line `id` by someone who may take back a
    /// line `author` wrote.
    pub(super) fn retraction_of(&self, id: &str, author: &EventActor) -> Option<(EventActor, DateTime<Utc>)> {
        let all = self.retractions.get(id)?;
        all.iter().filter(|(by, _)| Self::may_retract(by, author)).min_by_key(|(_, at)| *at).cloned()
    }

    /// The newest line `who` may take back that is not taken back yet, or
    /// the one `which` names: `#N` a blocker, hex digits a pick's commit.
    pub fn retractable(&self, who: &EventActor, which: Option<&str>) -> Result<(String, String), String> {
        let mine = |by: &EventActor| Self::may_retract(who, by);
        let mut lines: Vec<(&Order, String, String)> = Vec::new();
        let want_blocker = which.and_then(|w| w.strip_prefix('#')).map(|n| n.parse::<usize>());
        if let Some(Err(_)) = want_blocker {
            return Err(format!("/retract: {} is not a blocker number (as in /retract #2)", which.unwrap_or("")));
        }
        let want_blocker = want_blocker.and_then(Result::ok);
        let want_sha = which.filter(|w| !w.starts_with('#')).map(str::to_ascii_lowercase);
        for b in &self.blockers {
            if b.entry.retracted.is_none()
                && mine(&b.entry.by)
                && want_sha.is_none()
                && want_blocker.is_none_or(|n| n == b.number)
            {
                lines.push((&b.entry.order, b.entry.id.clone(), format!("blocker #{} '{}'", b.number, b.entry.text)));
            }
        }
        for p in &self.picks {
            if p.retracted.is_none()
                && mine(&p.by)
                && want_blocker.is_none()
                && want_sha.as_ref().is_none_or(|s| p.sha.starts_with(s.as_str()))
            {
                lines.push((
                    &p.order,
                    p.id.clone(),
                    format!("pick {} {} '{}'", p.repo, p.sha.get(..12).unwrap_or(&p.sha), p.summary),
                ));
            }
        }
        if which.is_none() {
            for (kind, list) in [("notable", &self.notable), ("note", &self.notes)] {
                for e in list.iter().filter(|e| e.retracted.is_none() && mine(&e.by)) {
                    lines.push((&e.order, e.id.clone(), format!("{kind} '{}'", e.text)));
                }
            }
        }
        lines.sort_by(|a, b| a.0.cmp(b.0));
        match lines.pop() {
            Some((_, id, what)) => Ok((id, what)),
            None => Err(match which {
                Some(w) => {
                    format!("/retract: no line {w} that you may take back (yours, or any as rm)")
                }
                None => "/retract: nothing of yours to take back (notables, blockers, picks and notes)".to_string(),
            }),
        }
    }

    /// Whether the notes line `id` has been taken back (by someone who may).
    pub fn is_retracted(&self, id: &str) -> bool {
        if !self.retractions.contains_key(id) {
            return false;
        }
        let entries = self.notable.iter().chain(&self.notes).chain(self.blockers.iter().map(|b| &b.entry));
        entries.filter(|e| e.id == id).any(|e| e.retracted.is_some())
            || self.picks.iter().any(|p| p.id == id && p.retracted.is_some())
    }

    /// Who may take back a line: whoever wrote it, and the release manager.
    pub(super) fn may_retract(by: &EventActor, author: &EventActor) -> bool {
        by.name.trim().eq_ignore_ascii_case(author.name.trim()) || by.role == crate::domain::kernel::actor::Role::Rm
    }
}
