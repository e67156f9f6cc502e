//! `yaml11::resolve_plain` against the reference: a real `ansible-inventory --list` (pinned
//! ansible-core) over a static YAML inventory holding every spelling of the table as a host var.

mod support;

use regal_inventory::yaml11::{NotResolved, resolve_plain, resolve_plain_key};
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Plain scalars, one per var. Each is resolved by ansible-core and by `resolve_plain`.
const SPELLINGS: &[&str] = &[
    // null
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "none",
    "None",
    // booleans: YAML 1.1 words, three casings each; `y`/`n` and odd casings are strings
    "true",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "False",
    "FALSE",
    "yes",
    "Yes",
    "YES",
    "yEs",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "oN",
    "y",
    "Y",
    "n",
    "N",
    // ints
    "0",
    "-0",
    "+0",
    "00",
    "007",
    "010",
    "-010",
    "0_7",
    "08",
    "09",
    "0o17",
    "0b101",
    "-0b101",
    "+0b1_0",
    "0B101",
    "0b",
    "0b2",
    "0x1F",
    "0x1f",
    "-0x1F",
    "0x_1_F",
    "0X1F",
    "0x",
    "0xG",
    "1_000",
    "1__0",
    "_1",
    "1_",
    "+1",
    "-1",
    "+",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "-9223372036854775808",
    "20011214",
    // base 60
    "1:30",
    "-1:30",
    "+1:30",
    "1:30:00",
    "1:5",
    "1:60",
    "1:300",
    "0:30",
    "1_0:30",
    "190:20:30",
    ":30",
    // floats
    "1.0",
    "1.",
    "0.",
    "0.0",
    "-0.0",
    ".5",
    "-.5",
    "+.5",
    ".",
    "._",
    "1.5",
    "-1.5",
    "+1.5",
    "1.0e3",
    "1.0e+3",
    "1.0E-3",
    "1.e+3",
    ".5e+1",
    "1e3",
    "1e+3",
    "1.5e10",
    "1_000.5",
    "1._",
    "1_.5",
    "1:30.5",
    "1:30.",
    "-1:30.5",
    "0:30.5",
    "1:60.5",
    "0.1",
    "100.0",
    "1.0e+16",
    "1.0e+15",
    "0.0001",
    "0.00001",
    "123456789.123456789",
    "3.0e-5",
    "1.7976931348623157e+308",
    "5.0e-324",
    "1.0e-400",
    "10.1",
    "10.10",
    "1.2.3",
    "0.0.0",
    "-.inf",
    "inf",
    "nan",
    "-.nan",
    ".infinity",
    "1,000",
    // timestamps
    "2001-12-14",
    "2000-02-29",
    "0001-01-01",
    "2001-1-1",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14T21:59:43Z",
    "2001-12-14 21:59:43.10 -5",
    "2001-12-15 2:59:43.10",
    "2001-12-14\t23:00:00\tZ",
    "2001-12-14 23:00:00.",
    "2001-12-14 23:00:00.1234567",
    "2001-12-14 23:00:00.000",
    "2001-12-14 23:00:00 +0",
    "2001-12-14 23:00:00 -0",
    "2001-12-14 23:00:00 -23:59",
    "2001-12-14 23:00:00 +5:99",
    "2001-12-14 23:00:00+01:30",
    "2001-12-14 23:00",
    "2001-12-14T",
    "2001-12-14 23:00:00 UTC",
    "01-12-14",
    // strings that look like something else
    "hello",
    "1 2",
    "0x1F ff",
    "yes please",
    "10.0.0.1",
    "1.10.0",
    "v1.0",
    // values JSON cannot carry: ansible-core prints `Infinity`, `NaN` or every digit
    ".inf",
    ".Inf",
    ".INF",
    "+.inf",
    "-.Inf",
    ".nan",
    ".NaN",
    ".NAN",
    "2.0e+308",
    "-2.0e+308",
    "123456789012345678901234567890",
    "-9223372036854775809",
    "18446744073709551616",
    "0x1_0000_0000_0000_0000",
    "99999999999:00:00",
];

/// Spellings PyYAML resolves to a type and cannot build: ansible-core refuses the inventory.
const REFUSED: &[&str] = &[
    "2001-13-45",
    "2001-02-29",
    "1900-02-29",
    "0000-01-01",
    "2001-12-14 24:00:00",
    "2001-12-14 23:60:00",
    "2001-12-14 23:00:60",
    "2001-12-14 23:00:00 +24",
    "2001-12-14 23:00:00 -23:99",
    "0x_",
    "-0b_",
    "<<",
    "=",
];

fn ansible_inventory(dir: &Path, inventory: &str) -> Output {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join("inventory.yml");
    fs::write(&path, inventory).unwrap();
    let mut cmd = Command::new(support::ansible_bin().join("ansible-inventory"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ANSIBLE_") {
            cmd.env_remove(key);
        }
    }
    cmd.arg("-i")
        .arg(&path)
        .arg("--list")
        .current_dir(dir)
        .env("ANSIBLE_HOME", dir.join("ansible-home"))
        .env("ANSIBLE_LOCAL_TEMP", dir.join("local-tmp"))
        .env("ANSIBLE_INVENTORY_ENABLED", "yaml")
        .env("ANSIBLE_NOCOLOR", "1")
        .output()
        .expect("run ansible-inventory")
}

fn work_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("yaml11")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// The text ansible-inventory prints for each var `vNNN` of host `h1` (its JSON output
/// is indented, one scalar var per line, and may hold `Infinity`/`NaN`, which are not JSON).
fn printed_vars(stdout: &str) -> Vec<(usize, String)> {
    stdout
        .lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("\"v")?;
            let (index, raw) = line.split_once("\": ")?;
            Some((
                index.parse().ok()?,
                raw.strip_suffix(',').unwrap_or(raw).to_owned(),
            ))
        })
        .collect()
}

fn is_big_int(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && raw.parse::<i64>().is_err()
        && raw.parse::<u64>().is_err()
}

#[test]
fn every_spelling_resolves_as_ansible_inventory_prints_it() {
    let mut inventory = String::from("all:\n  hosts:\n    h1:\n");
    for (i, text) in SPELLINGS.iter().enumerate() {
        inventory.push_str(&format!("      v{i:03}: {text}\n"));
    }
    let out = ansible_inventory(&work_dir("table"), &inventory);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "ansible-inventory failed: {}\n{stderr}",
        out.status
    );
    let printed = printed_vars(&stdout);
    let indices: Vec<usize> = printed.iter().map(|(i, _)| *i).collect();
    let mut sorted = indices.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        (0..SPELLINGS.len()).collect::<Vec<_>>(),
        "every var printed once:\n{stdout}"
    );

    let mut mismatches = Vec::new();
    let mut resolved = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for (i, raw) in &printed {
        let text = SPELLINGS[*i];
        match resolve_plain(text) {
            Ok(ours) => {
                resolved += 1;
                let theirs: Value = serde_json::from_str(raw)
                    .unwrap_or_else(|e| panic!("{text:?} printed as {raw}, not JSON: {e}"));
                let ours_text = serde_json::to_string(&ours).unwrap();
                // Same value and type; the same bytes too, except the spelling of a
                // float's exponent (Python `1e+16`, serde_json `1e16`).
                let same_bytes =
                    ours_text == *raw || (ours.is_f64() && raw.contains('e') && ours == theirs);
                if ours != theirs || !same_bytes {
                    mismatches.push(format!(
                        "{text:?}: ansible {raw}, resolve_plain {ours_text}"
                    ));
                }
                kinds.insert(match ours {
                    Value::Null => "null",
                    Value::Bool(_) => "bool",
                    Value::Number(n) if n.is_f64() => "float",
                    Value::Number(_) => "int",
                    Value::String(s) if s != text => "timestamp",
                    Value::String(_) => "string",
                    _ => unreachable!("a scalar"),
                });
            }
            Err(NotResolved::NotJson { what, .. }) => {
                let expected = match raw.as_str() {
                    "Infinity" => what == "the float infinity",
                    "-Infinity" => what == "the float minus infinity",
                    "NaN" => what == "the float NaN",
                    raw => is_big_int(raw) && what == format!("the integer {raw}, beyond 64 bits"),
                };
                if !expected {
                    mismatches.push(format!(
                        "{text:?}: ansible {raw}, resolve_plain NotJson({what})"
                    ));
                }
            }
            Err(e) => mismatches.push(format!("{text:?}: ansible {raw}, resolve_plain {e:?}")),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(resolved >= 40, "only {resolved} spellings compared");
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["bool", "float", "int", "null", "string", "timestamp"]
    );
}

/// The same spellings as keys of a nested mapping (`kNNN: {<spelling>: NNN}`): ansible-inventory
/// prints each key as Python's `json.dumps` writes the resolved key.
#[test]
fn every_spelling_as_a_key_resolves_as_ansible_inventory_prints_it() {
    let mut inventory = String::from("all:\n  hosts:\n    h1:\n");
    let mut keys = Vec::new();
    for (i, text) in SPELLINGS.iter().enumerate() {
        // ansible-inventory cannot print a date key (tested below); an empty key is not plain.
        let date_like = text.len() > 5
            && text[..4].bytes().all(|b| b.is_ascii_digit())
            && text.as_bytes()[4] == b'-';
        if text.is_empty() || date_like {
            continue;
        }
        inventory.push_str(&format!("      k{i:03}:\n        {text}: {i}\n"));
        keys.push(i);
    }
    let out = ansible_inventory(&work_dir("keys"), &inventory);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let vars = &printed["_meta"]["hostvars"]["h1"];
    let mut mismatches = Vec::new();
    for i in &keys {
        let text = SPELLINGS[*i];
        let map = vars[format!("k{i:03}")].as_object().unwrap();
        let theirs: Vec<&String> = map.keys().collect();
        match resolve_plain_key(text) {
            Ok(ours) if theirs == [&ours] => {}
            ours => mismatches.push(format!(
                "{text:?}: ansible {theirs:?}, resolve_plain_key {ours:?}"
            )),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(keys.len() > 100, "only {} keys", keys.len());

    // A date key: ansible-inventory fails, and resolve_plain_key refuses it.
    for text in ["2001-12-14", "2001-12-14 21:59:43.10 -5"] {
        let out = ansible_inventory(
            &work_dir("date-key"),
            &format!("all:\n  hosts:\n    h1:\n      k:\n        {text}: 1\n"),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("is not JSON serializable"),
            "{text:?}: {stderr}"
        );
        assert!(matches!(
            resolve_plain_key(text),
            Err(NotResolved::Refused(_))
        ));
    }
}

#[test]
fn spellings_ansible_cannot_build_are_refused_with_its_reason() {
    let handles: Vec<_> = REFUSED
        .iter()
        .enumerate()
        .map(|(i, text)| {
            std::thread::spawn(move || {
                let inventory = format!("all:\n  hosts:\n    h1:\n      v: {text}\n");
                let out = ansible_inventory(&work_dir(&format!("refused-{i}")), &inventory);
                (text, String::from_utf8_lossy(&out.stderr).into_owned())
            })
        })
        .collect();
    for handle in handles {
        let (text, stderr) = handle.join().unwrap();
        let reason = match resolve_plain(text) {
            Err(NotResolved::Refused(reason)) => reason,
            other => panic!("{text:?}: ansible-core refuses it, resolve_plain gives {other:?}"),
        };
        assert!(
            stderr.contains("Failed to parse inventory with 'yaml' plugin"),
            "{text:?}: ansible-core read it:\n{stderr}"
        );
        // PyYAML's reason, word for word, where it has one (`<<`/`=` name their tag instead).
        let theirs = if text == &"<<" || text == &"=" {
            "Could not determine a constructor for the tag".to_owned()
        } else {
            format!("YAML parsing failed: {reason}")
        };
        assert!(
            stderr.contains(&theirs),
            "{text:?}: expected {theirs:?} in:\n{stderr}"
        );
    }
}

/// Resolves each line of stdin (a JSON string) with ansible-core's own YAML loader, as the value
/// of a var. Prints one line per input: `SKIP` (not a plain scalar with that value), `OK <json>`,
/// `INF`, `-INF`, `NAN`, `BIG <digits>` (an int beyond 64 bits) or `ERR <reason>`; then, but for `SKIP`
/// and `ERR`, a tab and the value as `json.dumps` writes it as a key (or `REFUSED`).
const ORACLE: &str = r#"
import json, sys, datetime, math, yaml
from ansible._internal._yaml._loader import AnsibleLoader
for line in sys.stdin:
    text = json.loads(line)
    try:
        node = yaml.compose("v: " + text + "\n", Loader=AnsibleLoader)
        ok = node.value[0][1].style in (None, "") and node.value[0][1].value == text
    except yaml.YAMLError:
        ok = False
    if not ok:
        print("SKIP")
        continue
    try:
        v = yaml.load("v: " + text + "\n", Loader=AnsibleLoader)["v"]
    except Exception as e:
        print("ERR", str(e).splitlines()[0])
        continue
    try:
        key = json.dumps(next(iter(json.loads(json.dumps({v: 0})))))
    except TypeError:
        key = "REFUSED"
    if isinstance(v, float) and math.isnan(v):
        print("NAN", key, sep="\t")
    elif isinstance(v, float) and math.isinf(v):
        print("INF" if v > 0 else "-INF", key, sep="\t")
    elif isinstance(v, int) and not isinstance(v, bool) and not -2**63 <= v < 2**64:
        print("BIG " + str(v), key, sep="\t")
    elif isinstance(v, (datetime.date, datetime.datetime)):
        print("OK", json.dumps(v.isoformat()) + "\t" + key)
    else:
        print("OK", json.dumps(str(v) if isinstance(v, str) else v) + "\t" + key)
"#;

/// Thousands of generated spellings, built from the pieces the YAML 1.1 rules look at, resolved
/// by ansible-core's loader (the one `ansible-inventory` uses) and by `resolve_plain`.
#[test]
fn generated_spellings_resolve_as_ansible_cores_loader_does() {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "5",
        "7",
        "9",
        "_",
        ":",
        ".",
        "-",
        "+",
        "e",
        "E",
        "e+",
        "e-",
        "x",
        "b",
        "0x",
        "0b",
        "1F",
        "inf",
        "nan",
        "Inf",
        "NAN",
        "2001",
        "-12",
        "-14",
        "-1",
        "-5",
        " ",
        "\t",
        "T",
        "t",
        "Z",
        "12:30:45",
        "2:07:09",
        ":59",
        ":60",
        "00",
        "+05:30",
        "-5",
        "true",
        "no",
        "ON",
        "Null",
        "~",
        "0o",
        "1_000",
        "60",
        "99999999999999999999",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    // Timestamps, right and wrong, part by part.
    const STAMP: &[&[&str]] = &[
        &["2001", "0000", "1900", "2000", "9999", "200"],
        &["-"],
        &["1", "01", "12", "13", "00", "2", "02"],
        &["-"],
        &["1", "14", "28", "29", "30", "31", "32", "0"],
        &["", "", " ", "T", "t", "\t", "  ", "x"],
        &["0", "2", "23", "24", "99", "123"],
        &[":"],
        &["00", "59", "60", "5"],
        &[":"],
        &["00", "59", "60"],
        &["", "", ".", ".1", ".1234567", ".000", ".0000001"],
        &[
            "", "", "Z", " Z", "+5", "-05:00", "+23:59", "-24", "+5:99", " +0", "+123", "z",
        ],
    ];
    let mut texts = std::collections::BTreeSet::new();
    while texts.len() < 5_000 {
        let text: String = STAMP.iter().map(|part| part[next(part.len())]).collect();
        texts.insert(text);
    }
    // Floats of every size and precision, for the shortest digits and Python's repr of keys.
    while texts.len() < 9_000 {
        let digits = |next: &mut dyn FnMut(usize) -> usize, n: usize| -> String {
            (0..n).map(|_| char::from(b'0' + next(10) as u8)).collect()
        };
        let (int_len, frac_len) = (1 + next(18), next(18));
        let int = digits(&mut next, int_len);
        let frac = digits(&mut next, frac_len);
        let exp = match next(3) {
            0 => String::new(),
            1 => format!("e+{}", next(330)),
            _ => format!("e-{}", next(330)),
        };
        texts.insert(format!("{int}.{frac}{exp}"));
    }
    while texts.len() < 25_000 {
        let len = 1 + next(6);
        let text: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
        texts.insert(text);
    }
    let texts: Vec<String> = texts.into_iter().collect();

    let input: String = texts
        .iter()
        .map(|t| serde_json::to_string(t).unwrap() + "\n")
        .collect();
    let mut child = Command::new(support::ansible_bin().join("python"))
        .arg("-c")
        .arg(ORACLE)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the venv's python");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(input.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "oracle failed");
    let answers: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(answers.len(), texts.len());

    let mut compared = 0;
    let mut kinds = std::collections::BTreeMap::new();
    let mut mismatches = Vec::new();
    for (text, answer) in texts.iter().zip(&answers) {
        if *answer == "SKIP" {
            continue;
        }
        compared += 1;
        let (answer, key) = answer.split_once('\t').unwrap_or((answer, ""));
        let ours = resolve_plain(text);
        if !answer.starts_with("ERR") {
            let our_key = resolve_plain_key(text);
            let same_key = match (key, &our_key) {
                ("REFUSED", Err(NotResolved::Refused(_))) => true,
                (key, Ok(ours)) => serde_json::from_str::<String>(key).ok().as_ref() == Some(ours),
                _ => false,
            };
            if !same_key {
                mismatches.push(format!(
                    "{text:?} as a key: ansible-core {key}, resolve_plain_key {our_key:?}"
                ));
            }
        }
        let kind = match &ours {
            Ok(Value::Number(n)) if n.is_f64() => "float",
            Ok(Value::Number(_)) => "int",
            Ok(Value::String(s)) if s != text => "timestamp",
            Ok(Value::String(_)) => "string",
            Ok(_) => "null or bool",
            Err(NotResolved::Refused(_)) => "refused",
            Err(NotResolved::NotJson { .. }) => "not JSON",
        };
        *kinds.entry(kind).or_insert(0) += 1;
        let same = match (answer.split_once(' ').unwrap_or((answer, "")), &ours) {
            (("OK", json), Ok(value)) => {
                let theirs: Value = serde_json::from_str(json).unwrap();
                theirs == *value
                    && (serde_json::to_string(value).unwrap() == json || json.contains('e'))
            }
            (("INF", _), Err(NotResolved::NotJson { what, .. })) => what == "the float infinity",
            (("-INF", _), Err(NotResolved::NotJson { what, .. })) => {
                what == "the float minus infinity"
            }
            (("NAN", _), Err(NotResolved::NotJson { what, .. })) => what == "the float NaN",
            (("BIG", digits), Err(NotResolved::NotJson { what, .. })) => {
                *what == format!("the integer {digits}, beyond 64 bits")
            }
            (("ERR", reason), Err(NotResolved::Refused(ours))) => {
                reason == ours || reason.starts_with("could not determine a constructor")
            }
            _ => false,
        };
        if !same {
            mismatches.push(format!(
                "{text:?}: ansible-core {answer}, resolve_plain {ours:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {compared} differ:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(40)].join("\n")
    );
    assert!(
        compared > 10_000,
        "only {compared} plain spellings compared"
    );
    for kind in ["float", "int", "timestamp", "string", "refused", "not JSON"] {
        assert!(kinds.get(kind) > Some(&20), "few of kind {kind}: {kinds:?}");
    }
    assert!(kinds["float"] > 3_000, "{kinds:?}");
}

/// The var a `NotJson` message offers instead gives ansible-core the value the plain scalar
/// meant: checked in a real (ad-hoc, local) run, since ansible-inventory does not template.
#[test]
fn the_var_a_not_json_message_offers_gives_ansible_the_same_value() {
    let cases = [
        (".inf", "float inf"),
        ("-.inf", "float -inf"),
        (".nan", "float nan"),
        ("2.0e+308", "float inf"),
        (
            "123456789012345678901234567890",
            "int 123456789012345678901234567890",
        ),
        ("-0x1_0000_0000_0000_0000", "int -18446744073709551616"),
    ];
    let mut inventory = String::from("all:\n  hosts:\n    h1:\n");
    let mut msg = String::new();
    for (i, (text, _)) in cases.iter().enumerate() {
        let Err(NotResolved::NotJson { template, .. }) = resolve_plain(text) else {
            panic!("{text:?} is not refused as not JSON");
        };
        assert!(
            resolve_plain(text)
                .unwrap_err()
                .to_string()
                .contains(&template),
            "the message offers {template}"
        );
        inventory.push_str(&format!("      v{i}: {template}\n"));
        msg.push_str(&format!("[{{{{ v{i} | type_debug }}}} {{{{ v{i} }}}}]"));
    }
    let dir = work_dir("templates");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("inventory.yml"), &inventory).unwrap();
    let mut cmd = Command::new(support::ansible_bin().join("ansible"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ANSIBLE_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd
        .args([
            "h1",
            "-i",
            "inventory.yml",
            "-c",
            "local",
            "-m",
            "debug",
            "-a",
        ])
        .arg(serde_json::json!({ "msg": msg }).to_string())
        .current_dir(&dir)
        .env("ANSIBLE_HOME", dir.join("ansible-home"))
        .env("ANSIBLE_LOCAL_TEMP", dir.join("local-tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: String = cases
        .iter()
        .map(|(_, value)| format!("[{value}]"))
        .collect();
    assert!(
        stdout.contains(&format!("\"msg\": \"{expected}\"")),
        "expected {expected} in:\n{stdout}"
    );
}

/// The vars block for `spellings`, each as a var, as an entry of a nested mapping and as an
/// item of a list, indented by `indent`.
fn vars_block(spellings: &[&str], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut block = String::new();
    for (i, text) in spellings.iter().enumerate() {
        block.push_str(&format!("{pad}v{i:03}: {text}\n"));
    }
    block.push_str(&format!("{pad}nested:\n"));
    for (i, text) in spellings.iter().enumerate() {
        block.push_str(&format!("{pad}  k{i:03}: {text}\n"));
    }
    block.push_str(&format!("{pad}listed:\n"));
    for text in spellings {
        block.push_str(&format!("{pad}  - {text}\n"));
    }
    block
}

/// End to end: the same vars in regal.yml (group vars, version vars, host vars) and in a static
/// YAML inventory; `regal-inventory --list` prints them as `ansible-inventory --list` does.
#[test]
fn regal_inventory_prints_every_var_as_ansible_inventory_does() {
    // What JSON can carry; the rest is refused (below).
    let spellings: Vec<&str> = SPELLINGS
        .iter()
        .copied()
        .filter(|text| resolve_plain(text).is_ok())
        .collect();
    let dir = work_dir("end-to-end");
    let out = ansible_inventory(
        &dir.join("ansible"),
        &format!("all:\n  hosts:\n    h1:\n{}", vars_block(&spellings, 6)),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let theirs = &theirs["_meta"]["hostvars"]["h1"];

    let strategy = format!(
        "vars:\n{}versions:\n  app:\n    vars:\n{}    hosts:\n      - web1:\n{}",
        vars_block(&spellings, 2),
        vars_block(&spellings, 6),
        vars_block(&spellings, 10),
    );
    fs::write(dir.join("regal.yml"), &strategy).unwrap();
    let out = Command::new(support::BIN)
        .arg("--config")
        .arg(dir.join("regal.yml"))
        .arg("--list")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{stderr}");
    let ours: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (place, vars) in [
        ("vars", &ours["all"]["vars"]),
        ("version vars", &ours["app"]["vars"]),
        ("host vars", &ours["_meta"]["hostvars"]["web1"]),
    ] {
        let mut mismatches = Vec::new();
        for (i, text) in spellings.iter().enumerate() {
            for (what, mine, reference) in [
                (
                    "var",
                    &vars[format!("v{i:03}")],
                    &theirs[format!("v{i:03}")],
                ),
                (
                    "nested",
                    &vars["nested"][format!("k{i:03}")],
                    &theirs["nested"][format!("k{i:03}")],
                ),
                ("listed", &vars["listed"][i], &theirs["listed"][i]),
            ] {
                // Same value and type, and the same bytes but for a float's exponent.
                let (mine_text, reference_text) = (mine.to_string(), reference.to_string());
                let same_bytes =
                    mine_text == reference_text || (mine.is_f64() && reference_text.contains('e'));
                if mine != reference || !same_bytes {
                    mismatches.push(format!(
                        "{place}, {what} {text:?}: ansible {reference_text}, regal {mine_text}"
                    ));
                }
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }
    assert!(spellings.len() > 140, "only {} spellings", spellings.len());
}

/// What ansible-core refuses, or reads but JSON cannot carry, regal-inventory refuses: `check`
/// lists each at its line and column, with the reason.
#[test]
fn regal_inventory_refuses_what_json_cannot_carry_and_what_ansible_cannot_read() {
    let refused: Vec<&str> = SPELLINGS
        .iter()
        .chain(REFUSED)
        .copied()
        .filter(|text| resolve_plain(text).is_err())
        .collect();
    let dir = work_dir("end-to-end-refused");
    fs::create_dir_all(&dir).unwrap();
    let mut strategy = String::from("versions:\n  app: [web1]\nvars:\n");
    for (i, text) in refused.iter().enumerate() {
        strategy.push_str(&format!("  v{i:03}: {text}\n"));
    }
    let path = dir.join("regal.yml");
    fs::write(&path, &strategy).unwrap();
    let out = Command::new(support::BIN)
        .arg("--config")
        .arg(&path)
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    for (i, text) in refused.iter().enumerate() {
        let why = resolve_plain(text).unwrap_err();
        let line = format!("{}:{}:9: {why}", path.display(), i + 4);
        assert!(
            stderr.lines().any(|l| l == line),
            "{text:?}: no {line:?} in:\n{stderr}"
        );
    }
    assert!(
        stderr.ends_with(&format!(
            "{} problems in {}\n",
            refused.len(),
            path.display()
        )),
        "{stderr}"
    );
    assert!(
        refused.len() > 25,
        "only {} refused spellings",
        refused.len()
    );
}

/// Host entries with brackets, expanded by `hostrange` and by the function
/// ansible-core's YAML inventory plugin runs on each host key
/// (`_expand_hostpattern`: `parse_address`, then `expand_hostname_range` when
/// the name holds a `[`). Where regal-inventory takes an entry, Ansible gives
/// the same names; where Ansible refuses one, so does regal-inventory (it may
/// refuse a few Ansible takes: `w[ 1:2]`, `w[-1:2]`, `a]1:2[x`).
#[test]
fn host_ranges_expand_or_fail_as_in_ansibles_yaml_inventory() {
    const ENTRIES: &[&str] = &[
        "w[1:3]",
        "w[01:10:3]x[a:c]",
        "w[:2]",
        "w[a:c:2]",
        "10.0.0.[1:3]",
        "fe80::[1:2]",
        "fe80::1",
        "w1]",
        "w[1:3]x]",
        "w]1",
        "w[1:2][3:4]",
        "w[1:]",
        "w[a:]",
        "w[:]",
        "w[1:3",
        "w[1:2]b[c",
        "w[x]",
        "w[]",
        "w[1:2:3:4]",
        "w[1:2]x[y]",
        "w[1:2]x]y[1:2]",
        "w|x[1:2]",
        "w[1:3:]",
        "w[1:3:0]",
        "w[a:c:]",
        "[::1]",
        "[fe80::1]",
        "[::1]w[1:2]",
        "[w1]",
        "w[1:a]",
        "w[A:c]",
        "w[5:1]",
        "w[01:5]",
        "w[ 1:2]",
        "w[-1:2]",
        "a]1:2[x",
    ];
    let script = "import json, sys\n\
        from ansible.plugins.inventory.yaml import InventoryModule\n\
        plugin = InventoryModule()\n\
        out = []\n\
        for entry in json.load(sys.stdin):\n\
        \x20   try:\n\
        \x20       names, port = plugin._expand_hostpattern(entry)\n\
        \x20       out.append(None if port else [str(n) for n in names])\n\
        \x20   except Exception as e:\n\
        \x20       out.append(None)\n\
        print(json.dumps(out))\n";
    let mut child = Command::new(support::ansible_bin().join("python"))
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run ansible-core's python");
    use std::io::Write;
    (child.stdin.take().unwrap())
        .write_all(serde_json::to_string(ENTRIES).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let ansible: Vec<Option<Vec<String>>> = serde_json::from_slice(&out.stdout).unwrap();
    let mut refused = 0;
    for (entry, ansible) in ENTRIES.iter().zip(ansible) {
        match (regal_inventory::hostrange::expand(entry), ansible) {
            (Ok(ours), Some(theirs)) => assert_eq!(ours, theirs, "{entry}"),
            (Ok(ours), None) => {
                panic!("{entry}: Ansible refuses it, regal-inventory gives {ours:?}")
            }
            (Err(_), _) => refused += 1,
        }
    }
    assert!(refused > 20, "the table holds the stray brackets");
    // And the whole plugin refuses such a file, as regal-inventory refuses the strategy.
    let out = ansible_inventory(&work_dir("bracket"), "all:\n  hosts:\n    '[::1]':\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Failed to parse inventory with 'yaml' plugin"),
        "{stderr}"
    );
}
