//! The shape of regal.yml: the types its JSON Schema (`regal-inventory
//! schema`) is generated from, and the values the validator reads into.
//! [`super::validate`] reads the same keys (a test compares the two).

use crate::error::ProblemKind;
use crate::hostrange;
use crate::verify::{Bake, Checks, VerifyKeys};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

/// Ansible vars: names to any YAML value, in file order.
pub type Vars = serde_json::Map<String, serde_json::Value>;

/// Declares a struct that also has every rollout key (top level = defaults,
/// per version = overrides), for the schema.
macro_rules! with_rollout_keys {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Hosts in batch 0, the canary ("user group A"): a count >= 1 or "N%". Default 1.
            #[serde(default)]
            pub schedule: Option<Size>,
            /// Hosts in every later batch ("user group B"): a count >= 1 or "N%". Default 1.
            #[serde(default)]
            pub combine: Option<Size>,
            /// Instead of schedule/combine: the size of each batch in turn; the last repeats.
            #[serde(default)]
            pub batches: Option<Vec<Size>>,
            /// Host order before batching: input (default), sorted (natural) or hash.
            #[serde(default)]
            pub order: Option<Order>,
            /// Text mixed into `order: hash`; a new salt gives a new order.
            #[serde(default)]
            pub salt: Option<String>,
            /// Host var naming a failure domain; every batch draws from all domains evenly.
            #[serde(default)]
            pub spread: Option<String>,
            /// Host var naming a failure domain; each batch stays inside one domain.
            #[serde(default)]
            pub domain_at_a_time: Option<String>,
            /// Hosts (or ranges) kept out of every batch; listed in `<group>_excluded`.
            #[serde(default)]
            pub exclude: Option<HostPatterns>,
            /// Seconds to wait after the canary batch.
            #[serde(default)]
            pub pause_after_canary: Option<Seconds>,
            /// Seconds to wait after every later batch.
            #[serde(default)]
            pub pause_between_batches: Option<Seconds>,
            /// Ask the operator before the batch after the canary.
            #[serde(default)]
            pub confirm_after_canary: Option<bool>,
            /// Vars of every canary (batch 0) group.
            #[serde(default)]
            pub canary_vars: Option<VarMap>,
            /// Vars of every later batch group.
            #[serde(default)]
            pub batch_vars: Option<VarMap>,
            /// Health checks run on every host of a batch after its tasks, before the next batch.
            #[serde(default)]
            pub verify: Option<Checks>,
            /// Seconds to keep checking each batch after it passed, before the next batch.
            #[serde(default)]
            pub bake: Option<Bake>,
            /// Bake after the last batch of the rollout too.
            #[serde(default)]
            pub bake_last: Option<bool>,
        }

    };
}

/// The rollout keys of one level (top level or one version), as written.
#[derive(Debug, Clone, Default)]
pub struct RolloutKeys {
    pub schedule: Option<Size>,
    pub combine: Option<Size>,
    pub batches: Option<Vec<Size>>,
    pub order: Option<Order>,
    pub salt: Option<String>,
    pub spread: Option<String>,
    pub domain_at_a_time: Option<String>,
    pub exclude: Option<Vec<HostPattern>>,
    pub pause_after_canary: Option<Seconds>,
    pub pause_between_batches: Option<Seconds>,
    pub confirm_after_canary: Option<bool>,
    pub canary_vars: Option<Vars>,
    pub batch_vars: Option<Vars>,
    /// `verify:`, `bake:`, `bake_last:` (see [`crate::verify`]).
    pub verify: VerifyKeys,
}

with_rollout_keys! {
    /// A regal-inventory rollout strategy (regal.yml): versions, their hosts and
    /// how they are cut into batches.
    #[derive(JsonSchema)]
    #[schemars(title = "regal.yml")]
    #[serde(deny_unknown_fields, expecting = "a mapping with a `versions:` key")]
    pub struct StrategyFile {
        /// Version name -> its hosts, in file order. Required, not empty.
        pub versions: Versions,
        /// Versions rolled out first, in this order; a name or a list of exact names.
        #[serde(default)]
        pub priority: Option<Priority>,
        /// Vars of group `all`.
        #[serde(default)]
        pub vars: Option<VarMap>,
        /// For Ansible, not read by regal-inventory: `regal` or
        /// `regal.inventory.regal` makes this file an inventory source of the
        /// `regal` plugin (`-i inventory/prod/` reads it that way, and no other
        /// plugin tries it as an inventory).
        #[serde(default)]
        pub plugin: Option<String>,
        /// For the `regal` plugin, not read by regal-inventory: the
        /// regal-inventory executable the plugin runs (a path relative to this
        /// file, or a name looked up in PATH).
        #[serde(default)]
        pub binary: Option<String>,
    }
}

with_rollout_keys! {
    /// A version written as a mapping: its hosts and its own settings, which
    /// override the top-level ones.
    #[derive(JsonSchema)]
    #[schemars(extend("oneOf" = [{"required": ["hosts"]}, {"required": ["hosts_from"]}]))]
    #[serde(deny_unknown_fields, expecting = "a mapping of version keys")]
    pub struct VersionBody {
        /// The hosts: a comma-separated string or a list.
        #[serde(default)]
        pub hosts: Option<HostList>,
        /// Instead of `hosts`: the hosts of earlier inventory sources that an
        /// Ansible-style pattern picks (`web`, `web:&eu:!canary`, `web*`), in their
        /// order. Needs the `regal` inventory plugin (or --external-hosts).
        #[serde(default)]
        pub hosts_from: Option<String>,
        /// The Ansible group name of this version.
        #[serde(default)]
        pub group: Option<GroupName>,
        /// Vars of this version's group.
        #[serde(default)]
        pub vars: Option<VarMap>,
    }
}

/// `versions:` (schema only): version name -> hosts, in file order.
pub struct Versions;

/// One version (schema only): its hosts alone, or a mapping with hosts and settings.
pub struct VersionSpec;

/// A batch size: a host count or a share of the version's hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Count(u64),
    /// 1..=100; floor(pct x hosts), at least 1, like Ansible's `serial`.
    Percent(u8),
}

/// A number of seconds (>= 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub u64);

/// How hosts are ordered before they are cut into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// The order written (Regal's).
    #[default]
    Input,
    /// Natural order: `web2` before `web10`.
    Sorted,
    /// A stable shuffle by a hash of salt + host name.
    Hash,
}

impl Order {
    pub const NAMES: [&str; 3] = ["input", "sorted", "hash"];

    pub fn from_name(name: &str) -> Option<Order> {
        match name {
            "input" => Some(Order::Input),
            "sorted" => Some(Order::Sorted),
            "hash" => Some(Order::Hash),
            _ => None,
        }
    }
}

/// `priority:` (schema only): one version name or a list of them.
pub struct Priority;

/// A name (schema only), taken as written even where YAML would read a number.
pub struct Text;

/// An explicit Ansible group name (schema only).
pub struct GroupName;

/// A vars mapping (schema only).
pub struct VarMap;

/// Hosts (schema only): a comma-separated string or a list.
pub struct HostList;

/// `exclude:` (schema only): host names or ranges.
pub struct HostPatterns;

/// One `exclude:` entry as written, with the names it expands to, and where
/// it is (byte offset).
#[derive(Debug, Clone)]
pub struct HostPattern {
    pub written: String,
    pub names: Vec<String>,
    pub at: usize,
}

/// "1%".."100%" or a count >= 1 written as text, spaces around allowed.
const PERCENT_OR_COUNT: &str = r"^\s*(0*([1-9][0-9]?|100)\s*%|0*[1-9][0-9]*)\s*$";

impl JsonSchema for Versions {
    fn schema_name() -> Cow<'static, str> {
        "Versions".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Version name -> its hosts (or a mapping with `hosts:` and settings), in rollout order unless `priority` says otherwise. Each version becomes an Ansible group named after it (characters outside [A-Za-z0-9_] become `_`).",
            "type": "object",
            "minProperties": 1,
            "additionalProperties": generator.subschema_for::<VersionSpec>(),
        })
    }
}

impl JsonSchema for VersionSpec {
    fn schema_name() -> Cow<'static, str> {
        "VersionSpec".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A version: its hosts alone (`app-v1: web1,web2`) or a mapping with `hosts:` (or `hosts_from:`) and settings.",
            "anyOf": [
                generator.subschema_for::<HostList>(),
                generator.subschema_for::<VersionBody>(),
            ],
        })
    }
}

impl JsonSchema for HostList {
    fn schema_name() -> Cow<'static, str> {
        "HostList".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        host_list_schema(
            generator,
            "Hosts in rollout order: a comma-separated string (`web1, web2, web[3:9]`) or a list whose items are a name or `name: {host vars}`. Ansible ranges like `web[01:20]` expand.",
        )
    }
}

impl JsonSchema for HostPatterns {
    fn schema_name() -> Cow<'static, str> {
        "HostPatterns".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        host_list_schema(
            generator,
            "Host names or ranges, as a comma-separated string or a list; each must match a host.",
        )
    }
}

impl JsonSchema for Size {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A batch size: a host count >= 1, or a percentage of the version's hosts from \"1%\" to \"100%\" (rounded down, at least 1, like Ansible's `serial`).",
            "anyOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": PERCENT_OR_COUNT},
            ],
        })
    }
}

impl JsonSchema for Seconds {
    fn schema_name() -> Cow<'static, str> {
        "Seconds".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A whole number of seconds.",
            "type": "integer",
            "minimum": 0,
        })
    }
}

impl JsonSchema for Priority {
    fn schema_name() -> Cow<'static, str> {
        "Priority".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let name = generator.subschema_for::<Text>();
        json_schema!({
            "description": "Exact version names rolled out first, in this order; the others follow in file order.",
            "anyOf": [
                name,
                {"type": "array", "items": name, "uniqueItems": true},
                {"type": "null"},
            ],
        })
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Name".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A name; YAML may read an unquoted one as a number or boolean, which is taken as written.",
            "type": ["string", "number", "boolean"],
        })
    }
}

impl JsonSchema for GroupName {
    fn schema_name() -> Cow<'static, str> {
        "GroupName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An Ansible group name: letters, digits and `_`, not starting with a digit.",
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
            "not": {"enum": ["all", "ungrouped"]},
        })
    }
}

impl JsonSchema for VarMap {
    fn schema_name() -> Cow<'static, str> {
        "Vars".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Ansible vars: name -> any value. Names starting with `regal_` are set by regal-inventory itself.",
            "type": ["object", "null"],
            "propertyNames": {"not": {"pattern": "^regal_"}},
        })
    }
}

/// A string of comma-separated names, or a list of names and `name: {vars}`.
fn host_list_schema(generator: &mut SchemaGenerator, description: &str) -> Schema {
    json_schema!({
        "description": description,
        "anyOf": [
            {"type": "string"},
            {
                "type": "array",
                "items": {
                    "anyOf": [
                        generator.subschema_for::<Text>(),
                        {
                            "type": "object",
                            "description": "One host with its host vars.",
                            "minProperties": 1,
                            "maxProperties": 1,
                            "additionalProperties": generator.subschema_for::<Option<VarMap>>(),
                        },
                    ],
                },
            },
            {"type": ["number", "boolean"]},
        ],
    })
}

/// [`scan_name`] flag: a character outside `A-Za-z0-9.-_:[]`.
pub const NOT_PLAIN: u8 = 1;
/// [`scan_name`] flag: a `[`, where a range may start.
pub const OPEN: u8 = 2;

/// The flags of each byte.
static NAME_BYTES: [u8; 256] = {
    let mut flags = [NOT_PLAIN; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b']') {
            flags[byte] = 0;
        } else if b == b'[' {
            flags[byte] = OPEN;
        }
        byte += 1;
    }
    flags
};

/// The flags of all of `name`'s bytes, in one pass without branches: a third
/// of the time of a check that stops at the first odd character and then looks
/// for a `[` (a million names).
pub fn scan_name(name: &str) -> u8 {
    name.bytes()
        .fold(0, |flags, b| flags | NAME_BYTES[usize::from(b)])
}

/// What makes a host name unusable, if anything.
pub fn host_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty; write the host's name");
    }
    // Nearly every name is plain ASCII; one pass settles it (a million hosts).
    if scan_name(name) & NOT_PLAIN == 0 {
        return None;
    }
    if has_jinja(name) {
        Some(
            "contains a Jinja marker (`{{`, `{%` or `{#`), which Ansible would run as a template on the controller; remove it",
        )
    } else if name.chars().any(char::is_whitespace) {
        Some("contains whitespace; a host name is one word (use `ansible_host` for an address)")
    } else if name.chars().any(char::is_control) {
        Some("contains a control character; remove it")
    } else if name.contains(',') {
        Some("contains a comma; in a list, write one host per item")
    } else {
        None
    }
}

/// Whether `text` holds a Jinja marker that Ansible would template.
pub fn has_jinja(text: &str) -> bool {
    ["{{", "{%", "{#"].iter().any(|m| text.contains(m))
}

/// Whether Ansible takes `name` as a group name unchanged: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_group_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Most hosts a strategy may name, ranges expanded. Lists are checked before
/// each range expands, versions as they are read, so a few short ranges cannot
/// exhaust memory (at most twice this many names are ever built).
pub const MAX_HOSTS: u64 = hostrange::MAX_EXPANSION;

/// Whether `entry` fits after `listed` names, before it is expanded.
pub fn check_room(listed: usize, entry: &str) -> Result<(), ProblemKind> {
    let more = hostrange::count(entry);
    // An entry too large by itself is reported by `checked_names`, naming it.
    if more > hostrange::MAX_EXPANSION {
        return Ok(());
    }
    check_host_count(listed as u64 + more)
}

pub fn check_host_count(names: u64) -> Result<(), ProblemKind> {
    if names > MAX_HOSTS {
        return Err(ProblemKind::TooManyHosts { limit: MAX_HOSTS });
    }
    Ok(())
}

/// The names one written entry stands for: checked, ranges expanded as they
/// are taken.
pub fn checked_names(entry: &str) -> Result<hostrange::Names, ProblemKind> {
    if let Some(why) = host_name_problem(entry) {
        return Err(bad_host_name(entry, why));
    }
    hostrange::names(entry).map_err(|why| ProblemKind::BadRange {
        entry: entry.to_string(),
        why,
    })
}

/// A plain name at `at` in `src` that YAML joined over a line break inside a
/// flow list (`[web1,\n web2\n web3]` gives `web2 web3`): the missing comma.
pub fn missing_comma(src: &str, at: usize, name: &str) -> Option<ProblemKind> {
    let mut words = name.split(' ').filter(|w| !w.is_empty());
    let (first, next) = (words.next()?, words.next()?);
    let rest = src.get(at..)?.strip_prefix(first)?;
    let gap = &rest[..rest.len() - rest.trim_start().len()];
    let before = src[..at].trim_end_matches([' ', '\t', '\r', '\n']);
    let in_flow = before.ends_with(['[', ',']);
    (in_flow && gap.contains('\n') && rest.trim_start().starts_with(next)).then(|| {
        ProblemKind::MissingComma {
            host: name.to_string(),
            first: first.to_string(),
            next: next.to_string(),
        }
    })
}

pub fn bad_host_name(entry: &str, why: &'static str) -> ProblemKind {
    ProblemKind::BadHostName {
        host: entry.to_string(),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The missing comma is named only for a plain name joined over a line
    /// break inside a flow list.
    #[test]
    fn a_missing_comma_only_in_a_flow_list_over_lines() {
        let flow = "a: [x,\n  web2\n  web3]\n";
        let at = flow.find("web2").unwrap();
        assert!(matches!(
            missing_comma(flow, at, "web2 web3"),
            Some(ProblemKind::MissingComma { first, next, .. }) if first == "web2" && next == "web3"
        ));
        for (source, name) in [
            ("a:\n- x\n- web2\n  web3\n", "web2 web3"),
            ("a: [x, web2 web3]\n", "web2 web3"),
            ("a: [x, \"web2\n  web3\"]\n", "web2 web3"),
        ] {
            let at = source.find("web2").unwrap();
            assert!(missing_comma(source, at, name).is_none(), "{source:?}");
        }
    }
}
