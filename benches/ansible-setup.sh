# Sourced by benches/ansible.sh and benches/plugin.sh once `root`, `build` and
# `note` are set: the test suite's pinned ansible-core in target/ansible-venv
# (made when missing), the release binary (built unless --no-build), an empty
# work directory target/$1 (`work`), and Ansible kept to it and to
# playbooks/ansible.cfg.
venv=$root/target/ansible-venv
if [ ! -x "$venv/bin/ansible-playbook" ]; then
    note "making $venv (ansible-core 2.19.14)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check ansible-core==2.19.14
    printf 'ansible-core==2.19.14' > "$venv/regal-requirements.txt"
fi
[ "$build" = no ] || cargo build --release --quiet
bin=$root/target/release/regal-inventory
work=$root/target/$1
rm -rf "$work"
mkdir -p "$work"

export ANSIBLE_HOME=$work/home ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_NOCOLOR=1
export ANSIBLE_CONFIG=$root/playbooks/ansible.cfg
