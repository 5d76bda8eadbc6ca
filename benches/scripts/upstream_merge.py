"""Times upstream's merge_configs OverrideConfigParser on the bench data, so the
Rust figure can be compared in the same run on the same (noisy) machine.

Run with a Python that has kolla-ansible 22.2.0 installed (scratch venv):

    /tmp/up/bin/python benches/scripts/upstream_merge.py [BENCH_DATA_DIR]

Prints the median time of one in-memory chain (parse 7 sources, merge, write)
over rotating (host, service) pairs, as the criterion bench `merge/chain_in_memory` does.
"""

from __future__ import annotations

import importlib.util
import io
import os
import statistics
import sys
import sysconfig
import time

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "bench-data")
merge = os.path.join(root, "merge")
path = os.path.join(sysconfig.get_paths()["data"], "share", "kolla-ansible", "ansible",
                    "action_plugins", "merge_configs.py")
spec = importlib.util.spec_from_file_location("merge_configs", path)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)


def read(rel):
    with open(os.path.join(merge, rel)) as f:
        return f.read()


common = [read(p) for p in ("base/nova.conf", "custom/global.conf", "custom/database.conf",
                            "custom/messaging.conf", "custom/nova.conf")]
services = [read(f"custom/nova/{s}.conf") for s in read("services.txt").split()]
hosts = [read(f"custom/nova/{h}/nova.conf") for h in read("hosts.txt").split()[:50]]


def chain(i):
    config = mod.OverrideConfigParser(whitespace=True)
    for text in [*common, services[i % len(services)], hosts[(i // len(services)) % len(hosts)]]:
        config.parse(io.StringIO(text))
    out = io.StringIO()
    config.write(out)
    return out.getvalue()


times = []
deadline = time.perf_counter() + float(os.environ.get("SECONDS_TO_RUN", "5"))
i = 0
while time.perf_counter() < deadline:
    t = time.perf_counter()
    chain(i)
    times.append(time.perf_counter() - t)
    i += 1
print(f"upstream chain_in_memory: median {statistics.median(times) * 1e3:.3f} ms, "
      f"min {min(times) * 1e3:.3f} ms over {len(times)} chains")
