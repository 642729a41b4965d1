//! The spec node names lock entries list, held once per process: a lock
//! of N services has about eight names per entry and 16 entries per
//! service, mostly the same few names, so an entry keeps 32-bit numbers
//! into this table instead of a JSON array of its own (a lock of 5,000
//! services: 1 MB of numbers instead of 13 MB of text). The table only
//! grows; it holds each distinct name once, with its JSON string.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The names seen so far, and the number of each.
#[derive(Default)]
pub(crate) struct Names {
    numbers: HashMap<Arc<str>, u32, foldhash::fast::FixedState>,
    /// Each name, and its JSON string (quoted, escaped): a lock writes it
    /// as it stands.
    names: Vec<(Arc<str>, Box<str>)>,
}

static NAMES: Mutex<Option<Names>> = Mutex::new(None);

/// The table, held until the guard drops (a poisoned lock is still a
/// consistent table: every insertion completes before it can panic).
pub(crate) fn table() -> Table {
    Table(NAMES.lock().unwrap_or_else(PoisonError::into_inner))
}

/// The process's table, locked.
pub(crate) struct Table(MutexGuard<'static, Option<Names>>);

impl Table {
    /// The number of `name`, given it now if it had none (`None` past
    /// four billion names, which no process reaches).
    pub(crate) fn number(&mut self, name: &str) -> Option<u32> {
        let names = self.0.get_or_insert_with(Names::default);
        if let Some(&number) = names.numbers.get(name) {
            return Some(number);
        }
        let number = u32::try_from(names.names.len()).ok()?;
        let shared: Arc<str> = Arc::from(name);
        // Serializing a string cannot fail.
        let json = serde_json::to_string(name).unwrap_or_default().into_boxed_str();
        names.names.push((Arc::clone(&shared), json));
        names.numbers.insert(shared, number);
        Some(number)
    }

    /// The name numbered `number` (one this table gave).
    pub(crate) fn name(&self, number: u32) -> &str {
        self.entry(number).map_or("", |(name, _)| name)
    }

    /// The JSON string of the name numbered `number`.
    pub(crate) fn json(&self, number: u32) -> &str {
        self.entry(number).map_or("\"\"", |(_, json)| json)
    }

    fn entry(&self, number: u32) -> Option<&(Arc<str>, Box<str>)> {
        self.0.as_ref().and_then(|names| names.names.get(number as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_number_and_reads_back_with_its_json() {
        let mut table = table();
        let a = table.number("service api/port").expect("a number");
        let b = table.number("service api").expect("a number");
        assert_ne!(a, b);
        assert_eq!(table.number("service api/port"), Some(a));
        assert_eq!(table.name(a), "service api/port");
        assert_eq!(table.name(b), "service api");
        assert_eq!(table.json(b), "\"service api\"");
        let odd = "service \"a\\b\"\n";
        let number = table.number(odd).expect("a number");
        assert_eq!(table.name(number), odd);
        assert_eq!(table.json(number), r#""service \"a\\b\"\n""#);
    }
}
