//! Harness for running the real `ansible-playbook` against `playbooks/rollout.yml`.
//!
//! ansible-core is pinned and installed into `target/ansible-venv` by the tests
//! themselves, so `cargo test` needs nothing but `python3` with `venv` and
//! access to PyPI on first use.

#![allow(dead_code)]

use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const ANSIBLE_CORE_VERSION: &str = "2.19.14";

/// A hung rollout (e.g. a prompt waiting for input) must fail the test, not
/// the CI run.
const PLAYBOOK_TIMEOUT: Duration = Duration::from_secs(120);

pub const BIN: &str = env!("CARGO_BIN_EXE_regal-inventory");

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp, which follows CARGO_TARGET_DIR.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_path_buf()
}

/// The venv's bin directory, installing ansible-core on first use. Test
/// threads share it through the OnceLock; concurrent test binaries (or two
/// `cargo test` runs) are serialised by the file lock.
pub fn ansible_bin() -> &'static Path {
    static BIN_DIR: OnceLock<PathBuf> = OnceLock::new();
    BIN_DIR.get_or_init(|| {
        let bin = venv_bin(
            "ansible-venv",
            &[&format!("ansible-core=={ANSIBLE_CORE_VERSION}")],
        );
        assert!(
            has_pinned_ansible(&bin),
            "ansible-core {ANSIBLE_CORE_VERSION} not usable in {} after install",
            bin.display()
        );
        bin
    })
}

/// The bin directory of `target/<name>`, a venv holding exactly the pinned
/// `requirements` (pip requirement specifiers), made on first use. A venv
/// whose recorded requirements differ, or that an interrupted run left
/// half-built, is made anew. Concurrent test binaries (or two `cargo test`
/// runs) are serialised by a file lock per venv.
pub fn venv_bin(name: &str, requirements: &[&str]) -> PathBuf {
    let venv = target_dir().join(name);
    let bin = venv.join("bin");
    let lock_path = target_dir().join(format!("{name}.lock"));
    let lock = File::create(&lock_path).expect("create venv lock file");
    lock.lock().expect("lock venv lock file");
    let stamp = venv.join("regal-requirements.txt");
    let wanted = requirements.join("\n");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        // A half-built venv from an interrupted run is not worth repairing.
        let _ = fs::remove_dir_all(&venv);
        let python = std::env::var("REGAL_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        run_checked(Command::new(&python).arg("-m").arg("venv").arg(&venv));
        run_checked(
            Command::new(bin.join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(requirements),
        );
        fs::write(&stamp, &wanted).expect("record the venv's requirements");
    }
    lock.unlock().expect("unlock venv lock file");
    bin
}

/// PATH with a venv's bin directory first.
pub fn path_with(bin: &Path) -> String {
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn has_pinned_ansible(bin: &Path) -> bool {
    Command::new(bin.join("ansible-playbook"))
        .arg("--version")
        .output()
        .map(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout)
                    .contains(&format!("core {ANSIBLE_CORE_VERSION}]"))
        })
        .unwrap_or(false)
}

fn run_checked(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// One line of evidence left by a host running the test's tasks file.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub host: String,
    pub version: String,
    pub batch: u32,
    pub time: f64,
}

pub struct PlaybookRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub args: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub finished_at: f64,
}

impl PlaybookRun {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Everything needed to understand a failed assertion.
    pub fn report(&self) -> String {
        format!(
            "ansible-playbook {:?} exited with {:?}\nevidence: {:#?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args, self.code, self.evidence, self.stdout, self.stderr
        )
    }

    /// The PLAY RECAP: host -> (counter -> value), e.g. `recap()["h2"]["failed"]`.
    /// A host missing from it was never part of any task result.
    pub fn recap(
        &self,
    ) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, u32>> {
        let mut out = std::collections::BTreeMap::new();
        let Some(start) = self.stdout.rfind("PLAY RECAP") else {
            return out;
        };
        for line in self.stdout[start..].lines().skip(1) {
            let Some((host, counters)) = line.split_once(" : ") else {
                continue;
            };
            let counters = counters
                .split_whitespace()
                .filter_map(|c| c.split_once('='))
                .map(|(k, v)| (k.to_string(), v.parse().unwrap_or(0)))
                .collect();
            out.insert(host.trim().to_string(), counters);
        }
        out
    }

    /// The recap's `counter` for `host` (0 for a host not in the recap).
    pub fn count(&self, host: &str, counter: &str) -> u32 {
        (self.recap().get(host))
            .and_then(|c| c.get(counter).copied())
            .unwrap_or(0)
    }

    /// The stop messages of the run: results (of `fail` or `debug`) whose
    /// message is a "Regal: rollout stopped" message, and the line the
    /// playbook's callback prints after the recap. (Ansible also echoes a
    /// failed task's message as an error line, which is not counted.)
    pub fn stop_messages(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .filter(|l| {
                l.contains("\"msg\": \"Regal: rollout stopped")
                    || l.starts_with("Regal: rollout stopped")
            })
            .collect()
    }

    pub fn hosts(&self) -> Vec<&str> {
        self.evidence.iter().map(|e| e.host.as_str()).collect()
    }

    pub fn ran(&self, host: &str) -> bool {
        self.evidence.iter().any(|e| e.host == host)
    }

    /// Hosts grouped into the batches they ran in, in the order the batches
    /// ran. Hosts of one batch run in parallel, so each group is sorted and
    /// only the order of the groups is meaningful.
    /// The (version, batch) pairs deployed, in order.
    pub fn batch_order(&self) -> Vec<(String, u32)> {
        (self.batches().into_iter())
            .map(|(version, batch, _)| (version, batch))
            .collect()
    }

    pub fn batches(&self) -> Vec<(String, u32, Vec<String>)> {
        let mut out: Vec<(String, u32, Vec<String>)> = Vec::new();
        for e in &self.evidence {
            match out.last_mut() {
                Some((v, b, hosts)) if *v == e.version && *b == e.batch => {
                    hosts.push(e.host.clone())
                }
                _ => out.push((e.version.clone(), e.batch, vec![e.host.clone()])),
            }
        }
        for (_, _, hosts) in &mut out {
            hosts.sort();
        }
        out
    }
}

/// A private working directory with its own inventory, tasks file and
/// Ansible state, so parallel tests do not see each other.
pub struct Scenario {
    pub dir: PathBuf,
    pub inventory: PathBuf,
    pub tasks: PathBuf,
    pub log: PathBuf,
    /// The playbook run: playbooks/rollout.yml unless changed.
    pub playbook: PathBuf,
    /// Set in ansible-playbook's environment.
    pub env: Vec<(String, String)>,
}

impl Scenario {
    pub fn new(name: &str) -> Scenario {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("ansible-tests")
            .join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let log = dir.join("evidence.log");
        let tasks = dir.join("tasks.yml");
        // The evidence comes first so that a host told to fail still proves
        // it ran; `date` shares the clock with `now()` for timing checks.
        fs::write(
            &tasks,
            format!(
                r#"---
- name: Test | leave evidence
  ansible.builtin.shell: >-
    echo "{{{{ inventory_hostname }}}} {{{{ regal_version | default('-') }}}} {{{{ regal_batch }}}} $(date +%s.%N)" >> {log}
- name: Test | fail on demand
  ansible.builtin.fail:
    msg: "test failure of {{{{ inventory_hostname }}}}"
  when: inventory_hostname in (test_fail_hosts | default([]))
"#,
                log = log.display()
            ),
        )
        .unwrap();
        Scenario {
            inventory: dir.join("inventory"),
            dir,
            tasks,
            log,
            playbook: repo_root().join("playbooks/rollout.yml"),
            env: Vec::new(),
        }
    }

    /// Sets `name=value` in ansible-playbook's environment.
    pub fn with_env(mut self, name: &str, value: &str) -> Scenario {
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    pub fn regal_yml(&self) -> PathBuf {
        self.dir.join("regal.yml")
    }

    /// Uses the real binary as the inventory, reading `strategy` as regal.yml.
    pub fn with_strategy(self, strategy: &str) -> Scenario {
        fs::write(self.regal_yml(), strategy).unwrap();
        write_script(
            &self.inventory,
            &format!(
                "#!/bin/sh\nexec '{BIN}' --config '{}' \"$@\"\n",
                self.regal_yml().display()
            ),
        );
        self
    }

    /// Uses a fixed JSON document as a script inventory, for inventory vars the
    /// binary does not emit yet.
    pub fn with_fixture_json(self, json: &serde_json::Value) -> Scenario {
        let path = self.dir.join("inventory.json");
        fs::write(&path, serde_json::to_string_pretty(json).unwrap()).unwrap();
        write_script(
            &self.inventory,
            &format!("#!/bin/sh\nexec cat '{}'\n", path.display()),
        );
        self
    }

    /// Uses a static inventory file (any format Ansible reads) named `name`.
    pub fn with_inventory_file(mut self, name: &str, text: &str) -> Scenario {
        let path = self.dir.join(name);
        fs::write(&path, text).unwrap();
        self.inventory = path;
        self
    }

    /// What the real binary prints for `strategy`, as a base for fixtures.
    pub fn binary_list(&self, strategy: &str) -> serde_json::Value {
        let path = self.dir.join("base-regal.yml");
        fs::write(&path, strategy).unwrap();
        let out = Command::new(BIN)
            .arg("--config")
            .arg(&path)
            .arg("--list")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "regal-inventory --list failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("regal-inventory --list prints JSON")
    }

    pub fn run(&self, extra_args: &[&str]) -> PlaybookRun {
        self.run_with_config(&repo_root().join("playbooks/ansible.cfg"), extra_args)
    }

    pub fn run_with_config(&self, config: &Path, extra_args: &[&str]) -> PlaybookRun {
        let _ = fs::remove_file(&self.log);
        let bin = ansible_bin();
        let mut args: Vec<String> = vec![
            "-i".into(),
            self.inventory.display().to_string(),
            self.playbook.display().to_string(),
            "-e".into(),
            format!("regal_tasks={}", self.tasks.display()),
        ];
        args.extend(extra_args.iter().map(|s| s.to_string()));

        let state = self.dir.join("ansible-state");
        let stdout_path = self.dir.join("stdout.txt");
        let stderr_path = self.dir.join("stderr.txt");
        let mut cmd = Command::new(bin.join("ansible-playbook"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("ANSIBLE_") {
                cmd.env_remove(key);
            }
        }
        cmd.args(&args)
            .current_dir(&self.dir)
            .env("ANSIBLE_CONFIG", config)
            .env("ANSIBLE_HOME", state.join("home"))
            .env("ANSIBLE_LOCAL_TEMP", state.join("local_tmp"))
            .env("ANSIBLE_REMOTE_TEMP", state.join("remote_tmp"))
            .env("ANSIBLE_SSH_CONTROL_PATH_DIR", state.join("cp"))
            // Interpreter discovery may pick a python that does not run here;
            // the venv's own python is known to work for local hosts.
            .env("ANSIBLE_PYTHON_INTERPRETER", bin.join("python"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_TIMEOUT", "5")
            .env("ANSIBLE_SSH_RETRIES", "0")
            .env("PATH", path_with(bin))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            // No terminal: a confirmation prompt must fail, not hang or pass.
            .stdin(Stdio::null())
            .stdout(File::create(&stdout_path).unwrap())
            .stderr(File::create(&stderr_path).unwrap());
        let mut child = cmd.spawn().expect("spawn ansible-playbook");
        let deadline = Instant::now() + PLAYBOOK_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let finished_at = now();
        let mut run = PlaybookRun {
            code: status.and_then(|s| s.code()),
            stdout: fs::read_to_string(&stdout_path).unwrap_or_default(),
            stderr: fs::read_to_string(&stderr_path).unwrap_or_default(),
            args,
            evidence: read_evidence(&self.log),
            finished_at,
        };
        if status.is_none() {
            run.stderr.push_str(&format!(
                "\n[test harness] killed after {PLAYBOOK_TIMEOUT:?}"
            ));
        }
        run
    }
}

fn write_script(path: &Path, body: &str) {
    let mut f = File::create(path).unwrap();
    f.write_all(body.as_bytes()).unwrap();
    drop(f);
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn read_evidence(log: &Path) -> Vec<Evidence> {
    let Ok(text) = fs::read_to_string(log) else {
        return Vec::new();
    };
    let mut out: Vec<Evidence> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(f.len(), 4, "malformed evidence line {line:?}");
            Evidence {
                host: f[0].to_string(),
                version: f[1].to_string(),
                batch: f[2]
                    .parse()
                    .unwrap_or_else(|_| panic!("bad batch in {line:?}")),
                time: f[3]
                    .parse()
                    .unwrap_or_else(|_| panic!("bad time in {line:?}")),
            }
        })
        .collect();
    // Appends from parallel hosts may land out of clock order.
    out.sort_by(|a, b| a.time.total_cmp(&b.time));
    out
}
