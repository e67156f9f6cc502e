//! ansible-lint (pinned, in its own venv) on the rollout playbook: as shipped,
//! in a repository of a user's with no settings of its own and no inventory
//! (its syntax check runs the playbook without one), and over this repository
//! with its `.ansible-lint`, which keeps test fixtures out.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const ANSIBLE_LINT: &str = "ansible-lint==26.10.1";

fn ansible_lint(dir: &Path, args: &[&str]) -> Output {
    let bin = support::venv_bin(
        "lint-venv",
        &[
            &format!("ansible-core=={}", support::ANSIBLE_CORE_VERSION),
            ANSIBLE_LINT,
        ],
    );
    let mut cmd = Command::new(bin.join("ansible-lint"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("ANSIBLE_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(["--offline", "--nocolor"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("PATH", support::path_with(&bin))
        .output()
        .expect("run ansible-lint")
}

fn report(out: &Output) -> String {
    format!(
        "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn shipped_playbook_passes_the_production_profile_without_settings() {
    let repo = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-user-repo");
    let _ = fs::remove_dir_all(&repo);
    copy_dir(
        &support::repo_root().join("collections/ansible_collections/regal/inventory/playbooks"),
        &repo,
    );
    let out = ansible_lint(&repo, &["--profile", "production", "rollout.yml"]);
    let text = report(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Profile 'production' was required, and it passed"),
        "{text}"
    );
    assert!(!text.contains("syntax-check"), "{text}");
}

#[test]
fn this_repository_passes_with_its_ansible_lint_settings() {
    let out = ansible_lint(&support::repo_root(), &[]);
    let text = report(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Profile 'production' was required, and it passed"),
        "{text}"
    );
}
