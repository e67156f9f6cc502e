//! Health-verified batches: `verify:` (checks run on every host of a batch
//! after its tasks and handlers), `bake:` (seconds to keep checking the batch
//! before the rollout moves on) and `bake_last:`.
//!
//! Self-contained so that a strategy reader only has to (1) read the three keys
//! with the serde types here ([`CheckSpec`], [`Bake`]; each single value is
//! checked while it is read, so the reader reports it at its own line and
//! column), (2) call [`check_problems`] for the rules across the keys of one
//! check, and (3) resolve a version's keys with [`Verify::resolve`]. The
//! inventory gives the result to the rollout playbook as the version group's
//! vars ([`Verify::group_vars`]); its tasks file `tasks/regal_verify.yml`
//! runs the checks.

use crate::strategy::file::Vars;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Visitor};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::fmt;

/// The defaults of a check's numbers, as README states them.
pub const DEFAULT_STATUS: u16 = 200;
pub const DEFAULT_TIMEOUT: u64 = 5;
pub const DEFAULT_RETRIES: u64 = 3;
pub const DEFAULT_DELAY: u64 = 2;

/// Most seconds a bake may last: the playbook checks the batch in rounds, one
/// include each, and a rollout that watches one batch for more than a day is
/// better cut into several runs.
pub const MAX_BAKE: u64 = 86_400;
/// Most seconds a timeout or delay may be.
pub const MAX_SECONDS: u64 = 3_600;
/// Most retries of a check.
pub const MAX_RETRIES: u64 = 1_000;

/// One health check as it reaches the playbook, every default filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub probe: Probe,
    /// Accepted HTTP statuses (http only).
    pub status: Vec<u16>,
    /// Text the body must contain (http only).
    pub contains: Option<String>,
    pub timeout: u64,
    pub retries: u64,
    pub delay: u64,
}

/// What a check asks, as written (templates are rendered per host by Ansible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// A GET from the controller.
    Http(String),
    /// A TCP connection from the controller to `host:port`.
    Tcp(String),
    /// A shell command on the host; exit 0 is healthy.
    Command(String),
}

impl Probe {
    /// The check's key and its text, e.g. `("http", "http://...")`.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Probe::Http(url) => ("http", url),
            Probe::Tcp(address) => ("tcp", address),
            Probe::Command(command) => ("command", command),
        }
    }
}

impl fmt::Display for Check {
    /// `http http://x/health (status 200, contains "ok")`, as `plan` shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, text) = self.probe.parts();
        write!(f, "{kind} {text}")?;
        let mut details = Vec::new();
        if matches!(self.probe, Probe::Http(_)) && self.status != [DEFAULT_STATUS] {
            let codes: Vec<String> = self.status.iter().map(u16::to_string).collect();
            details.push(format!("status {}", codes.join("/")));
        }
        if let Some(text) = &self.contains {
            details.push(format!("contains '{text}'"));
        }
        details.push(format!(
            "timeout {} s, {} retries every {} s",
            self.timeout, self.retries, self.delay
        ));
        write!(f, " ({})", details.join(", "))
    }
}

/// The health checks of one version, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verify {
    pub checks: Vec<Check>,
    /// Seconds to keep checking a batch after it passed (0: no bake).
    pub bake: u64,
    /// Bake after the last batch of the rollout too.
    pub bake_last: bool,
}

/// The verify keys of one level (top level or one version), as written.
#[derive(Debug, Clone, Default)]
pub struct VerifyKeys {
    pub verify: Option<Checks>,
    pub bake: Option<Bake>,
    pub bake_last: Option<bool>,
}

impl Verify {
    /// A version's checks: its own keys over the top-level ones, each key on
    /// its own (`verify:` as a whole list: a version's list replaces the top
    /// level's, and `verify: []` turns checks off for it).
    pub fn resolve(own: &VerifyKeys, top: &VerifyKeys) -> Verify {
        let checks = own.verify.as_ref().or(top.verify.as_ref());
        Verify {
            checks: checks.map_or_else(Vec::new, |specs| {
                specs.0.iter().filter_map(CheckSpec::resolve).collect()
            }),
            bake: own.bake.or(top.bake).map_or(0, |b| b.0),
            bake_last: own.bake_last.or(top.bake_last).unwrap_or(false),
        }
    }

    /// Whether the rollout bakes after a batch; `last`: the batch is the very
    /// last of the rollout.
    pub fn bakes_after(&self, last: bool) -> bool {
        self.bake > 0 && !self.checks.is_empty() && (!last || self.bake_last)
    }

    /// The version group's vars for the playbook: `regal_verify` (the checks,
    /// every default filled in), `regal_bake` and `regal_bake_last` when set.
    /// Nothing without checks. One copy per version, whatever its hosts and
    /// batches: the playbook renders the templates per host.
    pub fn group_vars(&self, vars: &mut Vars) {
        if self.checks.is_empty() {
            return;
        }
        let checks: Vec<Value> = self.checks.iter().map(Check::to_json).collect();
        vars.insert("regal_verify".into(), Value::Array(checks));
        if self.bake > 0 {
            vars.insert("regal_bake".into(), json!(self.bake));
            if self.bake_last {
                vars.insert("regal_bake_last".into(), Value::Bool(true));
            }
        }
    }
}

impl Check {
    /// `{"type": "http", "http": url, "status": [200], "contains": ...,
    /// "timeout": 5, "retries": 3, "delay": 2}`. `type` is never a template:
    /// the playbook picks the checks of a kind by it, and a pick by the key
    /// whose template fails to render (a host without the var) would drop the
    /// check instead of failing it.
    pub fn to_json(&self) -> Value {
        let mut check = serde_json::Map::new();
        let (kind, text) = self.probe.parts();
        check.insert("type".into(), json!(kind));
        check.insert(kind.into(), json!(text));
        if let Probe::Http(_) = self.probe {
            check.insert("status".into(), json!(self.status));
            if let Some(text) = &self.contains {
                check.insert("contains".into(), json!(text));
            }
        }
        check.insert("timeout".into(), json!(self.timeout));
        check.insert("retries".into(), json!(self.retries));
        check.insert("delay".into(), json!(self.delay));
        Value::Object(check)
    }
}

/// What is wrong across the keys of one check, or with a bake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyProblem {
    /// A check with none of `http`, `tcp`, `command`.
    NoProbe,
    /// A check with two of them (the second one named).
    TwoProbes {
        first: &'static str,
        second: &'static str,
    },
    /// `status:` or `contains:` on a tcp or command check.
    HttpOnly {
        key: &'static str,
        kind: &'static str,
    },
    /// `bake:` for a version without checks (None: for every version, at the top level).
    BakeWithoutChecks { version: Option<String> },
}

impl fmt::Display for VerifyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyProblem::NoProbe => write!(
                f,
                "a check needs one of `http: <url>`, `tcp: <host:port>` or `command: <cmd>`"
            ),
            VerifyProblem::TwoProbes { first, second } => write!(
                f,
                "a check has both `{first}:` and `{second}:`; write each check as its own list item"
            ),
            VerifyProblem::HttpOnly { key, kind } => write!(
                f,
                "`{key}:` only applies to http checks, not to a {kind} check; remove it"
            ),
            VerifyProblem::BakeWithoutChecks { version } => {
                let whose = match version {
                    Some(version) => format!("version `{version}` has none"),
                    None => "no version has any".to_string(),
                };
                write!(
                    f,
                    "`bake:` keeps checking a batch with its `verify:` checks, but {whose}; add `verify:` or remove `bake:`"
                )
            }
        }
    }
}

/// `verify:` the checks, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Checks(pub Vec<CheckSpec>);

impl<'de> Deserialize<'de> for Checks {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ChecksVisitor;
        impl<'de> Visitor<'de> for ChecksVisitor {
            type Value = Checks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a list of checks, each `- http: <url>`, `- tcp: <host:port>` or `- command: <cmd>`",
                )
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checks, A::Error> {
                let mut checks = Vec::new();
                while let Some(check) = seq.next_element()? {
                    checks.push(check);
                }
                Ok(Checks(checks))
            }
        }
        deserializer.deserialize_seq(ChecksVisitor)
    }
}

impl JsonSchema for Checks {
    fn schema_name() -> Cow<'static, str> {
        "Checks".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Health checks run on every host of a batch after its tasks and handlers, before the pause and the next batch; a failing check stops the rollout. A version's list replaces the top-level one; `[]` turns checks off.",
            "type": "array",
            "items": generator.subschema_for::<CheckSpec>(),
        })
    }
}

/// The keys of one check, as [`CheckSpec`] names them.
pub const CHECK_KEYS: [&str; 8] = [
    "http", "tcp", "command", "status", "contains", "timeout", "retries", "delay",
];

/// One check as written in a `verify:` list.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a check such as `http: <url>`")]
#[schemars(extend("oneOf" = [
    {"required": ["http"]},
    {"required": ["tcp"], "not": {"anyOf": [{"required": ["status"]}, {"required": ["contains"]}]}},
    {"required": ["command"], "not": {"anyOf": [{"required": ["status"]}, {"required": ["contains"]}]}},
]))]
pub struct CheckSpec {
    /// A GET from the controller to this URL (`http://` or `https://`; may use
    /// host vars, e.g. `http://{{ ansible_host | default(inventory_hostname) }}:8080/health`).
    #[serde(default)]
    pub http: Option<Url>,
    /// A TCP connection from the controller to `host:port` (may use host vars).
    #[serde(default)]
    pub tcp: Option<Address>,
    /// A shell command on the host; exit code 0 is healthy (may use host vars).
    #[serde(default)]
    pub command: Option<Command>,
    /// http: the expected status, or a list of them. Default 200.
    #[serde(default)]
    pub status: Option<Status>,
    /// http: text the body must contain.
    #[serde(default)]
    pub contains: Option<Contains>,
    /// Seconds one attempt may take. Default 5.
    #[serde(default)]
    pub timeout: Option<Timeout>,
    /// Attempts after the first before the check fails. Default 3.
    #[serde(default)]
    pub retries: Option<Retries>,
    /// Seconds between attempts, and between checks during a bake. Default 2.
    #[serde(default)]
    pub delay: Option<Delay>,
}

impl CheckSpec {
    /// The probes written, in the order http, tcp, command.
    fn probes(&self) -> Vec<Probe> {
        let http = self.http.as_ref().map(|u| Probe::Http(u.0.clone()));
        let tcp = self.tcp.as_ref().map(|a| Probe::Tcp(a.0.clone()));
        let command = self.command.as_ref().map(|c| Probe::Command(c.0.clone()));
        [http, tcp, command].into_iter().flatten().collect()
    }

    /// The check with its defaults, or None if [`check_problems`] finds one.
    pub fn resolve(&self) -> Option<Check> {
        let [probe] = <[Probe; 1]>::try_from(self.probes()).ok()?;
        Some(Check {
            status: self
                .status
                .as_ref()
                .map_or_else(|| vec![DEFAULT_STATUS], |s| s.0.clone()),
            contains: self.contains.as_ref().map(|c| c.0.clone()),
            timeout: self.timeout.map_or(DEFAULT_TIMEOUT, |t| t.0),
            retries: self.retries.map_or(DEFAULT_RETRIES, |r| r.0),
            delay: self.delay.map_or(DEFAULT_DELAY, |d| d.0),
            probe,
        })
    }
}

/// The rules across the keys of one check, each with the key it is about
/// (None: the check as a whole).
pub fn check_problems(spec: &CheckSpec) -> Vec<(Option<&'static str>, VerifyProblem)> {
    let kinds: Vec<&'static str> = spec.probes().iter().map(|p| p.parts().0).collect();
    let mut problems = Vec::new();
    match kinds.as_slice() {
        [] => problems.push((None, VerifyProblem::NoProbe)),
        [first, second, ..] => {
            problems.push((Some(*second), VerifyProblem::TwoProbes { first, second }))
        }
        [kind] if *kind != "http" => {
            if spec.status.is_some() {
                problems.push((
                    Some("status"),
                    VerifyProblem::HttpOnly {
                        key: "status",
                        kind,
                    },
                ));
            }
            if spec.contains.is_some() {
                problems.push((
                    Some("contains"),
                    VerifyProblem::HttpOnly {
                        key: "contains",
                        kind,
                    },
                ));
            }
        }
        [_] => {}
    }
    problems
}

/// What makes the Jinja in `text` unusable, if anything: only whole
/// `{{ ... }}` expressions are taken.
fn template_problem(text: &str) -> Option<&'static str> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if after.starts_with('%') || after.starts_with('#') {
            return Some(
                "holds a Jinja statement or comment (`{%`, `{#`); only `{{ ... }}` expressions are taken",
            );
        }
        if !after.starts_with('{') {
            rest = after;
            continue;
        }
        match after[1..].find("}}") {
            Some(close) if after[1..1 + close].trim().is_empty() => {
                return Some("holds an empty `{{ }}`");
            }
            Some(close) => rest = &after[1 + close + 2..],
            None => return Some("has a `{{` without its `}}`"),
        }
    }
    None
}

/// `text` with every `{{ ... }}` replaced by `x` (a stand-in for what a
/// host's vars render), for the checks of the text around the templates.
fn without_templates(text: &str) -> Cow<'_, str> {
    if !text.contains("{{") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        out.push('x');
        rest = rest[open..]
            .find("}}")
            .map_or("", |close| &rest[open + close + 2..]);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Reads a text value and checks it with `check`, which gives why it is wrong.
macro_rules! checked_text {
    ($(#[$meta:meta])* $name:ident, $expecting:literal, trim: $trim:literal, $check:expr, $schema:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TextVisitor;
                impl<'de> Visitor<'de> for TextVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        let check: fn(&str) -> Result<(), String> = $check;
                        check(v).map_err(E::custom)?;
                        Ok($name(if $trim { v.trim() } else { v }.to_string()))
                    }
                }
                deserializer.deserialize_str(TextVisitor)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

checked_text!(
    /// `http:` an http or https URL.
    Url,
    "an http:// or https:// URL",
    trim: true,
    check_url,
    json_schema!({
        "description": "A GET from the controller; may use host vars in `{{ ... }}`.",
        "type": "string",
        "pattern": "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]",
    })
);

checked_text!(
    /// `tcp:` `host:port`.
    Address,
    "an address `host:port`",
    trim: true,
    check_address,
    json_schema!({
        "description": "`host:port` to connect to from the controller; may use host vars in `{{ ... }}` (IPv6 in brackets: `[::1]:80`).",
        "type": "string",
        "pattern": ".:\\s*([0-9]+|\\{\\{.*\\}\\})\\s*$",
    })
);

checked_text!(
    /// `command:` a shell command.
    Command,
    "a shell command",
    trim: true,
    check_command,
    json_schema!({
        "description": "A shell command run on the host; exit code 0 is healthy. May use host vars in `{{ ... }}`.",
        "type": "string",
        "pattern": "\\S",
    })
);

checked_text!(
    /// `contains:` text the body must contain.
    Contains,
    "the text the body must contain",
    trim: false,
    |text| match text.is_empty() {
        true => Err("`contains:` is empty; give the text the body must contain, or remove it".into()),
        false => Ok(()),
    },
    json_schema!({
        "description": "Text the response body must contain.",
        "type": "string",
        "minLength": 1,
    })
);

fn check_url(url: &str) -> Result<(), String> {
    let trimmed = url.trim();
    if let Some(why) = template_problem(trimmed) {
        return Err(format!("URL `{url}` {why}"));
    }
    let plain = without_templates(trimmed);
    let lower = plain.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    else {
        return Err(format!(
            "`{url}` is not an http or https URL; write it like `http://{{{{ ansible_host | default(inventory_hostname) }}}}:8080/health`"
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.starts_with(':') {
        return Err(format!(
            "URL `{url}` names no host; write `http://HOST[:PORT]/PATH`"
        ));
    }
    if plain.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "URL `{url}` contains whitespace outside `{{{{ ... }}}}`; encode it as %20"
        ));
    }
    Ok(())
}

fn check_address(address: &str) -> Result<(), String> {
    let trimmed = address.trim();
    if let Some(why) = template_problem(trimmed) {
        return Err(format!("address `{address}` {why}"));
    }
    let plain = without_templates(trimmed);
    let usage = "write `host:port`, e.g. `{{ ansible_host | default(inventory_hostname) }}:5432` (IPv6 in brackets: `[::1]:5432`)";
    let Some((host, port)) = plain.rsplit_once(':') else {
        return Err(format!("`{address}` has no port; {usage}"));
    };
    if host.trim().is_empty() {
        return Err(format!("`{address}` has no host; {usage}"));
    }
    if host.contains(':') && !(host.starts_with('[') && host.ends_with(']')) {
        return Err(format!(
            "`{address}`: an IPv6 host goes in brackets; {usage}"
        ));
    }
    let port = port.trim();
    // A port given by a template is checked when Ansible renders it.
    if port != "x" && !matches!(port.parse::<u16>(), Ok(1..)) {
        return Err(format!(
            "`{address}` has port `{port}`, which is not a port from 1 to 65535; {usage}"
        ));
    }
    if plain.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "address `{address}` contains whitespace outside `{{{{ ... }}}}`; {usage}"
        ));
    }
    Ok(())
}

fn check_command(command: &str) -> Result<(), String> {
    if command.trim().is_empty() {
        return Err(
            "`command:` is empty; give the shell command whose exit code 0 means healthy".into(),
        );
    }
    if let Some(why) = template_problem(command) {
        return Err(format!("command `{command}` {why}"));
    }
    Ok(())
}

/// A whole number read as `what` (e.g. "a timeout"), from `min` to `max`.
fn whole_number<E: de::Error>(
    v: i128,
    what: &str,
    unit: &str,
    min: u64,
    max: u64,
) -> Result<u64, E> {
    let range = if min == 0 {
        format!("from 0 to {max}")
    } else {
        format!("from {min} to {max}")
    };
    if v < 0 {
        return Err(E::custom(format!(
            "{what} cannot be negative ({v}); use a whole number of {unit} {range}"
        )));
    }
    if v < i128::from(min) {
        return Err(E::custom(format!(
            "{what} of {v} {unit} would fail every check; use a whole number of {unit} {range}"
        )));
    }
    if v > i128::from(max) {
        return Err(E::custom(format!(
            "{what} of {v} {unit} is more than regal-inventory takes; use a whole number of {unit} {range}"
        )));
    }
    Ok(v as u64)
}

/// A whole number type read through [`whole_number`].
macro_rules! whole_number_type {
    ($(#[$meta:meta])* $name:ident, $what:literal, $unit:literal, $min:expr, $max:expr, $description:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub u64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct NumberVisitor;
                impl<'de> Visitor<'de> for NumberVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        write!(f, "a whole number of {}", $unit)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        self.visit_i128(v.into())
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        self.visit_i128(v.into())
                    }
                    // YAML integers past the 64-bit range arrive here.
                    fn visit_u128<E: de::Error>(self, v: u128) -> Result<$name, E> {
                        self.visit_i128(i128::try_from(v).unwrap_or(i128::MAX))
                    }
                    fn visit_i128<E: de::Error>(self, v: i128) -> Result<$name, E> {
                        whole_number(v, $what, $unit, $min, $max).map($name)
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        Err(E::custom(format!(
                            "{} is a whole number of {}, not {v}",
                            $what, $unit
                        )))
                    }
                }
                deserializer.deserialize_any(NumberVisitor)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": $description,
                    "type": "integer",
                    "minimum": $min,
                    "maximum": $max,
                })
            }
        }
    };
}

whole_number_type!(
    /// `timeout:` seconds one attempt of a check may take.
    Timeout, "a timeout", "seconds", 1, MAX_SECONDS,
    "Seconds one attempt of the check may take (default 5)."
);
whole_number_type!(
    /// `retries:` attempts after the first.
    Retries, "`retries`", "attempts", 0, MAX_RETRIES,
    "Attempts after the first before the check fails (default 3)."
);
whole_number_type!(
    /// `delay:` seconds between attempts.
    Delay, "a delay", "seconds", 0, MAX_SECONDS,
    "Seconds between attempts, and between the checks of a bake (default 2)."
);
whole_number_type!(
    /// `bake:` seconds to keep checking a batch after it passed.
    Bake, "a bake", "seconds", 0, MAX_BAKE,
    "Seconds to keep checking each batch after it passed its checks, before the pause and the next batch; not after the last batch unless `bake_last: true`."
);

/// `status:` one HTTP status or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status(pub Vec<u16>);

fn status_code<E: de::Error>(v: i128) -> Result<u16, E> {
    match u16::try_from(v) {
        Ok(code @ 100..=599) => Ok(code),
        _ => Err(E::custom(format!(
            "`{v}` is not an HTTP status; use a status from 100 to 599 (e.g. 200) or a list of them"
        ))),
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// One code, read as a list item or alone.
        struct Code;
        impl<'de> de::DeserializeSeed<'de> for Code {
            type Value = u16;
            fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<u16, D::Error> {
                d.deserialize_any(StatusVisitor)
                    .and_then(|s| match s.0.as_slice() {
                        [code] => Ok(*code),
                        _ => Err(de::Error::custom(
                            "a list of statuses holds single statuses",
                        )),
                    })
            }
        }
        struct StatusVisitor;
        impl<'de> Visitor<'de> for StatusVisitor {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an HTTP status (e.g. 200) or a list of them")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Status, E> {
                Ok(Status(vec![status_code(v.into())?]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Status, E> {
                Ok(Status(vec![status_code(v.into())?]))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Status, E> {
                Ok(Status(vec![status_code(
                    i128::try_from(v).unwrap_or(i128::MAX),
                )?]))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Status, E> {
                Ok(Status(vec![status_code(v)?]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Status, A::Error> {
                let mut codes = Vec::new();
                while let Some(code) = seq.next_element_seed(Code)? {
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
                if codes.is_empty() {
                    return Err(de::Error::custom(
                        "`status:` is an empty list; give at least one status, e.g. 200",
                    ));
                }
                Ok(Status(codes))
            }
        }
        deserializer.deserialize_any(StatusVisitor)
    }
}

impl JsonSchema for Status {
    fn schema_name() -> Cow<'static, str> {
        "Status".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let code = json!({"type": "integer", "minimum": 100, "maximum": 599});
        json_schema!({
            "description": "The expected HTTP status (default 200), or a list of them.",
            "anyOf": [code, {"type": "array", "items": code, "minItems": 1}],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for good in [
            "http://web1/health",
            "HTTPS://web1:8443",
            "http://{{ ansible_host | default(inventory_hostname) }}:{{ health_port }}/health?x=1",
            " http://[::1]:80/ ",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("web1/health", "not an http or https URL"),
            ("ftp://web1", "not an http or https URL"),
            ("http:///health", "names no host"),
            ("http://:80/health", "names no host"),
            ("http://web 1/health", "whitespace"),
            ("http://{{ host /health", "without its `}}`"),
            ("http://{% if x %}a{% endif %}/", "statement"),
            ("http://{{ }}/", "empty"),
        ] {
            let found = check_url(bad).unwrap_err();
            assert!(found.contains(why), "{bad}: {found}");
        }
    }

    #[test]
    fn addresses() {
        for good in [
            "db1:5432",
            "{{ ansible_host }}:{{ port }}",
            "[::1]:80",
            "127.0.0.1:{{ health_port + 1 }}",
        ] {
            assert_eq!(check_address(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("db1", "no port"),
            (":5432", "no host"),
            ("db1:0", "not a port"),
            ("db1:70000", "not a port"),
            ("db1:http", "not a port"),
            ("::1:80", "brackets"),
            ("db 1:80", "whitespace"),
        ] {
            let found = check_address(bad).unwrap_err();
            assert!(found.contains(why), "{bad}: {found}");
        }
    }

    #[test]
    fn rules_across_the_keys_of_a_check() {
        let read = |yaml: &str| serde_yaml::from_str::<CheckSpec>(yaml).unwrap();
        let problems = |yaml: &str| check_problems(&read(yaml));
        assert!(problems("http: http://a/").is_empty());
        assert_eq!(problems("retries: 2"), [(None, VerifyProblem::NoProbe)]);
        assert_eq!(
            problems("tcp: a:1\ncommand: 'true'"),
            [(
                Some("command"),
                VerifyProblem::TwoProbes {
                    first: "tcp",
                    second: "command"
                }
            )]
        );
        assert_eq!(
            problems("command: 'true'\nstatus: 200\ncontains: x").len(),
            2
        );
        let check = read("http: http://a/\nstatus: [200, 204, 200]")
            .resolve()
            .unwrap();
        assert_eq!(check.status, [200, 204]);
        assert_eq!((check.timeout, check.retries, check.delay), (5, 3, 2));
        assert_eq!(
            check.to_string(),
            "http http://a/ (status 200/204, timeout 5 s, 3 retries every 2 s)"
        );
    }

    #[test]
    fn numbers_get_a_plain_message() {
        let error = |yaml: &str| {
            serde_yaml::from_str::<CheckSpec>(yaml)
                .unwrap_err()
                .to_string()
        };
        assert!(error("timeout: -1").contains("cannot be negative"));
        assert!(error("timeout: 0").contains("would fail every check"));
        assert!(error("retries: 1.5").contains("whole number"));
        assert!(error("delay: 99999999999999999999999").contains("more than"));
        assert!(error("status: 99").contains("not an HTTP status"));
        assert!(error("status: []").contains("empty list"));
        assert!(error("status: [200, 1000]").contains("not an HTTP status"));
        assert!(error("contains: ''").contains("empty"));
        assert!(error("hhtp: x").contains("unknown field"));
    }

    #[test]
    fn templates_in_the_text_stand_for_a_value() {
        assert_eq!(without_templates("a{{ b }}c{{d}}"), "axcx");
        assert_eq!(without_templates("plain"), "plain");
        assert_eq!(template_problem("a { b } {{ c }}"), None);
    }
}
