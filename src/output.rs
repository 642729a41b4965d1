//! Printing to stdout without panicking when the reader goes away
//! (`inception symmetry | head`): a closed pipe ends the program quietly.

use std::io::Write;

/// Write to stdout; on a closed pipe exit 0, on another failure exit 2.
pub(crate) fn write(text: std::fmt::Arguments<'_>) {
    if let Err(error) = std::io::stdout().lock().write_fmt(text) {
        let code = if error.kind() == std::io::ErrorKind::BrokenPipe { 0 } else { 2 };
        std::process::exit(code);
    }
}

/// `print!` that survives a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*)) };
}

/// `println!` that survives a closed pipe.
#[macro_export]
macro_rules! outln {
    () => { $crate::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}
