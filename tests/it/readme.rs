//! The README is part of the interface: its two commands, its key table and
//! its config reference must match the program.

use shipdeck::action::Action;
use shipdeck::config::Config;

fn readme() -> String {
    std::fs::read_to_string("README.md").unwrap()
}

#[test]
fn readme_names_the_two_commands() {
    let r = readme();
    assert!(r.contains("cargo run --release -- demo"));
    assert!(r.contains("cargo test"));
}

#[test]
fn readme_lists_every_action() {
    let r = readme();
    for a in Action::ALL {
        assert!(r.contains(&format!("`{}`", a.name())), "README key table lacks `{}`", a.name());
    }
}

#[test]
fn readme_config_reference_parses() {
    let r = readme();
    let start = r.find("```toml\n[release]").expect("config reference block") + "```toml\n".len();
    let end = start + r[start..].find("```").unwrap();
    let c = Config::parse(&r[start..end], "README.md").unwrap();
    assert_eq!(c.services.len(), 1);
}

/// The Keys table, row by row: the keys cell's backticked keys (before any
/// parenthesis, which explains rather than binds) and the action names.
fn key_rows(r: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let start = r.find("## Keys\n").expect("a Keys section");
    let end = start + 8 + r[start + 8..].find("\n## ").unwrap_or(r.len() - start - 8);
    let ticked = |cell: &str| -> Vec<String> { cell.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    r[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let keys = cells[0].trim_start_matches("| ");
            let keys = keys.split('(').next().unwrap_or(keys);
            let mut keys = ticked(keys);
            // `1` … `5`: the digits between.
            if keys.len() == 2 && keys.iter().all(|k| k.len() == 1 && k.chars().all(|c| c.is_ascii_digit())) {
                let (a, b) = (keys[0].parse::<u8>().unwrap(), keys[1].parse::<u8>().unwrap());
                keys = (a..=b).map(|d| d.to_string()).collect();
            }
            (keys, ticked(cells[1]))
        })
        .collect()
}

/// The key table is the keymap's: each action named in one row, with
/// exactly its default keys, as help prints them.
#[test]
fn readme_key_table_matches_the_default_keymap() {
    let rows = key_rows(&readme());
    for a in Action::ALL {
        let named: Vec<_> = rows.iter().filter(|(_, names)| names.iter().any(|n| n == a.name())).collect();
        assert_eq!(named.len(), 1, "`{}` is in one row of the Keys table", a.name());
        let (keys, _) = named[0];
        for k in a.default_keys() {
            let shown = shipdeck::keymap::KeyChord::parse(k).unwrap().to_string();
            assert!(
                keys.contains(&shown),
                "the Keys table gives `{}` the key `{shown}`: its row has {keys:?}",
                a.name()
            );
        }
    }
    for (keys, names) in &rows {
        let actions: Vec<Action> = names.iter().filter_map(|n| Action::from_name(n)).collect();
        assert!(!actions.is_empty(), "a row names no action: {names:?}");
        for key in keys {
            let bound = actions
                .iter()
                .flat_map(|a| a.default_keys())
                .any(|k| shipdeck::keymap::KeyChord::parse(k).map(|c| c.to_string()).as_deref() == Ok(key.as_str()));
            assert!(bound, "the Keys table lists `{key}` for {names:?}, which the keymap does not bind to them");
        }
    }
}

/// The exit codes every command shares, as the Headless commands section's
/// table gives them: deploys have their own, 4, and their refusals are 3.
#[test]
fn readme_exit_code_table_has_the_deploy_codes() {
    let r = readme();
    let start = r.find("| code | meaning |").expect("the exit-code table");
    let table: Vec<&str> = r[start..].lines().take_while(|l| l.starts_with('|')).collect();
    let codes: Vec<&str> = table.iter().skip(2).filter_map(|l| l.split(" | ").next()).collect();
    assert_eq!(codes, ["| 0", "| 1", "| 2", "| 3", "| 4"]);
    assert!(
        table[5].contains("`deploy` or `rollback` refused by a locked environment or by your role"),
        "{}",
        table[5]
    );
    assert!(table[6].contains("a deploy failed (`deploy`, `rollback`)"), "{}", table[6]);
}
