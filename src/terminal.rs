//! Entering and leaving the full-screen terminal. The terminal is restored on
//! every way out: normal quit, error (the guard's drop) and panic (the hook
//! ratatui installs, chained before color-eyre's).

use ratatui::DefaultTerminal;

pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}
