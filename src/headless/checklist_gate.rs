//! `checklist --phase P` and `--expect complete`: one phase of the report,
//! and a gate for CI that fails naming what is open.

use super::Exit;
use crate::domain::checklist::report::{ChecklistReport, PhaseReport};

/// The phase `asked` names: its name in any letter case, its number from 1,
/// or a word of its name that no other phase has ("qa" for "Test sign-off
/// (QA)").
pub fn find_phase(report: &ChecklistReport, asked: &str) -> Result<usize, Exit> {
    let asked_low = asked.trim().to_lowercase();
    let phases = &report.phases;
    if let Some(i) = phases.iter().position(|p| p.name.to_lowercase() == asked_low) {
        return Ok(i);
    }
    if let Ok(n) = asked_low.parse::<usize>()
        && (1..=phases.len()).contains(&n)
    {
        return Ok(n - 1);
    }
    let has_word = |p: &PhaseReport| {
        p.name.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| !w.is_empty() && w == asked_low)
    };
    let matching: Vec<usize> = (0..phases.len()).filter(|&i| has_word(&phases[i])).collect();
    match matching[..] {
        [one] => Ok(one),
        _ => {
            let names: Vec<String> = phases.iter().enumerate().map(|(i, p)| format!("{} {}", i + 1, p.name)).collect();
            let what = if matching.is_empty() { "no phase is" } else { "more than one phase is" };
            Err(Exit::new(2, format!("{what} `{asked}`; the phases: {}", names.join(", "))))
        }
    }
}

/// The report cut to one phase, its counts that phase's.
pub fn only(mut report: ChecklistReport, index: usize) -> ChecklistReport {
    let phase = report.phases.swap_remove(index);
    report.done = phase.done;
    report.total = phase.total;
    report.phases = vec![phase];
    report
}

/// `Err` (exit 3) naming every open item of the phases in `report` unless
/// they are all complete.
pub fn expect_complete(report: &ChecklistReport, what: &str) -> Result<(), Exit> {
    let open: Vec<String> = report
        .phases
        .iter()
        .flat_map(|p| p.items.iter())
        .filter(|i| !i.done)
        .map(|i| format!("{} ({}, {})", i.id, i.role, i.state))
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    Err(Exit::new(3, format!("{what} is not complete: {} of {} open: {}", open.len(), report.total, open.join(", "))))
}
