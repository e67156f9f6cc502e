//! The operator commands end to end: `plan` (and `--resume-from`), `check`,
//! `schema`, `completions`, `--version`, and `--external-hosts` with `hosts_from`.

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A strategy in a fresh directory, and the binary run there.
struct Case {
    dir: tempfile::TempDir,
}

fn strategy(yaml: &str) -> Case {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regal.yml"), yaml).unwrap();
    Case { dir }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Case {
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Out {
        let out = Command::cargo_bin("regal-inventory")
            .unwrap()
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("REGAL_CONFIG")
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Success: stdout, and nothing on stderr.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "{args:?} failed: {}", out.stderr);
        assert_eq!(out.stderr, "", "stderr must stay silent on success");
        out.stdout
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    /// Failure with `code`: stderr, and nothing on stdout.
    fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, code, "{args:?}: stderr {}", out.stderr);
        assert_eq!(out.stdout, "", "nothing may reach stdout on failure");
        assert!(!out.stderr.is_empty());
        out.stderr
    }
}

const ROLLOUT: &str = "\
schedule: 1
combine: 2
priority: app-v2.0
pause_after_canary: 30
confirm_after_canary: true
versions:
  app-v1.0: [a1, a2, a3]
  app-v2.0:
    hosts: web[01:06]
    exclude: [web06]
";

// ---- plan --------------------------------------------------------------------

#[test]
fn plan_shows_versions_in_rollout_order_with_batches_and_marks() {
    let text = strategy(ROLLOUT).ok(&["plan"]);
    let expected = "\
Rollout of regal.yml: 2 versions, 8 hosts in 5 batches, 1 excluded

1. app-v2.0 (group app_v2_0, 5 hosts, 3 batches)
   batch 0   canary  1 host   1/5  20%  app_v2_0_batch0
      web01
      then pause 30 s, then ask the operator to confirm
   batch 1           2 hosts  3/5  60%  app_v2_0_batch1
      web02, web03
   batch 2           2 hosts  5/5 100%  app_v2_0_batch2
      web04, web05

2. app-v1.0 (group app_v1_0, 3 hosts, 2 batches)
   batch 0   canary  1 host   1/3  33%  app_v1_0_batch0
      a1
      then pause 30 s, then ask the operator to confirm
   batch 1           2 hosts  3/3 100%  app_v1_0_batch1
      a2, a3

Excluded (never rolled out):
   app_v2_0_excluded (1 host): web06
";
    assert_eq!(text, expected);
}

#[test]
fn plan_shortens_long_host_lists() {
    let case = strategy("schedule: 1\ncombine: 50\nversions:\n  v: h[1:40]\n");
    let text = case.ok(&["plan", "--max-hosts", "3"]);
    assert!(
        text.contains("      h2, h3, h4 ... and 36 more\n"),
        "{text}"
    );
    let all = case.ok(&["plan", "--max-hosts", "0"]);
    assert!(all.contains("h39, h40\n"), "{all}");
}

#[test]
fn plan_colours_only_when_asked_or_on_a_terminal_without_no_color() {
    let case = strategy(ROLLOUT);
    assert!(
        !case.ok(&["plan"]).contains('\x1b'),
        "a pipe gets no colour"
    );
    assert!(
        case.ok(&["plan", "--color", "always"])
            .contains("\x1b[36mapp_v2_0_batch0\x1b[0m")
    );

    let config = case.path().join("regal.yml");
    let run = |env: &regal_inventory::cli::Env| {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = [
            "regal-inventory",
            "plan",
            "--config",
            config.to_str().unwrap(),
        ];
        assert_eq!(regal_inventory::cli::run(args, env, &mut out, &mut err), 0);
        String::from_utf8(out).unwrap()
    };
    let terminal = regal_inventory::cli::Env {
        stdout_is_terminal: true,
        ..Default::default()
    };
    assert!(run(&terminal).contains('\x1b'));
    let no_color = regal_inventory::cli::Env {
        no_color: true,
        ..terminal
    };
    assert!(!run(&no_color).contains('\x1b'));
}

#[test]
fn plan_as_json() {
    let plan = strategy(ROLLOUT).json(&["plan", "--format", "json"]);
    assert_eq!(
        plan["summary"],
        json!({"versions": 2, "hosts": 8, "batches": 5, "excluded": 1})
    );
    assert_eq!(plan["versions"][0]["name"], json!("app-v2.0"));
    assert_eq!(
        plan["versions"][0]["batches"][0],
        json!({
            "index": 0, "group": "app_v2_0_batch0", "size": 1, "done": 1, "progress": 20,
            "canary": true, "pause_after": 30, "confirm_after": true, "checks": 0, "bake_after": 0,
            "hosts": ["web01"]
        })
    );
    // The rollout never waits after its very last batch.
    assert_eq!(plan["versions"][1]["batches"][1]["pause_after"], json!(0));
    assert_eq!(
        plan["excluded"],
        json!([{"version": "app-v2.0", "group": "app_v2_0_excluded", "hosts": ["web06"]}])
    );
}

#[test]
fn config_goes_before_or_after_the_command() {
    let case = strategy("versions: {v: a}\n");
    std::fs::create_dir(case.path().join("sub")).unwrap();
    std::fs::rename(case.path().join("regal.yml"), case.path().join("sub/s.yml")).unwrap();
    let before = case.ok(&["--config", "sub/s.yml", "plan"]);
    let after = case.ok(&["plan", "--config", "sub/s.yml"]);
    assert_eq!(before, after);
    assert!(
        before.starts_with("Rollout of sub/s.yml: 1 version"),
        "{before}"
    );
}

#[test]
fn plan_of_an_invalid_strategy_fails() {
    let err = strategy("versions: {v: [a, a]}\n").fails(1, &["plan"]);
    assert!(
        err.contains("regal.yml:1:19: host `a` is listed twice"),
        "{err}"
    );
}

// ---- plan --resume-from ---------------------------------------------------------

#[test]
fn resume_prints_the_limit_and_the_command() {
    let case = strategy(ROLLOUT);
    let text = case.ok(&["plan", "--resume-from", "app_v2_0_batch2"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "--limit 'app_v2_0:app_v1_0:!app_v2_0_batch0:!app_v2_0_batch1'"
    );
    let config = std::path::absolute(case.path().join("regal.yml")).unwrap();
    assert!(
        lines[1].starts_with(&format!(
            "REGAL_CONFIG={} ansible-playbook -i ",
            config.display()
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with(
            " playbooks/rollout.yml --limit 'app_v2_0:app_v1_0:!app_v2_0_batch0:!app_v2_0_batch1'"
        ),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn resume_in_a_later_version_leaves_the_earlier_ones_out() {
    let resume = strategy(ROLLOUT).json(&[
        "plan",
        "--resume-from",
        "app_v1_0_batch1",
        "--format",
        "json",
        "--inventory",
        "inventory/regal.plugin.yml",
        "--playbook",
        "site/rollout.yml",
    ]);
    assert_eq!(
        resume,
        json!({
            "resume_from": "app_v1_0_batch1",
            "version": "app-v1.0",
            "batch": 1,
            "limit": "app_v1_0:!app_v1_0_batch0",
            "done": ["app_v2_0_batch0", "app_v2_0_batch1", "app_v2_0_batch2", "app_v1_0_batch0"],
            "remaining": ["app_v1_0_batch1"],
            "command": "ansible-playbook -i inventory/regal.plugin.yml site/rollout.yml --limit 'app_v1_0:!app_v1_0_batch0'"
        })
    );
}

#[test]
fn resume_from_an_unknown_group_is_a_usage_error() {
    let err = strategy(ROLLOUT).fails(2, &["plan", "--resume-from", "app_v1_0_batch7"]);
    assert!(
        err.starts_with("regal-inventory: `app_v1_0_batch7` is not a batch group or version group of this rollout; resume from one of `app_v2_0_batch0`"),
        "{err}"
    );
}

#[test]
fn inventory_without_resume_from_is_a_usage_error() {
    let err = strategy(ROLLOUT).fails(2, &["plan", "--inventory", "x"]);
    assert!(err.contains("--resume-from"), "{err}");
}

// ---- check -----------------------------------------------------------------------

#[test]
fn check_prints_a_summary() {
    let out = strategy(ROLLOUT).ok(&["check"]);
    assert_eq!(
        out,
        "regal.yml: ok: 2 versions, 8 hosts in 5 batches, 1 excluded\n"
    );
}

#[test]
fn check_prints_every_problem_with_its_position() {
    let yaml = "\
priority: [nope]
versions:
  app-v1: [a, b]
  app-v2:
    hosts: [b, c]
    exclude: [zz]
";
    let err = strategy(yaml).fails(1, &["check"]);
    assert_eq!(
        err,
        "\
regal.yml:1:12: priority names `nope`, which is not a version; use one of `app-v1`, `app-v2`
regal.yml:5:13: host `b` is listed in version `app-v1` at line 3 column 15 and again here in version `app-v2`; a host can run only one version, keep one
regal.yml:6:15: exclude entry `zz` matches no host of version `app-v2`; fix the name (a typo here would deploy to the host you meant to skip)
regal-inventory: 3 problems in regal.yml
"
    );
}

#[test]
fn check_reports_a_yaml_error_at_its_position() {
    let err = strategy("versions:\n  v: [a\n").fails(1, &["check"]);
    let first = err.lines().next().unwrap();
    assert!(first.starts_with("regal.yml:"), "{err}");
    assert!(
        err.ends_with("regal-inventory: 1 problem in regal.yml\n"),
        "{err}"
    );
}

#[test]
fn check_of_a_missing_file_fails() {
    let err = strategy("versions: {v: a}\n").fails(1, &["check", "--config", "nope.yml"]);
    assert!(
        err.contains("nope.yml: cannot read the strategy file"),
        "{err}"
    );
}

#[test]
fn check_leaves_hosts_from_to_the_plugin_unless_given_hosts() {
    let yaml = "versions:\n  v1: [a]\n  v2:\n    hosts_from: web:!canary\n    exclude: [web9]\n";
    let case = strategy(yaml);
    let out = case.ok(&["check"]);
    assert_eq!(
        out,
        "regal.yml: ok: 2 versions, 1 host in 1 batch; the hosts of 1 version(s) with `hosts_from` are not checked (pass --external-hosts FILE)\n"
    );
    case.file(
        "hosts.json",
        r#"{"groups": {"web": ["web1", "web9", "web2"], "canary": ["web2"]}}"#,
    );
    let out = case.ok(&["check", "--external-hosts", "hosts.json"]);
    assert_eq!(
        out,
        "regal.yml: ok: 2 versions, 2 hosts in 2 batches, 1 excluded\n"
    );
}

// ---- --external-hosts and hosts_from ----------------------------------------------

const EXTERNAL: &str = r#"{
  "groups": {
    "all": ["web3", "web1", "web2", "db1"],
    "web": ["web3", "web1", "web2"],
    "db": ["db1"],
    "canary": ["web1"]
  },
  "hostvars": {"web3": {"zone": "a", "color": "blue"}, "web1": {"zone": "b"}, "web2": {"zone": "a"}, "db1": {}}
}"#;

#[test]
fn hosts_from_takes_external_hosts_in_their_order_without_their_vars() {
    let case =
        strategy("combine: 2\nversions:\n  app:\n    hosts_from: web:!canary:db\n  tools: [t1]\n");
    case.file("hosts.json", EXTERNAL);
    let inv = case.json(&["--list", "--external-hosts", "hosts.json"]);
    assert_eq!(inv["app_batch0"]["hosts"], json!(["web3"]));
    assert_eq!(inv["app_batch1"]["hosts"], json!(["web2", "db1"]));
    // Their vars stay with the source that defined them.
    assert_eq!(inv["_meta"]["hostvars"]["web3"], json!({}));
    assert_eq!(inv["tools_batch0"]["hosts"], json!(["t1"]));
    let host = case.json(&["--host", "web3", "--external-hosts", "hosts.json"]);
    assert_eq!(host, json!({}));
}

#[test]
fn external_vars_label_failure_domains() {
    let case = strategy("combine: 2\nversions:\n  app:\n    hosts_from: web\n    spread: zone\n");
    case.file("hosts.json", EXTERNAL);
    let inv = case.json(&["--list", "--external-hosts", "hosts.json"]);
    // web3 (a), web1 (b), web2 (a): round-robin over zones a, b.
    assert_eq!(inv["app_batch0"]["hosts"], json!(["web3"]));
    assert_eq!(inv["app_batch1"]["hosts"], json!(["web1", "web2"]));

    let case = strategy("versions:\n  app:\n    hosts_from: all\n    spread: zone\n");
    case.file("hosts.json", EXTERNAL);
    let err = case.fails(1, &["--list", "--external-hosts", "hosts.json"]);
    assert!(
        err.contains("host `db1` (from `hosts_from`) has no `zone` var"),
        "{err}"
    );
}

#[test]
fn hosts_from_without_external_hosts_fails() {
    let err = strategy("versions:\n  app:\n    hosts_from: web\n").fails(1, &["--list"]);
    assert!(
        err.contains("regal.yml:3:17: version `app` takes its hosts with `hosts_from`")
            && err.contains("--external-hosts"),
        "{err}"
    );
}

#[test]
fn hosts_from_problems() {
    let check = |yaml: &str, needle: &str| {
        let case = strategy(yaml);
        case.file("hosts.json", EXTERNAL);
        let err = case.fails(1, &["check", "--external-hosts", "hosts.json"]);
        assert!(err.contains(needle), "{err}");
    };
    check(
        "versions:\n  app:\n    hosts_from: web:!canry\n",
        "regal.yml:3:17: `!canry` in `hosts_from: web:!canry` of version `app` names no group or host",
    );
    check(
        "versions:\n  app:\n    hosts_from: web::db\n",
        "`hosts_from: web::db` of version `app` has an empty part",
    );
    check(
        "versions:\n  app:\n    hosts_from: web:&db\n",
        "`hosts_from: web:&db` of version `app` matches no host",
    );
    check(
        "versions:\n  app:\n    hosts: [x]\n    hosts_from: web\n",
        "version `app` has both `hosts` and `hosts_from`",
    );
    check(
        "versions:\n  old: [web1]\n  app:\n    hosts_from: web\n",
        "host `web1` is listed in version `old` at line 2 column 9 and again here in version `app`",
    );
}

#[test]
fn unreadable_external_hosts_fail() {
    let case = strategy("versions:\n  app:\n    hosts_from: web\n");
    let err = case.fails(1, &["--list", "--external-hosts", "missing.json"]);
    assert!(
        err.starts_with("regal-inventory: missing.json: cannot use the external hosts:"),
        "{err}"
    );
    case.file("bad.json", r#"{"groups": {"web": "web1"}}"#);
    let err = case.fails(1, &["--list", "--external-hosts", "bad.json"]);
    assert!(
        err.contains("bad.json: cannot use the external hosts: invalid type"),
        "{err}"
    );
}

#[test]
fn external_hosts_must_be_an_object() {
    let case = strategy("versions:\n  app:\n    hosts_from: web\n");
    // serde would read `[]` as no hosts, and `[{...}]` as the groups.
    for (file, json) in [
        ("empty-array.json", "[]"),
        ("array.json", r#"[{"web": ["web1"]}]"#),
        ("null.json", "null"),
        ("two.json", r#"{"groups": {"web": ["web1"]}} {}"#),
    ] {
        case.file(file, json);
        let err = case.fails(1, &["--list", "--external-hosts", file]);
        assert!(
            err.starts_with(&format!(
                "regal-inventory: {file}: cannot use the external hosts: "
            )),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let err = case.fails(1, &["check", "--external-hosts", "empty-array.json"]);
    assert!(
        err.contains("empty-array.json: cannot use the external hosts: it holds a JSON array, where one JSON object is needed;"),
        "{err}"
    );
    case.file("web.json", r#" {"groups": {"web": ["web1"]}} "#);
    let inv = case.json(&["--list", "--external-hosts", "web.json"]);
    assert_eq!(inv["app_batch0"]["hosts"], json!(["web1"]));
}

/// Ansible refuses an empty host name: an inventory naming host "" would fail
/// to parse, and a failing script inventory only warns.
#[test]
fn external_hosts_with_an_empty_host_name_are_refused() {
    let case = strategy("versions:\n  app:\n    hosts_from: web\n");
    for (file, json, why) in [
        (
            "group.json",
            r#"{"groups": {"web": ["web1", ""]}}"#,
            "group `web` lists an empty host name",
        ),
        (
            "hostvars.json",
            r#"{"groups": {"web": ["web1"]}, "hostvars": {"": {}}}"#,
            "`hostvars` has an empty host name",
        ),
    ] {
        case.file(file, json);
        for mode in [&["--list"][..], &["check"]] {
            let args = [mode, &["--external-hosts", file]].concat();
            let err = case.fails(1, &args);
            assert!(
                err.starts_with(&format!(
                    "regal-inventory: {file}: cannot use the external hosts: {why}"
                )),
                "{err}"
            );
        }
    }
}

// ---- schema, completions, version, usage -------------------------------------------

#[test]
fn schema_is_json_schema_of_the_strategy() {
    let schema = strategy("").json(&["schema"]);
    assert_eq!(
        schema["$schema"],
        json!("https://json-schema.org/draft/2020-12/schema")
    );
    assert_eq!(schema["required"], json!(["versions"]));
    assert_eq!(schema["additionalProperties"], json!(false));
    assert!(schema["properties"]["schedule"]["description"].is_string());
}

#[test]
fn completions_for_each_shell() {
    let case = strategy("");
    for shell in ["bash", "zsh", "fish"] {
        let script = case.ok(&["completions", shell]);
        assert!(script.contains("regal-inventory"), "{shell}");
        assert!(script.contains("resume-from"), "{shell}: {script}");
    }
    let err = case.fails(2, &["completions", "tcsh"]);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}

#[test]
fn version_flag() {
    let out = strategy("").ok(&["--version"]);
    assert_eq!(
        out,
        format!("regal-inventory {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn list_does_not_go_with_a_command() {
    let case = strategy("versions: {v: a}\n");
    let err = case.fails(2, &["--list", "plan"]);
    assert!(err.contains("run them without a command"), "{err}");
    case.fails(2, &["check", "--list"]);
    // Ansible's own call is unchanged.
    assert_eq!(case.json(&["--list"])["v_batch0"]["hosts"], json!(["a"]));
}

#[test]
fn plan_names_the_pattern_of_external_hosts() {
    let case = strategy("combine: 2\nversions:\n  app:\n    hosts_from: web:!canary\n");
    case.file("hosts.json", EXTERNAL);
    let text = case.ok(&["plan", "--external-hosts", "hosts.json"]);
    assert!(
        text.contains("1. app (group app, 2 hosts from `web:!canary`, 2 batches)\n"),
        "{text}"
    );
    let err = case.fails(1, &["plan"]);
    assert!(err.contains("pass --external-hosts FILE"), "{err}");
}

/// Labels of hosts from earlier sources are their values' text as the plugin
/// passes them: `true` and `"true"`, `1.1` and `"1.1"` are separate domains.
#[test]
fn external_labels_keep_a_string_apart_from_a_value_written_alike() {
    let case = strategy(
        "schedule: 10\ncombine: 10\nversions:\n  app:\n    hosts_from: all\n    domain_at_a_time: zone\n",
    );
    case.file(
        "hosts.json",
        r#"{"hostvars": {"h1": {"zone": true}, "h2": {"zone": "true"}, "h3": {"zone": 1.1}, "h4": {"zone": "1.1"}, "h5": {"zone": 1.1}}}"#,
    );
    let inv = case.json(&["--list", "--external-hosts", "hosts.json"]);
    assert_eq!(inv["app_batch0"]["hosts"], json!(["h1"]));
    assert_eq!(inv["app_batch1"]["hosts"], json!(["h2"]));
    assert_eq!(inv["app_batch2"]["hosts"], json!(["h3", "h5"]));
    assert_eq!(inv["app_batch3"]["hosts"], json!(["h4"]));
}
