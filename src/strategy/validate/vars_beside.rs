//! The vars of a long host list's entries, read on a second core while this
//! one reads their names.
//!
//! Where every host carries vars of its own (`- web1: {zone: z1, rack: r1}`
//! a million times), reading them is more than half of the validator's loop
//! over the list ([`Validator::read_hosts`]); the rest is the names, which a
//! list without vars costs too. The two do not depend on each other where
//! the vars report nothing: a second thread reads the vars of the entries in
//! order (all but the head's, below; by their number, [`HostSeq::entries`],
//! without the items between made again), exactly as the loop would
//! ([`Validator::entry_vars`], in a validator of its own that holds
//! nothing they read but the source), while
//! this one reads the names ([`Validator::host_items`]), each entry's host
//! marked with the number of its entry; the marks are then replaced with
//! the vars read, and the text they were rendered into is the list's.
//! Memory: an id of 4 bytes per item for a while.
//!
//! The first part of the entries (the head, [`HEAD_PERCENT`] of the items)
//! has its vars read on this thread with the names, in the loop's way; the
//! rest (the tail) on the second thread, which numbers its entries from the
//! head's end, renders into a text of its own and gives up at any report
//! (a report in the head is the loop's, in the loop's order). The tail's
//! text is then appended to the head's ([`HostVarsText::append`]) and its
//! ids numbered after the head's.
//!
//! Measured (callgrind, 100k hosts, `check`, instructions in the reading of
//! the list: this thread's, the second's; the longest path is the larger):
//! with every entry's vars on the second thread, handed-left 50M and 82M,
//! host-vars-three 50M and 56M, pairs-distinct 50M and 75M, nested-distinct
//! 50M and 59M; with 35% of them here, 76M and 53M, 67M and 37M, 73M and
//! 49M, 68M and 39M; with 18%, 63M and 67M, 59M and 46M, 62M and 61M, 59M
//! and 49M.
//!
//! Taken only where it gives what the loop gives, and simply: a compact
//! list ([`HostSeq`]) of at least [`BESIDE_FROM_ITEMS`] items, not all
//! names as written (a list of host entries), in a version without a
//! failure-domain label (a host's domain is read from its vars as the host
//! is). Else, and where either side finds what it does not take (an item
//! kept as a node or an entry whose vars are an alias, whose vars the loop
//! reads in turn with the names; a problem in any vars, whose report goes
//! before its host's in the loop), both give up: what this thread changed
//! is set back as it was before the list, and the loop reads the list, the
//! problems reported in its order (the first [`super::MAX_PROBLEMS`]
//! listed, the rest counted).

use super::{EntryVarsScratch, HostSeq, HostVarsText, HostsFrom, HostsRead, Validator, VarsId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Lists of at least this many items, not all of them names as written,
/// have the vars of their host entries read beside the names (a thread
/// started costs about what 100 entries do; a list of names alone does not
/// start one). Low under tests and fuzzing, so that these take this way for
/// nearly every list.
const BESIDE_FROM_ITEMS: usize = if cfg!(any(test, fuzzing)) { 2 } else { 1 << 16 };

/// The vars of the first this many hundredths of a list's items (the head)
/// are read on this thread with the names, the rest's (the tail) on the
/// second. Per entry, the vars take 1-1.5 times what the name does here
/// (more on the second thread, which also walks the entries): with about a
/// fifth here, both threads end about together on the rows of
/// benches/reader.sh whose vars take the longest (measured in the module's
/// docs), and the others' reading ends with this thread's.
const HEAD_PERCENT: usize = 18;

/// Each side looks whether the other gave up once in this many items (this
/// thread: host entries).
pub(super) const LOOK_EVERY: usize = if cfg!(any(test, fuzzing)) { 2 } else { 4096 };

#[cfg(test)]
thread_local! {
    /// Whether lists are read by the loop alone: for tests comparing the two.
    pub(super) static LOOP_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// How many lists had their vars read beside the names, for tests.
    pub(super) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What reading a list's names changes in the validator and the hosts read,
/// as it was before: set back where the names are read again by the loop.
struct Before {
    problems: usize,
    unlisted: usize,
    reports: usize,
    names: u64,
    too_many: bool,
    hosts: usize,
    owned_at: usize,
    odd_names: bool,
}

impl Before {
    fn of(validator: &Validator, read: &HostsRead) -> Before {
        Before {
            problems: validator.problems.len(),
            unlisted: validator.unlisted,
            reports: validator.reports,
            names: validator.names,
            too_many: validator.too_many,
            hosts: read.hosts.len(),
            owned_at: read.owned_at.len(),
            odd_names: read.odd_names,
        }
    }

    /// Sets `validator` and `read` back. Problems are only ever added to
    /// the list (`Validator::report`): the first ones are those before.
    fn restore(self, validator: &mut Validator, read: &mut HostsRead) {
        validator.problems.truncate(self.problems);
        validator.unlisted = self.unlisted;
        validator.reports = self.reports;
        validator.names = self.names;
        validator.too_many = self.too_many;
        read.hosts.truncate(self.hosts);
        read.owned_at.truncate(self.owned_at);
        read.odd_names = self.odd_names;
    }
}

impl<'s> Validator<'s, '_> {
    /// Reads the hosts of `seq` (the list the hosts `read` are read from,
    /// nothing read yet) with their vars read on a second thread, where it
    /// pays and gives what [`Validator::read_hosts`]'s loop gives (see the
    /// module's docs): whether it did. If not, `self` and `read` are as
    /// they were. Not inlined: in the loop's function, it kept the items'
    /// iterator from being inlined there.
    #[inline(never)]
    pub(super) fn read_entries_beside(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        seq: &Arc<HostSeq<'s>>,
        list_alias: Option<usize>,
    ) -> bool {
        #[cfg(test)]
        if LOOP_ONLY.get() {
            return false;
        }
        // An entry's number is its mark: fewer than 2^32 - 1 items.
        let marks_fit = u32::try_from(seq.len()).is_ok_and(|n| n < u32::MAX);
        let worth_it = seq.len() >= BESIDE_FROM_ITEMS && !seq.names_as_written();
        if self.domain_label.is_some() || !worth_it || !marks_fit {
            return false;
        }
        debug_assert!(read.hosts.is_empty(), "nothing read yet");
        let before = Before::of(self, read);
        let give_up = AtomicBool::new(false);
        let src = self.src;
        // The head's vars are read here with the names, the tail's there.
        let head = seq.len() * HEAD_PERCENT / 100;
        read.tail_hosts = usize::MAX;
        let (named, vars) = crate::parallel::join_deep(
            || self.host_items(read, seq, list_alias, Some((&give_up, head))),
            || entries_vars(src, seq, &give_up, head),
        );
        match vars {
            Some((tail, ids)) if named => {
                // Every host from `tail_hosts` on with vars is one of an
                // entry of the tail, marked (none without such entries).
                let numbered = read.vars.append(tail);
                let marked = match read.hosts.get_mut(read.tail_hosts..) {
                    Some(hosts) if !ids.is_empty() => hosts,
                    _ => &mut [][..],
                };
                for host in marked {
                    if let Some(mark) = host.vars {
                        host.vars = ids[mark.0.get() as usize - 1].map(&numbered);
                    }
                }
                #[cfg(test)]
                TAKEN.set(TAKEN.get() + 1);
                true
            }
            _ => {
                before.restore(self, read);
                read.vars = HostVarsText::default();
                false
            }
        }
    }
}

/// The vars of `seq`'s host entries in order, read as the loop reads them,
/// and the text they are rendered into; `None` (`give_up` set) at the first
/// problem reported, or once `give_up` is set. In a validator of its own,
/// which holds nothing the vars read but the source and what they report.
fn entries_vars<'s>(
    src: &'s str,
    seq: &Arc<HostSeq<'s>>,
    give_up: &AtomicBool,
    head: usize,
) -> Option<(HostVarsText<'s>, Vec<Option<VarsId>>)> {
    let mut validator = Validator::new(src, true, HostsFrom::Unchecked);
    let mut out = HostVarsText::default();
    // An id for each entry of the tail: room for as many as items, made once.
    let entries = seq.entry_count();
    let mut ids = Vec::with_capacity(entries.saturating_sub(head));
    let mut scratch = EntryVarsScratch::default();
    for (k, (span, pairs)) in seq.entries(head..entries).enumerate() {
        if k % LOOK_EVERY == 0 && give_up.load(Ordering::Relaxed) {
            return None;
        }
        let kept = (seq, head + k);
        let id = validator.entry_vars(pairs, span, &mut out, kept, &mut scratch);
        if validator.reports > 0 {
            give_up.store(true, Ordering::Relaxed);
            return None;
        }
        ids.push(id);
    }
    Some((out, ids))
}

#[cfg(test)]
mod tests {
    use super::{LOOP_ONLY, TAKEN};
    use crate::strategy::{HostsFrom, Strategy, parse_by_reference, parse_with};
    use crate::tree::Texts;

    /// Each host's name and vars as JSON text, or the problems.
    fn hosts(read: &Result<Strategy, Vec<crate::error::Problem>>) -> Vec<String> {
        match read {
            Ok(strategy) => (strategy.versions.iter())
                .flat_map(|version| {
                    let vars = &version.host_vars;
                    (version.hosts.iter().chain(&version.excluded)).map(move |host| {
                        format!("{} {:?}", host.name, host.vars.map(|id| vars.get(id)))
                    })
                })
                .collect(),
            Err(problems) => problems.iter().map(|p| format!("{p:?}")).collect(),
        }
    }

    /// Reads `source` with the vars beside the names where they may be,
    /// and by the loop alone: the same problems, or the same strategy but
    /// for the hosts' vars, which are the same JSON (the head's and the
    /// tail's vars are rendered apart, so ids and what they share may
    /// differ), the hosts and vars the reference reads. Whether they were
    /// read beside the names.
    fn compare(source: &str) -> bool {
        let read = |loop_only: bool| {
            LOOP_ONLY.set(loop_only);
            TAKEN.set(0);
            let texts = Texts::default();
            let mut read = parse_with(source, &texts, HostsFrom::Unavailable);
            let hosts = hosts(&read);
            if let Ok(strategy) = &mut read {
                for version in &mut strategy.versions {
                    version.host_vars = Default::default();
                    let hosts = version.hosts.iter_mut().chain(&mut version.excluded);
                    hosts.for_each(|host| host.vars = None);
                }
            }
            let shown = (format!("{read:?}"), hosts);
            LOOP_ONLY.set(false);
            (shown, TAKEN.get())
        };
        let ((beside, hosts_beside), taken) = read(false);
        let ((alone, hosts_alone), not_taken) = read(true);
        assert_eq!(not_taken, 0);
        assert_eq!(beside, alone, "{source}");
        assert_eq!(hosts_beside, hosts_alone, "{source}");
        let reference = parse_by_reference(source, HostsFrom::Unavailable);
        assert_eq!(hosts_beside, hosts(&reference), "{source}");
        taken > 0
    }

    /// A strategy of one version whose hosts are `hosts` (list items, one
    /// a line, without the `- `).
    fn strategy(hosts: impl IntoIterator<Item = String>) -> String {
        let mut source = String::from("versions:\n  app:\n");
        for host in hosts {
            source.push_str("    - ");
            source.push_str(&host);
            source.push('\n');
        }
        source
    }

    /// Host entries of every kind the list keeps, `n` of each.
    fn entries(n: usize) -> Vec<String> {
        let mut hosts = Vec::new();
        for i in 0..n {
            hosts.extend([
                format!("web{i}: {{zone: z{i}, rack: r{}, port: {i}}}", i % 3),
                // Written alike: shared.
                "same{i}: {zone: a, port: 1}".replace("{i}", &i.to_string()),
                format!("pairs{i}: {{ports: [http: {i}, https: 443]}}"),
                format!("nested{i}: {{pairs: [[a{i}, b]]}}"),
                format!("quoted{i}: {{motd: 'hi {i}', path: \"/x/{i}\", on: yes}}"),
                format!("odd{i}: {{when: 2001-12-14, octal: 010, f: 1.5e3, n: ~}}"),
                format!("unsafe{i}: {{cmd: !unsafe 'x{i}', list: !unsafe [a, b]}}"),
                format!("many{i}: {{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: {i}}}"),
                format!("range{i}-[1:3]: {{zone: r{i}}}"),
                format!("plain{i}"),
            ]);
        }
        hosts
    }

    /// Lists of host entries of every kind read beside the names give what
    /// the loop gives, in block style and in flow style.
    #[test]
    fn entries_of_every_kind_are_read_beside_as_by_the_loop() {
        let hosts = entries(20);
        assert!(compare(&strategy(hosts.clone())));
        // Each kind alone.
        for kind in 0..10 {
            let one = hosts.iter().skip(kind).step_by(10).cloned();
            assert_eq!(compare(&strategy(one)), kind != 9, "{}", hosts[kind]);
        }
        // Names quoted, among entries.
        let quoted = (0..10).flat_map(|i| [format!("\"q-{i}\""), format!("e{i}: {{a: {i}}}")]);
        assert!(compare(&strategy(quoted)));
        // A flow list (some items kept as nodes there: read by the loop).
        let flow = format!("versions:\n  app: [{}]\n", hosts.join(", "));
        compare(&flow);
        // Block vars mappings, and block scalars.
        let block = (0..30).map(|i| {
            format!("b{i}:\n        zone: z{i}\n        motd: |\n          hi {i}\n        rack: r")
        });
        assert!(compare(&strategy(block)));
        // Names not as written: escaped, over lines; tagged names.
        let escaped =
            (0..10).flat_map(|i| [format!("\"web\\x2d{i}\""), format!("e{i}: {{a: {i}}}")]);
        assert!(compare(&strategy(escaped)));
        let tagged = (0..10).map(|i| format!("!!str t{i}"));
        compare(&strategy(tagged));
        // The whole list an alias.
        let aliased = format!(
            "versions:\n  a: &list\n{}  b:\n    hosts: *list\n    group: b\n",
            (0..10)
                .map(|i| format!("    - h{i}: {{zone: z{i}}}\n"))
                .collect::<String>()
        );
        compare(&aliased);
        // Two versions, the same vars text in each.
        let two = format!(
            "versions:\n  a:\n{0}  b:\n{1}",
            (0..10)
                .map(|i| format!("    - a{i}: {{zone: z}}\n"))
                .collect::<String>(),
            (0..10)
                .map(|i| format!("    - b{i}: {{zone: z}}\n"))
                .collect::<String>(),
        );
        assert!(compare(&two));
    }

    /// A problem in any vars (first, in the middle, last; alone, with
    /// problems in names, over the problems listed) gives the loop's
    /// problems in the loop's order: the list is read again by it.
    #[test]
    fn vars_with_problems_are_read_again_by_the_loop() {
        let bad_vars = [
            "bad: {regal_x: 1}",
            "bad: {a: 1, a: 2}",
            "bad: {1a: 1}",
            "bad: {a: !!binary x}",
            "bad: {a: [b, !!float c]}",
            "bad: {a: {b: 1, b: 2}}",
            "bad: {<<: {a: 1}}",
        ];
        for bad in bad_vars {
            for at in [0, 25, 50] {
                let mut hosts = entries(5);
                hosts.insert(at, bad.to_string());
                // In the head, its vars are read here with the names, in
                // the loop's order: no need to read the list again.
                assert_eq!(compare(&strategy(hosts)), at == 0, "{bad} at {at}");
            }
        }
        // Names with problems, and vars with problems besides.
        let names = (0..30).map(|i| match i % 5 {
            0 => format!("web/{i}: {{a: {i}}}"),
            1 => format!("~: {{a: {i}}}"),
            2 => format!("w{i}: {{regal_{i}: 1}}"),
            3 => format!("web{i}"),
            _ => format!("dup: {{a: {i}}}"),
        });
        assert!(!compare(&strategy(names)));
        // Names with problems only: read beside.
        let names = (0..30).map(|i| match i % 3 {
            0 => format!("web/{i}: {{a: {i}}}"),
            1 => format!("~: {{a: {i}}}"),
            _ => format!("dup: {{a: {i}}}"),
        });
        assert!(compare(&strategy(names)));
        // Over the problems listed: in names, in vars, in both.
        let many = |f: fn(usize) -> String| strategy((0..250).map(f));
        assert!(compare(&many(|i| format!("~: {{a: {i}}}"))));
        assert!(!compare(&many(|i| format!("w{i}: {{regal_x: {i}}}"))));
        assert!(!compare(&many(|i| format!("w/{i}: {{regal_x: {i}}}"))));
        assert!(!compare(&many(|i| match i {
            200 => format!("w{i}: {{regal_x: {i}}}"),
            _ => format!("~: {{a: {i}}}"),
        })));
    }

    /// Lists the loop reads vars of in turn with the names (an item kept
    /// as a node, an entry whose vars are an alias), and a version whose
    /// hosts' vars give failure domains, are read by the loop.
    #[test]
    fn lists_not_taken_are_read_by_the_loop() {
        let mut hosts = entries(3);
        hosts.insert(20, "{a: 1, b: 2}".to_string());
        assert!(!compare(&strategy(hosts)));
        let mut hosts = entries(3);
        hosts.insert(10, "empty: {}".to_string());
        assert!(!compare(&strategy(hosts)));
        let mut hosts = entries(3);
        hosts.push("[a, b]".to_string());
        assert!(!compare(&strategy(hosts)));
        let aliased = format!(
            "vars:\n  x: &v {{zone: a}}\nversions:\n  app:\n{}",
            (0..10)
                .map(|i| format!("    - h{i}: {}\n", if i == 5 { "*v" } else { "{zone: b}" }))
                .collect::<String>()
        );
        assert!(!compare(&aliased));
        let spread = format!(
            "spread: zone\nversions:\n  app:\n{}",
            (0..10)
                .map(|i| format!("    - h{i}: {{zone: z{}}}\n", i % 3))
                .collect::<String>()
        );
        assert!(!compare(&spread));
        // A list of names alone.
        assert!(!compare(&strategy((0..10).map(|i| format!("web{i}")))));
    }
}
