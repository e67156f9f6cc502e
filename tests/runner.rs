//! The rollout playbook under ansible-runner (pinned, in its own venv), the
//! engine under AWX and Ansible Automation Platform: a private data directory
//! whose `inventory/` is README's directory layout (regal.yml with a
//! `plugin:` line), `ansible-runner run`, then its status, exit code and job
//! events.

mod support;

use serde_json::Value;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const ANSIBLE_RUNNER: &str = "ansible-runner==2.4.3";

/// h1 | h2 h3 | h4 h5
const STRATEGY: &str = "\
plugin: regal
schedule: 1
combine: 2
vars: {ansible_connection: local}
versions:
  app-v1.0: [h1, h2, h3, h4, h5]
";

struct Job {
    status: String,
    rc: String,
    /// The job events, in order.
    events: Vec<Value>,
    stdout: String,
}

impl Job {
    fn report(&self) -> String {
        format!(
            "status {:?}, rc {:?}\n--- stdout ---\n{}",
            self.status, self.rc, self.stdout
        )
    }

    /// The batch groups the job events name, in order: the loop item of each
    /// batch's include of the tasks file (one event per host).
    fn batches(&self) -> Vec<String> {
        let mut batches: Vec<String> = self
            .events
            .iter()
            .filter(|e| {
                e["event"] == "runner_item_on_ok"
                    && e["event_data"]["task"] == "Regal | run the tasks file of this batch"
            })
            .filter_map(|e| e["event_data"]["res"]["_regal_batch_label"].as_str())
            .map(str::to_string)
            .collect();
        batches.dedup();
        batches
    }

    /// Hosts that any task result names (but localhost, where the first play
    /// reads the plan).
    fn hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = self
            .events
            .iter()
            .filter(|e| {
                e["event"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("runner_on_"))
            })
            .filter_map(|e| e["event_data"]["host"].as_str().map(str::to_string))
            .filter(|host| host != "localhost")
            .collect();
        hosts.sort();
        hosts.dedup();
        hosts
    }
}

/// A private data directory: project = links to playbooks/, inventory =
/// README's directory layout.
fn private_data_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("runner-tests")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    let project = dir.join("project");
    fs::create_dir_all(&project).unwrap();
    fs::create_dir_all(dir.join("inventory")).unwrap();
    fs::create_dir_all(dir.join("env")).unwrap();
    let playbooks = support::repo_root().join("playbooks");
    for entry in [
        "rollout.yml",
        "tasks",
        "templates",
        "inventory_plugins",
        "lookup_plugins",
        "ansible.cfg",
    ] {
        symlink(playbooks.join(entry), project.join(entry)).unwrap();
    }
    fs::write(dir.join("inventory/regal.yml"), STRATEGY).unwrap();
    fs::write(
        project.join("deploy.yml"),
        "- name: Deploy\n  ansible.builtin.debug:\n    msg: deploying {{ inventory_hostname }}\n\
         - name: Fail on demand\n  ansible.builtin.fail:\n    msg: deploy of {{ inventory_hostname }} failed\n  \
         when: inventory_hostname in (test_fail_hosts | default([]))\n",
    )
    .unwrap();
    dir
}

fn run(dir: &Path, ident: &str, extravars: &str) -> Job {
    run_playbook(dir, "rollout.yml", ident, extravars, &[])
}

/// `ansible-runner run` of the project's `playbook`, with `env` added to its envvars.
fn run_playbook(
    dir: &Path,
    playbook: &str,
    ident: &str,
    extravars: &str,
    env: &[(&str, &str)],
) -> Job {
    let bin = support::venv_bin(
        "runner-venv",
        &[
            &format!("ansible-core=={}", support::ANSIBLE_CORE_VERSION),
            ANSIBLE_RUNNER,
        ],
    );
    let mut envvars = serde_json::json!({
        "REGAL_INVENTORY_BINARY": support::BIN,
        "ANSIBLE_PYTHON_INTERPRETER": bin.join("python"),
        "ANSIBLE_NOCOLOR": "1",
    });
    for (key, value) in env {
        envvars[*key] = Value::from(*value);
    }
    fs::write(dir.join("env/envvars"), envvars.to_string()).unwrap();
    fs::write(dir.join("env/extravars"), extravars).unwrap();
    let mut cmd = Command::new(bin.join("ansible-runner"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("ANSIBLE_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .arg("run")
        .arg(dir)
        .args(["-p", playbook, "--ident", ident])
        .env("PATH", support::path_with(&bin))
        .stdin(Stdio::null())
        .output()
        .expect("run ansible-runner");
    let artifacts = dir.join("artifacts").join(ident);
    let mut events: Vec<Value> = fs::read_dir(artifacts.join("job_events"))
        .map(|entries| {
            entries
                .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
                .map(|text| serde_json::from_str(&text).unwrap())
                .collect()
        })
        .unwrap_or_default();
    events.sort_by_key(|e: &Value| e["counter"].as_i64().unwrap_or(0));
    Job {
        status: fs::read_to_string(artifacts.join("status")).unwrap_or_default(),
        rc: fs::read_to_string(artifacts.join("rc")).unwrap_or_default(),
        events,
        stdout: format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[test]
fn runner_rolls_out_batch_by_batch_and_stops_at_a_failed_host() {
    let dir = private_data_dir("rollout");
    let job = run(&dir, "healthy", r#"{"regal_tasks": "deploy.yml"}"#);
    assert_eq!(
        (job.status.as_str(), job.rc.as_str()),
        ("successful", "0"),
        "{}",
        job.report()
    );
    assert_eq!(
        job.batches(),
        ["app_v1_0_batch0", "app_v1_0_batch1", "app_v1_0_batch2"],
        "{}",
        job.report()
    );
    assert_eq!(
        job.hosts(),
        ["h1", "h2", "h3", "h4", "h5"],
        "{}",
        job.report()
    );

    let job = run(
        &dir,
        "failed",
        r#"{"regal_tasks": "deploy.yml", "test_fail_hosts": ["h2"]}"#,
    );
    assert_eq!(
        (job.status.as_str(), job.rc.as_str()),
        ("failed", "2"),
        "{}",
        job.report()
    );
    assert_eq!(
        job.batches(),
        ["app_v1_0_batch0", "app_v1_0_batch1"],
        "{}",
        job.report()
    );
    // Later hosts are in no event at all; the stop message is h2's result.
    assert_eq!(job.hosts(), ["h1", "h2", "h3"], "{}", job.report());
    let stop: Vec<&Value> = job
        .events
        .iter()
        .filter(|e| {
            e["event"] == "runner_on_failed"
                && e["event_data"]["res"]["msg"].as_str().is_some_and(|m| {
                    m.starts_with("Regal: rollout stopped in batch app_v1_0_batch1")
                })
        })
        .collect();
    assert_eq!(stop.len(), 1, "{}", job.report());
    assert_eq!(stop[0]["event_data"]["host"], "h2", "{}", job.report());
    let stats = job
        .events
        .iter()
        .find(|e| e["event"] == "playbook_on_stats")
        .expect("a stats event");
    let failures = &stats["event_data"]["failures"];
    assert_eq!(
        failures,
        &serde_json::json!({"h2": 1}),
        "only h2 is failed\n{}",
        job.report()
    );
}

/// AWX's way to use the collection: a project playbook that imports
/// `regal.inventory.rollout`, the collection on ANSIBLE_COLLECTIONS_PATH,
/// ansible-runner's own stdout callback. When every host of a batch is
/// unreachable, no task of the batch runs; the stop message comes from the
/// callback beside the collection's playbook, in the job's output and events.
#[test]
fn runner_stops_the_imported_collection_playbook_at_an_unreachable_batch() {
    let dir = private_data_dir("imported-unreachable");
    fs::write(
        dir.join("inventory/regal.yml"),
        "plugin: regal.inventory.regal\nschedule: 1\ncombine: 2\nvars: {ansible_connection: local}\n\
         versions:\n  app-v1.0:\n    - h1\n\
         \x20   - h2: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}\n\
         \x20   - h3: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}\n\
         \x20   - h4\n",
    )
    .unwrap();
    // A task that connects (deploy.yml's debug would not).
    fs::write(
        dir.join("project/touch.yml"),
        "- name: Touch\n  ansible.builtin.command: 'true'\n  changed_when: false\n",
    )
    .unwrap();
    fs::write(
        dir.join("project/site.yml"),
        "- name: Regal rollout\n  ansible.builtin.import_playbook: regal.inventory.rollout\n",
    )
    .unwrap();
    let collections = support::repo_root().join("collections");
    let job = run_playbook(
        &dir,
        "site.yml",
        "unreachable",
        r#"{"regal_tasks": "touch.yml"}"#,
        &[
            (
                "ANSIBLE_COLLECTIONS_PATH",
                &collections.display().to_string(),
            ),
            ("ANSIBLE_TIMEOUT", "5"),
        ],
    );
    assert_eq!(
        (job.status.as_str(), job.rc.as_str()),
        ("failed", "4"),
        "{}",
        job.report()
    );
    assert_eq!(job.hosts(), ["h1", "h2", "h3"], "{}", job.report());
    let stops: Vec<&str> = job
        .events
        .iter()
        .filter_map(|e| e["stdout"].as_str().map(str::trim_end))
        .filter(|out| out.contains("Regal: rollout stopped"))
        .collect();
    assert_eq!(stops.len(), 1, "one stop message\n{}", job.report());
    assert!(
        stops[0].starts_with(
            "Regal: rollout stopped in batch app_v1_0_batch1 (batch 1 of 3 of app-v1.0): \
             unreachable: h2, h3; no later batch was started."
        ) && stops[0]
            .ends_with("site.yml -e regal_tasks=touch.yml --limit 'app_v1_0:!app_v1_0_batch0'"),
        "{}",
        stops[0]
    );
}
