//! Entering and leaving the full-screen terminal: raw mode, the alternate
//! screen, bracketed paste and, unless `[ui] mouse = false`, mouse reports.
//! It is restored on every way out: quit, error (the guard's drop) and a
//! panic of the loop (the hook); left while the cockpit is suspended
//! (ctrl-z) and entered again after.
//!
//! A panic on a worker thread (a probe task) is caught and shown in its cell;
//! the hook sends its report to the log file instead of printing over the
//! screen, and leaves the terminal alone so the cockpit keeps working.

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::style::Print;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::backend::CrosstermBackend;
use ratatui::{DefaultTerminal, Terminal};
use std::io::{IsTerminal, stdout};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether the terminal was asked for mouse reports, so leaving turns them off.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Button presses, releases and the wheel (1000), reported as SGR (1006):
/// any column, and a release tells which button. Not motion (1003): every
/// move of the pointer would wake the cockpit.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";
static HOOK: Once = Once::new();

/// The full-screen cockpit needs a terminal on both ends: keys come from
/// standard input and the screen is drawn on standard output. Without one it
/// would wait for keys that never come, or draw into a file.
pub fn require_tty() -> Result<(), NoTerminal> {
    if !std::io::stdin().is_terminal() {
        return Err(NoTerminal::Stdin);
    }
    if !stdout().is_terminal() {
        return Err(NoTerminal::Stdout);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoTerminal {
    #[error(
        "standard input is not a terminal; the cockpit reads its keys there \
         (for scripts use a subcommand, e.g. `shipdeck status`)"
    )]
    Stdin,
    #[error(
        "standard output is not a terminal; the full-screen cockpit would draw into it \
         (for text output use a subcommand, e.g. `shipdeck status`)"
    )]
    Stdout,
}

pub struct TerminalGuard {
    /// Always `Some` until dropped; see the `Drop` impl for why it can be
    /// let go of without running ratatui's own drop.
    terminal: Option<DefaultTerminal>,
    mouse: bool,
}

impl TerminalGuard {
    /// `mouse`: ask the terminal for mouse reports.
    pub fn enter(mouse: bool) -> std::io::Result<Self> {
        install_hook();
        enter_modes(mouse)?;
        match Terminal::new(CrosstermBackend::new(stdout())) {
            Ok(terminal) => Ok(TerminalGuard { terminal: Some(terminal), mouse }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        self.terminal.as_mut().expect("the terminal is there until the guard is dropped")
    }

    /// Gives the terminal back to the shell, as on quit, before the process
    /// stops.
    pub fn suspend(&mut self) {
        restore();
    }

    /// Takes the terminal again and forgets what is on it, so the next draw
    /// repaints every cell. Also right when nothing was left: a shell may
    /// have reset the modes of a job that was stopped from outside.
    pub fn resume(&mut self) -> std::io::Result<()> {
        // Raw mode is remembered by crossterm, not read back from the tty;
        // leaving it first makes entering it set the modes again.
        let _ = disable_raw_mode();
        enter_modes(self.mouse)?;
        // Not `Terminal::clear`: it asks the terminal where the cursor is,
        // and the answer would arrive on the input the cockpit reads itself.
        let terminal = self.terminal();
        let size = terminal.size()?;
        terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }
}

/// Raw mode, the alternate screen and bracketed paste (a paste arrives as
/// one event, never as keys that could fire shortcuts after a newline),
/// and the mouse when asked for.
fn enter_modes(mouse: bool) -> std::io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    MOUSE.store(mouse, Ordering::SeqCst);
    let on = if mouse { MOUSE_ON } else { "" };
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste, Print(on)) {
        restore();
        return Err(e);
    }
    Ok(())
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let Some(mut terminal) = self.terminal.take() else { return };
        // ratatui's drop shows a hidden cursor and, if that fails, prints to
        // stderr with `eprintln!`, which panics when stderr is the same
        // closed terminal: a panic in a drop during an error return aborts,
        // and the demo's temporary directory would never be removed.
        let alive = terminal.show_cursor().is_ok();
        restore();
        if !alive {
            std::mem::forget(terminal);
        }
    }
}

/// Leaves the alternate screen, the mouse and raw mode once; later calls
/// do nothing. The mouse goes first: a terminal left reporting it types
/// escape sequences into the shell at every click.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let off = if MOUSE.swap(false, Ordering::SeqCst) { MOUSE_OFF } else { "" };
        let _ = disable_raw_mode();
        let _ = execute!(stdout(), Print(off), DisableBracketedPaste, LeaveAlternateScreen, Show);
    }
}

/// Stops this process the way ctrl-z stops a job, until the shell's `fg`
/// (or any SIGCONT) continues it; returns once continued. SIGSTOP rather
/// than SIGTSTP, which the cockpit catches to come here.
pub fn stop_self() -> std::io::Result<()> {
    crate::io::kill::send("STOP", &std::process::id().to_string())
}

fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_main = std::thread::current().name() == Some("main");
            if ACTIVE.load(Ordering::SeqCst) && !on_main {
                tracing::error!("panic on a worker thread: {info}");
                return;
            }
            restore();
            previous(info);
        }));
    });
}
