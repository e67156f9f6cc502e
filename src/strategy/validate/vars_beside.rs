//! The second part of a long host list of entries, read on a second core
//! while this one reads the first.
//!
//! Where every host carries vars of its own (`- web1: {zone: z1, rack: r1}`
//! a million times), reading them is more than half of the validator's loop
//! over the list ([`Validator::read_hosts`]). The items do not depend on
//! each other where they report nothing: this thread reads the first
//! [`HEAD_PERCENT`] of the items (the head; below), while a
//! second thread, in a validator of its own that holds nothing they read
//! but the source, reads the rest (the tail): the vars of its entries in
//! order, by their number ([`HostSeq::entries`]), exactly as the loop would
//! ([`Validator::entry_vars`]), into a text of its own, and the names of its
//! items as long as they are plain names as written that the loop takes as
//! they are ([`HostSeq::plain_names`], [`plain_host_name`]), checked
//! without a node made for each; it gives up at any report. This thread
//! then appends the tail's text to the head's ([`HostVarsText::append`],
//! its ids numbered after the head's), adds the hosts of the names taken
//! there straight from their texts, and reads the items from the first name
//! not taken there on in the loop's way ([`Validator::host_items`]), their
//! entries' vars those read there. The problems are the loop's, in its
//! order: those of the head, then none, then those of the items read last.
//! Memory: an id of 4 bytes per entry of the tail for a while.
//!
//! The head's plain names are read as the tail's are, each entry's vars in
//! the loop's way as its host is added ([`Validator::plain_head`]; a plain
//! name reports nothing, the vars what the loop reports, in its order), and
//! the head's items from the first other name on by the loop.
//!
//! Measured (callgrind, 100k hosts, `check`, instructions in the reading of
//! the list: this thread's, the second's; the longest path is the larger):
//! with the names all read here and 35% of the entries' vars (the way
//! before this one), handed-left 76M and 53M, host-vars-three 67M and 37M,
//! pairs-distinct 73M and 49M, nested-distinct 68M and 39M (the names
//! alone: 50M here); with 40% of the items here, the head by the loop, 54M
//! and 57M, 44M and 41M, 51M and 52M, 45M and 43M; the head's plain names
//! read from their texts, with 40%: 44M and 57M, 34M and 41M, 42M and 52M,
//! 35M and 43M; with 50%: 53M and 47M, 41M and 34M, 50M and 44M, 42M and
//! 36M; with 46%: 50M and 51M, 38M and 37M, 47M and 47M, 39M and 39M.
//!
//! Taken only where it gives what the loop gives, and simply: a compact
//! list ([`HostSeq`]) of at least [`BESIDE_FROM_ITEMS`] items, not all
//! names as written (a list of host entries), in a version without a
//! failure-domain label (a host's domain is read from its vars as the host
//! is). Else, and where the second thread finds a problem in any vars
//! (whose report goes before its host's in the loop), or the hosts would be
//! too many, what this thread changed is set back as it was before the
//! list, and the loop reads the list, the problems reported in its order
//! (the first [`super::MAX_PROBLEMS`] listed, the rest counted).

use super::{
    EntryVarsScratch, Host, HostSeq, HostVarsText, HostsFrom, HostsRead, Validator, VarsId, file,
};
use std::borrow::Cow;
use std::sync::Arc;

/// Lists of at least this many items, not all of them names as written,
/// have their tail read beside the head (a thread started costs about what
/// 100 entries do; a list of names alone does not start one). Low under
/// tests and fuzzing, so that these take this way for nearly every list.
const BESIDE_FROM_ITEMS: usize = if cfg!(any(test, fuzzing)) { 2 } else { 1 << 16 };

/// The first this many hundredths of a list's items (the head) are read
/// here, the rest (the tail) on the second thread. Per item, this thread
/// takes a little less (it adds the tail's hosts after): with about this
/// much here, both threads end about together on the rows of
/// benches/reader.sh (measured in the module's docs).
const HEAD_PERCENT: usize = 46;

#[cfg(test)]
thread_local! {
    /// Whether lists are read by the loop alone: for tests comparing the two.
    pub(super) static LOOP_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// How many lists had their tail read beside the head, for tests.
    pub(super) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// The head's length in items, if set (else [`HEAD_PERCENT`] of the
    /// items), for tests of every split.
    pub(super) static HEAD: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// What reading a list's head changes in the validator and the hosts read,
/// as it was before: set back where the list is read again by the loop.
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

/// What the second thread read of a list's tail.
struct Tail<'s> {
    /// Where the names it took end: the tail's items before are plain
    /// names as written, each to be a host as it is.
    names_end: usize,
    /// The text of the vars of the tail's entries, and the id of each
    /// entry's, in order.
    vars: HostVarsText<'s>,
    ids: Vec<Option<VarsId>>,
}

impl<'s> Validator<'s, '_> {
    /// Reads the hosts of `seq` (the list the hosts `read` are read from,
    /// nothing read yet) with its tail read on a second thread, where it
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
        let worth_it = seq.len() >= BESIDE_FROM_ITEMS && !seq.names_as_written();
        if self.domain_label.is_some() || !worth_it {
            return false;
        }
        debug_assert!(read.hosts.is_empty(), "nothing read yet");
        let head = seq.len() * HEAD_PERCENT / 100;
        #[cfg(test)]
        let head = HEAD.get().map_or(head, |head| head.min(seq.len()));
        let before = Before::of(self, read);
        let src = self.src;
        // Names that come in through an alias are placed there: copied, by
        // the loop (see `through_alias`).
        let names = list_alias.is_none();
        let ((), tail) = crate::parallel::join_deep(
            || {
                let plain = if names {
                    self.plain_head(read, seq, head)
                } else {
                    0
                };
                self.host_items(read, seq, list_alias, plain..head, None);
            },
            || read_tail(src, seq, head, names),
        );
        let taken = tail.as_ref().map_or(0, |tail| tail.names_end - head);
        let room = !self.too_many && file::check_host_count(self.names + taken as u64).is_ok();
        let Some(tail) = tail.filter(|_| room) else {
            before.restore(self, read);
            read.vars = HostVarsText::default();
            return false;
        };
        self.names += taken as u64;
        let numbered = read.vars.append(tail.vars);
        let ids: Vec<Option<VarsId>> = (tail.ids.iter()).map(|id| id.map(&numbered)).collect();
        // The hosts of the names taken there, each from its text.
        let mut ids_taken = ids.iter();
        let names = seq.plain_names(head).take(taken);
        read.hosts.extend(names.map(|(name, entry)| Host {
            name: Cow::Borrowed(name),
            vars: if entry {
                *ids_taken.next().expect("an id per entry")
            } else {
                None
            },
            domain: 0,
        }));
        // The rest in the loop's way, with the vars read there.
        let rest = tail.names_end..seq.len();
        self.host_items(read, seq, list_alias, rest, Some(ids_taken.as_slice()));
        #[cfg(test)]
        TAKEN.set(TAKEN.get() + 1);
        true
    }
}

impl<'s> Validator<'s, '_> {
    /// Reads the head of `seq` (its first `head` items; nothing read yet)
    /// as long as its names are [`plain_host_name`]s: the vars of each entry
    /// read in the loop's way (reported in its order: a plain name reports
    /// nothing), each host added straight from its name's text, with no node
    /// made for it. Where it stopped.
    fn plain_head(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        seq: &Arc<HostSeq<'s>>,
        head: usize,
    ) -> usize {
        // Where the loop would take no more hosts, or report too many in
        // the head, it reads the head.
        if self.too_many || file::check_host_count(self.names + head as u64).is_err() {
            return 0;
        }
        let mut scratch = EntryVarsScratch::default();
        let mut entries = seq.entries(0..seq.entry_count()).enumerate();
        let mut end = 0;
        for (name, entry) in seq.plain_names(0).take(head) {
            if !plain_host_name(name) {
                break;
            }
            let vars = match entry {
                true => {
                    let (k, (span, pairs)) = entries.next().expect("an entry's vars");
                    self.entry_vars(pairs, span, &mut read.vars, (seq, k), &mut scratch)
                }
                false => None,
            };
            read.hosts.push(Host {
                name: Cow::Borrowed(name),
                vars,
                domain: 0,
            });
            end += 1;
        }
        self.names += end as u64;
        end
    }
}

/// Whether the loop takes `name`, a plain scalar's text, as it is for a
/// host's name, reporting nothing (see [`Validator::push_entry`]): a name of
/// letters, digits and `.-_:]` alone (no range), not null.
fn plain_host_name(name: &str) -> bool {
    file::scan_name(name) == 0 && !matches!(name, "" | "null" | "Null" | "NULL")
}

/// The tail of `seq` from item `head` on, read as the loop reads it: the
/// vars of its entries, and, with `names`, its names as long as they are
/// [`plain_host_name`]s; `None` at the first problem reported. In a
/// validator of its own, which holds nothing the vars read but the source
/// and what they report.
fn read_tail<'s>(
    src: &'s str,
    seq: &Arc<HostSeq<'s>>,
    head: usize,
    names: bool,
) -> Option<Tail<'s>> {
    let mut validator = Validator::new(src, true, HostsFrom::Unchecked);
    let mut vars = HostVarsText::default();
    let mut scratch = EntryVarsScratch::default();
    let first = seq.entries_before(head);
    let mut ids = Vec::with_capacity(seq.entry_count() - first);
    let mut read = |(span, pairs), ids: &mut Vec<_>| {
        let kept = (seq, first + ids.len());
        let id = validator.entry_vars(pairs, span, &mut vars, kept, &mut scratch);
        ids.push(id);
        validator.reports == 0
    };
    let mut entries = seq.entries(first..seq.entry_count());
    let mut names_end = head;
    if names {
        for (name, entry) in seq.plain_names(head) {
            if !plain_host_name(name) {
                break;
            }
            if entry && !read(entries.next().expect("an entry's vars"), &mut ids) {
                return None;
            }
            names_end += 1;
        }
    }
    for entry in entries {
        if !read(entry, &mut ids) {
            return None;
        }
    }
    Some(Tail {
        names_end,
        vars,
        ids,
    })
}

#[cfg(test)]
mod tests {
    use super::{HEAD, LOOP_ONLY, TAKEN};
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

    /// Reads `source` with the tail of a list beside its head where it may
    /// be, and by the loop alone: the same problems, or the same strategy but
    /// for the hosts' vars, which are the same JSON (the head's and the
    /// tail's vars are rendered apart, so ids and what they share may
    /// differ), the hosts and vars the reference reads. Whether a tail was
    /// read beside its head.
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

    /// Lists with items kept otherwise (an item kept as a node, an entry
    /// whose vars are an alias) are read beside too, those items in the
    /// loop's way on either side; a version whose hosts' vars give failure
    /// domains, and a list of names alone, are read by the loop.
    #[test]
    fn lists_with_items_kept_otherwise_are_read_beside() {
        let mut hosts = entries(3);
        hosts.insert(20, "{a: 1, b: 2}".to_string());
        assert!(compare(&strategy(hosts)));
        let mut hosts = entries(3);
        hosts.insert(10, "empty: {}".to_string());
        assert!(compare(&strategy(hosts)));
        let mut hosts = entries(3);
        hosts.push("[a, b]".to_string());
        assert!(compare(&strategy(hosts)));
        let aliased = format!(
            "vars:\n  x: &v {{zone: a}}\nversions:\n  app:\n{}",
            (0..10)
                .map(|i| format!("    - h{i}: {}\n", if i == 5 { "*v" } else { "{zone: b}" }))
                .collect::<String>()
        );
        assert!(compare(&aliased));
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

    /// Wherever the head ends, the list gives what the loop gives: with
    /// items of every kind on either side, names the second thread does
    /// not take (from there on read here), names and vars with problems.
    #[test]
    fn every_split_gives_what_the_loop_gives() {
        let mut hosts = entries(2);
        let others = [
            (2, "{a: 1, b: 2}"),
            (5, "h: *v"),
            (7, "\"quoted\""),
            (9, "null: {a: 1}"),
            (11, "web/1: {a: 1}"),
            (13, "~"),
            (15, "null"),
            (17, "web_1"),
            (19, "Web.1:x"),
        ];
        for (at, item) in others {
            hosts.insert(at, item.to_string());
        }
        let lists = [
            hosts.clone(),
            hosts[..10].to_vec(),
            hosts[10..].to_vec(),
            entries(2),
            (0..12).map(|i| format!("w{i}: {{a: {i}}}")).collect(),
            (0..12)
                .map(|i| format!("w{i}: {{regal_{}: 1}}", i % 5))
                .collect(),
        ];
        for hosts in lists {
            let list = (hosts.iter()).map(|host| format!("    - {host}\n"));
            let source = format!(
                "vars:\n  x: &v {{zone: a}}\nversions:\n  app:\n{}",
                list.collect::<String>()
            );
            let aliased = format!("{source}  again:\n    hosts: *list\n    group: again\n")
                .replace("  app:\n", "  app: &list\n");
            let mut taken = 0;
            for head in 0..=hosts.len() + 1 {
                HEAD.set(Some(head));
                taken += usize::from(compare(&source));
                compare(&aliased);
                HEAD.set(None);
            }
            assert!(taken > 0, "{source}");
        }
    }
}
