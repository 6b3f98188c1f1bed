//! The push notes as text: markdown in the shape of the weekly notes pad,
//! the "This week's push is done!" mail (saying so only when it is), and the template for the next
//! push's notes. Pure: the time zone comes in, the text goes out.

use crate::domain::checklist::eval::{ItemState, evaluate};
use crate::domain::checklist::{AutoRule, Verdict, prod_env};
use crate::domain::kernel::duration::human;
use crate::domain::model::Model;
use crate::domain::release::hero_for;
use crate::domain::rollout::probe::short_sha;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use std::fmt::Write as _;

fn hm(t: DateTime<Utc>, tz: FixedOffset) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

fn title(model: &Model) -> String {
    let r = &model.release;
    format!("{} push {} ({})", r.name, r.push_date, r.target_tag)
}

/// "Started 15:02 · finished 16:14 · took 1h 12m".
fn times(model: &Model, tz: FixedOffset) -> String {
    let c = &model.checklist;
    match (&c.push_started, &c.push_finished) {
        (Some((s, _)), Some((f, _))) => {
            format!("Started {} · finished {} · took {}", hm(*s, tz), hm(*f, tz), human(*f - *s))
        }
        (Some((s, _)), None) => format!("Started {} · still running", hm(*s, tz)),
        _ => "Not started yet".into(),
    }
}

/// The notes in markdown.
pub fn markdown(model: &Model, tz: FixedOffset) -> String {
    let n = &model.notes;
    let mut out = format!("# {}\n\n", title(model));
    let _ = writeln!(out, "Push hero: {}  ", model.release.hero().unwrap_or("(no rotation)"));
    let _ = writeln!(out, "{}\n", times(model, tz));

    out.push_str("## Notable things shipping\n\n");
    list(&mut out, n.notable.iter().map(|e| struck(format!("{} ({})", e.text, e.by.name), &e.retracted, tz)));

    out.push_str("## Blockers\n\n");
    list(
        &mut out,
        n.blockers.iter().filter(|b| b.resolved.is_none() || b.entry.retracted.is_some()).map(|b| {
            let line = format!("#{} {} ({}, {})", b.number, b.entry.text, b.entry.by.name, hm(b.entry.at, tz));
            struck(line, &b.entry.retracted, tz)
        }),
    );

    out.push_str("## To pick\n\n");
    if n.picks.is_empty() {
        out.push_str("- none\n\n");
    } else {
        let mut number = 0;
        for p in &n.picks {
            let link = model
                .repos
                .rows
                .iter()
                .find(|r| r.spec.name == p.repo)
                .and_then(|r| r.spec.web_url.as_deref())
                .map(|u| format!(" — {}/commit/{}", u.trim_end_matches('/'), p.sha))
                .unwrap_or_default();
            let shipped = n.shipped_in(p).map(|tag| format!(" — shipped in {tag}")).unwrap_or_default();
            let line = format!(
                "`{}` {}: {}{link} ({}, {}){shipped}",
                short_sha(&p.sha),
                p.repo,
                p.summary,
                p.by.name,
                hm(p.at, tz)
            );
            // A pick taken back keeps its line but no place in the order.
            if p.retracted.is_some() {
                let _ = writeln!(out, "- {}", struck(line, &p.retracted, tz));
            } else {
                number += 1;
                let _ = writeln!(out, "{number}. {line}");
            }
        }
        out.push('\n');
    }

    out.push_str("## Pushing:\n\n");
    list(
        &mut out,
        crate::domain::repos::update::pushing_urls(&model.repos)
            .into_iter()
            .map(|(repo, line)| format!("{repo}: {line}")),
    );

    // Only a push that has some: the usual notes keep their shape.
    let risky = risky_lines(model);
    if !risky.is_empty() {
        out.push_str("## Risky changes\n\n");
        list(&mut out, risky.into_iter());
    }

    out.push_str("## Sign-offs\n\n");
    let view = evaluate(model);
    for phase in &view.phases {
        let _ = writeln!(out, "**{}** ({}/{})\n", phase.name, phase.done(), phase.items.len());
        for i in &phase.items {
            let line = match &i.state {
                ItemState::Ticked(m) => {
                    let over = if m.overrides_role { ", override" } else { "" };
                    let note = m.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default();
                    format!(
                        "- [x] {} — {} ({}{over}), {}{note}",
                        i.spec.text,
                        m.by.name,
                        m.by.role.as_str(),
                        hm(m.at, tz)
                    )
                }
                ItemState::Waived(m) => format!(
                    "- [x] {} — waived by {} ({}), {}: {}",
                    i.spec.text,
                    m.by.name,
                    m.by.role.as_str(),
                    hm(m.at, tz),
                    m.note.as_deref().unwrap_or("")
                ),
                _ if i.done() => format!("- [x] {} — {}", i.spec.text, i.evidence.as_deref().unwrap_or("auto")),
                // An open automatic item says what it saw: the reason a
                // reader of the notes needs, not only that it is open.
                ItemState::Auto(v) => match (&i.evidence, v) {
                    (Some(e), Verdict::Fail) => format!("- [ ] {} ({}) — ✖ {e}", i.spec.text, i.spec.role.as_str()),
                    (Some(e), _) => format!("- [ ] {} ({}) — waiting: {e}", i.spec.text, i.spec.role.as_str()),
                    (None, _) => format!("- [ ] {} ({})", i.spec.text, i.spec.role.as_str()),
                },
                // Which risky commits to review is the point of the item.
                ItemState::Open if i.spec.auto == Some(AutoRule::RiskReviewed) => format!(
                    "- [ ] {} ({}) — {}",
                    i.spec.text,
                    i.spec.role.as_str(),
                    i.evidence.as_deref().unwrap_or_default()
                ),
                _ => format!("- [ ] {} ({})", i.spec.text, i.spec.role.as_str()),
            };
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }

    out.push_str("## Notes\n\n");
    list(
        &mut out,
        n.notes.iter().map(|e| struck(format!("{} ({}, {})", e.text, e.by.name, hm(e.at, tz)), &e.retracted, tz)),
    );
    out.trim_end().to_string() + "\n"
}

/// Each commit in the push touching `[risk] paths`: repository, short sha,
/// summary, the risks and the paths that matched.
fn risky_lines(model: &Model) -> Vec<String> {
    let mut out = Vec::new();
    for row in &model.repos.rows {
        for c in row.status.value().map_or(&[][..], |s| &s.risky) {
            let paths = c.paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
            let line =
                format!("{} `{}` {} — {}: {paths}", row.spec.name, short_sha(&c.sha), c.summary, c.risks.join(", "));
            out.push(line);
        }
    }
    out
}

/// A line taken back: struck through, saying by whom, never left out.
fn struck(
    line: String,
    retracted: &Option<(crate::domain::journal::EventActor, DateTime<Utc>)>,
    tz: FixedOffset,
) -> String {
    match retracted {
        Some((by, at)) => format!("~~{line}~~ taken back by {}, {}", by.name, hm(*at, tz)),
        None => line,
    }
}

fn list(out: &mut String, items: impl Iterator<Item = String>) {
    let mut any = false;
    for i in items {
        let _ = writeln!(out, "- {i}");
        any = true;
    }
    if !any {
        out.push_str("- none\n");
    }
    out.push('\n');
}

/// What went wrong, for the mail: open blockers, rollbacks, Sentry spikes.
pub fn issues(model: &Model, tz: FixedOffset) -> Vec<String> {
    let n = &model.notes;
    let target = &model.release.target_tag;
    let mut out: Vec<String> = n.open_blockers().map(|b| format!("blocker #{}: {}", b.number, b.entry.text)).collect();
    for (env, service, from, to, at) in &n.changes {
        if from == target && to != target {
            out.push(format!("rollback: {env} · {service} {from} -> {to} at {}", hm(*at, tz)));
        }
    }
    out.extend(n.spikes.iter().map(|(_, line)| line.clone()));
    out
}

/// "This week's push is done!", or, while it is not, says so: a mail
/// announcing a push that is still running would be believed.
pub fn email(model: &Model, tz: FixedOffset, notes_link: Option<&str>) -> String {
    let r = &model.release;
    let c = &model.checklist;
    let (subject, opening) = match (&c.push_started, &c.push_finished) {
        (Some(_), Some(_)) => {
            ("This week's push is done!", format!("This week's push is done! {} is out.", r.target_tag))
        }
        (Some(_), None) => (
            "This week's push is not finished",
            format!("This week's push is not finished yet: {} is still rolling out.", r.target_tag),
        ),
        (None, _) => {
            ("This week's push has not started", format!("This week's push of {} has not started yet.", r.target_tag))
        }
    };
    let mut out = format!("Subject: {subject} ({} {})\n\n", r.name, r.push_date);
    let _ = writeln!(out, "Hi all,\n\n{opening}");
    if let Some(env) = prod_env(&model.rollout.envs)
        && let Some(ei) = model.rollout.envs.iter().position(|e| e == env)
    {
        let p = model.rollout.progress(ei);
        let polled = model
            .rollout
            .services
            .iter()
            .filter_map(|s| s.cells.get(ei)?.as_ref())
            .any(|c| c.last_ok.is_some() || c.state.value().is_some());
        // Only what was seen: without a poll there is nothing to say.
        if p.total > 0 && polled {
            let _ = writeln!(out, "{env}: {}/{} services on {}.", p.on_target, p.total, r.target_tag);
        }
    }
    let _ = writeln!(out, "{}.\n", times(model, tz));
    match notes_link {
        Some(link) => {
            let _ = writeln!(out, "Notes: {link}\n");
        }
        None => out.push_str("Notes: attached.\n\n"),
    }
    out.push_str("Issues:\n");
    let issues = issues(model, tz);
    if issues.is_empty() {
        out.push_str("None\n");
    }
    for i in issues {
        let _ = writeln!(out, "- {i}");
    }
    let next = r.push_date + Duration::days(7);
    let hero = hero_for(&r.rotation, next).unwrap_or("(no rotation)");
    let _ = writeln!(out, "\nNext push: {next}, push hero {hero}.");
    out
}

/// The next push's notes, to fill in; open blockers carried over.
pub fn next_template(model: &Model) -> String {
    let r = &model.release;
    let next = r.push_date + Duration::days(7);
    let hero = hero_for(&r.rotation, next).unwrap_or("(no rotation)");
    let mut out =
        format!("# {} push {next}\n\nPush hero: {hero}\n\n## Notable things shipping\n\n- \n\n## Blockers\n\n", r.name);
    let open: Vec<_> = model.notes.open_blockers().collect();
    if open.is_empty() {
        out.push_str("- \n");
    }
    for b in open {
        let _ = writeln!(out, "- {} (still open from {})", b.entry.text, r.push_date);
    }
    out.push_str("\n## To pick\n\n- \n\n## Pushing:\n\n## Sign-offs\n\n## Notes\n\n- \n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::journal::EventKind;
    use crate::domain::kernel::actor::Role;

    fn at(m: &mut Model, minutes: i64, kind: EventKind) {
        let start = m.release.window.as_ref().unwrap().start;
        m.apply_events(&[crate::testkit::event(
            &format!("e{minutes}"),
            start + Duration::minutes(minutes),
            "rita",
            Role::Rm,
            kind,
        )]);
    }

    #[test]
    fn the_mail_says_done_only_for_a_finished_push() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let start = crate::testkit::release().window.unwrap().start;
        let mut m = crate::testkit::model(&["web"], start + Duration::minutes(30));
        let mail = email(&m, utc, None);
        assert!(mail.starts_with("Subject: This week's push has not started (") && !mail.contains("is done"), "{mail}");

        at(&mut m, 0, EventKind::PushStarted);
        let mail = email(&m, utc, None);
        assert!(mail.starts_with("Subject: This week's push is not finished ("), "{mail}");
        assert!(mail.contains("is not finished yet") && mail.contains("still running"), "{mail}");
        assert!(!mail.contains("is done"), "{mail}");

        at(&mut m, 72, EventKind::PushFinished { open: Vec::new() });
        let mail = email(&m, utc, None);
        assert!(mail.contains("This week's push is done!") && mail.contains("took 1h 12m"), "{mail}");
    }

    #[test]
    fn an_open_automatic_item_says_what_it_saw() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let start = crate::testkit::release().window.unwrap().start;
        let mut m = crate::testkit::model(&["web"], start - Duration::minutes(30));
        let md = markdown(&m, utc);
        assert!(md.contains("- [ ] Inside the maintenance window (ops) — waiting: window "), "{md}");
        // Started two hours early: the rule fails, and the notes say why.
        at(&mut m, -120, EventKind::PushStarted);
        let md = markdown(&m, utc);
        assert!(md.contains("- [ ] Inside the maintenance window (ops) — ✖ push started "), "{md}");
        assert!(md.contains(", outside the window "), "{md}");
    }
}
