//! playbooks/rollout.yml driven by real ansible-core against the real
//! regal-inventory binary (for an inventory the binary refuses to print, its
//! own output with a defect added).
//!
//! Every host is `ansible_connection: local` and appends
//! "<host> <version> <batch> <time>" to an evidence log; hosts of one batch
//! run in parallel, so the checks are about the order of batches.

mod support;

use serde_json::json;
use support::{PlaybookRun, Scenario};

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

fn assert_failed(run: &PlaybookRun) {
    assert!(
        run.code.is_some() && !run.success(),
        "expected ansible-playbook to fail (and not be killed)\n{}",
        run.report()
    );
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
    assert_succeeded(&run);
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
    assert_failed(&run);
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
}

#[test]
fn unreachable_host_stops_before_the_next_batch() {
    let s = Scenario::new("unreachable").with_strategy(
        "\
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
",
    );
    let run = s.run(&[]);
    assert_failed(&run);
    assert!(run.ran("h1") && run.ran("h2"), "{}", run.report());
    assert!(!run.ran("h3"), "h3 is unreachable\n{}", run.report());
    assert!(
        !run.ran("h4") && !run.ran("h5"),
        "batch 2 must not run\n{}",
        run.report()
    );
    assert!(output(&run).contains("UNREACHABLE"), "{}", run.report());
    assert!(
        output(&run)
            .contains("resume from app_v1_0_batch1 with: --limit 'app_v1_0:!app_v1_0_batch0'"),
        "the gate must say how to resume\n{}",
        run.report()
    );
    assert!(
        output(&run).contains("Regal: stopping"),
        "the gate must name the stop\n{}",
        run.report()
    );
}

#[test]
fn batch_of_only_unreachable_hosts_stops_the_rollout() {
    let s = Scenario::new("all-unreachable").with_strategy(
        "\
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
",
    );
    let run = s.run(&[]);
    assert_failed(&run);
    assert_eq!(
        run.hosts(),
        vec!["h1"],
        "only the canary may run\n{}",
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

    let run = s.run(&[]);
    assert_failed(&run);
    assert!(run.evidence.is_empty(), "{}", run.report());

    // Without our ansible.cfg Ansible only warns about the inventory; the
    // playbook's own preflight must still refuse to go on.
    let empty_cfg = s.dir.join("empty.cfg");
    std::fs::write(&empty_cfg, "").unwrap();
    let run = s.run_with_config(&empty_cfg, &[]);
    assert_failed(&run);
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
        assert_failed(&run);
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
    assert_failed(&run);
    assert_eq!(
        run.hosts(),
        vec!["h1"],
        "no batch after an unconfirmed one\n{}",
        run.report()
    );
    assert!(output(&run).contains("did not confirm"), "{}", run.report());

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
fn misaligned_batches_are_refused() {
    // A host listed in two batch groups is deduplicated by Ansible, so the
    // Ansible batches no longer match the regal batches.
    let s = Scenario::new("misaligned");
    let mut inv = s.binary_list(ONE_VERSION);
    inv["app_v1_0_batch2"]["hosts"]
        .as_array_mut()
        .unwrap()
        .push(json!("h2"));
    let s = s.with_fixture_json(&inv);
    let run = s.run(&[]);
    assert_failed(&run);
    assert!(!run.ran("h4") && !run.ran("h5"), "{}", run.report());
    assert!(
        output(&run).contains("is not exactly one regal batch"),
        "{}",
        run.report()
    );
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
