//! Shared helpers: paths, temporary folders, running the binary, blessing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether this run rewrites expectations instead of checking them.
pub fn blessing() -> bool {
    std::env::var_os("INCEPTION_BLESS").is_some_and(|v| v != "0" && !v.is_empty())
}

/// Every example environment: (name, spec path), sorted.
pub fn environments() -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(root().join("environments"))
        .expect("environments/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("inception.kdl").is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p.join("inception.kdl")))
        .collect();
    found.sort();
    found
}

/// A fresh, empty temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("inception-it-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the inception binary in `dir`.
pub fn inception(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inception"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run inception")
}

/// stdout and stderr as text.
pub fn text(output: &Output) -> (String, String) {
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Every file under `dir`, relative, `/`-separated, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    found.sort();
    found
}

/// A temporary folder holding a writable copy of the reference spec.
pub fn with_reference_spec(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    let spec = dir.path().join("inception.kdl");
    std::fs::copy(root().join("environments/serenity/inception.kdl"), &spec).expect("copy spec");
    make_writable(&spec);
    dir
}

/// Clear the read-only bit (a spec checked out read-only gives read-only copies).
pub fn make_writable(path: &Path) {
    let mut permissions = std::fs::metadata(path).expect("metadata").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(path, permissions).expect("chmod");
}

/// Replace `from` with `to` in a file, which must contain it.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read file");
    assert!(text.contains(from), "{} does not contain {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).expect("write file");
}

/// The text of `tier NAME { … }` in a spec, through its closing line.
pub fn tier_block(spec: &str, name: &str) -> String {
    let start = spec.find(&format!("\ntier {name} {{\n")).map(|i| i + 1).unwrap_or_else(|| panic!("no tier {name}"));
    let end = spec[start..].find("\n}\n").map(|i| start + i + 3).expect("the tier's closing brace");
    spec[start..end].to_owned()
}

/// The 1-based line of the reference spec whose text, trimmed, starts with
/// `start`: tests name spec lines by content, so edits above them do not
/// break them.
pub fn serenity_line(start: &str) -> usize {
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("read spec");
    spec.lines().position(|l| l.trim_start().starts_with(start)).unwrap_or_else(|| panic!("no line {start:?}")) + 1
}
