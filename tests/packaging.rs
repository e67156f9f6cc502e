//! The product as an Ansible user gets it: the Python wheel that carries the
//! binary (pyproject.toml, maturin `bindings = "bin"`) installed into a fresh
//! venv with the pinned ansible-core, and the collection `regal.inventory`
//! built and installed by `ansible-galaxy`, with its `rollout` playbook. Real
//! `ansible-playbook` runs with nothing but that venv and /usr/bin:/bin.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use support::{ANSIBLE_CORE_VERSION, repo_root, venv_bin};

pub const MATURIN: &str = "maturin==1.16.0";

/// PATH for the runs: the system's own directories, where no regal-inventory is.
const SYSTEM_PATH: &str = "/usr/bin:/bin";

fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("packaging")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn check(cmd: &mut Command) -> Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", report(&out));
    out
}

fn report(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The wheel built from this checkout by the pinned maturin. The dev profile
/// reuses the binary `cargo test` has just built, so this takes seconds.
fn wheel() -> &'static Path {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let maturin = venv_bin("maturin-venv", &[MATURIN]).join("maturin");
        let out = work_dir("wheel");
        check(
            Command::new(maturin)
                .args(["build", "--profile", "dev", "--out"])
                .arg(&out)
                .arg("--manifest-path")
                .arg(repo_root().join("Cargo.toml")),
        );
        let wheels: Vec<PathBuf> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "whl"))
            .collect();
        assert_eq!(wheels.len(), 1, "one wheel expected: {wheels:?}");
        wheels[0].clone()
    })
}

/// A fresh venv holding the pinned ansible-core and the wheel, nothing else.
fn wheel_venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let venv = work_dir("venv");
        let python = std::env::var("REGAL_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        check(Command::new(python).args(["-m", "venv"]).arg(&venv));
        check(
            Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("ansible-core=={ANSIBLE_CORE_VERSION}"))
                .arg(wheel()),
        );
        venv.join("bin")
    })
}

/// An Ansible command of the wheel's venv in an environment that holds only
/// what is set here: PATH as given, a UTF-8 locale, Ansible's state in `dir`.
fn ansible(tool: &str, path: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(wheel_venv().join(tool));
    let state = dir.join("ansible-state");
    cmd.env_clear()
        .env("PATH", path)
        .env("HOME", state.join("home"))
        .env("LC_ALL", "C.UTF-8")
        .env("ANSIBLE_LOCAL_TEMP", state.join("tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// The demo strategy (README's first command) ran web01, then web02+web03,
/// then web04+web05, each in its own batch, and every host succeeded.
fn assert_demo_rollout(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", report(out));
    let at = |host: &str, batch: u32| -> usize {
        let line = format!("\"{host}: version app-v1.0, batch {batch} of 3");
        stdout
            .find(&line)
            .unwrap_or_else(|| panic!("{line} not in the output:\n{}", report(out)))
    };
    let batches = [
        vec!["web01"],
        vec!["web02", "web03"],
        vec!["web04", "web05"],
    ];
    let mut last_end = 0;
    for (n, hosts) in batches.iter().enumerate() {
        let positions: Vec<usize> = hosts.iter().map(|h| at(h, n as u32)).collect();
        assert!(
            positions.iter().all(|&p| p > last_end),
            "batch {n} ran before the batch ahead of it ended:\n{}",
            report(out)
        );
        last_end = *positions.iter().max().unwrap();
    }
    for host in ["web01", "web02", "web03", "web04", "web05"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(host)
                && l.contains("failed=0")
                && l.contains("unreachable=0")),
            "no clean recap line for {host}:\n{}",
            report(out)
        );
    }
}

#[test]
fn the_wheel_puts_the_binary_next_to_ansible_playbook() {
    let bin = wheel_venv();
    let exe = bin.join("regal-inventory");
    assert!(exe.is_file(), "{} missing", exe.display());
    let out = check(Command::new(&exe).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("regal-inventory {}", env!("CARGO_PKG_VERSION"))
    );
    for dir in SYSTEM_PATH.split(':') {
        assert!(
            !Path::new(dir).join("regal-inventory").exists(),
            "a regal-inventory in {dir} would make the PATH test meaningless"
        );
    }
}

/// README's first command, exactly as written, with the venv active (its bin
/// first in PATH) and with it not active (the plugin finds the binary next to
/// the Python that runs Ansible).
#[test]
fn readme_demo_rollout_runs_from_the_wheel_with_nothing_else_on_path() {
    let dir = work_dir("demo");
    let active = format!("{}:{SYSTEM_PATH}", wheel_venv().display());
    for path in [active.as_str(), SYSTEM_PATH] {
        let out = ansible("ansible-playbook", path, &dir)
            .current_dir(repo_root())
            .env("ANSIBLE_CONFIG", "playbooks/ansible.cfg")
            .args([
                "-i",
                "inventory_examples/demo/rollout.regal.yml",
                "playbooks/rollout.yml",
            ])
            .output()
            .unwrap();
        assert_demo_rollout(&out);
    }
}

/// The built collection, installed by ansible-galaxy into a private path.
fn installed_collection() -> &'static Path {
    static COLLECTIONS: OnceLock<PathBuf> = OnceLock::new();
    COLLECTIONS.get_or_init(|| {
        let dir = work_dir("collection");
        let source = repo_root().join("collections/ansible_collections/regal/inventory");
        check(
            ansible("ansible-galaxy", SYSTEM_PATH, &dir)
                .args(["collection", "build", "--output-path"])
                .arg(&dir)
                .arg(&source),
        );
        let tarball = dir.join(format!(
            "regal-inventory-{}.tar.gz",
            env!("CARGO_PKG_VERSION")
        ));
        let listing = check(Command::new("tar").arg("tzf").arg(&tarball));
        let listing = String::from_utf8_lossy(&listing.stdout);
        for file in [
            "plugins/inventory/regal.py",
            "playbooks/rollout.yml",
            "playbooks/tasks/example.yml",
            "LICENSES/MIT.txt",
            "LICENSES/Apache-2.0.txt",
            "README.md",
            "meta/runtime.yml",
        ] {
            assert!(
                listing.lines().any(|l| l == file),
                "{file} not in {}:\n{listing}",
                tarball.display()
            );
        }
        let installed = dir.join("collections");
        check(
            ansible("ansible-galaxy", SYSTEM_PATH, &dir)
                .args(["collection", "install", "-p"])
                .arg(&installed)
                .arg(&tarball),
        );
        installed
    })
}

#[test]
fn collection_manifest_declares_license_and_repository() {
    let manifest = installed_collection().join("ansible_collections/regal/inventory/MANIFEST.json");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest).unwrap()).unwrap();
    let info = &manifest["collection_info"];
    assert_eq!(info["license"], serde_json::json!(["MIT", "Apache-2.0"]));
    assert_eq!(
        info["repository"],
        "https://github.com/regal-inventory/regal-inventory"
    );
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
}

/// `ansible-playbook regal.inventory.rollout` from the installed collection,
/// with the collection's plugin (`plugin: regal.inventory.regal`) and no
/// ansible.cfg, the venv not active.
#[test]
fn collection_playbook_rolls_out_with_the_collection_plugin() {
    let dir = work_dir("collection-rollout");
    fs::write(
        dir.join("rollout.regal.yml"),
        format!(
            "plugin: regal.inventory.regal\nstrategy: {}\n",
            repo_root()
                .join("inventory_examples/demo/regal.yml")
                .display()
        ),
    )
    .unwrap();
    let out = ansible("ansible-playbook", SYSTEM_PATH, &dir)
        .current_dir(&dir)
        .env("ANSIBLE_COLLECTIONS_PATH", installed_collection())
        .args(["-i", "rollout.regal.yml", "regal.inventory.rollout"])
        .output()
        .unwrap();
    assert_demo_rollout(&out);
}

/// A broken strategy stops the collection playbook before any host is
/// touched: on its own (no regal group), and with the inventory settings
/// README recommends, already at the inventory.
#[test]
fn collection_playbook_fails_on_a_broken_strategy() {
    let dir = work_dir("collection-broken");
    fs::write(
        dir.join("rollout.regal.yml"),
        "plugin: regal.inventory.regal\nstrategy: regal.yml\n",
    )
    .unwrap();
    fs::write(dir.join("regal.yml"), "schedule: 0\nversions: {a: web1}\n").unwrap();
    for fatal in [false, true] {
        let mut cmd = ansible("ansible-playbook", SYSTEM_PATH, &dir);
        cmd.current_dir(&dir)
            .env("ANSIBLE_COLLECTIONS_PATH", installed_collection())
            .args(["-i", "rollout.regal.yml", "regal.inventory.rollout"]);
        if fatal {
            cmd.env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "true");
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", report(&out));
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("Regal example"),
            "a host ran its tasks:\n{}",
            report(&out)
        );
        assert!(
            stderr.contains("regal.yml:1:11"),
            "the binary's message is not shown:\n{}",
            report(&out)
        );
        if fatal {
            assert!(
                !stderr.contains("no regal version group"),
                "the inventory error was not fatal:\n{}",
                report(&out)
            );
        }
    }
}
