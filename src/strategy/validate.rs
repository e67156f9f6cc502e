//! The validator: walks the YAML tree once, reads every key into the values a
//! [`Strategy`] holds, and records every problem with its place and goes on.
//! Checks across nodes (a host listed twice, clashing groups, exclusions,
//! priority) follow on the values read. Every message is worded in
//! [`crate::error`].
//!
//! Names are the scalar's text as written (`1.10` is the host `1.10`, never
//! the number 1.1), whatever its style or tag. Var values resolve by YAML 1.1
//! as ansible-core reads them ([`crate::yaml11`]).
//!
//! Host lists take measured fast paths (docs/READER.md, "How host vars are
//! held"): a compact list's items are read from their spans, and a host's vars
//! are rendered to JSON text at once, for the usual host straight from the
//! scalars as written. [`validate_as`] without them is the reference the
//! tests and fuzz targets compare them with.

use super::file::{self, HostPattern, Order, RolloutKeys, Seconds, Size, Vars};
use super::shaped::KeptScratch;
use super::{
    Domains, HALVES_FROM_HOSTS, Host, HostVarsText, HostsFrom, MAX_PROBLEMS, Rollout, Strategy,
    VarsId, Version, derived_group_stem, group_name_for, name_hash, repeated, version_name_problem,
};
use crate::error::{Location, NameOf, Problem, ProblemKind, excerpt};
use crate::external::PatternProblem;
use crate::tree::{
    HostItem, HostPairs, HostSeq, Kind, LineIndex, Node, Scalar, Span, Style, VarSpans, Written,
    WrittenValue,
};
use crate::verify::{self, CheckSpec, Verify, VerifyProblem};
use crate::yaml11::{NotResolved, Plain};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::mem::MaybeUninit;
use std::ops::Range;
use std::sync::Arc;

mod vars_beside;

/// The keys every level takes: defaults at the top, overrides in a version.
pub const ROLLOUT_KEYS: [&str; 16] = [
    "schedule",
    "combine",
    "batches",
    "order",
    "salt",
    "spread",
    "domain_at_a_time",
    "exclude",
    "pause_after_canary",
    "pause_between_batches",
    "confirm_after_canary",
    "canary_vars",
    "batch_vars",
    "verify",
    "bake",
    "bake_last",
];

/// The keys of the top level, in the schema's order.
pub fn top_keys() -> Vec<&'static str> {
    [
        &["versions", "priority", "vars", "plugin", "binary"][..],
        &ROLLOUT_KEYS,
    ]
    .concat()
}

/// The values `plugin:` may have: the `regal` inventory plugin's names.
pub const PLUGIN_NAMES: [&str; 2] = ["regal", "regal.inventory.regal"];

/// The keys of a version written as a mapping, in the schema's order.
pub fn version_keys() -> Vec<&'static str> {
    [&["hosts", "hosts_from", "group", "vars"][..], &ROLLOUT_KEYS].concat()
}

/// Host strings from this many bytes are read in two halves at once. Short
/// under tests and fuzzing, so that these read nearly every string in halves.
const HALVES_FROM_BYTES: usize = if cfg!(any(test, fuzzing)) {
    16
} else {
    1 << 20
};

/// Validates the tree of `src` into a strategy, or every problem found.
pub fn validate<'s>(
    src: &'s str,
    root: &Node<'s>,
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Vec<Problem>> {
    validate_as(src, root, hosts_from, true)
}

/// [`validate`] without the fast paths for host lists (`fast` false): every
/// item read as a node, every host's vars read into a map and rendered by
/// `serde_json`. The reference the tests and fuzz targets compare with.
pub fn validate_as<'s>(
    src: &'s str,
    root: &Node<'s>,
    hosts_from: HostsFrom,
    fast: bool,
) -> Result<Strategy<'s>, Vec<Problem>> {
    let mut validator = Validator::new(src, fast, hosts_from);
    let strategy = validator.root(root);
    match strategy {
        Some(strategy) if validator.problems.is_empty() && validator.unlisted == 0 => Ok(strategy),
        _ => Err(validator.into_problems()),
    }
}

/// The place of a problem: where a problem found in `src` is, for messages.
pub fn locate(src: &str, at: usize) -> Location {
    LineIndex::new(src).location(at)
}

/// The problem for a YAML syntax error at `at`. Two commas with nothing
/// between in a flow list (`[a,,b]`, `[,a]`), which YAML refuses, are an
/// empty item: said so, as for `- ` alone in a block list, and as a host
/// entry where the list is a version's hosts or an `exclude`.
pub fn syntax_problem(src: &str, at: usize, message: String) -> ProblemKind {
    const NO_NODE: &str = "while parsing a node, did not find expected node content";
    let before = src.get(..at).unwrap_or_default();
    let empty_item = message == NO_NODE
        && src.as_bytes().get(at) == Some(&b',')
        && matches!(before.trim_end().bytes().last(), Some(b',' | b'['));
    if !empty_item {
        return ProblemKind::Yaml(message);
    }
    ProblemKind::EmptyFlowItem {
        hosts: in_host_list(before),
    }
}

/// Whether the flow collection open at the end of `before` is a list of
/// hosts: the value of `hosts:` or `exclude:`, or of a key under
/// `versions:` (a version's hosts). A guess from the text, for wording only.
fn in_host_list(before: &str) -> bool {
    // The innermost bracket still open (quoted brackets are not told apart).
    let mut depth = 0usize;
    let mut open = None;
    for (i, b) in before.bytes().enumerate().rev() {
        match b {
            b']' | b'}' => depth += 1,
            b'[' | b'{' if depth > 0 => depth -= 1,
            b'[' | b'{' => {
                open = Some((i, b));
                break;
            }
            _ => {}
        }
    }
    let Some((open, b'[')) = open else {
        return false;
    };
    // `key: [` on the bracket's line, or `{key: [` inside a flow mapping.
    let line_start = before[..open].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let Some(head) = before[line_start..open].trim_end().strip_suffix(':') else {
        return false;
    };
    let key_start = head.rfind(['{', ',']).map_or(0, |i| i + 1);
    let key = head[key_start..].trim().trim_start_matches("- ");
    if key == "hosts" || key == "exclude" {
        return true;
    }
    let outer = head[..key_start].trim_end();
    if !outer.is_empty() {
        return outer
            .strip_suffix('{')
            .map(str::trim_end)
            .is_some_and(|o| o.ends_with("versions:"));
    }
    // A block key: its parent is the nearest line above indented less.
    let indent = head.len() - head.trim_start().len();
    let parent = before[..line_start]
        .lines()
        .rev()
        .map(|line| (line.len() - line.trim_start().len(), line.trim()))
        .filter(|(_, text)| !text.is_empty() && !text.starts_with('#'))
        .find(|&(parent_indent, _)| parent_indent < indent);
    parent.is_some_and(|(_, text)| {
        text.split('#').next().unwrap_or_default().trim_end() == "versions:"
    })
}

pub(super) struct Validator<'s, 'e> {
    src: &'s str,
    /// Whether host lists take the fast paths (see [`validate_as`]).
    fast: bool,
    hosts_from: HostsFrom<'e>,
    lines: OnceCell<LineIndex<'s>>,
    /// The first `MAX_PROBLEMS` problems found.
    problems: Vec<Problem>,
    /// How many more were found: a file with a million duplicate hosts
    /// should not hold a million messages.
    unlisted: usize,
    /// How many times a problem was reported, a repeat of one listed
    /// too: vars rendered without a report may be shared by the hosts that
    /// name them through an alias (see [`Validator::aliased_host`]).
    reports: usize,
    /// Host names read so far, ranges expanded (bounded by `MAX_HOSTS`).
    names: u64,
    too_many: bool,
    /// The host var that labels failure domains in the version being read,
    /// and the labels its hosts gave so far as written, with their numbers
    /// (other values, then strings to ansible-core).
    domain_label: Option<String>,
    domain_labels: [HashMap<Box<str>, u32>; 2],
    /// How many `!unsafe` collections the var value being read is inside:
    /// every string in one is unsafe, as ansible-core reads it.
    unsafe_depth: u32,
    /// The version whose rollout is being resolved, for messages.
    version_here: Option<String>,
}

/// The keys found in one mapping, each with its key node and value.
struct Fields<'t, 's> {
    found: Vec<(&'static str, &'t Node<'s>, &'t Node<'s>)>,
}

impl<'t, 's> Fields<'t, 's> {
    fn get(&self, name: &str) -> Option<&'t Node<'s>> {
        (self.found.iter())
            .find(|(n, _, _)| *n == name)
            .map(|&(_, _, value)| value)
    }

    /// Where the key itself is.
    fn key_at(&self, name: &str) -> Option<usize> {
        (self.found.iter())
            .find(|(n, _, _)| *n == name)
            .map(|(_, key, _)| key.span.start())
    }

    /// Where the value is, else the key.
    fn value_at(&self, name: &str) -> Option<usize> {
        (self.found.iter())
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, value)| value.span.start())
    }
}

/// The rollout keys of one level as read, and where they are.
struct Level<'t, 's> {
    keys: RolloutKeys,
    fields: Fields<'t, 's>,
}

/// Hosts read from one node, with what it takes to place each one.
#[derive(Default)]
struct HostsRead<'t, 's> {
    hosts: Vec<Host<'s>>,
    /// For the hosts whose name is neither a slice of the source nor of a
    /// list in `decoded` (a range, an escaped name copied, `hosts_from`):
    /// (index of the first host of an entry, byte offset of the entry), in
    /// order.
    owned_at: Vec<(u32, u32)>,
    /// The host list read, when it keeps names that are not their text as
    /// written in a `Texts`: such names are placed by it.
    decoded: Option<&'t HostSeq<'s>>,
    /// Whether a name may hold a byte other than letters, digits and `.-_:]`.
    odd_names: bool,
    /// Whether an entry was reported (so "no hosts" would only repeat it).
    failed: bool,
    /// The hosts' own vars, as JSON text.
    vars: HostVarsText<'s>,
}

impl HostsRead<'_, '_> {
    /// Where host `index` is written.
    fn at(&self, src: &str, index: usize) -> usize {
        let name = &self.hosts[index].name;
        if in_source(src, name) {
            return name.as_ptr() as usize - src.as_ptr() as usize;
        }
        if let Some(at) = self.decoded_place(name) {
            return at;
        }
        let entry = self
            .owned_at
            .partition_point(|&(first, _)| first as usize <= index);
        entry
            .checked_sub(1)
            .map_or(0, |entry| self.owned_at[entry].1 as usize)
    }

    /// Where a name borrowed from the decoded names of the list read is.
    fn decoded_place(&self, name: &str) -> Option<usize> {
        self.decoded?.decoded_place(name)
    }
}

/// One version as read, its hosts resolved, before the checks across versions.
struct Draft<'t, 's> {
    name: String,
    /// Where its name is.
    at: usize,
    body: Option<Fields<'t, 's>>,
    keys: RolloutKeys,
    hosts_from: Option<String>,
    group: Option<String>,
    vars: Vars,
    hosts_unknown: bool,
    read: HostsRead<'t, 's>,
}

/// A YAML number as a plain scalar may spell it (YAML 1.2 core, as sizes and
/// pauses are read).
enum Number {
    Int(i128),
    /// Past 128 bits; negative or not.
    Huge(bool),
    Float,
    Text,
}

/// Stores a key's value read on its own; whether it could be read.
fn read<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    *slot = value;
    slot.is_some()
}

/// A var name ansible-core accepts (`validate_variable_name`): an ASCII
/// identifier that is not one of Jinja's constants.
fn is_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !["true", "false", "none", "True", "False", "None"].contains(&name)
}

/// A plain setting that YAML 1.1 (ansible-core, Regal 1.3) and YAML 1.2
/// (editors, the schema) read as different numbers, or as a number and a
/// text: `010` (8 or 10), `0o10`, `1_000`, `1:30`, `0b11`. The two
/// readings, worded, or None when they agree or neither is a whole number.
fn two_readings(text: &str) -> Option<(String, String)> {
    use serde_json::Value;
    let yaml11 = crate::yaml11::resolve_plain(text).ok()?;
    let yaml12 = number(text);
    let word = |n: &dyn std::fmt::Display| n.to_string();
    match (&yaml11, yaml12) {
        (Value::Number(a), Number::Int(b)) if a.as_i64().map(i128::from) == Some(b) => None,
        (Value::Number(a), Number::Int(b)) if a.as_u64().map(i128::from) == Some(b) => None,
        (Value::Number(a), Number::Int(b)) => Some((word(a), word(&b))),
        // A fraction in either reading is no whole number in both: the
        // setting's own message says so.
        (Value::Number(a), Number::Float | Number::Text) if a.is_f64() => None,
        (Value::Number(a), Number::Float) => Some((word(a), word(&"a fraction"))),
        (Value::Number(a), Number::Text) => Some((word(a), word(&"text"))),
        (Value::String(_), Number::Int(b)) => Some((word(&"text"), word(&b))),
        _ => None,
    }
}

/// A tag in its short form: `!!str` for YAML's own, `!unsafe` for a local
/// one. The parser shows a tag as handle, `!`, suffix: `!!str` as
/// `tag:yaml.org,2002:!str`, and a verbatim one with an empty handle
/// (`!<!unsafe>` as `!!unsafe`, `!<tag:yaml.org,2002:str>` as
/// `!tag:yaml.org,2002:str`).
fn short_tag(shown: &str) -> String {
    match short_tag_parts(shown) {
        (true, name) => format!("!!{name}"),
        (false, tag) => tag.to_string(),
    }
}

/// Whether `shown`'s [`short_tag`] is `short`, without making it (a tag on
/// each of a million names: `!!str web1`).
fn is_short_tag(shown: &str, short: &str) -> bool {
    match short_tag_parts(shown) {
        (true, name) => short.strip_prefix("!!") == Some(name),
        (false, tag) => tag == short,
    }
}

/// [`short_tag`] in parts: `(true, name)` for YAML's own tag `!!name`, else
/// `(false, tag)` for the tag as it is shown.
fn short_tag_parts(shown: &str) -> (bool, &str) {
    const YAML: &str = "tag:yaml.org,2002:";
    let verbatim = shown.strip_prefix('!');
    let tag = verbatim
        .filter(|t| t.starts_with(YAML) || t.starts_with('!'))
        .unwrap_or(shown);
    match tag.strip_prefix(YAML) {
        Some(name) => (true, name.trim_start_matches('!')),
        None => (false, tag),
    }
}

/// What a batch size is, for a value of the wrong type.
const SIZE_EXPECTED: &str = "a host count >= 1 or a percentage like \"25%\"";

fn number(text: &str) -> Number {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, body) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex)
    } else if let Some(oct) = digits.strip_prefix("0o") {
        (8, oct)
    } else {
        (10, digits)
    };
    if !body.is_empty() && body.chars().all(|c| c.is_digit(radix)) {
        return match u128::from_str_radix(body, radix) {
            Ok(n) if n <= i128::MAX as u128 => {
                Number::Int(if negative { -(n as i128) } else { n as i128 })
            }
            _ => Number::Huge(negative),
        };
    }
    let lower = text.to_ascii_lowercase();
    let special = matches!(lower.trim_start_matches(['-', '+']), ".inf" | ".nan");
    let float_like = text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && text.parse::<f64>().is_ok();
    if special || float_like {
        Number::Float
    } else {
        Number::Text
    }
}

/// The edit distance of two short texts.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != b[j]))
                .min(row[j] + 1)
                .min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

/// The known key closest to `key`, if one is close enough to be a typo.
fn suggestion(key: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|&(d, k)| d <= 2.max(k.len() / 4) && d < k.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

impl<'s, 'e> Validator<'s, 'e> {
    /// A validator of `src` that has read nothing yet.
    fn new(src: &'s str, fast: bool, hosts_from: HostsFrom<'e>) -> Validator<'s, 'e> {
        Validator {
            src,
            fast,
            hosts_from,
            lines: OnceCell::new(),
            problems: Vec::new(),
            unlisted: 0,
            reports: 0,
            names: 0,
            too_many: false,
            domain_label: None,
            domain_labels: Default::default(),
            unsafe_depth: 0,
            version_here: None,
        }
    }
}

impl<'s> Validator<'s, '_> {
    fn location(&self, at: usize) -> Location {
        self.lines
            .get_or_init(|| LineIndex::new(self.src))
            .location(at)
    }

    fn report(&mut self, at: usize, kind: ProblemKind) {
        self.reports += 1;
        if self.listing() {
            let location = Some(self.location(at));
            let problem = Problem { location, kind };
            // A node used again through an alias is checked again: one line each.
            if !self.problems.contains(&problem) {
                self.problems.push(problem);
            }
        } else {
            self.unlisted += 1;
        }
    }

    /// Whether a problem reported now is listed (else only counted), so a
    /// costly detail need not be built.
    fn listing(&self) -> bool {
        self.problems.len() < MAX_PROBLEMS
    }

    /// Problems in file order, then the count of those not listed.
    fn into_problems(self) -> Vec<Problem> {
        let mut problems = self.problems;
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

    /// Whether a plain scalar read as a number means one thing to
    /// ansible-core and another to YAML 1.2; reported if so.
    fn two_numbers(&mut self, node: &Node<'s>) -> bool {
        let Some(scalar) = node.scalar().filter(|s| s.is_plain()) else {
            return false;
        };
        let Some((yaml11, yaml12)) = two_readings(&scalar.value) else {
            return false;
        };
        let text = scalar.value.to_string();
        let kind = ProblemKind::TwoReadings {
            text,
            yaml11,
            yaml12,
        };
        self.report(node.span.start(), kind);
        true
    }

    fn wrong_type(&mut self, node: &Node, expected: &'static str) {
        let found = node.describe();
        self.report(
            node.span.start(),
            ProblemKind::WrongType { found, expected },
        );
    }

    /// The known keys of a mapping; reports keys not known, keys that are not
    /// names, and keys written twice.
    fn fields<'t>(
        &mut self,
        entries: &'t [(Node<'s>, Node<'s>)],
        known: &[&'static str],
    ) -> Fields<'t, 's> {
        let mut found = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (key, value) in entries {
            let Some(name) = key.scalar().map(|s| s.value.as_ref()) else {
                self.wrong_type(key, "a key name");
                continue;
            };
            if self.duplicate(&mut seen, name, key.span.start()) {
                continue;
            }
            match known.iter().find(|k| **k == name) {
                Some(&k) => found.push((k, key, value)),
                None => {
                    let kind = ProblemKind::UnknownKey {
                        key: name.to_string(),
                        suggestion: suggestion(name, known),
                        expected: known.to_vec(),
                    };
                    self.report(key.span.start(), kind);
                }
            }
        }
        Fields { found }
    }

    /// Whether `key` is YAML's merge key (`<<: *defaults`), which is not
    /// applied: reported, so that a var does not silently mean something else.
    fn merge_key(&mut self, key: &Node<'s>) -> bool {
        let merge = key
            .scalar()
            .is_some_and(|s| s.is_plain() && s.value == "<<");
        if merge {
            self.report(key.span.start(), ProblemKind::MergeKey);
        }
        merge
    }

    /// Whether `name` was seen before in this mapping (and reports it if so).
    fn duplicate<'n>(
        &mut self,
        seen: &mut HashMap<&'n str, usize>,
        name: &'n str,
        at: usize,
    ) -> bool {
        match seen.entry(name) {
            Entry::Vacant(slot) => {
                slot.insert(at);
                false
            }
            Entry::Occupied(first) => {
                self.report_duplicate(name, *first.get(), at);
                true
            }
        }
    }

    /// Reports key `name` at `at`, written before at `first`.
    fn report_duplicate(&mut self, name: &str, first: usize, at: usize) {
        let kind = ProblemKind::DuplicateKey {
            key: name.to_string(),
            first: self.listing().then(|| self.location(first)),
        };
        self.report(at, kind);
    }

    /// A name as written, or None for a null or a node that is no name.
    fn name(&mut self, node: &Node<'s>, expected: &'static str) -> Option<String> {
        match node.scalar() {
            Some(s) if s.is_null() => None,
            Some(s) => Some(s.value.to_string()),
            None => {
                self.wrong_type(node, expected);
                None
            }
        }
    }

    /// A label (a host var name): as written, not empty.
    fn label(&mut self, node: &Node<'s>, key: &'static str) -> Option<String> {
        let label = self.name(node, "a host var name")?;
        if label.is_empty() {
            self.report(node.span.start(), ProblemKind::EmptyName { key });
            return None;
        }
        Some(label)
    }

    /// Whether a name is written as YAML's null (`~`, `null`, `Null`,
    /// `NULL`, or tagged `!!null`), reported if so. ansible-core refuses such
    /// a host (tests/plugin.rs, `null_host_names_are_refused_as_ansible_core_refuses_them`);
    /// a quoted `'~'` is a name as written. An empty name, null too to YAML,
    /// is left to the caller: it is an empty item or an empty name.
    fn null_name(&mut self, scalar: &Scalar<'s>, at: usize, of: NameOf) -> bool {
        let tagged_null = (scalar.tag.as_deref()).is_some_and(|tag| is_short_tag(tag, "!!null"));
        if scalar.value.is_empty() || !(scalar.is_null() || tagged_null) {
            return false;
        }
        let text = match tagged_null {
            true => format!("!!null {}", scalar.value),
            false => scalar.value.to_string(),
        };
        self.report(at, ProblemKind::NullName { text, of });
        true
    }

    fn root(&mut self, root: &Node<'s>) -> Option<Strategy<'s>> {
        let Some(entries) = root.entries() else {
            self.wrong_type(root, "a mapping with a `versions:` key");
            return None;
        };
        let fields = self.fields(entries, &top_keys());
        let top = self.level(fields);
        let Some(versions) = top.fields.get("versions") else {
            self.report(
                root.span.start(),
                ProblemKind::MissingKey { key: "versions" },
            );
            return None;
        };
        let vars = match top.fields.get("vars") {
            Some(node) => self.vars(node).unwrap_or_default(),
            None => Vars::new(),
        };
        let priority = top
            .fields
            .get("priority")
            .and_then(|node| self.priority(node));
        // For Ansible only (this file read by the `regal` plugin): checked, not used.
        if let Some(node) = top.fields.get("plugin") {
            let expected = "`regal` or `regal.inventory.regal`";
            if let Some(name) = self.name(node, expected)
                && !PLUGIN_NAMES.contains(&name.as_str())
            {
                let text = format!(
                    "plugin: `{name}` is not the regal inventory plugin; use {expected}, or leave the key out"
                );
                self.report(node.span.start(), ProblemKind::Yaml(text));
            }
        }
        if let Some(node) = top.fields.get("binary") {
            self.name(
                node,
                "the regal-inventory executable, a path or a name in PATH",
            );
        }
        let versions_at = top.fields.key_at("versions").unwrap_or(0);
        let drafts = self.versions(versions, versions_at, &top.keys);
        let versions = self.cross_checks(drafts, &top);
        let priority = self.check_priority(priority, &versions);
        Some(Strategy {
            vars,
            versions,
            priority,
        })
    }

    /// The rollout keys of one level.
    fn level<'t>(&mut self, fields: Fields<'t, 's>) -> Level<'t, 's> {
        let mut keys = RolloutKeys::default();
        for &(name, _, node) in &fields.found {
            match name {
                "schedule" => keys.schedule = self.size(node),
                "combine" => keys.combine = self.size(node),
                "batches" => keys.batches = self.batches(node),
                "order" => keys.order = self.order(node),
                "salt" => keys.salt = self.name(node, "a text"),
                "spread" => keys.spread = self.label(node, "spread"),
                "domain_at_a_time" => keys.domain_at_a_time = self.label(node, "domain_at_a_time"),
                "exclude" => keys.exclude = self.patterns(node),
                "pause_after_canary" => keys.pause_after_canary = self.seconds(node),
                "pause_between_batches" => keys.pause_between_batches = self.seconds(node),
                "confirm_after_canary" => keys.confirm_after_canary = self.boolean(node),
                "canary_vars" => keys.canary_vars = self.vars(node),
                "batch_vars" => keys.batch_vars = self.vars(node),
                "verify" => keys.verify.verify = self.checks(node).map(verify::Checks),
                "bake" => keys.verify.bake = self.typed_number(node),
                "bake_last" => keys.verify.bake_last = self.boolean(node),
                _ => {}
            }
        }
        // Keys that cannot go together at one level.
        if keys.batches.is_some() && (keys.schedule.is_some() || keys.combine.is_some()) {
            let at = fields.key_at("batches").unwrap_or(0);
            self.report(at, ProblemKind::BatchesWithScheduleOrCombine);
        }
        if keys.batches.as_ref().is_some_and(Vec::is_empty) {
            let at = fields.key_at("batches").unwrap_or(0);
            self.report(at, ProblemKind::EmptyBatches);
        }
        if keys.spread.is_some() && keys.domain_at_a_time.is_some() {
            let at = fields.key_at("domain_at_a_time").unwrap_or(0);
            self.report(at, ProblemKind::SpreadAndDomain);
        }
        Level { keys, fields }
    }

    /// A value of a type read by serde (`verify:` and `bake:`, see
    /// [`crate::verify`]), from the node as ansible-core would read it; a
    /// problem is placed at the node.
    fn typed<T: serde::de::DeserializeOwned>(&mut self, node: &Node<'s>) -> Option<T> {
        if node.is_null() {
            return None;
        }
        let read = match node
            .scalar()
            .filter(|s| s.is_plain())
            .map(|s| number(&s.value))
        {
            // Past 64 bits: JSON cannot carry it, so the type sees it as a
            // 128-bit integer and words its own range problem.
            Some(Number::Int(n)) if i64::try_from(n).is_err() && u64::try_from(n).is_err() => {
                T::deserialize(
                    serde::de::value::I128Deserializer::<serde::de::value::Error>::new(n),
                )
                .map_err(|e| e.to_string())
            }
            Some(Number::Huge(negative)) => {
                let n = if negative { i128::MIN } else { i128::MAX };
                T::deserialize(
                    serde::de::value::I128Deserializer::<serde::de::value::Error>::new(n),
                )
                .map_err(|e| e.to_string())
            }
            _ => {
                let value = self.value(node);
                serde_json::from_value(value).map_err(|e| e.to_string())
            }
        };
        match read {
            Ok(typed) => Some(typed),
            Err(error) => {
                self.report(node.span.start(), ProblemKind::Yaml(error));
                None
            }
        }
    }

    /// A number of a type read by serde, refused where YAML 1.1 and 1.2
    /// read it differently.
    fn typed_number<T: serde::de::DeserializeOwned>(&mut self, node: &Node<'s>) -> Option<T> {
        if self.two_numbers(node) {
            return None;
        }
        self.typed(node)
    }

    /// `status:` one code or a list, each code placed on its own.
    fn status(&mut self, node: &Node<'s>) -> Option<verify::Status> {
        let Some(items) = node.items() else {
            return self.typed_number(node);
        };
        let mut codes = Vec::new();
        let mut all = true;
        for item in items {
            // `typed` takes a null for "not given": in a list it is a hole.
            if item.is_null() {
                self.wrong_type(&item, "an HTTP status (e.g. 200)");
                all = false;
                continue;
            }
            match self.typed_number::<verify::Status>(&item) {
                Some(verify::Status(code)) => codes.extend(code),
                None => all = false,
            }
        }
        all.then_some(verify::Status(codes))
    }

    /// `verify:` checks: each key of a check read on its own, so that a
    /// problem is placed at the value at fault; then the rules across keys.
    fn checks(&mut self, node: &Node<'s>) -> Option<Vec<CheckSpec>> {
        if node.is_null() {
            return Some(Vec::new());
        }
        let Some(items) = node.items() else {
            self.wrong_type(node, "a list of checks such as `- http: <url>`");
            return None;
        };
        let mut checks = Vec::new();
        for item in items {
            let Some(entries) = item.entries() else {
                self.wrong_type(&item, "a check such as `http: <url>`");
                continue;
            };
            let fields = self.fields(entries, &verify::CHECK_KEYS);
            let mut check = CheckSpec::default();
            let mut whole = true;
            for &(name, _, value) in &fields.found {
                whole &= match name {
                    "http" => read(&mut check.http, self.typed(value)),
                    "tcp" => read(&mut check.tcp, self.typed(value)),
                    "command" => read(&mut check.command, self.typed(value)),
                    "status" => read(&mut check.status, self.status(value)),
                    "contains" => read(&mut check.contains, self.typed(value)),
                    "timeout" => read(&mut check.timeout, self.typed_number(value)),
                    "retries" => read(&mut check.retries, self.typed_number(value)),
                    "delay" => read(&mut check.delay, self.typed_number(value)),
                    _ => unreachable!("verify::CHECK_KEYS"),
                } || value.is_null();
            }
            // A key already reported would only add a confusing second problem.
            if whole {
                for (key, problem) in verify::check_problems(&check) {
                    let at = key
                        .and_then(|k| fields.key_at(k))
                        .unwrap_or(item.span.start());
                    self.report(at, ProblemKind::Verify(problem));
                }
            }
            checks.push(check);
        }
        Some(checks)
    }

    fn size(&mut self, node: &Node<'s>) -> Option<Size> {
        let Some(scalar) = node.scalar() else {
            self.wrong_type(node, SIZE_EXPECTED);
            return None;
        };
        if scalar.is_null() || self.two_numbers(node) {
            return None;
        }
        let text = scalar.value.as_ref();
        let at = node.span.start();
        let plain = scalar.is_plain();
        let kind = match (plain, number(text)) {
            (true, Number::Int(0)) => ProblemKind::SizeZero,
            (true, Number::Int(n)) if n < 0 => ProblemKind::SizeNegative { text: text.into() },
            (true, Number::Huge(true)) => ProblemKind::SizeNegative { text: text.into() },
            (true, Number::Int(n)) => match u64::try_from(n) {
                Ok(n) => return Some(Size::Count(n)),
                Err(_) => ProblemKind::SizeTooLarge { text: text.into() },
            },
            (true, Number::Huge(false)) => ProblemKind::SizeTooLarge { text: text.into() },
            (true, Number::Float) => ProblemKind::SizeFraction { text: text.into() },
            _ => match size_text(text) {
                Ok(size) => return Some(size),
                Err(kind) => kind,
            },
        };
        self.report(at, kind);
        None
    }

    fn batches(&mut self, node: &Node<'s>) -> Option<Vec<Size>> {
        if node.is_null() {
            return None;
        }
        let Some(items) = node.items() else {
            self.wrong_type(node, "a list of batch sizes");
            return None;
        };
        let mut sizes = Vec::new();
        let mut all = true;
        for item in items {
            // `size` takes a null for "not given": in a list it is a hole.
            if item.is_null() {
                self.wrong_type(&item, SIZE_EXPECTED);
                all = false;
                continue;
            }
            match self.size(&item) {
                Some(size) => sizes.push(size),
                None => all = false,
            }
        }
        if !all {
            return None;
        }
        Some(sizes)
    }

    fn order(&mut self, node: &Node<'s>) -> Option<Order> {
        let name = self.name(node, "one of `input`, `sorted`, `hash`")?;
        let order = Order::from_name(&name);
        if order.is_none() {
            self.report(node.span.start(), ProblemKind::BadOrder { text: name });
        }
        order
    }

    fn seconds(&mut self, node: &Node<'s>) -> Option<Seconds> {
        const EXPECTED: &str = "a whole number of seconds >= 0";
        let Some(scalar) = node.scalar().filter(|s| s.is_plain()) else {
            self.wrong_type(node, EXPECTED);
            return None;
        };
        if scalar.is_null() || self.two_numbers(node) {
            return None;
        }
        let text = scalar.value.as_ref();
        let kind = match number(text) {
            Number::Int(n) if n < 0 => ProblemKind::PauseNegative { text: text.into() },
            Number::Huge(true) => ProblemKind::PauseNegative { text: text.into() },
            Number::Int(n) => match u64::try_from(n) {
                Ok(n) => return Some(Seconds(n)),
                Err(_) => ProblemKind::PauseTooLong { text: text.into() },
            },
            Number::Huge(false) => ProblemKind::PauseTooLong { text: text.into() },
            Number::Float => ProblemKind::PauseFraction { text: text.into() },
            Number::Text => {
                self.wrong_type(node, EXPECTED);
                return None;
            }
        };
        self.report(node.span.start(), kind);
        None
    }

    fn boolean(&mut self, node: &Node<'s>) -> Option<bool> {
        let text = node
            .scalar()
            .filter(|s| s.is_plain())
            .map(|s| s.value.as_ref());
        match text {
            Some("true" | "True" | "TRUE") => return Some(true),
            Some("false" | "False" | "FALSE") => return Some(false),
            _ if node.is_null() => return None,
            _ => {}
        }
        // `yes`, `off`, ...: what ansible-core reads, not what the schema allows.
        match text.map(|t| (t, crate::yaml11::resolve_plain(t))) {
            Some((text, Ok(serde_json::Value::Bool(value)))) => {
                let text = text.to_string();
                self.report(node.span.start(), ProblemKind::BooleanWord { text, value });
            }
            _ => self.wrong_type(node, "a boolean"),
        }
        None
    }

    /// A vars mapping: each name once, none in the reserved `regal_` namespace,
    /// values as ansible-core reads them. `None` when it is no mapping.
    fn vars(&mut self, node: &Node<'s>) -> Option<Vars> {
        let mut vars = Vars::new();
        let entries = self.vars_entries(node)?;
        self.var_entries(entries, |this, name, value| {
            let value = this.value(value);
            vars.insert(name.to_string(), value);
        });
        Some(vars)
    }

    /// The entries of a vars mapping (none for a null); `None` when it is no
    /// mapping.
    fn vars_entries<'n>(&mut self, node: &'n Node<'s>) -> Option<&'n [(Node<'s>, Node<'s>)]> {
        if node.is_null() {
            return Some(&[]);
        }
        if let Some(tag) = node.collection_tag().map(short_tag)
            && tag != "!!map"
        {
            self.report(node.span.start(), ProblemKind::VarsTag { tag });
            return None;
        }
        let entries = node.entries();
        if entries.is_none() {
            self.wrong_type(node, "a mapping of var name -> value");
        }
        entries
    }

    /// Calls `each` with every var of a vars mapping that may be kept: each
    /// name once, none in the reserved `regal_` namespace (others reported).
    fn var_entries<'n>(
        &mut self,
        entries: &'n [(Node<'s>, Node<'s>)],
        mut each: impl FnMut(&mut Self, &'n str, &'n Node<'s>),
    ) {
        // Nearly every host has a var or two: those are compared in a list.
        let (mut few, mut kept): ([(&str, usize); 8], usize) = ([("", 0); 8], 0);
        let mut seen = HashMap::new();
        for (key, value) in entries {
            let Some(name) = key.scalar().map(|s| s.value.as_ref()) else {
                self.wrong_type(key, "a var name");
                continue;
            };
            if self.merge_key(key) {
                continue;
            }
            let at = key.span.start();
            if entries.len() <= few.len() {
                if let Some(&(_, first)) = few[..kept].iter().find(|(n, _)| *n == name) {
                    let kind = ProblemKind::DuplicateKey {
                        key: name.to_string(),
                        first: self.listing().then(|| self.location(first)),
                    };
                    self.report(at, kind);
                    continue;
                }
                few[kept] = (name, at);
                kept += 1;
            } else if self.duplicate(&mut seen, name, at) {
                continue;
            }
            if name.starts_with("regal_") {
                let kind = ProblemKind::ReservedVar {
                    var: name.to_string(),
                };
                self.report(at, kind);
                continue;
            }
            if !is_var_name(name) {
                let kind = ProblemKind::BadVarName {
                    var: name.to_string(),
                };
                self.report(at, kind);
                continue;
            }
            each(self, name, value);
        }
    }

    /// A host's own vars, rendered into `out` as `serde_json` writes the map
    /// [`Validator::vars`] gives; `None` when there are none (or the node is no
    /// mapping, which is reported).
    fn host_vars(
        &mut self,
        entries: &[(Node<'s>, Node<'s>)],
        out: &mut HostVarsText,
    ) -> Option<VarsId> {
        let start = out.text().len();
        out.text().push('{');
        self.var_entries(entries, |this, name, value| {
            let text = out.text();
            if text.len() > start + 1 {
                text.push(',');
            }
            push_json_str(text, name);
            text.push(':');
            this.write_value(value, text);
        });
        out.text().push('}');
        out.finish(start)
    }

    /// [`Validator::host_vars`] of a host entry of a compact host list, read
    /// from the scalars as written, without nodes: for the usual host, up to
    /// eight vars whose names are fine (values that are no scalar as written,
    /// and values ansible-core cannot read, go through [`Validator::value`]
    /// as there). `None` (nothing written, nothing reported) when a name has
    /// something to report: `host_vars` then reads them all. Vars that are
    /// all scalars ansible-core reads are not rendered: entry `entry` of
    /// `seq` is kept as written (see [`HostVarsText`]). Others written alike
    /// (`written`, their text) share one rendering (`recent`).
    fn written_host_vars(
        &mut self,
        pairs: &HostPairs<'_, 's>,
        out: &mut HostVarsText<'s>,
        (seq, entry): (&Arc<HostSeq<'s>>, usize),
        written: &'s str,
        (recent, scratch): (&mut RecentVars<'s>, &mut KeptScratch<'s>),
    ) -> Option<Option<VarsId>> {
        // Vars written alike (`written`, their text) share one entry.
        let look = recent.worth_it();
        let found = match recent.last(written) {
            Some(id) => Some(id),
            None if look => recent.get(written),
            None => None,
        };
        if let Some(id) = found {
            // Shared: rendered once, rather than at each host.
            let shared = out.rendered_once(id);
            if shared != id {
                recent.put(written, Some(shared));
            }
            return Some(Some(shared));
        }
        if pairs.len() > 8 {
            return None;
        }
        // Names with nothing to report, and whether the values are all
        // scalars that ansible-core reads or untagged nodes (then kept as
        // written, with the list, the nodes once read without a problem
        // below), and all strings. Read without a node to carry where the
        // values are all scalars (the lighter iterator: see `scalars`).
        // Values kept as nodes each of a model read before, with nothing to
        // report in them (`shaped`): then none is made a node below.
        let mut shaped = true;
        // The usual entry: names as the last one's, scalars.
        let usual = (pairs.spans()).and_then(|vars| same_names_checked(self.src, vars, recent));
        let checked = match (usual, pairs.scalars()) {
            (Some(checked), _) => Some(checked),
            (None, Some(vars)) => vars_checked(
                self.src,
                vars.map(|(key, value)| (key, VarValue::Scalar(value))),
                recent,
            ),
            (None, None) => {
                let plans = &mut scratch.plans;
                let mut var_value = |value| match value {
                    WrittenValue::Scalar(value) => VarValue::Scalar(value),
                    WrittenValue::Node(value) => {
                        // A model with a plan is untagged.
                        let fine = plans.of(&value).map(|plan| plan.is_fine(&value));
                        shaped &= fine == Some(true);
                        let untagged = fine.is_some() || value.is_untagged();
                        VarValue::Node { untagged }
                    }
                };
                match same_names(self.src.as_bytes(), pairs.keys(), recent) {
                    // Names as the last entry's, as `vars_checked` finds
                    // them: only the values read.
                    true => {
                        let mut checked = Some((true, true, false));
                        for value in pairs.values() {
                            let flags = checked.as_mut().expect("checked so far");
                            if value_checked(self.src, var_value(value), flags).is_none() {
                                recent.names.1 = 0;
                                checked = None;
                                break;
                            }
                        }
                        checked
                    }
                    false => {
                        let vars = (pairs.written()).map(|(key, value)| (key, var_value(value)));
                        vars_checked(self.src, vars, recent)
                    }
                }
            }
        };
        let (readable, strings, nodes) = checked?;
        // Scalars that ansible-core reads, and values kept as nodes read
        // without a problem: kept as written, nothing rendered.
        if readable
            && (!nodes || shaped)
            && let Some(id) = out.written(seq, entry, strings)
        {
            if look {
                recent.put(written, Some(id));
            }
            return Some(Some(id));
        }
        // Rendered: each text shared where it can be (looked up above when
        // `look`).
        if !look && let Some(id) = recent.get(written) {
            return Some(Some(id));
        }
        let reported = self.problems.len() + self.unlisted;
        let start = out.text().len();
        out.text().push('{');
        for (index, (key, value)) in pairs.written().enumerate() {
            let text = out.text();
            if index > 0 {
                text.push(',');
            }
            match value {
                WrittenValue::Scalar(value) => {
                    push_json_str(text, key.value);
                    text.push(':');
                    if let Err(why) = push_written_value(text, &value) {
                        text.push_str("null");
                        self.report(value.span.start(), ProblemKind::VarValue { why });
                    }
                }
                WrittenValue::Node(kept) => {
                    push_json_str(text, key.value);
                    text.push(':');
                    self.write_value(&kept.node_in(&mut scratch.values), out.text());
                }
            }
        }
        out.text().push('}');
        let clean = self.problems.len() + self.unlisted == reported;
        // Values kept as nodes read without a problem: the entry is kept as
        // written, and written from the list as read here
        // (`push_kept_value`), the text taken back.
        let kept = (readable && nodes && clean)
            .then(|| out.written(seq, entry, false))
            .flatten();
        let id = match kept {
            Some(id) => {
                out.text().truncate(start);
                Some(id)
            }
            None => {
                // Room for the vars rendered is made once, when the first is
                // kept: not for a model of values kept by their shape (its
                // text taken back), the only one rendered in such a list,
                // where finding the room was a pass over every entry.
                out.reserve_once(|| seq.vars_size());
                out.finish(start)
            }
        };
        // Only vars without a problem: the same text elsewhere must be
        // reported there too.
        if clean {
            recent.put(written, id);
        }
        Some(id)
    }

    /// [`Validator::value`] as JSON text: what `serde_json` writes for it,
    /// the same problems reported in the same order. Written as it is read,
    /// without a `serde_json::Value`, where nothing is tagged or unsafe and
    /// mappings have up to eight keys (a million hosts each with a list of
    /// their own: a map of its own for each mapping in it cost more than
    /// reading the file); else through [`Validator::value`].
    fn write_value(&mut self, node: &Node<'s>, text: &mut String) {
        use std::fmt::Write;
        let walk = self.unsafe_depth == 0 && node.collection_tag().is_none();
        match &node.resolved().kind {
            Kind::Scalar(scalar)
                if walk && scalar.is_plain() && crate::yaml11::is_str(&scalar.value) =>
            {
                push_json_str(text, &scalar.value)
            }
            // Quoted or block, untagged: a string.
            Kind::Scalar(scalar)
                if walk && scalar.tag.is_none() && scalar.style != Style::Plain =>
            {
                push_json_str(text, &scalar.value)
            }
            // Tagged `!unsafe`, a string by YAML 1.1 (`!unsafe 'x1'`, inside
            // an `!unsafe` collection or not): as `untagged_value` writes it,
            // without a map made for it (a var of its own tagged so on every
            // host).
            Kind::Scalar(scalar)
                if node.collection_tag().is_none()
                    && (scalar.tag.as_deref()).is_some_and(|tag| is_short_tag(tag, "!unsafe"))
                    && crate::yaml11::is_str(&scalar.value) =>
            {
                text.push_str("{\"__ansible_unsafe\":");
                push_json_str(text, &scalar.value);
                text.push('}');
            }
            Kind::Seq(_) | Kind::HostSeq(_) if walk => {
                text.push('[');
                let items = node.items().expect("a sequence");
                for (index, item) in items.enumerate() {
                    if index > 0 {
                        text.push(',');
                    }
                    self.write_value(&item, text);
                }
                text.push(']');
            }
            Kind::Map(entries) if walk && entries.len() <= 8 => {
                // As `untagged_value`: every key first, then the values.
                let mut names: [Option<Cow<'_, str>>; 8] = Default::default();
                for ((key, _), name) in entries.iter().zip(&mut names) {
                    *name = match key.scalar() {
                        _ if self.merge_key(key) => None,
                        Some(s) if s.is_plain() && crate::yaml11::is_str(&s.value) => {
                            Some(Cow::Borrowed(&s.value))
                        }
                        Some(s) if s.is_plain() => {
                            match crate::yaml11::resolve_plain_key(&s.value) {
                                Ok(name) => Some(Cow::Owned(name)),
                                Err(why) => {
                                    self.report(key.span.start(), ProblemKind::VarValue { why });
                                    None
                                }
                            }
                        }
                        Some(s) => Some(Cow::Borrowed(&s.value)),
                        None => {
                            self.wrong_type(key, "a key name");
                            None
                        }
                    };
                }
                text.push('{');
                let mut first = true;
                for (index, ((key, value), name)) in entries.iter().zip(&names).enumerate() {
                    let Some(name) = name else {
                        continue;
                    };
                    // The first key of that name (as `duplicate` keeps it).
                    let before = names[..index].iter().position(|n| n.as_ref() == Some(name));
                    if let Some(before) = before {
                        self.report_duplicate(
                            name,
                            entries[before].0.span.start(),
                            key.span.start(),
                        );
                        continue;
                    }
                    if !std::mem::take(&mut first) {
                        text.push(',');
                    }
                    push_json_str(text, name);
                    text.push(':');
                    self.write_value(value, text);
                }
                text.push('}');
            }
            _ => {
                let value = self.value(node);
                write!(text, "{value}").expect("a String takes any text");
            }
        }
    }

    /// A var's value as ansible-core reads it: a plain scalar by YAML 1.1, a
    /// quoted or block one as text; duplicate keys at any depth reported.
    fn value(&mut self, node: &Node<'s>) -> serde_json::Value {
        use serde_json::Value;
        if let Some(tag) = node.collection_tag() {
            let tag = short_tag(tag);
            let is_map = node.entries().is_some();
            match tag.as_str() {
                // Every string in it is unsafe, as ansible-core's `!unsafe`
                // constructor reads a collection (keys are never templated).
                "!unsafe" => {
                    self.unsafe_depth += 1;
                    let value = self.untagged_value(node);
                    self.unsafe_depth -= 1;
                    return value;
                }
                // What the collection is anyway.
                "!!seq" if !is_map => {}
                "!!map" if is_map => {}
                _ => {
                    self.report(node.span.start(), ProblemKind::VarTag { tag });
                    return Value::Null;
                }
            }
        }
        self.untagged_value(node)
    }

    /// A string of a var value: unsafe inside an `!unsafe` collection.
    fn string(&self, text: String) -> serde_json::Value {
        match self.unsafe_depth {
            0 => serde_json::Value::String(text),
            _ => serde_json::json!({ "__ansible_unsafe": text }),
        }
    }

    /// [`Validator::value`] of a node, its collection tag (if any) read.
    fn untagged_value(&mut self, node: &Node<'s>) -> serde_json::Value {
        use serde_json::Value;
        match &node.resolved().kind {
            Kind::Scalar(scalar) if scalar.is_plain() => {
                match crate::yaml11::resolve_plain(&scalar.value) {
                    Ok(Value::String(text)) => self.string(text),
                    Ok(value) => value,
                    Err(why) => {
                        self.report(node.span.start(), ProblemKind::VarValue { why });
                        Value::Null
                    }
                }
            }
            // Quoted or block: a string to ansible-core.
            Kind::Scalar(scalar) => match scalar.tag.as_deref().map(|t| short_tag(t)).as_deref() {
                None | Some("!!str") => self.string(scalar.value.to_string()),
                // ansible-core's own tags, written as its script-inventory JSON
                // carries them (and as `ansible-inventory --list` prints them).
                Some(tag @ ("!unsafe" | "!vault")) => {
                    // Both resolve their text as if it were plain.
                    match crate::yaml11::resolve_plain(&scalar.value) {
                        Ok(Value::String(text)) if tag == "!unsafe" => {
                            serde_json::json!({ "__ansible_unsafe": text })
                        }
                        Ok(Value::String(text)) => serde_json::json!({ "__ansible_vault": text }),
                        Ok(value) if tag == "!unsafe" => value,
                        Ok(_) | Err(_) => {
                            let tag = tag.to_string();
                            self.report(node.span.start(), ProblemKind::VarTag { tag });
                            Value::Null
                        }
                    }
                }
                Some(tag) => {
                    let tag = tag.to_string();
                    self.report(node.span.start(), ProblemKind::VarTag { tag });
                    Value::Null
                }
            },
            Kind::Seq(_) | Kind::HostSeq(_) => {
                let items = node.items().expect("a sequence");
                Value::Array(items.map(|item| self.value(&item)).collect())
            }
            Kind::Map(entries) => {
                // A key inside a var's value is resolved too: ansible-core
                // prints `on:` as the key "true", `010:` as "8".
                let mut names = Vec::with_capacity(entries.len());
                for (key, _) in entries {
                    let name = match key.scalar() {
                        _ if self.merge_key(key) => None,
                        Some(s) if s.is_plain() => {
                            match crate::yaml11::resolve_plain_key(&s.value) {
                                Ok(name) => Some(name),
                                Err(why) => {
                                    self.report(key.span.start(), ProblemKind::VarValue { why });
                                    None
                                }
                            }
                        }
                        Some(s) => Some(s.value.to_string()),
                        None => {
                            self.wrong_type(key, "a key name");
                            None
                        }
                    };
                    names.push(name);
                }
                let mut map = serde_json::Map::new();
                let mut seen = HashMap::new();
                for ((key, value), name) in entries.iter().zip(&names) {
                    let Some(name) = name else {
                        continue;
                    };
                    if self.duplicate(&mut seen, name, key.span.start()) {
                        continue;
                    }
                    let value = self.value(value);
                    map.insert(name.clone(), value);
                }
                Value::Object(map)
            }
            Kind::Alias(_) | Kind::Tagged(_) => unreachable!("resolved"),
        }
    }

    fn priority(&mut self, node: &Node<'s>) -> Option<Vec<(String, usize)>> {
        if node.is_null() {
            return None;
        }
        if let Some(name) = node.scalar() {
            return Some(vec![(name.value.to_string(), node.span.start())]);
        }
        let Some(items) = node.items() else {
            self.wrong_type(node, "a version name or a list of version names");
            return None;
        };
        let mut names = Vec::new();
        for item in items {
            let at = item.span.start();
            match item.scalar() {
                Some(s) if s.is_null() && s.value.is_empty() => {
                    let kind = ProblemKind::EmptyListItem {
                        of: NameOf::Priority,
                    };
                    self.report(at, kind)
                }
                Some(s) if self.null_name(s, at, NameOf::Priority) => {}
                Some(name) => names.push((name.value.to_string(), at)),
                None => self.wrong_type(&item, "a version name"),
            }
        }
        Some(names)
    }

    fn versions<'t>(
        &mut self,
        node: &'t Node<'s>,
        key_at: usize,
        top: &RolloutKeys,
    ) -> Vec<Draft<'t, 's>> {
        if node.is_null() {
            self.report(key_at, ProblemKind::NoVersions);
            return Vec::new();
        }
        let Some(entries) = node.entries() else {
            self.wrong_type(node, "a mapping of version name -> hosts");
            return Vec::new();
        };
        if entries.is_empty() {
            self.report(key_at, ProblemKind::NoVersions);
        }
        let mut seen = HashMap::new();
        let mut drafts = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let Some(name) = key.scalar().map(|s| s.value.as_ref()) else {
                self.wrong_type(key, "a name");
                continue;
            };
            let at = key.span.start();
            if self.duplicate(&mut seen, name, at) {
                continue;
            }
            // Reported, and its hosts read on: their problems are listed too.
            let null = key
                .scalar()
                .is_some_and(|s| self.null_name(s, at, NameOf::Version));
            if !null && let Some(why) = version_name_problem(name) {
                let kind = ProblemKind::BadVersionName {
                    version: name.to_string(),
                    why,
                };
                self.report(at, kind);
            }
            drafts.push(self.version(name.to_string(), at, value, top));
        }
        drafts
    }

    fn version<'t>(
        &mut self,
        name: String,
        at: usize,
        value: &'t Node<'s>,
        top: &RolloutKeys,
    ) -> Draft<'t, 's> {
        let (body, hosts_node) = match value.entries() {
            Some(entries) => {
                let fields = self.fields(entries, &version_keys());
                let hosts = fields.get("hosts");
                (Some(fields), hosts)
            }
            None => (None, Some(value)),
        };
        let (keys, body) = match body {
            Some(fields) => {
                let level = self.level(fields);
                (level.keys, Some(level.fields))
            }
            None => (RolloutKeys::default(), None),
        };
        // Its hosts are numbered by failure domain as they are read.
        self.domain_label = domains(&keys, top).map(|d| d.label().to_string());
        self.domain_labels = Default::default();
        let field = |name: &str| body.as_ref().and_then(|f| f.get(name));
        let hosts_from_node = field("hosts_from");
        let hosts_from = hosts_from_node.and_then(|node| self.name(node, "a host pattern"));
        let hosts_from_at = hosts_from_node.map_or(at, |n| n.span.start());
        let group = field("group").and_then(|node| {
            let group = self.name(node, "an Ansible group name")?;
            if !file::is_group_name(&group) {
                let kind = ProblemKind::BadGroupName { group };
                self.report(node.span.start(), kind);
                return None;
            }
            Some(group)
        });
        let vars = field("vars")
            .and_then(|node| self.vars(node))
            .unwrap_or_default();
        let hosts_unknown = hosts_from.is_some() && matches!(self.hosts_from, HostsFrom::Unchecked);
        let read = match (&hosts_from, hosts_node) {
            (Some(pattern), None) => self.external_hosts(&name, pattern, hosts_from_at),
            (from, hosts) => {
                if from.is_some() {
                    let kind = ProblemKind::HostsAndHostsFrom {
                        version: name.clone(),
                    };
                    self.report(hosts_from_at, kind);
                }
                hosts.map(|node| self.hosts(node)).unwrap_or_default()
            }
        };
        Draft {
            name,
            at,
            body,
            keys,
            hosts_from,
            group,
            vars,
            hosts_unknown,
            read,
        }
    }

    /// Counts `more` names towards the limit; false (reported once) past it.
    fn room_for(&mut self, more: u64, at: usize) -> bool {
        if self.too_many {
            return false;
        }
        if file::check_host_count(self.names + more).is_err() {
            self.too_many = true;
            self.report(
                at,
                ProblemKind::TooManyHosts {
                    limit: file::MAX_HOSTS,
                },
            );
            return false;
        }
        self.names += more;
        true
    }

    /// The hosts a node lists: a comma-separated string, or a list of names
    /// and `name: {vars}` items.
    fn hosts<'t>(&mut self, node: &'t Node<'s>) -> HostsRead<'t, 's> {
        let before = self.problems.len() + self.unlisted;
        let mut read = self.read_hosts(node);
        read.failed = self.problems.len() + self.unlisted > before;
        read
    }

    fn read_hosts<'t>(&mut self, node: &'t Node<'s>) -> HostsRead<'t, 's> {
        let mut read = HostsRead::default();
        if node.is_null() {
            return read;
        }
        // Hosts that come in through an alias are placed there (`host_item`).
        let list_alias = is_alias(node).then(|| node.span.start());
        if let Some(scalar) = node.scalar() {
            self.host_string(&mut read, scalar, node.span, list_alias.is_some());
            return read;
        }
        // A host list as the tree keeps it: names and host entries are read
        // from their spans, without a node made for each.
        if let Kind::HostSeq(seq) = &node.resolved().kind
            && self.fast
        {
            read.hosts.reserve(seq.len());
            // Names kept in a `Texts` are placed by the list.
            read.decoded = Some(seq);
            // A long list of host entries: the second part of it read on a
            // second core while this one reads the first, where that gives
            // what the loop gives (see `vars_beside`).
            if !self.read_entries_beside(&mut read, seq, list_alias) {
                self.host_items(&mut read, seq, list_alias, 0..seq.len(), None);
            }
            return read;
        }
        let Some(items) = node.items() else {
            self.wrong_type(node, "hosts as a comma-separated string or a list");
            return read;
        };
        read.hosts.reserve(items.size_hint().0);
        for item in items {
            self.host_item(&mut read, &item, list_alias);
        }
        read
    }

    /// The hosts of the items `items` of a compact host list `seq`, read
    /// by their spans. With `given`, the vars of its host entries are read
    /// already (see `vars_beside`): the ids of the entries from its first on.
    fn host_items(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        seq: &Arc<HostSeq<'s>>,
        list_alias: Option<usize>,
        items: Range<usize>,
        given: Option<&[Option<VarsId>]>,
    ) {
        // What reading one entry's vars after another keeps.
        let mut scratch = EntryVarsScratch::default();
        // The number of the host entry of an item, counted from the first.
        let first = seq.entries_before(items.start);
        let mut entry = first;
        // The anchored vars the last aliased entries named, rendered.
        let mut shared = None;
        for item in seq.items_from(items.start).take(items.len()) {
            match item {
                // A tagged name (`!!str web1`), or one that is not its
                // text as written, is a name, never null: taken as it
                // is (a value copied when the list was not kept in a
                // `Texts`: moved), without a tag made for each.
                // A name tagged null (`!!null web1`) is reported as the
                // general way reports it, at its tag.
                item @ HostItem::Scalar { tag: Some(tag), .. } if is_short_tag(tag, "!!null") => {
                    self.host_item(read, &item.into_node(), list_alias);
                }
                HostItem::Scalar {
                    name:
                        Node {
                            span,
                            kind: Kind::Scalar(Scalar { value, .. }),
                        },
                    tag,
                } if tag.is_some() || matches!(value, Cow::Owned(_)) => {
                    let (name, at) = through_alias(value, list_alias, span.start());
                    self.push_entry(read, name, None, 0, at);
                }
                HostItem::Scalar { name, .. } => self.host_item(read, &name, list_alias),
                HostItem::Node(node) => self.host_item(read, node, list_alias),
                HostItem::Aliased {
                    name,
                    alias,
                    target,
                } => {
                    let entry = (name, alias, target);
                    self.aliased_host(read, entry, list_alias, &mut shared);
                }
                HostItem::Entry {
                    name,
                    vars: span,
                    pairs: vars,
                } => {
                    let (vars, domain) = match given {
                        Some(ids) => (ids[entry - first], 0),
                        None => {
                            let domain = match self.domain_label {
                                Some(_) => (vars.clone())
                                    .find_map(|(key, value)| self.domain_in(&key, &value))
                                    .unwrap_or(0),
                                None => 0,
                            };
                            let kept = (seq, entry);
                            let vars =
                                self.entry_vars(vars, span, &mut read.vars, kept, &mut scratch);
                            (vars, domain)
                        }
                    };
                    entry += 1;
                    let scalar = name.scalar().expect("a host entry's name is a scalar");
                    let at = list_alias.unwrap_or(name.span.start());
                    if self.null_name(scalar, at, NameOf::Host) {
                        continue;
                    }
                    let text = borrow(&scalar.value);
                    let (text, at) = through_alias(text, list_alias, name.span.start());
                    self.push_entry(read, text, vars, domain, at);
                }
            }
        }
    }

    /// The vars of a host entry of a compact host list (`pairs`, its vars
    /// mapping written at `span`; entry `kept.1` of list `kept.0`), added to
    /// `out`: read from the scalars as written
    /// ([`Validator::written_host_vars`]), else from nodes
    /// ([`Validator::host_vars`]). `scratch` is kept from one entry of the
    /// list to the next.
    fn entry_vars(
        &mut self,
        pairs: HostPairs<'_, 's>,
        span: Span,
        out: &mut HostVarsText<'s>,
        kept: (&Arc<HostSeq<'s>>, usize),
        scratch: &mut EntryVarsScratch<'s>,
    ) -> Option<VarsId> {
        let written = &self.src[span.start()..span.end as usize];
        let recent = (&mut scratch.recent, &mut scratch.kept);
        match self.written_host_vars(&pairs, out, kept, written, recent) {
            Some(id) => id,
            None => {
                scratch.pairs.clear();
                scratch.pairs.extend(pairs);
                // Room for the vars rendered is made once (a text grown by
                // doubling is copied as it grows), when the first is.
                out.reserve_once(|| kept.0.vars_size());
                self.host_vars(&scratch.pairs, out)
            }
        }
    }

    /// One item of a host list: a name, or `name: {host vars}`. Hosts that
    /// come in through an alias (`list_alias` when the whole list does) are
    /// placed at the alias, where they are listed again, not where the anchor
    /// first wrote them.
    fn host_item(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        item: &Node<'s>,
        list_alias: Option<usize>,
    ) {
        let at = item.span.start();
        let alias = list_alias.or(is_alias(item).then_some(at));
        match &item.resolved().kind {
            Kind::Scalar(s) if s.is_null() && s.value.is_empty() => {
                let kind = ProblemKind::EmptyListItem { of: NameOf::Host };
                self.report(alias.unwrap_or(at), kind);
            }
            Kind::Scalar(s) if self.null_name(s, alias.unwrap_or(at), NameOf::Host) => {}
            Kind::Scalar(s) => {
                let (name, at) = through_alias(borrow(&s.value), alias, at);
                self.push_entry(read, name, None, 0, at);
            }
            Kind::Map(entries) => self.host_with_vars(read, entries, alias, at),
            _ => self.wrong_type(item, "a host name, or `name: {host vars}`"),
        }
    }

    fn host_with_vars(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        entries: &[(Node<'s>, Node<'s>)],
        alias: Option<usize>,
        at: usize,
    ) {
        let at = alias.unwrap_or(at);
        let [(key, value)] = entries else {
            let kind = if entries.is_empty() {
                ProblemKind::EmptyHostEntry {
                    entry: "{}".to_string(),
                }
            } else {
                ProblemKind::HostEntryWithTwoKeys
            };
            self.report(at, kind);
            return;
        };
        let Some(name) = key.scalar() else {
            self.wrong_type(key, "a host name");
            return;
        };
        let vars = match self.vars_entries(value) {
            Some(entries) if self.fast => self.host_vars(entries, &mut read.vars),
            // The reference: the map `vars` reads, as serde_json writes it.
            Some(_) => (self.vars(value).filter(|vars| !vars.is_empty()))
                .and_then(|vars| read.vars.push(&vars)),
            None => None,
        };
        let alias = alias.or(is_alias(key).then(|| key.span.start()));
        if self.null_name(name, alias.unwrap_or(key.span.start()), NameOf::Host) {
            return;
        }
        let domain = self.domain_of(value);
        let (name, at) = through_alias(borrow(&name.value), alias, key.span.start());
        self.push_entry(read, name, vars, domain, at);
    }

    /// [`Validator::host_item`] of a host entry whose vars are an alias
    /// (`- web2: *v`, a [`HostItem::Aliased`]: its name, the alias's span
    /// and the node it names), without the entry's node: the same problems
    /// at the same places, and the same host. The anchored vars are
    /// rendered at the first such host and, where that reported nothing,
    /// shared by the next ones naming the same node (`shared`: that node
    /// and its vars), for rendering them again would give the same text and
    /// report nothing again (at 1M hosts, a text and an 8-byte end each).
    fn aliased_host(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        (name, alias, target): (Node<'s>, Span, &Arc<Node<'s>>),
        list_alias: Option<usize>,
        shared: &mut Option<(Arc<Node<'s>>, Option<VarsId>)>,
    ) {
        // As `host_with_vars` reads the entry's node.
        let vars = match shared {
            Some((named, vars)) if Arc::ptr_eq(named, target) => *vars,
            _ => {
                let value = Node {
                    span: alias,
                    kind: Kind::Alias(Arc::clone(target)),
                };
                let reports = self.reports;
                let vars = match self.vars_entries(&value) {
                    Some(entries) => self.host_vars(entries, &mut read.vars),
                    None => None,
                };
                if self.reports == reports {
                    *shared = Some((Arc::clone(target), vars));
                }
                vars
            }
        };
        let Some(scalar) = name.scalar() else {
            unreachable!("an aliased entry's name is a plain scalar");
        };
        let at = name.span.start();
        if self.null_name(scalar, list_alias.unwrap_or(at), NameOf::Host) {
            return;
        }
        let domain = self.domain_of(target);
        let (name, at) = through_alias(borrow(&scalar.value), list_alias, at);
        self.push_entry(read, name, vars, domain, at);
    }

    /// The failure domain of a host whose vars are `vars`: the number of its
    /// label (see [`Validator::domain_in`]), 0 without one.
    fn domain_of(&mut self, vars: &Node<'s>) -> u32 {
        match (&self.domain_label, vars.entries()) {
            (Some(_), Some(entries)) => (entries.iter())
                .find_map(|(key, value)| self.domain_in(key, value))
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// The failure domain a host var gives, if it is the label: the label's
    /// number, a label written as before keeping its number. A label is a
    /// scalar's text as written (`1.10` is not `1.1`), kept apart by whether
    /// ansible-core reads it as a string (`true` is not `'true'`); a quoted
    /// string is the same label as the plain one (`eu`, `"eu"`). Some(0) for
    /// a label that is no scalar (`check_labels` reports it).
    fn domain_in(&mut self, key: &Node<'s>, value: &Node<'s>) -> Option<u32> {
        let label = self.domain_label.as_deref()?;
        if key.scalar()?.value != label {
            return None;
        }
        let Some(scalar) = value.scalar() else {
            return Some(0);
        };
        let string = !scalar.is_plain()
            || matches!(
                crate::yaml11::resolve_plain(&scalar.value),
                Ok(serde_json::Value::String(_))
            );
        Some(self.domain_number(string, &scalar.value))
    }

    /// The number of a label (from 1), given it when new.
    fn domain_number(&mut self, string: bool, text: &str) -> u32 {
        let count = self.domain_labels.iter().map(HashMap::len).sum::<usize>();
        let labels = &mut self.domain_labels[usize::from(string)];
        if let Some(&number) = labels.get(text) {
            return number;
        }
        let number = u32::try_from(count + 1).expect("at most MAX_HOSTS labels");
        labels.insert(Box::from(text), number);
        number
    }

    /// Checks one entry as written and appends the hosts it stands for.
    /// Nearly every entry is one plain name, which takes one pass to check,
    /// and is kept as it came (borrowed from the source where it lies there).
    fn push_entry(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        entry: Cow<'s, str>,
        vars: Option<VarsId>,
        domain: u32,
        at: usize,
    ) {
        let flags = file::scan_name(&entry);
        read.odd_names |= flags & file::NOT_PLAIN != 0;
        if flags & file::OPEN == 0 {
            if (flags & file::NOT_PLAIN != 0 || entry.is_empty())
                && let Some(why) = file::host_name_problem(&entry)
            {
                let kind = file::missing_comma(self.src, at, &entry);
                self.report(at, kind.unwrap_or_else(|| file::bad_host_name(&entry, why)));
                return;
            }
            if !self.room_for(1, at) {
                return;
            }
            // A name borrowed from the list's decoded names is placed at its
            // item (checked here in debug builds, and by the fuzz target
            // against the reference, which copies such names).
            if let Cow::Owned(_) = entry {
                read.owned_at.push((read.hosts.len() as u32, at as u32));
            } else if !in_source(self.src, &entry) {
                let decoded =
                    (read.decoded).is_some_and(|seq| seq.decoded_offset(&entry).is_some());
                debug_assert!(!decoded || read.decoded_place(&entry) == Some(at));
                if !decoded {
                    read.owned_at.push((read.hosts.len() as u32, at as u32));
                }
            }
            read.hosts.push(Host {
                name: entry,
                vars,
                domain,
            });
            return;
        }
        let count = crate::hostrange::count(&entry);
        if count <= crate::hostrange::MAX_EXPANSION && !self.room_for(count, at) {
            return;
        }
        match file::checked_names(&entry) {
            Ok(names) => {
                read.owned_at.push((read.hosts.len() as u32, at as u32));
                read.hosts.reserve(names.len());
                for name in names {
                    read.hosts.push(Host {
                        name: Cow::Owned(name),
                        vars,
                        domain,
                    });
                }
            }
            Err(kind) => self.report(at, kind),
        }
    }

    /// The hosts of a string of comma-separated names.
    fn host_string(
        &mut self,
        read: &mut HostsRead<'_, 's>,
        scalar: &Scalar<'s>,
        span: Span,
        aliased: bool,
    ) {
        let at = span.start();
        // Read where it is: a string over a million lines is not copied.
        let text = &scalar.value;
        if text.trim().is_empty() {
            return;
        }
        // Where the text lies in the source, if it does: each entry is then
        // placed exactly.
        let base = self.src.as_ptr() as usize;
        let in_source = !aliased
            && matches!(text, Cow::Borrowed(t) if (t.as_ptr() as usize) >= base
            && (t.as_ptr() as usize) <= base + self.src.len());
        if let Cow::Borrowed(text) = *text
            && in_source
            && let Some(halves) = self.string_in_halves(text)
        {
            *read = halves;
            return;
        }
        // Room made once for a long string's names: a list grown by doubling
        // may hold twice the room it needs.
        let names = text.bytes().filter(|&b| b == b',').count() + 1;
        let _ = read.hosts.try_reserve(names.min(file::MAX_HOSTS as usize));
        let place = |entry: &str| match in_source {
            true => entry.as_ptr() as usize - base,
            false => at,
        };
        match text {
            &Cow::Borrowed(text) => {
                for entry in text.split(',') {
                    let trimmed = entry.trim();
                    if trimmed.is_empty() {
                        self.empty_entry(text, entry, place(entry));
                        continue;
                    }
                    self.push_entry(read, Cow::Borrowed(trimmed), None, 0, place(trimmed));
                }
            }
            Cow::Owned(text) => {
                // A string over several lines, or with escapes, is not the
                // source's text: each entry is found in the string's source,
                // after the one before.
                let mut seen = match aliased {
                    true => None,
                    false => Some(at),
                };
                for entry in text.split(',') {
                    let trimmed = entry.trim();
                    let place = match &mut seen {
                        Some(from) => written_at(self.src, from, span, trimmed, scalar.style),
                        None => at,
                    };
                    if trimmed.is_empty() {
                        self.empty_entry(text, entry, place);
                        continue;
                    }
                    // Found as written (no escape in it, not over a line
                    // break): borrowed from the source, as a one-line string's.
                    let written = (self.src.get(place..place + trimmed.len()))
                        .filter(|written| seen.is_some() && *written == trimmed);
                    let name =
                        written.map_or_else(|| Cow::Owned(trimmed.to_string()), Cow::Borrowed);
                    self.push_entry(read, name, None, 0, place);
                }
            }
        }
    }

    /// Reports an empty entry of a host string, quoting only the text around it.
    fn empty_entry(&mut self, text: &str, entry: &str, at: usize) {
        if !self.listing() {
            self.unlisted += 1;
            return;
        }
        let offset = entry.as_ptr() as usize - text.as_ptr() as usize;
        let mut from = offset.saturating_sub(30);
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (offset + entry.len() + 30).min(text.len());
        while !text.is_char_boundary(to) {
            to += 1;
        }
        let mut shown = String::new();
        if from > 0 {
            shown.push('…');
        }
        shown.push_str(&text[from..to]);
        if to < text.len() {
            shown.push('…');
        }
        self.report(at, ProblemKind::EmptyHostEntry { entry: shown });
    }

    /// A long host string read as two halves at once: a million hosts in one
    /// string is the largest piece of work in reading a strategy. None when
    /// the string is short or either half has anything to report: the string
    /// is then read in one piece, which reports it.
    fn string_in_halves<'t>(&mut self, text: &'s str) -> Option<HostsRead<'t, 's>> {
        if text.len() < HALVES_FROM_BYTES || self.too_many {
            return None;
        }
        // Bytes, not chars: the middle may fall inside a character, a comma not.
        let half = text.len() / 2;
        let middle = half + text.as_bytes()[half..].iter().position(|&b| b == b',')?;
        let (first, second) = (&text[..middle], &text[middle + 1..]);
        // One host per entry: the list is made with room for exactly these,
        // and each half writes its hosts into its part of that room at once
        // (no list of the second half's hosts copied after the first's).
        let entries = |part: &str| part.bytes().filter(|&b| b == b',').count() + 1;
        let (count, second_count) = crate::parallel::join(|| entries(first), || entries(second));
        let total = count + second_count;
        if file::check_host_count(self.names + total as u64).is_err() {
            return None;
        }
        let mut hosts = Vec::new();
        hosts.try_reserve_exact(total).ok()?;
        let (room, second_room) = hosts.spare_capacity_mut()[..total].split_at_mut(count);
        let (a, b) = crate::parallel::join(
            || plain_half(first, room),
            || plain_half(second, second_room),
        );
        if !(a && b) {
            return None;
        }
        // SAFETY: `plain_half` gave true, so it wrote a host into each of
        // the `total` places of the room (one per entry of its half).
        unsafe { hosts.set_len(total) };
        self.names += total as u64;
        Some(HostsRead {
            hosts,
            ..HostsRead::default()
        })
    }

    /// `exclude:` host names or ranges, each kept as written with the names it
    /// stands for, so that a message about an entry quotes it.
    fn patterns(&mut self, node: &Node<'s>) -> Option<Vec<HostPattern>> {
        let mut entries: Vec<(String, usize)> = Vec::new();
        if node.is_null() {
            return Some(Vec::new());
        }
        if let Some(scalar) = node.scalar() {
            let text = scalar.value.as_ref();
            if text.trim().is_empty() {
                return Some(Vec::new());
            }
            let base = self.src.as_ptr() as usize;
            let in_source = matches!(scalar.value, Cow::Borrowed(t) if (t.as_ptr() as usize) >= base
                && (t.as_ptr() as usize) <= base + self.src.len());
            for entry in text.split(',') {
                let at = match in_source {
                    true => entry.trim().as_ptr() as usize - base,
                    false => node.span.start(),
                };
                if entry.trim().is_empty() {
                    self.empty_entry(text, entry, at);
                    continue;
                }
                entries.push((entry.trim().to_string(), at));
            }
        } else if let Some(items) = node.items() {
            for item in items {
                match item.scalar() {
                    Some(s) if s.is_null() && s.value.is_empty() => {
                        let kind = ProblemKind::EmptyListItem {
                            of: NameOf::Exclude,
                        };
                        self.report(item.span.start(), kind)
                    }
                    Some(s) if self.null_name(s, item.span.start(), NameOf::Exclude) => {}
                    Some(s) => entries.push((s.value.to_string(), item.span.start())),
                    None => self.wrong_type(&item, "a host name or range"),
                }
            }
        } else {
            self.wrong_type(
                node,
                "host names or ranges, as a comma-separated string or a list",
            );
            return None;
        }
        let mut patterns = Vec::with_capacity(entries.len());
        for (written, at) in entries {
            let count = crate::hostrange::count(&written);
            if count <= crate::hostrange::MAX_EXPANSION && !self.room_for(count, at) {
                return None;
            }
            match file::checked_names(&written) {
                Ok(names) => patterns.push(HostPattern {
                    written,
                    names: names.collect(),
                    at,
                }),
                Err(kind) => self.report(at, kind),
            }
        }
        Some(patterns)
    }

    /// The hosts a `hosts_from` pattern selects, in the order the earlier
    /// sources gave them, with the plain vars those sources gave (for domain
    /// labels).
    fn external_hosts<'t>(&mut self, version: &str, pattern: &str, at: usize) -> HostsRead<'t, 's> {
        let (version, pattern) = (version.to_string(), pattern.to_string());
        let kind = match self.hosts_from {
            HostsFrom::Unchecked => return HostsRead::default(),
            HostsFrom::Unavailable => ProblemKind::ExternalHostsUnavailable { version },
            HostsFrom::External(external) => match external.select(&pattern) {
                Ok(names) if !names.is_empty() => {
                    let mut vars = HostVarsText::default();
                    let mut hosts: Vec<Host> = Vec::with_capacity(names.len());
                    for name in names {
                        let own = external.vars(name);
                        // A label is the value's text as the plugin passes it,
                        // a string apart from a value written alike.
                        let label =
                            (self.domain_label.as_deref()).and_then(|label| own?.get(label));
                        let domain = match label {
                            Some(serde_json::Value::String(text)) => self.domain_number(true, text),
                            Some(value) if !value.is_null() => {
                                self.domain_number(false, &value.to_string())
                            }
                            _ => 0,
                        };
                        hosts.push(Host {
                            name: Cow::Owned(name.to_string()),
                            vars: own.and_then(|v| vars.push(v)),
                            domain,
                        });
                    }
                    if !self.room_for(hosts.len() as u64, at) {
                        return HostsRead::default();
                    }
                    return HostsRead {
                        hosts,
                        owned_at: vec![(0, at as u32)],
                        odd_names: true,
                        vars,
                        ..HostsRead::default()
                    };
                }
                Ok(_) => ProblemKind::NoExternalMatch { version, pattern },
                Err(PatternProblem::EmptyTerm) => {
                    ProblemKind::EmptyHostsFromTerm { version, pattern }
                }
                Err(PatternProblem::UnknownTerm(_)) if external.has_no_hosts() => {
                    ProblemKind::NoEarlierHosts { version, pattern }
                }
                Err(PatternProblem::UnknownTerm(term)) => ProblemKind::UnknownHostsFromTerm {
                    version,
                    pattern,
                    term,
                },
            },
        };
        self.report(at, kind);
        HostsRead::default()
    }

    /// The checks across versions, then each version's rollout resolved.
    fn cross_checks(
        &mut self,
        drafts: Vec<Draft<'_, 's>>,
        top: &Level<'_, 's>,
    ) -> Vec<Version<'s>> {
        self.check_duplicate_hosts(&drafts);
        let top_patterns = top.keys.exclude.as_deref().unwrap_or_default();
        let mut top_used = vec![false; top_patterns.len()];
        let any_hosts_unknown = drafts.iter().any(|d| d.hosts_unknown);
        let mut versions = Vec::with_capacity(drafts.len());
        let mut places = Vec::with_capacity(drafts.len());
        for mut draft in drafts {
            if draft.read.hosts.is_empty() && draft.hosts_from.is_none() && !draft.read.failed {
                let kind = ProblemKind::NoHosts {
                    version: draft.name.clone(),
                };
                self.report(draft.at, kind);
            }
            self.version_here = Some(draft.name.clone());
            let rollout = self.resolve(&draft.keys, &draft.body, top);
            if let Some(domains) = &rollout.domains {
                // Excluded hosts are in no batch: they need no label.
                let own = draft.keys.exclude.as_deref().unwrap_or_default();
                let skipped: HashSet<&str> = (top_patterns.iter().chain(own))
                    .flat_map(|p| &p.names)
                    .map(String::as_str)
                    .collect();
                let from_source = draft.hosts_from.is_some();
                self.check_labels(&draft.read, domains.label(), &skipped, from_source);
            }
            let hosts = std::mem::take(&mut draft.read.hosts);
            let mut host_vars = std::mem::take(&mut draft.read.vars);
            host_vars.shrink_to_fit();
            let (hosts, excluded) = self.exclude(&draft, hosts, top_patterns, &mut top_used);
            places.push(draft.at);
            versions.push(Version {
                group: draft.group.unwrap_or_else(|| group_name_for(&draft.name)),
                name: draft.name,
                vars: draft.vars,
                hosts,
                excluded,
                plain_names: !draft.read.odd_names && draft.hosts_from.is_none(),
                host_vars,
                hosts_from: draft.hosts_from,
                rollout,
            });
        }
        // An entry may match hosts that are not known here.
        if !any_hosts_unknown {
            for (pattern, used) in top_patterns.iter().zip(&top_used) {
                if !used {
                    let kind = ProblemKind::UnmatchedExclude {
                        entry: pattern.written.clone(),
                        scope: "any version".to_string(),
                    };
                    self.report(pattern.at, kind);
                }
            }
        }
        let top_bake = top.keys.verify.bake.is_some_and(|b| b.0 > 0);
        if top_bake && versions.iter().all(|v| v.rollout.verify.checks.is_empty()) {
            let at = top.fields.key_at("bake").unwrap_or(0);
            let kind = ProblemKind::Verify(VerifyProblem::BakeWithoutChecks { version: None });
            self.report(at, kind);
        }
        self.check_groups(&versions, &places);
        versions
    }

    /// A host may be listed once in the whole strategy. At a million hosts a
    /// hash set of the names cost a quarter of the run (a cache miss per
    /// name) and a third of the peak memory, so the names are first screened
    /// by a 64-bit hash: sorted in two halves, the hashes show in one walk
    /// whether any occurs twice (almost never, in a file without duplicates).
    /// Only names whose hash occurs twice are then compared as text, so a
    /// hash collision costs time, never a wrong answer.
    fn check_duplicate_hosts(&mut self, drafts: &[Draft]) {
        let lists: Vec<&[Host]> = drafts.iter().map(|d| &d.read.hosts[..]).collect();
        let hosts = || lists.iter().flat_map(|list| list.iter());
        let total = drafts.iter().map(|d| d.read.hosts.len()).sum();
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
        // The exact check, in file order, over the suspects only: the version
        // that listed each name first, and every later listing.
        let mut first: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut again = Vec::new();
        for (index, draft) in drafts.iter().enumerate() {
            for (position, host) in draft.read.hosts.iter().enumerate() {
                if suspect.binary_search(&name_hash(&host.name)).is_err() {
                    continue;
                }
                match first.entry(&host.name) {
                    Entry::Occupied(_) => again.push((index, position)),
                    Entry::Vacant(slot) => {
                        slot.insert((index, position));
                    }
                }
            }
        }
        for (index, position) in again {
            let draft = &drafts[index];
            let host = &draft.read.hosts[position].name;
            let at = draft.read.at(self.src, position);
            let (first_index, first_position) = first[host.as_ref()];
            let first_draft = &drafts[first_index];
            let first_at = first_draft.read.at(self.src, first_position);
            let kind = ProblemKind::DuplicateHost {
                host: host.to_string(),
                first_version: first_draft.name.clone(),
                second_version: draft.name.clone(),
                first: self.listing().then(|| self.location(first_at)),
            };
            self.report(at, kind);
        }
    }

    /// A version's rollout: its own keys over the top-level ones over the defaults.
    fn resolve(
        &mut self,
        own: &RolloutKeys,
        own_fields: &Option<Fields<'_, 's>>,
        top: &Level<'_, 's>,
    ) -> Rollout {
        let top_keys = &top.keys;
        let sizes = if let Some(batches) = own.batches.clone() {
            batches
        } else if own.schedule.is_some() || own.combine.is_some() || top_keys.batches.is_none() {
            let one = Size::Count(1);
            vec![
                own.schedule.or(top_keys.schedule).unwrap_or(one),
                own.combine.or(top_keys.combine).unwrap_or(one),
            ]
        } else {
            top_keys.batches.clone().unwrap_or_default()
        };
        let order = own.order.or(top_keys.order).unwrap_or_default();
        let salt = own.salt.clone().or_else(|| top_keys.salt.clone());
        if salt.is_some() && order != Order::Hash {
            let at = match own.salt {
                Some(_) => own_fields.as_ref().and_then(|f| f.value_at("salt")),
                None => top.fields.value_at("salt"),
            };
            self.report(at.unwrap_or(0), ProblemKind::SaltWithoutHash);
        }
        let domains = domains(own, top_keys);
        let vars = |own: &Option<Vars>, top: &Option<Vars>| {
            own.as_ref().or(top.as_ref()).cloned().unwrap_or_default()
        };
        let seconds = |own: Option<Seconds>, top: Option<Seconds>| own.or(top).map_or(0, |s| s.0);
        let verify = Verify::resolve(&own.verify, &top_keys.verify);
        // A top-level bake is a default, for the versions that have checks
        // (reported once, below, when none has).
        if verify.bake > 0 && verify.checks.is_empty() && own.verify.bake.is_some() {
            let at = own_fields
                .as_ref()
                .and_then(|f| f.key_at("bake"))
                .unwrap_or(0);
            let version = self.version_here.clone();
            let kind = ProblemKind::Verify(VerifyProblem::BakeWithoutChecks { version });
            self.report(at, kind);
        }
        Rollout {
            sizes,
            order,
            salt: salt.unwrap_or_default(),
            domains,
            pause_after_canary: seconds(own.pause_after_canary, top_keys.pause_after_canary),
            pause_between_batches: seconds(
                own.pause_between_batches,
                top_keys.pause_between_batches,
            ),
            confirm_after_canary: (own.confirm_after_canary)
                .or(top_keys.confirm_after_canary)
                .unwrap_or(false),
            canary_vars: vars(&own.canary_vars, &top_keys.canary_vars),
            batch_vars: vars(&own.batch_vars, &top_keys.batch_vars),
            verify,
        }
    }

    /// Splits a version's hosts into those rolled out and those excluded.
    /// Top-level exclusions apply to every version, in addition to the
    /// version's own. With hosts not known here nothing is reported about them.
    fn exclude(
        &mut self,
        draft: &Draft<'_, 's>,
        hosts: Vec<Host<'s>>,
        top: &[HostPattern],
        top_used: &mut [bool],
    ) -> (Vec<Host<'s>>, Vec<Host<'s>>) {
        let own = draft.keys.exclude.as_deref().unwrap_or_default();
        if own.is_empty() && top.is_empty() {
            return (hosts, Vec::new());
        }
        // Each host is looked for among the names the entries stand for:
        // entries are few and hosts many, so a host's name is screened by a
        // fast hash (see `name_hash`) and compared as text only on a hit.
        let wanted: HashSet<&str> = (top.iter().chain(own))
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
        let matches = |pattern: &HostPattern| {
            (pattern.names.iter()).any(|name| listed.contains(name.as_str()))
        };
        for (pattern, used) in top.iter().zip(top_used.iter_mut()) {
            *used |= matches(pattern);
        }
        for pattern in own {
            if !matches(pattern) && !draft.hosts_unknown {
                let kind = ProblemKind::UnmatchedExclude {
                    entry: pattern.written.clone(),
                    scope: format!("version `{}`", draft.name),
                };
                self.report(pattern.at, kind);
            }
        }
        if kept.is_empty() && !excluded.is_empty() {
            let kind = ProblemKind::AllExcluded {
                version: draft.name.clone(),
            };
            self.report(draft.at, kind);
        }
        (kept, excluded)
    }

    /// Every host of a version with failure domains must carry a plain label.
    /// `from_source`: the hosts came with `hosts_from`, their vars from
    /// their own inventory sources.
    fn check_labels(
        &mut self,
        read: &HostsRead,
        label: &str,
        skipped: &HashSet<&str>,
        from_source: bool,
    ) {
        for (index, host) in read.hosts.iter().enumerate() {
            if !skipped.is_empty() && skipped.contains(host.name.as_ref()) {
                continue;
            }
            let value = read
                .vars
                .host_var(host, label)
                .map(|v| v.get().as_bytes()[0]);
            let kind = match value {
                None => ProblemKind::MissingDomainLabel {
                    host: host.name.to_string(),
                    label: label.to_string(),
                    from_source,
                },
                Some(b'n') => ProblemKind::NullDomainLabel {
                    host: host.name.to_string(),
                    label: label.to_string(),
                    from_source,
                },
                Some(b'[' | b'{') => ProblemKind::BadDomainLabel {
                    host: host.name.to_string(),
                    label: label.to_string(),
                },
                Some(_) => continue,
            };
            self.report(read.at(self.src, index), kind);
        }
    }

    /// Group names must be distinct across everything the inventory will emit.
    fn check_groups(&mut self, versions: &[Version], places: &[usize]) {
        let mut owner: HashMap<&str, usize> = HashMap::new();
        for (index, version) in versions.iter().enumerate() {
            let at = places[index];
            let group = version.group.as_str();
            if ["all", "ungrouped", "_meta"].contains(&group) {
                let kind = ProblemKind::ReservedGroup {
                    group: group.to_string(),
                };
                self.report(at, kind);
                continue;
            }
            if let Some(&first) = owner.get(group) {
                let kind = ProblemKind::GroupClash {
                    group: group.to_string(),
                    first_version: versions[first].name.clone(),
                    second_version: version.name.clone(),
                };
                self.report(at, kind);
                continue;
            }
            owner.insert(group, index);
        }
        // A version group may not be another version's batch group, nor its
        // excluded group when it has one (only a version that excludes hosts).
        for (version, &at) in versions.iter().zip(places) {
            let group = version.group.as_str();
            let Some((stem, batch)) = derived_group_stem(group) else {
                continue;
            };
            let Some(&other) = owner.get(stem) else {
                continue;
            };
            let clash = match batch {
                None => !versions[other].excluded.is_empty(),
                Some(index) => index < batch_count_bound(&versions[other]),
            };
            if clash {
                let kind = ProblemKind::GroupClash {
                    group: group.to_string(),
                    first_version: versions[other].name.clone(),
                    second_version: version.name.clone(),
                };
                self.report(at, kind);
            }
        }
    }

    fn check_priority(
        &mut self,
        priority: Option<Vec<(String, usize)>>,
        versions: &[Version],
    ) -> Vec<usize> {
        let Some(priority) = priority else {
            return Vec::new();
        };
        let index_of: HashMap<&str, usize> = (versions.iter().enumerate())
            .map(|(i, v)| (v.name.as_str(), i))
            .collect();
        let mut order = Vec::new();
        let mut listed = vec![false; versions.len()];
        for (name, at) in priority {
            match index_of.get(name.as_str()) {
                None => {
                    let known = if self.listing() {
                        versions.iter().map(|v| v.name.clone()).collect()
                    } else {
                        Vec::new()
                    };
                    self.report(at, ProblemKind::UnknownPriority { name, known })
                }
                Some(&index) if listed[index] => {
                    self.report(at, ProblemKind::DuplicatePriority { name })
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

/// More batches than a version can have: its exact count without failure
/// domains, its host count with them (a batch never crosses a domain).
fn batch_count_bound(version: &Version) -> usize {
    let total = version.hosts.len();
    match version.rollout.domains {
        Some(_) => total,
        None => crate::plan::batch_ends(&version.rollout.sizes, &[total]).len(),
    }
}

/// Where `entry` of a host string that is not the source's text (folded over
/// lines, or with escapes) is written: the first place at or after `from`
/// inside the string's `span` where its text lies (not right after an
/// escape's backslash); `from` then moves past the comma after it. An empty
/// entry is placed at `from`; one made by escapes, not found as such, too.
fn written_at(src: &str, from: &mut usize, span: Span, entry: &str, style: Style) -> usize {
    let end = (span.end as usize).clamp(*from, src.len());
    let escaped = |i: usize| style == Style::DoubleQuoted && src[..i].ends_with('\\');
    // Nearly always right after the comma before it, its blanks and line
    // breaks: found there without a search (an entry starts with none).
    let next = *from
        + (src.as_bytes()[*from..end].iter())
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
    let found = match entry.is_empty() {
        true => None,
        false if src[next..end].starts_with(entry) && !escaped(next) => Some(next),
        false => (src[*from..end].match_indices(entry))
            .map(|(i, _)| *from + i)
            .find(|&i| !escaped(i)),
    };
    let place = found.unwrap_or(*from);
    let after = found.map_or(place, |i| i + entry.len());
    *from = match src[after..end].find(',') {
        Some(comma) => after + comma + 1,
        None => end,
    };
    place
}

/// A version's failure domains: its own `spread` / `domain_at_a_time`, else
/// the top level's.
fn domains(own: &RolloutKeys, top: &RolloutKeys) -> Option<Domains> {
    let spread = own.spread.clone().or_else(|| top.spread.clone());
    let one_at_a_time = (own.domain_at_a_time.clone()).or_else(|| top.domain_at_a_time.clone());
    match (own.spread.clone(), own.domain_at_a_time.clone()) {
        (Some(label), None) => Some(Domains::Spread(label)),
        (None, Some(label)) => Some(Domains::OneAtATime(label)),
        (Some(_), Some(_)) => None, // reported by `level`
        (None, None) => match (spread, one_at_a_time) {
            (Some(label), None) => Some(Domains::Spread(label)),
            (None, Some(label)) => Some(Domains::OneAtATime(label)),
            _ => None,
        },
    }
}

fn is_alias(node: &Node) -> bool {
    matches!(node.kind, Kind::Alias(_))
}

/// A host name and its place: one that came through an alias at `alias` is
/// placed there, its text owned (a name borrowed from the source is placed
/// where its text lies, which is the anchor).
fn through_alias<'s>(name: Cow<'s, str>, alias: Option<usize>, at: usize) -> (Cow<'s, str>, usize) {
    match alias {
        Some(alias) => (Cow::Owned(name.into_owned()), alias),
        None => (name, at),
    }
}

/// Whether `name` is a slice of `src` (where it is written), not a copy nor
/// a name decoded into a [`crate::tree::Texts`]: the hosts are placed by it.
fn in_source(src: &str, name: &str) -> bool {
    let (base, here) = (src.as_ptr() as usize, name.as_ptr() as usize);
    here >= base && here + name.len() <= base + src.len()
}

/// A scalar's text, borrowed from the source when the tree holds it so.
fn borrow<'s>(value: &Cow<'s, str>) -> Cow<'s, str> {
    match value {
        Cow::Borrowed(text) => Cow::Borrowed(text),
        Cow::Owned(text) => Cow::Owned(text.clone()),
    }
}

/// A size written as text: "25%", or a count.
fn size_text(v: &str) -> Result<Size, ProblemKind> {
    let text = v.trim();
    if let Some(number) = text.strip_suffix('%') {
        return match number.trim().parse::<u8>() {
            Ok(pct @ 1..=100) => Ok(Size::Percent(pct)),
            _ => Err(ProblemKind::BadPercent { text: v.into() }),
        };
    }
    match text.parse::<u64>() {
        Ok(0) => Err(ProblemKind::SizeZero),
        Ok(count) => Ok(Size::Count(count)),
        Err(_) if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() => {
            Err(ProblemKind::SizeTooLarge { text: text.into() })
        }
        Err(_) => Err(ProblemKind::NotASize { text: excerpt(v) }),
    }
}

/// For [`Validator::written_host_vars`], a host entry's vars (at most
/// eight, each value a scalar as written or a node, see [`VarValue`]):
/// whether the values are all scalars that ansible-core reads or untagged
/// nodes, whether they are all strings, and whether one is a node; `None`
/// when a name has something to report (a merge key, a `regal_` prefix, not
/// a var name, twice), or a value is tagged but as [`is_unsafe_str`] takes
/// (tags written in `src`). Names the same as the last entry's with nothing to
/// report (`recent.names`: as a rule every host has the same var names) are
/// not checked again.
fn vars_checked<'s>(
    src: &'s str,
    vars: impl Iterator<Item = (Written<'s>, VarValue<'s>)>,
    recent: &mut RecentVars<'s>,
) -> Option<(bool, bool, bool)> {
    let mut names = [""; 8];
    let mut flags = (true, true, false);
    let (fine, fine_count) = &mut recent.names;
    let mut same = true;
    let mut count = 0;
    for (index, (key, value)) in vars.enumerate() {
        let name = key.value;
        same = same && index < *fine_count && fine[index] == name;
        if !same {
            let merge = key.style == Style::Plain && name == "<<";
            let odd = name.starts_with("regal_") || !is_var_name(name);
            if merge || names[..index].contains(&name) || odd {
                *fine_count = 0;
                return None;
            }
        }
        names[index] = name;
        if value_checked(src, value, &mut flags).is_none() {
            *fine_count = 0;
            return None;
        }
        count = index + 1;
    }
    if !same || count != *fine_count {
        fine[..count].copy_from_slice(&names[..count]);
        *fine_count = count;
    }
    Some(flags)
}

/// What [`vars_checked`] reads of a var's value: `(readable, strings,
/// nodes)` so far, updated. `None` for a value to go the general way.
#[inline]
fn value_checked(src: &str, value: VarValue, flags: &mut (bool, bool, bool)) -> Option<()> {
    let (readable, strings, nodes) = flags;
    match value {
        // Any other tag, or a value it makes no string: the general way.
        VarValue::Scalar(value) if value.tag_len != 0 && !is_unsafe_str(src, &value) => {
            return None;
        }
        // One resolution for each value (a port on every host: no
        // value built for it).
        VarValue::Scalar(value) if *readable => match written_kind(&value) {
            WrittenKind::Str => {}
            WrittenKind::Unsafe | WrittenKind::Verbatim => *strings = false,
            WrittenKind::Typed(typed) => {
                *strings = false;
                *readable = typed.construct(value.value).is_ok();
            }
        },
        VarValue::Scalar(_) => {}
        VarValue::Node { untagged } => {
            (*nodes, *strings) = (true, false);
            *readable &= untagged;
        }
    }
    Some(())
}

/// Whether the var names whose texts lie at `keys` in `src` are those of
/// the last entry whose names had nothing to report, in the same order:
/// [`vars_checked`] then leaves its names as they are, and reads only the
/// values.
fn same_names(src: &[u8], keys: impl Iterator<Item = Span>, recent: &RecentVars) -> bool {
    let (names, count) = &recent.names;
    let mut index = 0;
    for key in keys {
        if index >= *count || !is_text_at(src, names[index], key) {
            return false;
        }
        index += 1;
    }
    index == *count
}

/// [`vars_checked`] of vars whose names are those of the last entry whose
/// names had nothing to report, in the same order, and whose values are all
/// untagged plain or quoted scalars (the usual host entry, after the first):
/// read from where their texts lie, without a text sliced (each slice of the
/// source is checked to fall between characters) unless a value may be of a
/// type other than a string or the usual int, and without `recent` changed,
/// as `vars_checked` leaves it for such vars. `None` for any other vars,
/// which `vars_checked` reads.
fn same_names_checked(
    src: &str,
    vars: impl Iterator<Item = VarSpans>,
    recent: &RecentVars,
) -> Option<(bool, bool, bool)> {
    let bytes = src.as_bytes();
    let (names, count) = &recent.names;
    let (mut readable, mut strings) = (true, true);
    let mut index = 0;
    for var in vars {
        let name = names.get(index).filter(|_| index < *count)?;
        let style = var.value_style?;
        if !is_text_at(bytes, name, var.key) {
            return None;
        }
        index += 1;
        if !readable || style != Style::Plain {
            continue;
        }
        let value = var.value.start()..var.value.end as usize;
        let kind = crate::yaml11::classify_in(src, value.clone());
        match kind {
            Plain::Str => {}
            Plain::Verbatim => strings = false,
            Plain::Typed(typed) => {
                strings = false;
                readable = typed.construct(&src[value]).is_ok();
            }
        }
    }
    (index == *count).then_some((readable, strings, false))
}

/// Whether `text`, a text of `src` (a name read from it), is the text at
/// `span`: where both are up to 16 bytes long, one compare of the 16 bytes
/// of `src` from where each starts, the bytes past them masked off, without
/// a call (most var names are short).
#[inline]
fn is_text_at(src: &[u8], text: &str, span: Span) -> bool {
    let (start, len) = (span.start(), (span.end - span.start) as usize);
    if text.len() != len {
        return false;
    }
    let window = |at: usize| {
        let bytes = src.get(at..at + 16)?;
        Some(u128::from_le_bytes(bytes.try_into().expect("16 bytes")))
    };
    let at = (text.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize);
    match (window(at), window(start)) {
        (Some(a), Some(b)) if len <= 16 => (a ^ b) & super::FIRST_BYTES[len] == 0,
        _ => text.as_bytes() == &src[start..start + len],
    }
}

/// A host var's value as [`vars_checked`] sees it: a scalar as written, or a
/// value kept as a node, and whether that node is untagged.
enum VarValue<'s> {
    Scalar(Written<'s>),
    Node { untagged: bool },
}

/// The last 8 bytes of `text` (at least 8 long), in one load.
fn tail8(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let last: [u8; 8] = bytes[bytes.len() - 8..].try_into().expect("8 bytes");
    u64::from_ne_bytes(last)
}

/// What reading the vars of a compact host list's entries one after
/// another ([`Validator::entry_vars`]) keeps from one entry to the next.
#[derive(Default)]
struct EntryVarsScratch<'s> {
    /// The vars of an entry read as nodes: room made once, for all.
    pairs: Vec<(Node<'s>, Node<'s>)>,
    /// The vars of the last entries, to share a rendering with.
    recent: RecentVars<'s>,
    /// Where values kept as nodes are read (see `shaped`).
    kept: KeptScratch<'s>,
}

/// A table of `SLOTS` by a hash of the text, and the text last found or
/// noted: a host entry is most often written as the one before it, which
/// one compare of the texts finds, with no hash taken (1M host entries
/// written alike, each about 100 bytes of vars: the hash was a tenth of
/// `check`).
#[derive(Default)]
struct RecentVars<'s> {
    slots: Vec<(u64, &'s str, Option<VarsId>)>,
    last: Option<(&'s str, VarsId)>,
    /// The var names of the last host entry whose names had nothing to
    /// report, and how many (0: none).
    names: ([&'s str; 8], usize),
    /// Lookups in a row that found nothing.
    misses: u32,
}

impl<'s> RecentVars<'s> {
    const SLOTS: usize = 256;

    fn slot(written: &str) -> (u64, usize) {
        let hash = name_hash(written);
        (hash, hash as usize % Self::SLOTS)
    }

    /// Whether vars that may be kept as written (which cost nothing more
    /// when not shared) are worth looking up: always, but one time in 64
    /// while the last 256 lookups found nothing (vars of their own on every
    /// host).
    fn worth_it(&mut self) -> bool {
        self.misses = self.misses.saturating_add(1);
        self.misses <= 256 || self.misses.is_multiple_of(64)
    }

    /// The vars written as `written`, if they are the ones last found or
    /// noted.
    fn last(&mut self, written: &str) -> Option<VarsId> {
        let (text, id) = self.last?;
        // Their last bytes first (vars of their own on every host differ
        // there), in one load, then all.
        let alike = text.len() == written.len()
            && (text.len() < 8 || tail8(text) == tail8(written))
            && text == written;
        alike.then(|| {
            self.misses = 0;
            id
        })
    }

    /// The vars written as `written`, if read recently.
    fn get(&mut self, written: &'s str) -> Option<VarsId> {
        let (hash, slot) = Self::slot(written);
        let found = match self.slots.get(slot) {
            Some(&(seen, text, id)) if seen == hash && text == written => id,
            _ => None,
        };
        if let Some(id) = found {
            self.misses = 0;
            self.last = Some((written, id));
        }
        found
    }

    /// Notes that the vars written as `written` are `id` (`None`: none).
    fn put(&mut self, written: &'s str, id: Option<VarsId>) {
        if self.slots.is_empty() {
            self.slots = vec![(0, "", None); Self::SLOTS];
        }
        let (hash, slot) = Self::slot(written);
        self.slots[slot] = (hash, written, id);
        self.last = id.map(|id| (written, id));
    }
}

/// A host var's value that is a scalar as written, as `serde_json` writes it
/// in the vars map. Err (nothing written) when ansible-core cannot read it.
/// A tagged value is one [`vars_checked`] took: tagged `!unsafe`, a string.
pub(super) fn push_written_value(out: &mut String, value: &Written) -> Result<(), NotResolved> {
    use std::fmt::Write;
    match written_kind(value) {
        WrittenKind::Unsafe => {
            out.push_str("{\"__ansible_unsafe\":");
            push_json_str(out, value.value);
            out.push('}');
        }
        WrittenKind::Str => push_json_str(out, value.value),
        WrittenKind::Verbatim => out.push_str(value.value),
        WrittenKind::Typed(typed) => {
            let value = typed.construct(value.value)?;
            write!(out, "{value}").expect("a String takes any text");
        }
    }
    Ok(())
}

/// What a host var's value that is a scalar as written is to ansible-core,
/// found with one resolution (see [`crate::yaml11::classify`]).
#[derive(Clone, Copy)]
pub(super) enum WrittenKind {
    /// Tagged: as [`vars_checked`] takes it, `!unsafe` on a string, written
    /// as `{"__ansible_unsafe": text}`.
    Unsafe,
    /// A string: quoted or block, or plain and a string to YAML 1.1.
    Str,
    /// Plain, and its JSON text is its text as written (`8080`, `true`).
    Verbatim,
    /// Plain, of another type: the value built is written.
    Typed(crate::yaml11::Typed),
}

/// [`WrittenKind`] of `value`.
pub(super) fn written_kind(value: &Written) -> WrittenKind {
    if value.tag_len != 0 {
        return WrittenKind::Unsafe;
    }
    if value.style != Style::Plain {
        return WrittenKind::Str;
    }
    match crate::yaml11::classify(value.value) {
        Plain::Str => WrittenKind::Str,
        Plain::Verbatim => WrittenKind::Verbatim,
        Plain::Typed(typed) => WrittenKind::Typed(typed),
    }
}

/// A host var's value kept as a node that [`Validator::write_value`] wrote
/// without a problem, untagged ([`Node::is_untagged`]), as it wrote it.
pub(super) fn push_kept_value(out: &mut String, node: &Node) {
    match &node.kind {
        Kind::Scalar(scalar) => {
            let value = Written {
                span: node.span,
                style: scalar.style,
                value: &scalar.value,
                tag_len: 0,
            };
            push_written_value(out, &value).expect("read when kept");
        }
        Kind::Seq(_) | Kind::HostSeq(_) => {
            out.push('[');
            for (index, item) in node.items().expect("a sequence").enumerate() {
                if index > 0 {
                    out.push(',');
                }
                push_kept_value(out, &item);
            }
            out.push(']');
        }
        Kind::Map(entries) => {
            out.push('{');
            for (index, (key, value)) in entries.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                let key = key.scalar().expect("a key read when kept");
                match key.is_plain() && !crate::yaml11::is_str(&key.value) {
                    true => {
                        let name = crate::yaml11::resolve_plain_key(&key.value);
                        push_json_str(out, &name.expect("a key read when kept"));
                    }
                    false => push_json_str(out, &key.value),
                }
                out.push(':');
                push_kept_value(out, value);
            }
            out.push('}');
        }
        Kind::Alias(_) | Kind::Tagged(_) => unreachable!("kept untagged"),
    }
}

/// Whether a host var's value written so is tagged `!unsafe` (a local tag
/// as written) and a string to YAML 1.1, which [`Validator::write_value`]
/// writes as `{"__ansible_unsafe": text}` without a problem: the only
/// tagged value [`vars_checked`] takes.
fn is_unsafe_str(src: &str, value: &Written) -> bool {
    value.tag(src) == Some("!unsafe") && crate::yaml11::is_str(value.value)
}

/// `text` as a JSON string, as `serde_json` writes it: only control
/// characters, `"` and `\\` are escaped, so text without them is copied.
pub(super) fn push_json_str(out: &mut String, text: &str) {
    if json_str_plain(text) {
        out.reserve(text.len() + 2);
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(text).expect("a string renders"));
    }
}

/// Whether `text` is written in JSON as it is, between quotes: it holds no
/// control character, `"` or `\\`, which `serde_json` escapes.
pub(super) fn json_str_plain(text: &str) -> bool {
    json_bytes_plain(text.as_bytes())
}

/// [`json_str_plain`] of a text's bytes.
pub(super) fn json_bytes_plain(text: &[u8]) -> bool {
    (text.iter()).fold(true, |plain, &b| {
        plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
    })
}

/// One half of a long host string, read as plain names only into `room`, a
/// host in each place; false at the first entry that needs anything more
/// (the whole string is then read in one piece, which reports it), or when
/// its entries do not fill the room exactly.
fn plain_half<'s>(part: &'s str, room: &mut [MaybeUninit<Host<'s>>]) -> bool {
    let mut places = room.iter_mut();
    for entry in part.split(',') {
        let entry = entry.trim();
        if entry.is_empty() || file::scan_name(entry) != 0 {
            return false;
        }
        let Some(place) = places.next() else {
            return false;
        };
        place.write(Host {
            name: Cow::Borrowed(entry),
            vars: None,
            domain: 0,
        });
    }
    places.len() == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_short_tag` answers what comparing `short_tag` would, for tags as
    /// the parser shows them: YAML's own, local, verbatim, odd.
    /// `is_text_at` is `==` of a text of the source and the text at a
    /// span: each of a source's names against each span, at its end too,
    /// and texts not of the source.
    #[test]
    fn names_compare_with_the_text_at_a_span_as_their_bytes() {
        let src = "zone: a\nzonf: b\nzone_longer_than_16: c\nzone_longer_than_17: d\nz: e\nzone";
        let mut spans = Vec::new();
        let mut at = 0;
        for line in src.split('\n') {
            let len = line.find(':').unwrap_or(line.len());
            spans.push(Span::new(at, at + len));
            spans.push(Span::new(at, at + line.len()));
            at += line.len() + 1;
        }
        let elsewhere = String::from("zone");
        for &a in &spans {
            let text = &src[a.start()..a.end as usize];
            for &b in &spans {
                let same = text == &src[b.start()..b.end as usize];
                assert_eq!(is_text_at(src.as_bytes(), text, b), same, "{a:?} {b:?}");
                let other = elsewhere.as_str();
                let same = other == &src[b.start()..b.end as usize];
                assert_eq!(is_text_at(src.as_bytes(), other, b), same, "{b:?}");
            }
        }
    }

    #[test]
    fn short_tags_compare_without_a_copy() {
        let shown = [
            "tag:yaml.org,2002:null",
            "tag:yaml.org,2002:!null",
            "tag:yaml.org,2002:!!null",
            "!tag:yaml.org,2002:null",
            "!!null",
            "!null",
            "!!!null",
            "tag:yaml.org,2002:str",
            "!tag:yaml.org,2002:str",
            "!!unsafe",
            "!unsafe",
            "tag:yaml.org,2002:",
            "!",
            "",
            "null",
            "tag:yaml.org,2002:nul",
        ];
        let short = ["!!null", "!!str", "!unsafe", "!!", "!", "", "null", "!!nul"];
        for tag in shown {
            for want in short {
                assert_eq!(
                    is_short_tag(tag, want),
                    short_tag(tag) == want,
                    "{tag} {want}"
                );
            }
        }
        assert!(is_short_tag("tag:yaml.org,2002:null", "!!null"));
        assert!(!is_short_tag("tag:yaml.org,2002:str", "!!null"));
    }

    /// `[a,,b]` is an empty host entry where the list holds host names, an
    /// empty item elsewhere, and any other syntax error keeps its words.
    #[test]
    fn two_commas_in_a_flow_list() {
        let problem = |src: &str| {
            let error = crate::tree::parse(src).unwrap_err();
            syntax_problem(src, error.at, error.message)
        };
        let hosts = ProblemKind::EmptyFlowItem { hosts: true };
        let other = ProblemKind::EmptyFlowItem { hosts: false };
        for src in [
            "versions:\n  app: [a,,b]\n",
            "versions:\n  # c\n\n  app: [, a]\n",
            "versions:\n  app: [a,\n    , b]\n",
            "versions:\n  app:\n    hosts: [a, , b]\n",
            "versions: {app: [a,,b]}\n",
            "versions:\n  app: {hosts: [a,,b]}\n",
            "exclude: [a,,b]\nversions: {app: a}\n",
        ] {
            assert_eq!(problem(src), hosts, "{src:?}");
        }
        for src in [
            "batches: [1,,2]\nversions: {app: a}\n",
            "priority: [a,,b]\nversions: {a: x}\n",
            "vars: {x: 1,, y: 2}\nversions: {app: a}\n",
            "versions:\n  app:\n    vars: {x: [1,,2]}\n    hosts: a\n",
        ] {
            assert_eq!(problem(src), other, "{src:?}");
        }
        assert!(matches!(problem("versions: [a, b\n"), ProblemKind::Yaml(_)));
    }

    /// The keys the validator reads are those of the schema (generated from
    /// [`file`]), in its order, so that neither can drift.
    #[test]
    fn the_keys_read_are_the_keys_of_the_schema() {
        let schema = crate::schema::schema();
        let keys = |properties: &serde_json::Value| -> Vec<String> {
            properties.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(&schema["properties"]), top_keys());
        assert_eq!(
            keys(&schema["$defs"]["VersionBody"]["properties"]),
            version_keys()
        );
    }

    #[test]
    fn a_close_key_is_suggested() {
        let known = top_keys();
        assert_eq!(suggestion("schedul", &known), Some("schedule"));
        assert_eq!(suggestion("ordr", &known), Some("order"));
        assert_eq!(suggestion("version", &known), Some("versions"));
        assert_eq!(suggestion("canary-vars", &known), Some("canary_vars"));
        assert_eq!(suggestion("zzz", &known), None);
    }
}
