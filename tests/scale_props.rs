//! The batching invariants on large generated fleets (thousands of hosts,
//! hundreds of batches, several versions), with every size form (counts,
//! percentages, `batches:` lists), every order, failure domains and
//! exclusions, checked on the JSON that Ansible reads:
//!
//! - every host in exactly one batch, or in `<group>_excluded`;
//! - no empty batch, sizes as specified, the canary first;
//! - versions in priority order, then file order;
//! - hosts in the order asked for (written, natural, domains spread or one
//!   at a time);
//! - the same bytes for the same file.
//!
//! The expected values are computed here from the generated spec, not by
//! calling the planner.

use proptest::prelude::*;
use regal_inventory::inventory::Inventory;
use regal_inventory::plan::Plan;
use regal_inventory::strategy;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Size {
    Count(u64),
    Percent(u8),
}

impl Size {
    fn yaml(self) -> String {
        match self {
            Size::Count(n) => n.to_string(),
            Size::Percent(p) => format!("'{p}%'"),
        }
    }

    /// Hosts in a batch of this size: a percentage of all the version's
    /// hosts, rounded down, at least 1 (Ansible's `serial`).
    fn hosts(self, total: usize) -> usize {
        match self {
            Size::Count(n) => n as usize,
            Size::Percent(p) => (total * p as usize / 100).max(1),
        }
    }
}

#[derive(Debug, Clone)]
enum Sizes {
    ScheduleCombine(Size, Size),
    Batches(Vec<Size>),
}

impl Sizes {
    fn yaml(&self, indent: &str) -> String {
        match self {
            Sizes::ScheduleCombine(s, c) => {
                format!(
                    "{indent}schedule: {}\n{indent}combine: {}\n",
                    s.yaml(),
                    c.yaml()
                )
            }
            Sizes::Batches(sizes) => {
                let sizes: Vec<String> = sizes.iter().map(|s| s.yaml()).collect();
                format!("{indent}batches: [{}]\n", sizes.join(", "))
            }
        }
    }

    /// The size of each batch in turn; the last repeats.
    fn list(&self) -> Vec<Size> {
        match self {
            Sizes::ScheduleCombine(s, c) => vec![*s, *c],
            Sizes::Batches(sizes) => sizes.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Order {
    Input,
    Sorted,
    Hash,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Domains {
    Spread,
    OneAtATime,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Form {
    Comma,
    List,
    /// A list with `zone` host vars (needed for failure domains).
    ListWithVars,
}

#[derive(Debug, Clone)]
struct VersionSpec {
    hosts: usize,
    form: Form,
    sizes: Option<Sizes>,
    order: Order,
    domains: Option<(Domains, usize)>,
    /// Exclude every n-th host in this version's own `exclude:`.
    exclude_every: Option<usize>,
}

#[derive(Debug, Clone)]
struct Fleet {
    versions: Vec<VersionSpec>,
    sizes: Option<Sizes>,
    priority: Vec<usize>,
    /// Exclude every n-th host of every version in the top-level `exclude:`.
    top_exclude_every: Option<usize>,
    /// Drives the shuffles; part of the case, so a failure replays.
    seed: u64,
}

/// A small deterministic PRNG (splitmix64), so that a case is its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn size() -> impl Strategy<Value = Size> {
    prop_oneof![
        4 => (1u64..=20).prop_map(Size::Count),
        1 => (1u64..=5000).prop_map(Size::Count),
        2 => (1u8..=3).prop_map(Size::Percent),
        1 => (1u8..=100).prop_map(Size::Percent),
    ]
}

fn sizes() -> impl Strategy<Value = Sizes> {
    prop_oneof![
        (size(), size()).prop_map(|(s, c)| Sizes::ScheduleCombine(s, c)),
        prop::collection::vec(size(), 1..6).prop_map(Sizes::Batches),
    ]
}

fn version() -> impl Strategy<Value = VersionSpec> {
    (
        1000usize..4000,
        prop_oneof![
            Just(Form::Comma),
            Just(Form::List),
            Just(Form::ListWithVars)
        ],
        prop::option::of(sizes()),
        prop_oneof![Just(Order::Input), Just(Order::Sorted), Just(Order::Hash)],
        prop::option::of((
            prop_oneof![Just(Domains::Spread), Just(Domains::OneAtATime)],
            1usize..8,
        )),
        prop::option::weighted(0.3, 2usize..40),
    )
        .prop_map(|(hosts, form, sizes, order, domains, exclude_every)| {
            let form = if domains.is_some() {
                Form::ListWithVars
            } else {
                form
            };
            VersionSpec {
                hosts,
                form,
                sizes,
                order,
                domains,
                exclude_every,
            }
        })
}

fn fleet() -> impl Strategy<Value = Fleet> {
    (
        prop::collection::vec(version(), 1..5),
        prop::option::of(sizes()),
        prop::option::weighted(0.3, 5usize..60),
        any::<u64>(),
    )
        .prop_flat_map(|(versions, sizes, top_exclude_every, seed)| {
            let n = versions.len();
            (
                Just(versions),
                Just(sizes),
                prop::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n).prop_shuffle(),
                Just(top_exclude_every),
                Just(seed),
            )
        })
        .prop_map(
            |(versions, sizes, priority, top_exclude_every, seed)| Fleet {
                versions,
                sizes,
                priority,
                top_exclude_every,
                seed,
            },
        )
}

/// One host as generated: its number within the version and its zone.
#[derive(Debug, Clone)]
struct Host {
    name: String,
    number: usize,
    zone: usize,
    excluded: bool,
}

/// What the generated file says, host by host: the YAML and every version's
/// hosts in written order.
struct Generated {
    yaml: String,
    hosts: Vec<Vec<Host>>,
}

fn version_name(v: usize) -> String {
    format!("app-v{v}.0")
}

fn group_name(v: usize) -> String {
    format!("app_v{v}_0")
}

fn generate(fleet: &Fleet) -> Generated {
    let mut rng = Rng(fleet.seed);
    let mut yaml = String::new();
    if let Some(sizes) = &fleet.sizes {
        yaml += &sizes.yaml("");
    }
    if !fleet.priority.is_empty() {
        let names: Vec<String> = fleet.priority.iter().map(|&v| version_name(v)).collect();
        yaml += &format!("priority: [{}]\n", names.join(", "));
    }
    let mut top_excluded = Vec::new();
    let mut all_hosts = Vec::new();
    yaml += "versions:\n";
    for (v, spec) in fleet.versions.iter().enumerate() {
        // Hosts come in runs of consecutive numbers, written as a range or
        // name by name, the runs in shuffled order so that the written order
        // is not the natural one.
        let mut runs = Vec::new();
        let mut start = 1;
        while start <= spec.hosts {
            let len = (1 + rng.below(40)).min(spec.hosts + 1 - start);
            runs.push((start, len));
            start += len;
        }
        rng.shuffle(&mut runs);
        let zones = spec.domains.map_or(1, |(_, zones)| zones);
        let mut hosts = Vec::new();
        let mut entries = Vec::new();
        for (r, &(start, len)) in runs.iter().enumerate() {
            let zone = (r * 7 + v) % zones;
            let names: Vec<String> = (start..start + len).map(|n| format!("v{v}-h{n}")).collect();
            let written = if len > 1 && rng.below(2) == 0 {
                vec![format!("v{v}-h[{start}:{}]", start + len - 1)]
            } else {
                names.clone()
            };
            for entry in written {
                entries.push(match spec.form {
                    Form::ListWithVars => format!("{entry}: {{zone: z{zone}}}"),
                    _ => entry,
                });
            }
            for (i, name) in names.into_iter().enumerate() {
                hosts.push(Host {
                    name,
                    number: start + i,
                    zone,
                    excluded: false,
                });
            }
        }
        let mut own_excluded = Vec::new();
        for (i, host) in hosts.iter_mut().enumerate() {
            if spec.exclude_every.is_some_and(|n| i % n == 1) {
                host.excluded = true;
                own_excluded.push(host.name.clone());
            } else if fleet.top_exclude_every.is_some_and(|n| i % n == 2) {
                host.excluded = true;
                top_excluded.push(host.name.clone());
            }
        }
        yaml += &format!("  {}:\n", version_name(v));
        match spec.form {
            Form::Comma => yaml += &format!("    hosts: {}\n", entries.join(",")),
            Form::List | Form::ListWithVars => {
                yaml += "    hosts:\n";
                for entry in &entries {
                    yaml += &format!("      - {entry}\n");
                }
            }
        }
        if let Some(sizes) = &spec.sizes {
            yaml += &sizes.yaml("    ");
        }
        match spec.order {
            Order::Input => {}
            Order::Sorted => yaml += "    order: sorted\n",
            Order::Hash => yaml += &format!("    order: hash\n    salt: s{}\n", fleet.seed % 97),
        }
        match spec.domains {
            None => {}
            Some((Domains::Spread, _)) => yaml += "    spread: zone\n",
            Some((Domains::OneAtATime, _)) => yaml += "    domain_at_a_time: zone\n",
        }
        if !own_excluded.is_empty() {
            yaml += &format!("    exclude: [{}]\n", own_excluded.join(", "));
        }
        all_hosts.push(hosts);
    }
    if !top_excluded.is_empty() {
        yaml += &format!("exclude: {}\n", top_excluded.join(","));
    }
    Generated {
        yaml,
        hosts: all_hosts,
    }
}

/// The rollout order of a version's kept hosts, and where each domain ends
/// (just the total, unless domains go one at a time). None when the base order
/// is a hash, which only the planner knows.
fn expected_order(spec: &VersionSpec, kept: &[&Host]) -> Option<(Vec<String>, Vec<usize>)> {
    let mut base: Vec<&Host> = kept.to_vec();
    match spec.order {
        Order::Input => {}
        Order::Sorted => base.sort_by_key(|h| h.number),
        Order::Hash => return None,
    }
    let Some((domains, _)) = spec.domains else {
        let names = base.iter().map(|h| h.name.clone()).collect();
        return Some((names, vec![kept.len()]));
    };
    // Domains in order of first appearance, each in base order.
    let mut by_zone: Vec<(usize, Vec<&Host>)> = Vec::new();
    for host in base {
        match by_zone.iter_mut().find(|(zone, _)| *zone == host.zone) {
            Some((_, hosts)) => hosts.push(host),
            None => by_zone.push((host.zone, vec![host])),
        }
    }
    let mut names = Vec::new();
    let mut ends = Vec::new();
    match domains {
        Domains::OneAtATime => {
            for (_, hosts) in &by_zone {
                names.extend(hosts.iter().map(|h| h.name.clone()));
                ends.push(names.len());
            }
        }
        Domains::Spread => {
            let longest = by_zone.iter().map(|(_, h)| h.len()).max().unwrap_or(0);
            for i in 0..longest {
                for (_, hosts) in &by_zone {
                    if let Some(host) = hosts.get(i) {
                        names.push(host.name.clone());
                    }
                }
            }
            ends.push(names.len());
        }
    }
    Some((names, ends))
}

/// Batch sizes for `total` hosts cut by `sizes`, no batch crossing a domain end.
fn expected_sizes(sizes: &[Size], total: usize, domain_ends: &[usize]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    for &end in domain_ends {
        while start < end {
            let size = sizes[out.len().min(sizes.len() - 1)].hosts(total);
            let size = size.min(end - start);
            out.push(size);
            start += size;
        }
    }
    out
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Lists of thousands of items compared by their first difference, so that a
/// failure reads in one line.
fn same_list<T: PartialEq + std::fmt::Debug>(
    got: &[T],
    want: &[T],
    what: &str,
) -> Result<(), TestCaseError> {
    if let Some(i) = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]) {
        return Err(TestCaseError::fail(format!(
            "{what}: item {i} is {:?}, expected {:?}",
            got[i], want[i]
        )));
    }
    if got.len() != want.len() {
        return Err(TestCaseError::fail(format!(
            "{what}: {} items, expected {}",
            got.len(),
            want.len()
        )));
    }
    Ok(())
}

fn render(yaml: &str) -> Vec<u8> {
    let strategy = strategy::parse(yaml).unwrap_or_else(|problems| {
        panic!("generated strategy refused: {problems:?}\n{yaml}");
    });
    let plan = Plan::new(&strategy);
    let inventory = Inventory::new(&plan);
    let json = serde_json::to_vec(&inventory).unwrap();
    // `--list` writes the same bytes as serde.
    let mut written = Vec::new();
    inventory.write_json(&mut written).unwrap();
    assert!(written == json, "--list's writer and serde differ\n{yaml}");
    json
}

fn check(fleet: &Fleet) -> Result<(), TestCaseError> {
    let generated = generate(fleet);
    let bytes = render(&generated.yaml);
    prop_assert!(
        bytes == render(&generated.yaml),
        "output is not deterministic"
    );
    let inventory: Value = serde_json::from_slice(&bytes).unwrap();
    let groups = inventory.as_object().unwrap();

    let mut order: Vec<usize> = fleet.priority.clone();
    order.extend((0..fleet.versions.len()).filter(|v| !fleet.priority.contains(v)));
    let expected_groups: Vec<String> = order.iter().map(|&v| group_name(v)).collect();
    prop_assert_eq!(
        strings(&inventory["all"]["children"]),
        expected_groups.clone()
    );
    prop_assert_eq!(
        strings(&inventory["all"]["vars"]["regal_versions"]),
        expected_groups
    );

    let mut placed: HashMap<String, String> = HashMap::new();
    for &v in &order {
        let spec = &fleet.versions[v];
        let group = group_name(v);
        let hosts = &generated.hosts[v];
        let kept: Vec<&Host> = hosts.iter().filter(|h| !h.excluded).collect();
        let batch_names = strings(&groups[&group]["children"]);
        // No per-batch list is inherited by every host.
        prop_assert!(groups[&group]["vars"].get("regal_batches").is_none());
        prop_assert!(groups[&group]["vars"].get("regal_serial").is_none());

        // Every kept host in exactly one batch, in the expected order.
        let mut rollout = Vec::new();
        let mut sizes = Vec::new();
        for (index, name) in batch_names.iter().enumerate() {
            prop_assert_eq!(name, &format!("{group}_batch{index}"));
            let batch = &groups[name];
            let members = strings(&batch["hosts"]);
            prop_assert!(!members.is_empty(), "{} is empty", name);
            prop_assert_eq!(&batch["vars"]["regal_batch"], &Value::from(index));
            prop_assert_eq!(
                &batch["vars"]["regal_batch_group"],
                &Value::from(name.as_str())
            );
            prop_assert_eq!(&batch["vars"]["regal_canary"], &Value::from(index == 0));
            prop_assert_eq!(
                &batch["vars"]["regal_batch_count"],
                &Value::from(batch_names.len())
            );
            sizes.push(members.len());
            for member in members {
                let again = placed.insert(member.clone(), name.clone());
                prop_assert!(again.is_none(), "{} in {:?} and {}", member, again, name);
                rollout.push(member);
            }
        }

        let mut want: Vec<&str> = kept.iter().map(|h| h.name.as_str()).collect();
        let mut got: Vec<&str> = rollout.iter().map(String::as_str).collect();
        want.sort_unstable();
        got.sort_unstable();
        same_list(&got, &want, &format!("{group}: hosts rolled out"))?;

        // Excluded hosts only in the excluded group, in written order.
        let excluded: Vec<String> = hosts
            .iter()
            .filter(|h| h.excluded)
            .map(|h| h.name.clone())
            .collect();
        let excluded_group = format!("{group}_excluded");
        if excluded.is_empty() {
            prop_assert!(!groups.contains_key(&excluded_group));
        } else {
            same_list(
                &strings(&groups[&excluded_group]["hosts"]),
                &excluded,
                &excluded_group,
            )?;
            for host in excluded {
                prop_assert!(placed.insert(host, excluded_group.clone()).is_none());
            }
        }

        // Order and sizes as specified.
        let size_list = spec
            .sizes
            .as_ref()
            .or(fleet.sizes.as_ref())
            .map_or(vec![Size::Count(1), Size::Count(1)], Sizes::list);
        let zone_of: HashMap<&str, usize> =
            kept.iter().map(|h| (h.name.as_str(), h.zone)).collect();
        let domain_ends = match expected_order(spec, &kept) {
            Some((expected, ends)) => {
                same_list(&rollout, &expected, &format!("{group}: rollout order"))?;
                ends
            }
            None => {
                // Hash order: domains still end where the zone changes.
                let mut ends = Vec::new();
                if spec.domains.is_some_and(|(d, _)| d == Domains::OneAtATime) {
                    for (i, pair) in rollout.windows(2).enumerate() {
                        if zone_of[pair[0].as_str()] != zone_of[pair[1].as_str()] {
                            ends.push(i + 1);
                        }
                    }
                }
                ends.push(rollout.len());
                ends
            }
        };
        match spec.domains {
            Some((Domains::OneAtATime, _)) => {
                // Each domain one run, each batch inside one domain.
                let mut seen_zones = HashSet::new();
                for (i, host) in rollout.iter().enumerate() {
                    let zone = zone_of[host.as_str()];
                    if i == 0 || zone != zone_of[rollout[i - 1].as_str()] {
                        prop_assert!(seen_zones.insert(zone), "zone {} comes back", zone);
                    }
                }
            }
            Some((Domains::Spread, _)) => {
                // Every prefix takes evenly from the zones that still have hosts.
                let mut left: HashMap<usize, usize> = HashMap::new();
                for host in &kept {
                    *left.entry(host.zone).or_default() += 1;
                }
                let mut taken: HashMap<usize, usize> = HashMap::new();
                for host in &rollout {
                    let zone = zone_of[host.as_str()];
                    *taken.entry(zone).or_default() += 1;
                    *left.get_mut(&zone).unwrap() -= 1;
                    let open: Vec<usize> = left
                        .iter()
                        .filter(|&(_, &n)| n > 0)
                        .map(|(z, _)| taken.get(z).copied().unwrap_or(0))
                        .collect();
                    if let (Some(lo), Some(hi)) = (open.iter().min(), open.iter().max()) {
                        prop_assert!(hi - lo <= 1, "spread is uneven after {}", host);
                    }
                }
            }
            None => {}
        }
        same_list(
            &sizes,
            &expected_sizes(&size_list, kept.len(), &domain_ends),
            &format!("{group}: batch sizes for {size_list:?}"),
        )?;
    }
    // Nothing else: every host of the file placed, hostvars for each.
    let total: usize = generated.hosts.iter().map(Vec::len).sum();
    prop_assert_eq!(placed.len(), total);
    let hostvars = inventory["_meta"]["hostvars"].as_object().unwrap();
    prop_assert_eq!(hostvars.len(), total);
    for (v, hosts) in generated.hosts.iter().enumerate() {
        for host in hosts {
            let vars = &hostvars[&host.name];
            if fleet.versions[v].form == Form::ListWithVars {
                prop_assert_eq!(&vars["zone"], &Value::from(format!("z{}", host.zone)));
            } else {
                prop_assert_eq!(vars, &Value::Object(Default::default()));
            }
        }
    }
    Ok(())
}

proptest! {
    // Each case is a fleet of thousands of hosts; a few dozen keep this test
    // near ten seconds in a debug build.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn large_fleets_keep_every_invariant(fleet in fleet()) {
        check(&fleet)?;
    }
}

/// One fixed large case, so the scale is reached whatever proptest draws.
#[test]
fn fifty_thousand_hosts_in_hundreds_of_batches() {
    let spec = |hosts, order, domains, sizes| VersionSpec {
        hosts,
        form: Form::ListWithVars,
        sizes,
        order,
        domains,
        exclude_every: Some(97),
    };
    let fleet = Fleet {
        versions: vec![
            spec(20_000, Order::Input, Some((Domains::Spread, 5)), None),
            spec(
                15_000,
                Order::Sorted,
                Some((Domains::OneAtATime, 3)),
                Some(Sizes::Batches(vec![
                    Size::Count(1),
                    Size::Percent(1),
                    Size::Count(75),
                ])),
            ),
            spec(15_000, Order::Hash, None, None),
        ],
        sizes: Some(Sizes::ScheduleCombine(Size::Count(3), Size::Count(50))),
        priority: vec![2],
        top_exclude_every: Some(501),
        seed: 7,
    };
    check(&fleet).unwrap();
}
