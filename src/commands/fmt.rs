//! `inception fmt [--check] [--spec PATH]`: canonical formatting of the spec.

use crate::cli::SpecArgs;
use crate::commands::load;
use crate::emit;
use crate::error::Result;
use crate::pipeline;
use crate::source::SourceFile;
use crate::spec::format::format;

/// Format the spec in place, or with `check` only report. Returns whether
/// the file was already formatted. A spec that does not parse is refused
/// (exit 2): formatting never guesses at broken input.
///
/// # Errors
/// An invalid spec or an I/O failure.
pub fn run(spec: &SpecArgs, check: bool) -> Result<bool> {
    let load::Input { location, source } = load::read(spec, None)?;
    pipeline::load(&source)?;
    let formatted = format(source.text());
    if formatted == source.text() {
        eprintln!("{}: formatted", source.name());
        return Ok(true);
    }
    if check {
        crate::out!("{}", emit::unified(&location.spec_name(), source.text(), &formatted));
        eprintln!("{}: not formatted; run `inception fmt`", source.name());
        return Ok(false);
    }
    // The formatted text must mean the same; refuse to write otherwise.
    pipeline::load(&SourceFile::new(source.name(), formatted.clone()))?;
    emit::write_file(&location.file, &formatted)?;
    eprintln!("{}: reformatted", source.name());
    Ok(true)
}
