//! The user-bindable verbs, each listed once in the table at the foot of this
//! file: its variant, its snake_case name (the `[keys]` vocabulary of the config,
//! and its serde name), its default keys, its footer label and its help text.
//! Everything else about an action is generated from that row, so the config,
//! the help overlay, the footer and the default keymap cannot drift apart.

use serde::{Deserialize, Serialize};

/// Generates `Action` and its per-action lookups from one row per action:
///
/// `Variant "config_name" ["key", ...] "footer label" "help text",`
///
/// A footer label of `-` keeps the action out of the footer (it is still in
/// the help overlay).
macro_rules! actions {
    (@footer -) => { None };
    (@footer $label:literal) => { Some($label) };
    ($($variant:ident $name:literal [$($key:literal),*] $footer:tt $help:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Action {
            $(
                #[doc = $help]
                #[serde(rename = $name)]
                $variant,
            )*
        }

        impl Action {
            /// Every action, in table order (the order of the help overlay).
            pub const ALL: [Action; [$($name),*].len()] = [$(Action::$variant),*];

            /// The `[keys]` name in the config.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            /// The line in the help overlay.
            pub fn description(self) -> &'static str {
                match self {
                    $(Action::$variant => $help,)*
                }
            }

            /// Short label for the footer; `None` keeps the action out of the
            /// footer (it is still in the help overlay).
            pub fn footer_label(self) -> Option<&'static str> {
                match self {
                    $(Action::$variant => actions!(@footer $footer),)*
                }
            }

            /// The keys bound when the config does not rebind the action.
            pub fn default_keys(self) -> &'static [&'static str] {
                match self {
                    $(Action::$variant => &[$($key),*],)*
                }
            }
        }
    };
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        // Older configs name `/` by what it did before it filtered every list.
        let name = if name == "search_log" { "filter" } else { name };
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

actions! {
//  variant        config name       default keys       footer           help text
    Quit           "quit"            ["q"]              "quit"           "close the overlay / quit (asks if git is busy)",
    QuitNow        "quit_now"        ["ctrl-c"]         -                "quit at once, from anywhere",
    ToggleHelp     "toggle_help"     ["?"]              "help"           "show or hide this help",
    Cancel         "cancel"          ["esc"]            -                "close the overlay / clear the filter / leave zoom",
    FocusNext      "focus_next"      ["tab"]            "next pane"      "focus the next pane",
    FocusPrev      "focus_prev"      ["shift-tab"]      -                "focus the previous pane",
    FocusChecklist "focus_checklist" ["1"]              -                "focus Checklist",
    FocusRollout   "focus_rollout"   ["2"]              -                "focus Rollout",
    FocusRepos     "focus_repos"     ["3"]              -                "focus Repos & tags",
    FocusSentry    "focus_sentry"    ["4"]              -                "focus Sentry",
    FocusLog       "focus_log"       ["5"]              -                "focus Log",
    ToggleZoom     "toggle_zoom"     ["z"]              "zoom"           "zoom the focused pane",
    Refresh        "refresh"         ["r"]              "refresh"        "poll every service now",
    SelectNext     "select_next"     ["down", "j"]      "down"           "select the next row",
    SelectPrev     "select_prev"     ["up", "k"]        "up"             "select the previous row",
    PageDown       "page_down"       ["pgdn", "ctrl-d"] -                "page down",
    PageUp         "page_up"         ["pgup", "ctrl-u"] -                "page up",
    SelectFirst    "select_first"    ["home", "g"]      -                "select the first row",
    SelectLast     "select_last"     ["end", "G"]       -                "select the last row",
    Fetch          "fetch"           ["f"]              "fetch"          "fetch every repository (git fetch --tags)",
    CreateTags     "create_tags"     ["t"]              "tag"            "create the next push tag where one is needed",
    PushTags       "push_tags"       ["P"]              "push tags"      "push created tags to the remote",
    Activate       "activate"        ["enter"]          "open"           "open the selection / confirm a dialog",
    Compare        "compare"         ["c"]              "compare"        "compare the previous tag with the target",
    ToggleMerges   "toggle_merges"   ["m"]              "merges"         "show or hide merge commits (compare)",
    CopyUrl        "copy_url"        ["y"]              "copy url"       "copy the selection's link (OSC 52)",
    OpenUrl        "open_url"        ["o"]              "open url"       "open the selection's link in a browser",
    ToggleTick     "toggle_tick"     ["space", "x"]     "tick"           "tick or untick the selected checklist item",
    Waive          "waive"           ["w"]              "waive"          "waive the selected item, giving a reason",
    MarkPush       "mark_push"       ["s"]              "push start/end" "mark the push started / finished",
    Filter         "filter"          ["/"]              "filter"         "filter the focused list as you type (esc clears)",
    LogFilter      "log_filter"      ["F"]              "show"           "log: all, people, system or mine",
    Compose        "compose"         ["i"]              "write"          "write in the log (enter sends, esc leaves)",
    ExportNotes    "export_notes"    ["e"]              "export notes"   "write the push notes beside the journal",
    PauseStory     "pause_story"     ["p"]              -                "demo: pause or resume the story",
    OpenBuild      "open_build"      ["b"]              -                "open the build the selected service runs",
    Retag          "retag"           ["T"]              "re-tag"         "repos: build the next tag from the pick basket and push it",
    Deploy         "deploy"          ["d"]              "deploy"         "rollout: deploy the target to the selected service or all, in order",
    Rollback       "rollback"        ["R"]              "rollback"       "rollout: roll back to the last known good",
    Lock           "lock"            ["L"]              "lock"           "lock or unlock deploys to an environment, with a reason",
    Smoke          "smoke"           ["S"]              "smoke"          "run the smoke checks now",
    Palette        "palette"         [":"]              "commands"       "command palette: find and run any action",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert!(!a.description().is_empty());
        }
        assert_eq!(Action::from_name("search_log"), Some(Action::Filter), "the old name still binds");
    }
}
