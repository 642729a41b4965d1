//! Deterministic data parallelism: a list is cut into as many contiguous
//! runs as there are cores (at most [`MAX_THREADS`]), each run mapped on its
//! own scoped thread, and the results joined back in the list's order. The
//! output is the same as a sequential map, whatever the number of cores.

use std::num::NonZeroUsize;

/// More threads than this do not pay for a few thousand small items.
const MAX_THREADS: usize = 8;

/// Below this many items one thread is faster than starting others.
const MIN_PER_THREAD: usize = 32;

fn threads_for(items: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cores.min(MAX_THREADS).min(items / MIN_PER_THREAD).max(1)
}

/// `items` mapped through `f`, in order; the first error in the list's
/// order, as a sequential map would return it.
///
/// # Errors
/// The first error `f` returns, by position in `items`.
pub(crate) fn try_map<T, U, E, F>(items: Vec<T>, f: F) -> Result<Vec<U>, E>
where
    T: Send,
    U: Send,
    E: Send,
    F: Fn(T) -> Result<U, E> + Sync,
{
    let threads = threads_for(items.len());
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut runs: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut rest = items.into_iter();
    loop {
        let run: Vec<T> = rest.by_ref().take(per).collect();
        if run.is_empty() {
            break;
        }
        runs.push(run);
    }
    let f = &f;
    let results: Vec<Result<Vec<U>, E>> = std::thread::scope(|scope| {
        let mut runs = runs.into_iter();
        let first = runs.next();
        let handles: Vec<_> =
            runs.map(|run| scope.spawn(move || run.into_iter().map(f).collect::<Result<Vec<U>, E>>())).collect();
        // This thread takes the first run.
        let mut results = vec![first.map_or_else(|| Ok(Vec::new()), |run| run.into_iter().map(f).collect())];
        results.extend(handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))));
        results
    });
    let mut out = Vec::new();
    for result in results {
        out.extend(result?);
    }
    Ok(out)
}

/// `items` mapped through `f`, in order.
pub(crate) fn map<'a, T: Sync, U: Send>(items: &'a [T], f: impl Fn(&'a T) -> U + Sync) -> Vec<U> {
    let result: Result<Vec<U>, std::convert::Infallible> = try_map(items.iter().collect(), |item| Ok(f(item)));
    match result {
        Ok(out) => out,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_first_error_are_those_of_a_sequential_map() {
        for len in [0, 1, 31, 64, 65, 200, 1001] {
            let items: Vec<usize> = (0..len).collect();
            let doubled = try_map(items.clone(), |i| Ok::<_, ()>(i * 2)).expect("no error");
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
            assert_eq!(map(&items, |i| i + 1), items.iter().map(|i| i + 1).collect::<Vec<_>>());
            let failing = try_map(items.clone(), |i| if i % 97 == 96 { Err(i) } else { Ok(i) });
            let expected = if len > 96 { Err(96) } else { Ok(items.clone()) };
            assert_eq!(failing, expected, "{len}");
        }
    }
}
