//! The rollout plan: which hosts go in which batch, in which order. Pure: a
//! checked [`Strategy`] in, ordered versions and batches out. Every batching rule
//! of regal-inventory lives here.

use crate::order;
use crate::strategy::file::{MAX_HOSTS, Size};
use crate::strategy::{Host, Strategy, Version};
use std::ops::Range;

/// The whole rollout: versions in rollout order, each cut into batches.
#[derive(Debug)]
pub struct Plan<'s> {
    pub strategy: &'s Strategy<'s>,
    pub versions: Vec<VersionPlan<'s>>,
}

/// One version's batches: batch `i` is the hosts at `ends[i-1]..ends[i]` of
/// the rollout order.
#[derive(Debug)]
pub struct VersionPlan<'s> {
    pub version: &'s Version<'s>,
    /// Indices into `version.hosts`, in rollout order; `None` when that is the
    /// file order, which then costs no memory (4 bytes a host otherwise).
    order: Option<Vec<u32>>,
    /// Where each batch ends in the rollout order; never two equal ends, so
    /// no empty batch.
    ends: Vec<u32>,
}

impl<'s> Plan<'s> {
    /// Plans a checked strategy: versions by priority, then in file order.
    pub fn new(strategy: &'s Strategy<'s>) -> Plan<'s> {
        let mut prioritised = vec![false; strategy.versions.len()];
        for &i in &strategy.priority {
            prioritised[i] = true;
        }
        let rest = (0..strategy.versions.len()).filter(|&i| !prioritised[i]);
        let versions = strategy
            .priority
            .iter()
            .copied()
            .chain(rest)
            .map(|i| VersionPlan::new(&strategy.versions[i]))
            .collect();
        Plan { strategy, versions }
    }

    /// Every host of the strategy, rolled out or excluded.
    pub fn hosts(&self) -> impl Iterator<Item = &'s Host<'s>> + '_ {
        self.versions
            .iter()
            .flat_map(|v| v.hosts().chain(&v.version.excluded))
    }
}

impl<'s> VersionPlan<'s> {
    fn new(version: &'s Version<'s>) -> VersionPlan<'s> {
        let rollout = &version.rollout;
        let (order, domain_ends) = order::arrange(
            &version.hosts,
            rollout.order,
            &rollout.salt,
            rollout.domains.as_ref(),
        );
        let ends = batch_ends(&rollout.sizes, &domain_ends);
        // An order that kept the file's (a file already sorted) is the file order.
        let order = order.filter(|order| !order.iter().zip(0..).all(|(&i, k)| i == k));
        VersionPlan {
            version,
            order,
            ends,
        }
    }

    /// The number of batches (at least 1 for a version with hosts).
    pub fn batch_count(&self) -> usize {
        self.ends.len()
    }

    /// The hosts of batch `index`, in order.
    pub fn batch(&self, index: usize) -> impl Iterator<Item = &'s Host<'s>> + '_ {
        self.in_order(self.batch_range(index))
    }

    /// The hosts at `range` of the rollout order.
    fn in_order(&self, range: Range<usize>) -> impl Iterator<Item = &'s Host<'s>> + '_ {
        let hosts: &'s [Host<'s>] = &self.version.hosts;
        let (in_file_order, by_index) = match &self.order {
            None => (&hosts[range], &[][..]),
            Some(order) => (&[][..], &order[range]),
        };
        (in_file_order.iter()).chain(by_index.iter().map(|&i| &hosts[i as usize]))
    }

    /// Where batch `index` lies in the rollout order ([`VersionPlan::hosts`]).
    pub fn batch_range(&self, index: usize) -> Range<usize> {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        start as usize..self.ends[index] as usize
    }

    /// Whether the rollout order is the order of the file (by `order: input`,
    /// or by a file already sorted).
    pub fn in_file_order(&self) -> bool {
        self.order.is_none()
    }

    /// Batch sizes in order.
    pub fn sizes(&self) -> Vec<usize> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let size = end - start;
                start = end;
                size as usize
            })
            .collect()
    }

    /// The share of the version's hosts done after batch `index`, in whole percent
    /// (rounded down, so 100 only once every host is done).
    pub fn progress(&self, index: usize) -> u64 {
        let done = u64::from(self.ends[index]);
        let total = self.version.hosts.len() as u64;
        done * 100 / total
    }

    /// All hosts rolled out, in rollout order.
    pub fn hosts(&self) -> impl Iterator<Item = &'s Host<'s>> + '_ {
        self.in_order(0..self.version.hosts.len())
    }
}

/// Where each batch ends, for `total` hosts cut by `sizes` (the last size repeats)
/// without any batch crossing a domain end. `domain_ends` ends with the total,
/// at most [`MAX_HOSTS`].
///
/// Counted first, then made at that length: ten million ends grown by doubling
/// left as much again in freed blocks that the allocator kept.
pub fn batch_ends(sizes: &[Size], domain_ends: &[usize]) -> Vec<u32> {
    let mut ends = Vec::with_capacity(ends_of(sizes, domain_ends).count());
    ends.extend(ends_of(sizes, domain_ends));
    ends
}

/// The ends of [`batch_ends`], one at a time.
fn ends_of<'a>(sizes: &'a [Size], domain_ends: &'a [usize]) -> impl Iterator<Item = u32> + 'a {
    const { assert!(MAX_HOSTS <= u32::MAX as u64) };
    let total = domain_ends.last().copied().unwrap_or(0);
    assert!(
        total as u64 <= MAX_HOSTS,
        "a strategy names at most MAX_HOSTS hosts"
    );
    let (mut start, mut domain, mut batch) = (0, 0, 0);
    std::iter::from_fn(move || {
        if start >= total {
            return None;
        }
        while domain_ends[domain] <= start {
            domain += 1;
        }
        let size = sizes
            .get(batch)
            .or(sizes.last())
            .map_or(1, |&s| resolve(s, total));
        let end = start.saturating_add(size).min(domain_ends[domain]);
        (start, batch) = (end, batch + 1);
        Some(end as u32)
    })
}

/// A size in hosts: a percentage is of all the version's hosts, rounded down, at
/// least 1 — like Ansible's `serial`.
pub fn resolve(size: Size, total: usize) -> usize {
    match size {
        Size::Count(n) => usize::try_from(n).unwrap_or(usize::MAX).max(1),
        Size::Percent(pct) => (total * usize::from(pct) / 100).max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Size::{Count, Percent};

    fn sizes_of(sizes: &[Size], total: usize) -> Vec<usize> {
        let ends = batch_ends(sizes, &[total]);
        let mut start = 0;
        ends.iter()
            .map(|&e| {
                let s = e - start;
                start = e;
                s as usize
            })
            .collect()
    }

    #[test]
    fn regal_examples() {
        // combine=2, 5 hosts: [1] [2] [2]
        assert_eq!(sizes_of(&[Count(1), Count(2)], 5), [1, 2, 2]);
        // schedule=2, combine=3: [2] [3]
        assert_eq!(sizes_of(&[Count(2), Count(3)], 5), [2, 3]);
        // a..g, combine=3: [1] [3] [3]
        assert_eq!(sizes_of(&[Count(1), Count(3)], 7), [1, 3, 3]);
        // schedule >= hosts: one batch
        assert_eq!(sizes_of(&[Count(5), Count(1)], 3), [3]);
    }

    #[test]
    fn last_batch_may_be_shorter_never_empty() {
        assert_eq!(sizes_of(&[Count(1), Count(3)], 6), [1, 3, 2]);
        assert_eq!(sizes_of(&[Count(1), Count(1)], 0), Vec::<usize>::new());
    }

    #[test]
    fn many_batches_do_not_recurse() {
        assert_eq!(sizes_of(&[Count(1), Count(1)], 100_000).len(), 100_000);
    }

    #[test]
    fn percentages_follow_serial() {
        // 10 hosts, [1, 10%, 25%, 100%]: 1, 1, 2, then all 6 remaining.
        assert_eq!(
            sizes_of(&[Count(1), Percent(10), Percent(25), Percent(100)], 10),
            [1, 1, 2, 6]
        );
        // 1% of 10 hosts is 0, which becomes 1.
        assert_eq!(sizes_of(&[Percent(1)], 3), [1, 1, 1]);
        assert_eq!(sizes_of(&[Percent(50)], 5), [2, 2, 1]);
    }

    #[test]
    fn batches_stop_at_domain_ends() {
        let ends = batch_ends(&[Count(1), Count(3)], &[5, 7]);
        assert_eq!(ends, [1, 4, 5, 7]);
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        assert_eq!(sizes_of(&[Count(u64::MAX)], 3), [3]);
    }
}
