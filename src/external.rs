//! Hosts of earlier inventory sources, for versions written with `hosts_from:`.
//!
//! The `regal` inventory plugin writes what Ansible already knows (every group
//! with its hosts, in order, and the hosts' plain vars) to a JSON file and passes
//! it with `--external-hosts`. A `hosts_from` pattern picks hosts from it the way
//! an Ansible host pattern would.

use crate::strategy::file::Vars;
use indexmap::{IndexMap, IndexSet};
use serde::Deserialize;

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

impl ExternalHosts {
    /// Reads the JSON the `regal` plugin writes: one object. serde would also
    /// read a struct from an array (`[]` as no hosts at all, `[{...}]` as the
    /// groups), so anything but an object is refused here.
    pub fn from_json(text: &str) -> Result<ExternalHosts, serde_json::Error> {
        use serde::de::{Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};
        struct ObjectOnly;
        impl<'de> Visitor<'de> for ObjectOnly {
            type Value = ExternalHosts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ExternalHosts, A::Error> {
                ExternalHosts::deserialize(MapAccessDeserializer::new(map))
            }
        }
        if text.trim_start().starts_with('[') {
            return Err(serde::de::Error::custom(
                "it holds a JSON array, where one JSON object is needed",
            ));
        }
        let mut json = serde_json::Deserializer::from_str(text);
        let hosts = json.deserialize_map(ObjectOnly)?;
        json.end()?;
        // Ansible refuses an empty host name; an inventory holding one would fail.
        let in_group = hosts
            .groups
            .iter()
            .find(|(_, hosts)| hosts.iter().any(String::is_empty));
        if let Some((group, _)) = in_group {
            let why = format!("group `{group}` lists an empty host name; remove it");
            return Err(serde::de::Error::custom(why));
        }
        if hosts.hostvars.contains_key("") {
            let why = "`hostvars` has an empty host name; remove it";
            return Err(serde::de::Error::custom(why));
        }
        Ok(hosts)
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
            for host in self.all() {
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
