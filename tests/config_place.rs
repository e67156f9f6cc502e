//! Where the strategy file is found without --config or REGAL_CONFIG: `regal.yml` next to the
//! executable as invoked, then `./regal.yml`. Something at a place that is not a usable file is an
//! error naming it, never a reason to read the other strategy. Real processes, real symlinks.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

const HERE: &str = "versions:\n  here: [cwd1]\n";
const NEXT_TO_BIN: &str = "versions:\n  next: [bin1]\n";

/// A directory holding `./regal.yml` (HERE) and `bin/regal-inventory`, a link to the binary.
fn layout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regal.yml"), HERE).unwrap();
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    symlink(BIN, dir.path().join("bin/regal-inventory")).unwrap();
    dir
}

/// `bin/regal-inventory --list` run from the layout's directory, by its absolute path.
fn list(dir: &Path) -> Output {
    Command::new(dir.join("bin/regal-inventory"))
        .arg("--list")
        .current_dir(dir)
        .env_remove("REGAL_CONFIG")
        .output()
        .unwrap()
}

fn assert_refused(out: &Output, path: &Path, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
    let expected = format!(
        "regal-inventory: {}: cannot read the strategy file: {why}",
        path.display()
    );
    assert!(
        stderr.starts_with(&expected),
        "expected {expected:?}, got {stderr:?}"
    );
    assert!(stderr.contains("pass --config PATH"), "{stderr}");
}

fn hosts(out: &Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inventory: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut hosts: Vec<String> = inventory["_meta"]["hostvars"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    hosts.sort();
    hosts
}

#[test]
fn the_file_next_to_the_executable_comes_first_and_the_current_directory_second() {
    let dir = layout();
    assert_eq!(hosts(&list(dir.path())), ["cwd1"]);
    std::fs::write(dir.path().join("bin/regal.yml"), NEXT_TO_BIN).unwrap();
    assert_eq!(hosts(&list(dir.path())), ["bin1"]);
    // A link to a file is that file.
    std::fs::rename(
        dir.path().join("bin/regal.yml"),
        dir.path().join("bin/real.yml"),
    )
    .unwrap();
    symlink("real.yml", dir.path().join("bin/regal.yml")).unwrap();
    assert_eq!(hosts(&list(dir.path())), ["bin1"]);
}

#[test]
fn a_dangling_link_next_to_the_executable_is_an_error_naming_it() {
    let dir = layout();
    let next = dir.path().join("bin/regal.yml");
    symlink("gone.yml", &next).unwrap();
    assert_refused(
        &list(dir.path()),
        &next,
        "it is a symbolic link to gone.yml, which does not exist",
    );
}

#[test]
fn a_directory_next_to_the_executable_is_an_error_naming_it() {
    let dir = layout();
    let next = dir.path().join("bin/regal.yml");
    std::fs::create_dir(&next).unwrap();
    assert_refused(&list(dir.path()), &next, "it is a directory");
    // Also through a link.
    std::fs::remove_dir(&next).unwrap();
    std::fs::create_dir(dir.path().join("bin/strategies")).unwrap();
    symlink("strategies", &next).unwrap();
    assert_refused(&list(dir.path()), &next, "it is a directory");
}

#[test]
fn a_link_loop_next_to_the_executable_is_an_error_naming_it() {
    let dir = layout();
    let next = dir.path().join("bin/regal.yml");
    symlink("regal.yml", &next).unwrap();
    assert_refused(
        &list(dir.path()),
        &next,
        "Too many levels of symbolic links",
    );
}

#[test]
fn the_current_directory_s_regal_yml_is_held_to_the_same_rule() {
    let dir = layout();
    std::fs::remove_file(dir.path().join("regal.yml")).unwrap();
    std::fs::create_dir(dir.path().join("regal.yml")).unwrap();
    assert_refused(
        &list(dir.path()),
        Path::new("regal.yml"),
        "it is a directory",
    );
    std::fs::remove_dir(dir.path().join("regal.yml")).unwrap();
    symlink("/nonexistent/regal.yml", dir.path().join("regal.yml")).unwrap();
    assert_refused(
        &list(dir.path()),
        Path::new("regal.yml"),
        "it is a symbolic link to /nonexistent/regal.yml, which does not exist",
    );
    // Nothing anywhere is still "not found", listing both places.
    std::fs::remove_file(dir.path().join("regal.yml")).unwrap();
    let out = list(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("no strategy file found"), "{stderr}");
    assert!(stderr.contains("bin/regal.yml, regal.yml"), "{stderr}");
}
