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
    let listing = check(
        Command::new(bin.join("python"))
            .args(["-m", "zipfile", "-l"])
            .arg(wheel()),
    );
    let listing = String::from_utf8_lossy(&listing.stdout);
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(
            listing.contains(&format!(".dist-info/licenses/{licence}")),
            "{licence} not in the wheel:\n{listing}"
        );
    }
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

/// The collection as `ansible-galaxy collection build` packs it.
fn collection_tarball() -> &'static Path {
    static TARBALL: OnceLock<PathBuf> = OnceLock::new();
    TARBALL.get_or_init(|| {
        let dir = work_dir("collection-build");
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
            "playbooks/callback_plugins/regal_stop.py",
            "playbooks/lookup_plugins/regal_command.py",
            "LICENSES/MIT.txt",
            "LICENSES/Apache-2.0.txt",
            "README.md",
            "meta/runtime.yml",
            "tests/sanity/ignore-2.19.txt",
        ] {
            assert!(
                listing.lines().any(|l| l == file),
                "{file} not in {}:\n{listing}",
                tarball.display()
            );
        }
        tarball
    })
}

/// The built collection, installed by ansible-galaxy into a private path.
fn installed_collection() -> &'static Path {
    static COLLECTIONS: OnceLock<PathBuf> = OnceLock::new();
    COLLECTIONS.get_or_init(|| {
        let dir = work_dir("collection");
        let installed = dir.join("collections");
        check(
            ansible("ansible-galaxy", SYSTEM_PATH, &dir)
                .args(["collection", "install", "-p"])
                .arg(&installed)
                .arg(collection_tarball()),
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

/// The pip version ansible-test 2.19 bootstraps into its venvs.
const ANSIBLE_TEST_PIP: &str = "24.2";

/// `ansible-test sanity` on the collection as built and installed, with its
/// ignore file (tests/sanity/ignore-2.19.txt, each line with its reason), in
/// venvs ansible-test makes from PyPI. ansible-test downloads a get-pip script
/// from a host outside PyPI; a stand-in in its cache bootstraps pip with the
/// interpreter's own ensurepip and installs what was asked from PyPI.
#[test]
fn ansible_test_sanity_passes_on_the_collection() {
    // ansible-test takes its files from git when the collection is inside a
    // work tree (target/ is ignored there), so it runs on a copy outside it.
    let outside = tempfile::tempdir().unwrap();
    check(
        Command::new("cp")
            .arg("-r")
            .arg(installed_collection().join("ansible_collections"))
            .arg(outside.path()),
    );
    let collection = outside.path().join("ansible_collections/regal/inventory");
    assert!(
        collection.join("tests/sanity/ignore-2.19.txt").is_file(),
        "the ignore file is not in the built collection"
    );
    // Kept between runs, so pip's cache spares the downloads.
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ansible-test-home");
    let cache = home.join(".ansible/test/cache");
    fs::create_dir_all(&cache).unwrap();
    fs::write(
        cache.join(format!("get_pip_{}.py", ANSIBLE_TEST_PIP.replace('.', "_"))),
        "# Stand-in for get-pip.py: ensurepip, then pip installs what was asked.\n\
         import subprocess, sys\n\
         args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]\n\
         subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])\n\
         subprocess.check_call([sys.executable, '-m', 'pip', 'install', *args])\n",
    )
    .unwrap();
    let version = check(
        Command::new(wheel_venv().join("python"))
            .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]),
    );
    let python = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let out = ansible(
        "ansible-test",
        &format!("{}:{SYSTEM_PATH}", wheel_venv().display()),
        &home,
    )
    .current_dir(&collection)
    .env("HOME", &home)
    .args(["sanity", "--venv", "--color", "no", "--python", &python])
    .output()
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", report(&out));
    assert!(
        stdout.contains("Running sanity test \"pylint\"")
            && stdout.contains("Running sanity test \"validate-modules\""),
        "pylint or validate-modules did not run:\n{}",
        report(&out)
    );
}

pub const ANSIBLE_BUILDER: &str = "ansible-builder==3.2.0";

/// glibc of the execution environment's base image (CentOS Stream 9).
const EE_GLIBC_MINOR: u32 = 34;

/// `ansible-builder create` on execution-environment.yml, with the wheel and
/// the collection where README's build steps put them (dist/): the build
/// context holds both, and the Containerfile installs ansible-core, the wheel
/// (the binary on PATH) and the collection, and checks them in the image.
#[test]
fn execution_environment_build_context_holds_wheel_and_collection() {
    let version = env!("CARGO_PKG_VERSION");
    let dir = work_dir("execution-environment");
    let dist = dir.join("dist");
    fs::create_dir_all(&dist).unwrap();
    fs::copy(
        repo_root().join("execution-environment.yml"),
        dir.join("execution-environment.yml"),
    )
    .unwrap();
    let wheel_name = wheel().file_name().unwrap().to_owned();
    fs::copy(wheel(), dist.join(&wheel_name)).unwrap();
    let tarball_name = collection_tarball().file_name().unwrap().to_owned();
    fs::copy(collection_tarball(), dist.join(&tarball_name)).unwrap();

    // The binary in the wheel must run on the base image.
    let wheel_name = wheel_name.to_string_lossy().into_owned();
    let glibc: u32 = wheel_name
        .split("manylinux_2_")
        .nth(1)
        .and_then(|rest| rest.split('_').next())
        .and_then(|minor| minor.parse().ok())
        .unwrap_or_else(|| panic!("no manylinux_2_N tag in {wheel_name}"));
    assert!(
        glibc <= EE_GLIBC_MINOR,
        "{wheel_name} needs glibc 2.{glibc}, the image has 2.{EE_GLIBC_MINOR}"
    );

    let builder = venv_bin("ansible-builder-venv", &[ANSIBLE_BUILDER]).join("ansible-builder");
    check(Command::new(builder).current_dir(&dir).args([
        "create",
        "--file",
        "execution-environment.yml",
        "--context",
        "context",
        "--output-filename",
        "Containerfile",
    ]));
    let context = dir.join("context");
    let containerfile = fs::read_to_string(context.join("Containerfile")).unwrap();
    let read = |path: &str| fs::read_to_string(context.join(path)).unwrap();

    assert_eq!(
        fs::read(context.join("_build/regal").join(&wheel_name)).unwrap(),
        fs::read(wheel()).unwrap(),
        "the wheel is not in the build context"
    );
    assert_eq!(
        fs::read(context.join("_build/regal").join(&tarball_name)).unwrap(),
        fs::read(collection_tarball()).unwrap(),
        "the collection is not in the build context"
    );
    assert!(
        containerfile.contains(&format!(
            "ARG ANSIBLE_INSTALL_REFS=\"ansible-core=={ANSIBLE_CORE_VERSION} "
        )),
        "ansible-core is not pinned to {ANSIBLE_CORE_VERSION}:\n{containerfile}"
    );
    assert_eq!(
        read("_build/requirements.txt").trim(),
        format!("regal-inventory=={version}")
    );
    let galaxy: serde_json::Value = serde_yaml::from_str(&read("_build/requirements.yml")).unwrap();
    assert_eq!(
        galaxy["collections"][0]["name"],
        format!("/build/regal/{}", tarball_name.to_string_lossy())
    );

    // Each stage sees the files before it uses them: the galaxy stage before
    // it installs the collection, the builder and final stages (pip, which
    // finds the wheel through PIP_FIND_LINKS) before they install the wheel.
    let stage = |name: &str| -> &str {
        let start = containerfile
            .find(&format!(" AS {name}\n"))
            .unwrap_or_else(|| panic!("no {name} stage:\n{containerfile}"));
        let rest = &containerfile[start..];
        &rest[..rest[1..].find("\nFROM ").map_or(rest.len(), |end| end + 1)]
    };
    let before = |text: &str, first: &str, then: &str| {
        let a = text.find(first);
        let b = text.find(then);
        assert!(
            a.is_some() && b.is_some() && a < b,
            "`{first}` must come before `{then}` in:\n{text}"
        );
    };
    before(
        stage("galaxy"),
        "COPY _build/regal/ /build/regal/",
        "ansible-galaxy collection install",
    );
    before(
        stage("builder"),
        "ENV PIP_FIND_LINKS=/build/regal",
        "/output/scripts/assemble",
    );
    before(
        stage("final"),
        "ENV PIP_FIND_LINKS=/build/regal",
        "/output/scripts/install-from-bindep",
    );
    before(
        stage("final"),
        "/output/scripts/install-from-bindep",
        "RUN regal-inventory --version && ansible-doc -t inventory regal.inventory.regal",
    );
}

/// README's AWX/AAP recipe, step by step, with the tools AWX runs in its
/// execution environment: a project holding regal.yml, the plugin file, a
/// playbook that imports `regal.inventory.rollout` and a deploy tasks file;
/// an inventory sync (`ansible-inventory --list --export` with
/// ANSIBLE_INVENTORY_UNPARSED_FAILED, as AWX runs it) whose output the jobs
/// use; and no terminal. `confirm_after_canary` cannot be answered there, so
/// the workflow runs the canary alone, then (after its approval node) the
/// rest with the `--limit` of `plan --resume-from`.
#[test]
fn awx_recipe_canary_approval_then_the_rest() {
    let project = work_dir("awx-project");
    fs::create_dir_all(project.join("inventory")).unwrap();
    fs::write(
        project.join("inventory/regal.yml"),
        "schedule: 1\ncombine: 2\nconfirm_after_canary: true\n\
         vars: {ansible_connection: local, ansible_python_interpreter: '{{ ansible_playbook_python }}'}\n\
         versions:\n  app-v1.0: web01, web02, web03, web04, web05\n",
    )
    .unwrap();
    fs::write(
        project.join("inventory/rollout.regal.yml"),
        "plugin: regal.inventory.regal\nstrategy: regal.yml\n",
    )
    .unwrap();
    fs::write(
        project.join("rollout.yml"),
        "---\n- name: Regal rollout\n  ansible.builtin.import_playbook: regal.inventory.rollout\n",
    )
    .unwrap();
    fs::write(
        project.join("deploy.yml"),
        "---\n- name: Deploy\n  ansible.builtin.debug:\n    msg: \"deployed {{ inventory_hostname }} batch {{ regal_batch }}\"\n",
    )
    .unwrap();
    let venv_path = format!("{}:{SYSTEM_PATH}", wheel_venv().display());
    let in_project = |tool: &str| {
        let mut cmd = ansible(tool, &venv_path, &project);
        cmd.current_dir(&project)
            .env("ANSIBLE_COLLECTIONS_PATH", installed_collection());
        cmd
    };

    // The inventory sync.
    let sync = in_project("ansible-inventory")
        .env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
        .args(["-i", "inventory/rollout.regal.yml", "--list", "--export"])
        .output()
        .unwrap();
    assert!(sync.status.success(), "{}", report(&sync));
    let synced = project.join("synced.json");
    fs::write(&synced, &sync.stdout).unwrap();
    let job_inventory = project.join("job-inventory.sh");
    fs::write(
        &job_inventory,
        format!("#!/bin/sh\nexec cat '{}'\n", synced.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&job_inventory, fs::Permissions::from_mode(0o755)).unwrap();

    let job = |limit: Option<&str>| -> (Output, Vec<String>) {
        let mut cmd = in_project("ansible-playbook");
        cmd.arg("-i")
            .arg(&job_inventory)
            .args(["rollout.yml", "-e", "regal_tasks=deploy.yml"]);
        if let Some(limit) = limit {
            cmd.args(["--limit", limit]);
        }
        let out = cmd.output().unwrap();
        let deployed = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().strip_prefix("\"msg\": \"deployed "))
            .map(|l| l.trim_end_matches('"').to_string())
            .collect();
        (out, deployed)
    };

    // Without the workflow, the confirmation has no terminal: the job stops
    // after the canary.
    let (out, deployed) = job(None);
    assert!(!out.status.success(), "{}", report(&out));
    assert_eq!(deployed, ["web01 batch 0"], "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("the operator did not confirm"),
        "{}",
        report(&out)
    );

    // Workflow node 1: the canary only, which ends without a prompt.
    let (out, deployed) = job(Some("app_v1_0_batch0"));
    assert!(out.status.success(), "{}", report(&out));
    assert_eq!(deployed, ["web01 batch 0"], "{}", report(&out));

    // Node 3, after the approval node: the limit `plan --resume-from` gives.
    let resume = check(
        Command::new(wheel_venv().join("regal-inventory"))
            .current_dir(&project)
            .args(["plan", "--config", "inventory/regal.yml"])
            .args(["--resume-from", "app_v1_0_batch1"]),
    );
    let resume = String::from_utf8_lossy(&resume.stdout);
    let limit = resume
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("--limit '"))
        .and_then(|l| l.strip_suffix('\''))
        .unwrap_or_else(|| panic!("no --limit line in:\n{resume}"));
    let (out, deployed) = job(Some(limit));
    assert!(out.status.success(), "{}", report(&out));
    let order: Vec<&str> = deployed.iter().map(|d| &d[d.len() - 1..]).collect();
    assert!(order.is_sorted(), "batches out of order: {deployed:?}");
    let mut batches: Vec<Vec<String>> = Vec::new();
    for d in &deployed {
        let (host, batch) = d.split_once(" batch ").unwrap();
        let batch: usize = batch.parse().unwrap();
        if batches.len() < batch {
            batches.resize(batch, Vec::new());
        }
        batches[batch - 1].push(host.to_string());
    }
    for b in &mut batches {
        b.sort();
    }
    assert_eq!(
        batches,
        [vec!["web02", "web03"], vec!["web04", "web05"]],
        "{}",
        report(&out)
    );

    // A broken regal.yml fails the sync, so no job runs on a stale inventory.
    fs::write(project.join("inventory/regal.yml"), "versions: {}\n").unwrap();
    let sync = in_project("ansible-inventory")
        .env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
        .args(["-i", "inventory/rollout.regal.yml", "--list", "--export"])
        .output()
        .unwrap();
    assert!(!sync.status.success(), "{}", report(&sync));
    assert!(
        String::from_utf8_lossy(&sync.stderr).contains("`versions` is empty"),
        "{}",
        report(&sync)
    );
}

/// README's AWX layout for `hosts_from`: the source is a directory holding
/// hosts.ini and the plugin file, regal.yml sits one level up; one sync
/// (`ansible-inventory --list --export`, as AWX runs it) batches the hosts
/// hosts.ini defines.
#[test]
fn awx_directory_source_batches_hosts_from_another_file() {
    let project = work_dir("awx-hosts-from");
    fs::create_dir_all(project.join("inventory/prod")).unwrap();
    fs::write(
        project.join("inventory/regal.yml"),
        "combine: 2\nversions:\n  app-v2.0:\n    hosts_from: web\n",
    )
    .unwrap();
    fs::write(
        project.join("inventory/prod/hosts.ini"),
        "[web]\nweb1\nweb2\nweb3\n",
    )
    .unwrap();
    fs::write(
        project.join("inventory/prod/rollout.regal.yml"),
        "plugin: regal.inventory.regal\nstrategy: ../regal.yml\n",
    )
    .unwrap();
    let out = ansible("ansible-inventory", SYSTEM_PATH, &project)
        .current_dir(&project)
        .env("ANSIBLE_COLLECTIONS_PATH", installed_collection())
        .env("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
        .env("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "True")
        .args(["-i", "inventory/prod", "--list", "--export"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", report(&out));
    let inventory: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        inventory["app_v2_0_batch0"]["hosts"],
        serde_json::json!(["web1"])
    );
    assert_eq!(
        inventory["app_v2_0_batch1"]["hosts"],
        serde_json::json!(["web2", "web3"])
    );
}

/// README commands that CI cannot run as written, each with the reason and
/// where its local equivalent is tested.
const README_SKIPS: &[(&str, &str)] = &[
    (
        "pip install regal-inventory ansible-core==2.19.14",
        "installs from PyPI; its local equivalent, the wheel built from this checkout \
         with the pinned ansible-core in a fresh venv, is the venv these commands run in",
    ),
    (
        "cargo install --locked --path .",
        "a release build of the crate into ~/.cargo (minutes); `cargo test` builds the same sources",
    ),
    ("cargo test --locked", "the test suite this test is part of"),
    (
        "pip install maturin==1.16.0 ansible-builder==3.2.0",
        "the same pinned tools are the suite's maturin-venv and ansible-builder-venv",
    ),
    (
        "maturin build --release --out dist",
        "a release build (minutes); the wheel of these tests is the same build with the dev profile",
    ),
    (
        "ansible-builder build --tag registry.example.com/regal-ee:0.1.0",
        "needs a container runtime and the base image's registry; \
         execution_environment_build_context_holds_wheel_and_collection runs `ansible-builder create`",
    ),
    (
        "podman push registry.example.com/regal-ee:0.1.0",
        "pushes to a registry",
    ),
];

/// One command shown in README, and the output shown with it (console blocks).
#[derive(Debug)]
struct ReadmeCommand {
    line: usize,
    command: String,
    expected: Option<Vec<String>>,
}

/// Fenced blocks of README: (language, line of the fence, lines).
fn readme_blocks(readme: &str) -> Vec<(String, usize, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, Vec<String>)> = None;
    for (n, line) in readme.lines().enumerate() {
        if let Some(lang) = line.strip_prefix("```") {
            match open.take() {
                Some(block) => blocks.push(block),
                None => open = Some((lang.trim().to_string(), n + 1, Vec::new())),
            }
        } else if let Some((_, _, lines)) = open.as_mut() {
            lines.push(line.to_string());
        }
    }
    assert!(open.is_none(), "README has an unclosed code block");
    blocks
}

/// Every command of README's `sh` blocks (comments dropped, `\` lines
/// joined) and `console` blocks (`$ ` lines, with the output that follows).
fn readme_commands(readme: &str) -> Vec<ReadmeCommand> {
    let mut commands = Vec::new();
    for (lang, line, lines) in readme_blocks(readme) {
        match lang.as_str() {
            "sh" => {
                let mut pending = String::new();
                for text in &lines {
                    let text = text.trim();
                    if pending.is_empty() && (text.is_empty() || text.starts_with('#')) {
                        continue;
                    }
                    if let Some(part) = text.strip_suffix('\\') {
                        pending.push_str(part);
                        continue;
                    }
                    pending.push_str(text);
                    commands.push(ReadmeCommand {
                        line,
                        command: std::mem::take(&mut pending),
                        expected: None,
                    });
                }
            }
            "console" => {
                for text in &lines {
                    if let Some(command) = text.strip_prefix("$ ") {
                        commands.push(ReadmeCommand {
                            line,
                            command: command.to_string(),
                            expected: Some(Vec::new()),
                        });
                    } else if let Some(ReadmeCommand {
                        expected: Some(out),
                        ..
                    }) = commands.last_mut()
                    {
                        out.push(text.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    commands
}

/// `actual` against README's lines, where a line `...` stands for any lines.
fn output_matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=actual.len()).any(|skip| output_matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => {
            actual.first() == Some(&first.as_str()) && output_matches(rest, &actual[1..])
        }
    }
}

/// The YAML blocks of README that say which file they are (`# path.yml` as
/// their first line), to be written where README's commands expect them.
fn readme_files(readme: &str) -> Vec<(usize, String, String)> {
    readme_blocks(readme)
        .into_iter()
        .filter(|(lang, _, _)| lang == "yaml")
        .filter_map(|(_, line, lines)| {
            let name = lines.first()?.strip_prefix("# ")?.trim().to_string();
            (name.ends_with(".yml") && !name.contains(' '))
                .then(|| (line, name, lines.join("\n") + "\n"))
        })
        .collect()
}

/// Every command README shows, run in README's order in a copy of the
/// checkout, with the wheel's venv active (its bin first in PATH, as after
/// README's install) and a HOME of its own; console blocks' output compared.
/// The files the commands expect that README shows are taken from README's
/// own YAML blocks; the rest (a local inventory, hosts.ini, deploy.yml, the
/// strategy behind the console examples) are made here.
#[test]
fn every_readme_command_runs() {
    let readme = fs::read_to_string(repo_root().join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    let files = readme_files(&readme);
    let root = work_dir("readme");
    let checkout = root.join("checkout");
    let home = root.join("home");
    fs::create_dir_all(&checkout).unwrap();
    fs::create_dir_all(&home).unwrap();
    for entry in [
        "README.md",
        "Cargo.toml",
        "Cargo.lock",
        "pyproject.toml",
        "execution-environment.yml",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "inventory_examples",
        "playbooks",
        "collections",
    ] {
        check(
            Command::new("cp")
                .arg("-R")
                .arg(repo_root().join(entry))
                .arg(&checkout),
        );
    }
    let venv = wheel_venv();
    let binary = venv.join("regal-inventory");
    // A local inventory directory as README's rollout section lays it out.
    let prod = checkout.join("inventory/prod");
    fs::create_dir_all(&prod).unwrap();
    fs::copy(
        repo_root().join("inventory_examples/demo/regal.yml"),
        prod.join("regal.yml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&binary, prod.join("regal-inventory")).unwrap();
    fs::write(
        checkout.join("deploy.yml"),
        "---\n- name: Deploy\n  ansible.builtin.debug:\n    msg: \"deployed {{ inventory_hostname }}\"\n",
    )
    .unwrap();
    // The hosts the plugin section's regal.yml takes with hosts_from.
    fs::write(
        checkout.join("hosts.ini"),
        "[webservers]\nweb1 zone=eu-1a\nweb2 zone=eu-1b\nweb3 zone=eu-1a\nweb4 zone=eu-1b\n\
         [maintenance]\nweb4\n\
         [all:vars]\nansible_connection=local\n",
    )
    .unwrap();
    // The strategy and the broken file behind README's console examples.
    let console = checkout.join("console");
    fs::create_dir_all(&console).unwrap();
    fs::write(
        console.join("regal.yml"),
        "schedule: 1\ncombine: 2\npriority: app-v2.0\nversions:\n  app-v1.0: db1, db2, db3\n  app-v2.0:\n    hosts: web01, web02, web03, web04, web05, web06\n    exclude: [web06]\n    pause_after_canary: 30\n    confirm_after_canary: true\n",
    )
    .unwrap();
    fs::write(
        console.join("broken.yml"),
        "priority: [nope]\nversions:\n  app-v1: a, b\n  app-v2:\n    hosts: [b]\n",
    )
    .unwrap();

    let path = format!("{}:{SYSTEM_PATH}", venv.display());
    let mut ran = 0;
    let mut skipped: Vec<&str> = Vec::new();
    for cmd in &commands {
        for (block_line, name, text) in &files {
            if *block_line < cmd.line {
                let target = checkout.join(name);
                if !target.exists() || fs::read_to_string(&target).unwrap() != *text {
                    fs::create_dir_all(target.parent().unwrap()).unwrap();
                    fs::write(&target, text).unwrap();
                }
            }
        }
        // Without a trailing comment.
        let bare = cmd.command.split(" #").next().unwrap().trim();
        if let Some((_, reason)) = README_SKIPS.iter().find(|(c, _)| *c == bare) {
            assert!(!reason.is_empty());
            skipped.push(bare);
            continue;
        }
        let cwd = if cmd.expected.is_some() {
            &console
        } else {
            &checkout
        };
        // The `--graph` shown after this sentence is the output of the one
        // command that prints the example's graph.
        let graph_of =
            "`ansible-inventory --graph` of `inventory_examples/two-versions-priority.yml`:";
        let graph = (cmd.command.contains("two-versions-priority.yml")
            && cmd.command.contains("--graph"))
        .then(|| {
            let after = &readme[readme
                .find(graph_of)
                .expect("README shows the example's graph")..];
            readme_blocks(after)
                .into_iter()
                .next()
                .expect("a block after the sentence")
                .2
        });
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!("{} 2>&1", cmd.command))
            .current_dir(cwd)
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("LC_ALL", "C.UTF-8")
            .env(
                "ANSIBLE_COLLECTIONS_PATH",
                home.join(".ansible/collections"),
            )
            .env("ANSIBLE_LOCAL_TEMP", root.join("ansible-tmp"))
            .env("ANSIBLE_NOCOLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let context = format!(
            "README.md line {}: `{}` exited with {}:\n{text}",
            cmd.line, cmd.command, out.status
        );
        if let Some(graph) = &graph {
            let actual: Vec<&str> = text.lines().collect();
            assert!(
                output_matches(graph, &actual),
                "{context}\nREADME shows:\n{}",
                graph.join("\n")
            );
        }
        match &cmd.expected {
            None => assert!(out.status.success(), "{context}"),
            Some(expected) => {
                // Where the example's files are on the operator's machine.
                let text = text
                    .replace(&console.display().to_string(), "/srv/deploy")
                    .replace(
                        &binary.display().to_string(),
                        "/usr/local/bin/regal-inventory",
                    );
                let actual: Vec<&str> = text.lines().collect();
                assert!(
                    output_matches(expected, &actual),
                    "{context}\nREADME shows:\n{}",
                    expected.join("\n")
                );
                let fails = expected
                    .last()
                    .is_some_and(|l| l.starts_with("regal-inventory: "));
                assert_eq!(!out.status.success(), fails, "{context}");
            }
        }
        ran += 1;
    }
    assert!(ran >= 20, "only {ran} README commands ran: {commands:#?}");
    for (command, _) in README_SKIPS {
        assert!(
            skipped.contains(command),
            "README no longer shows `{command}`: drop it from README_SKIPS"
        );
    }
}

/// README's `pip install .` from a checkout: pip builds the wheel through
/// pyproject.toml's build backend (the pinned maturin, fetched by pip) and
/// installs the binary into the venv. `MATURIN_PEP517_ARGS` picks the dev
/// profile so that the build reuses what `cargo test` built.
#[test]
fn pip_install_from_the_checkout_installs_the_binary() {
    let venv = work_dir("pip-install-venv");
    let python = std::env::var("REGAL_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    check(Command::new(python).args(["-m", "venv"]).arg(&venv));
    let cargo = PathBuf::from(env!("CARGO"));
    let path = format!(
        "{}:{}",
        cargo.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    check(
        Command::new(venv.join("bin/pip"))
            .current_dir(repo_root())
            .args(["install", "--quiet", "--disable-pip-version-check", "."])
            .env("PATH", path)
            .env("MATURIN_PEP517_ARGS", "--profile dev")
            .env("CARGO_TARGET_DIR", target_dir()),
    );
    let out = check(Command::new(venv.join("bin/regal-inventory")).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("regal-inventory {}", env!("CARGO_PKG_VERSION"))
    );
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// ansible-test's `symlinks` rule, in the source tree too (the sanity test
/// above runs on the built collection, where ansible-galaxy has already
/// replaced links by files): no link inside the collection leaves it.
#[test]
fn no_symlink_in_the_collection_points_outside_it() {
    let collection = repo_root()
        .join("collections/ansible_collections/regal/inventory")
        .canonicalize()
        .unwrap();
    let mut dirs = vec![collection.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = path.canonicalize().unwrap();
                assert!(
                    target.starts_with(&collection),
                    "{} points outside the collection, to {}",
                    path.display(),
                    target.display()
                );
            } else if meta.is_dir() && path.file_name().is_some_and(|n| n != "output") {
                dirs.push(path);
            }
        }
    }
}
