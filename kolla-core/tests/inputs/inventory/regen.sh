#!/usr/bin/env bash
# Regenerates the golden files from the real ansible-inventory (ansible-core
# 2.19.14, installed in the worktree's .venv by scripts/test).
#
#   kolla-core/tests/inputs/inventory/regen.sh
#
# For every source S in upstream/, bench/ and cases/ it writes
# golden/S.list.json (--list), golden/S.graph.txt (--graph) and
# golden/S.graph-vars.txt (--graph --vars, not for the 1,000-host ones).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
AI=${ANSIBLE_INVENTORY:-$ROOT/.venv/bin/ansible-inventory}
export ANSIBLE_HOME=$(mktemp -d) ANSIBLE_NOCOLOR=1
mkdir -p "$HERE/golden"
cd "$ANSIBLE_HOME"
for src in "$HERE"/upstream/* "$HERE"/bench/* "$HERE"/cases/*; do
    name=$(basename "$src")
    "$AI" -i "$src" --list >"$HERE/golden/$name.list.json"
    "$AI" -i "$src" --graph >"$HERE/golden/$name.graph.txt"
    # --graph --vars of the 1,000-host inventories would be 10 MB each.
    case "$name" in multinode-1000-*) continue ;; esac
    "$AI" -i "$src" --graph --vars >"$HERE/golden/$name.graph-vars.txt"
done
rm -rf "$ANSIBLE_HOME"
