//! Every strategy under tests/bad_strategies/ is refused the way Ansible needs:
//! exit code 1, nothing on stdout (Ansible would parse it), and one line on
//! stderr naming the file, the line and column when there is one, and what to
//! change.
//!
//! Each `NAME.yml` has a `NAME.expected`: its first line is where the message
//! points (`NAME.yml:LINE:COLUMN`, or `NAME.yml` for the whole file), each
//! further line a piece of text the message must contain. A file with several
//! problems lists them after a line `check:`, in blocks parted by blank lines,
//! each block like the first: `regal-inventory check` must list exactly these
//! problems, in this order. Cases that cannot be files in the repository (a
//! directory, an unreadable file, no file) are made at run time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

/// Exit code for a wrong, missing or unreadable strategy (cli::EXIT_INVALID).
const EXIT_INVALID: i32 = 1;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_strategies")
}

/// Runs the binary from `dir` with `--config config` and the mode args.
fn run(dir: &Path, config: &str, mode: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(mode)
        .args(["--config", config])
        .env_remove("REGAL_CONFIG")
        .output()
        .expect("run regal-inventory")
}

/// The stderr of a refused run, or what is wrong with the run.
fn refusal(output: &Output) -> Result<String, String> {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.code() != Some(EXIT_INVALID) {
        return Err(format!("exit status {:?}: {stderr}", output.status));
    }
    if !output.stdout.is_empty() {
        return Err(format!("printed {} bytes to stdout", output.stdout.len()));
    }
    if !stderr.starts_with("regal-inventory: ") || stderr.lines().count() != 1 {
        return Err(format!("stderr is not one message: {stderr:?}"));
    }
    Ok(stderr)
}

/// Checks one corpus file in both modes (and `check`, where the file lists
/// several problems); the problems found, if any.
fn check(name: &str, expected: &str) -> Vec<String> {
    let (expected, listed) = match expected.split_once("\ncheck:\n") {
        Some((first, listed)) => (first, Some(listed)),
        None => (expected, None),
    };
    let mut problems = listed.map_or_else(Vec::new, |listed| check_lists(name, listed));
    let mut lines = expected.lines();
    let location = lines.next().unwrap_or_default();
    let fragments: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    let config = format!("{name}.yml");
    for mode in [&["--list"][..], &["--host", "web1"]] {
        let stderr = match refusal(&run(&corpus(), &config, mode)) {
            Ok(stderr) => stderr,
            Err(why) => {
                problems.push(format!("{name} {mode:?}: {why}"));
                continue;
            }
        };
        // The location is followed by the message itself, not by more digits.
        let head = format!("regal-inventory: {location}: ");
        if !stderr.starts_with(&head) {
            problems.push(format!(
                "{name} {mode:?}: expected {head:?} at the start of {:?}",
                short(&stderr)
            ));
        }
        for fragment in &fragments {
            if !stderr.contains(fragment) {
                problems.push(format!(
                    "{name} {mode:?}: {fragment:?} not in {:?}",
                    short(&stderr)
                ));
            }
        }
    }
    problems
}

/// `check` on one corpus file lists exactly the problems of `listed`.
fn check_lists(name: &str, listed: &str) -> Vec<String> {
    let output = run(&corpus(), &format!("{name}.yml"), &["check"]);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut problems = Vec::new();
    if output.status.code() != Some(EXIT_INVALID) || !output.stdout.is_empty() {
        problems.push(format!(
            "{name} check: exit {:?}, stdout {:?}",
            output.status,
            output.stdout.len()
        ));
    }
    let found: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("regal-inventory: "))
        .collect();
    let blocks: Vec<&str> = listed
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .collect();
    if found.len() != blocks.len() {
        problems.push(format!(
            "{name} check: {} problems listed, {} expected: {found:?}",
            found.len(),
            blocks.len()
        ));
    }
    for (line, block) in found.iter().zip(&blocks) {
        let mut lines = block.lines();
        let head = format!("{}: ", lines.next().unwrap_or_default());
        if !line.starts_with(&head) {
            problems.push(format!(
                "{name} check: expected {head:?} at the start of {:?}",
                short(line)
            ));
        }
        for fragment in lines.filter(|l| !l.is_empty()) {
            if !line.contains(fragment) {
                problems.push(format!(
                    "{name} check: {fragment:?} not in {:?}",
                    short(line)
                ));
            }
        }
    }
    problems
}

/// A message cut to a readable length (some name 70,000 characters).
fn short(text: &str) -> String {
    text.chars().take(300).collect()
}

#[test]
fn every_bad_strategy_is_refused_with_its_message() {
    let mut names = Vec::new();
    for entry in fs::read_dir(corpus()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("yml") => names.push(stem),
            Some("expected") => assert!(
                path.with_extension("yml").is_file(),
                "{} has no .yml",
                path.display()
            ),
            _ => panic!("unexpected file {} in the corpus", path.display()),
        }
    }
    names.sort();
    assert!(names.len() >= 30, "only {} bad strategies", names.len());
    let mut problems = Vec::new();
    for name in &names {
        match fs::read_to_string(corpus().join(format!("{name}.expected"))) {
            Ok(expected) => problems.extend(check(name, &expected)),
            Err(e) => problems.push(format!("{name}.expected: {e}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} bad strategies not refused as expected:\n{}",
        problems.len(),
        names.len(),
        problems.join("\n")
    );
}

#[test]
fn a_directory_instead_of_a_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("regal.yml")).unwrap();
    let stderr = refusal(&run(dir.path(), "regal.yml", &["--list"])).unwrap();
    assert!(
        stderr.starts_with("regal-inventory: regal.yml: cannot read the strategy file: "),
        "{stderr}"
    );
}

#[test]
fn a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = refusal(&run(dir.path(), "nowhere/regal.yml", &["--list"])).unwrap();
    assert!(
        stderr.starts_with("regal-inventory: nowhere/regal.yml: cannot read the strategy file: "),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regal.yml");
    fs::write(&path, "versions:\n  a: web1\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::File::open(&path).is_ok() {
        // root (as in CI containers) reads files whatever their mode.
        eprintln!(
            "note: skipping the unreadable-file case: this user can read a file with mode 000"
        );
        return;
    }
    let stderr = refusal(&run(dir.path(), "regal.yml", &["--list"])).unwrap();
    assert!(
        stderr.contains("regal.yml: cannot read the strategy file: Permission denied"),
        "{stderr}"
    );
}
