//! Every command whose standard output cannot take its output (a full disk, a closed stdout, a
//! pipe nobody reads) says so on stderr in one message and exits non-zero. Real processes,
//! real file descriptors.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

const STRATEGY: &str = "combine: 2\nversions:\n  app: web1,web2,web3,web4,web5\n";

/// Every command that prints: the inventory, one host, each subcommand, help and version.
const COMMANDS: &[&[&str]] = &[
    &["--list"],
    &["--host", "web1"],
    &["--host", "nowhere"],
    &["plan"],
    &["plan", "--format", "json"],
    &["plan", "--resume-from", "app_batch1"],
    &["check"],
    &["schema"],
    &["completions", "bash"],
    &["--help"],
    &["plan", "--help"],
    &["--version"],
];

/// Where stdout goes.
#[derive(Debug, Clone, Copy)]
enum Sink {
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
    /// fd 1 closed before the program starts (`>&-`).
    Closed,
    /// A pipe whose reading end is closed: EPIPE.
    BrokenPipe,
}

fn run(dir: &Path, args: &[&str], sink: Sink) -> Output {
    let mut cmd = match sink {
        Sink::Closed => {
            let mut cmd = Command::new("sh");
            cmd.args(["-c", "exec \"$0\" \"$@\" >&-", BIN]);
            cmd
        }
        _ => Command::new(BIN),
    };
    cmd.arg("--config")
        .arg(dir.join("regal.yml"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match sink {
        Sink::Full => {
            cmd.stdout(File::options().write(true).open("/dev/full").unwrap());
        }
        Sink::Closed => {}
        Sink::BrokenPipe => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            cmd.stdout(writer);
        }
    }
    let child = cmd.spawn().unwrap();
    // The parent's copy of a pipe's writing end is in `cmd`: drop it so only the child has one.
    drop(cmd);
    child.wait_with_output().unwrap()
}

fn strategy_dir(strategy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regal.yml"), strategy).unwrap();
    dir
}

fn assert_reported(out: &Output, what: &str, because: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: exit status {}, stderr {stderr:?}",
        out.status
    );
    assert_eq!(stderr.lines().count(), 1, "{what}: one message:\n{stderr}");
    assert!(
        stderr.starts_with("regal-inventory: cannot write the output: ")
            && stderr.contains(because),
        "{what}: {stderr:?}"
    );
}

#[test]
fn every_command_reports_a_stdout_that_cannot_be_written() {
    let dir = strategy_dir(STRATEGY);
    for args in COMMANDS {
        for (sink, because) in [
            (Sink::Full, "No space left on device"),
            (
                Sink::Closed,
                "standard output was closed when regal-inventory started",
            ),
            (Sink::BrokenPipe, "Broken pipe"),
        ] {
            let out = run(dir.path(), args, sink);
            assert_reported(&out, &format!("{args:?} into {sink:?}"), because);
        }
    }
}

#[test]
fn the_same_commands_succeed_silently_into_a_pipe_and_into_dev_null() {
    let dir = strategy_dir(STRATEGY);
    for args in COMMANDS {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(dir.path().join("regal.yml"))
            .args(*args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert!(
            !out.stdout.is_empty() && out.stderr.is_empty(),
            "{args:?}: {out:?}"
        );
        // `>/dev/null` is a choice, not a closed stdout; so is `1<>/dev/null`, which opens it
        // read-write as Rust's runtime does in place of a closed stdout.
        for redirect in [">/dev/null", "1<>/dev/null"] {
            let out = Command::new("sh")
                .args(["-c", &format!("exec \"$0\" \"$@\" {redirect}"), BIN])
                .arg("--config")
                .arg(dir.path().join("regal.yml"))
                .args(*args)
                .output()
                .unwrap();
            assert!(
                out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
                "{args:?} {redirect}: {out:?}"
            );
        }
    }
}

/// An inventory of several MB fails in the middle of writing, not at the final flush.
#[test]
fn a_large_inventory_reports_the_failure_once() {
    let hosts: Vec<String> = (0..200_000)
        .map(|i| format!("host-{i}.example.com"))
        .collect();
    let dir = strategy_dir(&format!("versions:\n  app: {}\n", hosts.join(",")));
    for (sink, because) in [
        (Sink::Full, "No space left on device"),
        (Sink::BrokenPipe, "Broken pipe"),
        (Sink::Closed, "closed when regal-inventory started"),
    ] {
        let out = run(dir.path(), &["--list"], sink);
        assert_reported(&out, &format!("--list into {sink:?}"), because);
    }
}
