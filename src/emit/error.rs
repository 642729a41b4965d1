//! Errors of the `emit` stage: the file system said no.

use std::path::PathBuf;

use miette::Diagnostic;
use thiserror::Error;

/// A file could not be read or written.
#[derive(Debug, Error, Diagnostic)]
pub enum EmitError {
    /// git could not answer.
    #[error("{message}")]
    #[diagnostic(
        code(inception::emit::git),
        help("run `inception diff` inside the repository, with a revision git knows (`git log` lists them)")
    )]
    Git {
        /// What went wrong.
        message: String,
    },
    /// A generated file's place is taken by a folder.
    #[error("`{}` is a folder, but inception writes a file there", path.display())]
    #[diagnostic(code(inception::emit::not_a_file), help("move the folder away; nothing was written"))]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A symbolic link where compile would write or remove.
    #[error("`{}` is a symbolic link; inception writes only real files and folders", path.display())]
    #[diagnostic(
        code(inception::emit::symlink),
        help(
            "nothing was written: replace the link with a real folder or file (writing through it could reach outside the spec's folder)"
        )
    )]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// Another compile holds the folder.
    #[error("another `inception compile` is writing `{}`", path.display())]
    #[diagnostic(
        code(inception::emit::busy),
        help("nothing was written: waited {seconds} s for it to finish; run compile again when it has")
    )]
    Busy {
        /// The spec's folder.
        path: PathBuf,
        /// How long compile waited.
        seconds: u64,
    },
    /// Files in the way that inception did not write.
    #[error("{} would be overwritten, but inception did not write {}: {}", if paths.len() == 1 { "a file" } else { "files" }, if paths.len() == 1 { "it" } else { "them" }, paths.join(", "))]
    #[diagnostic(
        code(inception::emit::not_owned),
        help("nothing was written: move them away, or run `inception compile --adopt` to let inception own them")
    )]
    NotOwned {
        /// The paths, relative to the spec's folder.
        paths: Vec<String>,
    },
    /// Reading failed.
    #[error("cannot read `{}`", path.display())]
    #[diagnostic(code(inception::emit::read), help("check that the file exists and is readable"))]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// No spec at the given path.
    #[error("no spec at `{}`", path.display())]
    #[diagnostic(
        code(inception::emit::spec_not_found),
        help("pass `--spec` the spec file, or the folder holding inception.kdl")
    )]
    SpecNotFound {
        /// The path looked at.
        path: PathBuf,
    },
    /// No spec was given and none was found.
    #[error("no {} in `{}` or any folder above it", crate::emit::SPEC_FILE, start.display())]
    #[diagnostic(
        code(inception::emit::no_spec),
        help("run inception inside the project that holds inception.kdl, or pass `--spec PATH`")
    )]
    NoSpecAbove {
        /// Where the search started.
        start: PathBuf,
    },
    /// Writing failed.
    #[error("cannot write `{}`", path.display())]
    #[diagnostic(
        code(inception::emit::write),
        help("check permissions and free space; files already renamed into place keep their new contents")
    )]
    Write {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
