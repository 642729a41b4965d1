//! Reading a file as it was at a git revision (for `inception diff`).

use std::path::Path;
use std::process::Command;

use super::EmitError;

/// The text of `file_name` (in `root`) at `revision`, or `None` if the file
/// did not exist there.
///
/// # Errors
/// git is missing, `root` is not in a repository, or the revision is unknown.
pub fn show_at(root: &Path, revision: &str, file_name: &str) -> Result<Option<String>, EmitError> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|e| EmitError::Git { message: format!("cannot run git: {e}") })
    };
    let verify = git(&["rev-parse", "--verify", "--quiet", &format!("{revision}^{{commit}}")])?;
    if !verify.status.success() {
        let inside = git(&["rev-parse", "--is-inside-work-tree"])?;
        let message = if inside.status.success() {
            format!("`{revision}` is not a revision of this repository")
        } else {
            format!("`{}` is not inside a git repository", root.display())
        };
        return Err(EmitError::Git { message });
    }
    let shown = git(&["show", &format!("{revision}:./{file_name}")])?;
    if shown.status.success() { Ok(Some(String::from_utf8_lossy(&shown.stdout).into_owned())) } else { Ok(None) }
}
