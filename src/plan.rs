//! The rollout plan: which hosts go in which batch, in which order. Pure: a
//! checked [`Strategy`] in, ordered versions and batches out. Every batching rule
//! of regal-inventory lives here.

use crate::order;
use crate::strategy::file::Size;
use crate::strategy::{Host, Strategy, Version};

/// The whole rollout: versions in rollout order, each cut into batches.
#[derive(Debug)]
pub struct Plan<'s> {
    pub strategy: &'s Strategy<'s>,
    pub versions: Vec<VersionPlan<'s>>,
}

/// One version's batches. Batch `i` is `order[ends[i-1]..ends[i]]`.
#[derive(Debug)]
pub struct VersionPlan<'s> {
    pub version: &'s Version<'s>,
    /// Indices into `version.hosts`, in rollout order.
    order: Vec<usize>,
    /// Where each batch ends in `order`; never two equal ends, so no empty batch.
    ends: Vec<usize>,
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
            (rollout.domains.as_ref()).map(|domains| (domains, &version.host_vars)),
        );
        let ends = batch_ends(&rollout.sizes, &domain_ends);
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
        self.order[self.batch_range(index)]
            .iter()
            .map(|&i| &self.version.hosts[i])
    }

    /// Where batch `index` lies in the rollout order ([`VersionPlan::hosts`]).
    pub fn batch_range(&self, index: usize) -> std::ops::Range<usize> {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        start..self.ends[index]
    }

    /// Whether the rollout order is the order of the file (by `order: input`,
    /// or by a file already sorted).
    pub fn in_file_order(&self) -> bool {
        self.order.iter().enumerate().all(|(k, &i)| k == i)
    }

    /// Batch sizes in order.
    pub fn sizes(&self) -> Vec<usize> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let size = end - start;
                start = end;
                size
            })
            .collect()
    }

    /// The share of the version's hosts done after batch `index`, in whole percent
    /// (rounded down, so 100 only once every host is done).
    pub fn progress(&self, index: usize) -> u64 {
        let done = self.ends[index] as u64;
        let total = self.order.len() as u64;
        done * 100 / total
    }

    /// All hosts rolled out, in rollout order.
    pub fn hosts(&self) -> impl Iterator<Item = &'s Host<'s>> + '_ {
        self.order.iter().map(|&i| &self.version.hosts[i])
    }
}

/// Where each batch ends, for `total` hosts cut by `sizes` (the last size repeats)
/// without any batch crossing a domain end. `domain_ends` ends with the total.
pub fn batch_ends(sizes: &[Size], domain_ends: &[usize]) -> Vec<usize> {
    let total = domain_ends.last().copied().unwrap_or(0);
    let mut ends = Vec::new();
    let mut start = 0;
    let mut domain = 0;
    while start < total {
        while domain_ends[domain] <= start {
            domain += 1;
        }
        let size = sizes
            .get(ends.len())
            .or(sizes.last())
            .map_or(1, |&s| resolve(s, total));
        let end = start.saturating_add(size).min(domain_ends[domain]);
        ends.push(end);
        start = end;
    }
    ends
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
                s
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
