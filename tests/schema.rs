//! The JSON Schema of `regal-inventory schema` against real strategies: every
//! file in inventory_examples/ passes, and mistakes an editor should flag fail.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn schema() -> jsonschema::Validator {
    let output = Command::new(env!("CARGO_BIN_EXE_regal-inventory"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(output.status.success());
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema")
}

/// YAML as editors see it through the schema: JSON, with every key as text.
fn yaml_to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(n).unwrap(),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_yaml::to_string(&other).unwrap().trim().to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn json_of(yaml: &str) -> Value {
    yaml_to_json(serde_yaml::from_str(yaml).unwrap())
}

/// Whether `regal-inventory check` accepts `yaml`: the schema and the reader agree.
fn binary_accepts(yaml: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("regal.yml");
    std::fs::write(&path, yaml).unwrap();
    Command::new(env!("CARGO_BIN_EXE_regal-inventory"))
        .arg("check")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap()
        .status
        .success()
}

fn problems(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_example_inventory_is_valid() {
    let validator = schema();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory_examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            continue;
        }
        let instance = json_of(&std::fs::read_to_string(&path).unwrap());
        let found = problems(&validator, &instance);
        assert!(found.is_empty(), "{}: {found:#?}", path.display());
        checked += 1;
    }
    assert!(checked > 0, "no examples in {}", dir.display());
}

#[test]
fn every_key_in_use_is_valid() {
    let validator = schema();
    let yaml = "\
vars: {ansible_user: deploy}
priority: app-v2
batches: [1, \"10%\", 5, \"100 %\"]
order: hash
salt: '2024-06'
pause_after_canary: 60
pause_between_batches: 0
confirm_after_canary: true
canary_vars: {smoke: true}
batch_vars: ~
exclude: web[07:08]
verify:
  - http: 'http://{{ ansible_host | default(inventory_hostname) }}:8080/health'
    status: [200, 204]
    contains: ok
    timeout: 3
    retries: 0
    delay: 1
  - tcp: '{{ ansible_host }}:5432'
  - command: systemctl is-active app
bake: 60
bake_last: false
versions:
  app-v1: a1, a2
  app-v2:
    verify: []
    group: app2
    hosts:
      - web[01:09]
      - 10.0.0.1: {ansible_port: 2222}
      - 1.10
      - b1:
    schedule: \"5%\"
    combine: 3
    exclude: [10.0.0.1]
  from-ini:
    hosts_from: web:&eu:!canary
    spread: zone
    pause_between_batches: ~
    verify: [{http: 'https://x/', status: 301}]
    bake: 30
    bake_last: true
  racks:
    hosts_from: db*
    domain_at_a_time: rack
";
    let found = problems(&validator, &json_of(yaml));
    assert!(found.is_empty(), "{found:#?}");
    assert!(binary_accepts(yaml));
}

#[test]
fn mistakes_are_flagged() {
    let validator = schema();
    for yaml in [
        "hosts: [a]\n",                                                   // no versions
        "versions: {}\n",                                                 // empty
        "versions: {v: a}\nschedul: 1\n",                                 // typo
        "versions: {v: a}\ncombine: 0\n",                                 // empty batches
        "versions: {v: a}\nbatches: [\"0%\"]\n",                          // empty batches
        "versions: {v: a}\nschedule: \"150%\"\n",                         // not a share
        "versions: {v: a}\npause_after_canary: -5\n",                     // negative
        "versions: {v: a}\norder: random\n",                              // unknown order
        "versions: {v: a}\nvars: {regal_batch: 1}\n",                     // reserved
        "versions: {v: {hosts: a, group: 9lives}}\n",                     // bad group
        "versions: {v: {hosts: a, group: all}}\n",                        // reserved group
        "versions: {v: {hosts: a, hosts_from: web}}\n",                   // both
        "versions: {v: {schedule: 1}}\n",                                 // neither
        "versions: {v: {hosts: a, serial: 2}}\n",                         // unknown key
        "versions: {v: [{a: {x: 1}, b: {y: 2}}]}\n",                      // two hosts in one item
        "versions: {v: a}\nconfirm_after_canary: maybe\n",                // not a bool
        "versions: {v: a}\nverify: [{htp: 'http://a/'}]\n",               // unknown check key
        "versions: {v: a}\nverify: [{retries: 1}]\n",                     // no check type
        "versions: {v: a}\nverify: [{http: 'http://a/', tcp: 'a:1'}]\n",  // two
        "versions: {v: a}\nverify: [{http: 'a/health'}]\n",               // not a URL
        "versions: {v: a}\nverify: [{tcp: 'a:1', status: 200}]\n",        // http only
        "versions: {v: a}\nverify: [{command: 'true', contains: ok}]\n",  // http only
        "versions: {v: a}\nverify: [{http: 'http://a/', retries: -1}]\n", // negative
        "versions: {v: a}\nverify: [{http: 'http://a/', timeout: 0}]\n",  // no time
        "versions: {v: a}\nverify: [{http: 'http://a/', status: 999}]\n", // not a status
        "versions: {v: a}\nverify: [{tcp: a}]\n",                         // no port
        "versions: {v: a}\nverify: {http: 'http://a/'}\n",                // not a list
        "versions: {v: a}\nverify: [{tcp: 'a:1'}]\nbake: -1\n",           // negative
        "versions: {v: a}\nverify: [{tcp: 'a:1'}]\nbake_last: 1\n",       // not a bool
    ] {
        let found = problems(&validator, &json_of(yaml));
        assert!(!found.is_empty(), "the schema accepts {yaml:?}");
        assert!(!binary_accepts(yaml), "regal-inventory accepts {yaml:?}");
    }
}
