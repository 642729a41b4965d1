//! The node paths of origins, shared: a tree of N services has about a
//! dozen origins per artifact, and 16 artifacts per service name the same
//! few nodes, so each distinct path is held once per thread and every
//! origin that names it shares it (see [`node`]), through a pointer of one
//! word ([`NodePath`]).

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;

/// How many distinct paths a thread keeps before it starts again: a bound
/// for long-lived threads (a test harness's) compiling many specs. Far
/// above what the largest spec needs (about 13 per service).
const MAX_NODES: usize = 1 << 20;

/// A shared node path: one word (an origin is two), read as a `str`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NodePath(Arc<String>);

impl std::ops::Deref for NodePath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for NodePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NodePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for NodePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl serde::Serialize for NodePath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

thread_local! {
    static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
    static NODES: RefCell<HashSet<NodePath, foldhash::fast::FixedState>> =
        RefCell::new(HashSet::with_hasher(foldhash::fast::FixedState::default()));
}

/// The shared copy of the path `parts` writes: written into a buffer this
/// thread reuses, so a path made before costs no allocation.
pub(crate) fn node_of(parts: std::fmt::Arguments<'_>) -> NodePath {
    BUFFER.with(|buffer| {
        use std::fmt::Write;
        let mut buffer = buffer.borrow_mut();
        buffer.clear();
        // Writing into a String cannot fail.
        let _ = buffer.write_fmt(parts);
        node(&buffer)
    })
}

/// The shared copy of `path`: the one this thread made before, or a new one.
pub(crate) fn node(path: &str) -> NodePath {
    NODES.with(|nodes| {
        let mut nodes = nodes.borrow_mut();
        if let Some(shared) = nodes.get(path) {
            return shared.clone();
        }
        if nodes.len() >= MAX_NODES {
            nodes.clear();
        }
        let shared = NodePath(Arc::new(path.to_owned()));
        nodes.insert(shared.clone());
        shared
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_path_is_shared_and_different_paths_are_not() {
        let a = node("service api/port");
        let b = node(&format!("service {}/port", "api"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(&*a, "service api/port");
        let c = node("service api/health");
        assert!(!Arc::ptr_eq(&a.0, &c.0));
        assert_eq!(&*c, "service api/health");
        let d = node_of(format_args!("service {}/{}", "api", "port"));
        assert!(Arc::ptr_eq(&a.0, &d.0));
        assert_eq!(&*node_of(format_args!("tier {}", 7)), "tier 7");
    }
}
