# The stop message of rollout.yml for a batch whose every host was unreachable.
# Copyright (c) 2026 The regal-inventory developers
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# rollout.yml ends every stop with one "Regal: rollout stopped ..." message
# from a task of the stopped batch. When every host of a batch is unreachable,
# Ansible ends the play before any task of that batch can run, so this
# callback, loaded from next to the playbook without being enabled, prints
# the message after the recap instead. It prints nothing in any other case.

from __future__ import annotations

DOCUMENTATION = r"""
name: regal_stop
type: notification
short_description: The stop message of rollout.yml when a whole batch is unreachable
description:
  - Prints the stop message of rollout.yml, with the --limit to resume with,
    when every host of a batch was unreachable.
"""

import json
import re
import shlex

from ansible import context
from ansible.plugins.callback import CallbackBase

_BATCH = re.compile(r"^(.+)_batch([0-9]+)$")
_ROLLOUT_PLAY = "Regal rollout"
_STOPPED = "Regal: rollout stopped"


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "regal_stop"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._play = None
        self._in_rollout = False
        self._unreachable = []
        self._stopped = False

    def v2_playbook_on_play_start(self, play):
        self._play = play
        self._in_rollout = play.get_name().strip() == _ROLLOUT_PLAY

    def _result_message(self, result):
        msg = result._result.get("msg")
        if self._in_rollout and isinstance(msg, str) and msg.startswith(_STOPPED):
            self._stopped = True

    def v2_runner_on_ok(self, result):
        self._result_message(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result_message(result)

    def v2_runner_on_unreachable(self, result):
        if self._in_rollout:
            self._unreachable.append(result._host)

    def v2_playbook_on_stats(self, stats):
        if self._stopped or not self._unreachable or self._play is None:
            return
        batches = []
        for host in self._unreachable:
            for group in host.get_groups():
                if _BATCH.match(group.name) and group.name not in batches:
                    batches.append(group.name)
        if len(batches) != 1:
            return
        here = batches[0]
        version, index = _BATCH.match(here).groups()
        # The batch's own vars, as tasks/regal_stop.yml words them: the batch
        # group carries regal_batch_count, its version group regal_version.
        group_vars = {}
        for group in sorted(self._unreachable[0].get_groups(), key=lambda g: g.depth):
            group_vars.update(group.get_vars())
        plan = {}
        facts = {}
        extra_vars = {}
        manager = self._play.get_variable_manager()
        if manager is not None:
            facts = getattr(manager, "_nonpersistent_fact_cache", {}).get("localhost", {})
            plan = facts.get("_regal_plan") or {}
            extra_vars = getattr(manager, "extra_vars", None) or {}
        versions = list(plan.get("versions") or [version])
        position = versions.index(version) if version in versions else 0
        done = ["!%s_batch%d" % (version, i) for i in range(int(index))]
        limit = context.CLIARGS.get("subset")
        if limit:
            terms = [limit] + ["!" + v for v in versions[:position]] + done
        else:
            terms = versions[position:] + done
        limit = ":".join(terms)
        # The same start as the playbook's stop message: the command the
        # operator ran, which the first play read (lookup_plugins/ beside it).
        command = [facts.get("_regal_command") or "ansible-playbook"]
        for key in ("regal_group", "regal_tasks"):
            if key in extra_vars:
                value = extra_vars[key]
                value = value if isinstance(value, str) else json.dumps(value)
                command += ["-e", shlex.quote("%s=%s" % (key, value))]
        hosts = ", ".join(sorted(h.name for h in self._unreachable))
        self._display.display(
            "%s in batch %s (batch %s of %s of %s): unreachable: %s; no later batch was started. "
            "Resume from %s (it is deployed again) once the hosts are fixed: --limit '%s' "
            "Command: %s --limit '%s'"
            % (
                _STOPPED,
                here,
                group_vars.get("regal_batch", index),
                group_vars.get("regal_batch_count", "?"),
                group_vars.get("regal_version", "?"),
                hosts,
                here,
                limit,
                " ".join(command),
                limit,
            )
        )
