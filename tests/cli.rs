//! The binary end to end: every mode, every kind of bad input.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

/// One run of the binary in a fresh directory holding `regal.yml`.
struct Case {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    program: PathBuf,
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn strategy(yaml: &str) -> Case {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regal.yml"), yaml).unwrap();
    Case {
        dir,
        args: vec!["--list".into()],
        env: Vec::new(),
        program: PathBuf::from(BIN),
    }
}

impl Case {
    fn args(mut self, args: &[&str]) -> Case {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }

    fn env(mut self, key: &str, value: &str) -> Case {
        self.env.push((key.into(), value.into()));
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self) -> Output {
        let output = Command::new(&self.program)
            .args(&self.args)
            .current_dir(self.dir.path())
            .env_remove("REGAL_CONFIG")
            .envs(self.env.iter().cloned())
            .output()
            .unwrap();
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    /// Runs and expects success: JSON on stdout, nothing on stderr.
    fn json(&self) -> Value {
        let out = self.run();
        assert_eq!(out.code, 0, "stderr: {}", out.stderr);
        assert_eq!(out.stderr, "", "stderr must stay silent on success");
        serde_json::from_str(&out.stdout).unwrap()
    }

    /// Runs and expects one error line on stderr containing `needle`, nothing on stdout.
    fn fails_with(&self, needle: &str) -> String {
        let out = self.run();
        assert_ne!(out.code, 0, "expected a failure, got stdout {}", out.stdout);
        assert_eq!(out.stdout, "", "nothing may reach stdout on failure");
        assert!(
            out.stderr.contains(needle),
            "stderr {:?} does not contain {needle:?}",
            out.stderr
        );
        assert_eq!(
            out.stderr.trim_end().lines().count(),
            1,
            "one message: {}",
            out.stderr
        );
        out.stderr
    }
}

/// Batch group name -> hosts, in key order.
fn batches(inventory: &Value) -> Vec<(String, Vec<String>)> {
    inventory
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| name.contains("_batch"))
        .map(|(name, group)| {
            let hosts = group["hosts"].as_array().unwrap();
            (
                name.clone(),
                hosts
                    .iter()
                    .map(|h| h.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn hosts_of(inventory: &Value) -> Vec<Vec<String>> {
    batches(inventory)
        .into_iter()
        .map(|(_, hosts)| hosts)
        .collect()
}

// ---- the inventory layout ----------------------------------------------------

#[test]
fn regal_readme_example_with_combine_two() {
    let inv = strategy("combine: 2\nversions:\n  app-test-version1.0: 10.1.1.1,10.1.1.2,10.1.1.3,10.1.1.4,10.1.1.1.5\n").json();
    assert_eq!(
        hosts_of(&inv),
        [
            vec!["10.1.1.1"],
            vec!["10.1.1.2", "10.1.1.3"],
            vec!["10.1.1.4", "10.1.1.1.5"]
        ]
    );
}

#[test]
fn groups_vars_and_key_order() {
    let inv = strategy(
        "schedule: 1\ncombine: 2\npriority: [app-v2.0]\nvars: {ansible_user: deploy}\nversions:\n  app-v1.0: a1,a2,a3\n  app-v2.0: [b1, b2]\n",
    )
    .json();
    let keys: Vec<&str> = inv
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "all",
            "app_v2_0",
            "app_v2_0_batch0",
            "app_v2_0_batch1",
            "app_v1_0",
            "app_v1_0_batch0",
            "app_v1_0_batch1",
            "_meta"
        ]
    );
    assert_eq!(
        inv["all"],
        json!({"children": ["app_v2_0", "app_v1_0"], "vars": {"ansible_user": "deploy", "regal_versions": ["app_v2_0", "app_v1_0"], "regal_excluded_count": 0}})
    );
    assert_eq!(
        inv["app_v1_0"],
        json!({"children": ["app_v1_0_batch0", "app_v1_0_batch1"], "vars": {"regal_version": "app-v1.0"}})
    );
    assert_eq!(
        inv["app_v1_0_batch1"],
        json!({"hosts": ["a2", "a3"], "vars": {"regal_batch": 1, "regal_batch_group": "app_v1_0_batch1", "regal_batch_count": 2, "regal_canary": false, "regal_progress": 100}})
    );
    assert_eq!(inv["app_v2_0_batch0"]["vars"]["regal_canary"], json!(true));
    let hostvars = inv["_meta"]["hostvars"].as_object().unwrap();
    assert_eq!(
        hostvars.keys().collect::<Vec<_>>(),
        ["b1", "b2", "a1", "a2", "a3"]
    );
    assert!(hostvars.values().all(|v| v == &json!({})));
}

#[test]
fn version_body_with_host_vars_group_and_overrides() {
    let inv = strategy(
        "combine: 1\nversions:\n  app-v3.0:\n    hosts:\n      - 10.1.2.1\n      - web7.example.com: {ansible_host: 10.1.2.7}\n      - 10.1.2.3\n    schedule: 2\n    combine: 3\n    group: app_v3\n    vars: {ansible_user: deploy}\n",
    )
    .json();
    assert_eq!(
        batches(&inv),
        [
            (
                "app_v3_batch0".to_string(),
                vec!["10.1.2.1".to_string(), "web7.example.com".to_string()]
            ),
            ("app_v3_batch1".to_string(), vec!["10.1.2.3".to_string()])
        ]
    );
    assert_eq!(inv["app_v3"]["vars"]["ansible_user"], json!("deploy"));
    assert_eq!(
        inv["_meta"]["hostvars"]["web7.example.com"],
        json!({"ansible_host": "10.1.2.7"})
    );
}

#[test]
fn names_are_kept_as_written() {
    let inv = strategy("versions:\n  1.10: [on, 1.10, 0x1F, true, 007]\n  yes: ' spaced , out '\n")
        .json();
    assert_eq!(inv["all"]["children"], json!(["_1_10", "yes"]));
    assert_eq!(inv["_1_10"]["vars"]["regal_version"], json!("1.10"));
    let hosts: Vec<&String> = inv["_meta"]["hostvars"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        hosts,
        ["on", "1.10", "0x1F", "true", "007", "spaced", "out"]
    );
}

#[test]
fn schedule_larger_than_the_fleet_gives_one_batch() {
    let inv = strategy("schedule: 5\nversions:\n  v: a,b,c\n").json();
    assert_eq!(hosts_of(&inv), [vec!["a", "b", "c"]]);
}

#[test]
fn thousands_of_batches() {
    let hosts: Vec<String> = (0..5000).map(|i| format!("h{i}")).collect();
    let inv = strategy(&format!("versions:\n  v: {}\n", hosts.join(","))).json();
    let all = batches(&inv);
    assert_eq!(all.len(), 5000);
    assert_eq!(all[4999].0, "v_batch4999");
}

#[test]
fn host_mode_prints_one_hosts_vars() {
    let case = strategy("versions:\n  v: [a, b: {ansible_port: 2222}]\n");
    let out = case.args(&["--host", "b"]).run();
    assert_eq!(
        (out.code, out.stdout.trim(), out.stderr.as_str()),
        (0, r#"{"ansible_port":2222}"#, "")
    );
    let case = strategy("versions:\n  v: [a]\n");
    assert_eq!(case.args(&["--host", "nope"]).run().stdout.trim(), "{}");
}

#[test]
fn output_is_deterministic() {
    let yaml = "order: hash\nsalt: s\ncombine: 3\nversions:\n  a: \"h[1:40]\"\n  b: \"g[1:9]\"\n";
    let first = strategy(yaml).run().stdout;
    let second = strategy(yaml).run().stdout;
    assert!(!first.is_empty());
    assert_eq!(first, second);
}

#[test]
fn usage_error_without_a_mode() {
    let out = strategy("versions: {v: a}\n").args(&[]).run();
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("--list"), "{}", out.stderr);
    let out = strategy("versions: {v: a}\n")
        .args(&["--list", "--host", "a"])
        .run();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
}

// ---- finding the strategy file ----------------------------------------------

#[test]
fn config_flag_then_env_then_next_to_executable_then_cwd() {
    let case = strategy("versions: {cwd: a}\n");
    std::fs::write(case.path("flag.yml"), "versions: {flag: a}\n").unwrap();
    std::fs::write(case.path("env.yml"), "versions: {env: a}\n").unwrap();
    let first_version = |c: &Case| c.json()["all"]["children"][0].as_str().unwrap().to_string();

    assert_eq!(first_version(&case), "cwd");
    let case = case.env("REGAL_CONFIG", "env.yml");
    assert_eq!(first_version(&case), "env");
    let case = case.args(&["--list", "--config", "flag.yml"]);
    assert_eq!(first_version(&case), "flag");
}

#[test]
fn strategy_next_to_a_symlinked_executable() {
    let mut case = strategy("versions: {cwd: a}\n");
    let inventory_dir = case.path("inventory");
    std::fs::create_dir(&inventory_dir).unwrap();
    std::fs::write(inventory_dir.join("regal.yml"), "versions: {beside: a}\n").unwrap();
    std::os::unix::fs::symlink(BIN, inventory_dir.join("regal-inventory")).unwrap();
    case.program = inventory_dir.join("regal-inventory");
    assert_eq!(case.json()["all"]["children"], json!(["beside"]));
}

#[test]
fn missing_strategy_lists_the_places_tried() {
    let case = strategy("versions: {v: a}\n");
    std::fs::remove_file(case.path("regal.yml")).unwrap();
    let err = case.fails_with("no strategy file found");
    assert!(err.contains("regal.yml"), "{err}");
    strategy("")
        .env("REGAL_CONFIG", "/nonexistent/regal.yml")
        .fails_with("/nonexistent/regal.yml");
}

// ---- bad input: file:line:col and what to change --------------------------------

/// (yaml, expected "regal.yml:line:col", expected words)
const BAD: &[(&str, &str, &str)] = &[
    (
        "versions: {a: x\n",
        "regal.yml:2:1",
        "did not find expected",
    ),
    (
        "- a\n- b\n",
        "regal.yml:1:1",
        "expected a mapping with a `versions:` key",
    ),
    ("", "regal.yml", "the file is empty"),
    (
        "schedul: 1\nversions: {a: x}\n",
        "regal.yml:1:1",
        "unknown key `schedul`, expected one of `versions`",
    ),
    (
        "versions:\n  a:\n    hosts: x\n    combin: 2\n",
        "regal.yml:4:5",
        "unknown key `combin`",
    ),
    ("schedule: 1\n", "regal.yml:1:1", "missing key `versions`"),
    ("versions: {}\n", "regal.yml:1:1", "`versions` is empty"),
    (
        "versions:\n  a: []\n",
        "regal.yml:2:3",
        "version `a` has no hosts",
    ),
    (
        "versions:\n  a:\n",
        "regal.yml:2:3",
        "version `a` has no hosts",
    ),
    (
        "versions:\n  a: {hosts: ''}\n",
        "regal.yml:2:3",
        "version `a` has no hosts",
    ),
    (
        "versions:\n  a: x,,y\n",
        "regal.yml:2:8",
        "empty host entry in `x,,y`",
    ),
    (
        "versions:\n  a: [x, ~]\n",
        "regal.yml:2:10",
        "`~` is read by YAML as null, not as a host name",
    ),
    (
        "versions:\n  a:\n    - x\n    -\n",
        "regal.yml:4:6",
        "empty host entry; remove the extra comma or blank item",
    ),
    (
        "versions:\n  a: [x, 'b c']\n",
        "regal.yml:2:10",
        "host `b c` contains whitespace",
    ),
    (
        "versions:\n  a: ['{{ lookup(\"pipe\", \"id\") }}']\n",
        "regal.yml:2:7",
        "Jinja marker",
    ),
    ("versions:\n  a: x,y{%z\n", "regal.yml:2:8", "Jinja marker"),
    (
        "versions:\n  a: [x, 'y{#']\n",
        "regal.yml:2:10",
        "Jinja marker",
    ),
    (
        "versions:\n  a: [x, y, x]\n",
        "regal.yml:2:13",
        "host `x` is listed twice in version `a`",
    ),
    (
        "versions:\n  a: [x]\n  b:\n    hosts: [y, x]\n",
        "regal.yml:4:16",
        "host `x` is listed in version `a` at line 2 column 7 and again here in version `b`",
    ),
    (
        "schedule: 0\nversions: {a: x}\n",
        "regal.yml:1:11",
        "a batch size of 0",
    ),
    (
        "combine: -1\nversions: {a: x}\n",
        "regal.yml:1:10",
        "cannot be negative",
    ),
    (
        "combine: 1.5\nversions: {a: x}\n",
        "regal.yml:1:10",
        "whole number",
    ),
    (
        "schedule: two\nversions: {a: x}\n",
        "regal.yml:1:11",
        "`two` is not a batch size",
    ),
    (
        "versions:\n  a:\n    hosts: x\n    schedule: 0\n",
        "regal.yml:4:15",
        "a batch size of 0",
    ),
    (
        "priority: [b]\nversions: {a: x}\n",
        "regal.yml:1:12",
        "priority names `b`, which is not a version; use one of `a`",
    ),
    (
        "priority: v1\nversions: {v1.1: x}\n",
        "regal.yml:1:11",
        "priority names `v1`",
    ),
    (
        "priority: [a, a]\nversions: {a: x}\n",
        "regal.yml:1:15",
        "priority lists `a` twice",
    ),
    (
        "versions:\n  a-b: x\n  a_b: y\n",
        "regal.yml:3:3",
        "both need the Ansible group `a_b`; give one of them another name with `group:`",
    ),
    (
        "versions:\n  a: x\n  a_batch0: y\n",
        "regal.yml:3:3",
        "Ansible group `a_batch0`",
    ),
    ("versions:\n  all: x\n", "regal.yml:2:3", "reserved"),
    (
        "versions:\n  a: {hosts: x, group: 9lives}\n",
        "regal.yml:2:24",
        "group name `9lives` is not a valid Ansible group name",
    ),
    (
        "versions:\n  a: {hosts: x, group: 'a-b'}\n",
        "regal.yml:2:24",
        "not a valid Ansible group name",
    ),
    (
        "versions:\n  a: x\n  a: y\n",
        "regal.yml:3:3",
        "key `a` appears twice",
    ),
    (
        "versions:\n  '{{x}}': y\n",
        "regal.yml:2:3",
        "version name `{{x}}`",
    ),
    (
        "vars: {regal_batch: 1}\nversions: {a: x}\n",
        "regal.yml:1:8",
        "`regal_` prefix",
    ),
    (
        "versions:\n  a: [x: {a: 1}, y: {}, z: {b: 1}, w: 1, 'q': {}]\n",
        "regal.yml:2:39",
        "expected a mapping of var name -> value",
    ),
    (
        "versions:\n  a: [{x: {}, y: {}}]\n",
        "regal.yml:2:7",
        "exactly one key",
    ),
];

#[test]
fn every_bad_input_is_reported_with_its_position() {
    for (yaml, location, words) in BAD {
        let err = strategy(yaml).fails_with(words);
        assert!(
            err.contains(location),
            "for {yaml:?}: {err:?} lacks {location}"
        );
        assert!(err.starts_with("regal-inventory: "), "{err}");
    }
}

#[test]
fn invalid_utf8_and_unreadable_files() {
    let case = strategy("");
    std::fs::write(case.path("regal.yml"), b"versions:\n  a: x\xff\n").unwrap();
    case.fails_with("regal.yml:2:7: the file is not valid UTF-8");
    let case = strategy("");
    std::fs::remove_file(case.path("regal.yml")).unwrap();
    std::fs::create_dir(case.path("regal.yml")).unwrap();
    case.args(&["--list", "--config", "regal.yml"])
        .fails_with("cannot read the strategy file");
}

// ---- rollout strategies beyond Regal ---------------------------------------------

#[test]
fn percentages_and_ramps() {
    let inv = strategy("batches: [1, '10%', '25%', '100%']\nversions:\n  v: \"n[01:20]\"\n").json();
    let sizes: Vec<usize> = hosts_of(&inv).iter().map(Vec::len).collect();
    assert_eq!(sizes, [1, 2, 5, 12]);
    let progress: Vec<&Value> = batches(&inv)
        .iter()
        .map(|(g, _)| &inv[g]["vars"]["regal_progress"])
        .collect();
    assert_eq!(progress, [&json!(5), &json!(15), &json!(40), &json!(100)]);

    let inv = strategy("schedule: '10%'\ncombine: '50%'\nversions:\n  v: \"n[1:10]\"\n").json();
    let sizes: Vec<usize> = hosts_of(&inv).iter().map(Vec::len).collect();
    assert_eq!(sizes, [1, 5, 4]);
}

#[test]
fn bad_sizes_and_conflicts() {
    strategy("schedule: '0%'\nversions: {v: a}\n")
        .fails_with("regal.yml:1:11: `0%` is not a usable percentage");
    strategy("combine: '101%'\nversions: {v: a}\n").fails_with("regal.yml:1:10:");
    strategy("batches: [1, -2]\nversions: {v: a}\n").fails_with("regal.yml:1:14:");
    strategy("batches: []\nversions: {v: a}\n").fails_with("`batches` is empty");
    strategy("batches: [1]\nschedule: 1\nversions: {v: a}\n")
        .fails_with("regal.yml:1:1: `batches` cannot be combined");
    strategy("versions:\n  v: {hosts: a, batches: [1], combine: 2}\n")
        .fails_with("regal.yml:2:")
        .to_string();
    strategy("pause_after_canary: -5\nversions: {v: a}\n")
        .fails_with("regal.yml:1:21: a pause cannot be negative");
    strategy("confirm_after_canary: maybe\nversions: {v: a}\n").fails_with("regal.yml:1:23:");
    strategy("order: random\nversions: {v: a}\n").fails_with("`random` is not an order");
    strategy("salt: x\nversions: {v: a}\n").fails_with("`salt` only applies with `order: hash`");
    strategy("spread: zone\ndomain_at_a_time: zone\nversions: {v: a}\n").fails_with("choose one");
}

#[test]
fn version_overrides_top_level_sizes() {
    let inv = strategy(
        "batches: [1, '50%']\nversions:\n  a: \"a[1:4]\"\n  b: {hosts: \"b[1:4]\", combine: 3}\n",
    )
    .json();
    let sizes: Vec<usize> = hosts_of(&inv).iter().map(Vec::len).collect();
    // a: 1, then 50% of 4 = 2 repeating; b: schedule 1 (default), combine 3.
    assert_eq!(sizes, [1, 2, 1, 1, 3]);
}

#[test]
fn sorted_and_hash_orders() {
    let inv = strategy("order: sorted\ncombine: 10\nversions:\n  v: web10,web2,web1\n").json();
    assert_eq!(hosts_of(&inv), [vec!["web1"], vec!["web2", "web10"]]);

    let order = |hosts: &str| {
        let inv = strategy(&format!(
            "order: hash\nsalt: s1\ncombine: 100\nversions:\n  v: \"{hosts}\"\n"
        ))
        .json();
        hosts_of(&inv).concat()
    };
    let all = order("h[1:30]");
    let fewer = order("h[1:30:2]");
    let kept: Vec<&String> = all.iter().filter(|h| fewer.contains(h)).collect();
    assert_eq!(
        kept,
        fewer.iter().collect::<Vec<_>>(),
        "removing hosts keeps the others' order"
    );
    assert_ne!(all, (1..=30).map(|i| format!("h{i}")).collect::<Vec<_>>());
}

#[test]
fn failure_domains() {
    let yaml = "combine: 3\nversions:\n  v:\n    spread: zone\n    hosts: [a1: {zone: a}, a2: {zone: a}, a3: {zone: a}, b1: {zone: b}, b2: {zone: b}, c1: {zone: c}, c2: {zone: c}]\n";
    assert_eq!(
        hosts_of(&strategy(yaml).json()),
        [vec!["a1"], vec!["b1", "c1", "a2"], vec!["b2", "c2", "a3"]]
    );
    let yaml = yaml.replace("spread", "domain_at_a_time");
    assert_eq!(
        hosts_of(&strategy(&yaml).json()),
        [
            vec!["a1"],
            vec!["a2", "a3"],
            vec!["b1", "b2"],
            vec!["c1", "c2"]
        ]
    );
    strategy("spread: zone\nversions:\n  v: [a: {zone: x}, b]\n")
        .fails_with("host `b` has no `zone` var");
}

#[test]
fn host_ranges() {
    let inv = strategy(
        "combine: 100\nversions:\n  v: [\"web[08:10].ex\", \"10.0.0.[1:5:2]\", \"db-[a:c]\"]\n",
    )
    .json();
    assert_eq!(
        hosts_of(&inv).concat(),
        [
            "web08.ex", "web09.ex", "web10.ex", "10.0.0.1", "10.0.0.3", "10.0.0.5", "db-a", "db-b",
            "db-c"
        ]
    );
    strategy("versions:\n  v: [\"w[1:3]\", w2]\n")
        .fails_with("regal.yml:2:17: host `w2` is listed twice");
    strategy("versions:\n  v: [\"w[3:1]\"]\n").fails_with("regal.yml:2:7: host range `w[3:1]`");
}

#[test]
fn exclusions_are_reported_not_lost() {
    let inv = strategy("exclude: [b2]\nversions:\n  a: a1,a2\n  b:\n    hosts: \"b[1:4]\"\n    exclude: [\"b[3:4]\"]\n").json();
    assert_eq!(hosts_of(&inv), [vec!["a1"], vec!["a2"], vec!["b1"]]);
    assert_eq!(inv["b_excluded"]["hosts"], json!(["b2", "b3", "b4"]));
    assert_eq!(inv["all"]["vars"]["regal_excluded_count"], json!(3));
    assert!(inv["_meta"]["hostvars"].get("b3").is_some());
    assert!(
        !inv["b"]["children"]
            .as_array()
            .unwrap()
            .contains(&json!("b_excluded"))
    );
    strategy("exclude: [typo]\nversions: {a: x}\n")
        .fails_with("regal.yml:1:11: exclude entry `typo` matches no host of any version");
    strategy("versions:\n  a: {hosts: x, exclude: [x]}\n")
        .fails_with("every host of version `a` is excluded");
}

#[test]
fn pauses_confirm_and_batch_vars() {
    let inv = strategy(
        "pause_after_canary: 60\npause_between_batches: 5\nconfirm_after_canary: true\ncanary_vars: {weight: 1}\nbatch_vars: {weight: 100}\nversions:\n  v: a,b,c\n",
    )
    .json();
    assert_eq!(
        inv["v_batch0"]["vars"],
        json!({"weight": 1, "regal_batch": 0, "regal_batch_group": "v_batch0", "regal_batch_count": 3, "regal_canary": true, "regal_progress": 33, "regal_pause_after": 60, "regal_confirm_after": true})
    );
    assert_eq!(inv["v_batch1"]["vars"]["weight"], json!(100));
    assert_eq!(inv["v_batch1"]["vars"]["regal_pause_after"], json!(5));
    assert!(inv["v_batch1"]["vars"].get("regal_confirm_after").is_none());
}

/// Past 8 MiB a file is read in two halves at once: the inventory, and the
/// position of a problem at its end, are those of the whole file.
#[test]
fn a_large_file_is_read_whole() {
    let names: Vec<String> = (0..400_000)
        .map(|i| format!("wéb-{i:07}.example.com"))
        .collect();
    let yaml = format!("combine: 1000\nversions:\n  a: \"{}\"\n", names.join(","));
    assert!(yaml.len() > 8 << 20);
    let inventory = strategy(&yaml).json();
    assert_eq!(hosts_of(&inventory).concat(), names);
    strategy(&format!("{yaml}  b: 'x y'\n"))
        .fails_with("regal.yml:4:7: host `x y` contains whitespace");
}

#[test]
fn an_endless_file_is_refused_not_read_forever() {
    strategy("")
        .args(&["--list", "--config", "/dev/zero"])
        .fails_with("/dev/zero: cannot read the strategy file: it is larger than 1 GiB");
}
