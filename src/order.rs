//! The order hosts are rolled out in, before they are cut into batches.
//!
//! Everything here works on indices into a version's host list and is pure.

use crate::strategy::file::{MAX_HOSTS, Order};
use crate::strategy::{Domains, Host};
use std::cmp::Ordering;

/// The hosts' indices in rollout order, and where each failure domain ends in it
/// (one end, the total, unless domains go one at a time). `None` for the file
/// order (`order: input` without domains), which needs no list of its own.
/// Each host's failure domain is its `domain` number.
///
/// Indices are `u32`, half the memory of `usize`: a strategy names at most
/// [`MAX_HOSTS`] hosts.
pub fn arrange(
    hosts: &[Host],
    order: Order,
    salt: &str,
    domains: Option<&Domains>,
) -> (Option<Vec<u32>>, Vec<usize>) {
    let indices: Option<Vec<u32>> = match order {
        Order::Input => None,
        Order::Sorted => {
            // Comparing names run by run took seconds at a million hosts, each
            // comparison at two random places in memory. Each host gets the
            // start of a key whose byte order is natural order; only hosts whose
            // keys start alike are compared in full. Ties in the end (equal
            // names) keep file order, as the stable sort before did.
            // The key as four words, not a u128, whose alignment made each
            // pair 32 bytes rather than 20 (32 MB at a million hosts).
            let with_nul = hosts.iter().any(|h| h.name.contains('\0'));
            let mut keyed: Vec<([u32; 4], u32)> = (hosts.iter().zip(index_range(hosts)))
                .map(|(host, i)| {
                    let prefix = if with_nul {
                        0
                    } else {
                        natural_prefix(&host.name)
                    };
                    (words(prefix), i)
                })
                .collect();
            keyed.sort_unstable_by(|&(key_a, a), &(key_b, b)| {
                key_a
                    .cmp(&key_b)
                    .then_with(|| natural_cmp(&hosts[a as usize].name, &hosts[b as usize].name))
                    .then(a.cmp(&b))
            });
            Some(keyed.into_iter().map(|(_, i)| i).collect())
        }
        Order::Hash => {
            // (hash, index) pairs, sorted: ties (never in practice) keep file
            // order. The salt is hashed once, not once per host, and the pairs
            // take two thirds of the memory of sort_by_cached_key's.
            let salted = salted(salt);
            let mut keyed: Vec<(u64, u32)> = (hosts.iter().zip(index_range(hosts)))
                .map(|(host, i)| (fnv1a(salted, host.name.as_bytes()), i))
                .collect();
            keyed.sort_unstable();
            Some(keyed.into_iter().map(|(_, i)| i).collect())
        }
    };
    let Some(domains) = domains else {
        return (indices, vec![hosts.len()]);
    };
    let by_domain = match indices {
        Some(indices) => group_by_domain(hosts, indices),
        None => group_by_domain(hosts, index_range(hosts)),
    };
    match domains {
        Domains::Spread(_) => (Some(round_robin(by_domain)), vec![hosts.len()]),
        Domains::OneAtATime(_) => {
            let mut ends = Vec::with_capacity(by_domain.len());
            let mut ordered = Vec::with_capacity(hosts.len());
            for domain in by_domain {
                ordered.extend(domain);
                ends.push(ordered.len());
            }
            (Some(ordered), ends)
        }
    }
}

/// `key` as four words, most significant first: compared as arrays, they
/// order as `key` does.
fn words(key: u128) -> [u32; 4] {
    [
        (key >> 96) as u32,
        (key >> 64) as u32,
        (key >> 32) as u32,
        key as u32,
    ]
}

/// The indices of `hosts`, in file order.
fn index_range(hosts: &[Host]) -> std::ops::Range<u32> {
    const { assert!(MAX_HOSTS <= u32::MAX as u64) };
    let count = u32::try_from(hosts.len()).expect("a strategy names at most MAX_HOSTS hosts");
    0..count
}

/// Hosts grouped by their failure domain, domains in order of first appearance.
fn group_by_domain(hosts: &[Host], indices: impl IntoIterator<Item = u32>) -> Vec<Vec<u32>> {
    const NONE: usize = usize::MAX;
    // The slot of each domain number, by number: numbers are small and dense.
    let mut slot_of: Vec<usize> = Vec::new();
    let mut domains: Vec<Vec<u32>> = Vec::new();
    for i in indices {
        let domain = hosts[i as usize].domain as usize;
        if domain >= slot_of.len() {
            slot_of.resize(domain + 1, NONE);
        }
        if slot_of[domain] == NONE {
            slot_of[domain] = domains.len();
            domains.push(Vec::new());
        }
        domains[slot_of[domain]].push(i);
    }
    domains
}

/// One host from each domain in turn, until all are taken.
fn round_robin(domains: Vec<Vec<u32>>) -> Vec<u32> {
    let total = domains.iter().map(Vec::len).sum();
    let mut ordered = Vec::with_capacity(total);
    let mut iters: Vec<_> = domains.into_iter().map(Vec::into_iter).collect();
    while ordered.len() < total {
        for iter in &mut iters {
            ordered.extend(iter.next());
        }
    }
    ordered
}

/// The hash behind `order: hash`: 64-bit FNV-1a over the UTF-8 bytes of the salt,
/// one 0x00 byte, then the host name. Fixed forever, so a host keeps its place
/// relative to the others whatever hosts are added or removed.
pub fn sticky_hash(salt: &str, host: &str) -> u64 {
    fnv1a(salted(salt), host.as_bytes())
}

/// [`sticky_hash`] after the salt and its 0x00 byte, before the host name.
fn salted(salt: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    fnv1a(fnv1a(OFFSET, salt.as_bytes()), &[0])
}

/// 64-bit FNV-1a: `hash` continued over `bytes`.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(hash, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// Natural order: runs of digits compare as numbers (`web2` < `web10`), the rest
/// as text; names equal that way fall back to plain text order.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        match (x.is_empty(), y.is_empty()) {
            (true, true) => return a.cmp(b),
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let (run_x, rest_x) = split_run(x);
        let (run_y, rest_y) = split_run(y);
        let both_digits =
            run_x.as_bytes()[0].is_ascii_digit() && run_y.as_bytes()[0].is_ascii_digit();
        let ordering = if both_digits {
            let (tx, ty) = (run_x.trim_start_matches('0'), run_y.trim_start_matches('0'));
            tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
        } else {
            run_x.cmp(run_y)
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
        (x, y) = (rest_x, rest_y);
    }
}

/// The first 16 bytes, big-endian and zero-padded, of a key whose byte order
/// is [`natural_cmp`]'s for names without a 0x00 byte: each run of non-digits
/// as written, then 0x00; each run of digits as `0` (which sorts against the
/// first byte of a run of non-digits as any digit does), the length of the
/// number without its leading zeros (one byte below 255, else 255 and four
/// bytes), then those digits. So a smaller prefix means a smaller name, and
/// equal prefixes leave the names to be compared in full.
fn natural_prefix(name: &str) -> u128 {
    let mut key = [0u8; 16];
    let mut len = 0;
    let mut push = |bytes: &[u8]| {
        let take = bytes.len().min(key.len() - len);
        key[len..len + take].copy_from_slice(&bytes[..take]);
        len += take;
        len < key.len()
    };
    let mut rest = name;
    while !rest.is_empty() {
        let (run, after) = split_run(rest);
        let room = if run.as_bytes()[0].is_ascii_digit() {
            let number = run.trim_start_matches('0');
            let room = match u8::try_from(number.len()) {
                Ok(short) if short < 255 => push(&[b'0', short]),
                _ => {
                    let long = u32::try_from(number.len()).unwrap_or(u32::MAX);
                    push(&[b'0', 255]) && push(&long.to_be_bytes())
                }
            };
            room && push(number.as_bytes())
        } else {
            push(run.as_bytes()) && push(&[0])
        };
        if !room {
            break;
        }
        rest = after;
    }
    u128::from_be_bytes(key)
}

/// The leading run of digits or of non-digits, and the rest.
fn split_run(s: &str) -> (&str, &str) {
    let digits = s.as_bytes()[0].is_ascii_digit();
    let end = s
        .bytes()
        .position(|b| b.is_ascii_digit() != digits)
        .unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(names: &[&str]) -> Vec<Host<'static>> {
        names
            .iter()
            .map(|n| Host {
                name: n.to_string().into(),
                vars: None,
                domain: 0,
            })
            .collect()
    }

    /// Hosts with the domain numbers the reader gives: from 1, in order of
    /// each label's first host.
    fn labelled(entries: &[(&str, &str)]) -> Vec<Host<'static>> {
        let mut labels: Vec<&str> = Vec::new();
        (entries.iter())
            .map(|&(n, zone)| {
                let number = match labels.iter().position(|&l| l == zone) {
                    Some(index) => index + 1,
                    None => {
                        labels.push(zone);
                        labels.len()
                    }
                };
                Host {
                    name: n.to_string().into(),
                    vars: None,
                    domain: number as u32,
                }
            })
            .collect()
    }

    fn names(hosts: &[Host], order: &Option<Vec<u32>>) -> Vec<String> {
        let file_order: Vec<u32> = index_range(hosts).collect();
        let order = order.as_ref().unwrap_or(&file_order);
        order
            .iter()
            .map(|&i| hosts[i as usize].name.to_string())
            .collect()
    }

    #[test]
    fn natural_order() {
        let hs = hosts(&["web10", "web2", "db1", "web02", "web1"]);
        let (order, _) = arrange(&hs, Order::Sorted, "", None);
        assert_eq!(
            names(&hs, &order),
            ["db1", "web1", "web02", "web2", "web10"]
        );
    }

    proptest::proptest! {
        /// Whenever the prefixes differ, they order two names as natural_cmp does.
        #[test]
        fn natural_prefix_agrees_with_natural_cmp(
            a in "([a-c./:-]{0,3}[0-9]{0,4}){0,6}",
            b in "([a-c./:-]{0,3}[0-9]{0,4}){0,6}",
        ) {
            let (key_a, key_b) = (natural_prefix(&a), natural_prefix(&b));
            if key_a != key_b {
                proptest::prop_assert_eq!(key_a.cmp(&key_b), natural_cmp(&a, &b), "{:?} {:?}", a, b);
            }
        }
    }

    #[test]
    fn natural_prefix_edges() {
        for (a, b) in [
            ("ab", "abc"),
            ("ab1", "ab!"),
            ("ab1", "abc"),
            ("a9", "a10"),
            ("a09", "a10"),
            ("web-0000001.dc1", "web-0000002.dc1"),
            ("1", "a"),
            ("", "0"),
            ("x", "x0"),
        ] {
            assert_eq!(
                natural_prefix(a).cmp(&natural_prefix(b)),
                natural_cmp(a, b),
                "{a} {b}"
            );
        }
        let long = "1".repeat(300);
        assert_eq!(
            natural_prefix(&long).cmp(&natural_prefix("9")),
            Ordering::Greater
        );
        assert_eq!(
            natural_prefix("0").cmp(&natural_prefix("00")),
            Ordering::Equal
        );
    }

    #[test]
    fn sorted_order_with_ties_and_a_nul() {
        let hs = hosts(&[
            "b02",
            "a",
            "b2",
            "b1",
            "b010",
            "web-0000012.dc1",
            "web-0000002.dc1",
        ]);
        let (order, _) = arrange(&hs, Order::Sorted, "", None);
        assert_eq!(
            names(&hs, &order),
            [
                "a",
                "b1",
                "b02",
                "b2",
                "b010",
                "web-0000002.dc1",
                "web-0000012.dc1"
            ]
        );
        let hs = hosts(&["b\0", "a10", "a9"]);
        let (order, _) = arrange(&hs, Order::Sorted, "", None);
        assert_eq!(names(&hs, &order), ["a9", "a10", "b\0"]);
    }

    #[test]
    fn words_order_as_their_key() {
        let keys = [
            0,
            1,
            u128::from(u32::MAX),
            1 << 32,
            1 << 64,
            1 << 96,
            u128::MAX - 1,
            u128::MAX,
        ];
        for a in keys {
            for b in keys {
                assert_eq!(words(a).cmp(&words(b)), a.cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn hash_is_fixed_forever() {
        // These values are part of the contract: changing them reorders fleets.
        assert_eq!(sticky_hash("", ""), 0xaf63_bd4c_8601_b7df);
        assert_eq!(
            sticky_hash("2024-06", "web1"),
            sticky_hash("2024-06", "web1")
        );
        assert_ne!(sticky_hash("a", "web1"), sticky_hash("b", "web1"));
    }

    #[test]
    fn spread_takes_domains_in_turn() {
        let hs = labelled(&[
            ("a1", "A"),
            ("a2", "A"),
            ("a3", "A"),
            ("b1", "B"),
            ("c1", "C"),
            ("b2", "B"),
        ]);
        let spread = Domains::Spread("zone".into());
        let (order, ends) = arrange(&hs, Order::Input, "", Some(&spread));
        assert_eq!(names(&hs, &order), ["a1", "b1", "c1", "a2", "b2", "a3"]);
        assert_eq!(ends, [6]);
    }

    #[test]
    fn one_domain_at_a_time() {
        let hs = labelled(&[("a1", "A"), ("b1", "B"), ("a2", "A"), ("c1", "C")]);
        let one = Domains::OneAtATime("zone".into());
        let (order, ends) = arrange(&hs, Order::Input, "", Some(&one));
        assert_eq!(names(&hs, &order), ["a1", "a2", "b1", "c1"]);
        assert_eq!(ends, [2, 3, 4]);
    }
}
