//! The Ansible inventory of a plan: one typed model, serialized by serde to the
//! JSON that `--list` prints. `--list` writes those bytes with
//! [`Inventory::write_json`], which writes host names itself (faster than serde
//! at a million hosts); tests check that both give the same bytes.
//!
//! The model holds nothing of its own: a [`Group`] says which group it is (a
//! version's batch 3, say), and its hosts, children and vars are read from the
//! plan while it is written. Groups are made one at a time, so the memory of
//! writing does not grow with the number of batches (ten million, from a
//! 30-byte range).
//!
//! Keys come out in rollout order (`all`, then each version group followed by its
//! batch groups and its excluded group, then `_meta`), because Ansible's wildcard
//! patterns and its `groups` variable follow the order of the JSON keys.

use crate::parallel;
use crate::plan::{Plan, VersionPlan};
use crate::strategy::file::Vars;
use crate::strategy::{Host, VarsId, VarsScratch};
use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

/// A whole `--list` inventory: its groups ([`Inventory::groups`]), then `_meta`.
#[derive(Debug)]
pub struct Inventory<'p> {
    plan: &'p Plan<'p>,
    pub meta: Meta<'p>,
}

/// One Ansible group of the inventory, by what it stands for.
#[derive(Debug, Clone, Copy)]
pub enum Group<'p> {
    /// `all`: the version groups, the strategy's vars.
    All(&'p Plan<'p>),
    /// A version group: its batch groups, the version's vars.
    Version(&'p VersionPlan<'p>),
    /// Batch `index` of a version: its hosts, the canary or batch vars.
    Batch(&'p VersionPlan<'p>, usize),
    /// A version's excluded hosts (only for a version that has some).
    Excluded(&'p VersionPlan<'p>),
}

/// The hosts of a group, read from the plan as they are written rather than
/// collected first: at a million hosts, lists of names cost 16 bytes a host and
/// a twentieth of the time of `--list`.
#[derive(Debug, Clone, Copy, Default)]
pub enum Hosts<'p> {
    #[default]
    None,
    /// Batch `index` of a version (never empty).
    Batch(&'p VersionPlan<'p>, usize),
    /// A version's excluded hosts.
    Excluded(&'p [Host<'p>]),
}

impl Hosts<'_> {
    pub fn is_empty(&self) -> bool {
        match self {
            Hosts::None => true,
            Hosts::Batch(..) => false,
            Hosts::Excluded(hosts) => hosts.is_empty(),
        }
    }
}

impl Serialize for Hosts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn name<'h>(host: &'h Host) -> &'h str {
            &host.name
        }
        match *self {
            Hosts::None => serializer.collect_seq(std::iter::empty::<&str>()),
            Hosts::Batch(plan, index) => serializer.collect_seq(plan.batch(index).map(name)),
            Hosts::Excluded(hosts) => serializer.collect_seq(hosts.iter().map(name)),
        }
    }
}

/// The child groups of a group, named as they are written: a version of ten
/// million batches has ten million of them.
#[derive(Debug, Clone, Copy)]
pub enum Children<'p> {
    None,
    /// The version groups, in rollout order (of `all`).
    Versions(&'p Plan<'p>),
    /// A version's batch groups, in order.
    Batches(&'p VersionPlan<'p>),
}

impl Children<'_> {
    pub fn is_empty(&self) -> bool {
        match self {
            Children::None => true,
            Children::Versions(plan) => plan.versions.is_empty(),
            Children::Batches(plan) => plan.batch_count() == 0,
        }
    }
}

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Children::None => serializer.collect_seq(std::iter::empty::<&str>()),
            Children::Versions(plan) => {
                serializer.collect_seq(plan.versions.iter().map(|v| &v.version.group))
            }
            Children::Batches(plan) => {
                let group = &plan.version.group;
                serializer.collect_seq((0..plan.batch_count()).map(|i| batch_group(group, i)))
            }
        }
    }
}

/// A group's vars: the operator's as written (`own`), then regal-inventory's
/// (`regal`). Names starting with `regal_` are refused in the operator's vars,
/// so the two never share a name, and the JSON map is the two one after the
/// other.
#[derive(Debug)]
pub struct GroupVars<'p> {
    pub own: Option<&'p Vars>,
    pub regal: Vec<(Cow<'static, str>, Value)>,
}

impl GroupVars<'_> {
    pub fn is_empty(&self) -> bool {
        self.own.is_none_or(Vars::is_empty) && self.regal.is_empty()
    }
}

impl Serialize for GroupVars<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let own = self.own.into_iter().flatten();
        let regal = self
            .regal
            .iter()
            .map(|(name, value)| (name.as_ref(), value));
        serializer.collect_map(own.map(|(name, value)| (name.as_str(), value)).chain(regal))
    }
}

impl<'p> Group<'p> {
    /// The group's name.
    pub fn name(&self) -> Cow<'p, str> {
        match *self {
            Group::All(_) => Cow::Borrowed("all"),
            Group::Version(plan) => Cow::Borrowed(&plan.version.group),
            Group::Batch(plan, index) => Cow::Owned(batch_group(&plan.version.group, index)),
            Group::Excluded(plan) => Cow::Owned(excluded_group(&plan.version.group)),
        }
    }

    pub fn hosts(&self) -> Hosts<'p> {
        match *self {
            Group::All(_) | Group::Version(_) => Hosts::None,
            Group::Batch(plan, index) => Hosts::Batch(plan, index),
            Group::Excluded(plan) => Hosts::Excluded(&plan.version.excluded),
        }
    }

    pub fn children(&self) -> Children<'p> {
        match *self {
            Group::All(plan) => Children::Versions(plan),
            Group::Version(plan) => Children::Batches(plan),
            Group::Batch(..) | Group::Excluded(_) => Children::None,
        }
    }

    /// The group's vars. No per-batch lists on a version group or `all`: every
    /// host inherits its groups' vars, so a list with an entry per batch would
    /// be copied into every host's vars (`ansible-inventory --list` grew with
    /// hosts x batches). The rollout playbook reads the order from
    /// `regal_versions` and each batch's `regal_batch`.
    pub fn vars(&self) -> GroupVars<'p> {
        let (own, regal) = match *self {
            Group::All(plan) => {
                let groups: Vec<&str> = (plan.versions.iter())
                    .map(|v| v.version.group.as_str())
                    .collect();
                let excluded: usize = (plan.versions.iter())
                    .map(|v| v.version.excluded.len())
                    .sum();
                let regal = vec![
                    ("regal_versions".into(), json!(groups)),
                    ("regal_excluded_count".into(), json!(excluded)),
                ];
                (Some(&plan.strategy.vars), regal)
            }
            Group::Version(plan) => {
                let version = plan.version;
                let mut regal = vec![("regal_version".into(), json!(version.name))];
                let mut verify = Vars::new();
                version.rollout.verify.group_vars(&mut verify);
                regal.extend(verify.into_iter().map(|(name, value)| (name.into(), value)));
                (Some(&version.vars), regal)
            }
            Group::Batch(plan, index) => {
                let rollout = &plan.version.rollout;
                let canary = index == 0;
                let own = if canary {
                    &rollout.canary_vars
                } else {
                    &rollout.batch_vars
                };
                let group = batch_group(&plan.version.group, index);
                let mut regal = vec![
                    ("regal_batch".into(), json!(index)),
                    ("regal_batch_group".into(), Value::String(group)),
                    ("regal_batch_count".into(), json!(plan.batch_count())),
                    ("regal_canary".into(), Value::Bool(canary)),
                    ("regal_progress".into(), json!(plan.progress(index))),
                ];
                let pause = rollout.pause_after(index);
                if pause > 0 {
                    regal.push(("regal_pause_after".into(), json!(pause)));
                }
                if rollout.confirm_after(index) {
                    regal.push(("regal_confirm_after".into(), Value::Bool(true)));
                }
                (Some(own), regal)
            }
            Group::Excluded(_) => (None, vec![("regal_excluded".into(), Value::Bool(true))]),
        };
        GroupVars { own, regal }
    }
}

/// A group as its JSON object: `hosts`, `children`, `vars`, each only when
/// not empty.
impl Serialize for Group<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (hosts, children, vars) = (self.hosts(), self.children(), self.vars());
        let mut map = serializer.serialize_map(None)?;
        if !hosts.is_empty() {
            map.serialize_entry("hosts", &hosts)?;
        }
        if !children.is_empty() {
            map.serialize_entry("children", &children)?;
        }
        if !vars.is_empty() {
            map.serialize_entry("vars", &vars)?;
        }
        map.end()
    }
}

/// The groups in rollout order, then `_meta`.
impl Serialize for Inventory<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for group in self.groups() {
            map.serialize_entry(&group.name(), &group)?;
        }
        map.serialize_entry("_meta", &self.meta)?;
        map.end()
    }
}

/// `_meta`: every host's own vars, so Ansible never calls `--host`.
#[derive(Debug, Serialize)]
pub struct Meta<'p> {
    pub hostvars: HostVars<'p>,
}

/// Host name -> host vars (`{}` for a host without vars), in rollout order;
/// read from the plan as they are written, like [`Hosts`].
#[derive(Debug)]
pub struct HostVars<'p>(pub &'p Plan<'p>);

impl Serialize for HostVars<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let empty = Vars::new();
        let count = (self.0.versions.iter())
            .map(|v| v.version.hosts.len() + v.version.excluded.len())
            .sum();
        let mut map = serializer.serialize_map(Some(count))?;
        for (host, vars) in own_vars(self.0) {
            match vars {
                // The text as it was rendered (with serde_json's serializer).
                Some(text) => {
                    let raw: &RawValue = serde_json::from_str(&text).map_err(S::Error::custom)?;
                    map.serialize_entry(&host.name, raw)?
                }
                None => map.serialize_entry(&host.name, &empty)?,
            }
        }
        map.end()
    }
}

/// Every host of the plan with the vars regal-inventory gives it (JSON text),
/// in rollout order.
fn own_vars<'p>(plan: &Plan<'p>) -> impl Iterator<Item = (&'p Host<'p>, Option<Cow<'p, str>>)> {
    plan.versions.iter().flat_map(|v| {
        let version = v.version;
        v.hosts()
            .chain(&version.excluded)
            .map(move |host| (host, version.own_vars(host)))
    })
}

/// The batch group name for batch `index` of a version group.
pub fn batch_group(version_group: &str, index: usize) -> String {
    format!("{version_group}_batch{index}")
}

/// The group of a version's excluded hosts.
pub fn excluded_group(version_group: &str) -> String {
    format!("{version_group}_excluded")
}

impl<'p> Inventory<'p> {
    /// The inventory of a plan.
    pub fn new(plan: &'p Plan<'p>) -> Inventory<'p> {
        Inventory {
            plan,
            meta: Meta {
                hostvars: HostVars(plan),
            },
        }
    }

    /// Every group, in rollout order: `all`, then each version group followed
    /// by its batch groups and its excluded group. Made one at a time, as
    /// they are asked for.
    pub fn groups(&self) -> impl Iterator<Item = Group<'p>> + use<'p> {
        let plan = self.plan;
        std::iter::once(Group::All(plan)).chain(plan.versions.iter().flat_map(|version| {
            let batches = (0..version.batch_count()).map(move |i| Group::Batch(version, i));
            let excluded =
                (!version.version.excluded.is_empty()).then_some(Group::Excluded(version));
            std::iter::once(Group::Version(version))
                .chain(batches)
                .chain(excluded)
        }))
    }
}

impl<'p> Inventory<'p> {
    /// Writes the bytes of `serde_json::to_writer(w, self)`. serde_json checks
    /// every byte of every string for escapes and writes a string in pieces;
    /// here a host name (written twice per host: in its batch, in `_meta`) is
    /// checked in one pass without branches and, when nothing needs escaping,
    /// copied as is. Everything else, and any name that needs escaping, goes
    /// through serde_json. Writing a 1M-host inventory takes 40% less time.
    /// A large inventory's `_meta` is written on two threads
    /// ([`Inventory::write_host_vars`]).
    pub fn write_json<W: Write>(&self, w: &mut W) -> io::Result<()> {
        self.write_json_split(w, SPLIT)
    }

    /// [`Inventory::write_json`], `_meta` split between threads as `split` says.
    fn write_json_split<W: Write>(&self, w: &mut W, split: Split) -> io::Result<()> {
        w.write_all(b"{")?;
        let plan = self.plan;
        let in_order: Vec<Option<InOrder>> = plan.versions.iter().map(InOrder::of).collect();
        // The version whose batches are being written, in rollout order.
        let mut current = None;
        for group in self.groups() {
            write_str(w, &group.name())?;
            w.write_all(b":")?;
            if let Group::Version(plan) = group {
                current = in_order
                    .iter()
                    .flatten()
                    .find(|o| std::ptr::eq(o.plan, plan));
            }
            group.write_json(w, current)?;
            w.write_all(b",")?;
        }
        w.write_all(b"\"_meta\":{\"hostvars\":{")?;
        self.write_host_vars(w, &in_order, split)?;
        w.write_all(b"}}}")
    }
}

/// When and how `_meta.hostvars` is written on two threads (see
/// [`Inventory::write_host_vars`]).
#[derive(Debug, Clone, Copy)]
struct Split {
    /// From how many hosts on: fewer are written on this thread alone.
    from_hosts: usize,
    /// How many hosts a run has at most.
    per_run: usize,
}

/// A run of 2,048 hosts is about 200 KB of JSON with vars of their own, and
/// about a millisecond of work: enough to make a thread's handing over of it
/// a small cost, few enough to keep the runs made ahead small (at a million
/// hosts, peak RSS grew by 2 to 4 MB; by 6 MB with runs of 4,096, 12 MB with
/// 16,384).
const SPLIT: Split = Split {
    from_hosts: 1 << 16,
    per_run: 2048,
};

/// Entries of `_meta.hostvars` one after another: hosts `range` of the
/// version `version` (an index into the plan's versions), of its hosts in
/// rollout order or of its excluded ones.
#[derive(Debug, Clone)]
struct Run {
    version: usize,
    excluded: bool,
    range: Range<usize>,
}

impl<'p> Inventory<'p> {
    /// Writes the entries of `_meta.hostvars` (as [`own_vars`] gives them):
    /// host names and their vars, at a million hosts with vars of their own
    /// most of the time of `--list`. They are cut in runs of hosts; for a
    /// large inventory, a second thread writes every other run into a buffer
    /// of its own ([`parallel::in_turn`]) while this one writes the others,
    /// and they go to `w` in order, as one thread writes them. `in_order`:
    /// each version's hosts in rollout order, where copied.
    ///
    /// A version whose hosts are in neither file order nor `in_order` (names
    /// of more than 4 GiB) cannot be cut in runs: it is written whole, on
    /// this thread, as every inventory of fewer than `split.from_hosts`
    /// hosts is.
    fn write_host_vars<W: Write>(
        &self,
        w: &mut W,
        in_order: &[Option<InOrder<'p>>],
        split: Split,
    ) -> io::Result<()> {
        let versions = &self.plan.versions;
        let hosts: usize = (versions.iter())
            .map(|v| v.version.hosts.len() + v.version.excluded.len())
            .sum();
        let cut = versions
            .iter()
            .zip(in_order)
            .all(|(plan, in_order)| plan.in_file_order() || in_order.is_some());
        let two_threads = cut && hosts >= split.from_hosts;
        let runs = self.runs(if two_threads {
            split.per_run
        } else {
            usize::MAX
        });
        let mut scratch = VarsScratch::default();
        let mut write_run =
            |w: &mut W, i: usize| self.write_run(w, in_order, &runs[i], i == 0, &mut scratch);
        if !two_threads {
            return (0..runs.len()).try_for_each(|i| write_run(w, i));
        }
        let mut second_scratch = VarsScratch::default();
        parallel::in_turn(
            runs.len(),
            |i, buffer| {
                (self.write_run(buffer, in_order, &runs[i], i == 0, &mut second_scratch))
                    .expect("a Vec takes every byte")
            },
            |i, made| match made {
                Some(bytes) => w.write_all(bytes),
                None => write_run(w, i),
            },
        )
    }

    /// The entries of `_meta.hostvars` in runs of at most `per_run` hosts:
    /// each version's hosts in rollout order, then its excluded ones. A run
    /// holds hosts of one version only, and at least one.
    fn runs(&self, per_run: usize) -> Vec<Run> {
        let mut runs = Vec::new();
        for (version, plan) in self.plan.versions.iter().enumerate() {
            let counts = [plan.version.hosts.len(), plan.version.excluded.len()];
            for (count, excluded) in counts.into_iter().zip([false, true]) {
                let starts = (0..count).step_by(per_run);
                runs.extend(starts.map(|start| Run {
                    version,
                    excluded,
                    range: start..count.min(start.saturating_add(per_run)),
                }));
            }
        }
        runs
    }

    /// Writes the entries of `run`, each after a comma unless it is the first
    /// of `_meta.hostvars` (`first`: the run starts it).
    fn write_run<W: Write>(
        &self,
        w: &mut W,
        in_order: &[Option<InOrder<'p>>],
        run: &Run,
        mut first: bool,
        scratch: &mut VarsScratch<'p>,
    ) -> io::Result<()> {
        let plan = &self.plan.versions[run.version];
        let version = plan.version;
        let plain = version.plain_names;
        let mut write_host = |name: &str, vars: Option<VarsId>| {
            // The usual host, a plain name: three writes, two of a size known
            // here, so plain stores rather than calls; then its vars.
            if plain {
                w.write_all(if first { b"\"" } else { b",\"" })?;
                first = false;
                w.write_all(name.as_bytes())?;
                return match vars {
                    None => w.write_all(b"\":{}"),
                    Some(id) => {
                        w.write_all(b"\":")?;
                        version.host_vars.write(id, w, scratch)
                    }
                };
            }
            // A name with a character JSON may escape.
            if !std::mem::take(&mut first) {
                w.write_all(b",")?;
            }
            write_str(w, name)?;
            w.write_all(b":")?;
            // As serde_json writes the map: rendered when the strategy was
            // read, or now from the host entry as written.
            match vars {
                Some(id) => version.host_vars.write(id, w, scratch),
                None => w.write_all(b"{}"),
            }
        };
        let Range { start, end } = run.range;
        match &in_order[run.version] {
            _ if run.excluded => (version.excluded[start..end].iter())
                .try_for_each(|host| write_host(&host.name, version.own_vars_id(host))),
            Some(in_order) => {
                (start..end).try_for_each(|k| write_host(in_order.name(k), in_order.vars(k)))
            }
            // In file order, skipping to the run is a step; in another order
            // without `in_order`, a run is the version's hosts whole.
            None => (plan.hosts().skip(start).take(end - start))
                .try_for_each(|host| write_host(&host.name, version.own_vars_id(host))),
        }
    }
}

/// A version's hosts in rollout order, their names copied one after another
/// into one buffer, with their vars. In file order the names already lie one
/// after another in memory. In any other (`order: hash` or `sorted`, failure
/// domains) each name read was two cache misses, and each is read twice (its
/// batch, `_meta`): at a million hosts that tripled the time of `--list`.
/// Copying them in order once is a loop the processor runs many misses ahead
/// in; the writing then reads memory in order. Costs the names' length plus
/// 4 bytes a host (12 when hosts of the version have vars) while the inventory
/// is written.
struct InOrder<'p> {
    plan: &'p VersionPlan<'p>,
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<u32>,
    /// Each host's own vars (4 bytes a host); empty when no host of the
    /// version has any.
    vars: Vec<Option<VarsId>>,
}

impl<'p> InOrder<'p> {
    /// `None` for a version in file order, or whose names take more than 4 GiB
    /// (its hosts are then read where they are).
    fn of(plan: &'p VersionPlan<'p>) -> Option<InOrder<'p>> {
        if plan.in_file_order() {
            return None;
        }
        let hosts = &plan.version.hosts;
        let length: usize = hosts.iter().map(|h| h.name.len()).sum();
        u32::try_from(length).ok()?;
        let with_vars = hosts.iter().any(|h| plan.version.own_vars(h).is_some());
        let mut in_order = InOrder {
            plan,
            text: String::with_capacity(length),
            ends: Vec::with_capacity(hosts.len()),
            vars: Vec::with_capacity(if with_vars { hosts.len() } else { 0 }),
        };
        for host in plan.hosts() {
            in_order.text.push_str(&host.name);
            in_order.ends.push(in_order.text.len() as u32);
            if with_vars {
                in_order.vars.push(host.vars);
            }
        }
        Some(in_order)
    }

    /// The own vars of the `k`th host in rollout order.
    fn vars(&self, k: usize) -> Option<VarsId> {
        self.vars.get(k).copied().flatten()
    }

    /// The name of the `k`th host in rollout order.
    fn name(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }
}

impl Group<'_> {
    /// The group's JSON object, fields in the order and with the skipping of
    /// its `Serialize`. `in_order`: a version's hosts in rollout order, used
    /// for this group's hosts when they are one of its batches.
    fn write_json<W: Write>(&self, w: &mut W, in_order: Option<&InOrder>) -> io::Result<()> {
        let (hosts, children, vars) = (self.hosts(), self.children(), self.vars());
        let mut separator: &[u8] = b"{";
        if !hosts.is_empty() {
            w.write_all(separator)?;
            separator = b",";
            w.write_all(b"\"hosts\":")?;
            let mut first = true;
            let mut write_host = |name: &str, plain: bool| {
                // As in `_meta`: a plain name in three writes.
                if plain {
                    w.write_all(if first { b"[\"" } else { b",\"" })?;
                    first = false;
                    w.write_all(name.as_bytes())?;
                    return w.write_all(b"\"");
                }
                w.write_all(if std::mem::take(&mut first) {
                    b"["
                } else {
                    b","
                })?;
                write_str(w, name)
            };
            match hosts {
                Hosts::None => {}
                Hosts::Batch(plan, index) => {
                    let plain = plan.version.plain_names;
                    match in_order {
                        Some(in_order) if std::ptr::eq(in_order.plan, plan) => (plan
                            .batch_range(index))
                        .try_for_each(|k| write_host(in_order.name(k), plain))?,
                        _ => plan
                            .batch(index)
                            .try_for_each(|h| write_host(&h.name, plain))?,
                    }
                }
                Hosts::Excluded(hosts) => {
                    hosts.iter().try_for_each(|h| write_host(&h.name, false))?
                }
            }
            w.write_all(b"]")?;
        }
        if !children.is_empty() {
            w.write_all(separator)?;
            separator = b",";
            w.write_all(b"\"children\":")?;
            serde_json::to_writer(&mut *w, &children)?;
        }
        if !vars.is_empty() {
            w.write_all(separator)?;
            separator = b",";
            w.write_all(b"\"vars\":")?;
            serde_json::to_writer(&mut *w, &vars)?;
        }
        if separator == b"{" {
            w.write_all(b"{")?; // no field: `{}`
        }
        w.write_all(b"}")
    }
}

/// A JSON string, as serde_json writes it: it escapes only control characters,
/// `"` and `\\`, so text without them is copied between quotes.
fn write_str<W: Write>(w: &mut W, text: &str) -> io::Result<()> {
    let plain = text.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    });
    if !plain {
        return Ok(serde_json::to_writer(w, text)?);
    }
    write_quoted(w, text)
}

/// `text`, known to hold nothing JSON escapes, as a JSON string.
fn write_quoted<W: Write>(w: &mut W, text: &str) -> io::Result<()> {
    w.write_all(b"\"")?;
    w.write_all(text.as_bytes())?;
    w.write_all(b"\"")
}

/// The vars of one host for `--host` (`{}` for a host the strategy does not name).
pub fn host_vars<'p>(plan: &Plan<'p>, name: &str) -> Vars {
    own_vars(plan)
        .find(|(host, _)| host.name == name)
        .and_then(|(_, vars)| vars)
        .map(|text| serde_json::from_str(&text).expect("rendered from a map"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy;

    /// Host vars kept as their entries as written (values of their own,
    /// numbers, booleans, quoted, block scalars, strings only, some with
    /// characters JSON escapes), shared by hosts that write them alike,
    /// or rendered (a list value): `write_json` gives serde's bytes, and the
    /// same inventory as the validator's reference path, also past the point
    /// where vars of their own on every host stop being looked up.
    #[test]
    fn host_vars_kept_as_written_write_as_the_reference_reads_them() {
        let mut source = String::from("versions:\n  a:\n");
        for i in 0..2_000 {
            let vars = match i % 7 {
                0 if i > 1_000 => "{zone: z1}".to_string(),
                1 => format!("{{n: {i}, ok: yes, q: 'it\"s {i}'}}"),
                2 => format!("{{ip: 10.0.{}.{}, t: [x, {i}]}}", i / 256, i % 256),
                3 => "{zone: z1, rack: 7, off: 0o17, when: 2001-12-14}".to_string(),
                // Strings only, written straight out: some need escapes.
                4 => format!(
                    "{{q: 'it\"s {i}', b: 'back\\slash', ip: 10.0.0.{}}}",
                    i % 256
                ),
                // Block scalars kept as written, and one that is not.
                5 if i % 2 == 0 => "\n        motd: |+\n          hi\n\n        n: 1".to_string(),
                5 => format!(
                    "\n        m: >-\n          {i} \"q\"\n        t: |\n          a\n          b"
                ),
                _ => format!("{{ip: 10.0.{}.{}}}", i / 256, i % 256),
            };
            source.push_str(&format!("    - h{i}: {vars}\n"));
        }
        source.push_str("    - h-last:\n        zone: z1\n        rack: 7\n");
        let fast = strategy::parse(&source).unwrap();
        let reference =
            strategy::parse_by_reference(&source, strategy::HostsFrom::Unavailable).unwrap();
        let json = |strategy| {
            let plan = Plan::new(strategy);
            let inventory = Inventory::new(&plan);
            let mut written = Vec::new();
            inventory.write_json(&mut written).unwrap();
            assert_eq!(written, serde_json::to_vec(&inventory).unwrap());
            written
        };
        assert_eq!(json(&fast), json(&reference));
    }

    /// `write_json` gives serde's bytes, also for names and vars that need
    /// escaping, excluded hosts, host vars and groups without fields.
    #[test]
    fn written_json_is_serdes() {
        let sources = [
            "versions:\n  a: web1\n",
            "vars: {s: \"tab\\t \\\"q\\\" \\\\ é \\u0001\"}\nversions:\n  v1:\n    hosts:\n      - 'we\"b1'\n      - 'we\\b2': {x: \"\\u001f\"}\n      - héllo\n      - '☃'\n      - web[1:3]\n    exclude: web2\n  v2: [db1, {db2: {zone: a}}]\n",
            "schedule: 2\ncanary_vars: {c: 1}\nbatch_vars: {b: [1, 2.5, null]}\nexclude: x2\nversions:\n  a: x1, x2, x3, x4, x5\n  b:\n    hosts: y1\n    group: bee\n    vars: {k: v}\n",
            // Not in file order: names are copied in rollout order first.
            "order: hash\nschedule: 2\nversions:\n  a: h1, 'q\"1', h2, h3, h4, h5\n  b:\n    hosts: [x10, {x2: {k: v}}, x1, x3]\n    order: sorted\n    exclude: x1\n  c: [c2, c1]\n",
            "spread: zone\nversions:\n  a:\n    - h1: {zone: a}\n    - h2: {zone: b}\n    - h3: {zone: a, n: 1}\n",
            // Host entries kept as written, their scalars of every kind.
            "versions:\n  a:\n    - h1: {p: 1, b: yes, t: true, n: null, o: 010, x: 0x1F, s: 1:30, f: 1.5}\n    - h2: {d: 2001-12-14, q: 'é\"\\', u: !unsafe 'x\\y', e: \"\\t\", z: z1, m: -7}\n    - h3:\n        zone: z1\n        port: 1\n        big: 18446744073709551615\n",
        ];
        for source in sources {
            let strategy = strategy::parse(source).unwrap();
            let plan = Plan::new(&strategy);
            let inventory = Inventory::new(&plan);
            let mut written = Vec::new();
            inventory.write_json(&mut written).unwrap();
            let serde = serde_json::to_string(&inventory).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), serde, "{source}");
        }
    }

    /// Groups are made one at a time as they are written: a plan of thousands
    /// of batches comes out whole, in order, and as serde writes it.
    #[test]
    fn many_batches_are_written_whole_and_as_serde_writes_them() {
        let source = "order: hash\nexclude: h7\nversions:\n  a: h[0:4999]\n  b:\n    hosts: g[1:300]\n    combine: 7\n";
        let strategy = strategy::parse(source).unwrap();
        let plan = Plan::new(&strategy);
        let inventory = Inventory::new(&plan);
        let mut written = Vec::new();
        inventory.write_json(&mut written).unwrap();
        assert!(written == serde_json::to_vec(&inventory).unwrap());

        let json: Value = serde_json::from_slice(&written).unwrap();
        let groups = json.as_object().unwrap();
        // all, a, 4,999 batches, a_excluded, b, 1 + 299 / 7 rounded up batches, _meta.
        assert_eq!(groups.len(), 1 + 1 + 4_999 + 1 + 1 + 44 + 1);
        for (version, count) in [("a", 4_999), ("b", 44)] {
            let children = json[version]["children"].as_array().unwrap();
            assert_eq!(children.len(), count);
            let mut hosts = 0;
            for (index, child) in children.iter().enumerate() {
                let name = format!("{version}_batch{index}");
                assert_eq!(child, &json!(name));
                let batch = &json[&name];
                assert_eq!(batch["vars"]["regal_batch"], json!(index));
                assert_eq!(batch["vars"]["regal_batch_group"], json!(name));
                assert_eq!(batch["vars"]["regal_batch_count"], json!(count));
                hosts += batch["hosts"].as_array().unwrap().len();
            }
            assert_eq!(hosts, if version == "a" { 4_999 } else { 300 });
        }
        assert_eq!(json["a_excluded"]["hosts"], json!(["h7"]));
        assert_eq!(json["_meta"]["hostvars"].as_object().unwrap().len(), 5_300);
    }

    /// A strategy of `hosts` hosts per version in three versions, each host
    /// entry one of many kinds: plain names, scalar vars (some to escape),
    /// values kept by their shape, over lines, nested, `!unsafe`, aliases,
    /// names to escape; excluded hosts, and `order: hash`.
    fn hosts_of_every_kind(hosts: usize) -> String {
        let mut source =
            String::from("exclude: [a3, b5, 'c\"7']\nschedule: 1\ncombine: 7\nversions:\n");
        for version in ["a", "b", "c"] {
            source.push_str(&format!("  {version}:\n"));
            if version == "b" {
                source.push_str("    order: hash\n    exclude: [b8, b9]\n");
            }
            source.push_str("    hosts:\n");
            for i in 0..hosts {
                let name = match version {
                    "c" => format!("'c\"{i}'"),
                    _ => format!("{version}{i}"),
                };
                let entry = match i % 11 {
                    0 | 1 => name,
                    2 => format!("{name}: {{zone: z{}, port: {i}}}", i % 5),
                    3 => format!("{name}: {{q: 'it\"s {i}', t: \"\\t\", ok: yes}}"),
                    4 => format!("{name}: {{ports: [http: {i}, https: 443]}}"),
                    5 => format!(
                        "{name}:\n          ports: [http {i},\n            https\n            -443]"
                    ),
                    6 => format!(
                        "{name}:\n          pairs:\n            - - a{i}\n              - b"
                    ),
                    7 => format!("{name}: {{cmd: !unsafe '{{{{ x{i} }}}}'}}"),
                    8 if i < 11 => format!("{name}: &v{version} {{zone: a, n: 1}}"),
                    8 => format!("{name}: *v{version}"),
                    9 => format!("{name}: {{ip: 10.0.{}.{}, t: [x, {i}]}}", i / 256, i % 256),
                    _ => format!(
                        "{name}:\n          motd: |+\n            hi {i}\n\n          n: {i}"
                    ),
                };
                source.push_str(&format!("      - {entry}\n"));
            }
        }
        source
    }

    /// `_meta` written on two threads, in runs of any length, is what one
    /// thread writes (and serde): in a large inventory by default, and in
    /// small ones cut finely.
    #[test]
    fn host_vars_written_on_two_threads_are_written_as_on_one() {
        let written = |strategy: &strategy::Strategy, split| {
            let plan = Plan::new(strategy);
            let mut written = Vec::new();
            (Inventory::new(&plan).write_json_split(&mut written, split)).unwrap();
            written
        };
        let alone = Split {
            from_hosts: usize::MAX,
            ..SPLIT
        };
        let source = hosts_of_every_kind(SPLIT.from_hosts / 3 + 1);
        let strategy = strategy::parse(&source).unwrap();
        let plan = Plan::new(&strategy);
        assert!(plan.hosts().count() >= SPLIT.from_hosts);
        assert!(plan.versions.iter().any(|v| !v.in_file_order()));
        assert!(plan.versions.iter().any(|v| !v.version.plain_names));
        let one = written(&strategy, alone);
        let inventory = Inventory::new(&plan);
        assert!(one == serde_json::to_vec(&inventory).unwrap());
        assert!(written(&strategy, SPLIT) == one);
        for per_run in [1, 1000] {
            let split = Split {
                from_hosts: 0,
                per_run,
            };
            assert!(written(&strategy, split) == one, "{per_run}");
        }

        for hosts in [10, 12, 30] {
            let source = hosts_of_every_kind(hosts);
            let strategy = strategy::parse(&source).unwrap();
            let one = written(&strategy, alone);
            for per_run in [1, 2, 3, 5, 11] {
                let split = Split {
                    from_hosts: 0,
                    per_run,
                };
                let two = written(&strategy, split);
                assert_eq!(
                    String::from_utf8(two).unwrap(),
                    String::from_utf8(one.clone()).unwrap()
                );
            }
        }
    }
}
