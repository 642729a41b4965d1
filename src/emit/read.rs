//! Reading the spec and the current state of the output tree.

use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use super::EmitError;
use super::lock::{LOCK_PATH, Lock};
use crate::source::SourceFile;

/// The spec's default file name.
pub const SPEC_FILE: &str = "inception.kdl";

/// Where a spec lives: its file and the folder its artifacts go to.
#[derive(Debug, Clone)]
pub struct SpecLocation {
    /// The spec file as the user named it (or `DIR/inception.kdl`).
    pub file: PathBuf,
    /// The root of every generated path: `--out`, or the spec's folder.
    pub root: PathBuf,
}

impl SpecLocation {
    /// Resolve a user-given path: a spec file, or a folder holding `inception.kdl`.
    /// The generated tree is the spec's folder.
    pub fn find(path: &Path) -> Self {
        if path.is_dir() {
            return Self { file: path.join(SPEC_FILE), root: path.to_path_buf() };
        }
        let root = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        Self { file: path.to_path_buf(), root }
    }

    /// The spec a command works on: `spec` as given (a file or a folder holding
    /// `inception.kdl`), else the nearest `inception.kdl` in `start` or a folder
    /// above it; the generated tree at `out`, else beside the spec.
    ///
    /// # Errors
    /// [`EmitError::NoSpecAbove`] when no spec is given and none is found.
    pub fn locate(spec: Option<&Path>, out: Option<&Path>, start: &Path) -> Result<Self, EmitError> {
        let mut location = match spec {
            Some(path) => Self::find(path),
            None => {
                Self::find(&nearest_spec(start).ok_or_else(|| EmitError::NoSpecAbove { start: start.to_path_buf() })?)
            }
        };
        if let Some(out) = out {
            location.root = out.to_path_buf();
        }
        Ok(location)
    }

    /// The folder holding the spec file.
    pub fn spec_dir(&self) -> PathBuf {
        match self.file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// The spec's file name, as recorded in banners and the lock.
    pub fn spec_name(&self) -> String {
        self.file.file_name().map_or_else(|| SPEC_FILE.to_owned(), |n| n.to_string_lossy().into_owned())
    }
}

/// `DIR/inception.kdl` for the nearest `DIR` from `start` upwards that holds one.
fn nearest_spec(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start.ancestors().map(|dir| dir.join(SPEC_FILE)).find(|file| file.is_file())
}

/// Read the spec file.
///
/// # Errors
/// [`EmitError::SpecNotFound`] or [`EmitError::Read`].
pub fn read_spec(location: &SpecLocation) -> Result<SourceFile, EmitError> {
    let error = |source: std::io::Error| match source.kind() {
        ErrorKind::NotFound => EmitError::SpecNotFound { path: location.file.clone() },
        _ => EmitError::Read { path: location.file.clone(), source },
    };
    // Never more than the spec stage accepts (plus a character, so that it
    // reports the excess with a span): a huge file is refused, not loaded.
    let limit = crate::spec::limits::MAX_SPEC_BYTES + 4;
    let mut bytes = Vec::new();
    std::fs::File::open(&location.file).and_then(|f| f.take(limit as u64).read_to_end(&mut bytes)).map_err(error)?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) if e.utf8_error().valid_up_to() > crate::spec::limits::MAX_SPEC_BYTES => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
        Err(e) => return Err(error(std::io::Error::new(ErrorKind::InvalidData, e))),
    };
    Ok(SourceFile::new(location.file.display().to_string(), text))
}

/// A file's text, or `None` if it does not exist.
///
/// # Errors
/// Any read failure other than "not found".
pub fn read_optional(path: &Path) -> Result<Option<String>, EmitError> {
    Ok(read_optional_bytes(path)?
        .map(|bytes| String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())))
}

/// A file's bytes, or `None` if it does not exist.
///
/// # Errors
/// Any read failure other than "not found".
pub fn read_optional_bytes(path: &Path) -> Result<Option<Vec<u8>>, EmitError> {
    // No `is_dir` first: reading a folder fails, and says so (one system
    // call less per file, which `check` and a no-op compile feel).
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == ErrorKind::IsADirectory || path.is_dir() => {
            Err(EmitError::NotAFile { path: path.to_path_buf() })
        }
        Err(source) => Err(EmitError::Read { path: path.to_path_buf(), source }),
    }
}

/// The lock of the last compile under `root`, if there is a readable one.
///
/// # Errors
/// A read failure.
pub fn read_lock(root: &Path) -> Result<Option<Lock>, EmitError> {
    Ok(read_optional(&root.join(LOCK_PATH))?.as_deref().and_then(Lock::parse))
}

/// The absolute-free, `..`-free native path of a generated path under `root`.
pub fn join(root: &Path, relative: &str) -> PathBuf {
    let mut path = root.to_path_buf();
    for part in relative.split('/').filter(|p| !p.is_empty() && *p != "." && *p != "..") {
        path.push(part);
    }
    path
}
