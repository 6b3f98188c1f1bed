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
