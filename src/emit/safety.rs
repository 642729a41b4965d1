//! File-system safety of the writer: where compile may write and remove,
//! never through a symbolic link, one compile per folder at a time, and the
//! leftovers of a compile that was killed.
//!
//! - Every generated path is relative and lies under one of
//!   [`GENERATED_ROOTS`]; a lock file cannot name anything else (the spec,
//!   sources) for removal.
//! - No component of a path below the spec's folder may be a symbolic link:
//!   writing or removing through one could reach outside the tree.
//! - Temporary files are named `NAME.PID-N.tmp-inception`, created with
//!   `O_EXCL` (never through a planted link), and removed by the next compile
//!   if a killed one left them.
//! - [`JOURNAL_PATH`] records, while files are being renamed into place,
//!   what the lock about to be written lists and the lock on disk does not
//!   (all of it when there is no lock yet): after a kill, the next compile
//!   still knows those files are its own.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::EmitError;

/// The folders (and files) every generated path lies under.
pub const GENERATED_ROOTS: &[&str] = &[
    ".devcontainer/",
    ".vscode/launch.json",
    ".github/workflows/",
    ".azure-pipelines/",
    "azure-pipelines.yml",
    "deploy/",
    "infra/",
];

/// The suffix of every temporary file compile creates.
pub const TEMPORARY_SUFFIX: &str = ".tmp-inception";

/// The journal of a compile in progress: the entries of the lock it is
/// about to write that the lock on disk lacks.
pub const JOURNAL_PATH: &str = "inception.lock.pending";

/// Folders whose every file is read by a tool (Argo CD applies every file
/// of `deploy/argocd/TIER/`, Helm every template), unlike these editor and
/// pipeline folders where people keep their own files beside generated ones.
const SHARED_FOLDERS: &[&str] = &[".devcontainer", ".vscode", ".github/workflows", ".azure-pipelines"];

/// How long a compile waits for another compile of the same folder.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// Whether `relative` is a path compile may write or remove: under one of
/// [`GENERATED_ROOTS`], without `.`, `..`, empty or absolute components.
pub fn is_generated_path(relative: &str) -> bool {
    let clean = !relative.starts_with('/')
        && !relative.contains('\\')
        && relative.split('/').all(|part| !part.is_empty() && part != "." && part != "..");
    clean && GENERATED_ROOTS.iter().any(|root| relative.starts_with(root) || relative == root.trim_end_matches('/'))
}

/// The native path of `relative` under `root`, refusing any component
/// below `root` that is a symbolic link.
///
/// # Errors
/// [`EmitError::Symlink`], or a read failure of a component's metadata.
pub fn no_link_path(root: &Path, relative: &str) -> Result<PathBuf, EmitError> {
    let parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty() && *p != "." && *p != "..").collect();
    let mut path = root.to_path_buf();
    for (index, part) in parts.iter().enumerate() {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(EmitError::Symlink { path }),
            Ok(_) => {}
            // Nothing there: nothing below it either.
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                path.extend(&parts[index + 1..]);
                return Ok(path);
            }
            Err(source) => return Err(EmitError::Read { path, source }),
        }
    }
    Ok(path)
}

/// The folders of many paths, each looked at once (not once per file under
/// it, nor once per path through it), so that [`Folders::path`] gives
/// what [`no_link_path`] gives at the cost of one look at the file itself,
/// or none when its folder does not exist. Read-only once built: files are
/// then looked at from several threads.
#[derive(Debug)]
pub struct Folders {
    root: PathBuf,
    states: std::collections::HashMap<String, Folder>,
}

/// What a folder of the tree is.
#[derive(Debug, Clone)]
enum Folder {
    /// A folder, no link on the way: its path.
    Clean(PathBuf),
    /// Nothing there (nor below).
    Absent,
    /// A symbolic link on the way, at this path.
    Linked(PathBuf),
    /// Anything else (a file where a folder should be, an odd name): each
    /// path under it is looked at in full.
    Other,
}

impl Folders {
    /// Look at the folders of `paths` (relative to `root`) and those above them.
    ///
    /// # Errors
    /// A failure reading a folder's metadata (other than "not found").
    pub fn look<'a>(root: &Path, paths: impl Iterator<Item = &'a str>) -> Result<Self, EmitError> {
        let mut folders = Self::new(root);
        folders.look_more(paths)?;
        Ok(folders)
    }

    /// No folder of `root` looked at yet (see [`Folders::look_more`]).
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf(), states: std::collections::HashMap::new() }
    }

    /// Look at the folders of more paths (those not looked at yet).
    ///
    /// # Errors
    /// As [`Folders::look`].
    pub fn look_more<'a>(&mut self, paths: impl Iterator<Item = &'a str>) -> Result<(), EmitError> {
        for relative in paths {
            if let Some((folder, _)) = relative.rsplit_once('/') {
                self.state(folder)?;
            }
        }
        Ok(())
    }

    fn state(&mut self, folder: &str) -> Result<Folder, EmitError> {
        if let Some(state) = self.states.get(folder) {
            return Ok(state.clone());
        }
        let (parent, name) = match folder.rsplit_once('/') {
            Some((parent, name)) => (self.state(parent)?, name),
            None => (Folder::Clean(self.root.clone()), folder),
        };
        let state = match parent {
            Folder::Clean(_) if name.is_empty() || name == "." || name == ".." => Folder::Other,
            Folder::Clean(parent) => {
                let path = parent.join(name);
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) if meta.file_type().is_symlink() => Folder::Linked(path),
                    Ok(meta) if meta.is_dir() => Folder::Clean(path),
                    Ok(_) => Folder::Other,
                    Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Folder::Absent,
                    Err(source) => return Err(EmitError::Read { path, source }),
                }
            }
            other => other,
        };
        self.states.insert(folder.to_owned(), state.clone());
        Ok(state)
    }

    /// [`no_link_path`] of `relative`, and whether anything may be there
    /// (`false`: its folder does not exist).
    ///
    /// # Errors
    /// [`EmitError::Symlink`], or a read failure of a component's metadata.
    pub fn path(&self, relative: &str) -> Result<(PathBuf, bool), EmitError> {
        let Some((folder, name)) = relative.rsplit_once('/') else {
            return Ok((no_link_path(&self.root, relative)?, true));
        };
        if name.is_empty() || name == "." || name == ".." {
            return Ok((no_link_path(&self.root, relative)?, true));
        }
        match self.states.get(folder) {
            Some(Folder::Clean(path)) => Ok((no_link_path(path, name)?, true)),
            Some(Folder::Absent) => Ok((self.root.join(relative), false)),
            Some(Folder::Linked(path)) => Err(EmitError::Symlink { path: path.clone() }),
            Some(Folder::Other) | None => Ok((no_link_path(&self.root, relative)?, true)),
        }
    }
}

/// Whether a file name is one of compile's temporary files.
pub fn is_temporary(name: &str) -> bool {
    name.ends_with(TEMPORARY_SUFFIX) || name == JOURNAL_PATH
}

/// Create a fresh temporary file beside `path` holding `text`: a new name,
/// created exclusively, so it never writes through an existing file or link.
/// Returns its path and its stamp. Nothing is flushed to the disk (as
/// cargo does not, for what it generates): a kill at any point leaves
/// every written byte in the operating system's cache, so the writer's
/// safety under `kill -9` holds; after a power loss, `check` finds any
/// generated file the disk lost and `compile` writes it again. A flush per
/// file would make the disk, not inception, set the pace of a compile.
///
/// # Errors
/// A write failure; nothing is left behind.
pub fn create_temporary(path: &Path, text: &str) -> Result<(PathBuf, Option<super::Stamp>), EmitError> {
    let (tag, stamp) = create_temporary_with(path, |file| file.write_all(text.as_bytes()))?;
    Ok((temporary_path(path, tag), stamp))
}

/// [`create_temporary`], its bytes written by `write`; returns the
/// temporary file's tag (its path is [`temporary_path`] of `path` and the
/// tag) and its stamp.
///
/// # Errors
/// A write failure (`write`'s included); nothing is left behind.
pub fn create_temporary_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(usize, Option<super::Stamp>), EmitError> {
    let error = |source| EmitError::Write { path: path.to_path_buf(), source };
    // A name taken (by a file a killed compile of the same process id
    // left) is passed over for a fresh one.
    let mut tries = 0;
    let (tag, temporary, mut file) = loop {
        let tag = fresh_tag();
        let temporary = temporary_path(path, tag);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary) {
            Ok(file) => break (tag, temporary, file),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && tries < 16 => tries += 1,
            Err(e) => return Err(error(e)),
        }
    };
    if let Err(source) = write(&mut file) {
        let _ = std::fs::remove_file(&temporary);
        return Err(error(source));
    }
    // Renaming keeps the inode and the modification time: the stamp of the
    // file in place, as this compile wrote it.
    let stamp = file.metadata().ok().as_ref().and_then(super::Stamp::of);
    Ok((tag, stamp))
}

/// A tag no temporary file of this process has had.
pub fn fresh_tag() -> usize {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// The temporary file of tag `tag` beside `path`: named after it, this
/// process and the tag (unique within the process), so a writer need keep
/// only the tag of each file it stages.
pub fn temporary_path(path: &Path, tag: usize) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}-{tag}{TEMPORARY_SUFFIX}", std::process::id()));
    path.with_file_name(name)
}

/// The folders that hold generated files, relative to the root (`""` is the
/// root itself), sorted.
pub fn folders<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut folders: Vec<String> =
        paths.map(|p| p.rsplit_once('/').map_or_else(String::new, |(folder, _)| folder.to_owned())).collect();
    folders.push(String::new());
    folders.sort();
    folders.dedup();
    folders
}

/// Whether every file of `folder` is generated (a folder tools read whole),
/// so that a file someone adds there is worth reporting.
pub fn is_owned_folder(folder: &str) -> bool {
    !folder.is_empty() && !SHARED_FOLDERS.contains(&folder)
}

/// Every temporary file (and the journal) compile may have left: in the
/// root and, when `generated`, anywhere under the generated folders,
/// whichever spec created them. Linked folders are not entered.
///
/// # Errors
/// A read failure.
pub fn temporaries(root: &Path, generated: bool) -> Result<Vec<String>, EmitError> {
    let mut found = walk_matching(root, generated, is_temporary)?;
    found.sort();
    Ok(found)
}

/// Every file and link in the root and anywhere under the generated
/// folders (relative paths), in no particular order. Linked folders are not entered: a folder is entered
/// only when its parent's listing says it is one (no look at each path
/// from the root).
///
/// # Errors
/// A read failure.
pub fn walk(root: &Path) -> Result<Vec<String>, EmitError> {
    walk_matching(root, true, |_| true)
}

/// [`walk`] (or, unless `generated`, the root's listing alone), keeping the
/// files and links whose name `keep` accepts (only their paths are made: a
/// walk for the few temporary files of a tree of thousands allocates
/// little).
fn walk_matching(root: &Path, generated: bool, keep: impl Fn(&str) -> bool) -> Result<Vec<String>, EmitError> {
    let mut found = Vec::new();
    let mut folders: Vec<(String, PathBuf)> = vec![(String::new(), root.to_path_buf())];
    while let Some((folder, path)) = folders.pop() {
        let read = match std::fs::read_dir(&path) {
            Ok(read) => read,
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => continue,
            Err(source) => return Err(EmitError::Read { path, source }),
        };
        for entry in read {
            let entry = entry.map_err(|source| EmitError::Read { path: path.clone(), source })?;
            let kind = entry.file_type().map_err(|source| EmitError::Read { path: entry.path(), source })?;
            let file_name = entry.file_name();
            let name = file_name.to_string_lossy();
            let relative = || if folder.is_empty() { name.clone().into_owned() } else { format!("{folder}/{name}") };
            if kind.is_file() || kind.is_symlink() {
                if keep(&name) {
                    found.push(relative());
                }
            } else if generated
                && kind.is_dir()
                && (!folder.is_empty() || GENERATED_ROOTS.iter().any(|r| r.split('/').next() == Some(&*name)))
            {
                folders.push((relative(), entry.path()));
            }
        }
    }
    Ok(found)
}

/// Remove the temporary files a killed compile left, `found` by
/// [`temporaries`] (the journal excepted: the caller has read it and
/// removes it last).
///
/// # Errors
/// A removal failure.
pub fn remove_temporaries(root: &Path, found: &[String]) -> Result<(), EmitError> {
    for relative in found {
        if relative != JOURNAL_PATH {
            // The folder holds no link; the file itself may be one (planted):
            // removing it removes the link, never its target.
            let (folder, name) = relative.rsplit_once('/').unwrap_or(("", relative));
            let path = no_link_path(root, folder)?.join(name);
            std::fs::remove_file(&path).map_err(|source| EmitError::Write { path, source })?;
        }
    }
    Ok(())
}

/// Held while a compile writes a folder; released on drop (and by the
/// operating system if the process dies).
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
}

impl FolderLock {
    /// Take the folder's lock, waiting up to [`LOCK_WAIT`] for another
    /// compile to finish.
    ///
    /// # Errors
    /// [`EmitError::Busy`] when the wait runs out, or an I/O failure.
    pub fn acquire(root: &Path) -> Result<Self, EmitError> {
        // `--out DIR` may name a folder that does not exist yet.
        std::fs::create_dir_all(root).map_err(|source| EmitError::Write { path: root.to_path_buf(), source })?;
        let (file, path) = open_lock_target(root)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(EmitError::Busy { path: root.to_path_buf(), seconds: LOCK_WAIT.as_secs() });
                }
                Err(std::fs::TryLockError::Error(source)) => return Err(EmitError::Write { path, source }),
            }
        }
    }
}

/// On Unix the folder itself is locked (nothing is left behind); elsewhere a
/// lock file beside the spec.
#[cfg(unix)]
fn open_lock_target(root: &Path) -> Result<(std::fs::File, PathBuf), EmitError> {
    let path = root.to_path_buf();
    std::fs::File::open(&path).map(|f| (f, path.clone())).map_err(|source| EmitError::Read { path, source })
}

#[cfg(not(unix))]
fn open_lock_target(root: &Path) -> Result<(std::fs::File, PathBuf), EmitError> {
    let path = root.join(".inception-compile.lck");
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map(|f| (f, path.clone()))
        .map_err(|source| EmitError::Write { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_name_taken_is_passed_over() {
        let dir = std::env::temp_dir().join(format!("inception-taken-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a folder");
        let path = dir.join("a.yaml");
        // The name the next temporary file would take, taken (as a killed
        // compile of the same process id leaves it).
        let taken = temporary_path(&path, fresh_tag() + 1);
        std::fs::write(&taken, "planted").expect("plant");
        let (tag, _) = create_temporary_with(&path, |file| file.write_all(b"new")).expect("a fresh name");
        let made = std::fs::read_to_string(temporary_path(&path, tag)).expect("the temporary file");
        let planted = std::fs::read_to_string(&taken).expect("the planted file");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!((made.as_str(), planted.as_str()), ("new", "planted"));
    }

    #[test]
    fn generated_paths_stay_under_the_generated_roots() {
        for ok in [".devcontainer/Dockerfile", ".vscode/launch.json", "deploy/argocd/prod/api.yaml", "infra/main.bicep"]
        {
            assert!(is_generated_path(ok), "{ok}");
        }
        for bad in [
            "inception.kdl",
            "inception.lock",
            "src/main.py",
            ".vscode/settings.json",
            "deploy/../inception.kdl",
            "/etc/passwd",
            "deploy//x",
            "deploy/./x",
            "deploy\\..\\x",
            "deployx/y",
        ] {
            assert!(!is_generated_path(bad), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn folders_looked_at_once_give_the_paths_and_refusals_of_a_full_look() {
        let root = std::env::temp_dir().join(format!("inception-no-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("deploy/a")).expect("folders");
        std::fs::create_dir_all(root.join("elsewhere")).expect("folders");
        std::fs::write(root.join("deploy/file"), "x").expect("file");
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("deploy/link")).expect("link");
        std::os::unix::fs::symlink(root.join("elsewhere/x"), root.join("deploy/a/linked.yaml")).expect("link");
        let clean =
            ["deploy/a/x.yaml", "deploy/a/y.yaml", "deploy/new/z.yaml", "deploy/new/deeper/z.yaml", "deploy/a/./w"];
        let odd = ["top.lock", "deploy/file/under", "deploy//x", "deploy/a/"];
        let linked = ["deploy/link/x.yaml", "deploy/link/deeper/x.yaml", "deploy/a/linked.yaml"];
        let all: Vec<&str> = clean.iter().chain(&odd).chain(&linked).copied().collect();
        let folders = Folders::look(&root, all.iter().copied()).expect("look");
        for relative in clean.iter().chain(&odd) {
            let expected = no_link_path(&root, relative).expect("no link");
            let (path, may_exist) = folders.path(relative).expect("no link");
            assert_eq!(path, expected, "{relative}");
            assert_eq!(may_exist, !relative.starts_with("deploy/new/"), "{relative}");
        }
        for relative in linked {
            assert!(matches!(no_link_path(&root, relative), Err(EmitError::Symlink { .. })), "{relative}");
            assert!(matches!(folders.path(relative), Err(EmitError::Symlink { .. })), "{relative}");
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn folders_of_paths_include_the_root_once() {
        let found = folders(["a/b/c.yaml", "a/b/d.yaml", "e.lock", "a/f"].into_iter());
        assert_eq!(found, ["", "a", "a/b"]);
        assert!(is_owned_folder("deploy/argocd/prod") && !is_owned_folder("") && !is_owned_folder(".vscode"));
        assert!(is_temporary("x.yaml.12-0.tmp-inception") && is_temporary(JOURNAL_PATH) && !is_temporary("x.yaml"));
    }
}
