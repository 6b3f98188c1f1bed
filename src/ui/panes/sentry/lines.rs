//! One line of the Sentry pane: a project's verdict, an issue, an error,
//! and the title's summary of the verdicts.

use crate::domain::sentry::analysis::{Analysis, Verdict};
use crate::domain::sentry::{NewIssue, ProjectState, SentryError};
use crate::ui::RenderCtx;
use crate::ui::widgets::{age, fit, mark};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// One issue, unwrapped: the selection's mark, `↺` for one that came
/// back, its id and level (in colour always), its count and title; the link
/// when zoomed wide.
pub(super) fn issue_line(i: &NewIssue, regressed: bool, selected: bool, link: bool, ctx: &RenderCtx) -> Line<'static> {
    let t = ctx.theme;
    let level_style = if i.level == "fatal" || i.level == "error" { t.error } else { t.warn };
    let (word, word_style) = if regressed { ("↺ regressed", t.warn) } else { (i.level.as_str(), level_style) };
    let mut spans = vec![
        Span::styled(format!("{} ", mark(selected)), t.text),
        Span::styled(format!("{} ", i.short_id), level_style),
        Span::styled(format!("{word} "), word_style),
        Span::styled(format!("×{} ", i.count), t.muted),
        Span::styled(i.title.clone(), t.text),
    ];
    if link {
        spans.push(Span::styled(format!("  {}", i.permalink), t.muted));
    }
    Line::from(spans)
}

/// The verdicts in a few words for the pane's title: "✖ 1 spike · ✓ 2
/// calm", the worst first, as many as fit in `width`; `None` before any
/// answer.
pub(super) fn summary(projects: &[ProjectState], all: &[Option<Analysis>], width: usize) -> Option<String> {
    let mut counts = [0usize; 4];
    for (p, a) in projects.iter().zip(all) {
        match a.as_ref().map(|a| a.verdict) {
            Some(Verdict::Spike) => counts[0] += 1,
            Some(Verdict::Elevated) => counts[1] += 1,
            Some(Verdict::Calm) => counts[2] += 1,
            None if p.error.is_some() => counts[3] += 1,
            None => {}
        }
    }
    let words =
        [("✖", "spike", "spikes"), ("▲", "elevated", "elevated"), ("✓", "calm", "calm"), ("!", "failing", "failing")];
    let mut out = String::new();
    let parts = counts.iter().zip(words).filter(|(n, _)| **n > 0);
    for (n, (glyph, one, many)) in parts {
        let part = format!("{glyph} {n} {}", if *n == 1 { one } else { many });
        let sep = if out.is_empty() { "" } else { " · " };
        if out.width() + sep.width() + part.width() > width {
            break;
        }
        out.push_str(sep);
        out.push_str(&part);
    }
    (!out.is_empty()).then_some(out)
}

pub(super) fn verdict_line<'a>(p: &ProjectState, a: Option<&Analysis>, width: usize, ctx: &RenderCtx<'a>) -> Line<'a> {
    let t = ctx.theme;
    // The verdict first; the numbers and the age only where they fit. The
    // slug gives way before the verdict does.
    let mut tail: Vec<Span> = Vec::new();
    let mut extras = Vec::new();
    match a {
        Some(a) => {
            let style = verdict_style(Some(a.verdict), ctx);
            let word = match a.verdict {
                Verdict::Calm => " ✓ calm",
                Verdict::Elevated => " ▲ elevated",
                Verdict::Spike => " ✖ SPIKE",
            };
            tail.push(Span::styled(word, style));
            // The ratio goes before the slug is cut below six columns.
            let ratio = a.ratio.map(|r| format!(" {r:.1}×")).unwrap_or_default();
            if 6 + word.width() + ratio.width() <= width || p.spec.slug.width() + word.width() + ratio.width() <= width
            {
                tail.push(Span::styled(ratio, style));
            }
        }
        None if p.error.is_none() => tail.push(Span::styled(" loading…", t.muted)),
        None => {}
    }
    let w = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let slug_w = p.spec.slug.width().min(width.saturating_sub(w(&tail)).max(6));
    if let Some(a) = a {
        extras.push(Span::styled(format!(" {} since push vs {}", a.since_push, a.baseline), t.muted));
        // Both baselines, where there is room: which one set the bar.
        let week = a.week_ago.map(|w| format!(", a week ago {w}")).unwrap_or_default();
        extras.push(Span::styled(format!(" (before {}{week})", a.before), t.muted));
    }
    if let Some((_, at)) = &p.data {
        extras.push(Span::styled(format!(" · {}", age(ctx.now - *at)), t.muted));
    }
    let mut spans = vec![Span::styled(fit(&p.spec.slug, slug_w), t.title)];
    spans.extend(tail);
    // In order, each only after the one it qualifies: "(before 12)" never
    // stands without the count it is the baseline of.
    for e in extras {
        if w(&spans) + e.content.width() > width {
            break;
        }
        spans.push(e);
    }
    Line::from(spans)
}

pub(super) fn verdict_style(v: Option<Verdict>, ctx: &RenderCtx) -> Style {
    let t = ctx.theme;
    match v {
        Some(Verdict::Calm) => t.ok,
        Some(Verdict::Elevated) => t.warn,
        Some(Verdict::Spike) => t.error,
        None => t.muted,
    }
}

pub(super) fn error_text(e: &SentryError, ctx: &RenderCtx) -> String {
    match e {
        // Local time, as the rest of the screen.
        SentryError::RateLimited { until: Some(u) } => {
            format!("rate limited until {}", u.with_timezone(&ctx.tz).format("%H:%M:%S"))
        }
        other => other.to_string(),
    }
}

pub(super) fn retry(due: chrono::DateTime<chrono::Utc>, ctx: &RenderCtx) -> String {
    let left = due - ctx.now;
    if left.num_seconds() <= 0 { " · retrying".into() } else { format!(" · retry in {}", age(left)) }
}
