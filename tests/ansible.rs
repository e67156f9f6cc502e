//! playbooks/rollout.yml driven by real ansible-core against the real
//! regal-inventory binary (for an inventory the binary refuses to print, its
//! own output with a defect added).
//!
//! Every host is `ansible_connection: local` and appends
//! "<host> <version> <batch> <time>" to an evidence log; hosts of one batch
//! run in parallel, so the checks are about the order of batches.

mod support;

use serde_json::json;
use std::fs;
use support::{PlaybookRun, Scenario, repo_root};

/// h1 | h2 h3 | h4 h5
const ONE_VERSION: &str = "\
schedule: 1
combine: 2
vars: {ansible_connection: local}
versions:
  app-v1.0: [h1, h2, h3, h4, h5]
";

fn batch(version: &str, n: u32, hosts: &[&str]) -> (String, u32, Vec<String>) {
    let mut hosts: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    hosts.sort();
    (version.to_string(), n, hosts)
}

fn assert_succeeded(run: &PlaybookRun) {
    assert!(
        run.success(),
        "expected ansible-playbook to succeed\n{}",
        run.report()
    );
}

fn output(run: &PlaybookRun) -> String {
    format!("{}\n{}", run.stdout, run.stderr)
}

/// README's exit codes: 0 deployed, 2 a host failed or the rollout was
/// stopped, 4 a host was unreachable or the run was refused before any host.
fn assert_code(run: &PlaybookRun, code: i32) {
    assert_eq!(run.code, Some(code), "exit code\n{}", run.report());
}

/// Exactly one "Regal: rollout stopped" message, holding every `part`.
fn assert_one_stop_message(run: &PlaybookRun, parts: &[&str]) -> String {
    let messages = run.stop_messages();
    assert_eq!(messages.len(), 1, "one stop message\n{}", run.report());
    for part in parts {
        assert!(
            messages[0].contains(part),
            "the stop message must contain {part:?}\n{}",
            run.report()
        );
    }
    messages[0].to_string()
}

/// Hosts never touched are not in the recap at all (so no job summary can
/// list them as failed).
fn assert_untouched(run: &PlaybookRun, hosts: &[&str]) {
    let recap = run.recap();
    assert!(!recap.is_empty(), "no recap\n{}", run.report());
    for host in hosts {
        assert!(!run.ran(host), "{host} ran\n{}", run.report());
        assert!(
            !recap.contains_key(*host),
            "{host} was never touched but is in the recap\n{}",
            run.report()
        );
    }
}

/// The `--limit` of a stop message.
fn resume_limit(message: &str) -> String {
    let start = message.find("--limit '").expect("a --limit") + "--limit '".len();
    let end = start + message[start..].find('\'').unwrap();
    message[start..end].to_string()
}

#[test]
fn healthy_rollout_runs_every_batch_in_order() {
    let s = Scenario::new("healthy").with_strategy(
        "\
schedule: 1
combine: 2
exclude: [h6]
vars: {ansible_connection: local}
versions:
  app-v1.0: [h1, h2, h3, h6, h4, h5]
",
    );
    let run = s.run(&[]);
    assert_code(&run, 0);
    assert!(run.stop_messages().is_empty(), "{}", run.report());
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v1.0", 0, &["h1"]),
            batch("app-v1.0", 1, &["h2", "h3"]),
            batch("app-v1.0", 2, &["h4", "h5"]),
        ],
        "{}",
        run.report()
    );
    assert_eq!(
        run.evidence.len(),
        5,
        "every host runs once\n{}",
        run.report()
    );
}

#[test]
fn failed_host_stops_before_the_next_batch() {
    let s = Scenario::new("failed").with_strategy(ONE_VERSION);
    let run = s.run(&["-e", r#"{"test_fail_hosts": ["h2"]}"#]);
    assert_code(&run, 2);
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v1.0", 0, &["h1"]),
            batch("app-v1.0", 1, &["h2", "h3"])
        ],
        "batch 2 must not run\n{}",
        run.report()
    );
    assert!(
        output(&run).contains("test failure of h2"),
        "{}",
        run.report()
    );
    let message = assert_one_stop_message(
        &run,
        &[
            "in batch app_v1_0_batch1",
            "h2 failed at 'Test | fail on demand'",
            "--limit 'app_v1_0:!app_v1_0_batch0'",
            "Command: ansible-playbook -i ",
        ],
    );
    assert_eq!(run.count("h2", "failed"), 1, "{}", run.report());
    assert_eq!(run.count("h3", "failed"), 0, "{}", run.report());
    assert_eq!(run.count("h1", "failed"), 0, "{}", run.report());
    assert_untouched(&run, &["h4", "h5"]);

    // The limit printed resumes with the stopped batch and the rest.
    let limit = resume_limit(&message);
    let run = s.run(&["--limit", &limit]);
    assert_code(&run, 0);
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v1.0", 1, &["h2", "h3"]),
            batch("app-v1.0", 2, &["h4", "h5"])
        ],
        "{}",
        run.report()
    );
}

#[test]
fn failed_canary_stops_the_rollout() {
    let s = Scenario::new("failed-canary").with_strategy(ONE_VERSION);
    let run = s.run(&["-e", r#"{"test_fail_hosts": ["h1"]}"#]);
    assert_code(&run, 2);
    assert_eq!(run.hosts(), vec!["h1"], "{}", run.report());
    assert_one_stop_message(
        &run,
        &[
            "in batch app_v1_0_batch0",
            "h1 failed at",
            "--limit 'app_v1_0'",
        ],
    );
    assert_eq!(run.count("h1", "failed"), 1, "{}", run.report());
    assert_untouched(&run, &["h2", "h3", "h4", "h5"]);
}

#[test]
fn failed_hosts_in_a_later_version_resume_with_that_version() {
    // Resuming leaves out the versions already done.
    let s = Scenario::new("failed-second-version").with_strategy(
        "\
schedule: 1
combine: 2
priority: [app-v2.0]
vars: {ansible_connection: local}
versions:
  app-v1.0: [a1, a2, a3]
  app-v2.0: [b1, b2, b3]
",
    );
    let run = s.run(&["-e", r#"{"test_fail_hosts": ["a2", "a3"]}"#]);
    assert_code(&run, 2);
    let message = assert_one_stop_message(
        &run,
        &[
            "in batch app_v1_0_batch1",
            "a2 failed at",
            "a3 failed at",
            "--limit 'app_v1_0:!app_v1_0_batch0'",
        ],
    );
    assert!(!message.contains("app_v2_0"), "{message}");
    assert_eq!(run.count("a2", "failed"), 1, "{}", run.report());
    assert_eq!(run.count("a3", "failed"), 1, "{}", run.report());
}

#[test]
fn failed_handler_stops_before_the_next_batch() {
    let s = Scenario::new("failed-handler").with_strategy(ONE_VERSION);
    // Handlers come with roles: the tasks file includes one whose handler
    // fails on h2.
    let role = s.dir.join("roles/flaky");
    std::fs::create_dir_all(role.join("tasks")).unwrap();
    std::fs::create_dir_all(role.join("handlers")).unwrap();
    std::fs::write(
        role.join("tasks/main.yml"),
        "- name: Flaky | change something\n  ansible.builtin.command: 'true'\n  changed_when: true\n  notify: Flaky | restart\n",
    )
    .unwrap();
    std::fs::write(
        role.join("handlers/main.yml"),
        "- name: Flaky | restart\n  ansible.builtin.fail:\n    msg: restart of {{ inventory_hostname }} failed\n  when: inventory_hostname == 'h2'\n",
    )
    .unwrap();
    let tasks = std::fs::read_to_string(&s.tasks).unwrap();
    std::fs::write(
        &s.tasks,
        format!(
            "{tasks}- name: Test | flaky role\n  ansible.builtin.include_role:\n    name: {}\n",
            role.display()
        ),
    )
    .unwrap();
    let run = s.run(&[]);
    assert_code(&run, 2);
    assert!(
        output(&run).contains("restart of h2 failed"),
        "{}",
        run.report()
    );
    assert_one_stop_message(
        &run,
        &[
            "in batch app_v1_0_batch1",
            "h2 failed at 'Flaky | restart'",
            "--limit 'app_v1_0:!app_v1_0_batch0'",
        ],
    );
    assert_eq!(run.count("h2", "failed"), 1, "{}", run.report());
    assert_eq!(run.count("h3", "failed"), 0, "{}", run.report());
    assert_untouched(&run, &["h4", "h5"]);
}

const UNREACHABLE_H3: &str = "\
schedule: 1
combine: 2
vars: {ansible_connection: local}
versions:
  app-v1.0:
    - h1
    - h2
    - h3: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}
    - h4
    - h5
";

#[test]
fn unreachable_host_stops_before_the_next_batch() {
    let s = Scenario::new("unreachable").with_strategy(UNREACHABLE_H3);
    let run = s.run(&[]);
    assert_code(&run, 4);
    assert!(run.ran("h1") && run.ran("h2"), "{}", run.report());
    assert!(!run.ran("h3"), "h3 is unreachable\n{}", run.report());
    assert!(output(&run).contains("UNREACHABLE"), "{}", run.report());
    assert_one_stop_message(
        &run,
        &[
            "in batch app_v1_0_batch1",
            "unreachable: h3",
            "--limit 'app_v1_0:!app_v1_0_batch0'",
        ],
    );
    assert_eq!(run.count("h3", "unreachable"), 1, "{}", run.report());
    assert_eq!(run.count("h2", "failed"), 0, "{}", run.report());
    assert_untouched(&run, &["h4", "h5"]);
}

#[test]
fn unreachable_host_in_the_last_batch_exits_4() {
    let s = Scenario::new("unreachable-last").with_strategy(
        "\
schedule: 1
combine: 2
vars: {ansible_connection: local}
versions:
  app-v1.0:
    - h1
    - h2
    - h3
    - h4
    - h5: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}
",
    );
    let run = s.run(&[]);
    assert_code(&run, 4);
    assert_one_stop_message(
        &run,
        &[
            "in batch app_v1_0_batch2",
            "unreachable: h5",
            "--limit 'app_v1_0:!app_v1_0_batch0:!app_v1_0_batch1'",
        ],
    );
}

/// h1 | h2 h3 (both unreachable) | h4 h5
const ALL_UNREACHABLE_BATCH1: &str = "\
schedule: 1
combine: 2
vars: {ansible_connection: local}
versions:
  app-v1.0:
    - h1
    - h2: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}
    - h3: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}
    - h4
    - h5
";

/// A batch whose every host is unreachable ends the play before any task of
/// the batch runs: the playbook's callback prints the stop after the recap.
fn assert_all_unreachable_stop(s: &Scenario) {
    let run = s.run(&[]);
    assert_code(&run, 4);
    assert_eq!(
        run.hosts(),
        vec!["h1"],
        "only the canary may run\n{}",
        run.report()
    );
    assert_untouched(&run, &["h4", "h5"]);
    let message = assert_one_stop_message(
        &run,
        &[
            "Regal: rollout stopped in batch app_v1_0_batch1 (batch 1 of 3 of app-v1.0): ",
            "unreachable: h2, h3; no later batch was started.",
            &format!(
                " -e regal_tasks={} --limit 'app_v1_0:!app_v1_0_batch0'",
                s.tasks.display()
            ),
            &format!(
                "Command: ansible-playbook -i {} {} ",
                s.inventory.display(),
                s.playbook.display()
            ),
        ],
    );
    assert!(
        run.stdout.rfind(&message) > run.stdout.rfind("PLAY RECAP"),
        "the message comes last\n{}",
        run.report()
    );
}

#[test]
fn batch_of_only_unreachable_hosts_stops_the_rollout() {
    let s = Scenario::new("all-unreachable").with_strategy(ALL_UNREACHABLE_BATCH1);
    assert_all_unreachable_stop(&s);
}

/// What AWX and AAP run: a playbook of the project, in a directory of its own,
/// that imports `regal.inventory.rollout` from the collection on
/// ANSIBLE_COLLECTIONS_PATH.
fn imported_collection_playbook(name: &str, strategy: &str) -> Scenario {
    let collections = repo_root().join("collections");
    let mut s = Scenario::new(name).with_strategy(strategy).with_env(
        "ANSIBLE_COLLECTIONS_PATH",
        &collections.display().to_string(),
    );
    let project = s.dir.join("project");
    fs::create_dir_all(&project).unwrap();
    s.playbook = project.join("site.yml");
    fs::write(
        &s.playbook,
        "- name: Regal rollout\n  ansible.builtin.import_playbook: regal.inventory.rollout\n",
    )
    .unwrap();
    s
}

/// The callback beside the collection's playbook is loaded all the same.
#[test]
fn batch_of_only_unreachable_hosts_stops_the_imported_collection_playbook() {
    let s = imported_collection_playbook("all-unreachable-imported", ALL_UNREACHABLE_BATCH1);
    assert_all_unreachable_stop(&s);
}

/// The stop message's command names the playbook the operator ran (their
/// own, or `regal.inventory.rollout`), as the callback's does, never the
/// collection's rollout.yml; run again with the limit it prints, it resumes.
#[test]
fn stop_command_names_the_playbook_the_operator_ran() {
    let mut s = imported_collection_playbook("failed-imported", ONE_VERSION);
    for playbook in [
        s.playbook.display().to_string(),
        "regal.inventory.rollout".to_string(),
    ] {
        s.playbook = playbook.clone().into();
        let run = s.run(&["-e", r#"{"test_fail_hosts": ["h2"]}"#]);
        assert_code(&run, 2);
        let message = assert_one_stop_message(
            &run,
            &[
                "h2 failed at 'Test | fail on demand'",
                &format!(
                    "Command: ansible-playbook -i {} {playbook} -e regal_tasks={} --limit 'app_v1_0:!app_v1_0_batch0'",
                    s.inventory.display(),
                    s.tasks.display()
                ),
            ],
        );
        assert!(!message.contains("rollout.yml"), "{message}");
        let run = s.run(&["--limit", &resume_limit(&message)]);
        assert_code(&run, 0);
        assert_eq!(
            run.batch_order(),
            [("app-v1.0".to_string(), 1), ("app-v1.0".to_string(), 2)],
            "{}",
            run.report()
        );
    }
}

/// A copy of rollout.yml without `lookup_plugins/` beside it fails in the
/// first play, before any host runs, naming the lookup it lacks (a stop
/// later would lose its resume command).
#[test]
fn a_copy_without_lookup_plugins_fails_before_any_host() {
    let mut s = Scenario::new("copy-without-lookup").with_strategy(ONE_VERSION);
    let copy = s.dir.join("copy");
    fs::create_dir_all(&copy).unwrap();
    let playbooks = repo_root().join("playbooks");
    for entry in ["rollout.yml", "tasks", "templates", "callback_plugins"] {
        std::os::unix::fs::symlink(playbooks.join(entry), copy.join(entry)).unwrap();
    }
    s.playbook = copy.join("rollout.yml");
    let run = s.run(&[]);
    assert!(!run.success(), "{}", run.report());
    assert!(run.hosts().is_empty(), "no host may run\n{}", run.report());
    assert!(
        output(&run).contains("The lookup plugin 'regal_command' was not found"),
        "{}",
        run.report()
    );
}

#[test]
fn broken_strategy_fails_before_any_host_runs() {
    let s = Scenario::new("broken").with_strategy("schedule: [1\nversions: {app-v1.0: [h1, h2]}\n");
    let direct = std::process::Command::new(support::BIN)
        .arg("--config")
        .arg(s.regal_yml())
        .arg("--list")
        .output()
        .unwrap();
    assert!(
        !direct.status.success(),
        "regal-inventory must reject the broken regal.yml"
    );

    // playbooks/ansible.cfg makes an inventory that does not parse fatal.
    let run = s.run(&[]);
    assert_code(&run, 1);
    assert!(run.evidence.is_empty(), "{}", run.report());

    // Without our ansible.cfg Ansible only warns about the inventory; the
    // playbook's own preflight must still refuse to go on.
    let empty_cfg = s.dir.join("empty.cfg");
    std::fs::write(&empty_cfg, "").unwrap();
    let run = s.run_with_config(&empty_cfg, &[]);
    assert_code(&run, 4);
    assert!(run.evidence.is_empty(), "{}", run.report());
    assert!(
        output(&run).contains("Regal: the inventory has no regal version group"),
        "{}",
        run.report()
    );
}

#[test]
fn unknown_or_non_version_group_fails_before_any_host_runs() {
    let s = Scenario::new("bad-group").with_strategy(ONE_VERSION);
    for (group, message) in [
        ("app_v9_9", "is not in the inventory"),
        ("app_v1_0_batch1", "is not a regal version group"),
    ] {
        let run = s.run(&["-e", &format!("regal_group={group}")]);
        assert_code(&run, 4);
        assert!(run.evidence.is_empty(), "{}", run.report());
        assert!(output(&run).contains(message), "{}", run.report());
    }
}

#[test]
fn resume_with_limit_runs_exactly_the_remaining_batches() {
    // h1 | h2 h3 | h4 h5 | h6 h7
    let s = Scenario::new("resume").with_strategy(
        "\
schedule: 1
combine: 2
vars: {ansible_connection: local}
versions:
  app-v1.0: [h1, h2, h3, h4, h5, h6, h7]
",
    );
    let run = s.run(&["--limit", "app_v1_0:!app_v1_0_batch0:!app_v1_0_batch1"]);
    assert_succeeded(&run);
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v1.0", 2, &["h4", "h5"]),
            batch("app-v1.0", 3, &["h6", "h7"])
        ],
        "{}",
        run.report()
    );

    // A limit that cuts through a batch must shrink that batch, not shift
    // the later ones into it.
    let run = s.run(&["--limit", "app_v1_0:!app_v1_0_batch0:!h2:!h5"]);
    assert_succeeded(&run);
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v1.0", 1, &["h3"]),
            batch("app-v1.0", 2, &["h4"]),
            batch("app-v1.0", 3, &["h6", "h7"]),
        ],
        "{}",
        run.report()
    );
}

#[test]
fn versions_roll_out_in_priority_order() {
    let s = Scenario::new("priority").with_strategy(
        "\
schedule: 1
combine: 2
priority: [app-v2.0]
vars: {ansible_connection: local}
versions:
  app-v1.0: [a1, a2, a3]
  app-v2.0: [b1, b2, b3]
",
    );
    let run = s.run(&[]);
    assert_succeeded(&run);
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v2.0", 0, &["b1"]),
            batch("app-v2.0", 1, &["b2", "b3"]),
            batch("app-v1.0", 0, &["a1"]),
            batch("app-v1.0", 1, &["a2", "a3"]),
        ],
        "{}",
        run.report()
    );

    let run = s.run(&["-e", "regal_group=app_v1_0"]);
    assert_succeeded(&run);
    assert_eq!(
        run.batches(),
        vec![
            batch("app-v1.0", 0, &["a1"]),
            batch("app-v1.0", 1, &["a2", "a3"])
        ],
        "regal_group selects one version\n{}",
        run.report()
    );
}

#[test]
fn pause_after_waits_between_batches_but_not_after_the_last() {
    // h1 | h2 h3: the binary puts regal_pause_after on both batches, and the
    // long one on the last batch must never be waited for.
    let s = Scenario::new("pause").with_strategy(
        "\
schedule: 1
combine: 2
pause_after_canary: 2
pause_between_batches: 30
vars: {ansible_connection: local}
versions:
  app-v1.0: [h1, h2, h3]
",
    );
    let run = s.run(&[]);
    assert_succeeded(&run);
    assert_eq!(run.evidence.len(), 3, "{}", run.report());
    let end_of = |b: u32| {
        let times = run.evidence.iter().filter(|e| e.batch == b).map(|e| e.time);
        times.fold(f64::MIN, f64::max)
    };
    let start_of = |b: u32| {
        let times = run.evidence.iter().filter(|e| e.batch == b).map(|e| e.time);
        times.fold(f64::MAX, f64::min)
    };
    let gap = start_of(1) - end_of(0);
    assert!(
        gap >= 2.0,
        "batch 1 started {gap:.2}s after batch 0\n{}",
        run.report()
    );
    let tail = run.finished_at - end_of(1);
    assert!(
        tail < 20.0,
        "paused {tail:.2}s after the last batch\n{}",
        run.report()
    );
}

#[test]
fn confirm_after_needs_auto_confirm_without_a_terminal() {
    let s = Scenario::new("confirm").with_strategy(
        "\
schedule: 1
combine: 2
confirm_after_canary: true
vars: {ansible_connection: local}
versions:
  app-v1.0: [h1, h2, h3, h4, h5]
",
    );

    let run = s.run(&["-e", "regal_auto_confirm=true"]);
    assert_succeeded(&run);
    assert_eq!(run.evidence.len(), 5, "{}", run.report());

    let run = s.run(&[]);
    assert_code(&run, 2);
    assert_eq!(
        run.hosts(),
        vec!["h1"],
        "no batch after an unconfirmed one\n{}",
        run.report()
    );
    // The canary is done: the rollout resumes with the next batch.
    assert_one_stop_message(
        &run,
        &[
            "after batch app_v1_0_batch0",
            "did not confirm",
            "--limit 'app_v1_0:!app_v1_0_batch0'",
        ],
    );
    assert_untouched(&run, &["h2", "h3", "h4", "h5"]);

    // Within --limit the canary is the last batch: nothing left to confirm.
    let run = s.run(&["--limit", "app_v1_0_batch0"]);
    assert_succeeded(&run);
    assert_eq!(
        run.batches(),
        vec![batch("app-v1.0", 0, &["h1"])],
        "{}",
        run.report()
    );
}

#[test]
fn inconsistent_metadata_is_refused_before_any_host() {
    // A host listed in two batch groups would be deduplicated by Ansible and
    // shift every later batch: refused, whether or not that host is the one
    // whose vars the playbook reads for its batch.
    for (name, host, message) in [
        ("misaligned-first", "h2", "says it is batch 2 of 3"),
        ("misaligned-other", "h3", "a host is in two batch groups"),
    ] {
        let s = Scenario::new(name);
        let mut inv = s.binary_list(ONE_VERSION);
        inv["app_v1_0_batch2"]["hosts"]
            .as_array_mut()
            .unwrap()
            .push(json!(host));
        let s = s.with_fixture_json(&inv);
        let run = s.run(&[]);
        assert_code(&run, 4);
        assert!(run.evidence.is_empty(), "{}", run.report());
        assert!(run.recap().is_empty(), "{}", run.report());
        assert!(output(&run).contains(message), "{}", run.report());
    }

    // Metadata that disagrees with the groups.
    let s = Scenario::new("inconsistent");
    let base = s.binary_list(ONE_VERSION);
    let mut renumbered = base.clone();
    renumbered["app_v1_0_batch1"]["vars"]["regal_batch"] = json!(2);
    let mut no_order = base.clone();
    no_order["all"]["vars"]
        .as_object_mut()
        .unwrap()
        .remove("regal_versions");
    let mut gap = base.clone();
    let batch2 = gap.as_object_mut().unwrap().shift_remove("app_v1_0_batch2");
    gap["app_v1_0_batch3"] = batch2.unwrap();
    gap["app_v1_0"]["children"][2] = json!("app_v1_0_batch3");
    for (inv, message) in [
        (renumbered, "says it is batch 2 of 3"),
        (no_order, "has no list `regal_versions`"),
        (gap, "are not numbered 0 to 2"),
    ] {
        let s = Scenario::new("inconsistent").with_fixture_json(&inv);
        let run = s.run(&[]);
        assert_code(&run, 4);
        assert!(run.evidence.is_empty(), "{}", run.report());
        assert!(output(&run).contains(message), "{}", run.report());
    }
}

#[test]
fn strategy_features_shape_the_real_batches() {
    // Ranges with vars, natural order, one failure domain at a time and a
    // percentage ramp: sorted w1..w6; zone a = w1..w4, zone b = w5, w6;
    // sizes 1, then 50% of 6 = 3, cut short where zone a ends.
    let s = Scenario::new("features").with_strategy(
        "\
batches: [1, '50%']
order: sorted
domain_at_a_time: zone
exclude: ['w[7:8]']
vars: {ansible_connection: local}
versions:
  web:
    hosts:
      - 'w[5:8]': {zone: b}
      - w10: {zone: b}
      - 'w[1:4]': {zone: a}
",
    );
    let run = s.run(&[]);
    assert_succeeded(&run);
    assert_eq!(
        run.batches(),
        vec![
            batch("web", 0, &["w1"]),
            batch("web", 1, &["w2", "w3", "w4"]),
            batch("web", 2, &["w10", "w5", "w6"]),
        ],
        "{}",
        run.report()
    );
    assert!(
        !run.ran("w7") && !run.ran("w8"),
        "excluded hosts never run\n{}",
        run.report()
    );
}

/// `ansible-inventory` of the pinned ansible-core (or of `bin`), run in the
/// scenario's directory; its stdout.
fn ansible_inventory(s: &Scenario, bin: &std::path::Path, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(bin.join("ansible-inventory"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ANSIBLE_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args(args)
        .current_dir(&s.dir)
        .env(
            "ANSIBLE_CONFIG",
            support::repo_root().join("playbooks/ansible.cfg"),
        )
        .env("ANSIBLE_HOME", s.dir.join("ansible-state/home"))
        .env("ANSIBLE_LOCAL_TEMP", s.dir.join("ansible-state/local_tmp"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ansible-inventory {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `value` with every object's keys sorted, as `json.dumps(sort_keys=True)`.
fn sorted_keys(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut sorted = serde_json::Map::new();
            for key in keys {
                sorted.insert(key.clone(), sorted_keys(&map[key]));
            }
            serde_json::Value::Object(sorted)
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(sorted_keys).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn rollout_order_is_the_same_whatever_form_the_inventory_takes() {
    // Twelve batches of alpha (sorted by name, batch10 would come before
    // batch2) after the two of beta, which has priority (sorted, it would
    // come after alpha).
    let strategy = "\
schedule: 1
combine: 1
priority: [beta]
vars: {ansible_connection: local}
versions:
  alpha: 'a[01:12]'
  beta: [b1, b2]
";
    let mut want = vec![batch("beta", 0, &["b1"]), batch("beta", 1, &["b2"])];
    for n in 0..12u32 {
        let host = format!("a{:02}", n + 1);
        want.push(batch("alpha", n, &[&host]));
    }

    let base = Scenario::new("forms").with_strategy(strategy);
    let script = base.inventory.display().to_string();
    let bin = support::ansible_bin();
    let export_yaml =
        ansible_inventory(&base, bin, &["-i", &script, "--list", "--export", "--yaml"]);
    let flat_yaml = ansible_inventory(&base, bin, &["-i", &script, "--list", "--yaml"]);
    let toml_bin = support::venv_bin(
        "ansible-toml-venv",
        &[
            &format!("ansible-core=={}", support::ANSIBLE_CORE_VERSION),
            "tomli-w==1.2.0",
        ],
    );
    let toml = ansible_inventory(
        &base,
        &toml_bin,
        &["-i", &script, "--list", "--export", "--toml"],
    );
    let sorted = sorted_keys(&base.binary_list(strategy));
    let plugin = format!(
        "plugin: regal\nstrategy: {}\nbinary: {}\n",
        base.regal_yml().display(),
        support::BIN
    );

    let forms: Vec<(&str, Scenario)> = vec![
        (
            "script",
            Scenario::new("form-script").with_strategy(strategy),
        ),
        (
            "plugin",
            Scenario::new("form-plugin").with_inventory_file("rollout.regal.yml", &plugin),
        ),
        (
            "--export --yaml dump",
            Scenario::new("form-export-yaml").with_inventory_file("inventory.yml", &export_yaml),
        ),
        (
            "--yaml dump",
            Scenario::new("form-yaml").with_inventory_file("inventory.yml", &flat_yaml),
        ),
        (
            "--toml dump",
            Scenario::new("form-toml").with_inventory_file("inventory.toml", &toml),
        ),
        (
            "keys sorted",
            Scenario::new("form-sorted").with_fixture_json(&sorted),
        ),
    ];
    for (form, s) in forms {
        let run = s.run(&[]);
        assert_code(&run, 0);
        assert_eq!(run.batches(), want, "{form}\n{}", run.report());
    }
}
