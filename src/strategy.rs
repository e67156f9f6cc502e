//! Reads regal.yml and checks it, giving a [`Strategy`] that the planner can trust.

pub mod block_yaml;
pub mod file;

use crate::error::{Location, Problem, ProblemKind};
use crate::external::{ExternalHosts, PatternProblem};
use crate::locate::{self, Seg};
use crate::verify::{self, Verify, VerifyProblem};
use file::{HostList, Order, RolloutKeys, Size, StrategyFile, Text, Vars};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

/// A checked strategy: every version has hosts, every host is listed once.
/// Host names borrow from the text it was read from (`'s`) where they can.
#[derive(Debug, Clone)]
pub struct Strategy<'s> {
    /// Vars of group `all`.
    pub vars: Vars,
    /// The versions in file order.
    pub versions: Vec<Version<'s>>,
    /// Indices into `versions` of the prioritised ones, in priority order.
    pub priority: Vec<usize>,
}

/// One version and everything needed to batch it.
#[derive(Debug, Clone)]
pub struct Version<'s> {
    /// The name as written.
    pub name: String,
    /// The Ansible group name.
    pub group: String,
    pub vars: Vars,
    /// Hosts to roll out, in file order.
    pub hosts: Vec<Host<'s>>,
    /// Hosts kept out of every batch, in file order.
    pub excluded: Vec<Host<'s>>,
    /// The `hosts_from` pattern, when the hosts come from earlier inventory
    /// sources; their vars then stay with those sources.
    pub hosts_from: Option<String>,
    /// Whether every host name, kept or excluded, is made of letters, digits
    /// and `.-_:]` only, as the reading of the names found: JSON then takes
    /// each as it is, and a million names need not be checked for escapes twice
    /// more when the inventory is written. False when not known.
    pub plain_names: bool,
    pub rollout: Rollout,
}

/// One host and its own vars.
#[derive(Debug, Clone, PartialEq)]
pub struct Host<'s> {
    /// Borrowed from the strategy's text when read in place: at a million hosts,
    /// a copy of each name would cost more memory than the rest of the host.
    pub name: Cow<'s, str>,
    pub vars: Option<Box<Vars>>,
}

impl Version<'_> {
    /// The vars regal-inventory gives `host` of this version: none for hosts from
    /// earlier inventory sources, whose vars stay with those sources.
    pub fn own_vars<'v>(&self, host: &'v Host) -> Option<&'v Vars> {
        match self.hosts_from {
            Some(_) => None,
            None => host.vars.as_deref(),
        }
    }
}

impl Host<'_> {
    /// A host var, if the host has it.
    pub fn var(&self, name: &str) -> Option<&serde_json::Value> {
        self.vars.as_ref().and_then(|vars| vars.get(name))
    }
}

/// How one version is cut into batches, all defaults resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    /// The size of each batch in turn; the last one repeats. `[schedule, combine]`
    /// when written that way.
    pub sizes: Vec<Size>,
    pub order: Order,
    pub salt: String,
    pub domains: Option<Domains>,
    pub pause_after_canary: u64,
    pub pause_between_batches: u64,
    pub confirm_after_canary: bool,
    pub canary_vars: Vars,
    pub batch_vars: Vars,
    /// Health checks of each batch and the bake after it.
    pub verify: Verify,
}

impl Rollout {
    /// Seconds to wait after batch `index` (0: none); batch 0 is the canary.
    pub fn pause_after(&self, index: usize) -> u64 {
        if index == 0 {
            self.pause_after_canary
        } else {
            self.pause_between_batches
        }
    }

    /// Whether to ask the operator after batch `index`.
    pub fn confirm_after(&self, index: usize) -> bool {
        index == 0 && self.confirm_after_canary
    }
}

/// Failure-domain handling, by the name of the host var that labels the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Domains {
    /// Every batch draws from all domains, round-robin.
    Spread(String),
    /// Each batch stays inside one domain; domains one after another.
    OneAtATime(String),
}

impl Domains {
    /// The host var naming the domain.
    pub fn label(&self) -> &str {
        match self {
            Domains::Spread(label) | Domains::OneAtATime(label) => label,
        }
    }
}

/// The duplicate check hashes two halves at once from this many hosts. Low
/// under tests and fuzzing, so that these take that way too.
const HALVES_FROM_HOSTS: usize = if cfg!(any(test, fuzzing)) { 2 } else { 1 << 16 };

/// At most this many problems are reported one by one.
const MAX_PROBLEMS: usize = 20;

/// Where versions written with `hosts_from` get their hosts.
#[derive(Debug, Clone, Copy)]
pub enum HostsFrom<'e> {
    /// Nowhere (a plain script inventory): `hosts_from` is a problem.
    Unavailable,
    /// Not known here (`check` without `--external-hosts`): such versions get
    /// no hosts, and the rules about their hosts are not checked.
    Unchecked,
    /// The hosts of earlier inventory sources.
    External(&'e ExternalHosts),
}

/// Reads and checks a strategy from the text of a regal.yml.
pub fn parse(source: &str) -> Result<Strategy<'_>, Vec<Problem>> {
    parse_with(source, HostsFrom::Unavailable)
}

/// Reads and checks a strategy, taking `hosts_from` hosts from `hosts_from`.
pub fn parse_with<'s>(
    source: &'s str,
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Vec<Problem>> {
    if source.trim().is_empty() {
        return Err(vec![Problem {
            location: None,
            kind: ProblemKind::EmptyFile,
        }]);
    }
    // The fast reader takes the plain block YAML nearly every strategy is written
    // in; serde_yaml reads the rest, and gives the message for every error.
    let file: StrategyFile = match block_yaml::from_str(source) {
        Some(file) => file,
        None => serde_yaml::from_str(source).map_err(|e| vec![yaml_problem(&e)])?,
    };
    let mut checker = Checker {
        source,
        hosts_from,
        problems: Vec::new(),
        unlisted: 0,
    };
    let strategy = checker.check(file);
    if checker.problems.is_empty() {
        Ok(strategy)
    } else {
        Err(checker.into_problems())
    }
}

/// Reads and checks a strategy from bytes, reporting invalid UTF-8 by position.
pub fn parse_bytes(bytes: &[u8]) -> Result<Strategy<'_>, Vec<Problem>> {
    parse_bytes_with(bytes, HostsFrom::Unavailable)
}

/// [`parse_bytes`], taking `hosts_from` hosts from `hosts_from`.
pub fn parse_bytes_with<'s>(
    bytes: &'s [u8],
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Vec<Problem>> {
    match std::str::from_utf8(bytes) {
        Ok(source) => parse_with(source, hosts_from),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(vec![Problem {
                location: Some(Location { line, column }),
                kind: ProblemKind::NotUtf8,
            }])
        }
    }
}

/// A serde_yaml error as a problem: its message without the position it appends.
fn yaml_problem(error: &serde_yaml::Error) -> Problem {
    let text = error.to_string();
    let message = match error.location() {
        Some(l) => text.replace(&format!(" at line {} column {}", l.line(), l.column()), ""),
        None => text,
    };
    Problem {
        location: error.location().map(|l| Location {
            line: l.line(),
            column: l.column(),
        }),
        kind: ProblemKind::Yaml(
            message
                .replace("unknown field", "unknown key")
                .replace("missing field", "missing key"),
        ),
    }
}

/// Cross-node checks; collects every problem with the path of the node at fault.
struct Checker<'s, 'e> {
    source: &'s str,
    hosts_from: HostsFrom<'e>,
    /// The first `MAX_PROBLEMS` problems found.
    problems: Vec<(Vec<Seg>, ProblemKind)>,
    /// How many more were found: a file with a million duplicate hosts
    /// should not hold a million messages.
    unlisted: usize,
}

/// One version as read, its hosts resolved, before the checks across versions.
struct Draft<'s> {
    name: String,
    body: file::VersionBody<'s>,
    version_path: Vec<Seg>,
    hosts_path: Vec<Seg>,
    hosts_unknown: bool,
    hosts: Vec<Host<'s>>,
    /// The list item of each host (None for a comma string or `hosts_from`).
    items: Vec<u32>,
    plain_names: bool,
}

fn key(name: &str) -> Seg {
    Seg::Key(name.to_string())
}

impl<'s> Checker<'s, '_> {
    fn report(&mut self, path: Vec<Seg>, kind: ProblemKind) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push((path, kind));
        } else {
            self.unlisted += 1;
        }
    }

    /// Whether a problem reported now is listed (else only counted), so a
    /// costly detail need not be built.
    fn listing(&self) -> bool {
        self.problems.len() < MAX_PROBLEMS
    }

    /// Problems in file order, each located in the source.
    fn into_problems(self) -> Vec<Problem> {
        let mut problems: Vec<Problem> = self
            .problems
            .into_iter()
            .map(|(path, kind)| Problem {
                location: locate::locate(self.source, &path),
                kind,
            })
            .collect();
        problems.sort_by_key(|p| p.location);
        if self.unlisted > 0 {
            problems.push(Problem {
                location: None,
                kind: ProblemKind::More {
                    count: self.unlisted,
                },
            });
        }
        problems
    }

    /// The text of a name YAML may have read as a number, as written in the source.
    fn text(&self, text: Text, path: &[Seg]) -> String {
        match text {
            Text::Text(text) => text,
            Text::NonString(rendered) => locate::locate(self.source, path)
                .and_then(|at| locate::plain_scalar_at(self.source, at))
                .map_or(rendered, str::to_string),
        }
    }

    fn check(&mut self, file: StrategyFile<'s>) -> Strategy<'s> {
        let top_keys = file.rollout_keys();
        self.check_place(&top_keys, &[]);
        if file.versions.0.is_empty() {
            self.report(
                vec![Seg::KeyItself("versions".into())],
                ProblemKind::NoVersions,
            );
        }
        let mut drafts = Vec::with_capacity(file.versions.0.len());
        let mut top_exclude_used = vec![false; top_keys.exclude.as_ref().map_or(0, |p| p.0.len())];
        let mut any_hosts_unknown = false;
        for (name, spec) in file.versions.0 {
            let version_path = vec![key("versions"), key(&name)];
            if let Some(why) = version_name_problem(&name) {
                self.report(
                    vec![key("versions"), Seg::KeyItself(name.clone())],
                    ProblemKind::BadVersionName {
                        version: name.clone(),
                        why,
                    },
                );
            }
            let mut body = spec.body;
            let from_path = [version_path.clone(), vec![key("hosts_from")]].concat();
            let hosts_path = if body.hosts_from.is_some() && body.hosts.is_none() {
                from_path.clone()
            } else if spec.shorthand {
                version_path.clone()
            } else {
                [version_path.clone(), vec![key("hosts")]].concat()
            };
            let hosts_unknown =
                body.hosts_from.is_some() && matches!(self.hosts_from, HostsFrom::Unchecked);
            any_hosts_unknown |= hosts_unknown;
            // Each host, and the list item naming it (None: `hosts_path` itself).
            let (hosts, items, plain_names) = match (&body.hosts_from, body.hosts.take()) {
                (Some(pattern), None) => {
                    let hosts = self.external_hosts(&name, pattern, &from_path);
                    (hosts, Vec::new(), false)
                }
                (from, list) => {
                    if from.is_some() {
                        self.report(
                            from_path.clone(),
                            ProblemKind::HostsAndHostsFrom {
                                version: name.clone(),
                            },
                        );
                    }
                    let HostList {
                        mut hosts,
                        items,
                        non_string,
                        odd_names,
                    } = list.unwrap_or_default();
                    for index in non_string {
                        let rendered = std::mem::take(&mut hosts[index].name);
                        let path = item_path(&hosts_path, HostList::item(&items, index));
                        let text = self.text(Text::NonString(rendered.into_owned()), &path);
                        hosts[index].name = Cow::Owned(text);
                    }
                    (hosts, items, !odd_names)
                }
            };
            drafts.push(Draft {
                name,
                body,
                version_path,
                hosts_path,
                hosts_unknown,
                hosts,
                items,
                plain_names,
            });
        }
        self.check_duplicate_hosts(&drafts);
        let mut versions = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let Draft {
                name,
                body,
                version_path,
                hosts_path,
                hosts_unknown,
                hosts,
                items: _,
                plain_names,
            } = draft;
            let version_keys = body.rollout_keys();
            if hosts.is_empty() && body.hosts_from.is_none() {
                self.report(
                    vec![key("versions"), Seg::KeyItself(name.clone())],
                    ProblemKind::NoHosts {
                        version: name.clone(),
                    },
                );
            }
            self.check_place(&version_keys, &version_path);
            let (hosts, excluded) = self.exclude(
                &name,
                hosts,
                hosts_unknown,
                &version_path,
                version_keys.exclude.as_ref(),
                top_keys.exclude.as_ref(),
                &mut top_exclude_used,
            );
            let rollout = self.resolve(&version_keys, &top_keys, &version_path);
            if let Some(domains) = &rollout.domains {
                self.check_labels(&hosts, domains.label(), &hosts_path);
            }
            versions.push(Version {
                group: body.group.map_or_else(|| group_name_for(&name), |g| g.0),
                name,
                vars: body.vars.map(|v| v.0).unwrap_or_default(),
                hosts,
                excluded,
                hosts_from: body.hosts_from,
                plain_names,
                rollout,
            });
        }
        // An entry may match hosts that are not known here.
        if let Some(patterns) = top_keys.exclude.as_ref().filter(|_| !any_hosts_unknown) {
            for (pattern, used) in patterns.0.iter().zip(&top_exclude_used) {
                if !used {
                    self.report(
                        item_path(&[key("exclude")], pattern.item),
                        ProblemKind::UnmatchedExclude {
                            entry: pattern.written.clone(),
                            scope: "any version".to_string(),
                        },
                    );
                }
            }
        }
        let top_bake = top_keys.verify.bake.is_some_and(|b| b.0 > 0);
        if top_bake && versions.iter().all(|v| v.rollout.verify.checks.is_empty()) {
            self.report(
                vec![Seg::KeyItself("bake".into())],
                ProblemKind::Verify(VerifyProblem::BakeWithoutChecks { version: None }),
            );
        }
        self.check_groups(&versions);
        let priority = self.check_priority(file.priority, &versions);
        Strategy {
            vars: file.vars.map(|v| v.0).unwrap_or_default(),
            versions,
            priority,
        }
    }

    /// A host may be listed once in the whole strategy. At a million hosts a hash
    /// set of the names cost a quarter of the run (a cache miss per name) and a
    /// third of the peak memory, so the names are first screened by a 64-bit hash:
    /// sorted in two halves, the hashes show in one walk whether any occurs twice
    /// (almost never, in a file without duplicates). Only names whose hash occurs
    /// twice are then compared as text, so a hash collision costs time, never a
    /// wrong answer.
    fn check_duplicate_hosts(&mut self, drafts: &[Draft]) {
        let hosts = || drafts.iter().flat_map(|d| &d.hosts);
        let total = drafts.iter().map(|d| d.hosts.len()).sum();
        let mut hashes = vec![0u64; total];
        let (first, second) = hashes.split_at_mut(total / 2);
        let skip = first.len();
        let hash_and_sort = |part: &mut [u64], skip: usize| {
            for (hash, host) in part.iter_mut().zip(hosts().skip(skip)) {
                *hash = name_hash(&host.name);
            }
            part.sort_unstable();
        };
        if total < HALVES_FROM_HOSTS {
            hash_and_sort(first, 0);
            hash_and_sort(second, skip);
        } else {
            crate::parallel::join(|| hash_and_sort(first, 0), || hash_and_sort(second, skip));
        }
        let suspect = repeated(first, second);
        drop(hashes);
        if suspect.is_empty() {
            return;
        }
        // The exact check, in file order, over the suspects only: the version that
        // listed each name first, and every later listing.
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut again = Vec::new();
        for (index, draft) in drafts.iter().enumerate() {
            for (position, host) in draft.hosts.iter().enumerate() {
                if suspect.binary_search(&name_hash(&host.name)).is_err() {
                    continue;
                }
                match first.entry(&host.name) {
                    Entry::Occupied(_) => again.push((index, position)),
                    Entry::Vacant(slot) => {
                        slot.insert(index);
                    }
                }
            }
        }
        for (index, position) in again {
            let draft = &drafts[index];
            let host = &draft.hosts[position].name;
            self.report(
                item_path(&draft.hosts_path, HostList::item(&draft.items, position)),
                ProblemKind::DuplicateHost {
                    host: host.to_string(),
                    first_version: drafts[first[host.as_ref()]].name.clone(),
                    second_version: draft.name.clone(),
                },
            );
        }
    }

    /// Keys that cannot go together at one level.
    fn check_place(&mut self, keys: &RolloutKeys, place: &[Seg]) {
        let at = |k: &str| [place, &[Seg::KeyItself(k.to_string())]].concat();
        if keys.batches.is_some() && (keys.schedule.is_some() || keys.combine.is_some()) {
            self.report(at("batches"), ProblemKind::BatchesWithScheduleOrCombine);
        }
        if keys.batches.as_ref().is_some_and(Vec::is_empty) {
            self.report(at("batches"), ProblemKind::EmptyBatches);
        }
        if keys.spread.is_some() && keys.domain_at_a_time.is_some() {
            self.report(at("domain_at_a_time"), ProblemKind::SpreadAndDomain);
        }
        for (index, check) in keys.verify.verify.iter().flat_map(|c| &c.0).enumerate() {
            for (check_key, problem) in verify::check_problems(check) {
                let mut path = [place, &[key("verify"), Seg::Index(index)]].concat();
                path.extend(check_key.map(|k| Seg::KeyItself(k.to_string())));
                self.report(path, ProblemKind::Verify(problem));
            }
        }
    }

    /// A version's rollout: its own keys over the top-level ones over the defaults.
    fn resolve(&mut self, own: &RolloutKeys, top: &RolloutKeys, place: &[Seg]) -> Rollout {
        let sizes = if let Some(batches) = own.batches.clone() {
            batches
        } else if own.schedule.is_some() || own.combine.is_some() || top.batches.is_none() {
            let one = Size::Count(1);
            vec![
                own.schedule.or(top.schedule).unwrap_or(one),
                own.combine.or(top.combine).unwrap_or(one),
            ]
        } else {
            top.batches.clone().unwrap_or_default()
        };
        let order = own.order.or(top.order).unwrap_or_default();
        let salt = own.salt.clone().or_else(|| top.salt.clone());
        if salt.is_some() && order != Order::Hash {
            let salt_place = if own.salt.is_some() { place } else { &[] };
            self.report(
                [salt_place, &[key("salt")]].concat(),
                ProblemKind::SaltWithoutHash,
            );
        }
        let spread = own.spread.clone().or_else(|| top.spread.clone());
        let one_at_a_time = own
            .domain_at_a_time
            .clone()
            .or_else(|| top.domain_at_a_time.clone());
        let domains = match (own.spread.clone(), own.domain_at_a_time.clone()) {
            (Some(label), None) => Some(Domains::Spread(label)),
            (None, Some(label)) => Some(Domains::OneAtATime(label)),
            (Some(_), Some(_)) => None, // reported by check_place
            (None, None) => match (spread, one_at_a_time) {
                (Some(label), None) => Some(Domains::Spread(label)),
                (None, Some(label)) => Some(Domains::OneAtATime(label)),
                _ => None,
            },
        };
        let vars = |own: &Option<file::VarMap>, top: &Option<file::VarMap>| {
            own.as_ref()
                .or(top.as_ref())
                .map(|v| v.0.clone())
                .unwrap_or_default()
        };
        let seconds =
            |own: Option<file::Seconds>, top: Option<file::Seconds>| own.or(top).map_or(0, |s| s.0);
        let verify = Verify::resolve(&own.verify, &top.verify);
        // A top-level bake is a default, for the versions that have checks
        // (reported in `check` when none has).
        if verify.bake > 0 && verify.checks.is_empty() && own.verify.bake.is_some() {
            let version = match place.last() {
                Some(Seg::Key(name)) => Some(name.clone()),
                _ => None,
            };
            self.report(
                [place, &[Seg::KeyItself("bake".into())]].concat(),
                ProblemKind::Verify(VerifyProblem::BakeWithoutChecks { version }),
            );
        }
        Rollout {
            sizes,
            order,
            salt: salt.unwrap_or_default(),
            domains,
            pause_after_canary: seconds(own.pause_after_canary, top.pause_after_canary),
            pause_between_batches: seconds(own.pause_between_batches, top.pause_between_batches),
            confirm_after_canary: own
                .confirm_after_canary
                .or(top.confirm_after_canary)
                .unwrap_or(false),
            canary_vars: vars(&own.canary_vars, &top.canary_vars),
            batch_vars: vars(&own.batch_vars, &top.batch_vars),
            verify,
        }
    }

    /// Splits a version's hosts into those rolled out and those excluded. Top-level
    /// exclusions apply to every version, in addition to the version's own.
    /// With `hosts_unknown` (hosts from sources not known here) nothing is
    /// reported about them.
    #[allow(clippy::too_many_arguments)]
    fn exclude(
        &mut self,
        version: &str,
        hosts: Vec<Host<'s>>,
        hosts_unknown: bool,
        version_path: &[Seg],
        own: Option<&file::HostPatterns>,
        top: Option<&file::HostPatterns>,
        top_used: &mut [bool],
    ) -> (Vec<Host<'s>>, Vec<Host<'s>>) {
        if own.is_none() && top.is_none() {
            return (hosts, Vec::new());
        }
        // Each host is looked for among the names the entries stand for: entries
        // are few and hosts many, so a host's name is screened by a fast hash
        // (see `name_hash`) and compared as text only on a hit. A set of all the
        // hosts' names, and two new lists for the split, cost more than the rest
        // of a 1M-host run together.
        let entries = top.into_iter().chain(own).flat_map(|patterns| &patterns.0);
        let wanted: HashSet<&str> = entries
            .flat_map(|pattern| &pattern.names)
            .map(String::as_str)
            .collect();
        let mut screen: Vec<u64> = wanted.iter().map(|name| name_hash(name)).collect();
        screen.sort_unstable();
        let mut kept = hosts;
        let excluded: Vec<Host<'s>> = kept
            .extract_if(.., |host| {
                screen.binary_search(&name_hash(&host.name)).is_ok()
                    && wanted.contains(host.name.as_ref())
            })
            .collect();
        // The names the entries stand for that this version lists.
        let listed: HashSet<&str> = excluded.iter().map(|h| h.name.as_ref()).collect();
        let matches = |pattern: &file::HostPattern| {
            pattern
                .names
                .iter()
                .any(|name| listed.contains(name.as_str()))
        };
        if let Some(top) = top {
            for (pattern, used) in top.0.iter().zip(top_used.iter_mut()) {
                *used |= matches(pattern);
            }
        }
        if let Some(own) = own {
            for pattern in &own.0 {
                if !matches(pattern) && !hosts_unknown {
                    self.report(
                        item_path(&[version_path, &[key("exclude")]].concat(), pattern.item),
                        ProblemKind::UnmatchedExclude {
                            entry: pattern.written.clone(),
                            scope: format!("version `{version}`"),
                        },
                    );
                }
            }
        }
        if kept.is_empty() && !excluded.is_empty() {
            self.report(
                vec![key("versions"), Seg::KeyItself(version.to_string())],
                ProblemKind::AllExcluded {
                    version: version.to_string(),
                },
            );
        }
        (kept, excluded)
    }

    /// The hosts a `hosts_from` pattern selects, in the order the earlier sources
    /// gave them, with the plain vars those sources gave (for domain labels).
    fn external_hosts(&mut self, version: &str, pattern: &str, path: &[Seg]) -> Vec<Host<'s>> {
        let (version, pattern) = (version.to_string(), pattern.to_string());
        let kind = match self.hosts_from {
            HostsFrom::Unchecked => return Vec::new(),
            HostsFrom::Unavailable => ProblemKind::ExternalHostsUnavailable { version },
            HostsFrom::External(external) => match external.select(&pattern) {
                Ok(names) if !names.is_empty() => {
                    return names
                        .into_iter()
                        .map(|name| Host {
                            name: Cow::Owned(name.to_string()),
                            vars: external
                                .vars(name)
                                .filter(|vars| !vars.is_empty())
                                .map(|vars| Box::new(vars.clone())),
                        })
                        .collect();
                }
                Ok(_) => ProblemKind::NoExternalMatch { version, pattern },
                Err(PatternProblem::EmptyTerm) => {
                    ProblemKind::EmptyHostsFromTerm { version, pattern }
                }
                Err(PatternProblem::UnknownTerm(term)) => ProblemKind::UnknownHostsFromTerm {
                    version,
                    pattern,
                    term,
                },
            },
        };
        self.report(path.to_vec(), kind);
        Vec::new()
    }

    /// Every host of a version with failure domains must carry a plain label.
    fn check_labels(&mut self, hosts: &[Host], label: &str, hosts_path: &[Seg]) {
        for host in hosts {
            let kind = match host.var(label) {
                None | Some(serde_json::Value::Null) => ProblemKind::MissingDomainLabel {
                    host: host.name.to_string(),
                    label: label.to_string(),
                },
                Some(serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
                    ProblemKind::BadDomainLabel {
                        host: host.name.to_string(),
                        label: label.to_string(),
                    }
                }
                Some(_) => continue,
            };
            // Without an item index the message names the host; point at the list.
            self.report(hosts_path.to_vec(), kind);
        }
    }

    /// Group names must be distinct across everything the inventory will emit.
    fn check_groups(&mut self, versions: &[Version]) {
        let mut owner: HashMap<&str, usize> = HashMap::new();
        for (index, version) in versions.iter().enumerate() {
            let group = version.group.as_str();
            let path = vec![key("versions"), Seg::KeyItself(version.name.clone())];
            if ["all", "ungrouped", "_meta"].contains(&group) {
                self.report(
                    path,
                    ProblemKind::ReservedGroup {
                        group: group.to_string(),
                    },
                );
                continue;
            }
            if let Some(&first) = owner.get(group) {
                self.report(
                    path,
                    ProblemKind::GroupClash {
                        group: group.to_string(),
                        first_version: versions[first].name.clone(),
                        second_version: version.name.clone(),
                    },
                );
                continue;
            }
            owner.insert(group, index);
        }
        // A version group may not look like another version's batch or excluded group.
        for version in versions {
            let group = version.group.as_str();
            let stem = derived_group_stem(group);
            if let Some(&other) = stem.and_then(|stem| owner.get(stem)) {
                self.report(
                    vec![key("versions"), Seg::KeyItself(version.name.clone())],
                    ProblemKind::GroupClash {
                        group: group.to_string(),
                        first_version: versions[other].name.clone(),
                        second_version: version.name.clone(),
                    },
                );
            }
        }
    }

    fn check_priority(
        &mut self,
        priority: Option<file::Priority>,
        versions: &[Version],
    ) -> Vec<usize> {
        let Some(priority) = priority else {
            return Vec::new();
        };
        let index_of: HashMap<&str, usize> = versions
            .iter()
            .enumerate()
            .map(|(i, v)| (v.name.as_str(), i))
            .collect();
        let mut order = Vec::new();
        let mut listed = vec![false; versions.len()];
        for (i, name) in priority.names.into_iter().enumerate() {
            let path = if priority.single {
                vec![key("priority")]
            } else {
                vec![key("priority"), Seg::Index(i)]
            };
            let name = self.text(name, &path);
            match index_of.get(name.as_str()) {
                None => {
                    let known = if self.listing() {
                        versions.iter().map(|v| v.name.clone()).collect()
                    } else {
                        Vec::new()
                    };
                    self.report(path, ProblemKind::UnknownPriority { name, known })
                }
                Some(&index) if listed[index] => {
                    self.report(path, ProblemKind::DuplicatePriority { name })
                }
                Some(&index) => {
                    listed[index] = true;
                    order.push(index);
                }
            }
        }
        order
    }
}

/// A fast 64-bit hash of a host name, to screen for duplicates (not for order,
/// nor anything kept). Eight bytes per step, each step a bijection of the state,
/// so names of one length that differ only within one step never collide; a
/// final mix spreads the bits. Not keyed: crafted collisions only make the text
/// compare that follows see more names.
fn name_hash(name: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |hash: u64, word: u64| (hash ^ word).wrapping_mul(K).rotate_left(29);
    let word = |at: &[u8]| u64::from_le_bytes(at[..8].try_into().expect("8 bytes"));
    let bytes = name.as_bytes();
    let mut hash = bytes.len() as u64;
    if let Some(last) = bytes.len().checked_sub(8) {
        // Whole words, then the last eight bytes, overlapping the word before
        // rather than copying a remainder (which cost a call to memcpy).
        for at in (0..last).step_by(8) {
            hash = mix(hash, word(&bytes[at..]));
        }
        hash = mix(hash, word(&bytes[last..]));
    } else {
        hash = mix(hash, bytes.iter().fold(0, |w, &b| w << 8 | u64::from(b)));
    }
    // MurmurHash3's finalizer.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// The values found more than once in the sorted runs `a` and `b` together,
/// sorted, each once: each run is checked within itself, and both are walked
/// together for values they share (as a merge would, without building one).
fn repeated(a: &[u64], b: &[u64]) -> Vec<u64> {
    let within = |run: &'_ [u64]| -> Vec<u64> {
        (run.windows(2).filter(|pair| pair[0] == pair[1]))
            .map(|pair| pair[0])
            .collect()
    };
    let mut found = [within(a), within(b)].concat();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x == y {
            found.push(x);
        }
        // Without branches: the order of random hashes cannot be predicted.
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    found.sort_unstable();
    found.dedup();
    found
}

fn item_path(list_path: &[Seg], item: Option<usize>) -> Vec<Seg> {
    let mut path = list_path.to_vec();
    if let Some(item) = item {
        path.push(Seg::Index(item));
    }
    path
}

/// What makes a version name unusable, if anything.
fn version_name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("is empty; give the version a name")
    } else if file::has_jinja(name) {
        Some(
            "contains a Jinja marker (`{{`, `{%` or `{#`), which Ansible would run as a template on the controller; remove it",
        )
    } else if name.chars().any(char::is_control) {
        Some("contains a control character; remove it")
    } else {
        None
    }
}

/// The Ansible group name for a version name: every character outside
/// `[A-Za-z0-9_]` becomes `_`, and a leading digit gets a `_` in front.
pub fn group_name_for(version: &str) -> String {
    let mut group: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if group.starts_with(|c: char| c.is_ascii_digit()) {
        group.insert(0, '_');
    }
    group
}

/// For `x_batch3` or `x_excluded`, the `x` they would belong to.
fn derived_group_stem(group: &str) -> Option<&str> {
    if let Some(stem) = group.strip_suffix("_excluded") {
        return Some(stem);
    }
    let (stem, number) = group.rsplit_once("_batch")?;
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<String> {
        parse(source)
            .unwrap_err()
            .iter()
            .map(|p| p.at(std::path::Path::new("r.yml")).to_string())
            .collect()
    }

    #[test]
    fn each_duplicate_names_the_version_that_listed_it_first() {
        let found = problems("versions:\n  a: [x, w]\n  b: [y]\n  c: [y, x, z, z]\n  d: w\n");
        assert_eq!(
            found,
            [
                "r.yml:4:7: host `y` is listed in version `b` and again in version `c`; a host can run only one version, keep one",
                "r.yml:4:10: host `x` is listed in version `a` and again in version `c`; a host can run only one version, keep one",
                "r.yml:4:16: host `z` is listed twice in version `c`; keep one",
                "r.yml:5:6: host `w` is listed in version `a` and again in version `d`; a host can run only one version, keep one",
            ]
        );
    }

    /// Past 1 MiB a host string is read in two halves at once, and past 65,536
    /// hosts the duplicate check hashes two halves at once: the same hosts in
    /// the same order, and the same problems as reading in one piece.
    #[test]
    fn long_host_strings_read_in_halves_read_as_in_one_piece() {
        let names: Vec<String> = (0..80_000)
            .map(|i| format!("web-{i:06}.example.com"))
            .collect();
        let joined = names.join(", ");
        assert!(joined.len() > 1 << 20);
        let source = format!("versions:\n  a: \"{joined}\"\n");
        let strategy = parse(&source).unwrap();
        let read: Vec<&str> = strategy.versions[0]
            .hosts
            .iter()
            .map(|h| h.name.as_ref())
            .collect();
        assert_eq!(read, names);

        let line = |hosts: &str| format!("versions:\n  a: \"{hosts}\"\n");
        // The string's middle inside a character of two bytes, then of three:
        // the name around the middle starts with one, moved on until it is.
        for wide in ["é", "☃"] {
            let mut names = names.clone();
            let at = names.join(",").len() / 2 / (names[0].len() + 1);
            names[at].insert_str(0, wide);
            while (names.join(",")).is_char_boundary(names.join(",").len() / 2) {
                names[at].insert(0, 'x');
            }
            let source = line(&names.join(","));
            let strategy = parse(&source).unwrap();
            let read: Vec<&str> = (strategy.versions[0].hosts.iter())
                .map(|h| h.name.as_ref())
                .collect();
            assert_eq!(read, names);
        }
        // A problem in either half, or only seen across them, as in one piece.
        let mut late = names.clone();
        late[70_000] = "bad name".to_string();
        let found = problems(&line(&late.join(",")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("r.yml:2:6: versions.a: host `bad name` contains whitespace"));
        let mut empty = names.clone();
        empty[79_999] = String::new();
        let found = problems(&line(&empty.join(",")));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("r.yml:2:6: versions.a: "), "{found:?}");
        assert!(found[0].contains("empty"), "{found:?}");
        let mut twice = names.clone();
        twice[75_000] = names[3].clone();
        let found = problems(&line(&twice.join(",")));
        assert_eq!(
            found,
            ["r.yml:2:6: host `web-000003.example.com` is listed twice in version `a`; keep one"]
        );
    }

    /// `plain_names` lets the inventory skip the escape check of every name: it
    /// must be false whenever a name holds anything but letters, digits and `.-_:]`.
    #[test]
    fn plain_names_only_when_every_name_is_plain() {
        let strategy = parse(concat!(
            "versions:\n",
            "  a: web1, web-2.example.com, db:3, x[1:2]\n",
            "  b: [web_5, {web6: {k: v}}]\n",
            "  c: ['we\"b7', web8]\n",
            "  d: 'web9, w\\eb10'\n",
            "  e: [web11, 'wéb12']\n",
            "  f: [13, web14]\n",
            "  g:\n    hosts: [web15, 'w!b16']\n    exclude: 'w!b16'\n",
        ))
        .unwrap();
        let plain: Vec<(&str, bool)> = (strategy.versions.iter())
            .map(|v| (v.name.as_str(), v.plain_names))
            .collect();
        assert_eq!(
            plain,
            [
                ("a", true),
                ("b", true),
                ("c", false),
                ("d", false),
                ("e", false),
                ("f", false),
                ("g", false),
            ]
        );
        let groups = r#"{"groups": {"all": ["h1", "h2"], "web": ["h1", "h2"]}}"#;
        let external = ExternalHosts::from_json(groups).unwrap();
        let source = "versions:\n  a:\n    hosts_from: web\n";
        let strategy = parse_with(source, HostsFrom::External(&external)).unwrap();
        assert!(!strategy.versions[0].plain_names);
    }

    /// Names that lie in the text as written (plain or quoted without escapes,
    /// in a string read whole or in halves, or in a list) are borrowed from it:
    /// a million hosts then cost no copy of their names.
    #[test]
    fn host_names_borrow_from_the_text_they_were_read_from() {
        let long: Vec<String> = (0..60_000)
            .map(|i| format!("h{i:07}.example.com"))
            .collect();
        let sources = [
            "versions:\n  a: web1, web2\n  b: [x1, 'x2', \"x3\"]\n  c:\n    - y1\n    - 'y2'\n"
                .to_string(),
            format!("versions:\n  a: \"{}\"\n", long.join(",")),
            format!("versions:\n  a:\n    - {}\n", long.join("\n    - ")),
        ];
        for source in &sources {
            let strategy = parse(source).unwrap();
            let hosts: Vec<&Host> = strategy.versions.iter().flat_map(|v| &v.hosts).collect();
            assert!(!hosts.is_empty());
            assert!(
                (hosts.iter()).all(|h| matches!(h.name, Cow::Borrowed(_))),
                "{}",
                &source[..60]
            );
        }
    }

    #[test]
    fn repeated_values_within_and_across_two_sorted_runs() {
        assert_eq!(repeated(&[], &[]), Vec::<u64>::new());
        assert_eq!(repeated(&[1, 2, 3], &[4, 5]), Vec::<u64>::new());
        assert_eq!(repeated(&[1, 1, 2, 9], &[0, 2, 2, 7, 9, 9]), [1, 2, 9]);
        assert_eq!(repeated(&[5], &[5]), [5]);
        assert_eq!(repeated(&[3, 3, 3], &[]), [3]);
        assert_eq!(repeated(&[], &[0, 8, 8]), [8]);
        assert_eq!(repeated(&[u64::MAX], &[0, u64::MAX]), [u64::MAX]);
    }

    #[test]
    fn an_unmatched_exclude_range_is_quoted_as_written_and_reported_once() {
        let found = problems("exclude: 'db[1:2], web1'\nversions:\n  a: web[1:3]\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("r.yml:1:10: exclude entry `db[1:2]` matches no host"),
            "{found:?}"
        );
        let found =
            problems("versions:\n  a:\n    hosts: web1,web2\n    exclude: [web1, 'x[1:2]']\n");
        assert!(
            found[0]
                .starts_with("r.yml:4:21: exclude entry `x[1:2]` matches no host of version `a`"),
            "{found:?}"
        );
        // A range matching some of its hosts excludes those.
        let strategy = parse("exclude: web[2:9]\nversions:\n  a: web[1:3]\n").unwrap();
        let excluded: Vec<&str> = strategy.versions[0]
            .excluded
            .iter()
            .map(|h| h.name.as_ref())
            .collect();
        assert_eq!(excluded, ["web2", "web3"]);
    }

    #[test]
    fn excluded_hosts_keep_file_order_whichever_entry_names_them() {
        let source = "exclude: [b3, a9, zz]\nversions:\n  a: a1, a9, a2, dup, a3\n  b:\n    hosts: b1, b2, b3, b4\n    exclude: [b4, b1, a9, 'b[3:4]']\n";
        let strategy = parse(source).unwrap_err();
        let found: Vec<String> = strategy
            .iter()
            .map(|p| p.at(std::path::Path::new("r.yml")).to_string())
            .collect();
        // `a9` is not a host of `b`; `zz` matches no version.
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("r.yml:1:19: exclude entry `zz` matches no host of any version"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("r.yml:6:23: exclude entry `a9` matches no host of version `b`"),
            "{found:?}"
        );
        let source = "exclude: [b3, a9]\nversions:\n  a: a1, a9, a2, a3\n  b:\n    hosts: b1, b2, b3, b4\n    exclude: [b4, b1, 'b[3:4]']\n";
        let strategy = parse(source).unwrap();
        let names = |hosts: &[Host]| hosts.iter().map(|h| h.name.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&strategy.versions[0].hosts), ["a1", "a2", "a3"]);
        assert_eq!(names(&strategy.versions[0].excluded), ["a9"]);
        assert_eq!(names(&strategy.versions[1].hosts), ["b2"]);
        assert_eq!(names(&strategy.versions[1].excluded), ["b1", "b3", "b4"]);
    }

    #[test]
    fn past_twenty_problems_the_rest_are_counted() {
        let versions: String = (0..3000).map(|i| format!("  v{i}: h{i}\n")).collect();
        let unknown: Vec<String> = (0..3000).map(|i| format!("x{i}")).collect();
        let source = format!("priority: [{}]\nversions:\n{versions}", unknown.join(", "));
        let problems = parse(&source).unwrap_err();
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            problems[MAX_PROBLEMS].kind,
            ProblemKind::More { count: 2980 }
        );
    }

    #[test]
    fn numbers_past_64_bits_get_a_plain_message() {
        let found = problems("schedule: 18446744073709551616\nversions: {a: x}\n");
        assert!(found[0].contains("is more than any fleet"), "{found:?}");
        let found = problems("combine: '99999999999999999999999'\nversions: {a: x}\n");
        assert!(found[0].contains("is more than any fleet"), "{found:?}");
        let found = problems("pause_after_canary: -18446744073709551617\nversions: {a: x}\n");
        assert!(found[0].contains("a pause cannot be negative"), "{found:?}");
    }

    #[test]
    fn a_host_name_read_as_a_number_keeps_its_text() {
        let strategy = parse("versions:\n  a: [1.10, 010]\n").unwrap();
        let names: Vec<&str> = strategy.versions[0]
            .hosts
            .iter()
            .map(|h| h.name.as_ref())
            .collect();
        assert_eq!(names, ["1.10", "010"]);
        let found = problems("versions:\n  a: [1.10, web, 1.1]\n  b: 1.10\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("r.yml:3:6: host `1.10` is listed in version `a`"));
    }
}
