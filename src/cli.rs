//! The command line: parse flags, find and read the strategy, print, exit code.
//!
//! `run` takes its output streams and returns the exit code, so tests can drive
//! it without a process; `main` only wires it to the real ones.

use crate::config;
use crate::error::Error;
use crate::inventory::{self, Inventory};
use crate::plan::Plan;
use crate::strategy::{self, Strategy};
use clap::Parser;
use std::ffi::OsString;
use std::io::Write;
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
}

/// What the process environment gives the command line.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `$REGAL_CONFIG`.
    pub regal_config: Option<OsString>,
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            regal_config: std::env::var_os("REGAL_CONFIG"),
        }
    }
}

/// Exit code: the strategy is wrong, missing or unreadable.
pub const EXIT_INVALID: i32 = 1;
/// Exit code: the command line is wrong.
pub const EXIT_USAGE: i32 = 2;

/// Runs the command line `args` (argv[0] first) and returns the exit code.
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
            return if matches!(error.kind(), DisplayHelp | DisplayVersion) {
                let _ = write!(stdout, "{error}");
                0
            } else {
                let _ = write!(stderr, "{}", error.render());
                EXIT_USAGE
            };
        }
    };
    match execute(&cli, args.first(), env, stdout) {
        Ok(()) => 0,
        Err(error) => {
            let _ = writeln!(stderr, "regal-inventory: {error}");
            match error {
                Error::Usage(_) => EXIT_USAGE,
                _ => EXIT_INVALID,
            }
        }
    }
}

fn execute(
    cli: &Cli,
    argv0: Option<&OsString>,
    env: &Env,
    out: &mut dyn Write,
) -> Result<(), Error> {
    if !cli.list && cli.host.is_none() {
        return Err(Error::Usage(
            "say what to print: --list (the whole inventory) or --host NAME (one host's vars); see --help".into(),
        ));
    }
    let path = config::find(cli.config.as_deref(), env.regal_config.as_ref(), argv0)?;
    let strategy = load(&path)?;
    let plan = Plan::new(&strategy);
    if let Some(name) = &cli.host {
        write_json(out, &inventory::host_vars(&plan, name))
    } else {
        write_json(out, &Inventory::new(&plan))
    }
}

/// Reads and checks the strategy file at `path`.
pub fn load(path: &Path) -> Result<Strategy, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    strategy::parse_bytes(&bytes).map_err(|problems| Error::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, value).map_err(|e| Error::Write(e.into()))?;
    writeln!(out).map_err(Error::Write)
}
