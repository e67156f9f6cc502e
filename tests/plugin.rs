//! The `regal` inventory plugin (and `plan --resume-from`) with real ansible-core:
//! `ansible-inventory` for the groups and vars it builds, `ansible-playbook
//! playbooks/rollout.yml` for rollouts of hosts that come from an INI file.

mod support;

use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::{Scenario, ansible_bin, repo_root};

const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

const HOSTS_INI: &str = "\
[web]
web3 color=blue
web1
web4
web2 color=red

[web:vars]
zone=eu

[db]
db1

[maintenance]
web4
";

/// A private directory for one test, holding its inventory files.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("plugin-tests")
            .join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    /// The strategy `strategy` (regal.yml in this directory) as two inventory
    /// sources: the plugin (`rollout.regal.yml`) and a script (`inventory.sh`).
    fn plugin_and_script(&self, strategy: &Path) {
        self.plugin_file("regal.yml");
        let script = self.write(
            "inventory.sh",
            &format!(
                "#!/bin/sh\nexec '{BIN}' --config '{}' \"$@\"\n",
                strategy.display()
            ),
        );
        fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }

    /// A PATH entry holding `regal-inventory`, for the plugin's default `binary`.
    fn bin_on_path(&self) -> PathBuf {
        let bin = self.0.join("bin");
        fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(BIN, bin.join("regal-inventory")).unwrap();
        bin
    }

    /// README's inventory directory `inventory/prod/`, made empty.
    fn prod(&self) -> PathBuf {
        let prod = self.0.join("inventory/prod");
        fs::create_dir_all(&prod).unwrap();
        prod
    }

    /// `ansible-inventory --list -i inventory/prod/`, with `bin` first on PATH.
    fn list_prod(&self, bin: &Path) -> Run {
        self.ansible_inventory(
            &[
                "--playbook-dir",
                &playbook_dir(),
                "-i",
                "inventory/prod/",
                "--list",
            ],
            &[("PATH", bin)],
        )
    }

    /// `ansible-inventory --list -i source`, with the plugins of playbooks/.
    fn list(&self, source: &str) -> Run {
        self.list_sources(&[source])
    }

    /// `ansible-inventory --list` with `-i` each of `sources`, in order.
    fn list_sources(&self, sources: &[&str]) -> Run {
        let playbooks = playbook_dir();
        let mut args = vec!["--playbook-dir", playbooks.as_str()];
        for source in sources {
            args.extend(["-i", source]);
        }
        args.push("--list");
        self.ansible_inventory(&args, &[])
    }

    /// Runs `regal-inventory args` in this directory.
    fn regal(&self, args: &[&str]) -> Run {
        let out = Command::new(BIN)
            .args(args)
            .current_dir(&self.0)
            .env_remove("REGAL_CONFIG")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run::of(out)
    }

    /// Runs `ansible-inventory` with `args`, isolated from the user's Ansible
    /// setup, failing on any unparsed source (playbooks/ansible.cfg).
    fn ansible_inventory(&self, args: &[&str], env: &[(&str, &Path)]) -> Run {
        self.ansible_tool("ansible-inventory", args, env)
    }

    /// Runs the Ansible command `tool` (`ansible-inventory`, `ansible`) the same way.
    fn ansible_tool(&self, tool: &str, args: &[&str], env: &[(&str, &Path)]) -> Run {
        let bin = ansible_bin();
        let mut cmd = Command::new(bin.join(tool));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("ANSIBLE_") {
                cmd.env_remove(key);
            }
        }
        let mut path = std::env::var("PATH").unwrap_or_default();
        for (key, value) in env {
            if *key == "PATH" {
                path = format!("{}:{path}", value.display());
            } else {
                cmd.env(key, value);
            }
        }
        let state = self.0.join("ansible-state");
        let out = cmd
            .args(args)
            .current_dir(&self.0)
            .env("ANSIBLE_CONFIG", repo_root().join("playbooks/ansible.cfg"))
            .env("ANSIBLE_HOME", state.join("home"))
            .env("ANSIBLE_LOCAL_TEMP", state.join("tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("PATH", path)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run::of(out)
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(out: std::process::Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn ok(self) -> String {
        assert_eq!(
            self.code,
            Some(0),
            "ansible-inventory failed\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self.stdout
    }

    fn json(self) -> Value {
        serde_json::from_str(&self.ok()).expect("ansible-inventory --list prints JSON")
    }

    fn fails(self) -> String {
        assert!(
            self.code.is_some_and(|c| c != 0),
            "expected a failure\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        // Ansible wraps long messages; the checks are about the words.
        self.stderr.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn playbook_dir() -> String {
    repo_root().join("playbooks").display().to_string()
}

fn hosts_of(inventory: &Value, group: &str) -> Vec<String> {
    inventory[group]["hosts"]
        .as_array()
        .unwrap_or_else(|| panic!("group {group} has no hosts in {inventory:#}"))
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn graph_shows_the_batches_of_a_strategy_file() {
    let dir = Dir::new("graph");
    dir.write(
        "regal.yml",
        "schedule: 1\ncombine: 2\nversions:\n  app-v1.0: [a1, a2, a3]\n",
    );
    // `binary` left out: regal-inventory from PATH.
    dir.write("rollout.regal.yml", "plugin: regal\nstrategy: regal.yml\n");
    let bin = dir.bin_on_path();
    let graph = dir
        .ansible_inventory(
            &[
                "--playbook-dir",
                &playbook_dir(),
                "-i",
                "rollout.regal.yml",
                "--graph",
            ],
            &[("PATH", &bin)],
        )
        .ok();
    assert!(
        graph.contains(
            "  |--@app_v1_0:\n  |  |--@app_v1_0_batch0:\n  |  |  |--a1\n  |  |--@app_v1_0_batch1:\n  |  |  |--a2\n  |  |  |--a3\n"
        ),
        "{graph}"
    );
}

#[test]
fn the_plugin_gives_what_the_script_inventory_gives() {
    let dir = Dir::new("same-as-script");
    let strategy = dir.write(
        "regal.yml",
        "schedule: 1\ncombine: 2\npriority: app-v2\npause_after_canary: 5\nvars: {ansible_user: deploy}\nexclude: [b3]\nversions:\n  app-v1: [a1, a2, a3]\n  app-v2:\n    hosts:\n      - b1: {ansible_host: 10.0.0.1}\n      - b2\n      - b3\n    vars: {color: green}\n",
    );
    dir.plugin_and_script(&strategy);
    let list = |source: &str| dir.list(source).json();
    let by_plugin = list("rollout.regal.yml");
    let by_script = list("inventory.sh");
    assert_eq!(by_plugin, by_script);
    assert_eq!(hosts_of(&by_plugin, "app_v2_batch0"), ["b1"]);
    assert_eq!(
        by_plugin["_meta"]["hostvars"]["b1"]["ansible_host"],
        json!("10.0.0.1")
    );
}

/// `!unsafe` and `!vault` vars of regal.yml mean in a task what they mean in a
/// static inventory, through the script inventory and through the plugin: an
/// unsafe text is never templated (nor any string of an `!unsafe` list or
/// mapping), a vaulted one stays encrypted.
#[test]
fn unsafe_and_vault_vars_mean_what_they_mean_in_a_static_inventory() {
    let dir = Dir::new("unsafe-vault");
    let vars = [
        "b: !unsafe \"{{ lookup('pipe', 'echo ran') }}\"",
        "n: !unsafe 010",
        "l: [!unsafe \"{% x %}\", 1]",
        "u: !unsafe [a, \"{{ lookup('pipe', 'echo ran') }}\", 010, [\"{{ x }}\"]]",
        "m: !unsafe {k: \"{{ lookup('pipe', 'echo ran') }}\", n: on}",
        "v: !vault |",
        "  $ANSIBLE_VAULT;1.1;AES256",
        "  6162",
    ];
    let indented = |by: &str| vars.map(|v| format!("{by}{v}\n")).concat();
    dir.write(
        "static.yml",
        &format!("all:\n  hosts:\n    w1:\n{}", indented("      ")),
    );
    let strategy = dir.write(
        "regal.yml",
        &format!("versions:\n  app:\n    - w1:\n{}", indented("        ")),
    );
    dir.plugin_and_script(&strategy);
    dir.write(
        "inline.regal.yml",
        &format!(
            "plugin: regal\nbinary: {BIN}\nstrategy:\n  versions:\n    app:\n      - w1:\n{}",
            indented("          ")
        ),
    );
    let shown = |source: &str| {
        let msg = "msg={{ [b, n, l, v is vault_encrypted, u, m] }}";
        let playbooks = playbook_dir();
        let args = [
            "w1",
            "--playbook-dir",
            &playbooks,
            "-i",
            source,
            "-c",
            "local",
            "-m",
            "debug",
            "-a",
            msg,
        ];
        let out = dir.ansible_tool("ansible", &args, &[]).ok();
        let json = out.split_once(" => ").map_or("", |(_, json)| json);
        let value: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {out}"));
        value["msg"].clone()
    };
    let expected = json!([
        "{{ lookup('pipe', 'echo ran') }}",
        8,
        ["{% x %}", 1],
        true,
        ["a", "{{ lookup('pipe', 'echo ran') }}", 8, ["{{ x }}"]],
        {"k": "{{ lookup('pipe', 'echo ran') }}", "n": true}
    ]);
    assert_eq!(shown("static.yml"), expected, "the static inventory");
    assert_eq!(shown("inventory.sh"), expected, "the script inventory");
    assert_eq!(shown("rollout.regal.yml"), expected, "the plugin");
    assert_eq!(shown("inline.regal.yml"), expected, "an inline strategy");
}

#[test]
fn hosts_from_batches_the_hosts_of_an_ini_file_in_their_order() {
    let dir = Dir::new("hosts-from-ini");
    dir.write("hosts.ini", HOSTS_INI);
    dir.write(
        "regal.yml",
        "schedule: 1\ncombine: 2\nversions:\n  app-v2:\n    hosts_from: web:!maintenance\n    spread: zone\n  tools: [t1]\n",
    );
    dir.plugin_file("regal.yml");
    let inventory = dir.list_sources(&["hosts.ini", "rollout.regal.yml"]).json();
    assert_eq!(hosts_of(&inventory, "app_v2_batch0"), ["web3"]);
    assert_eq!(hosts_of(&inventory, "app_v2_batch1"), ["web1", "web2"]);
    assert_eq!(hosts_of(&inventory, "tools_batch0"), ["t1"]);
    // The INI groups are still there, and the hosts keep their INI vars.
    assert_eq!(hosts_of(&inventory, "maintenance"), ["web4"]);
    let web3 = &inventory["_meta"]["hostvars"]["web3"];
    assert_eq!(web3["color"], json!("blue"));
    assert_eq!(web3["zone"], json!("eu"));
    assert_eq!(web3["regal_canary"], json!(true));
    assert_eq!(
        inventory["_meta"]["hostvars"]["web2"]["color"],
        json!("red")
    );
    // Rollout order survives: version groups come before the batch groups' hosts.
    assert_eq!(inventory["all"]["children"][0], json!("ungrouped"));
    let children: Vec<&str> = inventory["all"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let v2 = children.iter().position(|&c| c == "app_v2").unwrap();
    let tools = children.iter().position(|&c| c == "tools").unwrap();
    assert!(v2 < tools, "{children:?}");
}

#[test]
fn inline_strategy_with_the_collection_name() {
    let dir = Dir::new("inline-fqcn");
    dir.write("hosts.ini", HOSTS_INI);
    dir.write(
        "rollout.regal.yml",
        &format!(
            "plugin: regal.inventory.regal\nbinary: {BIN}\nstrategy:\n  combine: 3\n  versions:\n    app-v3:\n      hosts_from: 'w*:db:!maintenance'\n"
        ),
    );
    let collections = repo_root().join("collections");
    // No --playbook-dir: only the collection can provide the plugin.
    let inventory = dir
        .ansible_inventory(
            &["-i", "hosts.ini", "-i", "rollout.regal.yml", "--list"],
            &[("ANSIBLE_COLLECTIONS_PATH", &collections)],
        )
        .json();
    assert_eq!(hosts_of(&inventory, "app_v3_batch0"), ["web3"]);
    assert_eq!(
        hosts_of(&inventory, "app_v3_batch1"),
        ["web1", "web2", "db1"]
    );
}

#[test]
fn an_invalid_strategy_fails_with_the_binarys_message() {
    let dir = Dir::new("invalid");
    dir.write("hosts.ini", HOSTS_INI);
    dir.write(
        "regal.yml",
        "versions:\n  app-v2:\n    hosts_from: web:!maintenanse\n",
    );
    dir.plugin_file("regal.yml");
    let args = [
        "--playbook-dir",
        &playbook_dir(),
        "-i",
        "hosts.ini",
        "-i",
        "rollout.regal.yml",
        "--list",
    ];
    let stderr = dir.ansible_inventory(&args, &[]).fails();
    assert!(
        stderr.contains("regal-inventory failed (exit code 1)")
            && stderr.contains("regal.yml:3:17: `!maintenanse` in `hosts_from: web:!maintenanse`"),
        "{stderr}"
    );

    // The plugin file given first (or alone): no earlier source gave a host,
    // and the message says to give them first.
    for args in [
        &["-i", "rollout.regal.yml"][..],
        &["-i", "rollout.regal.yml", "-i", "hosts.ini"][..],
    ] {
        let playbooks = playbook_dir();
        let mut all = vec!["--playbook-dir", &playbooks, "--list"];
        all.extend_from_slice(args);
        let stderr = dir.ansible_inventory(&all, &[]).fails();
        assert!(
            stderr.contains(
                "regal.yml:3:17: `hosts_from: web:!maintenanse` of version `app-v2` takes hosts of the inventory sources read before the plugin file, and none gave a host; give those sources first (`-i hosts.ini -i rollout.regal.yml`"
            ),
            "{stderr}"
        );
    }

    // A failure-domain label missing on a host of an earlier source: it is
    // given in that source, not in regal.yml.
    dir.write(
        "regal.yml",
        "spread: color\nversions:\n  app-v2:\n    hosts_from: web\n",
    );
    let stderr = dir.ansible_inventory(&args, &[]).fails();
    assert!(
        stderr.contains(
            "regal.yml:4:17: host `web1` (from `hosts_from`) has no `color` var, which the failure-domain rule needs; give it one in its inventory source or in a group_vars/ or host_vars/ file beside it (e.g. `web1 color=zone-a` in an INI file)"
        ),
        "{stderr}"
    );
}

/// A regal.yml that is its own plugin file may name the binary, as a
/// separate plugin file does; regal-inventory itself ignores the key (and
/// checks it is text).
#[test]
fn a_strategy_with_a_plugin_line_may_name_the_binary() {
    let dir = Dir::new("own-binary");
    let prod = dir.prod();
    fs::write(
        prod.join("regal.yml"),
        format!("plugin: regal\nbinary: {BIN}\nschedule: 1\nversions:\n  app: [a1, a2]\n"),
    )
    .unwrap();
    // No regal-inventory on PATH: only `binary:` names it.
    let inventory = dir.list("inventory/prod/").json();
    assert_eq!(hosts_of(&inventory, "app_batch1"), ["a2"]);
    let check = Command::new(BIN)
        .args(["check", "--config"])
        .arg(prod.join("regal.yml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");

    fs::write(
        prod.join("regal.yml"),
        "plugin: regal\nbinary: [x]\nversions:\n  app: [a1, a2]\n",
    )
    .unwrap();
    let check = Command::new(BIN)
        .args(["check", "--config"])
        .arg(prod.join("regal.yml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        !check.status.success() && stderr.contains("regal.yml:2:9: "),
        "{stderr}"
    );
}

#[test]
fn a_missing_binary_fails_with_a_hint() {
    let dir = Dir::new("no-binary");
    dir.write("regal.yml", "versions: {v: a}\n");
    dir.write(
        "rollout.regal.yml",
        "plugin: regal\nstrategy: regal.yml\nbinary: ./nowhere/regal-inventory\n",
    );
    let stderr = dir.list("rollout.regal.yml").fails();
    assert!(
        stderr.contains("cannot run regal-inventory") && stderr.contains("set `binary:`"),
        "{stderr}"
    );
}

#[test]
fn playbook_rolls_out_hosts_from_an_ini_file_in_batches() {
    let mut s = Scenario::new("plugin-ini-rollout");
    s.inventory = s.dir.join("hosts.ini");
    fs::write(
        &s.inventory,
        "[web]\nw1\nw2\nw3\nw4\nw5\n\n[db]\nd1\n\n[all:vars]\nansible_connection=local\n",
    )
    .unwrap();
    fs::write(
        s.dir.join("regal.yml"),
        "schedule: 1\ncombine: 2\nversions:\n  app-v2:\n    hosts_from: web\n",
    )
    .unwrap();
    let plugin = s.dir.join("rollout.regal.yml");
    fs::write(
        &plugin,
        format!("plugin: regal\nstrategy: regal.yml\nbinary: {BIN}\n"),
    )
    .unwrap();
    let run = s.run(&["-i", &plugin.display().to_string()]);
    assert!(run.success(), "{}", run.report());
    let batch = |n: u32, hosts: &[&str]| {
        (
            "app-v2".to_string(),
            n,
            hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        run.batches(),
        [
            batch(0, &["w1"]),
            batch(1, &["w2", "w3"]),
            batch(2, &["w4", "w5"])
        ],
        "{}",
        run.report()
    );
    assert!(!run.ran("d1"), "{}", run.report());
}

#[test]
fn resume_limit_runs_only_the_remaining_batches() {
    let mut s = Scenario::new("resume-limit");
    let strategy = s.dir.join("regal.yml");
    fs::write(
        &strategy,
        "schedule: 1\ncombine: 2\npriority: app-v2\nvars: {ansible_connection: local}\nversions:\n  app-v1: [a1, a2, a3]\n  app-v2: [b1, b2, b3]\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["plan", "--resume-from", "app_v2_batch1", "--format", "json"])
        .arg("--config")
        .arg(&strategy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resume: Value = serde_json::from_slice(&out.stdout).unwrap();
    let limit = resume["limit"].as_str().unwrap();
    assert_eq!(limit, "app_v2:app_v1:!app_v2_batch0");

    s.inventory = s.dir.join("inventory.sh");
    fs::write(
        &s.inventory,
        format!(
            "#!/bin/sh\nexec '{BIN}' --config '{}' \"$@\"\n",
            strategy.display()
        ),
    )
    .unwrap();
    fs::set_permissions(
        &s.inventory,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let run = s.run(&["--limit", limit]);
    assert!(run.success(), "{}", run.report());
    let batches = run.batch_order();
    assert_eq!(
        batches,
        [
            ("app-v2".to_string(), 1),
            ("app-v1".to_string(), 0),
            ("app-v1".to_string(), 1)
        ],
        "{}",
        run.report()
    );
    assert!(!run.ran("b1"), "{}", run.report());
}

#[test]
fn the_collection_builds_installs_and_documents_the_plugin() {
    let dir = Dir::new("collection");
    let bin = ansible_bin();
    let run = |program: &str, args: &[&str]| {
        let out = Command::new(bin.join(program))
            .args(args)
            .current_dir(&dir.0)
            .env("ANSIBLE_HOME", dir.0.join("home"))
            .env("ANSIBLE_COLLECTIONS_PATH", dir.0.join("installed"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let source = repo_root().join("collections/ansible_collections/regal/inventory");
    run(
        "ansible-galaxy",
        &["collection", "build", source.to_str().unwrap()],
    );
    run(
        "ansible-galaxy",
        &[
            "collection",
            "install",
            "regal-inventory-0.1.0.tar.gz",
            "-p",
            "installed",
        ],
    );
    let doc = run("ansible-doc", &["-t", "inventory", "regal.inventory.regal"]);
    assert!(doc.contains("hosts_from"), "{doc}");
}

/// README's layout: `inventory/prod/` holds regal.yml with a `plugin:` line
/// (and, for `hosts_from`, the other sources), and `-i inventory/prod/`
/// reads it through the plugin only: no warning, no group made of
/// regal.yml's keys.
#[test]
fn an_inventory_directory_with_regal_yml_parses_cleanly() {
    let dir = Dir::new("inventory-dir");
    let prod = dir.prod();
    fs::write(
        prod.join("hosts.ini"),
        "[web]\nw1\nw2\nw3\n\n[db]\nd1\n\n[all:vars]\nansible_connection=local\n",
    )
    .unwrap();
    fs::write(
        prod.join("regal.yml"),
        "plugin: regal\nschedule: 1\ncombine: 2\nvars: {owner: ops}\npriority: [api]\nversions:\n  web-v2:\n    hosts_from: web\n  api: [a1, a2]\n",
    )
    .unwrap();
    let bin = dir.bin_on_path();
    let run = dir.list_prod(&bin);
    assert!(run.stderr.trim().is_empty(), "no warning\n{}", run.stderr);
    let inventory = run.json();
    let mut groups: Vec<&str> = inventory
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|g| *g != "_meta")
        .collect();
    groups.sort_unstable();
    assert_eq!(
        groups,
        [
            "all",
            "api",
            "api_batch0",
            "api_batch1",
            "db",
            "web",
            "web_v2",
            "web_v2_batch0",
            "web_v2_batch1"
        ],
        "{inventory:#}"
    );
    assert_eq!(hosts_of(&inventory, "web_v2_batch1"), ["w2", "w3"]);
    assert_eq!(
        inventory["_meta"]["hostvars"]["a1"]["owner"],
        json!("ops"),
        "{inventory:#}"
    );

    // The same directory through the rollout playbook.
    let mut s = Scenario::new("plugin-dir-rollout").with_env("REGAL_INVENTORY_BINARY", BIN);
    s.inventory = prod.clone();
    let run = s.run(&[]);
    assert!(run.success(), "{}", run.report());
    let order = run.batch_order();
    assert_eq!(
        order,
        [
            ("api".to_string(), 0),
            ("api".to_string(), 1),
            ("web-v2".to_string(), 0),
            ("web-v2".to_string(), 1)
        ],
        "{}",
        run.report()
    );
    assert!(
        !run.stderr.contains("WARNING"),
        "no warning\n{}",
        run.report()
    );
}

/// README's `constructed` example next to regal.yml in an inventory
/// directory (it sorts after regal.yml, so it sees regal's hosts and vars):
/// groups across versions, nothing for excluded hosts, no warning.
#[test]
fn constructed_composes_with_regal_metadata() {
    let dir = Dir::new("constructed");
    let prod = dir.prod();
    fs::write(
        prod.join("regal.yml"),
        "plugin: regal\nschedule: 1\ncombine: 2\nexclude: [a3]\nversions:\n  app-v1: [a1, a2, a3, a4]\n  app-v2: [b1, b2]\n",
    )
    .unwrap();
    let readme = fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("# inventory/prod/waves.yml\n")
        .expect("README shows inventory/prod/waves.yml");
    let end = start + readme[start..].find("```").unwrap();
    fs::write(prod.join("waves.yml"), &readme[start..end]).unwrap();
    let run = dir.list_prod(&dir.bin_on_path());
    assert!(run.stderr.trim().is_empty(), "no warning\n{}", run.stderr);
    let inventory = run.json();
    let sorted = |group: &str| {
        let mut hosts = hosts_of(&inventory, group);
        hosts.sort();
        hosts
    };
    assert_eq!(sorted("regal_canaries"), ["a1", "b1"], "{inventory:#}");
    assert_eq!(sorted("wave_0"), ["a1", "b1"], "{inventory:#}");
    assert_eq!(sorted("wave_1"), ["a2", "a4", "b2"], "{inventory:#}");
    let all_waves: Vec<&String> = inventory
        .as_object()
        .unwrap()
        .keys()
        .filter(|g| g.starts_with("wave_"))
        .collect();
    assert_eq!(all_waves, ["wave_0", "wave_1"], "{inventory:#}");
    assert!(
        !serde_json::to_string(&inventory["wave_0"])
            .unwrap()
            .contains("a3"),
        "an excluded host is in no wave"
    );
}

/// Earlier sources' host vars reach the binary whatever YAML made of them:
/// a float infinity or NaN (which JSON cannot carry) and a date go as their
/// text, so that failure-domain labels of those values batch exactly as the
/// same labels written as quoted text, and other vars are no obstacle.
#[test]
fn earlier_vars_that_json_cannot_carry_still_batch_by_their_text() {
    let dir = Dir::new("inf-nan-labels");
    let hosts = |inf: &str, nan: &str, date: &str| {
        format!(
            "all:\n  children:\n    web:\n      hosts:\n        w1: {{zone: {inf}}}\n        w2: {{zone: eu, weight: {nan}}}\n        w3: {{zone: {inf}, built: {date}}}\n        w4: {{zone: {date}}}\n        w5: {{zone: eu, weight: -.inf}}\n        w6: {{zone: {nan}}}\n        w7: {{zone: {date}}}\n"
        )
    };
    dir.write("values.yml", &hosts(".inf", ".nan", "2001-12-14"));
    dir.write("texts.yml", &hosts("'inf'", "'nan'", "'2001-12-14'"));
    dir.write(
        "regal.yml",
        "schedule: 1\ncombine: 2\nspread: zone\nversions:\n  app:\n    hosts_from: web\n",
    );
    dir.plugin_file("regal.yml");
    let graph = |source: &str| {
        let run = dir.ansible_inventory(
            &[
                "--playbook-dir",
                &playbook_dir(),
                "-i",
                source,
                "-i",
                "rollout.regal.yml",
                "--graph",
            ],
            &[],
        );
        assert!(run.stderr.trim().is_empty(), "no warning\n{}", run.stderr);
        run.ok()
    };
    let by_values = graph("values.yml");
    assert_eq!(by_values, graph("texts.yml"));
    // Four domains, taken in turn: inf (w1, w3), eu (w2, w5), the date (w4, w7), nan (w6).
    assert!(
        by_values.contains(concat!(
            "  |--@app:\n  |  |--@app_batch0:\n  |  |  |--w1\n",
            "  |  |--@app_batch1:\n  |  |  |--w2\n  |  |  |--w4\n",
            "  |  |--@app_batch2:\n  |  |  |--w6\n  |  |  |--w3\n",
            "  |  |--@app_batch3:\n  |  |  |--w5\n  |  |  |--w7\n",
        )),
        "{by_values}"
    );
}

/// An inline strategy's vars mean what they mean in a regal.yml and in a
/// static inventory: a date or datetime is the text ansible-inventory prints
/// for it (ISO, with a `T`), and `.inf` is refused at its place in the plugin's file.
#[test]
fn inline_strategy_dates_read_as_in_a_static_inventory() {
    let dir = Dir::new("inline-dates");
    // The same vars, indented by `indent`.
    let vars = |indent: &str| {
        [
            "d: 2001-12-14 21:59:43.10 -5",
            "t: 2001-12-14t21:59:43Z",
            "e: 2001-12-14",
        ]
        .map(|line| format!("{indent}{line}\n"))
        .concat()
    };
    dir.write(
        "static.yml",
        &format!("all:\n  hosts:\n    a1:\n  vars:\n{}", vars("    ")),
    );
    dir.write(
        "inline.regal.yml",
        &format!(
            "plugin: regal\nbinary: {BIN}\nstrategy:\n  vars:\n{}  versions:\n    app: a1\n",
            vars("    ")
        ),
    );
    dir.write(
        "regal.yml",
        &format!("vars:\n{}versions:\n  app: a1\n", vars("  ")),
    );
    let list = |source: &str| {
        let inventory = dir.list(source).json();
        let a1 = &inventory["_meta"]["hostvars"]["a1"];
        [&a1["d"], &a1["t"], &a1["e"]].map(|v| v.as_str().unwrap_or_default().to_string())
    };
    let by_static = list("static.yml");
    assert_eq!(
        by_static,
        [
            "2001-12-14T21:59:43.100000-05:00",
            "2001-12-14T21:59:43+00:00",
            "2001-12-14"
        ]
    );
    assert_eq!(list("inline.regal.yml"), by_static);
    let script = dir.write(
        "inventory.sh",
        &format!(
            "#!/bin/sh\nexec '{BIN}' --config '{}' \"$@\"\n",
            dir.0.join("regal.yml").display()
        ),
    );
    fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(list("inventory.sh"), by_static);

    dir.write(
        "inf.regal.yml",
        &format!("plugin: regal\nbinary: {BIN}\nstrategy:\n  vars: {{weight: .inf}}\n  versions:\n    app: a1\n"),
    );
    let stderr = dir.list("inf.regal.yml").fails();
    assert!(
        stderr.contains(
            "inf.regal.yml:4:18: ansible-core reads this unquoted value as the float infinity"
        ),
        "{stderr}"
    );
}

/// What README says of a directory holding both the executable (a symlink to
/// the binary) and regal.yml, given to Ansible as `-i inventory/prod/`:
/// Ansible runs every file of it, so the strategy is read twice.
#[test]
fn a_directory_with_the_executable_and_regal_yml_reads_it_twice() {
    let dir = Dir::new("exe-and-regal-yml");
    let prod = dir.0.join("prod");
    fs::create_dir_all(&prod).unwrap();
    std::os::unix::fs::symlink(BIN, prod.join("regal-inventory")).unwrap();
    fs::write(prod.join("hosts.ini"), "[web]\nw1\nw2\nw3\n").unwrap();
    let strategy = "schedule: 1\ncombine: 2\nversions:\n  app: [a1, a2, a3]\n";
    let (playbooks, bin) = (playbook_dir(), dir.bin_on_path());
    let graph = |args: &[&str]| {
        let mut all = vec!["--playbook-dir", &playbooks, "--graph"];
        all.extend_from_slice(args);
        dir.ansible_inventory(&all, &[("PATH", &bin)])
    };
    let app = "  |--@app:\n  |  |--@app_batch0:\n  |  |  |--a1\n  |  |--@app_batch1:\n  |  |  |--a2\n  |  |  |--a3\n";

    // With a `plugin:` line: both the executable and the plugin read it, and
    // give the same groups; no warning.
    fs::write(prod.join("regal.yml"), format!("plugin: regal\n{strategy}")).unwrap();
    let run = graph(&["-vvv", "-i", "prod/"]);
    assert!(run.stderr.trim().is_empty(), "no warning\n{}", run.stderr);
    let out = run.ok();
    for parsed in [
        "prod/regal-inventory inventory source with script plugin",
        "prod/regal.yml inventory source with auto plugin",
    ] {
        assert!(out.contains(parsed), "{parsed}\n{out}");
    }
    assert!(out.contains(app), "{out}");
    // The same groups as the executable alone.
    let alone = graph(&["-i", "prod/regal-inventory"]).ok();
    assert_eq!(
        graph(&["-i", "prod/"])
            .ok()
            .replace("  |--@web:\n  |  |--w1\n  |  |--w2\n  |  |--w3\n", ""),
        alone
    );

    // hosts_from needs earlier sources, which the executable never has: it
    // fails, and with playbooks/ansible.cfg (unparsed_is_failed) so does the run.
    fs::write(
        prod.join("regal.yml"),
        "plugin: regal\nversions:\n  web-v2:\n    hosts_from: web\n",
    )
    .unwrap();
    let stderr = graph(&["-i", "prod/"]).fails();
    assert!(
        stderr.contains("prod/regal-inventory")
            && stderr.contains("takes its hosts with `hosts_from`, which needs the hosts of earlier inventory sources"),
        "{stderr}"
    );

    // Without a `plugin:` line, Ansible's yaml plugin reads regal.yml as a YAML
    // inventory: warnings, and a group named after a key of the strategy.
    fs::write(prod.join("regal.yml"), strategy).unwrap();
    let run = graph(&["-i", "prod/"]);
    assert!(
        run.stderr
            .contains("[WARNING]: Skipping 'schedule' as this is not a valid group definition"),
        "{}",
        run.stderr
    );
    let out = run.ok();
    assert!(
        out.contains(app) && out.contains("  |--@versions:\n"),
        "{out}"
    );
}

/// Versions spelled as YAML 1.1 turns into non-text (`yes` is true, `1.10` the
/// float 1.1, `010` the int 8, ...), each with its hosts spelled the same way
/// and an exclude entry: (version as written, its group, hosts as written,
/// exclude as written, hosts rolled out in order).
const SPELLED: &[(&str, &str, &str, &str, &[&str])] = &[
    ("yes", "yes", "1.1, 1.10, 010", "1.10", &["1.1", "010"]),
    (
        "1.10",
        "_1_10",
        "0x1F, 1_000, on, 1e3",
        "on",
        &["0x1F", "1_000", "1e3"],
    ),
    (
        "010",
        "_010",
        "8, 'true', 2001-12-14",
        "8",
        &["true", "2001-12-14"],
    ),
    (
        // Quoted: a plain `null` is YAML's null, refused as a name.
        "'null'",
        "null",
        "1:30, .nan, .inf, 12:30:00",
        "'.nan'",
        &["1:30", ".inf", "12:30:00"],
    ),
    (
        "2001-12-14",
        "_2001_12_14",
        "off, 0o17, 1.0e+3",
        "0o17",
        &["off", "1.0e+3"],
    ),
    ("0x1F", "_0x1F", "NO, Off, -0", "Off", &["NO", "-0"]),
    (
        "1_000",
        "_1_000",
        "0b11, 1:30:00, +1",
        "+1",
        &["0b11", "1:30:00"],
    ),
];

/// An inline `strategy:` is read as written in the plugin's file, not as the
/// value Ansible's YAML 1.1 loader made of it: version names, hosts (also in
/// lists), `exclude` and `priority` entries stay the text as written, in the
/// block form, the flow form and the same lines as a regal.yml alike.
#[test]
fn inline_strategy_names_are_the_text_as_written() {
    let dir = Dir::new("inline-names");
    let versions: Vec<String> = SPELLED
        .iter()
        .map(|(version, _, hosts, exclude, _)| {
            format!("{version}: {{hosts: [{hosts}], exclude: [{exclude}]}}")
        })
        .collect();
    let vars = "vars: {x: 010, y: no, z: 1_000}";
    let priority = "priority: [010, yes]";
    let block = format!(
        "schedule: 1\ncombine: 1\n{priority}\n{vars}\nversions:\n{}",
        versions
            .iter()
            .map(|v| format!("  {v}\n"))
            .collect::<String>()
    );
    dir.write("regal.yml", &block);
    dir.write(
        "file.regal.yml",
        &format!("plugin: regal\nstrategy: regal.yml\nbinary: {BIN}\n"),
    );
    let indented: String = block.lines().map(|l| format!("  {l}\n")).collect();
    dir.write(
        "block.regal.yml",
        &format!("# an inline strategy\nplugin: regal\nstrategy:\n{indented}binary: {BIN}\n"),
    );
    dir.write(
        "flow.regal.yml",
        &format!(
            "{{plugin: regal, strategy: {{schedule: 1, combine: 1, {priority}, {vars}, versions: {{{}}}}}, binary: {BIN}}}\n",
            versions.join(", ")
        ),
    );
    let list = |source: &str| dir.list(source).json();
    let by_file = list("file.regal.yml");
    assert_eq!(list("block.regal.yml"), by_file);
    assert_eq!(list("flow.regal.yml"), by_file);

    let groups: Vec<&str> = SPELLED.iter().map(|s| s.1).collect();
    let mut order = vec!["_010", "yes"];
    order.extend(groups.iter().filter(|g| !["_010", "yes"].contains(g)));
    assert_eq!(
        by_file["_meta"]["hostvars"]["1.1"]["regal_versions"],
        json!(order),
        "priority [010, yes] as written"
    );
    let hostvars = &by_file["_meta"]["hostvars"];
    for (version, group, _, exclude, hosts) in SPELLED {
        let vars = &hostvars[hosts[0]];
        let name = version.trim_matches('\'');
        assert_eq!(vars["regal_version"], json!(name), "{version}: {vars}");
        for (n, host) in hosts.iter().enumerate() {
            assert_eq!(
                hosts_of(&by_file, &format!("{group}_batch{n}")),
                [*host],
                "{version}"
            );
        }
        let excluded = exclude.trim_matches('\'');
        assert_eq!(hosts_of(&by_file, &format!("{group}_excluded")), [excluded]);
    }
    // Vars mean what they mean to ansible-core.
    assert_eq!(
        [
            &hostvars["1.1"]["x"],
            &hostvars["1.1"]["y"],
            &hostvars["1.1"]["z"]
        ],
        [&json!(8), &json!(false), &json!(1000)]
    );
}

/// A problem in an inline strategy is reported at its line and column in the
/// plugin's file, with the name as written.
#[test]
fn inline_strategy_problems_point_into_the_plugin_file() {
    let dir = Dir::new("inline-problems");
    let fails_with = |text: &str, message: &str| {
        dir.write("rollout.regal.yml", text);
        let stderr = dir.list("rollout.regal.yml").fails();
        let file = dir.0.join("rollout.regal.yml");
        let expected = format!("{}:{message}", file.display());
        assert!(stderr.contains(&expected), "{stderr}");
    };
    fails_with(
        &format!(
            "plugin: regal\nbinary: {BIN}\nstrategy:\n  versions:\n    yes:\n      hosts: [1.1, 2.2]\n      exclude: [1.10]\n"
        ),
        "7:17: exclude entry `1.10` matches no host of version `yes`",
    );

    // The binary sees only the strategy: an alias to an anchor outside it
    // is refused at the alias.
    fails_with(
        &format!(
            "plugin: regal\nbinary: {BIN}\nhosts: &web [w1, w2]\nstrategy:\n  versions:\n    app: *web\n"
        ),
        "6:10: the alias `*web` names an anchor outside the inline `strategy:`; define the anchor inside `strategy:`",
    );
}

/// The rollout playbook deploys the hosts of an inline strategy by their
/// names as written: `1.10` and `010`, not `1.1` and `8`.
#[test]
fn playbook_rolls_out_inline_hosts_by_their_names_as_written() {
    let mut s = Scenario::new("plugin-inline-rollout");
    s.inventory = s.dir.join("rollout.regal.yml");
    fs::write(
        &s.inventory,
        format!(
            "plugin: regal\nbinary: {BIN}\nstrategy:\n  vars: {{ansible_connection: local}}\n  versions:\n    yes: [1.10, 010, 1.1]\n"
        ),
    )
    .unwrap();
    let run = s.run(&[]);
    assert!(run.success(), "{}", run.report());
    let batch = |n: u32, host: &str| ("yes".to_string(), n, vec![host.to_string()]);
    assert_eq!(
        run.batches(),
        [batch(0, "1.10"), batch(1, "010"), batch(2, "1.1")],
        "{}",
        run.report()
    );
}

/// Mistakes in the plugin file's own options are refused with what to write.
#[test]
fn plugin_option_mistakes_say_what_to_change() {
    let dir = Dir::new("option-mistakes");
    dir.write("regal.yml", "versions: {app: [a1]}\n");
    for (text, message) in [
        (
            "stratgy: regal.yml\n",
            "rollout.regal.yml: `stratgy` is no option of the regal plugin; did you mean `strategy`?",
        ),
        (
            "Strategy: regal.yml\n",
            "rollout.regal.yml: `Strategy` is no option of the regal plugin; did you mean `strategy`?",
        ),
        (
            "strategy:\n",
            "rollout.regal.yml: `strategy` is a path to a regal.yml or the strategy as a mapping",
        ),
        (
            "strategy: [regal.yml]\n",
            "rollout.regal.yml: `strategy` is a path to a regal.yml or the strategy as a mapping",
        ),
    ] {
        dir.write(
            "rollout.regal.yml",
            &format!("plugin: regal\nbinary: {BIN}\n{text}"),
        );
        let stderr = dir.list("rollout.regal.yml").fails();
        assert!(stderr.contains(message), "{text}: {stderr}");
    }
}

/// A group regal-inventory makes that an earlier source already defines with
/// other hosts is refused: its hosts would join a batch regal never put them
/// in (here `d1` in `app_batch1`), or take a version's vars.
#[test]
fn a_group_an_earlier_source_defines_otherwise_is_refused() {
    let dir = Dir::new("group-clash");
    dir.plugin_file("regal.yml");
    let graph = |hosts: &str, strategy: &str| {
        dir.write("hosts.ini", hosts);
        dir.write("regal.yml", strategy);
        dir.ansible_inventory(
            &[
                "--playbook-dir",
                &playbook_dir(),
                "-i",
                "hosts.ini",
                "-i",
                "rollout.regal.yml",
                "--graph",
            ],
            &[],
        )
    };
    let web = "[web]\nw1\nw2\n[db]\nd1\n";
    for (hosts, strategy, group, listed) in [
        (
            "[web]\nw1\n[app_batch1]\nd1\n",
            "versions:\n  app: [a1, a2]\n",
            "app_batch1",
            "d1",
        ),
        (
            web,
            "versions:\n  web:\n    hosts_from: web\n",
            "web",
            "w1, w2",
        ),
    ] {
        let stderr = graph(hosts, strategy).fails();
        assert!(
            stderr.contains(&format!("rollout.regal.yml: regal-inventory makes the group `{group}`, which an earlier inventory source already defines otherwise (hosts: {listed}); give the version a `group:` name of its own")),
            "{stderr}"
        );
    }
    let out = graph(
        web,
        "versions:\n  web:\n    hosts_from: web\n    group: web_rollout\n",
    )
    .ok();
    assert!(
        out.contains("  |--@web_rollout:\n  |  |--@web_rollout_batch0:\n  |  |  |--w1\n"),
        "{out}"
    );
}

/// What README says of vars through the plugin: the strategy's top-level
/// `vars:` are vars of `all`, so they reach every host of the inventory (also
/// one no version rolls out) over an earlier source's `[all:vars]`; a
/// version's `vars:` reach only its hosts.
#[test]
fn top_level_vars_reach_every_host_version_vars_only_its_own() {
    let dir = Dir::new("vars-scope");
    dir.write(
        "hosts.ini",
        "[web]\nw1\n[db]\nd1\n[all:vars]\nansible_user=ops\n",
    );
    dir.write(
        "regal.yml",
        "vars: {ansible_user: deploy}\nversions:\n  app:\n    hosts_from: web\n    vars: {color: green}\n",
    );
    dir.plugin_file("regal.yml");
    let inventory = dir.list_sources(&["hosts.ini", "rollout.regal.yml"]).json();
    let hostvars = &inventory["_meta"]["hostvars"];
    assert_eq!(
        hostvars["d1"]["ansible_user"],
        json!("deploy"),
        "{hostvars}"
    );
    assert_eq!(
        hostvars["w1"]["ansible_user"],
        json!("deploy"),
        "{hostvars}"
    );
    assert_eq!(hostvars["w1"]["color"], json!("green"), "{hostvars}");
    assert!(hostvars["d1"].get("color").is_none(), "{hostvars}");
}

/// ansible-core's YAML inventory refuses a host key that YAML reads as null
/// (`~`, `null`, `NULL`, and `? ` with no key): `ansible-inventory --list` fails to parse
/// the source with "Host pattern None must be a string" (with
/// playbooks/ansible.cfg, the run fails). Quoted (`"~"`, `'null'`) they are
/// host names as written. regal-inventory does the same with a regal.yml:
/// the plain spellings are refused at their place, the quoted ones are the
/// same hosts as Ansible's.
#[test]
fn null_host_names_are_refused_as_ansible_core_refuses_them() {
    let dir = Dir::new("null-host-names");
    for (name, key) in [("tilde", "~"), ("null", "null"), ("upper", "NULL")] {
        let source = format!("{name}.yml");
        dir.write(
            &source,
            &format!("all:\n  hosts:\n    web1:\n    {key}:\n      a: 1\n"),
        );
        let stderr = dir.list(&source).fails();
        assert!(
            stderr.contains("Host pattern None must be a string"),
            "{key:?}: {stderr}"
        );
        dir.write(
            "regal.yml",
            &format!("versions:\n  app:\n    - web1\n    - {key}: {{a: 1}}\n"),
        );
        let check = dir.regal(&["check", "--config", "regal.yml"]);
        let stderr = check.stderr;
        assert_eq!(check.code, Some(1), "{key:?}: {stderr}");
        let expected =
            format!("regal.yml:4:7: `{key}` is read by YAML as null, not as a host name");
        assert!(stderr.starts_with(&expected), "{key:?}: {stderr}");
    }
    // Quoted, they are names, the same to Ansible and to regal-inventory.
    dir.write(
        "quoted.yml",
        "all:\n  children:\n    app:\n      hosts:\n        web1:\n        \"~\":\n          a: 1\n        'null':\n        \"NULL\":\n",
    );
    let ansible = dir.list("quoted.yml").json();
    dir.write(
        "regal.yml",
        "schedule: 4\nversions:\n  app:\n    - web1\n    - \"~\": {a: 1}\n    - 'null'\n    - \"NULL\"\n",
    );
    let regal = dir.regal(&["--list", "--config", "regal.yml"]).json();
    assert_eq!(hosts_of(&ansible, "app"), ["web1", "~", "null", "NULL"]);
    assert_eq!(hosts_of(&regal, "app_batch0"), hosts_of(&ansible, "app"));
    assert_eq!(regal["_meta"]["hostvars"]["~"]["a"], json!(1));
    assert_eq!(ansible["_meta"]["hostvars"]["~"]["a"], json!(1));
}

/// Earlier sources with nested children groups (`web` > `web_eu` >
/// `web_eu_canary`, groups written before their hosts), hosts in several
/// groups (`e1` in `web_eu` and `db`, `e2` in `web_eu` and `web_eu_canary`),
/// group vars as failure-domain labels (the deeper group's wins), an empty
/// group, ungrouped hosts of an INI file and of a YAML file's `all: hosts:`,
/// and a YAML group under `all: children:`.
const NESTED_INI: &str = "\
top1
top2

[web:children]
web_eu
web_us

[web_eu:children]
web_eu_canary

[web]
w0

[web_us]
u1 zone=us
u2 zone=us

[web_eu]
e1
e2

[web_eu_canary]
c1
e2

[db]
d1
e1

[web:vars]
zone=core

[web_eu:vars]
zone=eu

[web_eu_canary:vars]
zone=eu-canary

[maintenance]
";

const NESTED_YML: &str = "\
all:
  hosts:
    y2:
  children:
    cache:
      hosts:
        k1:
";

/// The sources NESTED_INI and NESTED_YML, as `-i` arguments.
const NESTED: [&str; 4] = ["-i", "hosts.ini", "-i", "hosts.yml"];

impl Dir {
    /// A directory holding NESTED_INI and NESTED_YML.
    fn nested(name: &str) -> Dir {
        let dir = Dir::new(name);
        dir.write("hosts.ini", NESTED_INI);
        dir.write("hosts.yml", NESTED_YML);
        dir
    }

    /// `rollout.regal.yml`, the plugin reading `strategy`.
    fn plugin_file(&self, strategy: &str) -> PathBuf {
        let text = format!("plugin: regal\nstrategy: {strategy}\nbinary: {BIN}\n");
        self.write("rollout.regal.yml", &text)
    }

    /// `earlier.json`: `ansible-inventory --list` of the nested sources.
    fn earlier_json(&self) {
        self.write("earlier.json", &self.list_nested(&[]).to_string());
    }

    /// `ansible-inventory --list` of the nested sources and `more`.
    fn list_nested(&self, more: &[&str]) -> Value {
        let playbooks = playbook_dir();
        let args = [
            &["--playbook-dir", &playbooks],
            &NESTED[..],
            more,
            &["--list"],
        ];
        self.ansible_inventory(&args.concat(), &[]).json()
    }

    /// Ansible's own order of a pattern's hosts in the nested sources.
    fn nested_order(&self, pattern: &str) -> Vec<String> {
        let args = [&NESTED[..], &[pattern, "--list-hosts"]].concat();
        let out = self.ansible_tool("ansible", &args, &[]).ok();
        out.lines().skip(1).map(|l| l.trim().to_string()).collect()
    }
}

/// The hosts of each batch group of a `--list` inventory, by group name
/// (ansible-inventory prints groups sorted by name).
fn batches_of(inventory: &Value) -> Vec<(String, Vec<String>)> {
    let groups = inventory.as_object().unwrap().keys();
    let mut batches: Vec<(String, Vec<String>)> = (groups.filter(|g| g.contains("_batch")))
        .map(|g| (g.clone(), hosts_of(inventory, g)))
        .collect();
    batches.sort();
    batches
}

/// `--external-hosts` of what `ansible-inventory --list` prints gives the
/// batches the plugin gives, and each version's hosts come in the order
/// Ansible itself gives its pattern (`ansible PATTERN --list-hosts`);
/// `check`, `plan` and `plan --resume-from` take the file too.
#[test]
fn ansible_inventory_list_as_external_hosts_gives_the_plugins_batches() {
    let dir = Dir::nested("external-from-list");
    let list = |more: &[&str]| dir.list_nested(more);
    dir.earlier_json();
    let ansible_order = |pattern: &str| dir.nested_order(pattern);
    let version_hosts = |inventory: &Value, version: &str| -> Vec<String> {
        (batches_of(inventory).into_iter())
            .filter(|(g, _)| g.starts_with(&format!("{version}_batch")))
            .flat_map(|(_, hosts)| hosts)
            .collect()
    };
    let versions = [
        ("app_web", "web:!maintenance", "\n    spread: zone"),
        ("app_ungrouped", "ungrouped", ""),
        ("app_rest", "all:!web:!ungrouped", ""),
        ("app_nested", "web_eu", ""),
    ];
    // Through the plugin and through --external-hosts; app_nested alone
    // (its hosts are app_web's), both without failure domains.
    for (name, chosen) in [
        ("regal.yml", &versions[..3]),
        ("nested.yml", &versions[3..]),
    ] {
        let mut strategy = String::from("schedule: 1\ncombine: 2\nversions:\n");
        for (version, pattern, more) in chosen {
            strategy += &format!("  {version}:\n    hosts_from: '{pattern}'{more}\n");
        }
        dir.write(name, &strategy);
        dir.plugin_file(name);
        let plugin = list(&["-i", "rollout.regal.yml"]);
        let external = [
            "--list",
            "--config",
            name,
            "--external-hosts",
            "earlier.json",
        ];
        let regal = dir.regal(&external).json();
        assert_eq!(batches_of(&regal), batches_of(&plugin), "{name}");
        for (version, pattern, more) in chosen {
            let mut ours = version_hosts(&regal, version);
            let mut ansible = ansible_order(pattern);
            if !more.is_empty() {
                // Spread by zone: the same hosts, canary from the first zone.
                assert_eq!(ours[0], "w0");
                ours.sort();
                ansible.sort();
            }
            assert_eq!(ours, ansible, "{version}: {pattern}");
        }
    }
    assert_eq!(ansible_order("web_eu"), ["e1", "e2", "c1"]);
    assert_eq!(ansible_order("ungrouped"), ["top1", "top2", "y2"]);
    // check, plan and plan --resume-from read the same file.
    let external = ["--config", "regal.yml", "--external-hosts", "earlier.json"];
    let check = dir.regal(&[&["check"], &external[..]].concat()).ok();
    assert!(
        check.contains("ok: 3 versions, 11 hosts in 8 batches"),
        "{check}"
    );
    let plan = ["plan", "--format", "json"];
    let plan = dir.regal(&[&plan[..], &external[..]].concat()).json();
    let mut planned: Vec<&str> = (plan["versions"].as_array().unwrap().iter())
        .flat_map(|v| v["batches"].as_array().unwrap().iter())
        .map(|b| b["group"].as_str().unwrap())
        .collect();
    planned.sort();
    let regal = dir.regal(&[&["--list"], &external[..]].concat()).json();
    let listed: Vec<String> = batches_of(&regal).into_iter().map(|(g, _)| g).collect();
    assert_eq!(planned, listed);
    let resume = [
        "plan",
        "--resume-from",
        "app_web_batch1",
        "--format",
        "json",
    ];
    let resume = dir.regal(&[&resume[..], &external[..]].concat()).json();
    assert!(
        resume["limit"].as_str().unwrap().contains("app_web"),
        "{resume}"
    );
}

/// `all` through the plugin is Ansible's own `all`: hosts listed under a
/// YAML source's `all: hosts:` come first. `ansible-inventory --list` does
/// not print them as hosts of `all`, so from its output they come with
/// `ungrouped` (README, plugin section).
#[test]
fn all_through_the_plugin_and_through_ansible_inventory_list() {
    let dir = Dir::nested("external-all");
    dir.write(
        "regal.yml",
        "combine: '100%'\nschedule: '100%'\nversions:\n  app:\n    hosts_from: all\n",
    );
    dir.plugin_file("regal.yml");
    let plugin = dir.list_nested(&["-i", "rollout.regal.yml"]);
    let ansible = dir.nested_order("all");
    let all = [
        "y2", "top1", "top2", "k1", "w0", "d1", "e1", "e2", "u1", "u2", "c1",
    ];
    assert_eq!(ansible, all);
    assert_eq!(hosts_of(&plugin, "app_batch0"), all);
    dir.earlier_json();
    let external = [
        "--list",
        "--config",
        "regal.yml",
        "--external-hosts",
        "earlier.json",
    ];
    let regal = dir.regal(&external).json();
    let from_list = [
        "top1", "top2", "y2", "k1", "w0", "d1", "e1", "e2", "u1", "u2", "c1",
    ];
    assert_eq!(hosts_of(&regal, "app_batch0"), from_list);
}

/// `ansible-inventory --list --export` leaves group vars out of the host
/// vars (failure-domain labels may be among them): refused, naming the file
/// and the way to write it.
#[test]
fn ansible_inventory_list_export_is_refused_naming_the_file() {
    let dir = Dir::nested("external-export");
    dir.write(
        "regal.yml",
        "spread: zone\nversions:\n  app:\n    hosts_from: web\n",
    );
    let export = dir.list_nested(&["--export"]);
    dir.write("exported.json", &export.to_string());
    let args = [
        "plan",
        "--config",
        "regal.yml",
        "--external-hosts",
        "exported.json",
    ];
    let run = dir.regal(&args);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with(
            "regal-inventory: exported.json: cannot use the external hosts: group `web"
        ) && run
            .stderr
            .contains("this is `ansible-inventory --list --export`")
            && run.stderr.contains("without --export"),
        "{}",
        run.stderr
    );
    // Without --export, the labels come from the group vars.
    dir.write("listed.json", &dir.list_nested(&[]).to_string());
    let args = [
        "--list",
        "--config",
        "regal.yml",
        "--external-hosts",
        "listed.json",
    ];
    let inventory = dir.regal(&args).json();
    assert_eq!(hosts_of(&inventory, "app_batch0"), ["w0"]);
}

/// A stopped rollout of `hosts_from` hosts, resumed as README says without
/// the plugin's help: `plan --resume-from` with `--external-hosts` of
/// `ansible-inventory --list` prints the limit, and `ansible-playbook` with
/// the plugin and that limit runs exactly the remaining batches.
#[test]
fn resume_of_hosts_from_with_ansible_inventory_list() {
    let mut s = Scenario::new("resume-hosts-from-list");
    s.inventory = s.dir.join("hosts.ini");
    let local = "\n[all:vars]\nansible_connection=local\n";
    fs::write(&s.inventory, format!("{NESTED_INI}{local}")).unwrap();
    let dir = Dir(s.dir.clone());
    dir.write("hosts.yml", NESTED_YML);
    dir.write(
        "regal.yml",
        "schedule: 1\ncombine: 2\nversions:\n  app-web:\n    hosts_from: 'web:!maintenance'\n",
    );
    let plugin = dir.plugin_file("regal.yml");
    dir.earlier_json();
    let resume = [
        "plan",
        "--resume-from",
        "app_web_batch1",
        "--format",
        "json",
        "--config",
        "regal.yml",
        "--external-hosts",
        "earlier.json",
    ];
    let resume = dir.regal(&resume).json();
    let limit = resume["limit"].as_str().unwrap();
    let run = s.run(&[
        "-i",
        "hosts.yml",
        "-i",
        &plugin.display().to_string(),
        "--limit",
        limit,
    ]);
    assert!(run.success(), "{}", run.report());
    let batch = |n: u32, hosts: &[&str]| {
        let hosts = hosts.iter().map(|h| h.to_string()).collect::<Vec<_>>();
        ("app-web".to_string(), n, hosts)
    };
    assert_eq!(
        run.batches(),
        [
            batch(1, &["e1", "e2"]),
            batch(2, &["u1", "u2"]),
            batch(3, &["c1"])
        ],
        "{}",
        run.report()
    );
    assert!(!run.ran("w0"), "{}", run.report());
}

/// Failure-domain labels from `group_vars/` and `host_vars/` files beside the
/// inventory sources (host_group_vars), taken as a play sees them: a
/// group_vars file over the INI file's `[web_eu:vars]`, the deeper group
/// (`web_eu`) over its parent (`eu`), a host_vars file (w2) over them all.
const LABELS_INI: &str = "\
[web]
w1
w2
w3
w4
w5
w6
[web_eu]
w1
w2
w3
[web_us]
w4
w5
w6
[web_eu:vars]
zone=from-ini
[eu:children]
web_eu
[all:vars]
ansible_connection=local
";

/// The label files of LABELS_INI, in `dir`: w1 and w3 `eu`, w2 `ap`, w4-w6 `us`.
fn write_label_files(dir: &Path) {
    for (file, text) in [
        ("group_vars/eu.yml", "zone: parent-eu\n"),
        ("group_vars/web_eu.yml", "zone: eu\n"),
        ("group_vars/web_us/zone.yml", "zone: us\n"),
        ("host_vars/w2.yml", "zone: ap\n"),
    ] {
        let path = dir.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

/// The batches of LABELS_INI's web hosts spread over the zones of
/// write_label_files (eu, ap, us taken in turn). Without the files the INI
/// labels alone would not batch (w4-w6 have no zone).
fn label_batches(group: &str) -> Vec<(String, Vec<String>)> {
    let hosts: [&[&str]; 4] = [&["w1"], &["w2", "w4"], &["w3", "w5"], &["w6"]];
    (hosts.iter().enumerate())
        .map(|(n, h)| {
            let hosts = h.iter().map(|h| h.to_string()).collect();
            (format!("{group}_batch{n}"), hosts)
        })
        .collect()
}

/// Each batch's hosts have distinct zones by Ansible's own vars (what
/// `ansible-inventory --list` computes for a host, as a play does).
fn assert_spread_by_ansibles_vars(inventory: &Value) {
    let zone = |h: &str| inventory["_meta"]["hostvars"][h]["zone"].clone();
    assert_eq!(zone("w2"), json!("ap"), "{inventory:#}");
    assert_eq!(zone("w3"), json!("eu"), "{inventory:#}");
    assert_eq!(zone("w6"), json!("us"), "{inventory:#}");
    for (batch, hosts) in batches_of(inventory) {
        let zones: std::collections::BTreeSet<String> =
            hosts.iter().map(|h| zone(h).to_string()).collect();
        assert_eq!(zones.len(), hosts.len(), "{batch}: {hosts:?}");
    }
}

#[test]
fn labels_in_group_vars_and_host_vars_files_beside_an_ini_source() {
    let dir = Dir::new("labels-vars-files");
    dir.write("hosts.ini", LABELS_INI);
    write_label_files(&dir.0);
    dir.write(
        "regal.yml",
        "schedule: 1\ncombine: 2\nspread: zone\nversions:\n  app:\n    hosts_from: web\n",
    );
    dir.plugin_file("regal.yml");
    let run = dir.list_sources(&["hosts.ini", "rollout.regal.yml"]);
    assert!(run.stderr.trim().is_empty(), "no warning\n{}", run.stderr);
    let inventory = run.json();
    assert_eq!(batches_of(&inventory), label_batches("app"));
    assert_spread_by_ansibles_vars(&inventory);

    // A source given after the plugin file: a play reads the group_vars/
    // beside it too (here making w4-w6 `eu`), so the labels are those.
    fs::create_dir_all(dir.0.join("later/group_vars")).unwrap();
    dir.write("later/extra.ini", "[other]\nx1\n");
    dir.write("later/group_vars/web_us.yml", "zone: eu\n");
    let inventory = dir
        .list_sources(&["hosts.ini", "rollout.regal.yml", "later/extra.ini"])
        .json();
    assert_eq!(inventory["_meta"]["hostvars"]["w4"]["zone"], json!("eu"));
    let batch = |n: u32, hosts: &[&str]| {
        let hosts = hosts.iter().map(|h| h.to_string()).collect();
        (format!("app_batch{n}"), hosts)
    };
    assert_eq!(
        batches_of(&inventory),
        [
            batch(0, &["w1"]),
            batch(1, &["w2", "w3"]),
            batch(2, &["w4", "w5"]),
            batch(3, &["w6"])
        ]
    );

    // The rollout playbook runs those batches.
    let mut s = Scenario::new("plugin-labels-rollout");
    s.inventory = s.dir.join("hosts.ini");
    fs::write(&s.inventory, LABELS_INI).unwrap();
    write_label_files(&s.dir);
    fs::write(
        s.dir.join("regal.yml"),
        "schedule: 1\ncombine: 2\nspread: zone\nversions:\n  app:\n    hosts_from: web\n",
    )
    .unwrap();
    let plugin = s.dir.join("rollout.regal.yml");
    fs::write(
        &plugin,
        format!("plugin: regal\nstrategy: regal.yml\nbinary: {BIN}\n"),
    )
    .unwrap();
    let run = s.run(&["-i", &plugin.display().to_string()]);
    assert!(run.success(), "{}", run.report());
    let ran: Vec<(String, Vec<String>)> = (run.batches().into_iter())
        .map(|(v, n, hosts)| (format!("{v}_batch{n}"), hosts))
        .collect();
    assert_eq!(ran, label_batches("app"), "{}", run.report());
}

/// The same labels in an inventory directory (`-i inventory/prod/`) holding
/// the INI file, the label files and a regal.yml that is its own plugin file.
#[test]
fn labels_in_group_vars_and_host_vars_files_of_an_inventory_directory() {
    let dir = Dir::new("labels-vars-files-dir");
    let prod = dir.prod();
    fs::write(prod.join("hosts.ini"), LABELS_INI).unwrap();
    write_label_files(&prod);
    fs::write(
        prod.join("regal.yml"),
        "plugin: regal\nschedule: 1\ncombine: 2\nspread: zone\nversions:\n  web-v2:\n    hosts_from: web\n",
    )
    .unwrap();
    let bin = dir.bin_on_path();
    let run = dir.list_prod(&bin);
    assert!(run.stderr.trim().is_empty(), "no warning\n{}", run.stderr);
    let inventory = run.json();
    assert_eq!(batches_of(&inventory), label_batches("web_v2"));
    assert_spread_by_ansibles_vars(&inventory);
}
