//! `shipdeck checklist` prints the checklist as it stands (the journal's
//! ticks and waivers, auto items judged from one poll of the fleet and a
//! scan of the repositories); `shipdeck tick` records a tick, a waiver or an
//! untick, under the same rules the cockpit applies.

use super::checklist_gate as gate;
use super::drive::Driver;
use super::{Exit, journal_for};
use crate::cli::{ChecklistArgs, Expect, Global, TickArgs};
use crate::config::Config;
use crate::domain::checklist::eval::{TickAsk, TickRefused, evaluate, plan_tick};
use crate::domain::checklist::report::ChecklistReport;
use crate::domain::{Model, Msg};
use crate::io::sanitize::clean_max;
use crate::session;
use chrono::Utc;
use std::fmt::Write as _;

/// The model with the journal folded in; damage is reported on stderr.
fn load(config: &Config, global: &Global) -> Result<(Model, crate::io::journal::JournalStore), Exit> {
    let mut model = session::model::build_model(config, global, Utc::now());
    let store = journal_for(config, global, &model)?;
    super::fold_journal(&store, &mut model)?;
    Ok((model, store))
}

pub async fn checklist(config: &Config, global: &Global, args: &ChecklistArgs) -> Result<String, Exit> {
    let (mut model, _) = load(config, global)?;
    if !args.offline {
        let mut driver = Driver::new(config)?;
        driver.run(&mut model, Msg::Tick(Utc::now())).await;
    }
    let mut report = ChecklistReport::from_model(&model);
    let mut what = "the checklist".to_string();
    if let Some(asked) = &args.phase {
        let i = gate::find_phase(&report, asked)?;
        what = format!("phase `{}`", report.phases[i].name);
        report = gate::only(report, i);
    }
    let out = if args.json { super::json::pretty(&report)? } else { text(&report) };
    if args.expect == Some(Expect::Complete)
        && let Err(open) = gate::expect_complete(&report, &what)
    {
        // The report is still printed: the CI log shows the whole state.
        super::emit(&out);
        return Err(open);
    }
    Ok(out)
}

/// For people: glyphs as in the pane, who and when, the evidence.
fn text(r: &ChecklistReport) -> String {
    let tz = session::model::local_offset();
    let mut out = format!("{} push {} → {} · {}/{} done", r.release, r.push_date, r.target, r.done, r.total);
    match &r.current_phase {
        Some(p) => {
            let _ = writeln!(out, " · now: {p}");
        }
        None => out.push_str(" · checklist done\n"),
    }
    if let Some(started) = r.push.started {
        let _ = write!(out, "push started {}", started.with_timezone(&tz).format("%H:%M"));
        match (r.push.finished, r.push.duration_s) {
            (Some(f), Some(d)) => {
                let took = crate::domain::kernel::duration::human(chrono::Duration::seconds(d));
                let _ = writeln!(out, ", finished {} ({took})", f.with_timezone(&tz).format("%H:%M"));
            }
            _ => out.push_str(", still running\n"),
        }
    }
    let id_w = r.phases.iter().flat_map(|p| p.items.iter().map(|i| i.id.len())).max().unwrap_or(10);
    for p in &r.phases {
        let mark = if p.complete {
            "✔"
        } else if Some(&p.name) == r.current_phase.as_ref() {
            "▸"
        } else {
            " "
        };
        let _ = writeln!(out, "\n{mark} {} {}/{}", p.name, p.done, p.total);
        for i in &p.items {
            let glyph = match i.state {
                _ if !i.done && i.unverified.as_ref().is_some_and(|u| u.act != "untick") => "[?]",
                "ticked" => "[✔]",
                "waived" => "[~]",
                "pass" => "(✔)",
                "wait" => "(…)",
                "fail" => "(✖)",
                _ => "[ ]",
            };
            let mut who = String::new();
            if let (Some(by), Some(role), Some(at)) = (&i.by, i.role_of_actor, i.at) {
                let what = if i.state == "waived" { "waived" } else { "ticked" };
                let over = if i.overrides_role { ", override" } else { "" };
                who = format!(" · {what} by {by} ({role}{over}) {}", at.with_timezone(&tz).format("%H:%M"));
                if let Some(n) = &i.note {
                    let _ = write!(who, ": {n}");
                }
            } else if let Some(e) = &i.evidence {
                who = format!(" · {e}");
            }
            if let Some(c) = &i.committer {
                let _ = write!(who, " · committed as {c}");
            }
            if let Some(u) = &i.unverified {
                let at = u.at.with_timezone(&tz).format("%H:%M");
                let what = match u.act {
                    "untick" => "unticked",
                    "waive" => "waived",
                    _ => "ticked",
                };
                let _ = write!(who, " · unverified: {what} by {} ({}) {at}, {}", u.by, u.role_of_actor, u.why);
            }
            let _ = writeln!(out, "  {glyph} {:<id_w$}  {:<3}  {}{who}", i.id, i.role, i.text);
        }
    }
    // Names and notes come from the journal, which anyone can write to.
    out.lines().map(|l| crate::io::sanitize::clean_max(l, 2000) + "\n").collect()
}

pub fn tick(config: &Config, global: &Global, args: &TickArgs) -> Result<String, Exit> {
    let (mut model, store) = load(config, global)?;
    let ask = if args.undo {
        TickAsk::Undo
    } else if let Some(reason) = &args.waive {
        TickAsk::Waive { reason: clean_max(reason, 500) }
    } else {
        TickAsk::Tick { note: args.note.as_deref().map(|n| clean_max(n, 500)).filter(|n| !n.is_empty()) }
    };
    let view = evaluate(&model);
    let kind = match plan_tick(&view, &model, &args.item, model.actor.role, ask, args.allow_override) {
        Ok(kind) => kind,
        // Asking twice is not an error: a CI job may tick on every run. But
        // a waiver is not the tick that was asked for, nor the other way.
        Err(e @ TickRefused::AlreadyDone { what, .. }) if (what == "waived") != args.waive.is_some() => {
            return Err(Exit::new(
                3,
                format!("{e}, not {}; nothing recorded", if args.waive.is_some() { "waived" } else { "ticked" }),
            ));
        }
        Err(e @ (TickRefused::AlreadyDone { .. } | TickRefused::NotDone { .. })) => {
            return Ok(format!("{e}; nothing recorded\n"));
        }
        Err(e @ TickRefused::Unknown { .. }) => return Err(Exit::new(2, e.to_string())),
        Err(e @ TickRefused::OtherRole { .. }) => {
            return Err(Exit::new(3, format!("{e} (pass --override to tick it for them; it is recorded as one)")));
        }
        Err(TickRefused::Automatic { id, evidence }) => {
            let why = format!("`{id}` is checked automatically ({evidence}); to waive it, pass --waive REASON");
            return Err(Exit::new(3, why));
        }
        Err(e @ TickRefused::NoReason) => return Err(Exit::new(2, e.to_string())),
    };
    drop(view);
    if let Some(why) = model.checklist.team().and_then(|t| t.refusal(&model.actor.name, model.actor.role)) {
        // Recorded all the same: it is what this person did, and a corrected
        // [team] makes it count.
        super::warn(&format!("this will be unverified and count for nothing: {why}"));
    }
    super::append(&store, &mut model, kind, args.json)
}
