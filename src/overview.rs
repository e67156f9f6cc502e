//! `regal-inventory plan`: the rollout as a person reads it, or the same as JSON.
//!
//! Built from the [`Plan`] and named like the [`inventory`](crate::inventory), so
//! what it shows is what `--list` gives Ansible.

use crate::inventory::{batch_group, excluded_group};
use crate::plan::{Plan, VersionPlan};
use serde::Serialize;
use std::fmt::{self, Write};

/// Counts of a whole rollout, as `check` and `plan` print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub versions: usize,
    /// Hosts rolled out (excluded ones not counted).
    pub hosts: usize,
    pub batches: usize,
    pub excluded: usize,
}

impl Summary {
    pub fn new(plan: &Plan) -> Summary {
        let versions = &plan.versions;
        Summary {
            versions: versions.len(),
            hosts: versions.iter().map(|v| v.version.hosts.len()).sum(),
            batches: versions.iter().map(|v| v.batch_count()).sum(),
            excluded: versions.iter().map(|v| v.version.excluded.len()).sum(),
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} in {}",
            count(self.versions, "version"),
            count(self.hosts, "host"),
            count(self.batches, "batch"),
        )?;
        if self.excluded > 0 {
            write!(f, ", {} excluded", self.excluded)?;
        }
        Ok(())
    }
}

/// "1 host", "2 hosts", "1 batch", "3 batches".
fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('h')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

/// The whole rollout, versions in rollout order.
#[derive(Debug, Serialize)]
pub struct Overview<'p> {
    pub summary: Summary,
    pub versions: Vec<VersionOverview<'p>>,
    /// Hosts never rolled out, by version.
    pub excluded: Vec<ExcludedOverview<'p>>,
}

#[derive(Debug, Serialize)]
pub struct VersionOverview<'p> {
    pub name: &'p str,
    pub group: &'p str,
    /// The pattern the hosts were taken with from earlier inventory sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts_from: Option<&'p str>,
    pub hosts: usize,
    /// The health checks run on every host after each batch, as the
    /// inventory's `regal_verify` gives them to the playbook.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<serde_json::Value>,
    /// The same checks, for the text view.
    #[serde(skip)]
    pub checks: &'p [crate::verify::Check],
    pub batches: Batches<'p>,
}

/// A version's batches, each made when it is shown or written: a range can
/// stand for ten million hosts in ten million batches.
#[derive(Debug, Clone, Copy)]
pub struct Batches<'p> {
    plan: &'p VersionPlan<'p>,
    /// Whether this is the last version: nothing waits after its last batch.
    last_version: bool,
}

#[derive(Debug, Serialize)]
pub struct BatchOverview<'p> {
    pub index: usize,
    pub group: String,
    pub size: usize,
    /// Hosts of the version done once this batch is.
    pub done: usize,
    /// `done` in whole percent of the version's hosts, as `regal_progress`.
    pub progress: u64,
    pub canary: bool,
    /// Seconds the rollout waits after this batch (0: none).
    pub pause_after: u64,
    /// Whether the rollout asks the operator after this batch.
    pub confirm_after: bool,
    /// Health checks run on each host of this batch (the version's `verify`).
    pub checks: usize,
    /// Seconds the rollout keeps checking this batch before it moves on (0: none).
    pub bake_after: u64,
    pub hosts: Vec<&'p str>,
}

#[derive(Debug, Serialize)]
pub struct ExcludedOverview<'p> {
    pub version: &'p str,
    pub group: String,
    pub hosts: Vec<&'p str>,
}

impl<'p> Batches<'p> {
    pub fn len(&self) -> usize {
        self.plan.batch_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The batches in order.
    pub fn iter(&self) -> impl Iterator<Item = BatchOverview<'p>> + use<'p> {
        let Batches { plan, last_version } = *self;
        (0..plan.batch_count()).map(move |index| Batches::batch(plan, last_version, index))
    }

    fn batch(plan: &'p VersionPlan<'p>, last_version: bool, index: usize) -> BatchOverview<'p> {
        let version = plan.version;
        let rollout = &version.rollout;
        let range = plan.batch_range(index);
        // The rollout playbook never waits after the very last batch.
        let last = last_version && index + 1 == plan.batch_count();
        BatchOverview {
            index,
            group: batch_group(&version.group, index),
            size: range.len(),
            done: range.end,
            progress: plan.progress(index),
            canary: index == 0,
            pause_after: if last { 0 } else { rollout.pause_after(index) },
            confirm_after: !last && rollout.confirm_after(index),
            checks: rollout.verify.checks.len(),
            bake_after: if rollout.verify.bakes_after(last) {
                rollout.verify.bake
            } else {
                0
            },
            hosts: plan.batch(index).map(|h| h.name.as_ref()).collect(),
        }
    }
}

impl Serialize for Batches<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'p> Overview<'p> {
    pub fn new(plan: &'p Plan<'p>) -> Overview<'p> {
        let last_version = plan.versions.len().saturating_sub(1);
        let versions = plan
            .versions
            .iter()
            .enumerate()
            .map(|(v, version_plan)| {
                let version = version_plan.version;
                let rollout = &version.rollout;
                VersionOverview {
                    name: &version.name,
                    group: &version.group,
                    hosts_from: version.hosts_from.as_deref(),
                    hosts: version.hosts.len(),
                    verify: (rollout.verify.checks.iter())
                        .map(crate::verify::Check::to_json)
                        .collect(),
                    checks: &rollout.verify.checks,
                    batches: Batches {
                        plan: version_plan,
                        last_version: v == last_version,
                    },
                }
            })
            .collect();
        let excluded = plan
            .versions
            .iter()
            .map(|v| v.version)
            .filter(|version| !version.excluded.is_empty())
            .map(|version| ExcludedOverview {
                version: &version.name,
                group: excluded_group(&version.group),
                hosts: version.excluded.iter().map(|h| h.name.as_ref()).collect(),
            })
            .collect();
        Overview {
            summary: Summary::new(plan),
            versions,
            excluded,
        }
    }

    /// The text view. Lists longer than `max_hosts` (0: no limit) end with a
    /// count of the hosts left out; versions of more than `max_batches` batches
    /// (0: no limit) show that many, then a count of the rest.
    pub fn render(&self, title: &str, limits: Limits, colour: bool) -> String {
        let Limits {
            max_hosts,
            max_batches,
        } = limits;
        let max_batches = if max_batches == 0 {
            usize::MAX
        } else {
            max_batches
        };
        let shown = |batches: &Batches<'p>| batches.iter().take(max_batches);
        let paint = Paint(colour);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} {}: {}",
            paint.bold("Rollout of"),
            paint.bold(title),
            self.summary
        );
        let size_width = self
            .versions
            .iter()
            .flat_map(|v| shown(&v.batches))
            .map(|b| count(b.size, "host").len())
            .max()
            .unwrap_or(0);
        for (position, version) in self.versions.iter().enumerate() {
            let _ = write!(
                out,
                "\n{}. {} (group {}, {}",
                position + 1,
                paint.bold(version.name),
                paint.cyan(version.group),
                count(version.hosts, "host")
            );
            if let Some(pattern) = version.hosts_from {
                let _ = write!(out, " from `{pattern}`");
            }
            let _ = writeln!(out, ", {})", count(version.batches.len(), "batch"));
            if !version.checks.is_empty() {
                let _ = writeln!(out, "   health checks on every host after each batch:");
                for check in version.checks {
                    let _ = writeln!(out, "    - {check}");
                }
            }
            let done_width = version.hosts.to_string().len();
            for batch in shown(&version.batches) {
                let _ = writeln!(
                    out,
                    "   batch {:<3} {:<6}  {:<size_width$}  {:>done_width$}/{} {:>3}%  {}",
                    batch.index,
                    if batch.canary { "canary" } else { "" },
                    count(batch.size, "host"),
                    batch.done,
                    version.hosts,
                    batch.progress,
                    paint.cyan(&batch.group),
                );
                let _ = writeln!(out, "      {}", shorten(&batch.hosts, max_hosts));
                let mut marks = Vec::new();
                if batch.checks > 0 {
                    marks.push(format!("check health ({})", count(batch.checks, "check")));
                }
                if batch.bake_after > 0 {
                    marks.push(format!("bake {} s (keep checking)", batch.bake_after));
                }
                if batch.pause_after > 0 {
                    marks.push(format!("pause {} s", batch.pause_after));
                }
                if batch.confirm_after {
                    marks.push("ask the operator to confirm".to_string());
                }
                if !marks.is_empty() {
                    let marks = format!("then {}", marks.join(", then "));
                    let _ = writeln!(out, "      {}", paint.yellow(&marks));
                }
            }
            let count_shown = max_batches.min(version.batches.len());
            if count_shown < version.batches.len() {
                let plan = version.batches.plan;
                let left = version.batches.len() - count_shown;
                let hosts = version.hosts - plan.batch_range(count_shown).start;
                let first = batch_group(version.group, count_shown);
                let groups = match left {
                    1 => paint.cyan(&first),
                    _ => {
                        let last = batch_group(version.group, version.batches.len() - 1);
                        format!("{} to {}", paint.cyan(&first), paint.cyan(&last))
                    }
                };
                let _ = writeln!(
                    out,
                    "   ... and {left} more {} ({groups}, {}); --max-batches 0 shows them all",
                    if left == 1 { "batch" } else { "batches" },
                    count(hosts, "host"),
                );
            }
        }
        if !self.excluded.is_empty() {
            let _ = writeln!(out, "\n{}", paint.bold("Excluded (never rolled out):"));
            for excluded in &self.excluded {
                let _ = writeln!(
                    out,
                    "   {} ({}): {}",
                    paint.cyan(&excluded.group),
                    count(excluded.hosts.len(), "host"),
                    paint.dim(&shorten(&excluded.hosts, max_hosts))
                );
            }
        }
        out
    }
}

/// How much of a long rollout the text view shows (0: everything).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Hosts shown per batch.
    pub max_hosts: usize,
    /// Batches shown per version.
    pub max_batches: usize,
}

/// `a, b, c` or, past `max` names, `a, b ... and 7 more`.
fn shorten(hosts: &[&str], max: usize) -> String {
    if max == 0 || hosts.len() <= max {
        return hosts.join(", ");
    }
    format!(
        "{} ... and {} more",
        hosts[..max].join(", "),
        hosts.len() - max
    )
}

/// ANSI styles, or none.
struct Paint(bool);

impl Paint {
    fn style(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.style("1", text)
    }
    fn cyan(&self, text: &str) -> String {
        self.style("36", text)
    }
    fn yellow(&self, text: &str) -> String {
        self.style("33", text)
    }
    fn dim(&self, text: &str) -> String {
        self.style("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy;

    fn overview_of(yaml: &str, f: impl FnOnce(&Overview)) {
        let strategy = strategy::parse(yaml).unwrap();
        let plan = Plan::new(&strategy);
        f(&Overview::new(&plan));
    }

    #[test]
    fn batches_with_progress_and_marks() {
        let yaml = "schedule: 1\ncombine: 2\npause_after_canary: 30\nconfirm_after_canary: true\npause_between_batches: 5\nversions:\n  v1: [a, b, c, d, e]\n  v2:\n    hosts: [f, g, x]\n    exclude: [x]\n";
        overview_of(yaml, |o| {
            assert_eq!(
                o.summary,
                Summary {
                    versions: 2,
                    hosts: 7,
                    batches: 5,
                    excluded: 1
                }
            );
            let v1 = &o.versions[0];
            let marks: Vec<_> = v1
                .batches
                .iter()
                .map(|b| (b.size, b.done, b.progress, b.pause_after, b.confirm_after))
                .collect();
            assert_eq!(
                marks,
                [
                    (1, 1, 20, 30, true),
                    (2, 3, 60, 5, false),
                    (2, 5, 100, 5, false)
                ]
            );
            // Nothing waits after the very last batch.
            let last = o.versions[1].batches.iter().last().unwrap();
            assert_eq!((last.pause_after, last.confirm_after), (0, false));
            assert_eq!(o.excluded[0].group, "v2_excluded");
            assert_eq!(o.excluded[0].hosts, ["x"]);
        });
    }

    #[test]
    fn text_view_shortens_long_lists() {
        let hosts: Vec<String> = (1..=30).map(|i| format!("h{i}")).collect();
        let yaml = format!(
            "schedule: 1\ncombine: 29\nversions:\n  v: {}\n",
            hosts.join(",")
        );
        overview_of(&yaml, |o| {
            let limits = |max_hosts| Limits {
                max_hosts,
                max_batches: 0,
            };
            let text = o.render("regal.yml", limits(4), false);
            assert!(text.contains("h2, h3, h4, h5 ... and 25 more"), "{text}");
            assert!(text.starts_with("Rollout of regal.yml: 1 version, 30 hosts in 2 batches"));
            assert!(!text.contains('\x1b'));
            assert!(o.render("regal.yml", limits(0), true).contains("\x1b[1m"));
        });
    }

    /// Past `max_batches`, a version's batches are counted, not listed: a
    /// range of a million hosts in a million batches gives a few lines.
    #[test]
    fn text_view_counts_the_batches_past_the_limit() {
        let yaml = "schedule: 2\ncombine: 3\nversions:\n  v: h[1:20]\n  w: g[0:999999]\n";
        overview_of(yaml, |o| {
            let limits = |max_batches| Limits {
                max_hosts: 10,
                max_batches,
            };
            let text = o.render("regal.yml", limits(2), false);
            assert!(
                text.contains("   batch 1           3 hosts   5/20  25%  v_batch1\n"),
                "{text}"
            );
            assert!(!text.contains("v_batch2\n"), "{text}");
            assert!(
                text.contains("   ... and 5 more batches (v_batch2 to v_batch6, 15 hosts); --max-batches 0 shows them all\n"),
                "{text}"
            );
            assert!(
                text.contains(
                    "   ... and 333332 more batches (w_batch2 to w_batch333333, 999995 hosts);"
                ),
                "{text}"
            );
            assert!(text.lines().count() < 20, "{text}");
            let one_less = o.render("regal.yml", limits(6), false);
            assert!(
                one_less.contains("   ... and 1 more batch (v_batch6, 3 hosts);"),
                "{one_less}"
            );
            let all = o.render("regal.yml", limits(0), false);
            assert!(all.contains("v_batch6\n") && all.contains("w_batch333333\n"));
            assert!(!all.contains("more batch"));
            assert_eq!(o.versions[1].batches.iter().count(), 333_334);
        });
    }

    #[test]
    fn counts_read_well() {
        assert_eq!(count(1, "batch"), "1 batch");
        assert_eq!(count(3, "batch"), "3 batches");
        assert_eq!(count(0, "host"), "0 hosts");
    }
}
