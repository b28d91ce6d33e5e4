//! One stable sort for the crate's few, short lists (findings, JSON keys, DER SET OF
//! members, CT operators). The standard library's sort is compiled again for every
//! element type and comparison it is given (about 5 KB of wasm each); this one sorts
//! positions with a single merge sort behind a `dyn` comparison, so each caller adds only
//! a few hundred bytes. Same results as `slice::sort_by`: stable, O(n log n).

use core::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (as `sort_by` does).
pub(crate) fn sort_by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = {
        let list: &[T] = items;
        stable_order(list.len(), &|a, b| match (list.get(a), list.get(b)) {
            (Some(a), Some(b)) => compare(a, b),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `items` in their natural order, keeping equal items in their order (`sort`).
pub(crate) fn sort<T: Ord>(items: &mut Vec<T>) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` (of two positions) puts them:
/// a bottom-up merge sort, stable because a tie takes from the left run.
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged: Vec<usize> = Vec::with_capacity(len);
    let mut width = 1;
    while width < len {
        merged.clear();
        for run in order.chunks(width.saturating_mul(2)) {
            let (mut left, mut right) = run.split_at(width.min(run.len()));
            while let (Some(&l), Some(&r)) = (left.first(), right.first()) {
                if compare(r, l) == Ordering::Less {
                    merged.push(r);
                    right = right.get(1..).unwrap_or_default();
                } else {
                    merged.push(l);
                    left = left.get(1..).unwrap_or_default();
                }
            }
            merged.extend_from_slice(left);
            merged.extend_from_slice(right);
        }
        core::mem::swap(&mut order, &mut merged);
        width = width.saturating_mul(2);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_stable_sort() {
        // Every list of up to 7 keys in 0..3, each tagged with its position: equal keys
        // must keep their order, as `sort_by_key` keeps it.
        for len in 0..=7u32 {
            for code in 0..3u32.pow(len) {
                let keys: Vec<(u32, usize)> = (0..len)
                    .map(|i| (code / 3u32.pow(i) % 3, i as usize))
                    .collect();
                let mut want = keys.clone();
                want.sort_by_key(|k| k.0);
                let mut got = keys.clone();
                sort_by(&mut got, |a, b| a.0.cmp(&b.0));
                assert_eq!(got, want, "{keys:?}");
            }
        }
        let mut words = vec!["b", "a", "c", "a"];
        sort(&mut words);
        assert_eq!(words, ["a", "a", "b", "c"]);
    }
}
