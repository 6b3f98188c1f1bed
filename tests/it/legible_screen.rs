//! The whole cockpit mid-push, every pane with something to say, at 120x40,
//! 80x24 and 200x50: nothing cut where there is room, the split following
//! what the panes need, the selection marked in every list (without colour
//! too), the log in people's words and in time order, and `/` filtering the
//! focused list.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use shipdeck::action::Action;
use shipdeck::domain::journal::EventKind;
use shipdeck::domain::kernel::actor::{Actor, Role};
use shipdeck::domain::kernel::input::Edit;
use shipdeck::domain::repos::SecurityState;
use shipdeck::domain::repos::msg::ReposMsg;
use shipdeck::domain::rollout::msg::{RolloutEffect, RolloutMsg};
use shipdeck::domain::sentry::msg::SentryMsg;
use shipdeck::domain::sentry::{BUCKET_SECS, Bucket, Fetched, NewIssue, RateLimit, SentryState, StatsEndpoint};
use shipdeck::domain::view::pane::Pane;
use shipdeck::domain::{Effect, Heartbeat, Model, Msg, update};
use shipdeck::keymap::Keymap;
use shipdeck::testkit;
use shipdeck::ui::{RenderCtx, Theme, ViewState, render};

const NAMES: [&str; 8] = shipdeck::demo::SERVICE_NAMES;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 15, 30, 0).unwrap()
}

fn push() -> DateTime<Utc> {
    now() - Duration::minutes(20)
}

fn series(quiet: u64, after: u64) -> Vec<Bucket> {
    let end = now().timestamp() - now().timestamp().rem_euclid(BUCKET_SECS);
    (0..72)
        .map(|i| {
            let at = end - (71 - i) * BUCKET_SECS;
            let count = if at >= push().timestamp() + 600 { after } else { quiet + (i as u64 * 7) % 3 };
            Bucket { at, count: Some(count), incomplete: false }
        })
        .collect()
}

fn issue(id: &str, title: &str, count: u64, regressed: bool) -> NewIssue {
    NewIssue {
        short_id: id.into(),
        title: title.into(),
        count,
        first_seen: push() + Duration::minutes(6),
        last_seen: Some(now()),
        permalink: format!("https://sentry.example.org/organizations/mozilla/issues/{count}/"),
        level: "error".into(),
        regressed_at: regressed.then(|| push() + Duration::minutes(4)),
    }
}

fn fetched(series: Vec<Bucket>, issues: Vec<NewIssue>, regressions: Vec<NewIssue>) -> Fetched {
    Fetched {
        series,
        interval: BUCKET_SECS,
        until: now().timestamp(),
        week_ago: Vec::new(),
        issues,
        regressions,
        endpoint: StatsEndpoint::Timeseries,
    }
}

/// Mid-push: stage on target, prod half way; two repositories (one tagged,
/// its tag not checked on the remote and its security fork behind; one to
/// tag); Sentry spiking with issues; people ticking and raising a blocker.
fn cockpit() -> Model {
    let mut specs = testkit::specs(&NAMES);
    specs[0].repo = Some("addons-server".into());
    specs[1].repo = Some("addons-frontend".into());
    let repos = [testkit::repo_spec("addons-server"), testkit::repo_spec("addons-frontend")];
    let alice = Actor { name: "alice".into(), role: Role::Rm };
    let mut m = Model::new(
        testkit::release(),
        alice,
        vec!["stage".into(), "prod".into()],
        &specs,
        &repos,
        std::time::Duration::from_secs(15),
        now() - Duration::seconds(30),
    );
    let effects = update(&mut m, Msg::Tick(now() - Duration::seconds(10)));
    let generation = effects
        .iter()
        .find_map(|e| {
            if let Effect::Rollout(RolloutEffect::Poll { generation, .. }) = e { Some(*generation) } else { None }
        })
        .expect("a poll");
    let at = now() - Duration::seconds(4);
    for (i, name) in NAMES.iter().enumerate() {
        let commit = shipdeck::demo::story::commit_for(name, "2026.11.26");
        for env in 0..2 {
            let version = if env == 1 && i >= 4 { "2026.11.19" } else { "2026.11.26" };
            let probe = testkit::ok(version, &commit, Heartbeat::Ok, at);
            update(&mut m, Msg::Rollout(RolloutMsg::Probed { generation, service: i, env, probe }));
        }
    }
    let mut server = testkit::repo_status(&[("2026.11.19-1", "a"), ("2026.11.26", "c")], "d");
    server.security = Some(Ok(SecurityState { remote: "security".into(), in_sync: false, ahead: 0, behind: 1 }));
    server.fetched_at = Some(now() - Duration::minutes(3));
    let mut frontend = testkit::repo_status(&[("2026.11.19-1", "e")], "f");
    frontend.fetched_at = Some(now() - Duration::minutes(3));
    for (repo, status) in [server, frontend].into_iter().enumerate() {
        let generation = m.repos.rows[repo].scan_gen;
        let result = Ok(Box::new(status));
        update(&mut m, Msg::Repos(ReposMsg::Scanned { generation, repo, result, at: now() }));
    }
    m.sentry = Some(SentryState::new(testkit::sentry_spec(
        "https://sentry.example.org",
        "mozilla",
        Some("production"),
        &["addons-server", "addons-frontend"],
    )));
    let rate = Some(RateLimit { limit: Some(40), remaining: Some(31), ..Default::default() });
    let spike = fetched(
        series(2, 11),
        vec![
            issue("ADDONS-SERVER-1K7", "KeyError: 'promoted'", 51, false),
            issue("ADDONS-SERVER-1K8", "OperationalError: (1205, 'Lock wait timeout exceeded')", 22, false),
        ],
        vec![issue("ADDONS-SERVER-Z3", "OperationalError: (1213, 'Deadlock found')", 1840, true)],
    );
    for (project, result) in [(0, spike), (1, fetched(series(3, 3), Vec::new(), Vec::new()))] {
        update(&mut m, Msg::Sentry(SentryMsg::Fetched { project, result: Ok(result), rate, at: now() }));
    }
    let ev = |id: &str, minutes: i64, name: &str, role, kind| {
        testkit::event(id, push() + Duration::minutes(minutes), name, role, kind)
    };
    m.apply_events(&[
        // The push started twenty minutes before this session's first line.
        ev("start", 0, "alice", Role::Rm, EventKind::PushStarted),
        ev("blocker", 8, "carol", Role::Ops, EventKind::Blocker { text: "CDN purge pending".into() }),
        ev(
            "tick",
            9,
            "bob",
            Role::Qa,
            EventKind::Tick { item: "regression-tests".into(), note: None, overrides_role: false },
        ),
    ]);
    update(&mut m, Msg::Tick(now()));
    m
}

fn draw(m: &Model, w: u16, h: u16) -> Buffer {
    let (theme, keymap) = (Theme::default(), Keymap::default());
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(f, m, &mut ViewState::default(), &ctx)).unwrap();
    term.backend().buffer().clone()
}

fn text(m: &Model, w: u16, h: u16) -> String {
    testkit::buffer_text(&draw(m, w, h))
}

/// The words a pane shows (the one whose title holds `title`), its lines
/// joined, so a phrase wrapped over two lines is still found.
fn pane(screen: &str, title: &str) -> String {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let (top, at) = lines
        .iter()
        .enumerate()
        .find_map(|(y, l)| {
            l.iter().collect::<String>().find(title).map(|b| (y, l.iter().collect::<String>()[..b].chars().count()))
        })
        .unwrap_or_else(|| panic!("no pane `{title}`:\n{screen}"));
    let row = &lines[top];
    let left = (0..at).rev().find(|&x| "╭┏".contains(row[x])).expect("the pane's corner");
    let right = (at..row.len()).find(|&x| "╮┓".contains(row[x])).expect("the pane's other corner");
    let mut words = Vec::new();
    for l in &lines[top + 1..] {
        if "╰┗".contains(l[left]) {
            break;
        }
        words.push(l[left + 1..right].iter().collect::<String>());
    }
    words.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn nothing_is_cut_where_there_is_room() {
    let m = cockpit();
    let screen = text(&m, 120, 40);
    insta::assert_snapshot!("cockpit_120x40", screen);
    for (title, whole) in [
        // The tag's state, in its one wording.
        ("3 Repos", "✓ 2026.11.26 · remote not checked · security 1 behind · fetched 3m ago"),
        // The compare URLs, whole (a URL wraps where the line ends).
        ("3 Repos", "https://github.com/example/addons-server/compare/2026.11.19-1...2026.11.26"),
        // Sentry's issue titles.
        ("4 Sentry", "KeyError: 'promoted'"),
    ] {
        // Broken where a line ends is whole; cut with an ellipsis is not.
        let said = pane(&screen, title);
        let found = said.replace(' ', "").contains(&whole.replace(' ', ""));
        assert!(found, "`{whole}` is not in {title} whole: {said}\n{screen}");
    }
    assert!(!screen.contains("remote ?") && !screen.contains(" sec "), "no short forms:\n{screen}");

    let wide = text(&m, 200, 50);
    insta::assert_snapshot!("cockpit_200x50", wide);
    assert!(pane(&wide, "3 Repos").contains("+2 on main not in this push"), "{wide}");
    // The Rollout cells are as wide as what they hold: no gap inside a row.
    let row = wide.lines().find(|l| l.contains("addons-server ") && l.contains('●')).unwrap();
    let cells = row.split('┃').nth(1).unwrap();
    assert!(!cells.trim_end().contains("          "), "a gap inside the cells: {cells}");

    let small = text(&m, 80, 24);
    insta::assert_snapshot!("cockpit_80x24", small);
    let header = small.lines().next().unwrap();
    assert!(header.contains("hero carol") && header.contains("alice (rm)"), "{header}");
}

#[test]
fn the_pane_numbers_follow_the_reading_order() {
    let screen = text(&cockpit(), 120, 40);
    let order: Vec<usize> = ["1 Checklist", "2 Rollout", "3 Repos", "4 Sentry", "5 Log"]
        .iter()
        .map(|t| screen.find(t).unwrap_or_else(|| panic!("{t}:\n{screen}")))
        .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
    // The Sentry title speaks of the projects, the API budget sits below.
    let title = screen.lines().find(|l| l.contains("4 Sentry")).unwrap();
    assert!(title.contains("✖ 1 spike") && !title.contains("calls"), "{title}");
    assert!(pane(&screen, "4 Sentry").contains("31/40 API calls left"), "{screen}");
}

/// What follows each `▸` in a buffer up to its pane's border, with whether
/// the marked cell is reversed (what shows without colour).
fn marked_rows(buf: &Buffer) -> Vec<(String, bool)> {
    let text = testkit::buffer_text(buf);
    let mut out = Vec::new();
    for (y, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        for (x, c) in chars.iter().enumerate() {
            if *c == '▸' {
                let reversed = buf[(x as u16, y as u16)].modifier.contains(Modifier::REVERSED);
                let row: String = chars[x..].iter().take_while(|c| !"│┃".contains(**c)).collect();
                out.push((row, reversed));
            }
        }
    }
    out
}

#[test]
fn every_list_marks_its_selection_without_colour() {
    let mut m = cockpit();
    for (pane, needle) in [
        (Pane::Checklist, "[ ] Features for this push"),
        (Pane::Rollout, "addons-server    "),
        (Pane::Repos, "main@ddddddd"),
        (Pane::Sentry, "ADDONS-SERVER-1K7"),
        (Pane::Log, "session started"),
    ] {
        m.view.focus = pane;
        let marked = marked_rows(&draw(&m, 120, 40));
        let row = marked.iter().find(|(l, r)| l.contains(needle) && *r);
        assert!(row.is_some(), "{pane:?}: no reversed ▸ on `{needle}` in {marked:?}");
    }
    // The compare view's list too.
    m.view.focus = Pane::Repos;
    m.view.open_compare(testkit::compare_view());
    if let Some(v) = m.view.compare_mut() {
        v.commits = shipdeck::domain::Remote::Ready {
            value: vec![testkit::commit("ab", "First change", "Ada", 1_795_000_000)],
            at: now(),
        };
    }
    let marked = marked_rows(&draw(&m, 120, 40));
    assert!(marked.iter().any(|(l, r)| l.contains("First change") && *r), "{marked:?}");
}

#[test]
fn the_log_reads_in_peoples_words_and_in_time_order() {
    let mut m = cockpit();
    m.view.focus = Pane::Log;
    m.view.zoomed = true;
    let screen = text(&m, 120, 40);
    assert!(screen.contains("bob (qa) ticked 'Regression tests pass'"), "{screen}");
    assert!(screen.contains("carol (ops) blocker #1: CDN purge pending"), "{screen}");
    let start = screen.find("push started by alice").unwrap_or_else(|| panic!("{screen}"));
    let session = screen.find("session started").unwrap();
    assert!(start < session, "the push start (15:10) goes above the session's start (15:29):\n{screen}");
    let times: Vec<&str> = screen
        .lines()
        .filter_map(|l| l.get(4..12))
        .filter(|t| t.len() == 8 && t.as_bytes()[2] == b':' && t.as_bytes()[5] == b':')
        .collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "{times:?}");
    // `/unblock` names what it resolved.
    m.apply_events(&[testkit::event("unblock", now(), "carol", Role::Ops, EventKind::Unblock { number: 1 })]);
    assert!(text(&m, 120, 40).contains("resolved blocker #1: CDN purge pending"));
}

#[test]
fn a_line_sent_shows_under_a_search_that_would_hide_it() {
    let mut m = cockpit();
    m.view.focus = Pane::Log;
    update(&mut m, Msg::Action(Action::Filter));
    for c in "blocker".chars() {
        update(&mut m, Msg::Edit(Edit::Char(c)));
    }
    update(&mut m, Msg::Edit(Edit::Submit));
    update(&mut m, Msg::Compose("stage looks good".into()));
    let screen = text(&m, 120, 40);
    let title = screen.lines().find(|l| l.contains("5 Log")).unwrap();
    assert!(title.contains("/blocker"), "the search is in the title: {title}");
    assert!(screen.contains("alice (rm): stage looks good"), "the line just sent shows:\n{screen}");
    assert!(!screen.contains("ticked 'Regression"), "the search still narrows:\n{screen}");
}

#[test]
fn the_composer_wraps_and_its_hint_is_whole() {
    let mut m = cockpit();
    update(&mut m, Msg::Action(Action::Compose));
    let mut view = ViewState::default();
    let long = "the CDN purge finished on every edge and the cache hit ratio is back to normal";
    view.composer.area = ratatui_textarea::TextArea::new(vec![long.to_string()]);
    let (theme, keymap) = (Theme::default(), Keymap::default());
    let ctx = RenderCtx { theme: &theme, keymap: &keymap, now: m.now, tz: FixedOffset::east_opt(0).unwrap() };
    for (w, h) in [(120, 40), (80, 24)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| render(f, &m, &mut view, &ctx)).unwrap();
        let screen = testkit::buffer_text(term.backend().buffer());
        assert!(pane(&screen, "5 Log").contains(long), "{w}x{h}: the text wraps whole:\n{screen}");
        let hint = pane(&screen, "5 Log");
        let hint = &hint[..hint.find("the CDN").unwrap()];
        assert!(hint.contains("enter sends"), "{w}x{h}: {hint}");
        // Each hint whole or not there.
        for part in ["esc leaves", "alt-enter new line", "/help"] {
            let start = part.split(' ').next().unwrap();
            assert!(!hint.contains(start) || hint.contains(part), "{w}x{h}: `{part}` cut: {hint}");
        }
        if w == 120 {
            assert!(hint.contains("enter sends · esc leaves"), "{hint}");
        }
    }
}

#[test]
fn slash_filters_the_focused_list_and_the_title_says_so() {
    let mut m = cockpit();
    m.view.focus = Pane::Rollout;
    update(&mut m, Msg::Action(Action::Filter));
    for c in "nginx".chars() {
        update(&mut m, Msg::Edit(Edit::Char(c)));
    }
    update(&mut m, Msg::Edit(Edit::Submit));
    let screen = text(&m, 120, 40);
    let title = screen.lines().find(|l| l.contains("2 Rollout")).unwrap();
    assert!(title.contains("/nginx · 1 of 8"), "{title}");
    assert!(screen.contains("▸ addons-nginx") && !screen.contains("addons-linter "), "{screen}");
    update(&mut m, Msg::Action(Action::Cancel));
    assert!(text(&m, 120, 40).contains("addons-linter "), "esc clears the filter");

    m.view.focus = Pane::Sentry;
    update(&mut m, Msg::Action(Action::Filter));
    for c in "deadlock".chars() {
        update(&mut m, Msg::Edit(Edit::Char(c)));
    }
    let screen = text(&m, 120, 40);
    assert!(screen.contains("ADDONS-SERVER-Z3") && !screen.contains("ADDONS-SERVER-1K7"), "{screen}");
}
