//! `plan --resume-from`: the `--limit` that restarts a stopped rollout at a batch.
//!
//! The rollout playbook deploys the version groups in rollout order and cuts them
//! into batches by the batch groups inside `--limit`. To resume at batch `k` of
//! version `V`, the limit keeps `V` and every later version, and drops the
//! batches of `V` before `k`; versions before `V` are done and left out.

use crate::error::Error;
use crate::inventory::batch_group;
use crate::plan::Plan;
use serde::Serialize;

/// Where a rollout resumes and the limit that does it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resume {
    /// The batch group the rollout resumes at.
    pub resume_from: String,
    pub version: String,
    pub batch: usize,
    /// The `--limit` pattern for `ansible-playbook`.
    pub limit: String,
    /// Batch groups already done, in rollout order.
    pub done: Vec<String>,
    /// Batch groups still to deploy, in rollout order.
    pub remaining: Vec<String>,
}

impl Resume {
    /// Resumes at `group`: a batch group, or a version group (its first batch).
    pub fn new(plan: &Plan, group: &str) -> Result<Resume, Error> {
        let mut all = Vec::new();
        let mut found = None;
        for (v, version_plan) in plan.versions.iter().enumerate() {
            let version_group = &version_plan.version.group;
            for index in 0..version_plan.batch_count() {
                let name = batch_group(version_group, index);
                let named = name == group || (index == 0 && version_group == group);
                if named && found.is_none() {
                    found = Some((v, index, all.len()));
                }
                all.push(name);
            }
        }
        let Some((v, batch, position)) = found else {
            return Err(Error::UnknownBatch {
                group: group.to_string(),
                batches: all,
            });
        };
        let version = plan.versions[v].version;
        let mut terms: Vec<String> = plan.versions[v..]
            .iter()
            .map(|later| later.version.group.clone())
            .collect();
        terms.extend((0..batch).map(|i| format!("!{}", batch_group(&version.group, i))));
        let remaining = all.split_off(position);
        Ok(Resume {
            resume_from: remaining[0].clone(),
            version: version.name.clone(),
            batch,
            limit: terms.join(":"),
            done: all,
            remaining,
        })
    }

    /// The `ansible-playbook` command line that resumes, for a shell.
    pub fn command(&self, inventory: &str, playbook: &str, env: Option<(&str, &str)>) -> String {
        let mut words = Vec::new();
        if let Some((name, value)) = env {
            words.push(format!("{name}={}", shell_quote(value)));
        }
        words.extend([
            "ansible-playbook".to_string(),
            "-i".to_string(),
            shell_quote(inventory),
            shell_quote(playbook),
            "--limit".to_string(),
            // Always quoted: `!` is history expansion in interactive bash.
            format!("'{}'", self.limit.replace('\'', r"'\''")),
        ]);
        words.join(" ")
    }
}

/// `text` as one shell word: unchanged when plain, else single-quoted.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:=@%+-,".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy;

    const TWO: &str = "schedule: 1\ncombine: 2\npriority: app-v2\nversions:\n  app-v1: [a, b, c]\n  app-v2: [d, e, f, g, h]\n  app-v3: [i]\n";

    fn resume(yaml: &str, group: &str) -> Result<Resume, Error> {
        let strategy = strategy::parse(yaml).unwrap();
        Resume::new(&Plan::new(&strategy), group)
    }

    #[test]
    fn resume_inside_the_first_version() {
        let r = resume("versions:\n  app-v1.0: a,b,c,d\n", "app_v1_0_batch2").unwrap();
        assert_eq!(r.limit, "app_v1_0:!app_v1_0_batch0:!app_v1_0_batch1");
        assert_eq!(r.done, ["app_v1_0_batch0", "app_v1_0_batch1"]);
        assert_eq!(r.remaining, ["app_v1_0_batch2", "app_v1_0_batch3"]);
    }

    #[test]
    fn earlier_versions_are_done_and_left_out() {
        // Rollout order: app-v2 (priority), app-v1, app-v3.
        let r = resume(TWO, "app_v1_batch1").unwrap();
        assert_eq!(r.limit, "app_v1:app_v3:!app_v1_batch0");
        assert_eq!(r.version, "app-v1");
        assert_eq!(
            r.done,
            [
                "app_v2_batch0",
                "app_v2_batch1",
                "app_v2_batch2",
                "app_v1_batch0"
            ]
        );
        assert_eq!(r.remaining, ["app_v1_batch1", "app_v3_batch0"]);
    }

    #[test]
    fn a_version_group_resumes_at_its_first_batch() {
        let r = resume(TWO, "app_v1").unwrap();
        assert_eq!((r.resume_from.as_str(), r.batch), ("app_v1_batch0", 0));
        assert_eq!(r.limit, "app_v1:app_v3");
        let first = resume(TWO, "app_v2_batch0").unwrap();
        assert_eq!(first.limit, "app_v2:app_v1:app_v3");
        assert!(first.done.is_empty());
    }

    #[test]
    fn unknown_batch_lists_the_batches() {
        match resume(TWO, "app_v1_batch9") {
            Err(Error::UnknownBatch { group, batches }) => {
                assert_eq!(group, "app_v1_batch9");
                assert_eq!(batches.len(), 6);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn command_quotes_what_the_shell_would_change() {
        let r = resume("versions:\n  v: a,b\n", "v_batch1").unwrap();
        assert_eq!(
            r.command(
                "inv/regal-inventory",
                "playbooks/rollout.yml",
                Some(("REGAL_CONFIG", "/my dir/regal.yml"))
            ),
            "REGAL_CONFIG='/my dir/regal.yml' ansible-playbook -i inv/regal-inventory playbooks/rollout.yml --limit 'v:!v_batch0'"
        );
    }
}
