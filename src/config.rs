//! Output settings decided once, at the edge: how wide tables may be, whether
//! they show every column, and whether output is coloured. Commands turn their
//! arguments, the environment (`COLUMNS`, `NO_COLOR`) and the terminal into one
//! [`Settings`]; renderers take it as plain data and never look at the terminal.

use crate::cli::{ColorChoice, FitArgs};
use std::io::IsTerminal;

/// Narrowest width a table is fitted to (`--width` and `COLUMNS` below it are raised).
pub const MIN_WIDTH: usize = 20;

/// How output looks, decided once per command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Columns a terminal table may use; `None`: no limit (output is not a
    /// terminal and neither `--width` nor `COLUMNS` was given).
    pub width: Option<usize>,
    /// Every column (`--wide`), at full width.
    pub wide: bool,
    /// ANSI colours.
    pub color: bool,
}

/// What the process finds around it: the inputs of [`Settings::decide`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// Standard output is a terminal.
    pub stdout_tty: bool,
    /// The terminal's width in columns, when standard output is one.
    pub tty_columns: Option<usize>,
    /// The `COLUMNS` variable.
    pub columns: Option<String>,
    /// The `NO_COLOR` variable (no-color.org: set and not empty disables colour).
    pub no_color: Option<String>,
}

impl Env {
    /// The environment of this process.
    pub fn current() -> Env {
        let stdout_tty = stdout_is_terminal();
        Env {
            stdout_tty,
            tty_columns: if stdout_tty { terminal_columns() } else { None },
            columns: std::env::var("COLUMNS").ok(),
            no_color: std::env::var("NO_COLOR").ok(),
        }
    }
}

impl Settings {
    /// Settings from the arguments of a command and its environment: the width is
    /// `--width`, else `COLUMNS`, else the terminal's; colour is `--color always|never`,
    /// or with `auto` on a terminal unless `NO_COLOR` is set (a flag beats the variable,
    /// as no-color.org asks).
    pub fn decide(fit: &FitArgs, color: ColorChoice, env: &Env) -> Settings {
        let columns = env.columns.as_deref().and_then(|c| c.trim().parse::<usize>().ok()).filter(|&c| c > 0);
        let width = fit.width.map(usize::from).or(columns).or(env.tty_columns).map(|w| w.max(MIN_WIDTH));
        let no_color = env.no_color.as_deref().is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_tty && !no_color,
        };
        Settings { width, wide: fit.wide, color }
    }

    /// [`decide`](Self::decide) in this process's environment.
    pub fn from_args(fit: &FitArgs, color: ColorChoice) -> Settings {
        Settings::decide(fit, color, &Env::current())
    }

    /// The defaults of a command without these flags (`--capture` on the lab's
    /// servers and clients): the terminal's width, colour on a terminal.
    pub fn detect() -> Settings {
        Settings::from_args(&FitArgs::default(), ColorChoice::Auto)
    }
}

/// Whether to colour output, for commands without tables: `--color`, the terminal and `NO_COLOR`.
pub fn color(choice: ColorChoice) -> bool {
    Settings::from_args(&FitArgs::default(), choice).color
}

/// Whether standard output is a terminal: the one place output asks (colour,
/// width, and where a line starts after an echoed ^C).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// The width of the terminal on standard output (TIOCGWINSZ), if it is one.
#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    let mut ws = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: the pointer is to a live winsize, as the request expects.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) };
    (rc == 0 && ws.ws_col > 0).then_some(usize::from(ws.ws_col))
}

/// The width of the console window on standard output (GetConsoleScreenBufferInfo:
/// the visible window, not the wider scroll-back buffer), if it is a console.
#[cfg(windows)]
fn terminal_columns() -> Option<usize> {
    use windows_sys::Win32::System::Console::{
        GetConsoleScreenBufferInfo, GetStdHandle, CONSOLE_SCREEN_BUFFER_INFO, STD_OUTPUT_HANDLE,
    };
    // SAFETY: GetStdHandle has no memory arguments; the info is plain data that
    // the call fills in, for a handle that is ours (or invalid, which it reports).
    let info = unsafe {
        let handle = GetStdHandle(STD_OUTPUT_HANDLE);
        let mut info: CONSOLE_SCREEN_BUFFER_INFO = std::mem::zeroed();
        if GetConsoleScreenBufferInfo(handle, &mut info) == 0 {
            return None;
        }
        info
    };
    window_columns(info.srWindow.Left, info.srWindow.Right)
}

/// Columns of a console window from its left and right column (inclusive).
#[cfg(any(windows, test))]
fn window_columns(left: i16, right: i16) -> Option<usize> {
    usize::try_from(i32::from(right) - i32::from(left) + 1).ok().filter(|&w| w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(width: Option<u16>, wide: bool) -> FitArgs {
        FitArgs { width, wide }
    }

    fn tty(cols: usize) -> Env {
        Env { stdout_tty: true, tty_columns: Some(cols), ..Env::default() }
    }

    #[test]
    fn width_comes_from_the_flag_then_columns_then_the_terminal() {
        let mut env = tty(120);
        assert_eq!(Settings::decide(&fit(None, false), ColorChoice::Auto, &env).width, Some(120));
        env.columns = Some("100".into());
        assert_eq!(Settings::decide(&fit(None, false), ColorChoice::Auto, &env).width, Some(100));
        assert_eq!(Settings::decide(&fit(Some(80), false), ColorChoice::Auto, &env).width, Some(80));
        env.columns = Some("wide".into());
        assert_eq!(Settings::decide(&fit(None, false), ColorChoice::Auto, &env).width, Some(120));
    }

    #[test]
    fn console_window_width_counts_both_edges() {
        assert_eq!(window_columns(0, 119), Some(120));
        assert_eq!(window_columns(5, 84), Some(80));
        assert_eq!(window_columns(3, 2), None);
    }

    #[test]
    fn no_width_when_piped_without_flag_or_columns() {
        let s = Settings::decide(&fit(None, true), ColorChoice::Auto, &Env::default());
        assert_eq!(s, Settings { width: None, wide: true, color: false });
        let env = Env { columns: Some("90".into()), ..Env::default() };
        assert_eq!(Settings::decide(&fit(None, false), ColorChoice::Auto, &env).width, Some(90));
        assert_eq!(Settings::decide(&fit(Some(3), false), ColorChoice::Auto, &env).width, Some(MIN_WIDTH));
    }

    #[test]
    fn colour_follows_the_flag_the_terminal_and_no_color() {
        let f = fit(None, false);
        let mut env = tty(80);
        assert!(Settings::decide(&f, ColorChoice::Auto, &env).color);
        env.no_color = Some(String::new());
        assert!(Settings::decide(&f, ColorChoice::Auto, &env).color, "an empty NO_COLOR is ignored");
        env.no_color = Some("1".into());
        assert!(!Settings::decide(&f, ColorChoice::Auto, &env).color);
        assert!(Settings::decide(&f, ColorChoice::Always, &env).color, "--color always beats NO_COLOR");
        assert!(!Settings::decide(&f, ColorChoice::Never, &tty(80)).color);
        assert!(!Settings::decide(&f, ColorChoice::Auto, &Env::default()).color);
        assert!(Settings::decide(&f, ColorChoice::Always, &Env::default()).color);
    }
}
