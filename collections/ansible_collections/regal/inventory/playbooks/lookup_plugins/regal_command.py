# The command an operator ran, for the resume command of a stopped rollout.
# Copyright (c) 2026 The regal-inventory developers
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# Beside rollout.yml (found by Ansible without being enabled, as the playbook's
# callback is): tasks/regal_stop.yml and callback_plugins/regal_stop.py both
# start their resume command with it, so that it names the playbook the
# operator ran (their own that imports regal.inventory.rollout, or
# `regal.inventory.rollout` itself) rather than the collection's file.

from __future__ import annotations

DOCUMENTATION = r"""
name: regal_command
short_description: The ansible-playbook command as the operator gave it
description:
  - Returns C(ansible-playbook), then C(-i) with every inventory source and the
    playbooks, as given on the command line, each quoted for a POSIX shell.
options:
  _terms:
    description: The playbook to name when the command line gives none.
    required: false
"""

import shlex

from ansible import context
from ansible.plugins.lookup import LookupBase


def command(fallback=()):
    """`ansible-playbook -i <source>... <playbook>...` as the operator gave it."""
    words = ["ansible-playbook"]
    for source in context.CLIARGS.get("inventory") or []:
        words += ["-i", source]
    words += list(context.CLIARGS.get("args") or fallback)
    return " ".join(shlex.quote(str(word)) for word in words)


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        return [command(terms)]
