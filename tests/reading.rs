//! How the binary reads regal.yml: names as written, vars as ansible-core
//! reads them, every line break YAML counts (issue 10's cases that must
//! succeed; those that must be refused are in tests/bad_strategies/).

use serde_json::{Value, json};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

/// The binary with `mode` on the strategy `yaml` (raw bytes), as `regal.yml`.
fn run(mode: &str, yaml: &[u8]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regal.yml"), yaml).unwrap();
    Command::new(BIN)
        .args([mode, "--config", "regal.yml"])
        .current_dir(dir.path())
        .env_remove("REGAL_CONFIG")
        .output()
        .unwrap()
}

/// `--list` of the strategy `yaml` (raw bytes); must succeed silently.
fn list(yaml: &[u8]) -> Value {
    let out = run("--list", yaml);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{yaml:?}: {stderr}");
    assert_eq!(stderr, "", "stderr must stay silent on success");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every host of `group`'s batches, in rollout order.
fn hosts(inventory: &Value, group: &str) -> Vec<String> {
    let batches = inventory[group]["children"].as_array().unwrap();
    (batches.iter())
        .flat_map(|b| inventory[b.as_str().unwrap()]["hosts"].as_array().unwrap())
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

fn excluded(inventory: &Value, group: &str) -> Vec<String> {
    let hosts = &inventory[format!("{group}_excluded")]["hosts"];
    (hosts.as_array().into_iter().flatten())
        .map(|h| h.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn exclude_entries_are_names_as_written() {
    let inventory = list(b"exclude: [10.10]\nversions:\n  app: [10.1, 10.10]\n");
    assert_eq!(hosts(&inventory, "app"), ["10.1"]);
    assert_eq!(excluded(&inventory, "app"), ["10.10"]);
    let inventory = list(b"versions:\n  app:\n    hosts: [31, 0x1F]\n    exclude: 0x1F\n");
    assert_eq!(hosts(&inventory, "app"), ["31"]);
    assert_eq!(excluded(&inventory, "app"), ["0x1F"]);
    let inventory = list(b"versions:\n  app:\n    hosts: [1.1, 1.10]\n    exclude: 1.10\n");
    assert_eq!(hosts(&inventory, "app"), ["1.1"]);
    assert_eq!(excluded(&inventory, "app"), ["1.10"]);
}

#[test]
fn every_line_break_yaml_counts_keeps_names_on_their_line() {
    for source in [
        &b"# c\r\r\nversions:\n  app:\n    - 1.10\n    - 2.20\n  web: [w1]\n"[..],
        b"# c\rversions:\r  app:\r    - 1.10\r    - 2.20\r  web: [w1]\r",
        b"# c\r\nversions:\r\n  app:\r\n    - 1.10\r\n    - 2.20\r\n  web: [w1]\r\n",
    ] {
        let inventory = list(source);
        assert_eq!(hosts(&inventory, "app"), ["1.10", "2.20"], "{source:?}");
        assert_eq!(hosts(&inventory, "web"), ["w1"], "{source:?}");
    }
    let inventory = list(b"# c\r\r\npriority: 1.10\nversions:\n  1.1: [a]\n  1.10: [b]\n");
    assert_eq!(inventory["all"]["children"], json!(["_1_10", "_1_1"]));
}

#[test]
fn anchors_tags_and_numbers_do_not_change_a_name() {
    let inventory = list(b"versions:\n  app: [&h 1.10, !!float 2.10, 010, 1e3, .inf, -0, true]\n");
    assert_eq!(
        hosts(&inventory, "app"),
        ["1.10", "2.10", "010", "1e3", ".inf", "-0", "true"]
    );
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let inventory = list(b"\xef\xbb\xbfversions:\n  app: web1\n");
    assert_eq!(hosts(&inventory, "app"), ["web1"]);
    let inventory = list(b"\xef\xbb\xbfversions: {app: [web1, 'web2']}\n");
    assert_eq!(hosts(&inventory, "app"), ["web1", "web2"]);
    // With a document start, a directive, a comment or CRLF: still one document.
    for source in [
        &b"\xef\xbb\xbf---\nversions:\n  app: [1.10]\n"[..],
        b"\xef\xbb\xbf%YAML 1.1\n---\nversions:\n  app: [1.10]\n...\n",
        b"\xef\xbb\xbf# c\r\nversions:\r\n  app:\r\n    - 1.10\r\n",
    ] {
        let inventory = list(source);
        assert_eq!(hosts(&inventory, "app"), ["1.10"], "{source:?}");
    }
}

#[test]
fn a_group_that_only_looks_like_a_batch_group_is_no_clash() {
    let inventory = list(b"versions: {a_batch01: web1, a: \"web2,web3\"}\n");
    assert_eq!(hosts(&inventory, "a"), ["web2", "web3"]);
    assert_eq!(hosts(&inventory, "a_batch01"), ["web1"]);
    // `a` has two batches: a version named `a_batch5` is no clash either.
    let inventory = list(b"versions: {a_batch5: web1, a: \"web2,web3\"}\n");
    assert_eq!(hosts(&inventory, "a_batch5"), ["web1"]);
}

/// `a_excluded` is `a`'s group only when `a` excludes hosts (the clash is in
/// tests/bad_strategies/rule-group-clash-excluded-group.yml).
#[test]
fn an_excluded_group_of_a_version_that_excludes_nothing_is_no_clash() {
    let inventory = list(b"versions: {a_excluded: web1, a: \"web2,web3\"}\n");
    assert_eq!(hosts(&inventory, "a"), ["web2", "web3"]);
    assert_eq!(hosts(&inventory, "a_excluded"), ["web1"]);
    assert_eq!(inventory["a_excluded"]["vars"].get("regal_excluded"), None);
    // Nor when the exclusion is of another version's host.
    let inventory = list(b"exclude: web1\nversions:\n  a: web2\n  a_excluded: web1, web3\n");
    assert_eq!(hosts(&inventory, "a_excluded"), ["web3"]);
    assert_eq!(excluded(&inventory, "a_excluded"), ["web1"]);
}

/// The vars of every vars mapping mean what they mean to ansible-core
/// (YAML 1.1); the table itself is checked against ansible-inventory in
/// tests/yaml11_ansible.rs.
#[test]
fn vars_resolve_as_ansible_core_reads_them() {
    let vars = "{a: no, b: yes, c: on, d: 0o17, e: 1_000, f: 010, g: 1e3, h: 1:30, i: 2001-12-14, j: 'no', k: \"1_000\", l: ~}";
    let expected = json!({"a": false, "b": true, "c": true, "d": "0o17", "e": 1000, "f": 8,
        "g": "1e3", "h": 90, "i": "2001-12-14", "j": "no", "k": "1_000", "l": null});
    let yaml = format!(
        "vars: {vars}\ncanary_vars: {vars}\nbatch_vars: {vars}\nversions:\n  app:\n    hosts:\n      - web1: {vars}\n      - web2\n    vars: {vars}\n"
    );
    let inventory = list(yaml.as_bytes());
    let strip = |v: &Value| {
        let mut v = v.as_object().unwrap().clone();
        v.retain(|k, _| !k.starts_with("regal_"));
        Value::Object(v)
    };
    assert_eq!(strip(&inventory["all"]["vars"]), expected);
    assert_eq!(strip(&inventory["app"]["vars"]), expected);
    assert_eq!(strip(&inventory["app_batch0"]["vars"]), expected);
    assert_eq!(strip(&inventory["app_batch1"]["vars"]), expected);
    assert_eq!(strip(&inventory["_meta"]["hostvars"]["web1"]), expected);
}

#[test]
fn an_excluded_host_needs_no_failure_domain_label() {
    let yaml = b"spread: zone\nexclude: web3\nversions:\n  a:\n    - web1: {zone: a}\n    - web2: {zone: b}\n    - web3\n";
    let inventory = list(yaml);
    assert_eq!(excluded(&inventory, "a"), ["web3"]);
}

/// A key inside a var's value resolves as ansible-core prints it; a var's
/// own name is its text.
#[test]
fn keys_inside_var_values_resolve_as_ansible_core_prints_them() {
    let inventory =
        list(b"vars:\n  x: {on: 1, 010: 2, 'on': 3, a: {yes: 4}}\n  on: 5\nversions: {a: w}\n");
    let vars = &inventory["all"]["vars"];
    assert_eq!(
        vars["x"],
        json!({"true": 1, "8": 2, "on": 3, "a": {"true": 4}})
    );
    assert_eq!(vars["on"], json!(5));
}

/// `check` of the strategy `yaml`: its exit code and the problems it lists
/// (stderr), with the file's name taken out.
fn check(yaml: &str) -> (Option<i32>, String) {
    let out = run("check", yaml.as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr).replace("regal.yml", "F");
    (out.status.code(), stderr)
}

/// A flow list over many lines, with comments, blank lines, a trailing comma,
/// escapes and tags, gives the hosts of the same list in block style; the
/// fast reader takes it, and the event parser (which takes a file the fast
/// reader leaves, here for a tab between a flow list's items) gives the same.
#[test]
fn a_flow_list_over_many_lines_reads_as_the_block_list() {
    let flow = "versions:\n  app: [\n    web1,  # first\n\n    # more\n    'web2', \"web\\x2d3\",\n    !!str 1.10,\n    010\n    , web5,\n  ]\n  db: {hosts: [db1,\n      db2], vars: {a: 1,\n   b: [x, y,],}}\n";
    let block = "versions:\n  app:\n    - web1\n    - web2\n    - web-3\n    - 1.10\n    - 010\n    - web5\n  db:\n    hosts: [db1, db2]\n    vars: {a: 1, b: [x, y]}\n";
    assert!(regal_inventory::strategy::block_yaml::read(flow).is_some());
    let with_tab = flow.replace("'web2', ", "'web2',\t");
    assert!(regal_inventory::strategy::block_yaml::read(&with_tab).is_none());
    let expected = list(block.as_bytes());
    for source in [flow.to_string(), with_tab, flow.replace('\n', "\r\n")] {
        assert_eq!(list(source.as_bytes()), expected, "{source:?}");
    }
}

/// Problems inside a flow list over many lines are placed at their entries,
/// by either reader.
#[test]
fn problems_in_a_flow_list_over_many_lines_are_placed_at_their_entries() {
    let yaml = "versions:\n  app: [\n    web1,  # first\n\n    'web 2',\n    # a comment\n    '',\n       web1, web3,\n    web3\n  ]\n  db: {hosts: [db1,\n      db1], vars: {a: 1,\n    a: 2}}\n";
    let (code, fast) = check(yaml);
    assert_eq!(code, Some(1), "{fast}");
    let at: Vec<&str> = (fast.lines())
        .filter_map(|line| line.strip_prefix("F:")?.split(": ").next())
        .collect();
    assert_eq!(at, ["5:5", "7:5", "8:8", "9:5", "12:7", "13:5"], "{fast}");
    for source in [
        yaml.replace("'web 2',", "'web 2',\t"),
        yaml.replace('\n', "\r\n"),
    ] {
        assert_eq!(check(&source), (code, fast.clone()), "{source:?}");
    }
}

/// Literal and folded block scalars in vars, with comments and blank lines,
/// read the same by the fast reader and by the event parser (which reads the
/// whole file after a directive).
#[test]
fn block_scalars_read_the_same_by_either_reader() {
    let yaml = "vars:\n  motd: |\n    Welcome\n     to\n\n    # not a comment\n  # a comment\n  hosts: >-\n    web1,\n    web2\n\n    web3\n  last: |\n    end\nversions: {app: [web1]}\n";
    assert!(regal_inventory::strategy::block_yaml::read(yaml).is_some());
    let inventory = list(yaml.as_bytes());
    let vars = &inventory["all"]["vars"];
    assert_eq!(vars["motd"], "Welcome\n to\n\n# not a comment\n");
    assert_eq!(vars["hosts"], "web1, web2\nweb3");
    assert_eq!(vars["last"], "end\n");
    let directive = format!("%YAML 1.2\n---\n{yaml}");
    assert!(regal_inventory::strategy::block_yaml::read(&directive).is_none());
    assert_eq!(list(directive.as_bytes()), inventory);
}

/// A host range with no start begins at 0, as Ansible expands it, in hosts and
/// in `exclude` alike.
#[test]
fn a_range_without_a_start_begins_at_zero() {
    let inventory = list(b"exclude: 'w[:1]'\nversions:\n  app: 'w[:3]'\n");
    assert_eq!(hosts(&inventory, "app"), ["w2", "w3"]);
    assert_eq!(excluded(&inventory, "app"), ["w0", "w1"]);
}

/// Every batch of `group`, in order, as its hosts.
fn batches(inventory: &Value, group: &str) -> Vec<Vec<String>> {
    let batches = inventory[group]["children"].as_array().unwrap();
    (batches.iter())
        .map(|b| inventory[b.as_str().unwrap()]["hosts"].as_array().unwrap())
        .map(|hosts| {
            hosts
                .iter()
                .map(|h| h.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// A failure-domain label is the text as written: `1.10` and `1.1`, `on`,
/// `true` and `'true'`, `010` and `8` are each a domain of their own, so that
/// `domain_at_a_time` never puts in one batch what the operator wrote as two
/// domains. A string is the same label however it is quoted (`eu`, `"eu"`).
#[test]
fn failure_domain_labels_are_the_text_as_written() {
    let yaml = b"schedule: 10\ncombine: 10\ndomain_at_a_time: zone\nversions:\n  app:\n    - a1: {zone: 1.10}\n    - a2: {zone: 1.1}\n    - b1: {zone: on}\n    - b2: {zone: true}\n    - b3: {zone: 'true'}\n    - c1: {zone: 010}\n    - c2: {zone: 8}\n    - d1: {zone: eu}\n    - d2: {zone: \"eu\"}\n    - d[3:4]: {zone: eu}\n    - e1: {zone: \"1.10\"}\n";
    let inventory = list(yaml);
    let expected: Vec<Vec<&str>> = vec![
        vec!["a1"],
        vec!["a2"],
        vec!["b1"],
        vec!["b2"],
        vec!["b3"],
        vec!["c1"],
        vec!["c2"],
        vec!["d1", "d2", "d3", "d4"],
        vec!["e1"],
    ];
    assert_eq!(batches(&inventory, "app"), expected);
    // `spread` takes one host of each domain in turn: nine domains, then d2..d4.
    let spread = String::from_utf8_lossy(yaml).replace("domain_at_a_time", "spread");
    let inventory = list(spread.as_bytes());
    let order = hosts(&inventory, "app");
    assert_eq!(
        order,
        [
            "a1", "a2", "b1", "b2", "b3", "c1", "c2", "d1", "e1", "d2", "d3", "d4"
        ]
    );
}

/// Aliases that repeat more nodes than the fixed bound of 100,000, in a file
/// long enough to hold that many (each of 60,000 hosts given its vars by an
/// alias: 180,000 nodes in 1.6 MB), are read as ansible-core reads them;
/// a short file whose aliases repeat that many ("billion laughs") is refused.
#[test]
fn aliases_on_every_host_of_a_big_fleet_are_read() {
    let mut yaml =
        String::from("combine: 1000\nversions:\n  app:\n    - web-00000: &v {zone: a}\n");
    for i in 1..60_000 {
        yaml.push_str(&format!("    - web-{i:05}: *v\n"));
    }
    let inventory = list(yaml.as_bytes());
    let hostvars = &inventory["_meta"]["hostvars"];
    assert_eq!(hosts(&inventory, "app").len(), 60_000);
    assert_eq!(hostvars["web-59999"], json!({"zone": "a"}));
    assert_eq!(hostvars["web-00000"], json!({"zone": "a"}));

    let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, prev) in ["bcdefg".chars().zip("abcdef".chars())]
        .into_iter()
        .flatten()
    {
        let ten = vec![format!("*{prev}"); 10].join(", ");
        laughs.push_str(&format!("{name}: &{name} [{ten}]\n"));
    }
    laughs.push_str("versions:\n  app: [web1]\n");
    let (code, stderr) = check(&laughs);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("aliases repeat too many nodes"), "{stderr}");
}

/// Host entries whose vars are an alias (`- w1: *v`, kept compactly) give
/// each host the anchored vars, the latest anchor of that name; vars tagged
/// `!unsafe` are written as ansible-core's JSON carries them (a string as an
/// object, a number as the number). Problems in anchored vars are listed
/// once, at the anchored vars; the hosts of a list that comes in again
/// through an alias are placed at that alias.
#[test]
fn aliased_host_entries_and_unsafe_vars_read_as_written() {
    let yaml = concat!(
        "versions:\n  a:\n    - w0: &v {zone: a}\n    - w1: *v\n",
        "    - w2: &v {zone: b, cmd: !unsafe 'x{{ y }}'}\n    - w3: *v\n",
        "  b: {hosts: [x1: {cmd: !unsafe \"q\", n: !unsafe '1'}]}\n",
    );
    let inventory = list(yaml.as_bytes());
    let hostvars = &inventory["_meta"]["hostvars"];
    let unsafe_b = json!({"zone": "b", "cmd": {"__ansible_unsafe": "x{{ y }}"}});
    assert_eq!(hostvars["w1"], json!({"zone": "a"}));
    assert_eq!(hostvars["w2"], unsafe_b);
    assert_eq!(hostvars["w3"], unsafe_b);
    assert_eq!(
        hostvars["x1"],
        json!({"cmd": {"__ansible_unsafe": "q"}, "n": 1})
    );

    let bad = "versions:\n  a: &l\n    - w0: &v {zone: a, regal_x: 1}\n    - w1: *v\n    - null: *v\n  b: *l\n";
    let (code, stderr) = check(bad);
    assert_eq!(code, Some(1), "{stderr}");
    let at: Vec<&str> = (stderr.lines())
        .filter_map(|line| line.strip_prefix("F:")?.split(": ").next())
        .collect();
    assert_eq!(at, ["2:6", "3:24", "6:6", "6:6", "6:6"], "{stderr}");
    assert!(stderr.contains("6:6: host `w1` is listed in version `a` at line 2 column 6"));
}
