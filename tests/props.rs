//! Invariants of the batching, for any fleet: every host in exactly one batch,
//! sizes as schedule/combine say, versions in priority then file order, the
//! same bytes for the same file.

use proptest::prelude::*;
use regal_inventory::inventory::Inventory;
use regal_inventory::plan::Plan;
use regal_inventory::strategy;
use std::collections::HashSet;

#[derive(Debug, Clone)]
struct Fleet {
    schedule: u64,
    combine: u64,
    /// Host counts per version.
    versions: Vec<usize>,
    /// Indices of prioritised versions.
    priority: Vec<usize>,
    comma_form: bool,
}

fn fleet() -> impl Strategy<Value = Fleet> {
    (
        1u64..8,
        1u64..8,
        prop::collection::vec(1usize..40, 1..5),
        any::<bool>(),
    )
        .prop_flat_map(|(schedule, combine, versions, comma_form)| {
            let n = versions.len();
            (
                Just(schedule),
                Just(combine),
                Just(versions),
                Just(comma_form),
                prop::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n).prop_shuffle(),
            )
        })
        .prop_map(
            |(schedule, combine, versions, comma_form, priority)| Fleet {
                schedule,
                combine,
                versions,
                priority,
                comma_form,
            },
        )
}

fn yaml(fleet: &Fleet) -> String {
    let mut out = format!("schedule: {}\ncombine: {}\n", fleet.schedule, fleet.combine);
    if !fleet.priority.is_empty() {
        let names: Vec<String> = fleet.priority.iter().map(|i| format!("v{i}.0")).collect();
        out += &format!("priority: [{}]\n", names.join(", "));
    }
    out += "versions:\n";
    for (v, &count) in fleet.versions.iter().enumerate() {
        let hosts: Vec<String> = (0..count).map(|h| format!("h{v}-{h}")).collect();
        if fleet.comma_form {
            out += &format!("  v{v}.0: {}\n", hosts.join(","));
        } else {
            out += &format!("  v{v}.0: [{}]\n", hosts.join(", "));
        }
    }
    out
}

proptest! {
    #[test]
    fn batching_invariants(fleet in fleet()) {
        let text = yaml(&fleet);
        let strategy = strategy::parse(&text).expect("generated strategies are valid");
        let plan = Plan::new(&strategy);

        // Versions: the prioritised ones in priority order, then the rest in file order.
        let mut expected: Vec<usize> = fleet.priority.clone();
        expected.extend((0..fleet.versions.len()).filter(|i| !fleet.priority.contains(i)));
        let order: Vec<String> = plan.versions.iter().map(|v| v.version.name.clone()).collect();
        let expected: Vec<String> = expected.iter().map(|i| format!("v{i}.0")).collect();
        prop_assert_eq!(order, expected);

        let mut seen = HashSet::new();
        for version in &plan.versions {
            let total = version.version.hosts.len();
            let sizes = version.sizes();
            // Sizes: the canary, then combine-sized batches, the last may be shorter, none empty.
            prop_assert!(sizes.iter().all(|&s| s > 0));
            prop_assert_eq!(sizes[0] as u64, fleet.schedule.min(total as u64));
            if let Some((last, middle)) = sizes[1..].split_last() {
                for &size in middle {
                    prop_assert_eq!(size as u64, fleet.combine);
                }
                prop_assert!(*last as u64 <= fleet.combine);
            }
            prop_assert_eq!(sizes.iter().sum::<usize>(), total);
            // Every host exactly once, in the order written.
            let mut in_batches = Vec::new();
            for b in 0..version.batch_count() {
                in_batches.extend(version.batch(b).map(|h| h.name.clone()));
            }
            let written: Vec<String> = version.version.hosts.iter().map(|h| h.name.to_string()).collect();
            prop_assert_eq!(&in_batches, &written);
            for host in in_batches {
                prop_assert!(seen.insert(host));
            }
        }
        prop_assert_eq!(seen.len(), fleet.versions.iter().sum::<usize>());

        // Deterministic output.
        let inventory = Inventory::new(&plan);
        let first = serde_json::to_string(&inventory).unwrap();
        // `--list` writes the same bytes as serde.
        let mut written = Vec::new();
        inventory.write_json(&mut written).unwrap();
        prop_assert_eq!(String::from_utf8(written).unwrap(), first.clone());
        let again = strategy::parse(&text).unwrap();
        let second = serde_json::to_string(&Inventory::new(&Plan::new(&again))).unwrap();
        prop_assert_eq!(first, second);
    }
}

/// The names of a single version's hosts in rollout order.
fn rollout_order(text: &str) -> Vec<String> {
    let strategy = strategy::parse(text).unwrap();
    let plan = Plan::new(&strategy);
    plan.versions[0]
        .hosts()
        .map(|h| h.name.to_string())
        .collect()
}

proptest! {
    /// `order: hash` is sticky: adding or removing hosts never changes the
    /// relative order of the others; another salt gives another order.
    #[test]
    fn hash_order_is_sticky(
        names in prop::collection::hash_set("[a-z]{1,6}[0-9]{0,3}", 2..60),
        keep in prop::collection::vec(any::<bool>(), 60),
        salt in "[a-z0-9]{0,8}",
    ) {
        // A plain `null` is YAML's null, refused where a host name goes.
        prop_assume!(!names.contains("null"));
        let names: Vec<String> = names.into_iter().collect();
        let kept: Vec<String> = names.iter().zip(&keep).filter(|(_, k)| **k).map(|(n, _)| n.clone()).collect();
        prop_assume!(!kept.is_empty());
        let doc = |hosts: &[String]| format!("order: hash\nsalt: '{salt}'\nversions:\n  v: [{}]\n", hosts.join(", "));
        let full = rollout_order(&doc(&names));
        let subset = rollout_order(&doc(&kept));
        let full_restricted: Vec<String> = full.into_iter().filter(|h| kept.contains(h)).collect();
        prop_assert_eq!(full_restricted, subset);
    }

    /// `order: sorted` puts numbered hosts in numeric order, whatever the input order.
    #[test]
    fn sorted_order_is_natural(mut numbers in prop::collection::hash_set(0u32..5000, 1..50)
        .prop_map(|s| s.into_iter().collect::<Vec<_>>())) {
        let hosts: Vec<String> = numbers.iter().map(|n| format!("web{n}")).collect();
        let order = rollout_order(&format!("order: sorted\nversions:\n  v: [{}]\n", hosts.join(", ")));
        numbers.sort_unstable();
        let expected: Vec<String> = numbers.iter().map(|n| format!("web{n}")).collect();
        prop_assert_eq!(order, expected);
    }
}
