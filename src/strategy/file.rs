//! regal.yml as written: the serde types the file is read into.
//!
//! Checks that concern one node (a size, a host name, a duplicate key) happen here,
//! while the node is read, so serde_yaml reports them at the node's line and column.
//! Checks across nodes happen in the checker of [`super`].

use super::Host;
use crate::error::ProblemKind;
use crate::hostrange;
use crate::verify::{Bake, Checks, VerifyKeys};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Ansible vars: names to any YAML value, in file order.
pub type Vars = serde_json::Map<String, serde_json::Value>;

/// Declares a struct that also has every rollout key (top level = defaults,
/// per version = overrides), plus `rollout_keys()` to read them as one value.
macro_rules! with_rollout_keys {
    ($(#[$meta:meta])* pub struct $name:ident<$s:lifetime> { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name<$s> {
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

        impl $name<'_> {
            /// The rollout keys given at this level.
            pub fn rollout_keys(&self) -> RolloutKeys {
                RolloutKeys {
                    schedule: self.schedule,
                    combine: self.combine,
                    batches: self.batches.clone(),
                    order: self.order,
                    salt: self.salt.clone(),
                    spread: self.spread.clone(),
                    domain_at_a_time: self.domain_at_a_time.clone(),
                    exclude: self.exclude.clone(),
                    pause_after_canary: self.pause_after_canary,
                    pause_between_batches: self.pause_between_batches,
                    confirm_after_canary: self.confirm_after_canary,
                    canary_vars: self.canary_vars.clone(),
                    batch_vars: self.batch_vars.clone(),
                    verify: VerifyKeys {
                        verify: self.verify.clone(),
                        bake: self.bake,
                        bake_last: self.bake_last,
                    },
                }
            }
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
    pub exclude: Option<HostPatterns>,
    pub pause_after_canary: Option<Seconds>,
    pub pause_between_batches: Option<Seconds>,
    pub confirm_after_canary: Option<bool>,
    pub canary_vars: Option<VarMap>,
    pub batch_vars: Option<VarMap>,
    /// `verify:`, `bake:`, `bake_last:` (see [`crate::verify`]).
    pub verify: VerifyKeys,
}

with_rollout_keys! {
    /// A regal-inventory rollout strategy (regal.yml): versions, their hosts and
    /// how they are cut into batches.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[schemars(title = "regal.yml")]
    #[serde(deny_unknown_fields, expecting = "a mapping with a `versions:` key")]
    pub struct StrategyFile<'s> {
        /// Version name -> its hosts, in file order. Required, not empty.
        #[serde(borrow)]
        pub versions: Versions<'s>,
        /// Versions rolled out first, in this order; a name or a list of exact names.
        #[serde(default)]
        pub priority: Option<Priority>,
        /// Vars of group `all`.
        #[serde(default)]
        pub vars: Option<VarMap>,
    }
}

with_rollout_keys! {
    /// A version written as a mapping: its hosts and its own settings, which
    /// override the top-level ones.
    #[derive(Debug, Default, Deserialize, JsonSchema)]
    #[schemars(extend("oneOf" = [{"required": ["hosts"]}, {"required": ["hosts_from"]}]))]
    #[serde(deny_unknown_fields, expecting = "a mapping of version keys")]
    pub struct VersionBody<'s> {
        /// The hosts: a comma-separated string or a list.
        #[serde(default, borrow)]
        pub hosts: Option<HostList<'s>>,
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

/// `versions:`: version name -> hosts, in file order, each name once.
#[derive(Debug, Default)]
pub struct Versions<'s>(pub Vec<(String, VersionSpec<'s>)>);

/// One version: its hosts alone (shorthand) or a mapping with hosts and settings.
#[derive(Debug)]
pub struct VersionSpec<'s> {
    pub body: VersionBody<'s>,
    /// Written as `name: hosts` rather than `name: {hosts: ...}`.
    pub shorthand: bool,
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
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

/// `priority:` one version name or a list of them.
#[derive(Debug, Clone)]
pub struct Priority {
    pub names: Vec<Text>,
    /// Written as a single name rather than a list.
    pub single: bool,
}

/// A text YAML may have read as a number or boolean: the raw text is then
/// recovered from the source (see `locate::plain_scalar_at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Text(String),
    /// Not a string to YAML; holds YAML's own rendering as a fallback.
    NonString(String),
}

/// An explicit Ansible group name.
#[derive(Debug, Clone)]
pub struct GroupName(pub String);

/// A vars mapping: each name once, none in the reserved `regal_` namespace.
#[derive(Debug, Clone, Default)]
pub struct VarMap(pub Vars);

/// Hosts as written, ranges expanded, in order. Read straight into the
/// [`Host`]s of the strategy: at a million hosts, one more copy of the list
/// would cost more memory than the inventory printed.
#[derive(Debug, Default)]
pub struct HostList<'s> {
    /// Names borrow from the strategy's text where it was read in place.
    pub hosts: Vec<Host<'s>>,
    /// The list item each host came from; empty for hosts written as one
    /// string (see [`HostList::item`]). 32 bits: these are alive at the peak of
    /// a 1M-host run, and a 1 GiB file has fewer than 2^32 items.
    pub items: Vec<u32>,
    /// Indices of the hosts whose name YAML read as a number or boolean: their
    /// name is YAML's rendering until the checker recovers the text written.
    pub non_string: Vec<usize>,
    /// Whether a name may hold a byte other than letters, digits and `.-_:]`
    /// (see [`Version::plain_names`](super::Version::plain_names)).
    pub odd_names: bool,
}

impl<'s> HostList<'s> {
    fn push(&mut self, name: Cow<'s, str>, vars: Option<Box<Vars>>, item: Option<usize>) {
        self.hosts.push(Host { name, vars });
        // A list's hosts all have an item, a string's none.
        if let Some(item) = item {
            self.items.push(u32::try_from(item).unwrap_or(u32::MAX));
        }
    }

    /// The list item host `index` came from (None: written in a string).
    pub fn item(items: &[u32], index: usize) -> Option<usize> {
        items.get(index).map(|&item| item as usize)
    }

    /// Checks one entry as written and appends the hosts it stands for. Nearly
    /// every entry is one plain name, which takes one pass to check, and is kept
    /// as it came (borrowed from the strategy's text when read in place), without
    /// a range to count or a list of names to build (a million hosts).
    fn push_entry<E: de::Error>(
        &mut self,
        entry: Cow<'s, str>,
        vars: Option<Box<Vars>>,
        item: Option<usize>,
    ) -> Result<(), E> {
        let flags = scan_name(&entry);
        // A range's names are made of its entry's bytes and digits.
        self.odd_names |= flags & NOT_PLAIN != 0;
        // Without a `[` there is no range.
        if flags & OPEN == 0 {
            // The checks of the general case below, in the same order.
            check_host_count(self.hosts.len() as u64 + 1)?;
            if flags & NOT_PLAIN != 0
                && let Some(why) = host_name_problem(&entry)
            {
                return Err(bad_host_name(&entry, why));
            }
            self.push(entry, vars, item);
            return Ok(());
        }
        check_room(self.hosts.len(), &entry)?;
        for name in checked_names(&entry)? {
            self.push(Cow::Owned(name), vars.clone(), item);
        }
        Ok(())
    }

    /// The hosts of `part`, a comma-separated part of the string `text`, their
    /// names borrowed from `part`.
    fn read_string<E: de::Error>(part: &'s str, text: &str) -> Result<HostList<'s>, E> {
        HostList::default().read_string_into(part, text)
    }

    /// [`HostList::read_string`], appending to this list.
    fn read_string_into<E: de::Error>(mut self, part: &'s str, text: &str) -> Result<Self, E> {
        for entry in part.split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                return Err(custom(ProblemKind::EmptyHostEntry {
                    entry: text.to_string(),
                }));
            }
            self.push_entry(Cow::Borrowed(entry), None, None)?;
        }
        Ok(self)
    }

    /// The hosts of the string `text`, their names borrowed from it.
    fn read_whole_string<E: de::Error>(text: &'s str) -> Result<HostList<'s>, E> {
        if text.trim().is_empty() {
            return Ok(HostList::default());
        }
        if let Some(list) = HostList::read_string_in_halves(text) {
            return Ok(list);
        }
        HostList::read_string(text, text)
    }

    /// This list with every name owned, for a text that cannot be borrowed.
    fn into_owned(self) -> HostList<'static> {
        HostList {
            hosts: (self.hosts.into_iter())
                .map(|host| Host {
                    name: Cow::Owned(host.name.into_owned()),
                    vars: host.vars,
                })
                .collect(),
            items: self.items,
            non_string: self.non_string,
            odd_names: self.odd_names,
        }
    }

    /// A long host string read as two halves at once: a million hosts in one
    /// string is the largest piece of work in reading a strategy. None when the
    /// string is short or either half has a problem: the string is then read in
    /// one piece, which finds the first problem and reports it as always.
    fn read_string_in_halves(text: &'s str) -> Option<HostList<'s>> {
        if text.len() < HALVES_FROM_BYTES {
            return None;
        }
        // Bytes, not chars: the middle may fall inside a character, a comma not.
        let half = text.len() / 2;
        let middle = half + text.as_bytes()[half..].iter().position(|&b| b == b',')?;
        let (first, second) = (&text[..middle], &text[middle + 1..]);
        // The lists are made with room for their hosts, so that they do not
        // grow by copies into fresh memory, and the first with room for every
        // host of the string, so that the second half's hosts are appended
        // without a copy of the first's. The count is estimated from the first
        // entries, plus one in eight: room never used takes no memory, too
        // little only costs a copy, and room that cannot be had is not taken.
        let sample = &text.as_bytes()[..text.len().min(4096)];
        let entries = sample.iter().filter(|&&b| b == b',').count() + 1;
        let room = (text.len() / sample.len() * entries * 9 / 8).min(MAX_HOSTS as usize);
        let (mut list, mut second_list) = (HostList::default(), HostList::default());
        let _ = list.hosts.try_reserve_exact(room);
        let _ = second_list.hosts.try_reserve_exact(room / 2);
        type Failed = de::value::Error;
        let (first, second) = crate::parallel::join(
            || list.read_string_into::<Failed>(first, text),
            || second_list.read_string_into::<Failed>(second, text),
        );
        let (mut list, second) = (first.ok()?, second.ok()?);
        check_host_count::<Failed>((list.hosts.len() + second.hosts.len()) as u64).ok()?;
        list.hosts.extend(second.hosts);
        list.odd_names |= second.odd_names;
        Some(list)
    }

    fn push_non_string(&mut self, value: impl ToString, item: Option<usize>) {
        self.non_string.push(self.hosts.len());
        self.odd_names = true;
        self.push(Cow::Owned(value.to_string()), None, item);
    }
}

/// Host strings from this many bytes are read in two halves at once. Short
/// under tests and fuzzing, so that these read nearly every string in halves.
const HALVES_FROM_BYTES: usize = if cfg!(any(test, fuzzing)) {
    16
} else {
    1 << 20
};

/// `exclude:` host names or ranges, each with the names it expands to.
#[derive(Debug, Clone, Default)]
pub struct HostPatterns(pub Vec<HostPattern>);

#[derive(Debug, Clone)]
pub struct HostPattern {
    pub written: String,
    pub names: Vec<String>,
    pub item: Option<usize>,
}

/// The visitor methods for scalars YAML did not read as text (booleans and
/// numbers): each renders the value and gives `$make`. Where the value names
/// something, the raw text is recovered from the source afterwards.
macro_rules! visit_non_string {
    ($this:ident => $value:ty, |$rendered:ident| $make:expr) => {
        fn visit_bool<E: de::Error>($this, v: bool) -> Result<$value, E> {
            let $rendered = v.to_string();
            $make
        }
        fn visit_u64<E: de::Error>($this, v: u64) -> Result<$value, E> {
            let $rendered = v.to_string();
            $make
        }
        fn visit_i64<E: de::Error>($this, v: i64) -> Result<$value, E> {
            let $rendered = v.to_string();
            $make
        }
        fn visit_u128<E: de::Error>($this, v: u128) -> Result<$value, E> {
            let $rendered = v.to_string();
            $make
        }
        fn visit_i128<E: de::Error>($this, v: i128) -> Result<$value, E> {
            let $rendered = v.to_string();
            $make
        }
        fn visit_f64<E: de::Error>($this, v: f64) -> Result<$value, E> {
            let $rendered = v.to_string();
            $make
        }
    };
}

fn custom<E: de::Error>(kind: ProblemKind) -> E {
    E::custom(kind)
}

/// [`scan_name`] flag: a character outside `A-Za-z0-9.-_:[]`.
const NOT_PLAIN: u8 = 1;
/// [`scan_name`] flag: a `[`, where a range may start.
const OPEN: u8 = 2;

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
fn scan_name(name: &str) -> u8 {
    name.bytes()
        .fold(0, |flags, b| flags | NAME_BYTES[usize::from(b)])
}

/// What makes a host name unusable, if anything.
pub fn host_name_problem(name: &str) -> Option<&'static str> {
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

impl<'de: 's, 's> Deserialize<'de> for Versions<'s> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionsVisitor;
        impl<'de> Visitor<'de> for VersionsVisitor {
            type Value = Versions<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of version name -> hosts")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Versions<'de>, E> {
                Ok(Versions::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Versions<'de>, A::Error> {
                let mut versions: Vec<(String, VersionSpec)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                let mut names = 0;
                while let Some(name) = map.next_key_seed(UniqueKey {
                    seen: &mut seen,
                    var_name: false,
                })? {
                    let spec = map.next_value::<VersionSpec>()?;
                    let body = &spec.body;
                    names += body.hosts.as_ref().map_or(0, |l| l.hosts.len() as u64);
                    names += body.exclude.as_ref().map_or(0, HostPatterns::names);
                    check_host_count(names)?;
                    versions.push((name, spec));
                }
                Ok(Versions(versions))
            }
        }
        deserializer.deserialize_any(VersionsVisitor)
    }
}

impl JsonSchema for Versions<'_> {
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

/// Reads a mapping key as text and fails there if it was seen before (or, for a
/// var name, if it is in the `regal_` namespace that regal-inventory sets itself).
struct UniqueKey<'s> {
    seen: &'s mut std::collections::HashSet<String>,
    var_name: bool,
}

impl<'de> DeserializeSeed<'de> for UniqueKey<'_> {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for UniqueKey<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        if self.var_name && key.starts_with("regal_") {
            return Err(custom(ProblemKind::ReservedVar {
                var: key.to_string(),
            }));
        }
        if !self.seen.insert(key.to_string()) {
            return Err(custom(ProblemKind::DuplicateKey {
                key: key.to_string(),
            }));
        }
        Ok(key.to_string())
    }
}

impl<'de: 's, 's> Deserialize<'de> for VersionSpec<'s> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpecVisitor;
        impl<'de> Visitor<'de> for SpecVisitor {
            type Value = VersionSpec<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "hosts as a comma-separated string or a list, or a mapping with `hosts:`",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<VersionSpec<'de>, A::Error> {
                let body = VersionBody::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(VersionSpec {
                    body,
                    shorthand: false,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<VersionSpec<'de>, A::Error> {
                shorthand(HostListVisitor.visit_seq(seq)?)
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                text: &'de str,
            ) -> Result<VersionSpec<'de>, E> {
                shorthand(HostListVisitor.visit_borrowed_str(text)?)
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<VersionSpec<'de>, E> {
                shorthand(HostListVisitor.visit_str(text)?)
            }
            fn visit_unit<E: de::Error>(self) -> Result<VersionSpec<'de>, E> {
                shorthand(HostList::default())
            }
            visit_non_string!(self => VersionSpec<'de>, |rendered| shorthand(HostList::non_string(rendered)));
        }
        fn shorthand<E>(hosts: HostList) -> Result<VersionSpec, E> {
            Ok(VersionSpec {
                body: VersionBody {
                    hosts: Some(hosts),
                    ..VersionBody::default()
                },
                shorthand: true,
            })
        }
        deserializer.deserialize_any(SpecVisitor)
    }
}

impl JsonSchema for VersionSpec<'_> {
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

impl HostList<'_> {
    fn non_string(value: impl ToString) -> Self {
        let mut list = HostList::default();
        list.push_non_string(value, None);
        list
    }
}

struct HostListVisitor;

impl<'de> Visitor<'de> for HostListVisitor {
    type Value = HostList<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("hosts as a comma-separated string or a list")
    }
    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<HostList<'de>, E> {
        HostList::read_whole_string(text)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<HostList<'de>, E> {
        Ok(HostList::read_whole_string(text)?.into_owned())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HostList<'de>, A::Error> {
        let mut list = HostList::default();
        let mut item = 0;
        while seq
            .next_element_seed(HostItem {
                item,
                list: &mut list,
                written: None,
            })?
            .is_some()
        {
            item += 1;
        }
        Ok(list)
    }
    fn visit_unit<E: de::Error>(self) -> Result<HostList<'de>, E> {
        Ok(HostList::default())
    }
    visit_non_string!(self => HostList<'de>, |rendered| Ok(HostList::non_string(rendered)));
}

impl<'de: 's, 's> Deserialize<'de> for HostList<'s> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(HostListVisitor)
    }
}

impl JsonSchema for HostList<'_> {
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

/// Most hosts a strategy may name, ranges expanded. Lists are checked before
/// each range expands, versions as they are read, so a few short ranges cannot
/// exhaust memory (at most twice this many names are ever built).
pub const MAX_HOSTS: u64 = hostrange::MAX_EXPANSION;

/// Whether `entry` fits after `listed` names, before it is expanded.
fn check_room<E: de::Error>(listed: usize, entry: &str) -> Result<(), E> {
    let more = hostrange::count(entry);
    // An entry too large by itself is reported by `checked_names`, naming it.
    if more > hostrange::MAX_EXPANSION {
        return Ok(());
    }
    check_host_count(listed as u64 + more)
}

fn check_host_count<E: de::Error>(names: u64) -> Result<(), E> {
    if names > MAX_HOSTS {
        return Err(custom(ProblemKind::TooManyHosts { limit: MAX_HOSTS }));
    }
    Ok(())
}

/// The names one written entry stands for: checked, ranges expanded.
fn checked_names<E: de::Error>(entry: &str) -> Result<Vec<String>, E> {
    if let Some(why) = host_name_problem(entry) {
        return Err(bad_host_name(entry, why));
    }
    hostrange::expand(entry).map_err(|why| {
        custom(ProblemKind::BadRange {
            entry: entry.to_string(),
            why,
        })
    })
}

fn bad_host_name<E: de::Error>(entry: &str, why: &'static str) -> E {
    custom(ProblemKind::BadHostName {
        host: entry.to_string(),
        why,
    })
}

/// Reads one list item (`name`, or `name: {vars}`) and appends its hosts.
struct HostItem<'h, 's> {
    item: usize,
    list: &'h mut HostList<'s>,
    /// Where to keep the name as written, ranges unexpanded (for `exclude:`).
    written: Option<&'h mut String>,
}

impl HostItem<'_, '_> {
    fn push_non_string<E>(self, value: impl ToString) -> Result<(), E> {
        self.list.push_non_string(value, Some(self.item));
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for HostItem<'_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HostItem<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a host name, or `name: {host vars}`")
    }
    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<(), E> {
        if let Some(written) = self.written {
            written.push_str(name);
        }
        self.list
            .push_entry(Cow::Borrowed(name), None, Some(self.item))
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<(), E> {
        if let Some(written) = self.written {
            written.push_str(name);
        }
        self.list
            .push_entry(Cow::Owned(name.to_string()), None, Some(self.item))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(name) = map.next_key::<String>()? else {
            return Err(custom(ProblemKind::EmptyHostEntry {
                entry: "{}".to_string(),
            }));
        };
        let vars = map.next_value::<Option<VarMap>>()?;
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(custom(ProblemKind::HostEntryWithTwoKeys));
        }
        // Rebuilt at its size: a map grown insert by insert keeps room for three
        // vars, 224 bytes a host for the usual one (a million hosts with vars).
        let vars = vars
            .filter(|v| !v.0.is_empty())
            .map(|v| Box::new(v.0.into_iter().collect()));
        if let Some(written) = self.written {
            written.push_str(&name);
        }
        self.list
            .push_entry(Cow::Owned(name), vars, Some(self.item))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(custom(ProblemKind::EmptyHostEntry {
            entry: "an empty list item".to_string(),
        }))
    }
    visit_non_string!(self => (), |rendered| self.push_non_string(rendered));
}

impl<'de> Deserialize<'de> for HostPatterns {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PatternsVisitor)
    }
}

/// Reads `exclude:` like a host list, but keeps each entry as written
/// (`db[1:2]`, not the `db1` it expands to first), so that a message about an
/// entry quotes it, and a range that matches nothing is one problem.
struct PatternsVisitor;

impl<'de> Visitor<'de> for PatternsVisitor {
    type Value = HostPatterns;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("host names or ranges, as a comma-separated string or a list")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<HostPatterns, E> {
        let mut patterns = Vec::new();
        if text.trim().is_empty() {
            return Ok(HostPatterns(patterns));
        }
        let mut count = 0;
        for entry in text.split(',').map(str::trim) {
            if entry.is_empty() {
                return Err(custom(ProblemKind::EmptyHostEntry {
                    entry: text.to_string(),
                }));
            }
            check_room(count, entry)?;
            let names = checked_names(entry)?;
            count += names.len();
            patterns.push(HostPattern {
                written: entry.to_string(),
                names,
                item: None,
            });
        }
        Ok(HostPatterns(patterns))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HostPatterns, A::Error> {
        // One list for all items, so that its host count bounds them together.
        let mut list = HostList::default();
        let mut entries = Vec::new();
        loop {
            let mut written = String::new();
            let seed = HostItem {
                item: entries.len(),
                list: &mut list,
                written: Some(&mut written),
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            entries.push((written, list.hosts.len()));
        }
        let mut names = list.hosts.into_iter().map(|h| h.name.into_owned());
        let mut start = 0;
        let mut patterns = Vec::with_capacity(entries.len());
        for (item, (written, end)) in entries.into_iter().enumerate() {
            let names: Vec<String> = names.by_ref().take(end - start).collect();
            start = end;
            patterns.push(HostPattern {
                // A number or boolean: YAML's rendering is all there is.
                written: if written.is_empty() {
                    names.concat()
                } else {
                    written
                },
                names,
                item: Some(item),
            });
        }
        Ok(HostPatterns(patterns))
    }
    fn visit_unit<E: de::Error>(self) -> Result<HostPatterns, E> {
        Ok(HostPatterns::default())
    }
    visit_non_string!(self => HostPatterns, |rendered| Ok(HostPatterns::single(rendered)));
}

impl HostPatterns {
    /// How many host names the entries stand for.
    pub fn names(&self) -> u64 {
        self.0.iter().map(|p| p.names.len() as u64).sum()
    }

    fn single(value: impl ToString) -> HostPatterns {
        let name = value.to_string();
        HostPatterns(vec![HostPattern {
            written: name.clone(),
            names: vec![name],
            item: None,
        }])
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

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SizeVisitor;
        impl<'de> Visitor<'de> for SizeVisitor {
            type Value = Size;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a host count >= 1 or a percentage like \"25%\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Size, E> {
                if v == 0 {
                    return Err(E::custom(
                        "a batch size of 0 would be an empty batch; use a count >= 1 or a percentage like \"25%\"",
                    ));
                }
                Ok(Size::Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Size, E> {
                self.visit_i128(v.into())
            }
            // YAML integers past the 64-bit range arrive here.
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Size, E> {
                Err(size_too_large(v))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Size, E> {
                Err(E::custom(format!(
                    "a batch size cannot be negative ({v}); use a count >= 1 or a percentage like \"25%\""
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Size, E> {
                Err(E::custom(format!(
                    "a batch size is a whole number of hosts, not {v}; use a count >= 1 or a percentage like \"25%\""
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Size, E> {
                let text = v.trim();
                if let Some(number) = text.strip_suffix('%') {
                    return match number.trim().parse::<u8>() {
                        Ok(pct @ 1..=100) => Ok(Size::Percent(pct)),
                        _ => Err(E::custom(format!(
                            "`{v}` is not a usable percentage; use a whole percentage from \"1%\" to \"100%\""
                        ))),
                    };
                }
                match text.parse::<u64>() {
                    Ok(count) => self.visit_u64(count),
                    Err(_) if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() => {
                        Err(size_too_large(text))
                    }
                    Err(_) => Err(E::custom(format!(
                        "`{v}` is not a batch size; use a count >= 1 (e.g. 2) or a percentage like \"25%\""
                    ))),
                }
            }
        }
        deserializer.deserialize_any(SizeVisitor)
    }
}

fn size_too_large<E: de::Error>(count: impl fmt::Display) -> E {
    E::custom(format!(
        "a batch size of {count} hosts is more than any fleet; use a count >= 1, or \"100%\" for all hosts at once"
    ))
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

/// "1%".."100%" or a count >= 1 written as text, spaces around allowed.
const PERCENT_OR_COUNT: &str = r"^\s*(0*([1-9][0-9]?|100)\s*%|0*[1-9][0-9]*)\s*$";

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecondsVisitor;
        impl<'de> Visitor<'de> for SecondsVisitor {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of seconds >= 0")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                Ok(Seconds(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds, E> {
                self.visit_i128(v.into())
            }
            // YAML integers past the 64-bit range arrive here.
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Seconds, E> {
                Err(E::custom(format!(
                    "a pause of {v} seconds is longer than any rollout; use a whole number of seconds >= 0"
                )))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Seconds, E> {
                Err(E::custom(format!(
                    "a pause cannot be negative ({v}); use a whole number of seconds >= 0"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Seconds, E> {
                Err(E::custom(format!(
                    "a pause is a whole number of seconds, not {v}"
                )))
            }
        }
        deserializer.deserialize_any(SecondsVisitor)
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

impl<'de> Deserialize<'de> for Priority {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PriorityVisitor;
        impl<'de> Visitor<'de> for PriorityVisitor {
            type Value = Priority;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a version name or a list of version names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Priority, E> {
                Ok(Priority {
                    names: vec![Text::Text(v.to_string())],
                    single: true,
                })
            }
            visit_non_string!(self => Priority, |rendered| Ok(Priority::non_string(rendered)));
            fn visit_unit<E: de::Error>(self) -> Result<Priority, E> {
                Ok(Priority {
                    names: Vec::new(),
                    single: false,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Priority, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<Text>()? {
                    names.push(name);
                }
                Ok(Priority {
                    names,
                    single: false,
                })
            }
        }
        deserializer.deserialize_any(PriorityVisitor)
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

impl Priority {
    fn non_string(value: impl ToString) -> Priority {
        Priority {
            names: vec![Text::NonString(value.to_string())],
            single: true,
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Text(v.to_string()))
            }
            visit_non_string!(self => Text, |rendered| Ok(Text::NonString(rendered)));
        }
        deserializer.deserialize_any(TextVisitor)
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

impl<'de> Deserialize<'de> for GroupName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Checked inside the visitor, so the error carries the name's position.
        struct GroupVisitor;
        impl<'de> Visitor<'de> for GroupVisitor {
            type Value = GroupName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an Ansible group name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<GroupName, E> {
                if !is_group_name(name) {
                    return Err(custom(ProblemKind::BadGroupName {
                        group: name.to_string(),
                    }));
                }
                Ok(GroupName(name.to_string()))
            }
        }
        deserializer.deserialize_str(GroupVisitor)
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

/// Whether Ansible takes `name` as a group name unchanged: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_group_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl<'de> Deserialize<'de> for VarMap {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VarsVisitor;
        impl<'de> Visitor<'de> for VarsVisitor {
            type Value = VarMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of var name -> value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<VarMap, E> {
                Ok(VarMap::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<VarMap, A::Error> {
                let mut vars = Vars::new();
                let mut seen = std::collections::HashSet::new();
                while let Some(name) = map.next_key_seed(UniqueKey {
                    seen: &mut seen,
                    var_name: true,
                })? {
                    let value = map.next_value::<serde_json::Value>()?;
                    vars.insert(name, value);
                }
                Ok(VarMap(vars))
            }
        }
        deserializer.deserialize_any(VarsVisitor)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names<'l>(list: &'l HostList) -> Vec<&'l str> {
        list.hosts.iter().map(|h| h.name.as_ref()).collect()
    }

    proptest! {
        /// A host string read in halves gives the hosts of reading it in one
        /// piece; where the halves give up, the one piece decides.
        #[test]
        fn halves_read_as_one_piece(
            entries in prop::collection::vec(
                prop_oneof![8 => "[a-c]{1,3}", 2 => "w[1:3]", 2 => "wé|☃x| y ", 1 => "|a b"],
                0..40,
            ),
        ) {
            let text = entries.join(",");
            let whole = HostList::read_string::<de::value::Error>(&text, &text);
            if let Some(halves) = HostList::read_string_in_halves(&text) {
                let whole = whole.expect("what the halves read, the whole reads");
                prop_assert_eq!(names(&halves), names(&whole));
                prop_assert_eq!(halves.odd_names, whole.odd_names);
                prop_assert!(halves.items.is_empty() && halves.non_string.is_empty());
            }
        }
    }
}
