//! The five panes, in the order tab visits them and their keys number
//! them: the layout's reading order, left to right and top to bottom.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Checklist,
    Rollout,
    Repos,
    Sentry,
    Log,
}

impl Pane {
    pub const ALL: [Pane; 5] = [Pane::Checklist, Pane::Rollout, Pane::Repos, Pane::Sentry, Pane::Log];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Checklist => "Checklist",
            Pane::Repos => "Repos & tags",
            Pane::Rollout => "Rollout",
            Pane::Sentry => "Sentry",
            Pane::Log => "Log",
        }
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> Pane {
        Pane::ALL[(self.index() + 1) % Pane::ALL.len()]
    }

    pub fn prev(self) -> Pane {
        Pane::ALL[(self.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
    }
}
