# The `regal` inventory plugin: rollout batch groups from regal-inventory.
# Copyright (c) 2026 The regal-inventory developers
# SPDX-License-Identifier: MIT OR Apache-2.0
#
# All batching happens in the regal-inventory binary; this plugin only hands it
# the strategy and the hosts that earlier inventory sources defined, and adds
# the groups it prints. Shipped twice from this one file: in the collection
# regal.inventory (plugin `regal.inventory.regal`) and, as a symlink, in
# playbooks/inventory_plugins/ (plugin `regal`, found next to the playbooks).

from __future__ import annotations

DOCUMENTATION = r"""
name: regal
short_description: Rollout batch groups from a regal-inventory strategy
description:
  - Runs the C(regal-inventory) binary on a rollout strategy (regal.yml) and adds
    the groups it prints, in order, with their children and vars. One group per
    version, one per rollout batch (C(<version>_batch<N>)) and one per version for
    excluded hosts (C(<version>_excluded)).
  - The hosts that earlier inventory sources defined (C(-i hosts.ini -i rollout.regal.yml))
    are passed to the binary with their groups, in order, so that a version can take
    its hosts with C(hosts_from) (a group, or a pattern like C(web:&eu:!canary)).
    Those hosts keep the vars of their own sources.
  - A failure of the binary (an invalid strategy, say) is a parse error carrying
    the binary's message.
options:
  plugin:
    description: This plugin, by its short name or its collection name.
    required: true
    choices: ['regal', 'regal.inventory.regal']
  strategy:
    description:
      - The rollout strategy, either a path to a regal.yml (relative to this file)
        or the strategy itself as a mapping (with C(versions:) and so on).
      - An inline mapping is read from this file's text, exactly as the same lines
        in a regal.yml, with names as written (a version C(yes), a host C(1.10) or
        C(010) stay that text), vars as ansible-core reads them, and errors at
        their line and column in this file. Anchors it uses must be defined inside it.
      - Left out, this file itself is the strategy, a regal.yml with a C(plugin:)
        line (regal-inventory accepts that key). Then C(-i inventory/prod/) of a
        directory holding it reads it through this plugin only, and no other
        plugin tries it as an inventory.
    required: false
    type: raw
  binary:
    description:
      - The regal-inventory executable. A path containing C(/) is relative to this
        file. A bare name is looked up in PATH, then in the bin directory of the
        Python that runs Ansible (where C(pip install regal-inventory) puts it,
        next to C(ansible-playbook)), so a venv need not be activated.
    type: str
    default: regal-inventory
    env:
      - name: REGAL_INVENTORY_BINARY
"""

EXAMPLES = r"""
# inventory/prod/regal.yml, a strategy that is its own plugin file: `-i inventory/prod/`
# plugin: regal.inventory.regal
# schedule: 1
# combine: 5
# versions:
#   app-v2.0: web[01:20]

# rollout.regal.yml, used as `-i hosts.ini -i rollout.regal.yml`
plugin: regal
strategy: regal.yml

# Another file: the strategy inline, batching the web servers of earlier sources
# (commented out here, as one YAML document cannot hold two examples):
# plugin: regal.inventory.regal
# binary: /usr/local/bin/regal-inventory
# strategy:
#   schedule: 1
#   combine: 5
#   versions:
#     app-v2.0:
#       hosts_from: webservers:!maintenance
"""

import datetime
import difflib
import json
import math
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Mapping

import yaml

from ansible import constants as C
from ansible import context
from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.utils.path import unfrackpath
from ansible.utils.vars import combine_vars
from ansible.vars.plugins import get_vars_from_inventory_sources

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19 every inventory string is a template
    from ansible.utils.unsafe_proxy import wrap_var as _untrusted

    def trust_as_template(value):
        return value

else:  # a string not marked as a template is never templated

    def _untrusted(value):
        return value


try:
    from ansible.parsing.vault import EncryptedString
except ImportError:  # before ansible-core 2.19
    EncryptedString = None


class InventoryModule(BaseInventoryPlugin):
    NAME = "regal"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith((".yml", ".yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        here = os.path.dirname(os.path.abspath(path))
        binary = _find_binary(self.get_option("binary"), here)
        strategy = self.get_option("strategy")

        with tempfile.TemporaryDirectory(prefix="regal-inventory-") as tmp:
            if isinstance(strategy, Mapping):
                strategy_path = os.path.join(tmp, "strategy.yml")
                with open(strategy_path, "w", encoding="utf-8") as f:
                    f.write(_inline_strategy(loader, path))
            elif isinstance(strategy, str) and strategy:
                strategy_path = os.path.join(here, os.path.expanduser(strategy))
            elif strategy is None and "strategy" not in config:
                # A regal.yml with `plugin: regal`: the file is its own strategy;
                # a misspelt `strategy:` would make it one by mistake.
                typo = difflib.get_close_matches("strategy", [str(key) for key in config], 1)
                if typo:
                    raise AnsibleParserError(
                        "%s: `%s` is no option of the regal plugin; did you mean `strategy`?"
                        " (Without `strategy:` the file itself is the strategy.)" % (path, typo[0])
                    )
                strategy_path = os.path.abspath(path)
            else:
                raise AnsibleParserError(
                    "%s: `strategy` is a path to a regal.yml or the strategy as a mapping" % path
                )
            started, earlier = time.perf_counter(), len(inventory.hosts)
            external_path = os.path.join(tmp, "external-hosts.json")
            with open(external_path, "w") as f:
                json.dump(self._earlier_hosts(inventory), f, allow_nan=False)
            handed = time.perf_counter()

            command = [binary, "--list", "--config", strategy_path, "--external-hosts", external_path]
            self.display.vvv("regal: running %s" % " ".join(command))
            try:
                # The exit code is checked below, where the message is worded.
                done = subprocess.run(
                    command, capture_output=True, stdin=subprocess.DEVNULL, check=False
                )
            except OSError as e:
                raise AnsibleParserError(
                    "%s: cannot run regal-inventory as %r (%s); `pip install regal-inventory` into"
                    " the Python that runs Ansible (%s), put it in PATH, or set `binary:`"
                    % (path, binary, e, sys.executable)
                )
            stderr = done.stderr.decode("utf-8", "replace").strip()
            if isinstance(strategy, Mapping):
                # The positions are this file's own (see _inline_strategy).
                stderr = stderr.replace(strategy_path, path)
            if done.returncode != 0:
                raise AnsibleParserError(
                    "%s: regal-inventory failed (exit code %d): %s" % (path, done.returncode, stderr)
                )
        try:
            data = json.loads(done.stdout)
        except ValueError as e:
            raise AnsibleParserError("%s: regal-inventory printed no JSON inventory: %s" % (path, e))
        ran = time.perf_counter()
        self._refuse_clashes(path, data)
        self._add(data)
        self.display.vvv(
            "regal: %d earlier hosts handed over in %.2f s, regal-inventory ran %.2f s, its groups added in %.2f s"
            % (earlier, handed - started, ran - handed, time.perf_counter() - ran)
        )

    def _earlier_hosts(self, inventory):
        """What --external-hosts reads: every group with all its hosts (also those
        of child groups) in the order Ansible gives them, and each host's plain
        vars as a play will see them (_PlayVars), which a failure-domain label
        (`spread:`) may need.

        Ansible completes `all` and `ungrouped` only after its last source
        (InventoryData.reconcile_inventory): a group with no parent becomes a
        child of `all`, a host in no group joins `ungrouped`, and leaves it when
        in another group. They are completed here the same way, without
        changing the inventory. A group's hosts are then resolved as
        Group.get_hosts() does (regal-inventory resolves `ansible-inventory
        --list` output alike, src/external.rs): its own hosts, then its
        descendants' level by level; two levels down, where Ansible's order
        changes from run to run, in the order of their parents."""
        children = {name: [g.name for g in group.child_groups] for name, group in inventory.groups.items()}
        own = {name: [h.name for h in group.hosts] for name, group in inventory.groups.items()}
        under_all = set(children["all"])
        for name, group in inventory.groups.items():
            if name not in under_all and name != "all" and not group.get_ancestors():
                children["all"].append(name)
        ungrouped, leaving = set(own["ungrouped"]), set()
        for name, host in inventory.hosts.items():
            if {g.name for g in host.get_groups()} - {"all", "ungrouped"}:
                if name in ungrouped:
                    leaving.add(name)
            elif not host.implicit and name not in ungrouped:
                ungrouped.add(name)
                own["ungrouped"].append(name)
        own["ungrouped"] = [name for name in own["ungrouped"] if name not in leaving]
        implicit = {name for name, host in inventory.hosts.items() if host.implicit}
        groups = {}
        for name in inventory.groups:
            hosts = _resolve(own, children, name)
            groups[name] = [h for h in hosts if h not in implicit] if name == "all" else hosts
        play_vars = _PlayVars(inventory, self.loader, children, set(own["ungrouped"]))
        hostvars = {}
        for name, host in inventory.hosts.items():
            # Only plain values: labels are plain, and a vaulted secret must not
            # be written out decrypted.
            hostvars[name] = {
                k: _label(v)
                for k, v in play_vars.of(host).items()
                if v is None or isinstance(v, (str, int, float, bool, datetime.date))
            }
        return {"groups": groups, "hostvars": hostvars}

    def _refuse_clashes(self, path, data):
        """A group regal-inventory makes must not be one an earlier source
        made otherwise: its hosts would join a batch (or a version group) that
        regal never put there. The same group again (regal-inventory read
        twice, e.g. the executable next to regal.yml) is no clash."""
        for name, group in data.items():
            old = self.inventory.groups.get(name)
            if name in ("_meta", "all") or old is None:
                continue
            hosts = {host.name for host in old.hosts}
            children = {child.name for child in old.child_groups}
            if hosts == set(group.get("hosts", [])) and children <= set(group.get("children", [])):
                continue
            raise AnsibleParserError(
                "%s: regal-inventory makes the group `%s`, which an earlier inventory source"
                " already defines otherwise (hosts: %s); give the version a `group:` name of its"
                " own in the strategy, or rename that group"
                % (path, name, ", ".join(sorted(hosts)) or "none")
            )

    def _add(self, data):
        """Adds the groups in the order printed (the rollout order), then the host
        vars. regal-inventory prints no vars for hosts taken with `hosts_from`, so
        the vars of their own sources stay as they are."""
        for name, group in data.items():
            if name == "_meta":
                continue
            self.inventory.add_group(name)
            for host in group.get("hosts", []):
                self.inventory.add_host(host, group=name)
            for child in group.get("children", []):
                self.inventory.add_group(child)
                self.inventory.add_child(name, child)
            for key, value in group.get("vars", {}).items():
                self.inventory.set_variable(name, key, _trusted(value))
        for host, host_vars in data.get("_meta", {}).get("hostvars", {}).items():
            for key, value in host_vars.items():
                self.inventory.set_variable(host, key, _trusted(value))


class _PlayVars:
    """The inventory vars a play will see for a host of the earlier sources, as
    ansible-core's VariableManager.get_vars() combines them: group vars (the
    inventory's, then those of vars plugins such as host_group_vars reading
    group_vars/ beside the inventory sources, in the order of
    VARIABLE_PRECEDENCE), groups sorted by depth, priority and name, then the
    host's inventory vars, then its host_vars/ files.

    Exact at inventory time, with three things done as Ansible will do them
    later: the groups of a host and their depth are those after
    reconcile_inventory (`all`, `ungrouped`, top-level groups under `all`:
    `children` and `ungrouped` are the completed ones of _earlier_hosts); vars
    plugins that run at the end of the inventory (stage `inventory`, or
    RUN_VARS_PLUGINS=start) are merged into the inventory vars as
    InventoryManager.parse_sources() merges them; and the sources asked are all
    inventory sources of the command line (_vars_sources). Playbook-adjacent
    group_vars/ and host_vars/ (`*_plugins_play`) are unknown here.

    A host's groups come in few combinations: their vars are combined once
    per combination."""

    def __init__(self, inventory, loader, children, ungrouped):
        self.inventory = inventory
        self.loader = loader
        self.ungrouped = ungrouped
        self.sources = _vars_sources(inventory)
        self.depth = _depths(children)
        # Asking the vars plugins costs as much as the rest per host; by default
        # none runs at stage `inventory`.
        self.stages = {stage for stage in ("inventory", "task") if _stage_runs(stage)}
        self.group_vars = {}  # group name -> inventory vars (with stage `inventory` plugins)
        self.by_groups = {}  # frozenset of group names -> combined group vars

    def _plugins(self, entities, stage):
        if stage not in self.stages:
            return {}
        return get_vars_from_inventory_sources(self.loader, self.sources, entities, stage)

    def _inventory_vars(self, group):
        found = self.group_vars.get(group.name)
        if found is None:
            found = combine_vars(group.get_vars(), self._plugins([group], "inventory"))
            self.group_vars[group.name] = found
        return found

    def _groups_vars(self, names):
        found = self.by_groups.get(names)
        if found is not None:
            return found
        groups = self.inventory.groups
        everyone = groups["all"]
        sorted_groups = sorted(
            (groups[name] for name in names if name != "all"),
            key=lambda g: (self.depth.get(g.name, 1), g.priority, g.name),
        )
        parts = {
            "all_inventory": lambda: self._inventory_vars(everyone),
            "groups_inventory": lambda: _combine_all(self._inventory_vars(g) for g in sorted_groups),
            "all_plugins_inventory": lambda: self._plugins([everyone], "task"),
            "groups_plugins_inventory": lambda: self._plugins(sorted_groups, "task"),
        }
        found = _combine_all(parts[entry]() for entry in C.VARIABLE_PRECEDENCE if entry in parts)
        self.by_groups[names] = found
        return found

    def of(self, host):
        names = {g.name for g in host.get_groups()}
        names.add("all")
        if host.name in self.ungrouped:
            names.add("ungrouped")
        else:
            names.discard("ungrouped")
        own = combine_vars(host.vars, self._plugins([host], "inventory"))
        return _combine_all([self._groups_vars(frozenset(names)), own, self._plugins([host], "task")])


def _stage_runs(stage):
    """Whether get_vars_from_inventory_sources() would ask any vars plugin at
    `stage` (by ansible-core's own test, over the plugins it would walk);
    True where that cannot be told."""
    try:
        from ansible.plugins.loader import vars_loader
        from ansible.vars.plugins import _plugin_should_run, _prime_vars_loader

        if vars_loader._paths is None:
            _prime_vars_loader()
        plugins = [vars_loader.get(name) for name in vars_loader._plugin_instance_cache]
        return any(_plugin_should_run(plugin, stage) for plugin in plugins if plugin is not None)
    except Exception:  # another ansible-core: ask the plugins every time
        return True


def _combine_all(dicts):
    combined = {}
    for d in dicts:
        if d:
            combined = combine_vars(combined, d)
    return combined


def _depths(children):
    """Each group's depth once every group is under `all` (Group.depth: the
    longest way down from `all`), from the completed `children`."""
    parents = {}
    for parent, kids in children.items():
        for kid in kids:
            parents.setdefault(kid, []).append(parent)
    depth = {"all": 0}

    def of(name):
        if name not in depth:
            depth[name] = 0  # no cycles in an inventory; a guard all the same
            depth[name] = max((of(p) + 1 for p in parents.get(name, ())), default=0)
        return depth[name]

    for name in children:
        of(name)
    return depth


def _vars_sources(inventory):
    """The inventory sources whose group_vars/ and host_vars/ a play will read:
    the command line's (`-i`, or the configured default), as InventoryManager
    holds them, later ones too; a directory is itself the place, not the
    directories of the files in it. Without a command line (Ansible used as a
    library) or when it does not hold the sources parsed so far, the sources
    parsed so far and this plugin's file, as the `constructed` plugin asks."""
    parsed = [s for s in list(inventory.processed_sources) + [inventory.current_source] if s]
    given = [s if "," in s else unfrackpath(s, follow=False) for s in (context.CLIARGS.get("inventory") or ()) if s]

    def within(source):
        return any(source == g or ("," not in g and source.startswith(g.rstrip(os.sep) + os.sep)) for g in given)

    sources = given if given and all(within(s) for s in parsed) else parsed
    # Each directory once, where it comes last: vars plugins read a
    # directory (a file source's own), and the same vars again change nothing
    # but what a later directory set. Host lists (`a,b,`) have none.
    places = [s if os.path.isdir(s) else os.path.dirname(s) for s in sources if "," not in s or os.path.exists(s)]
    return [place for n, place in enumerate(places) if place not in places[n + 1 :]]


def _resolve(own, children, name):
    """The hosts of group `name`, as Group.get_hosts() gives them (see
    _earlier_hosts): `own` and `children` map each group to its own hosts and
    child groups, in order."""
    seen = [name]
    walked = {name}
    level = [name]
    while level:
        deeper = []
        for group in level:
            for child in children.get(group, ()):
                if child not in walked:
                    walked.add(child)
                    seen.append(child)
                    deeper.append(child)
        level = deeper
    hosts = {}
    for group in seen:
        for host in own.get(group, ()):
            hosts.setdefault(host, None)
    return list(hosts)


def _label(value):
    """A plain host var as JSON can carry it. regal-inventory reads these vars
    only as failure-domain labels, which it compares as text: a date goes as
    the text ansible-inventory prints for it, and a float infinity or NaN
    (which JSON cannot carry) as Python's text for it (`inf`, `-inf`, `nan`)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


# The line breaks YAML counts (as PyYAML and regal-inventory count them).
_BREAKS = {"\r": "\r", "\n": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}


def _inline_strategy(loader, path):
    """An inline `strategy:` as the text written in the plugin file, for the
    binary to read exactly as it reads a regal.yml: names as written (Ansible's
    YAML 1.1 loader has made `yes` true and `1.10` the float 1.1 in the value it
    handed over), vars by the same rules, and every position this file's own.
    It is the file's text with everything but the value of `strategy:` blanked
    out: every character a space, every line break kept (NEL, U+2028 and
    U+2029 as a line feed), so that lines and columns stay where they are."""
    try:
        text = loader._get_file_contents(path)[0].decode("utf-8")
        # The pure-Python composer: its marks count characters of `text`
        # (libyaml's leave out a byte order mark).
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except Exception as e:
        raise AnsibleParserError("%s: cannot read the inline `strategy:` as written: %s" % (path, e))
    node = None
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if isinstance(key, yaml.ScalarNode) and key.value == "strategy":
            node = value  # the last one, as Ansible takes it
    if not isinstance(node, yaml.MappingNode):
        raise AnsibleParserError("%s: cannot find the inline `strategy:` mapping in the file's text" % path)
    start, end = node.start_mark.index, node.end_mark.index
    # regal-inventory sees only the strategy: an alias in it must name an
    # anchor defined in it (only looked for where an alias may be).
    anchors = set()
    for event in yaml.parse(text, Loader=yaml.SafeLoader) if "*" in text[start:end] else []:
        mark = event.start_mark
        if not start <= mark.index < end:
            continue
        if isinstance(event, yaml.AliasEvent) and event.anchor not in anchors:
            raise AnsibleParserError(
                "%s:%d:%d: the alias `*%s` names an anchor outside the inline `strategy:`;"
                " define the anchor inside `strategy:`, or write the value out"
                % (path, mark.line + 1, mark.column + 1, event.anchor)
            )
        if getattr(event, "anchor", None) is not None:
            anchors.add(event.anchor)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return bom + _blank(text[len(bom) : start]) + text[start:end] + _blank(text[end:])


def _blank(text):
    """`text` as blanks: line breaks kept, every other character a space."""
    return "".join(_BREAKS.get(c, " ") for c in text)


def _find_binary(binary, here):
    """The executable to run for the `binary` option: a path (relative to the
    plugin's file), else the name in PATH, else the name in the scripts directory
    of the Python running Ansible (the venv that `pip install regal-inventory`
    put it in, active or not)."""
    if "/" in binary:
        return os.path.join(here, os.path.expanduser(binary))
    found = shutil.which(binary)
    if found:
        return found
    places = [os.path.dirname(sys.executable), sysconfig.get_path("scripts")]
    try:
        places.append(sysconfig.get_path("scripts", "%s_user" % os.name))
    except KeyError:
        pass
    for place in places:
        candidate = os.path.join(place, binary)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return binary


def _trusted(value):
    """`value` with its strings marked as templates, as the script inventory
    marks them: the strategy is the operator's own config, like an INI file.
    (Set explicitly: ansible-core 2.19 applies a plugin's `trusted_by_default`
    only when no earlier source set a variable.) A `!unsafe` or `!vault` value
    comes as the script-inventory JSON carries it, `{"__ansible_unsafe": text}`
    or `{"__ansible_vault": ciphertext}`, and is made what the script inventory
    makes of it: text never templated, or an encrypted string."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    if isinstance(value, dict):
        if list(value) == ["__ansible_unsafe"]:
            return _untrusted(value["__ansible_unsafe"])
        if list(value) == ["__ansible_vault"]:
            if EncryptedString is None:
                raise AnsibleParserError(
                    "a `!vault` var of the strategy needs ansible-core 2.19 or later with the regal plugin;"
                    " use regal-inventory as a script inventory instead"
                )
            return EncryptedString(ciphertext=value["__ansible_vault"])
        return {key: _trusted(item) for key, item in value.items()}
    return value
