//! The one place where regal-inventory words its error messages.

use std::fmt;
use std::path::PathBuf;

/// A position in the strategy file, 1-based like every editor shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One problem found in a strategy file, with where it is (when known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Option<Location>,
    pub kind: ProblemKind,
}

impl Problem {
    /// The problem as one line naming the file, line and column.
    pub fn at<'a>(&'a self, path: &'a std::path::Path) -> impl fmt::Display + 'a {
        struct At<'a>(&'a Problem, &'a std::path::Path);
        impl fmt::Display for At<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let At(problem, path) = self;
                // A name with a control character (an escape sequence, a
                // carriage return) would act on the terminal or split the log
                // line it is quoted in; show such characters as escapes.
                let mut kind = String::new();
                for c in problem.kind.to_string().chars() {
                    if c.is_control() {
                        kind.extend(c.escape_default());
                    } else {
                        kind.push(c);
                    }
                }
                match problem.location {
                    Some(Location { line, column }) => {
                        write!(f, "{}:{line}:{column}: {kind}", path.display())
                    }
                    None => write!(f, "{}: {kind}", path.display()),
                }
            }
        }
        At(self, path)
    }
}

/// What is wrong with a strategy file. `Display` says what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// A YAML syntax or type error, worded by the YAML reader.
    Yaml(String),
    EmptyFile,
    NotUtf8,
    NoVersions,
    NoHosts {
        version: String,
    },
    EmptyHostEntry {
        entry: String,
    },
    BadHostName {
        host: String,
        why: &'static str,
    },
    /// A plain host name that goes on over a line break in a flow list
    /// (`[web1,\n web2\n web3]`): two names and a missing comma.
    MissingComma {
        host: String,
        first: String,
        next: String,
    },
    BadVersionName {
        version: String,
        why: &'static str,
    },
    DuplicateHost {
        host: String,
        first_version: String,
        second_version: String,
        /// Where it was first listed (when listed).
        first: Option<Location>,
    },
    DuplicateKey {
        key: String,
        /// Where it was first written (when listed).
        first: Option<Location>,
    },
    UnknownKey {
        key: String,
        suggestion: Option<&'static str>,
        expected: Vec<&'static str>,
    },
    MissingKey {
        key: &'static str,
    },
    /// A node of another kind than the key takes.
    WrongType {
        found: String,
        expected: &'static str,
    },
    /// A name that is written empty (`spread: ''`).
    EmptyName {
        key: &'static str,
    },
    /// A list item with nothing in it (`- ` alone on its line).
    EmptyListItem {
        of: NameOf,
    },
    /// A plain `~`, `null`, `Null` or `NULL` where a name goes: YAML's
    /// null, not the text. `text` is as written (with its tag, for `!!null`).
    NullName {
        text: String,
        of: NameOf,
    },
    /// Two commas with nothing between in a flow list (`[a,,b]`), which YAML
    /// does not allow; `hosts` when the list is one of host names.
    EmptyFlowItem {
        hosts: bool,
    },
    /// A boolean setting written `yes`/`no`/`on`/`off`: a boolean to YAML 1.1
    /// (ansible-core), text to YAML 1.2 (editors' schema checks).
    BooleanWord {
        text: String,
        value: bool,
    },
    /// A setting YAML 1.1 and YAML 1.2 read as different numbers (`010`).
    TwoReadings {
        text: String,
        yaml11: String,
        yaml12: String,
    },
    SizeZero,
    SizeNegative {
        text: String,
    },
    SizeFraction {
        text: String,
    },
    SizeTooLarge {
        text: String,
    },
    BadPercent {
        text: String,
    },
    NotASize {
        text: String,
    },
    PauseNegative {
        text: String,
    },
    PauseTooLong {
        text: String,
    },
    PauseFraction {
        text: String,
    },
    BadOrder {
        text: String,
    },
    /// NEL, U+2028 or U+2029, which YAML 1.1 and 1.2 read differently.
    AmbiguousLineBreak {
        code: u32,
    },
    TooLarge,
    /// A character YAML does not allow in a file.
    NotPrintable {
        code: u32,
    },
    MergeKey,
    /// A var value with a tag other than `!!str`, `!unsafe`, `!vault` (or a
    /// `!vault` that is no text).
    VarTag {
        tag: String,
    },
    /// A tag on a whole vars mapping.
    VarsTag {
        tag: String,
    },
    /// A plain var value that ansible-core reads as no JSON value.
    VarValue {
        why: crate::yaml11::NotResolved,
    },
    UnknownPriority {
        name: String,
        known: Vec<String>,
    },
    DuplicatePriority {
        name: String,
    },
    GroupClash {
        group: String,
        first_version: String,
        second_version: String,
    },
    ReservedGroup {
        group: String,
    },
    BadGroupName {
        group: String,
    },
    ReservedVar {
        var: String,
    },
    /// A var name ansible-core warns about (and from 2.23 refuses).
    BadVarName {
        var: String,
    },
    BatchesWithScheduleOrCombine,
    EmptyBatches,
    SaltWithoutHash,
    SpreadAndDomain,
    MissingDomainLabel {
        host: String,
        label: String,
        /// The host came from an earlier inventory source (`hosts_from`).
        from_source: bool,
    },
    /// The label var is there but null (`zone: ~`).
    NullDomainLabel {
        host: String,
        label: String,
        from_source: bool,
    },
    BadDomainLabel {
        host: String,
        label: String,
    },
    BadRange {
        entry: String,
        why: String,
    },
    TooManyHosts {
        limit: u64,
    },
    UnmatchedExclude {
        entry: String,
        scope: String,
    },
    AllExcluded {
        version: String,
    },
    ExternalHostsUnavailable {
        version: String,
    },
    NoExternalMatch {
        version: String,
        pattern: String,
    },
    EmptyHostsFromTerm {
        version: String,
        pattern: String,
    },
    UnknownHostsFromTerm {
        version: String,
        pattern: String,
        term: String,
    },
    /// `hosts_from` with no host in any earlier source.
    NoEarlierHosts {
        version: String,
        pattern: String,
    },
    HostsAndHostsFrom {
        version: String,
    },
    HostEntryWithTwoKeys,
    /// A rule of `verify:` / `bake:` (see [`crate::verify`]).
    Verify(crate::verify::VerifyProblem),
    /// More problems than are worth listing.
    More {
        count: usize,
    },
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProblemKind::*;
        match self {
            Yaml(message) => {
                write!(f, "{message}")?;
                // The parser's words say what is wrong, not what to write.
                if message.starts_with("invalid indentation") {
                    write!(
                        f,
                        "; indent every continuation line with spaces past its key (a flow list, flow mapping or quoted string continued on another line must be indented; see README's Known limits)"
                    )?;
                } else if message.starts_with("tabs disallowed") {
                    write!(f, "; indent with spaces, not tabs")?;
                }
                Ok(())
            }
            EmptyFile => write!(
                f,
                "the file is empty; write at least `versions:` with one version and its hosts"
            ),
            NotUtf8 => write!(f, "the file is not valid UTF-8; save it as UTF-8"),
            NoVersions => write!(
                f,
                "`versions` is empty; list at least one version, e.g. `app-v1.0: host1,host2`"
            ),
            NoHosts { version } => write!(
                f,
                "version `{version}` has no hosts; give it at least one host (or remove it)"
            ),
            EmptyHostEntry { entry } => write!(
                f,
                "empty host entry in `{entry}`; remove the extra comma or blank item"
            ),
            BadHostName { host, why } => write!(f, "host `{host}` {why}"),
            MissingComma { host, first, next } => write!(
                f,
                "host `{host}` is `{first}` and `{next}` on separate lines of a flow list, which YAML joins into one name; add the missing comma after `{first}`"
            ),
            BadVersionName { version, why } => write!(f, "version name `{version}` {why}"),
            DuplicateHost {
                host,
                first_version,
                second_version,
                first,
            } => {
                let first = match first {
                    Some(Location { line, column }) => format!(" at line {line} column {column}"),
                    None => String::new(),
                };
                if first_version == second_version {
                    write!(
                        f,
                        "host `{host}` is listed twice in version `{first_version}`, first{first}; keep one"
                    )
                } else {
                    write!(
                        f,
                        "host `{host}` is listed in version `{first_version}`{first} and again here in version `{second_version}`; a host can run only one version, keep one"
                    )
                }
            }
            DuplicateKey { key, first } => match first {
                Some(Location { line, column }) => write!(
                    f,
                    "key `{key}` appears twice here, first at line {line} column {column}; keep one"
                ),
                None => write!(f, "key `{key}` appears twice here; keep one"),
            },
            UnknownKey {
                key,
                suggestion,
                expected,
            } => {
                let expected: Vec<String> = expected.iter().map(|k| k.to_string()).collect();
                write!(
                    f,
                    "unknown key `{}`, expected one of {}",
                    excerpt(key),
                    backticked(&expected)
                )?;
                match suggestion {
                    Some(close) => write!(f, "; did you mean `{close}`?"),
                    None => Ok(()),
                }
            }
            MissingKey { key } => write!(f, "missing key `{key}`"),
            WrongType { found, expected } => {
                write!(f, "invalid type: {found}, expected {expected}")
            }
            EmptyName { key } => write!(f, "`{key}` is empty; name the host var it reads"),
            EmptyListItem { of } => write!(
                f,
                "empty {} entry; remove the extra comma or blank item",
                of.entry()
            ),
            NullName { text, of } if text.starts_with("!!null") => write!(
                f,
                "`{text}` is tagged as YAML's null, not a {}; remove the `!!null` tag",
                of.noun()
            ),
            NullName { text, of } => write!(
                f,
                "`{text}` is read by YAML as null, not as a {}; write the name (or remove the {}), or quote it (`'{text}'`) if it really is the name",
                of.noun(),
                of.whole()
            ),
            EmptyFlowItem { hosts: true } => {
                write!(f, "empty host entry; remove the extra comma or blank item")
            }
            EmptyFlowItem { hosts: false } => write!(
                f,
                "empty item (nothing between two commas); remove the extra comma"
            ),
            BooleanWord { text, value } => write!(
                f,
                "`{text}` is {value} to YAML 1.1 (Ansible's reader) but text to YAML 1.2; write `{value}`"
            ),
            TwoReadings {
                text,
                yaml11,
                yaml12,
            } => write!(
                f,
                "`{text}` is {yaml11} to YAML 1.1 (Ansible's reader) but {yaml12} to YAML 1.2; write the number in plain decimal digits"
            ),
            SizeZero => write!(
                f,
                "a batch size of 0 would be an empty batch; use a count >= 1 or a percentage like \"25%\""
            ),
            SizeNegative { text } => write!(
                f,
                "a batch size cannot be negative ({text}); use a count >= 1 or a percentage like \"25%\""
            ),
            SizeFraction { text } => write!(
                f,
                "a batch size is a whole number of hosts, not {text}; use a count >= 1 or a percentage like \"25%\""
            ),
            SizeTooLarge { text } => write!(
                f,
                "a batch size of {text} hosts is more than any fleet; use a count >= 1, or \"100%\" for all hosts at once"
            ),
            BadPercent { text } => write!(
                f,
                "`{text}` is not a usable percentage; use a whole percentage from \"1%\" to \"100%\""
            ),
            NotASize { text } => write!(
                f,
                "`{text}` is not a batch size; use a count >= 1 (e.g. 2) or a percentage like \"25%\""
            ),
            PauseNegative { text } => write!(
                f,
                "a pause cannot be negative ({text}); use a whole number of seconds >= 0"
            ),
            PauseTooLong { text } => write!(
                f,
                "a pause of {text} seconds is longer than any rollout; use a whole number of seconds >= 0"
            ),
            PauseFraction { text } => write!(
                f,
                "a pause is a whole number of seconds, not {text}; use a whole number of seconds >= 0"
            ),
            BadOrder { text } => write!(
                f,
                "`{}` is not an order; use one of `input`, `sorted`, `hash`",
                excerpt(text)
            ),
            AmbiguousLineBreak { code } => write!(
                f,
                "the file holds the character U+{code:04X}, a line break to YAML 1.1 (Ansible's reader) but not to YAML 1.2; replace it with a plain line break (or write `\\u{code:04X}` in a double-quoted string)"
            ),
            VarValue { why } => write!(f, "{why}"),
            VarTag { tag } if tag == "!vault" => write!(
                f,
                "a `!vault` value is the text `ansible-vault encrypt_string` prints; paste it as a block (`!vault |`)"
            ),
            VarTag { tag } => write!(
                f,
                "a var value tagged `{tag}`: only `!!str`, `!unsafe` and `!vault` are taken; remove the tag (an unquoted value means what it means to ansible-core)"
            ),
            VarsTag { tag } => write!(
                f,
                "a vars mapping tagged `{tag}`: tag its values instead (`x: !unsafe \"{{{{ a }}}}\"`, `y: !unsafe [..]`), or remove the tag"
            ),
            NotPrintable { code } => write!(
                f,
                "the file holds the character U+{code:04X} (a control or byte order mark), which YAML does not allow here; remove it (or write it as an escape in a double-quoted string)"
            ),
            MergeKey => write!(
                f,
                "YAML merge keys (`<<: *defaults`) are not applied here; write the vars out"
            ),
            TooLarge => write!(
                f,
                "the file is larger than 4 GiB; split the fleet into several strategies"
            ),
            UnknownPriority { name, known } => write!(
                f,
                "priority names `{name}`, which is not a version; use one of {}",
                backticked(known)
            ),
            DuplicatePriority { name } => {
                write!(f, "priority lists `{name}` twice; list it once")
            }
            GroupClash {
                group,
                first_version,
                second_version,
            } => write!(
                f,
                "versions `{first_version}` and `{second_version}` both need the Ansible group `{group}`; give one of them another name with `group:`"
            ),
            ReservedGroup { group } => write!(
                f,
                "group name `{group}` is reserved by Ansible; choose another with `group:`"
            ),
            BadGroupName { group } => write!(
                f,
                "group name `{group}` is not a valid Ansible group name; use letters, digits and `_`, not starting with a digit"
            ),
            ReservedVar { var } => write!(
                f,
                "var `{var}` uses the `regal_` prefix that regal-inventory sets itself; rename it"
            ),
            BadVarName { var } => write!(
                f,
                "var name `{var}` is not a valid Ansible variable name (ansible-core 2.19 warns, and refuses it from 2.23); use letters, digits and `_`, not starting with a digit, and not `true`/`false`/`none`"
            ),
            BatchesWithScheduleOrCombine => write!(
                f,
                "`batches` cannot be combined with `schedule`/`combine` in the same place; use one or the other"
            ),
            EmptyBatches => write!(
                f,
                "`batches` is empty; give at least one size, e.g. `batches: [1, \"25%\", \"100%\"]`"
            ),
            SaltWithoutHash => {
                write!(
                    f,
                    "`salt` only applies with `order: hash`; remove it or set `order: hash`"
                )
            }
            SpreadAndDomain => write!(
                f,
                "`spread` and `domain_at_a_time` cannot both apply to a version; choose one"
            ),
            MissingDomainLabel {
                host,
                label,
                from_source: false,
            } => write!(
                f,
                "host `{host}` has no `{label}` var, which the failure-domain rule needs; give it one, e.g. `- {host}: {{{label}: zone-a}}`"
            ),
            MissingDomainLabel {
                host,
                label,
                from_source: true,
            } => write!(
                f,
                "host `{host}` (from `hosts_from`) has no `{label}` var, which the failure-domain rule needs; give it one in its inventory source or in a group_vars/ or host_vars/ file beside it (e.g. `{host} {label}=zone-a` in an INI file)"
            ),
            NullDomainLabel {
                host,
                label,
                from_source: false,
            } => write!(
                f,
                "the `{label}` var of host `{host}` is null (YAML reads a plain `~`, `null` or nothing as null), which names no failure domain; give it one, e.g. `- {host}: {{{label}: zone-a}}`, or quote it (`'~'`) if that is the domain's name"
            ),
            NullDomainLabel {
                host,
                label,
                from_source: true,
            } => write!(
                f,
                "the `{label}` var of host `{host}` (from `hosts_from`) is null in its inventory source, which names no failure domain; give it a value there"
            ),
            BadDomainLabel { host, label } => write!(
                f,
                "host `{host}` has a `{label}` var that is not a plain value; use a string or number"
            ),
            BadRange { entry, why } => write!(f, "host range `{entry}` {why}"),
            TooManyHosts { limit } => write!(
                f,
                "the strategy names more than {limit} hosts (ranges expanded), more than regal-inventory batches; check the ranges, or split the fleet into several strategies"
            ),
            UnmatchedExclude { entry, scope } => write!(
                f,
                "exclude entry `{entry}` matches no host of {scope}; fix the name (a typo here would deploy to the host you meant to skip)"
            ),
            AllExcluded { version } => write!(
                f,
                "every host of version `{version}` is excluded; remove the version or an exclusion"
            ),
            ExternalHostsUnavailable { version } => write!(
                f,
                "version `{version}` takes its hosts with `hosts_from`, which needs the hosts of earlier inventory sources: use the `regal` inventory plugin (or pass --external-hosts FILE)"
            ),
            NoExternalMatch { version, pattern } => write!(
                f,
                "`hosts_from: {pattern}` of version `{version}` matches no host of the earlier inventory sources"
            ),
            EmptyHostsFromTerm { version, pattern } => write!(
                f,
                "`hosts_from: {pattern}` of version `{version}` has an empty part; write groups or hosts joined by `:` (`web:&eu:!canary`)"
            ),
            NoEarlierHosts { version, pattern } => write!(
                f,
                "`hosts_from: {pattern}` of version `{version}` takes hosts of the inventory sources read before the plugin file, and none gave a host; give those sources first (`-i hosts.ini -i rollout.regal.yml`; in an inventory directory, files are read in name order), or, with --external-hosts, write the file from sources that have hosts"
            ),
            UnknownHostsFromTerm {
                version,
                pattern,
                term,
            } => write!(
                f,
                "`{term}` in `hosts_from: {pattern}` of version `{version}` names no group or host of the earlier inventory sources; fix the name (a typo here changes which hosts are rolled out)"
            ),
            HostsAndHostsFrom { version } => write!(
                f,
                "version `{version}` has both `hosts` and `hosts_from`; use one"
            ),
            HostEntryWithTwoKeys => write!(
                f,
                "a host entry with vars has exactly one key (`- web1: {{ansible_host: 10.0.0.1}}`); put each host in its own list item"
            ),
            Verify(problem) => write!(f, "{problem}"),
            More { count: 1 } => write!(f, "... and 1 more problem"),
            More { count } => write!(f, "... and {count} more problems"),
        }
    }
}

/// What a name stands for, where an entry is empty or null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameOf {
    /// An item or key of a host list.
    Host,
    /// An item of `exclude:`.
    Exclude,
    /// A key of `versions:`.
    Version,
    /// An item of `priority:`.
    Priority,
}

impl NameOf {
    /// What an empty item of it is.
    fn entry(self) -> &'static str {
        match self {
            NameOf::Host | NameOf::Exclude => "host",
            NameOf::Version => "version",
            NameOf::Priority => "priority",
        }
    }

    /// What it names.
    fn noun(self) -> &'static str {
        match self {
            NameOf::Host | NameOf::Exclude => "host name",
            NameOf::Version | NameOf::Priority => "version name",
        }
    }

    /// What is removed with it.
    fn whole(self) -> &'static str {
        match self {
            NameOf::Host | NameOf::Exclude | NameOf::Priority => "entry",
            NameOf::Version => "version",
        }
    }
}

/// A text cut to a length that a message can quote.
pub fn excerpt(text: &str) -> String {
    const SHOWN: usize = 200;
    match text.char_indices().nth(SHOWN) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

fn backticked(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(", ")
}

/// What is wrong with an `--external-hosts` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalProblem {
    /// It cannot be read.
    Read(String),
    /// Not JSON, or not the plugin's shape, in serde_json's words.
    Json(String),
    Array,
    EmptyHostInGroup {
        group: String,
    },
    EmptyHostInHostvars,
    /// `ansible-inventory --list`: `_meta` (or its `hostvars`) is no mapping.
    MetaNotMapping,
    HostvarsNotMapping {
        host: String,
    },
    GroupNotMapping {
        group: String,
    },
    /// A group's `hosts` or `children` is no list of names.
    NotNames {
        group: String,
        key: &'static str,
    },
    GroupKey {
        group: String,
        key: String,
    },
    /// A group with `vars`: `--list --export`, whose host vars leave out
    /// the group vars.
    Export {
        group: String,
    },
}

impl fmt::Display for ExternalProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ExternalProblem::*;
        match self {
            Read(why) | Json(why) => write!(f, "{why}"),
            Array => write!(f, "it holds a JSON array, where one JSON object is needed"),
            EmptyHostInGroup { group } => {
                write!(f, "group `{group}` lists an empty host name; remove it")
            }
            EmptyHostInHostvars => write!(f, "`hostvars` has an empty host name; remove it"),
            MetaNotMapping => write!(
                f,
                "`_meta` (or its `hostvars`) is not a mapping, as `ansible-inventory --list` prints it"
            ),
            HostvarsNotMapping { host } => write!(
                f,
                "the `_meta.hostvars` of host `{host}` are not a mapping of var name -> value"
            ),
            GroupNotMapping { group } => write!(
                f,
                "group `{group}` is not a mapping with `hosts` and `children`, as `ansible-inventory --list` prints a group"
            ),
            NotNames { group, key } => {
                write!(f, "`{key}` of group `{group}` is not a list of names")
            }
            GroupKey { group, key } => write!(
                f,
                "group `{group}` has a key `{}`; `ansible-inventory --list` gives a group only `hosts` and `children`",
                excerpt(key)
            ),
            Export { group } => write!(
                f,
                "group `{group}` has `vars`: this is `ansible-inventory --list --export`, whose host vars leave out the group vars (a failure-domain label may be one); write the file with `ansible-inventory --list` without --export (and with `export = False` under [inventory] in ansible.cfg)"
            ),
        }
    }
}

/// Why a run failed. `Display` gives the one stderr message.
#[derive(Debug)]
pub enum Error {
    /// No strategy file at any of the places looked at.
    NotFound { tried: Vec<PathBuf> },
    /// The strategy file exists but cannot be read.
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The strategy file is wrong; every problem found, in file order.
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    /// `check` found the strategy wrong: every problem, one per line.
    Problems {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    /// The `--external-hosts` file cannot be read or is not the expected JSON.
    ExternalHosts { path: PathBuf, why: ExternalProblem },
    /// `plan --resume-from` names no batch of the rollout.
    UnknownBatch { group: String, batches: Vec<String> },
    /// Writing the output failed (e.g. a closed pipe).
    Write(std::io::Error),
    /// A command-line usage problem that clap does not catch.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound { tried } => {
                write!(
                    f,
                    "no strategy file found; looked at (in order): {}. Pass --config PATH or set REGAL_CONFIG",
                    tried
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            Error::Read { path, source } => {
                write!(
                    f,
                    "{}: cannot read the strategy file: {source}",
                    path.display()
                )
            }
            Error::Invalid { path, problems } => {
                // One message for Ansible's log; `check` lists every problem.
                if let Some(first) = problems.first() {
                    write!(f, "{}", first.at(path))?;
                }
                // Past the first few, problems are only counted, in a `More`.
                let total: usize = problems
                    .iter()
                    .map(|p| match p.kind {
                        ProblemKind::More { count } => count,
                        _ => 1,
                    })
                    .sum();
                match total {
                    0 | 1 => {}
                    2 => write!(
                        f,
                        " (and 1 more problem; `regal-inventory check` lists them all)"
                    )?,
                    _ => write!(
                        f,
                        " (and {} more problems; `regal-inventory check` lists them all)",
                        total - 1
                    )?,
                }
                Ok(())
            }
            Error::Problems { path, problems } => {
                for problem in problems {
                    writeln!(f, "{}", problem.at(path))?;
                }
                let counted = problems
                    .iter()
                    .map(|p| match p.kind {
                        ProblemKind::More { count } => count,
                        _ => 1,
                    })
                    .sum::<usize>();
                let noun = if counted == 1 { "problem" } else { "problems" };
                write!(f, "regal-inventory: {counted} {noun} in {}", path.display())
            }
            Error::ExternalHosts { path, why } => write!(
                f,
                "{}: cannot use the external hosts: {why}; the file is what `ansible-inventory -i SOURCES --list` prints, or what the `regal` inventory plugin writes: {{\"groups\": {{group: [host, ...]}}, \"hostvars\": {{host: {{var: value}}}}}}",
                path.display()
            ),
            Error::UnknownBatch { group, batches } => {
                const SHOWN: usize = 12;
                let mut known = backticked(&batches[..batches.len().min(SHOWN)]);
                if batches.len() > SHOWN {
                    known.push_str(&format!(" ... ({} in all)", batches.len()));
                }
                write!(
                    f,
                    "`{group}` is not a batch group or version group of this rollout; resume from one of {known}"
                )
            }
            Error::Write(source) => write!(f, "cannot write the output: {source}"),
            Error::Usage(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}
