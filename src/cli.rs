//! The command line: parse flags, find and read the strategy, print, exit code.
//!
//! `run` takes its output streams and returns the exit code, so tests can drive
//! it without a process; `main` only wires it to the real ones.

use crate::config;
use crate::error::{Error, ExternalProblem};
use crate::external::ExternalHosts;
use crate::inventory::{self, Inventory};
use crate::overview::{Limits, Overview, Summary};
use crate::plan::Plan;
use crate::resume::Resume;
use crate::schema;
use crate::strategy::{self, HostsFrom, Strategy};
use crate::tree::Texts;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Turns a rollout strategy (regal.yml) into an Ansible inventory with one group
/// per rollout batch. Use it as `ansible-playbook -i regal-inventory ...`.
#[derive(Debug, Parser)]
#[command(name = "regal-inventory", version)]
pub struct Cli {
    /// Print the whole inventory as JSON (what Ansible runs).
    #[arg(long, conflicts_with = "host")]
    pub list: bool,

    /// Print the vars of one host as JSON (`{}` for a host not in the strategy).
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,

    /// The strategy file. Default: $REGAL_CONFIG, else regal.yml next to this
    /// executable (as invoked, symlinks not resolved), else ./regal.yml.
    #[arg(long, value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// The hosts of earlier inventory sources, for versions with `hosts_from:`:
    /// JSON as the `regal` inventory plugin writes it,
    /// {"groups": {"web": ["web1", ...]}, "hostvars": {"web1": {...}}}.
    #[arg(long, value_name = "FILE", global = true)]
    pub external_hosts: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the rollout: each version's batches in order with sizes, progress,
    /// pauses and hosts; or, with --resume-from, how to resume a stopped rollout.
    Plan(PlanArgs),
    /// Check the strategy with every rule of --list: print a summary and exit 0,
    /// or print every problem as file:line:col and exit 1. Versions with
    /// `hosts_from` are only checked against hosts given with --external-hosts.
    Check,
    /// Print the JSON Schema of regal.yml, for editors and linters.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Print the --limit and the ansible-playbook command that resume a stopped
    /// rollout at this batch group (e.g. app_v1_0_batch2) or version group.
    #[arg(long, value_name = "GROUP")]
    pub resume_from: Option<String>,

    /// With --resume-from: the inventory for the command. Default: this
    /// executable, with REGAL_CONFIG set to the strategy file used.
    #[arg(long, value_name = "INVENTORY", requires = "resume_from")]
    pub inventory: Option<String>,

    /// With --resume-from: the playbook for the command.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "playbooks/rollout.yml",
        requires = "resume_from"
    )]
    pub playbook: String,

    /// Hosts shown per batch before the rest is only counted (0: all).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_hosts: usize,

    /// Batches shown per version before the rest is only counted (0: all).
    /// The JSON format always has every batch.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_batches: usize,

    /// When to colour the text view.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Only on a terminal, and not when NO_COLOR is set.
    Auto,
    Always,
    Never,
}

/// What the process environment gives the command line.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `$REGAL_CONFIG`.
    pub regal_config: Option<OsString>,
    /// Whether stdout is a terminal (colour is for people, not pipes).
    pub stdout_is_terminal: bool,
    /// `$NO_COLOR` is set and not empty (<https://no-color.org>).
    pub no_color: bool,
    /// The process ends as soon as `run` returns (not so in tests).
    pub exits_after_run: bool,
}

impl Env {
    pub fn from_process() -> Env {
        use std::io::IsTerminal;
        Env {
            regal_config: std::env::var_os("REGAL_CONFIG"),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            exits_after_run: true,
        }
    }
}

/// Exit code: the strategy is wrong, missing or unreadable.
pub const EXIT_INVALID: i32 = 1;
/// Exit code: the command line is wrong.
pub const EXIT_USAGE: i32 = 2;

/// Runs the command line `args` (`argv[0]` first) and returns the exit code.
/// Nothing reaches `stdout` unless the run succeeds; `stderr` stays silent unless
/// it fails.
pub fn run<I, T>(args: I, env: &Env, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind::{DisplayHelp, DisplayVersion};
            if !matches!(error.kind(), DisplayHelp | DisplayVersion) {
                let _ = write!(stderr, "{}", error.render());
                return EXIT_USAGE;
            }
            let written = write!(stdout, "{error}").and_then(|()| stdout.flush());
            return report(written.map_err(Error::Write), stderr);
        }
    };
    // Output is buffered: a full disk or a closed stdout may only show when flushed.
    let result = execute(&cli, args.first(), env, stdout)
        .and_then(|()| stdout.flush().map_err(Error::Write));
    report(result, stderr)
}

/// The exit code of `result`, after printing its error, if any, on `stderr`.
fn report(result: Result<(), Error>, stderr: &mut dyn Write) -> i32 {
    let Err(error) = result else {
        return 0;
    };
    let _ = match error {
        // Already one `file:line:col: message` per line, for editors and CI.
        Error::Problems { .. } => writeln!(stderr, "{error}"),
        _ => writeln!(stderr, "regal-inventory: {error}"),
    };
    match error {
        Error::Usage(_) | Error::UnknownBatch { .. } => EXIT_USAGE,
        _ => EXIT_INVALID,
    }
}

fn execute(
    cli: &Cli,
    argv0: Option<&OsString>,
    env: &Env,
    out: &mut dyn Write,
) -> Result<(), Error> {
    // Checked here rather than with clap's args_conflicts_with_subcommands, which
    // would also refuse `--config PATH plan`.
    if cli.command.is_some() && (cli.list || cli.host.is_some()) {
        return Err(Error::Usage(
            "--list and --host print the inventory; run them without a command".into(),
        ));
    }
    let command = match &cli.command {
        Some(Command::Schema) => return write_json_pretty(out, &schema::schema()),
        Some(Command::Completions { shell }) => {
            // clap_complete panics when its writer fails: it writes to memory first.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "regal-inventory", &mut script);
            return out.write_all(&script).map_err(Error::Write);
        }
        Some(command) => Some(command),
        None if !cli.list && cli.host.is_none() => {
            return Err(Error::Usage(
                "say what to print: --list (the whole inventory) or --host NAME (one host's vars), or a command such as `plan` or `check`; see --help".into(),
            ));
        }
        None => None,
    };
    let path = config::find(cli.config.as_deref(), env.regal_config.as_ref(), argv0)?;
    let external = cli
        .external_hosts
        .as_deref()
        .map(read_external)
        .transpose()?;
    let hosts_from = match (&external, command) {
        (Some(external), _) => HostsFrom::External(external),
        // CI checks a strategy without the hosts Ansible will have.
        (None, Some(Command::Check)) => HostsFrom::Unchecked,
        (None, _) => HostsFrom::Unavailable,
    };
    match command {
        None => {
            let (bytes, texts) = (read_strategy(&path)?, Texts::default());
            let strategy = parse_strategy(&path, &bytes, &texts, hosts_from)?;
            let plan = Plan::new(&strategy);
            let written = match &cli.host {
                Some(name) => write_json(out, &inventory::host_vars(&plan, name)),
                None => write_line(out, |out| Inventory::new(&plan).write_json(out)),
            };
            drop(plan);
            release(strategy, env);
            release(texts, env);
            release(bytes, env);
            written
        }
        Some(Command::Check) => check(&path, hosts_from, out),
        Some(Command::Plan(args)) => {
            let (bytes, texts) = (read_strategy(&path)?, Texts::default());
            let strategy = parse_strategy(&path, &bytes, &texts, hosts_from)?;
            let plan = Plan::new(&strategy);
            match &args.resume_from {
                Some(group) => resume(&plan, group, args, &path, argv0, out),
                None => overview(&plan, args, &path, env, out),
            }
        }
        Some(Command::Schema | Command::Completions { .. }) => unreachable!("handled above"),
    }
}

/// Frees a loaded strategy (or its text), unless the process ends next: the
/// OS then takes its memory back at once, where freeing a million hosts one by
/// one took a twentieth of a 1M-host `--list`.
fn release<T>(loaded: T, env: &Env) {
    if env.exits_after_run {
        std::mem::forget(loaded);
    }
}

/// `plan`: the rollout as text or JSON.
fn overview(
    plan: &Plan,
    args: &PlanArgs,
    path: &Path,
    env: &Env,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let overview = Overview::new(plan);
    if args.format == Format::Json {
        return write_json_pretty(out, &overview);
    }
    let colour = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => env.stdout_is_terminal && !env.no_color,
    };
    let limits = Limits {
        max_hosts: args.max_hosts,
        max_batches: args.max_batches,
    };
    let text = overview.render(&path.display().to_string(), limits, colour);
    out.write_all(text.as_bytes()).map_err(Error::Write)
}

/// `check`: a one-line summary, or every problem.
fn check(path: &Path, hosts_from: HostsFrom, out: &mut dyn Write) -> Result<(), Error> {
    let (bytes, texts) = (read_strategy(path)?, Texts::default());
    let strategy =
        parse_strategy(path, &bytes, &texts, hosts_from).map_err(|error| match error {
            Error::Invalid { path, problems } => Error::Problems { path, problems },
            other => other,
        })?;
    let plan = Plan::new(&strategy);
    write!(out, "{}: ok: {}", path.display(), Summary::new(&plan)).map_err(Error::Write)?;
    if matches!(hosts_from, HostsFrom::Unchecked) {
        let unchecked = strategy
            .versions
            .iter()
            .filter(|v| v.hosts_from.is_some())
            .count();
        if unchecked > 0 {
            write!(
                out,
                "; the hosts of {unchecked} version(s) with `hosts_from` are not checked (pass --external-hosts FILE)"
            )
            .map_err(Error::Write)?;
        }
    }
    writeln!(out).map_err(Error::Write)
}

/// `plan --resume-from`: the limit, then the command.
fn resume(
    plan: &Plan,
    group: &str,
    args: &PlanArgs,
    path: &Path,
    argv0: Option<&OsString>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let resume = Resume::new(plan, group)?;
    // The script inventory must read the same strategy as this run did.
    let config = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let config = config.display().to_string();
    let (inventory, env) = match &args.inventory {
        Some(inventory) => (inventory.clone(), None),
        None => (
            this_executable(argv0),
            Some(("REGAL_CONFIG", config.as_str())),
        ),
    };
    let command = resume.command(&inventory, &args.playbook, env);
    match args.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct WithCommand<'r> {
                #[serde(flatten)]
                resume: &'r Resume,
                command: &'r str,
            }
            write_json_pretty(
                out,
                &WithCommand {
                    resume: &resume,
                    command: &command,
                },
            )
        }
        Format::Text => {
            writeln!(out, "--limit '{}'\n{command}", resume.limit).map_err(Error::Write)
        }
    }
}

/// This executable as a path Ansible can run: as invoked when that names a
/// file (so `regal.yml` next to it is still found), else the resolved one.
fn this_executable(argv0: Option<&OsString>) -> String {
    match argv0.map(Path::new) {
        Some(path) if path.components().count() > 1 => path.display().to_string(),
        _ => std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "regal-inventory".to_string()),
    }
}

/// The text of the strategy file at `path`.
pub fn read_strategy(path: &Path) -> Result<Vec<u8>, Error> {
    read_bounded(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Checks the strategy read from `path` (`bytes`), taking `hosts_from` hosts
/// from `hosts_from`. Its host names borrow from `bytes`, or from `texts`
/// where they are not their text as written.
pub fn parse_strategy<'s>(
    path: &Path,
    bytes: &'s [u8],
    texts: &'s Texts,
    hosts_from: HostsFrom,
) -> Result<Strategy<'s>, Error> {
    strategy::parse_bytes_with(bytes, texts, hosts_from).map_err(|problems| Error::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

/// The largest strategy file read: far above any real fleet (1M hosts is ~35 MB),
/// low enough that `--config /dev/zero` fails cleanly instead of exhausting memory.
const MAX_FILE_BYTES: u64 = 1 << 30;

fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    // Sized up front: growing by doubling copies a large file several times.
    let size = file.metadata().map_or(0, |m| m.len().min(MAX_FILE_BYTES));
    let size = usize::try_from(size).unwrap_or(0);
    if let Some(bytes) = read_in_halves(&file, size) {
        return Ok(bytes);
    }
    let mut bytes = Vec::with_capacity(size + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(
            "it is larger than 1 GiB; is it really a regal.yml?",
        ));
    }
    Ok(bytes)
}

/// A large file of `size` bytes read as two halves at once: copying a 30 MB
/// file into fresh memory is a tenth of a 1M-host run. None when the file is
/// small, not a regular file, or no longer `size` bytes long: it is then read
/// the usual way.
#[cfg(unix)]
fn read_in_halves(file: &std::fs::File, size: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    if size < 8 << 20 {
        return None;
    }
    let mut bytes = vec![0; size];
    let (first, second) = bytes.split_at_mut(size / 2);
    let at = first.len() as u64;
    let (a, b) = crate::parallel::join(
        || file.read_exact_at(first, 0),
        || file.read_exact_at(second, at),
    );
    a.ok()?;
    b.ok()?;
    // Grown since its size was taken.
    if file.read_at(&mut [0], size as u64).ok()? != 0 {
        return None;
    }
    Some(bytes)
}

#[cfg(not(unix))]
fn read_in_halves(_: &std::fs::File, _: usize) -> Option<Vec<u8>> {
    None
}

fn read_external(path: &Path) -> Result<ExternalHosts, Error> {
    let fail = |why: ExternalProblem| Error::ExternalHosts {
        path: path.to_path_buf(),
        why,
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(ExternalProblem::Read(e.to_string())))?;
    ExternalHosts::from_json(&text).map_err(fail)
}

/// Writes `value` as one line of JSON.
fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), Error> {
    write_line(out, |out| Ok(serde_json::to_writer(out, value)?))
}

/// Runs `write` and ends the line. JSON is written in many small pieces (a
/// quote, a name, a comma); through `dyn Write` each is a call that cannot be
/// inlined, which was a tenth of a 1M-host `--list`. A buffer of its own type
/// takes them with a plain copy and hands `out` large chunks.
fn write_line(
    out: &mut dyn Write,
    write: impl FnOnce(&mut BufWriter<&mut dyn Write>) -> std::io::Result<()>,
) -> Result<(), Error> {
    let mut out = BufWriter::with_capacity(256 * 1024, out);
    write(&mut out)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(Error::Write)
}

/// Writes `value` as indented JSON, through a buffer as [`write_line`] does
/// (`plan --format json` of a million batches is gigabytes of small pieces).
fn write_json_pretty(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), Error> {
    write_line(out, |out| Ok(serde_json::to_writer_pretty(out, value)?))
}
