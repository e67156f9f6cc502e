//! The Ansible inventory of a plan: one typed model, serialized by serde to the
//! JSON that `--list` prints. `--list` writes those bytes with
//! [`Inventory::write_json`], which writes host names itself (faster than serde
//! at a million hosts); tests check that both give the same bytes.
//!
//! Keys come out in rollout order (`all`, then each version group followed by its
//! batch groups and its excluded group, then `_meta`), because Ansible's wildcard
//! patterns and its `groups` variable follow the order of the JSON keys.

use crate::plan::{Plan, VersionPlan};
use crate::strategy::Host;
#[cfg(doc)]
use crate::strategy::Version;
use crate::strategy::file::Vars;
use indexmap::IndexMap;
use serde::Serialize;
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::io::{self, Write};

/// A whole `--list` inventory.
#[derive(Debug, Serialize)]
pub struct Inventory<'p> {
    #[serde(flatten)]
    pub groups: IndexMap<String, Group<'p>>,
    #[serde(rename = "_meta")]
    pub meta: Meta<'p>,
}

/// One Ansible group.
#[derive(Debug, Default, Serialize)]
pub struct Group<'p> {
    #[serde(skip_serializing_if = "Hosts::is_empty")]
    pub hosts: Hosts<'p>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<String>,
    #[serde(skip_serializing_if = "Vars::is_empty")]
    pub vars: Vars,
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
                    let raw: &RawValue = serde_json::from_str(text).map_err(S::Error::custom)?;
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
fn own_vars<'p>(plan: &Plan<'p>) -> impl Iterator<Item = (&'p Host<'p>, Option<&'p str>)> {
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
    /// Renders a plan.
    pub fn new(plan: &'p Plan<'p>) -> Inventory<'p> {
        let strategy = plan.strategy;
        let version_groups: Vec<String> = plan
            .versions
            .iter()
            .map(|v| v.version.group.clone())
            .collect();
        let excluded_count: usize = plan.versions.iter().map(|v| v.version.excluded.len()).sum();
        let mut all_vars = strategy.vars.clone();
        all_vars.insert("regal_versions".into(), json!(version_groups));
        all_vars.insert("regal_excluded_count".into(), json!(excluded_count));

        let mut groups = IndexMap::new();
        groups.insert(
            "all".to_string(),
            Group {
                children: version_groups,
                vars: all_vars,
                ..Group::default()
            },
        );
        for version in &plan.versions {
            add_version(&mut groups, version);
        }
        Inventory {
            groups,
            meta: Meta {
                hostvars: HostVars(plan),
            },
        }
    }
}

fn add_version<'p>(groups: &mut IndexMap<String, Group<'p>>, plan: &'p VersionPlan<'p>) {
    let version = plan.version;
    let rollout = &version.rollout;
    let count = plan.batch_count();
    let batch_names: Vec<String> = (0..count).map(|i| batch_group(&version.group, i)).collect();
    // No per-batch lists here: every host inherits its version group's vars,
    // so a list with an entry per batch would be copied into every host's
    // vars (`ansible-inventory --list` grew with hosts x batches). The rollout
    // playbook reads the order from `regal_versions` and each batch's
    // `regal_batch`.
    let mut vars = version.vars.clone();
    vars.insert("regal_version".into(), json!(version.name));
    rollout.verify.group_vars(&mut vars);
    groups.insert(
        version.group.clone(),
        Group {
            children: batch_names.clone(),
            vars,
            ..Group::default()
        },
    );
    for (index, name) in batch_names.into_iter().enumerate() {
        let canary = index == 0;
        let mut vars = if canary {
            rollout.canary_vars.clone()
        } else {
            rollout.batch_vars.clone()
        };
        vars.insert("regal_batch".into(), json!(index));
        vars.insert("regal_batch_group".into(), json!(name));
        vars.insert("regal_batch_count".into(), json!(count));
        vars.insert("regal_canary".into(), json!(canary));
        vars.insert("regal_progress".into(), json!(plan.progress(index)));
        let pause = rollout.pause_after(index);
        if pause > 0 {
            vars.insert("regal_pause_after".into(), json!(pause));
        }
        if rollout.confirm_after(index) {
            vars.insert("regal_confirm_after".into(), Value::Bool(true));
        }
        groups.insert(
            name,
            Group {
                hosts: Hosts::Batch(plan, index),
                vars,
                ..Group::default()
            },
        );
    }
    if !version.excluded.is_empty() {
        let mut vars = Vars::new();
        vars.insert("regal_excluded".into(), Value::Bool(true));
        groups.insert(
            excluded_group(&version.group),
            Group {
                hosts: Hosts::Excluded(&version.excluded),
                vars,
                ..Group::default()
            },
        );
    }
}

impl Inventory<'_> {
    /// Writes the bytes of `serde_json::to_writer(w, self)`. serde_json checks
    /// every byte of every string for escapes and writes a string in pieces;
    /// here a host name (written twice per host: in its batch, in `_meta`) is
    /// checked in one pass without branches and, when nothing needs escaping,
    /// copied as is. Everything else, and any name that needs escaping, goes
    /// through serde_json. Writing a 1M-host inventory takes 40% less time.
    pub fn write_json<W: Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"{")?;
        let plan = self.meta.hostvars.0;
        let in_order: Vec<Option<InOrder>> = plan.versions.iter().map(InOrder::of).collect();
        // The version whose batches are being written, in rollout order.
        let mut current = None;
        for (name, group) in &self.groups {
            write_str(w, name)?;
            w.write_all(b":")?;
            if let Hosts::Batch(plan, 0) = group.hosts {
                current = in_order
                    .iter()
                    .flatten()
                    .find(|o| std::ptr::eq(o.plan, plan));
            }
            group.write_json(w, current)?;
            w.write_all(b",")?;
        }
        w.write_all(b"\"_meta\":{\"hostvars\":{")?;
        let mut first = true;
        let mut write_host = |name: &str, plain: bool, vars: Option<&str>| {
            // The usual host, a plain name without vars: three writes, two of a
            // size known here, so plain stores rather than calls.
            if plain && vars.is_none() {
                w.write_all(if first { b"\"" } else { b",\"" })?;
                first = false;
                w.write_all(name.as_bytes())?;
                return w.write_all(b"\":{}");
            }
            if !std::mem::take(&mut first) {
                w.write_all(b",")?;
            }
            write_name(w, name, plain)?;
            w.write_all(b":")?;
            // Rendered once, as serde_json writes the map, when the strategy was read.
            w.write_all(vars.unwrap_or("{}").as_bytes())
        };
        // As `own_vars`: each version's hosts in rollout order, then its excluded ones.
        for (plan, in_order) in plan.versions.iter().zip(&in_order) {
            let version = plan.version;
            let plain = version.plain_names;
            match in_order {
                Some(in_order) => (0..in_order.vars.len())
                    .try_for_each(|k| write_host(in_order.name(k), plain, in_order.vars[k]))?,
                None => (plan.hosts())
                    .try_for_each(|host| write_host(&host.name, plain, version.own_vars(host)))?,
            }
            (version.excluded.iter())
                .try_for_each(|host| write_host(&host.name, plain, version.own_vars(host)))?;
        }
        w.write_all(b"}}}")
    }
}

/// A version's hosts in rollout order, their names copied one after another
/// into one buffer, with their vars. In file order the names already lie one
/// after another in memory. In any other (`order: hash` or `sorted`, failure
/// domains) each name read was two cache misses, and each is read twice (its
/// batch, `_meta`): at a million hosts that tripled the time of `--list`.
/// Copying them in order once is a loop the processor runs many misses ahead
/// in; the writing then reads memory in order. Costs the names' length plus
/// 16 bytes a host while the inventory is written.
struct InOrder<'p> {
    plan: &'p VersionPlan<'p>,
    text: String,
    /// Where each name ends in `text`.
    ends: Vec<usize>,
    vars: Vec<Option<&'p str>>,
}

impl<'p> InOrder<'p> {
    /// `None` for a version in file order.
    fn of(plan: &'p VersionPlan<'p>) -> Option<InOrder<'p>> {
        if plan.in_file_order() {
            return None;
        }
        let count = plan.version.hosts.len();
        let length = plan.version.hosts.iter().map(|h| h.name.len()).sum();
        let mut in_order = InOrder {
            plan,
            text: String::with_capacity(length),
            ends: Vec::with_capacity(count),
            vars: Vec::with_capacity(count),
        };
        for host in plan.hosts() {
            in_order.text.push_str(&host.name);
            in_order.ends.push(in_order.text.len());
            in_order.vars.push(plan.version.own_vars(host));
        }
        Some(in_order)
    }

    /// The name of the `k`th host in rollout order.
    fn name(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }
}

impl Group<'_> {
    /// The group's JSON object, fields in the order and with the skipping of
    /// its `Serialize`. `in_order`: a version's hosts in rollout order, used
    /// for this group's hosts when they are one of its batches.
    fn write_json<W: Write>(&self, w: &mut W, in_order: Option<&InOrder>) -> io::Result<()> {
        let mut separator: &[u8] = b"{";
        if !self.hosts.is_empty() {
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
            match self.hosts {
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
        if !self.children.is_empty() {
            w.write_all(separator)?;
            separator = b",";
            w.write_all(b"\"children\":")?;
            serde_json::to_writer(&mut *w, &self.children)?;
        }
        if !self.vars.is_empty() {
            w.write_all(separator)?;
            separator = b",";
            w.write_all(b"\"vars\":")?;
            serde_json::to_writer(&mut *w, &self.vars)?;
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

/// A host name as a JSON string. `plain`: the version's names are known to be
/// made of letters, digits and `.-_:]` ([`Version::plain_names`]), which need
/// no escapes, so the check is skipped.
fn write_name<W: Write>(w: &mut W, name: &str, plain: bool) -> io::Result<()> {
    if plain {
        write_quoted(w, name)
    } else {
        write_str(w, name)
    }
}

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
        .map(|text| serde_json::from_str(text).expect("rendered from a map"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy;

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
}
