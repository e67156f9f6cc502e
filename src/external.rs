//! Hosts of earlier inventory sources, for versions written with `hosts_from:`.
//!
//! `--external-hosts FILE` reads them in either of two shapes:
//!
//! - What the `regal` inventory plugin writes (every group with all its
//!   hosts, in order, and the hosts' plain vars).
//! - What `ansible-inventory -i SOURCES --list` prints (told apart by its
//!   `_meta` key): each group with its own hosts and its child groups. A
//!   group's hosts are then resolved as ansible-core's `Group.get_hosts()`
//!   does (see [`resolve`]).
//!
//! A `hosts_from` pattern picks hosts from them the way an Ansible host
//! pattern would.

use crate::error::ExternalProblem;
use crate::strategy::file::Vars;
use indexmap::{IndexMap, IndexSet};
use serde::Deserialize;
use serde_json::Value;

/// The hosts of earlier inventory sources, as the `regal` plugin passes them:
///
/// ```json
/// {"groups": {"all": ["web1", "db1"], "web": ["web1"], "db": ["db1"]},
///  "hostvars": {"web1": {"zone": "a"}, "db1": {}}}
/// ```
///
/// A group lists every host in it, also those of its child groups, in inventory
/// order. `all` may be left out: it is then every host named anywhere, in order of
/// first appearance (`hostvars` first).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalHosts {
    #[serde(default)]
    pub groups: IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub hostvars: IndexMap<String, Vars>,
}

/// Why a `hosts_from` pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternProblem {
    /// `a::b`, a trailing `:`, a lone `!`.
    EmptyTerm,
    /// A term names no group and no host (a typo would change what is rolled out).
    UnknownTerm(String),
}

/// How a term of a pattern combines with the terms before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Intersect,
    Exclude,
}

/// One group of `ansible-inventory --list`: its own hosts and child groups.
#[derive(Debug, Default)]
struct ListedGroup {
    hosts: Vec<String>,
    children: Vec<String>,
}

impl ExternalHosts {
    /// Reads `--external-hosts`: one JSON object, in the plugin's shape or
    /// as `ansible-inventory --list` prints it (with `_meta`). serde would
    /// also read a struct from an array (`[]` as no hosts at all, `[{...}]`
    /// as the groups), so anything but an object is refused here.
    pub fn from_json(text: &str) -> Result<ExternalHosts, ExternalProblem> {
        if text.trim_start().starts_with('[') {
            return Err(ExternalProblem::Array);
        }
        let json = |e: serde_json::Error| ExternalProblem::Json(e.to_string());
        // The plugin's file is read straight into its shape; one that may be
        // `ansible-inventory --list`'s is read whole first, to tell.
        let hosts = match text.contains("\"_meta\"") {
            true => {
                let top: serde_json::Map<String, Value> =
                    serde_json::from_str(text).map_err(json)?;
                match top.contains_key("_meta") {
                    true => ExternalHosts::from_ansible_list(top)?,
                    false => ExternalHosts::deserialize(Value::Object(top)).map_err(json)?,
                }
            }
            false => {
                let mut json_text = serde_json::Deserializer::from_str(text);
                let hosts = ExternalHosts::deserialize(&mut json_text).map_err(json)?;
                json_text.end().map_err(json)?;
                hosts
            }
        };
        // Ansible refuses an empty host name; an inventory holding one would fail.
        let in_group = hosts
            .groups
            .iter()
            .find(|(_, hosts)| hosts.iter().any(String::is_empty));
        if let Some((group, _)) = in_group {
            let group = group.clone();
            return Err(ExternalProblem::EmptyHostInGroup { group });
        }
        if hosts.hostvars.contains_key("") {
            return Err(ExternalProblem::EmptyHostInHostvars);
        }
        Ok(hosts)
    }

    /// The hosts `ansible-inventory --list` prints: every group resolved to
    /// all its hosts (see [`resolve`]), the groups in the order printed
    /// (ansible-inventory sorts them by name), then groups named only as a
    /// child (empty groups are left out of the output, not out of `children`);
    /// the hosts' plain vars (group vars included: `--list` prints them
    /// merged, `--list --export` does not, and is refused).
    fn from_ansible_list(
        mut top: serde_json::Map<String, Value>,
    ) -> Result<ExternalHosts, ExternalProblem> {
        let meta = top.remove("_meta").unwrap_or_default();
        let mut hostvars = IndexMap::new();
        match meta {
            Value::Object(mut meta) => match meta.remove("hostvars") {
                Some(Value::Object(all)) => {
                    for (host, vars) in all {
                        let Value::Object(vars) = vars else {
                            return Err(ExternalProblem::HostvarsNotMapping { host });
                        };
                        hostvars.insert(host, plain(vars));
                    }
                }
                None => {}
                Some(_) => return Err(ExternalProblem::MetaNotMapping),
            },
            _ => return Err(ExternalProblem::MetaNotMapping),
        }
        let mut listed: IndexMap<String, ListedGroup> = IndexMap::new();
        for (group, value) in top {
            let names = |key: &'static str, value: Value| match value {
                Value::Array(items) => (items.into_iter())
                    .map(|item| match item {
                        Value::String(name) => Ok(name),
                        _ => Err(ExternalProblem::NotNames {
                            group: group.clone(),
                            key,
                        }),
                    })
                    .collect::<Result<Vec<String>, _>>(),
                _ => Err(ExternalProblem::NotNames {
                    group: group.clone(),
                    key,
                }),
            };
            let mut def = ListedGroup::default();
            match value {
                // A script inventory's short form: the group's hosts.
                Value::Array(_) => def.hosts = names("hosts", value)?,
                Value::Object(fields) => {
                    for (key, value) in fields {
                        match key.as_str() {
                            "hosts" => def.hosts = names("hosts", value)?,
                            "children" => def.children = names("children", value)?,
                            "vars" => return Err(ExternalProblem::Export { group }),
                            _ => return Err(ExternalProblem::GroupKey { group, key }),
                        }
                    }
                }
                _ => return Err(ExternalProblem::GroupNotMapping { group }),
            }
            listed.insert(group, def);
        }
        let named: Vec<String> = (listed.values())
            .flat_map(|def| &def.children)
            .filter(|child| !listed.contains_key(*child))
            .cloned()
            .collect();
        for name in named {
            listed.entry(name).or_default();
        }
        let groups: IndexMap<String, Vec<String>> = (listed.keys())
            .map(|name| (name.clone(), resolve(&listed, name)))
            .collect();
        // Printed sorted by name, and only hosts with vars: every host is
        // given its vars in the order of `all`, as the plugin gives them in
        // the order the hosts were added (a glob matches hosts in that
        // order, see `term`, which the output does not hold).
        if let Some(all) = groups.get("all") {
            let mut ordered = IndexMap::with_capacity(all.len());
            for host in all {
                let vars = hostvars.swap_remove(host).unwrap_or_default();
                ordered.insert(host.clone(), vars);
            }
            ordered.extend(hostvars);
            hostvars = ordered;
        }
        Ok(ExternalHosts { groups, hostvars })
    }

    /// The plain vars an earlier source gave `host`, if any.
    pub fn vars(&self, host: &str) -> Option<&Vars> {
        self.hostvars.get(host)
    }

    /// No earlier source gave any host (the plugin file came first).
    pub fn has_no_hosts(&self) -> bool {
        self.all().is_empty()
    }

    /// Every host, in inventory order.
    fn all(&self) -> Vec<&str> {
        if let Some(all) = self.groups.get("all") {
            return all.iter().map(String::as_str).collect();
        }
        let mut all: IndexSet<&str> = self.hostvars.keys().map(String::as_str).collect();
        all.extend(self.groups.values().flatten().map(String::as_str));
        all.into_iter().collect()
    }

    /// The hosts an Ansible-style pattern selects, in the order the earlier
    /// sources gave them: `web` (a group or a host), `web:db` (either),
    /// `web:&eu` (both), `web:!canary` (but not), `all` or `*`, and `*` / `?`
    /// globs on group and host names. As in Ansible, `,` separates terms like
    /// `:`, and intersections and exclusions apply after all the plain terms.
    pub fn select(&self, pattern: &str) -> Result<Vec<&str>, PatternProblem> {
        let mut terms = Vec::new();
        for term in pattern.split([':', ',']).map(str::trim) {
            let (op, name) = if let Some(name) = term.strip_prefix('!') {
                (Op::Exclude, name)
            } else if let Some(name) = term.strip_prefix('&') {
                (Op::Intersect, name)
            } else {
                (Op::Union, term)
            };
            if name.is_empty() {
                return Err(PatternProblem::EmptyTerm);
            }
            let hosts = self
                .term(name)
                .ok_or_else(|| PatternProblem::UnknownTerm(term.to_string()))?;
            terms.push((op, hosts));
        }
        let mut selected: IndexSet<&str> = IndexSet::new();
        for op in [Op::Union, Op::Intersect, Op::Exclude] {
            for (_, hosts) in terms.iter().filter(|(o, _)| *o == op) {
                match op {
                    Op::Union => selected.extend(hosts.iter().copied()),
                    Op::Intersect => selected.retain(|h| hosts.contains(h)),
                    Op::Exclude => selected.retain(|h| !hosts.contains(h)),
                }
            }
        }
        Ok(selected.into_iter().collect())
    }

    /// The hosts one term names, or None when it names nothing known. A group
    /// that exists but is empty is known: dynamic groups are empty at times.
    fn term(&self, name: &str) -> Option<IndexSet<&str>> {
        if name == "all" || name == "*" {
            return Some(self.all().into_iter().collect());
        }
        if name.contains(['*', '?']) {
            let mut known = false;
            let mut hosts = IndexSet::new();
            for (group, members) in &self.groups {
                if glob_match(name, group) {
                    known = true;
                    hosts.extend(members.iter().map(String::as_str));
                }
            }
            // Ansible matches hosts in the order they were first added: the
            // plugin writes `hostvars` in that order.
            let order: IndexSet<&str> = (self.hostvars.keys().map(String::as_str))
                .chain(self.all())
                .collect();
            for host in order {
                if glob_match(name, host) {
                    known = true;
                    hosts.insert(host);
                }
            }
            return known.then_some(hosts);
        }
        if let Some(members) = self.groups.get(name) {
            return Some(members.iter().map(String::as_str).collect());
        }
        self.all()
            .into_iter()
            .find(|&host| host == name)
            .map(|host| IndexSet::from([host]))
    }
}

/// The hosts of group `name`, as ansible-core's `Group.get_hosts()` gives
/// them: the group's own hosts, then those of its descendants, level by level
/// (children, then grandchildren, ...), each host once, where it first comes.
/// Within a level ansible-core walks the groups of the level before in the
/// order of a Python `set` of objects, which changes from run to run: groups
/// two levels down reached through different parents come in no fixed order
/// (`ansible g --list-hosts` run twice may differ). Here they come in the
/// order of their parents, then of each parent's `children`.
fn resolve(listed: &IndexMap<String, ListedGroup>, name: &str) -> Vec<String> {
    let children = |group: &str| listed.get(group).map_or(&[][..], |g| &g.children[..]);
    let mut seen: IndexSet<&str> = IndexSet::from([name]);
    let mut level: Vec<&str> = vec![name];
    while !level.is_empty() {
        let mut next = Vec::new();
        for group in level {
            for child in children(group) {
                if seen.insert(child.as_str()) {
                    next.push(child.as_str());
                }
            }
        }
        level = next;
    }
    let mut hosts: IndexSet<&str> = IndexSet::new();
    for group in seen {
        if let Some(def) = listed.get(group) {
            hosts.extend(def.hosts.iter().map(String::as_str));
        }
    }
    hosts.into_iter().map(String::from).collect()
}

/// The vars a failure-domain label may be read from: plain values, as the
/// `regal` plugin passes them.
fn plain(vars: serde_json::Map<String, Value>) -> Vars {
    (vars.into_iter())
        .filter(|(_, value)| !matches!(value, Value::Array(_) | Value::Object(_)))
        .collect()
}

/// Shell-style match of the whole `text`: `*` any run, `?` any one character.
fn glob_match(glob: &str, text: &str) -> bool {
    let glob: Vec<char> = glob.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // Greedy with one backtrack point: linear enough for names.
    let (mut g, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match glob.get(g) {
            Some('*') => {
                star = Some((g, t));
                g += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                g += 1;
                t += 1;
            }
            _ => match star {
                Some((star_g, star_t)) => {
                    g = star_g + 1;
                    t = star_t + 1;
                    star = Some((star_g, star_t + 1));
                }
                None => return false,
            },
        }
    }
    glob[g..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> ExternalHosts {
        ExternalHosts::from_json(
            r#"{"groups": {
                "all": ["web1", "web2", "web3", "db1", "db2"],
                "web": ["web1", "web2", "web3"],
                "db": ["db1", "db2"],
                "eu": ["db2", "web3", "web1"],
                "canary": ["web2"],
                "empty": []
            }}"#,
        )
        .unwrap()
    }

    fn select(pattern: &str) -> Result<Vec<String>, PatternProblem> {
        let ext = hosts();
        ext.select(pattern)
            .map(|hosts| hosts.into_iter().map(String::from).collect())
    }

    #[test]
    fn groups_and_hosts_in_source_order() {
        assert_eq!(select("web").unwrap(), ["web1", "web2", "web3"]);
        assert_eq!(select("db2:web").unwrap(), ["db2", "web1", "web2", "web3"]);
        assert_eq!(select("web,db").unwrap().len(), 5);
        assert_eq!(select("all").unwrap().len(), 5);
    }

    #[test]
    fn intersect_and_exclude_apply_after_unions() {
        assert_eq!(select("web:&eu").unwrap(), ["web1", "web3"]);
        assert_eq!(select("!canary:web").unwrap(), ["web1", "web3"]);
        assert_eq!(select("all:!web:!empty").unwrap(), ["db1", "db2"]);
    }

    #[test]
    fn globs_match_group_and_host_names() {
        assert_eq!(select("w*").unwrap(), ["web1", "web2", "web3"]);
        assert_eq!(select("db?").unwrap(), ["db1", "db2"]);
        assert_eq!(select("*:!db*").unwrap(), ["web1", "web2", "web3"]);
    }

    #[test]
    fn unknown_or_empty_terms_are_problems() {
        assert_eq!(
            select("web:!canry"),
            Err(PatternProblem::UnknownTerm("!canry".into()))
        );
        assert_eq!(select("web::db"), Err(PatternProblem::EmptyTerm));
        assert_eq!(select("empty").unwrap(), Vec::<String>::new());
        assert_eq!(select("x*"), Err(PatternProblem::UnknownTerm("x*".into())));
    }

    #[test]
    fn all_defaults_to_every_host_named() {
        let ext = ExternalHosts::from_json(
            r#"{"groups": {"web": ["w2", "w1"]}, "hostvars": {"w1": {"zone": "a"}}}"#,
        )
        .unwrap();
        assert_eq!(ext.select("all").unwrap(), ["w1", "w2"]);
        assert_eq!(ext.vars("w1").unwrap()["zone"], "a");
    }

    /// `ansible-inventory --list` of an INI file: `[web:children]` with
    /// `web_eu`, `web_us`, and `web_eu_canary` under `web_eu`; `e1` also in
    /// `db`; `maintenance` empty (left out of the output but for `children`).
    const LISTED: &str = r#"{
        "_meta": {"hostvars": {"e1": {"zone": "eu", "tags": ["a"]}, "u1": {"zone": null}},
                  "profile": "inventory_legacy"},
        "all": {"children": ["ungrouped", "web", "db", "maintenance"]},
        "db": {"hosts": ["d1", "e1"]},
        "ungrouped": {"hosts": ["top1", "top2"]},
        "web": {"children": ["web_eu", "web_us"], "hosts": ["w0"]},
        "web_eu": {"children": ["web_eu_canary"], "hosts": ["e1", "e2"]},
        "web_eu_canary": {"hosts": ["c1", "e2"]},
        "web_us": {"hosts": ["u1", "u2"]}
    }"#;

    fn listed(pattern: &str) -> Vec<String> {
        let ext = ExternalHosts::from_json(LISTED).unwrap();
        let hosts = ext.select(pattern).unwrap();
        hosts.into_iter().map(String::from).collect()
    }

    /// The orders `ansible -i hosts.ini PATTERN --list-hosts` prints.
    #[test]
    fn ansible_inventory_list_groups_resolve_as_ansible_does() {
        let all = ["top1", "top2", "w0", "d1", "e1", "e2", "u1", "u2", "c1"];
        assert_eq!(listed("all"), all);
        assert_eq!(listed("web"), ["w0", "e1", "e2", "u1", "u2", "c1"]);
        assert_eq!(listed("web_eu"), ["e1", "e2", "c1"]);
        assert_eq!(listed("ungrouped"), ["top1", "top2"]);
        assert_eq!(listed("all:!web"), ["top1", "top2", "d1"]);
        assert_eq!(listed("db:&web"), ["e1"]);
        assert_eq!(listed("maintenance"), Vec::<String>::new());
        // Hosts matched by a glob, in the order of `all`.
        assert_eq!(listed("?1"), ["d1", "e1", "u1", "c1"]);
        let ext = ExternalHosts::from_json(LISTED).unwrap();
        // Plain vars only, as the plugin passes them; a null is kept.
        assert_eq!(ext.vars("e1").unwrap().len(), 1);
        assert!(ext.vars("u1").unwrap()["zone"].is_null());
    }

    /// Two levels down, groups come in the order of their parents (Ansible's
    /// own order changes from run to run there), each host where it first
    /// comes; a child listed twice or in a cycle is walked once.
    #[test]
    fn descendants_level_by_level() {
        let ext = ExternalHosts::from_json(
            r#"{"_meta": {},
                "g": {"children": ["a", "b", "a"], "hosts": ["h0"]},
                "a": {"children": ["a1"], "hosts": ["ha"]},
                "b": {"children": ["b1", "g"], "hosts": ["hb", "ha"]},
                "a1": {"hosts": ["x1", "hb"]},
                "b1": ["y1"]}"#,
        )
        .unwrap();
        assert_eq!(ext.select("g").unwrap(), ["h0", "ha", "hb", "x1", "y1"]);
        assert_eq!(ext.select("b").unwrap(), ["hb", "ha", "y1", "h0", "x1"]);
    }

    #[test]
    fn ansible_inventory_list_problems() {
        let problem = |text: &str| ExternalHosts::from_json(text).unwrap_err();
        let export =
            r#"{"_meta": {"hostvars": {}}, "web": {"hosts": ["w"], "vars": {"zone": "eu"}}}"#;
        assert_eq!(
            problem(export),
            ExternalProblem::Export {
                group: "web".into()
            }
        );
        assert_eq!(problem(r#"{"_meta": []}"#), ExternalProblem::MetaNotMapping);
        assert_eq!(
            problem(r#"{"_meta": {}, "web": {"hosts": "w1"}}"#),
            ExternalProblem::NotNames {
                group: "web".into(),
                key: "hosts"
            }
        );
        assert_eq!(
            problem(r#"{"_meta": {}, "web": {"children": [1]}}"#),
            ExternalProblem::NotNames {
                group: "web".into(),
                key: "children"
            }
        );
        assert_eq!(
            problem(r#"{"_meta": {}, "web": {"host": ["w1"]}}"#),
            ExternalProblem::GroupKey {
                group: "web".into(),
                key: "host".into()
            }
        );
        assert_eq!(
            problem(r#"{"_meta": {}, "web": 1}"#),
            ExternalProblem::GroupNotMapping {
                group: "web".into()
            }
        );
        assert_eq!(
            problem(r#"{"_meta": {"hostvars": {"w1": 1}}}"#),
            ExternalProblem::HostvarsNotMapping { host: "w1".into() }
        );
        assert_eq!(
            problem(r#"{"_meta": {}, "web": {"hosts": [""]}}"#),
            ExternalProblem::EmptyHostInGroup {
                group: "web".into()
            }
        );
        // A host or var named `_meta` does not make the plugin's file another shape.
        let plugin = r#"{"groups": {"_meta": ["w1"]}, "hostvars": {"w1": {"_meta": 1}}}"#;
        assert_eq!(
            ExternalHosts::from_json(plugin)
                .unwrap()
                .select("_meta")
                .unwrap(),
            ["w1"]
        );
    }

    /// The plugin writes `hostvars` in the order Ansible added the hosts,
    /// which is the order a glob matches hosts in (not `all`'s).
    #[test]
    fn globs_match_hosts_in_the_order_they_were_added() {
        let ext = ExternalHosts::from_json(
            r#"{"groups": {"all": ["b1", "a1", "c2"], "g": ["b1"]},
                "hostvars": {"a1": {}, "c2": {}, "b1": {}}}"#,
        )
        .unwrap();
        assert_eq!(ext.select("?1").unwrap(), ["a1", "b1"]);
        assert_eq!(ext.select("all").unwrap(), ["b1", "a1", "c2"]);
    }

    #[test]
    fn glob_matching() {
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(glob_match("a*c", "abcbc"));
        assert!(!glob_match("a*c", "abcb"));
        assert!(glob_match("?b", "ab"));
        assert!(!glob_match("?b", "b"));
    }
}
