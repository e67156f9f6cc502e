//! Health-verified batches (`verify:`, `bake:`) through playbooks/rollout.yml,
//! with real ansible-core and the real regal-inventory binary.
//!
//! Every host is `ansible_connection: local` with its own small HTTP server,
//! started here on 127.0.0.1 (one port per host, given to the host as
//! `health_port`), whose answer the test sets; servers stop when their test
//! ends. Hosts leave evidence of their deployment as in tests/ansible.rs.

mod support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use support::{PlaybookRun, Scenario};

/// What a server answers, by the number of requests it has served.
#[derive(Clone)]
struct Answers {
    /// (status, body) before `switch_at` requests, and from then on.
    before: (u16, String),
    after: (u16, String),
    switch_at: usize,
}

/// A health endpoint on 127.0.0.1 that answers every GET with the status and
/// body the test sets. Stops (and frees its port) when dropped.
struct HealthServer {
    port: u16,
    answers: Arc<Mutex<Answers>>,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HealthServer {
    fn healthy() -> HealthServer {
        HealthServer::start(200, "ok")
    }

    fn start(status: u16, body: &str) -> HealthServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a health server");
        let port = listener.local_addr().unwrap().port();
        let answer = (status, body.to_string());
        let answers = Arc::new(Mutex::new(Answers {
            before: answer.clone(),
            after: answer,
            switch_at: 0,
        }));
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (answers, requests, stop) = (answers.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(mut stream) = stream else { continue };
                    // A connection without a request (a tcp check) is not counted.
                    if !read_request(&mut stream) {
                        continue;
                    }
                    let served = requests.fetch_add(1, Ordering::SeqCst);
                    let (status, body) = {
                        let a = answers.lock().unwrap();
                        if served < a.switch_at {
                            a.before.clone()
                        } else {
                            a.after.clone()
                        }
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status} Test\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.shutdown(Shutdown::Both);
                }
            })
        };
        HealthServer {
            port,
            answers,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// Answers `status`/`body` from now on.
    fn set(&self, status: u16, body: &str) {
        let mut a = self.answers.lock().unwrap();
        a.after = (status, body.to_string());
        a.switch_at = 0;
    }

    /// Answers as now for the next `n` requests, then `status`/`body`.
    fn switch_after(&self, n: usize, status: u16, body: &str) {
        let mut a = self.answers.lock().unwrap();
        a.before = a.after.clone();
        a.after = (status, body.to_string());
        a.switch_at = self.requests() + n;
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for HealthServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads an HTTP request's head; false when the peer sent none.
fn read_request(stream: &mut TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return false,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    true
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// One server per host, named h1, h2, ...
fn servers(count: usize) -> HashMap<String, HealthServer> {
    (1..=count)
        .map(|i| (format!("h{i}"), HealthServer::healthy()))
        .collect()
}

/// The hosts of version `app-v1.0` as a YAML list, each with its server's
/// port as `health_port` (hosts in `order`).
fn hosts_yaml(order: &[&str], servers: &HashMap<String, HealthServer>) -> String {
    order
        .iter()
        .map(|h| {
            format!(
                "      - {h}: {{ansible_host: 127.0.0.1, health_port: {}}}\n",
                servers[*h].port
            )
        })
        .collect()
}

/// h1 | h2 h3 | h4 h5, with `settings` at the top level.
fn strategy(settings: &str, servers: &HashMap<String, HealthServer>) -> String {
    format!(
        "schedule: 1\ncombine: 2\nvars: {{ansible_connection: local}}\n{settings}versions:\n  app-v1.0:\n    hosts:\n{}",
        hosts_yaml(&["h1", "h2", "h3", "h4", "h5"], servers)
    )
}

const HTTP_CHECK: &str = "\
verify:
  - http: 'http://{{ ansible_host | default(inventory_hostname) }}:{{ health_port }}/health'
    contains: ok
    timeout: 2
    retries: 1
    delay: 1
";

fn batch(n: u32, hosts: &[&str]) -> (String, u32, Vec<String>) {
    let mut hosts: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    hosts.sort();
    ("app-v1.0".to_string(), n, hosts)
}

fn output(run: &PlaybookRun) -> String {
    format!("{}\n{}", run.stdout, run.stderr)
}

/// The "Regal:" stop message Ansible printed (from the `fatal:` line).
fn stop_message(run: &PlaybookRun) -> String {
    let out = output(run);
    let line = out
        .lines()
        .find(|l| l.starts_with("fatal:") && l.contains("Regal: "))
        .unwrap_or_else(|| panic!("no Regal stop message\n{}", run.report()));
    line[line.find("Regal: ").unwrap()..].to_string()
}

/// The hosts that the play recap books as failed.
fn failed_in_recap(run: &PlaybookRun) -> Vec<String> {
    let recap = run.stdout.split("PLAY RECAP").last().unwrap_or_default();
    (recap.lines())
        .filter(|l| l.contains("failed=") && !l.contains("failed=0"))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

fn assert_stopped(run: &PlaybookRun, batches: &[(String, u32, Vec<String>)]) {
    // README: 2 when a host failed or a gate stopped the rollout.
    assert_eq!(
        run.code,
        Some(2),
        "expected the rollout to stop\n{}",
        run.report()
    );
    assert_eq!(run.batches(), batches, "{}", run.report());
}

fn assert_contains(message: &str, parts: &[&str], run: &PlaybookRun) {
    for part in parts {
        assert!(
            message.contains(part),
            "{part:?} not in the stop message {message:?}\n{}",
            run.report()
        );
    }
}

#[test]
fn all_healthy_rolls_out_every_batch_and_bakes_between_batches() {
    let servers = servers(5);
    let marker = tempfile::tempdir().unwrap();
    let settings = format!(
        "{HTTP_CHECK}  - tcp: '{{{{ ansible_host }}}}:{{{{ health_port }}}}'\n    retries: 0\n  - command: 'test ! -e {}/{{{{ inventory_hostname }}}}.down'\n    retries: 0\nbake: 2\n",
        marker.path().display()
    );
    let s = Scenario::new("verify-healthy").with_strategy(&strategy(&settings, &servers));
    let run = s.run(&[]);
    assert!(run.success(), "{}", run.report());
    assert_eq!(
        run.batches(),
        [
            batch(0, &["h1"]),
            batch(1, &["h2", "h3"]),
            batch(2, &["h4", "h5"])
        ],
        "{}",
        run.report()
    );
    // Each host's checks reached its own server: the URL is templated per host.
    // Batches 0 and 1 are checked again during their bake; the last is not.
    for host in ["h1", "h2", "h3"] {
        assert!(servers[host].requests() >= 2, "{host}\n{}", run.report());
    }
    for host in ["h4", "h5"] {
        assert_eq!(servers[host].requests(), 1, "{host}\n{}", run.report());
    }
    // The bake holds the next batch back for its time.
    let first = |host: &str| run.evidence.iter().find(|e| e.host == host).unwrap().time;
    assert!(first("h2") - first("h1") >= 2.0, "{}", run.report());
    assert!(first("h4") - first("h2") >= 2.0, "{}", run.report());
}

#[test]
fn a_host_unhealthy_after_deploy_stops_the_rollout_after_its_batch() {
    let servers = servers(5);
    servers["h3"].set(503, "database unreachable");
    let s = Scenario::new("verify-unhealthy").with_strategy(&strategy(HTTP_CHECK, &servers));
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"]), batch(1, &["h2", "h3"])]);
    // retries: 1 -> two attempts.
    assert_eq!(servers["h3"].requests(), 2, "{}", run.report());
    assert_eq!(servers["h4"].requests() + servers["h5"].requests(), 0);
    let message = stop_message(&run);
    let url = format!("http://127.0.0.1:{}/health", servers["h3"].port);
    assert_contains(
        &message,
        &[
            "batch app_v1_0_batch1",
            "unhealthy after deploy",
            &format!("h3: http {url} -> status 503, body 'database unreachable'"),
            "--limit 'app_v1_0:!app_v1_0_batch0'",
        ],
        &run,
    );
    assert!(!message.contains("h2:"), "h2 is healthy: {message}");
    // Only the unhealthy host is booked as failed.
    assert_eq!(failed_in_recap(&run), ["h3"], "{}", run.report());

    // A body without the expected text is unhealthy too; every unhealthy
    // host of the batch is named.
    servers["h3"].set(200, "starting");
    servers["h2"].set(404, "no such page");
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"]), batch(1, &["h2", "h3"])]);
    assert_contains(
        &stop_message(&run),
        &[
            "h2: http",
            "status 404, body 'no such page'; h3: http",
            "status 200, the body does not contain 'ok', body 'starting'. ",
            "No host of a later batch was touched",
            "Resume from app_v1_0_batch1",
        ],
        &run,
    );
    assert_eq!(failed_in_recap(&run), ["h2", "h3"], "{}", run.report());
}

#[test]
fn a_host_unhealthy_during_the_bake_stops_the_rollout_before_the_confirmation() {
    let servers = servers(5);
    // Healthy for the check after deploy, then down.
    servers["h1"].switch_after(1, 500, "out of memory");
    let settings = format!("{HTTP_CHECK}bake: 3\nconfirm_after_canary: true\n");
    let s = Scenario::new("verify-bake").with_strategy(&strategy(&settings, &servers));
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"])]);
    assert_contains(
        &stop_message(&run),
        &[
            "batch app_v1_0_batch0",
            "unhealthy during the bake",
            "of 3 s",
            "h1: http",
            "status 500, body 'out of memory'",
            "--limit 'app_v1_0'",
        ],
        &run,
    );
    // The bake comes before the operator is asked (who would be refused here).
    assert!(
        !output(&run).contains("did not confirm"),
        "{}",
        run.report()
    );
    assert_eq!(servers["h2"].requests(), 0);
}

#[test]
fn tcp_and_command_checks_stop_the_rollout() {
    let servers = servers(5);
    let marker = tempfile::tempdir().unwrap();
    let closed = closed_port();
    // tcp: h1 (the canary) points at a port where nothing listens.
    let tcp = "verify:\n  - tcp: '127.0.0.1:{{ tcp_port | default(health_port) }}'\n    timeout: 1\n    retries: 0\n";
    let text = strategy(tcp, &servers).replace(
        &format!(
            "h1: {{ansible_host: 127.0.0.1, health_port: {}}}",
            servers["h1"].port
        ),
        &format!(
            "h1: {{ansible_host: 127.0.0.1, health_port: {}, tcp_port: {closed}}}",
            servers["h1"].port
        ),
    );
    let s = Scenario::new("verify-tcp").with_strategy(&text);
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"])]);
    assert_contains(
        &stop_message(&run),
        &[
            "batch app_v1_0_batch0",
            &format!("h1: tcp 127.0.0.1:{closed} -> "),
            "--limit 'app_v1_0'",
        ],
        &run,
    );

    // command: runs on the host; h2 has a marker that makes it fail, h3 one
    // that makes it hang past the check's timeout (which also covers the
    // module's start on the host: not too short on a busy machine).
    std::fs::write(marker.path().join("h2.down"), "").unwrap();
    std::fs::write(marker.path().join("h3.slow"), "").unwrap();
    let command = format!(
        "verify:\n  - command: 'cd {}; if test -e {{{{ inventory_hostname }}}}.down; then echo maintenance >&2; exit 3; fi; if test -e {{{{ inventory_hostname }}}}.slow; then sleep 30; fi'\n    timeout: 4\n    retries: 0\n",
        marker.path().display()
    );
    let s = Scenario::new("verify-command").with_strategy(&strategy(&command, &servers));
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"]), batch(1, &["h2", "h3"])]);
    assert_contains(
        &stop_message(&run),
        &[
            "batch app_v1_0_batch1",
            "h2: command `cd ",
            "-> exit code 3: 'maintenance'; h3: command `cd ",
            "-> Task failed: Timed out after 4 second(s). ",
            "--limit 'app_v1_0:!app_v1_0_batch0'",
        ],
        &run,
    );
}

#[test]
fn a_check_that_recovers_within_its_retries_passes() {
    let servers = servers(5);
    // Two failed attempts, then healthy: within 1 + 3 attempts.
    servers["h2"].set(503, "warming up");
    servers["h2"].switch_after(2, 200, "ok");
    let settings = "verify:\n  - http: 'http://127.0.0.1:{{ health_port }}/health'\n    retries: 3\n    delay: 1\n";
    let s = Scenario::new("verify-retries").with_strategy(&strategy(settings, &servers));
    let run = s.run(&[]);
    assert!(run.success(), "{}", run.report());
    assert_eq!(run.evidence.len(), 5, "{}", run.report());
    assert_eq!(servers["h2"].requests(), 3, "{}", run.report());

    // Not within them: one retry is too few.
    servers["h2"].set(503, "warming up");
    servers["h2"].switch_after(2, 200, "ok");
    let s = Scenario::new("verify-retries-short").with_strategy(&strategy(
        &settings.replace("retries: 3", "retries: 1"),
        &servers,
    ));
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"]), batch(1, &["h2", "h3"])]);
    assert_contains(&stop_message(&run), &["h2: http", "status 503"], &run);
}

#[test]
fn a_host_without_a_var_its_check_needs_fails_the_check() {
    let servers = servers(5);
    // h3 has no health_port: its URL cannot be rendered, which must stop the
    // rollout rather than skip the check.
    let text = strategy(HTTP_CHECK, &servers).replace(
        &format!(
            "h3: {{ansible_host: 127.0.0.1, health_port: {}}}",
            servers["h3"].port
        ),
        "h3: {ansible_host: 127.0.0.1}",
    );
    let s = Scenario::new("verify-undefined").with_strategy(&text);
    let run = s.run(&[]);
    assert_stopped(&run, &[batch(0, &["h1"]), batch(1, &["h2", "h3"])]);
    assert_contains(
        &stop_message(&run),
        &["h3: http check -> ", "health_port", "is undefined"],
        &run,
    );
}

/// Runs the binary on `strategy` with `args`; its stdout.
fn binary(strategy: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regal.yml");
    std::fs::write(&path, strategy).unwrap();
    let out = std::process::Command::new(support::BIN)
        .arg("--config")
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const TWO_VERSIONS: &str = "\
schedule: 1
combine: 2
verify:
  - http: 'http://{{ ansible_host | default(inventory_hostname) }}:{{ health_port }}/health'
    status: [200, 204]
    contains: ok
  - tcp: '{{ ansible_host }}:5432'
    retries: 0
bake: 30
versions:
  app-v1: a1, a2, a3
  app-v2:
    hosts: b1, b2
    verify:
      - command: systemctl is-active app
        timeout: 10
        delay: 5
    bake: 5
  app-v3:
    hosts: c1
    verify: []
    bake: 0
";

#[test]
fn the_inventory_carries_the_checks_once_per_version_group() {
    let inventory: serde_json::Value =
        serde_json::from_str(&binary(TWO_VERSIONS, &["--list"])).unwrap();
    let vars = |group: &str| inventory[group]["vars"].clone();
    assert_eq!(
        vars("app_v1")["regal_verify"],
        serde_json::json!([
            {"type": "http", "http": "http://{{ ansible_host | default(inventory_hostname) }}:{{ health_port }}/health",
             "status": [200, 204], "contains": "ok", "timeout": 5, "retries": 3, "delay": 2},
            {"type": "tcp", "tcp": "{{ ansible_host }}:5432", "timeout": 5, "retries": 0, "delay": 2},
        ])
    );
    assert_eq!(vars("app_v1")["regal_bake"], 30);
    assert_eq!(
        vars("app_v2")["regal_verify"],
        serde_json::json!([{"type": "command", "command": "systemctl is-active app", "timeout": 10, "retries": 3, "delay": 5}])
    );
    assert_eq!(vars("app_v2")["regal_bake"], 5);
    // Nothing for a version without checks, nor anywhere else: batch groups,
    // `all` and hosts carry no copy.
    let v3 = vars("app_v3");
    assert!(
        v3.get("regal_verify").is_none() && v3.get("regal_bake").is_none(),
        "{v3}"
    );
    let text = inventory.to_string();
    assert_eq!(text.matches("regal_verify").count(), 2, "{text}");
    assert_eq!(text.matches("bake_last").count(), 0, "{text}");
    let last = binary(&format!("{TWO_VERSIONS}bake_last: true\n"), &["--list"]);
    assert_eq!(
        last.matches("\"regal_bake_last\":true").count(),
        2,
        "{last}"
    );
}

#[test]
fn plan_shows_the_checks_and_the_bake_of_each_batch() {
    let text = binary(TWO_VERSIONS, &["plan"]);
    for line in [
        "   health checks on every host after each batch:\n    - http http://{{ ansible_host | default(inventory_hostname) }}:{{ health_port }}/health (status 200/204, contains 'ok', timeout 5 s, 3 retries every 2 s)\n    - tcp {{ ansible_host }}:5432 (timeout 5 s, 0 retries every 2 s)\n",
        "    - command systemctl is-active app (timeout 10 s, 3 retries every 5 s)\n",
        "      then check health (2 checks), then bake 30 s (keep checking)\n",
        "      then check health (1 check), then bake 5 s (keep checking)\n",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let plan: serde_json::Value =
        serde_json::from_str(&binary(TWO_VERSIONS, &["plan", "--format", "json"])).unwrap();
    let batches = |v: usize| -> Vec<(u64, u64)> {
        (plan["versions"][v]["batches"].as_array().unwrap().iter())
            .map(|b| {
                (
                    b["checks"].as_u64().unwrap(),
                    b["bake_after"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(batches(0), [(2, 30), (2, 30)]);
    assert_eq!(batches(1), [(1, 5), (1, 5)]);
    assert_eq!(batches(2), [(0, 0)]);
    assert_eq!(plan["versions"][1]["verify"][0]["type"], "command");
    assert!(plan["versions"][2].get("verify").is_none());
    // The last batch of the rollout is baked only with `bake_last`.
    let last_has_checks =
        TWO_VERSIONS.replace("    verify: []\n    bake: 0\n", "    bake_last: true\n");
    let plan: serde_json::Value =
        serde_json::from_str(&binary(&last_has_checks, &["plan", "--format", "json"])).unwrap();
    assert_eq!(plan["versions"][2]["batches"][0]["bake_after"], 30);
    let no_bake_last = TWO_VERSIONS.replace("    verify: []\n    bake: 0\n", "");
    let plan: serde_json::Value =
        serde_json::from_str(&binary(&no_bake_last, &["plan", "--format", "json"])).unwrap();
    assert_eq!(plan["versions"][2]["batches"][0]["bake_after"], 0);
    assert_eq!(plan["versions"][2]["batches"][0]["checks"], 2);
}

#[test]
fn bake_last_watches_the_last_batch_too() {
    let servers = servers(2);
    let text = format!(
        "batches: [1]\nvars: {{ansible_connection: local}}\n{HTTP_CHECK}bake: 2\nbake_last: true\nversions:\n  app-v1.0:\n    hosts:\n{}",
        hosts_yaml(&["h1", "h2"], &servers)
    );
    let s = Scenario::new("verify-bake-last").with_strategy(&text);
    let run = s.run(&[]);
    assert!(run.success(), "{}", run.report());
    assert_eq!(run.batches(), [batch(0, &["h1"]), batch(1, &["h2"])]);
    for host in ["h1", "h2"] {
        assert!(servers[host].requests() >= 2, "{host}\n{}", run.report());
    }
    let h2 = run.evidence.iter().find(|e| e.host == "h2").unwrap().time;
    assert!(run.finished_at - h2 >= 2.0, "{}", run.report());
}

#[test]
fn check_lists_every_problem_of_the_checks_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regal.yml");
    std::fs::write(
        &path,
        "\
verify:
  - retries: 2
  - tcp: db1:5432
    contains: ready
  - http: http://web1/health
    command: 'true'
versions:
  a: web1
  b:
    hosts: web2
    verify: []
    bake: 30
",
    )
    .unwrap();
    let out = std::process::Command::new(support::BIN)
        .arg("check")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let at = |place: &str| format!("{}:{place}: ", path.display());
    for line in [
        format!("{}a check needs one of `http: <url>`", at("2:5")),
        format!(
            "{}`contains:` only applies to http checks, not to a tcp check",
            at("4:5")
        ),
        format!("{}a check has both `http:` and `command:`", at("6:5")),
        format!(
            "{}`bake:` keeps checking a batch with its `verify:` checks, but version `b` has none",
            at("12:5")
        ),
    ] {
        assert!(stderr.contains(&line), "{line:?} not in\n{stderr}");
    }
    let summary = format!("4 problems in {}\n", path.display());
    assert!(stderr.ends_with(&summary), "{stderr}");
}

/// Hosts and their `health_port` from an INI file, batched by the `regal`
/// inventory plugin (`hosts_from`): the checks' templates are rendered with
/// vars regal-inventory never saw.
#[test]
fn checks_render_the_vars_of_hosts_from_other_sources_through_the_plugin() {
    let servers = servers(3);
    servers["h3"].set(503, "draining");
    let mut s = Scenario::new("verify-plugin");
    s.inventory = s.dir.join("hosts.ini");
    let ini: String = ["h1", "h2", "h3"]
        .iter()
        .map(|h| {
            format!(
                "{h} ansible_host=127.0.0.1 health_port={}\n",
                servers[*h].port
            )
        })
        .collect();
    std::fs::write(
        &s.inventory,
        format!("[web]\n{ini}\n[all:vars]\nansible_connection=local\n"),
    )
    .unwrap();
    std::fs::write(
        s.dir.join("regal.yml"),
        format!(
            "schedule: 1\ncombine: 1\n{HTTP_CHECK}versions:\n  app-v1.0:\n    hosts_from: web\n"
        ),
    )
    .unwrap();
    let plugin = s.dir.join("rollout.regal.yml");
    std::fs::write(
        &plugin,
        format!(
            "plugin: regal\nstrategy: regal.yml\nbinary: {}\n",
            support::BIN
        ),
    )
    .unwrap();
    let run = s.run(&["-i", &plugin.display().to_string()]);
    assert_stopped(
        &run,
        &[batch(0, &["h1"]), batch(1, &["h2"]), batch(2, &["h3"])],
    );
    assert!(servers["h1"].requests() >= 1 && servers["h2"].requests() >= 1);
    let url = format!("http://127.0.0.1:{}/health", servers["h3"].port);
    assert_contains(&stop_message(&run), &[&format!("h3: http {url}")], &run);
}
