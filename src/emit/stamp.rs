//! What `stat` says of a file, to tell without reading it that it was not
//! written since: its size, modification time and inode, as git's index
//! keeps them. An edit changes the modification time (or, saved by rename,
//! the inode); a file whose modification time is not before the moment its
//! stamp was recorded is *racy* (a write in the same tick of the file
//! system's clock would not change it) and is read again.
//!
//! Only the incremental compile trusts stamps, to reuse a file without
//! hashing it; `check` always hashes, so a file a stamp let through
//! unnoticed (an edit in the same clock tick as compile's write, with the
//! same size) is still reported as drift.

use std::fs::Metadata;

/// A file's size, modification time (nanoseconds since the epoch, which
/// 64 bits hold until the year 2262) and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    size: u64,
    modified: i64,
    inode: u64,
}

impl Stamp {
    /// The stamp of `meta`; `None` where the platform gives no inode.
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let modified = meta.mtime().checked_mul(1_000_000_000)?.checked_add(meta.mtime_nsec())?;
        Some(Self { size: meta.size(), modified, inode: meta.ino() })
    }

    /// The stamp of the regular file `name` in the folder `folder` (its
    /// last component not followed); `None` for anything else. One lookup
    /// of one name: stamping the files of a folder does not walk the path
    /// from the root for each.
    #[cfg(unix)]
    #[allow(clippy::useless_conversion, reason = "the types of `stat`'s fields vary between platforms")]
    pub fn at(folder: &rustix::fd::OwnedFd, name: &str) -> Option<Self> {
        use rustix::fs::{AtFlags, FileType, statat};
        let stat = statat(folder, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return None;
        }
        let seconds = i64::try_from(stat.st_mtime).ok()?;
        let modified = seconds.checked_mul(1_000_000_000)?.checked_add(i64::try_from(stat.st_mtime_nsec).ok()?)?;
        Some(Self { size: u64::try_from(stat.st_size).ok()?, modified, inode: u64::try_from(stat.st_ino).ok()? })
    }

    /// The stamp of `meta`; `None` where the platform gives no inode.
    #[cfg(not(unix))]
    pub fn of(_meta: &Metadata) -> Option<Self> {
        None
    }

    /// The modification time, in nanoseconds since the epoch.
    pub fn modified(self) -> i128 {
        i128::from(self.modified)
    }

    /// Whether the file is as stamped, and was stamped after its last
    /// possible write (its modification time is before `recorded`, the file
    /// system's time when the stamp was recorded).
    pub fn proves(self, now: Self, recorded: i128) -> bool {
        self == now && i128::from(self.modified) < recorded
    }

    /// The stamp of its text (see its `Display`).
    pub fn parse(field: &str) -> Option<Self> {
        let mut parts = field.split('.');
        let stamp = Self {
            size: parts.next()?.parse().ok()?,
            modified: parts.next()?.parse().ok()?,
            inode: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(stamp)
    }
}

/// `SIZE.MODIFIED.INODE`, as a units record holds it.
impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.size, self.modified, self.inode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_and_proves_only_an_unchanged_file_written_before_it_was_recorded() {
        let stamp = Stamp { size: 12, modified: 1_700_000_000_123_456_789, inode: 42 };
        assert_eq!(Stamp::parse(&stamp.to_string()), Some(stamp));
        for bad in ["", "1.2", "1.2.3.4", "a.2.3", "-1.2.3"] {
            assert_eq!(Stamp::parse(bad), None, "{bad}");
        }
        assert!(stamp.proves(stamp, stamp.modified() + 1));
        assert!(!stamp.proves(stamp, stamp.modified()), "racy: written in the tick it was recorded");
        assert!(!stamp.proves(Stamp { size: 13, ..stamp }, i128::MAX));
        assert!(!stamp.proves(Stamp { modified: stamp.modified + 1, ..stamp }, i128::MAX));
        assert!(!stamp.proves(Stamp { inode: 43, ..stamp }, i128::MAX));
    }

    #[cfg(unix)]
    #[test]
    fn a_stamp_looked_up_in_its_folder_is_the_stamp_of_its_metadata() {
        use rustix::fs::{Mode, OFlags, open};
        let dir = std::env::temp_dir().join(format!("inception-stamp-at-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).expect("folders");
        std::fs::write(dir.join("a"), "one").expect("write");
        std::os::unix::fs::symlink(dir.join("a"), dir.join("link")).expect("a link");
        let folder = open(&dir, OFlags::RDONLY | OFlags::DIRECTORY, Mode::empty()).expect("open the folder");
        let by_name = Stamp::at(&folder, "a");
        let by_path = std::fs::metadata(dir.join("a")).ok().as_ref().and_then(Stamp::of);
        let others = [Stamp::at(&folder, "sub"), Stamp::at(&folder, "link"), Stamp::at(&folder, "nothing")];
        let _ = std::fs::remove_dir_all(&dir);
        assert!(by_name.is_some());
        assert_eq!(by_name, by_path);
        assert_eq!(others, [None, None, None], "only a regular file has a stamp");
    }

    #[cfg(unix)]
    #[test]
    fn writing_a_file_changes_its_stamp() {
        let path = std::env::temp_dir().join(format!("inception-stamp-{}", std::process::id()));
        std::fs::write(&path, "one").expect("write");
        let first = std::fs::metadata(&path).ok().as_ref().and_then(Stamp::of).expect("a stamp");
        std::fs::write(&path, "three").expect("write");
        let second = std::fs::metadata(&path).ok().as_ref().and_then(Stamp::of).expect("a stamp");
        let _ = std::fs::remove_file(&path);
        assert_ne!(first, second);
    }
}
