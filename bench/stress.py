"""Inputs built to blow up, at growing sizes: time and peak memory of one
repro-audit run on each, so anyone can see that both grow linearly with
the input: each case runs at 1x, 10x and 100x its base size, and from
10x to 100x time and memory should grow about 10x, never 100x. Memory
starts from the binary's own few MiB, so small inputs show less growth.

Run it with `bash bench/stress.sh` (which builds the release binary
first); `--scale 0.5` halves every size, `--only compose` runs only the
inputs whose title holds `compose`, `--binary` measures another build.
Nothing here is a test: the numbers depend on the machine, so they are
printed, not asserted.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

DIGEST = "sha256:" + "1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21"


def arg_doubling(n):
    """ARG a_i=$a_{i-1}$a_{i-1}: the value doubles on every line."""
    lines = ["ARG a0=x"]
    lines += [f"ARG a{i}=$a{i - 1}$a{i - 1}" for i in range(1, n)]
    lines.append(f"FROM busybox:$a{n - 1}")
    return "\n".join(lines) + "\n"


def env_doubling(n):
    """The same with ENV inside a stage, in the legacy `ENV A B` form."""
    lines = [f"FROM busybox:1@{DIGEST}", "ENV a0 x"]
    lines += [f"ENV a{i} $a{i - 1}$a{i - 1}" for i in range(1, n)]
    lines.append(f"RUN apt-get install $a{n - 1}")
    return "\n".join(lines) + "\n"


def env_lines(n):
    """n ENV lines that each copy one 1,000-byte value."""
    lines = [f"FROM busybox:1@{DIGEST}", "ENV B=" + "x" * 1000]
    lines += [f"ENV V{i}=$B" for i in range(n)]
    lines.append("RUN apt-get install $V0")
    return "\n".join(lines) + "\n"


def stage_chain(n):
    """n stages, each built FROM the one before, each with one ENV."""
    lines = [f"FROM busybox:1@{DIGEST} AS s0", "ENV UV_FROZEN=1"]
    for i in range(1, n):
        lines.append(f"FROM s{i - 1} AS s{i}")
        lines.append(f"ENV V{i}=$V{i - 1}x")
    lines.append("RUN uv sync && pip install $V1")
    return "\n".join(lines) + "\n"


def from_lines(n):
    """n stages, each its own FROM."""
    return "".join(f"FROM busybox AS s{i}\n" for i in range(n))


def from_run_lines(n):
    """n stages, each with a RUN that installs a package."""
    return "".join("FROM busybox\nRUN pip install x && apt-get install -y curl\n" for _ in range(n))


def pipe_segments(n):
    """One RUN of n `curl … |` segments on continuation lines."""
    return "FROM x\nRUN true" + "".join(" \\\n  curl http://x |" for _ in range(n)) + " sh\n"


def checked_downloads(n):
    """One RUN of n downloads, each checked by a checksum line."""
    parts = [f'curl -fsSLo f{i}.tgz https://example.com/f{i}.tgz && echo "h  f{i}.tgz" | sha256sum -c -'
             for i in range(n)]
    return "FROM x\nRUN " + " && \\\n  ".join(parts) + "\n"


def variable_installs(n):
    """n RUNs that each install a 2,000-package list held in one ENV."""
    packages = " ".join(f"pkg{i}" for i in range(2000))
    lines = [f"FROM busybox:1@{DIGEST}", f'ENV PKGS="{packages}"']
    lines += ["RUN apt-get install -y $PKGS" for _ in range(n)]
    return "\n".join(lines) + "\n"


def nix_pragma_block(n):
    """A .nix file: n pragma lines above one binding."""
    text = '# repro-audit ignore=NX011\n' * n + '{ x = builtins.getEnv "A"; }\n'
    return {"default.nix": text}


def nix_pragmas_alternating(n):
    """A .nix file: n findings, each with a pragma above it."""
    body = '# repro-audit ignore=NX009\n(builtins.getEnv "A")\n' * n
    return {"default.nix": "[\n" + body + "]\n"}


def nix_long_indent(n):
    """A .nix file: a comment, then a line of n spaces and n/4 list items."""
    return {"default.nix": "# c\n" + " " * n + "[ " + "x " * (n // 4) + "]\n"}


def nix_one_line(n):
    """A .nix file: n getEnv calls on one line."""
    return {"default.nix": "[ " + '(builtins.getEnv "X") ' * n + "]\n"}


def template_fan_out(n):
    """A flake exporting n templates, each a flake with an input and no lock."""
    template = '{ inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable"; outputs = _: { }; }\n'
    exported = "".join(f"    t{i}.path = ./templates/t{i};\n" for i in range(n))
    files = {
        "flake.nix": "{\n  outputs = { self }: {\n  templates = {\n" + exported + "  };\n  };\n}\n",
        "flake.lock": '{ "nodes": { "root": {} }, "root": "root", "version": 7 }\n',
    }
    files.update({f"templates/t{i}/flake.nix": template for i in range(n)})
    return files


def lock_text(nodes, root_inputs):
    nodes = dict(nodes)
    nodes["root"] = {"inputs": root_inputs}
    return json.dumps({"nodes": nodes, "root": "root", "version": 7})


def github(i=0):
    return {
        "locked": {"lastModified": 1700000000, "narHash": "sha256-" + "A" * 43 + "=",
                   "owner": "o", "repo": f"r{i}", "rev": f"{i:040x}", "type": "github"},
        "original": {"owner": "o", "repo": f"r{i}", "type": "github"},
    }


FLAKE_NIX = '{ inputs.a.url = "github:o/r0"; outputs = _: { }; }\n'


def lock_follows_path(n):
    """flake.lock: one follows path of n names, through a node that
    follows the same path again."""
    nodes = {"a": dict(github(), inputs={"a": ["a"] * n})}
    return {"flake.nix": FLAKE_NIX, "flake.lock": lock_text(nodes, {"a": "a", "b": ["a"] * n})}


def chain_nodes(n):
    """n lock nodes n0 … n{n-1}, each with one input to the next."""
    nodes = {}
    for i in range(n):
        node = github(i)
        if i + 1 < n:
            node["inputs"] = {"x": f"n{i + 1}"}
        nodes[f"n{i}"] = node
    return nodes


def lock_chain(n):
    """flake.lock: a chain of n nodes, each with one input to the next."""
    return {"flake.nix": FLAKE_NIX, "flake.lock": lock_text(chain_nodes(n), {"a": "n0"})}


def lock_follows_chain(n):
    """flake.lock: root input a_i follows [a_{i+1}], n links."""
    root = {f"a{i}": [f"a{i + 1}"] for i in range(n - 1)}
    root[f"a{n - 1}"] = "leaf"
    root["a"] = "leaf"
    return {"flake.nix": FLAKE_NIX, "flake.lock": lock_text({"leaf": github()}, root)}


def lock_empty_nodes(n):
    """flake.lock: n nodes with nothing in them."""
    nodes = {f"n{i}": {} for i in range(n)}
    return {"flake.nix": FLAKE_NIX, "flake.lock": lock_text(nodes, {"a": "n0"})}


def lock_shared_reach(n):
    """flake.lock: n root inputs that all reach one chain of n nodes."""
    root = {f"r{i}": "n0" for i in range(n)}
    return {"flake.nix": FLAKE_NIX, "flake.lock": lock_text(chain_nodes(n), root)}


def nix_many_inputs(n):
    """flake.nix: n inputs (and no lock)."""
    body = "".join(f'  inputs.i{i}.url = "github:o/r{i}";\n' for i in range(n))
    return {"flake.nix": "{\n" + body + "  outputs = _: { };\n}\n"}


def nix_many_follows(n):
    """flake.nix: one input with n follows overrides."""
    body = "".join(f'  inputs.a.inputs.i{i}.follows = "a";\n' for i in range(n))
    return {"flake.nix": '{\n  inputs.a.url = "github:o/r";\n' + body + "  outputs = _: { };\n}\n"}


def run_lines(n):
    """A Dockerfile of n `RUN t` lines: the most instructions per byte."""
    return "FROM busybox\n" + "RUN t\n" * n


def compose_services(n):
    """compose.yaml: n services, each image interpolated with a default."""
    body = "".join(f'  s{i}:\n    image: "img{i}:${{T{i}:-1.{i}}}"\n' for i in range(n))
    return {"compose.yaml": "services:\n" + body}


def alias_levels(n):
    """compose.yaml: an n-byte scalar behind four levels of ten aliases
    (10,000 copies), beside a Dockerfile that must still be reported."""
    lines = [f'x0: &a0 "{"x" * n}"']
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 5)]
    return {"compose.yaml": "\n".join(lines) + "\n", "Dockerfile": "FROM debian:12\n"}


def alias_flat(n):
    """compose.yaml: n aliases of one 10 KB scalar."""
    aliases = ", ".join(["*a"] * n)
    text = f'x: &a "{"y" * 10_000}"\nservices:\n  web:\n    image: nginx\n    labels: [{aliases}]\n'
    return {"compose.yaml": text}


def closing_brackets(n):
    """compose.yaml: n services whose healthcheck closes its flow
    collections at its key's indentation, as go-yaml allows."""
    service = ('  s{i}:\n    image: "busybox:1.{i}"\n    healthcheck:\n      test: [\n'
               '          "CMD", "true",\n      ]\n')
    return {"compose.yaml": "services:\n" + "".join(service.format(i=i) for i in range(n))}


def closing_brackets_late(n):
    """compose.yaml: n label lines, then 64 flow collections closed at
    their key's indentation."""
    lines = ["services:", "  web:", "    image: nginx:1", "    labels:"]
    lines += [f"      l{i}: x" for i in range(n)]
    for i in range(64):
        lines += [f"      k{i}: [", '          "v",', "      ]"]
    return {"compose.yaml": "\n".join(lines) + "\n"}


def gitlab_anchor_jobs(n):
    """.gitlab-ci.yml: n jobs merging one anchored image (one finding that
    names them all), each job defined twice and its line ending in a
    comment."""
    lines = [".base: &base", "  image: node:20", "  tags: [docker]"]
    for i in range(n):
        for _ in range(2):
            lines += [f"job{i}:", "  <<: *base", "  script: [make] # build"]
    return {".gitlab-ci.yml": "\n".join(lines) + "\n"}


def workflow_matrix_jobs(n):
    """A workflow of n jobs, each running on its matrix's labels, its
    lines ending in comments."""
    lines = ["on: push", "jobs:"]
    for i in range(n):
        lines += [f"  j{i}:", "    runs-on: ${{ matrix.os }} # os", "    strategy:", "      matrix:",
                  "        os: [ubuntu-latest, ubuntu-24.04] # two", "        v: [1, 2, 3]",
                  "        include:", "          - os: macos-latest", "    steps:",
                  f"      - uses: a/b@v{i} # v{i}"]
    return {".github/workflows/ci.yml": "\n".join(lines) + "\n"}


def many_files(n):
    """n small Dockerfiles, one in ten with findings."""
    files = {}
    for i in range(n):
        text = f"FROM debian:12@{DIGEST}\nRUN echo hi\n" if i % 10 else "FROM debian:12\nRUN apt-get update\n"
        files[f"d{i // 1000}/s{i % 1000}/Dockerfile"] = text
    return files


def exclude_stars(n):
    """1,000 Dockerfiles walked under a config whose exclude glob is
    `*a` repeated n times."""
    files = {".repro-audit.toml": 'exclude = ["' + "*a" * n + '"]\n'}
    for i in range(1000):
        files[f"d{i // 100}/s{i}/Dockerfile"] = f"FROM debian:12@{DIGEST}\n"
    return files


FACTORS = (1, 10, 100)

CASES = [
    # Base sizes: the 100x run is the largest input of its kind a user
    # could give (a Dockerfile stays under the 4 MiB cap).
    ("ARG values doubling per line", arg_doubling, 200),
    ("ENV values doubling per line", env_doubling, 200),
    ("ENV lines copying a long value", env_lines, 1_000),
    ("chained stages with ENV", stage_chain, 1_000),
    ("FROM lines", from_lines, 1_000),
    ("FROM + RUN install", from_run_lines, 600),
    ("RUN lines", run_lines, 6_000),
    ("pipe segments in one RUN", pipe_segments, 200),
    ("checked downloads in one RUN", checked_downloads, 100),
    ("RUNs installing a long ENV list", variable_installs, 20),
    (".nix: pragma lines above a binding", nix_pragma_block, 1_000),
    (".nix: pragma above each finding", nix_pragmas_alternating, 1_000),
    (".nix: long indentation under a comment", nix_long_indent, 10_000),
    (".nix: getEnv calls on one line", nix_one_line, 1_000),
    ("flake.nix: inputs", nix_many_inputs, 1_000),
    ("flake.nix: follows overrides", nix_many_follows, 1_000),
    ("flake.lock: one long follows path", lock_follows_path, 100),
    ("flake.lock: chain of nodes", lock_chain, 1_000),
    ("flake.lock: chain of follows", lock_follows_chain, 1_000),
    ("flake.lock: empty nodes", lock_empty_nodes, 1_000),
    ("flake.lock: root inputs sharing a chain", lock_shared_reach, 100),
    ("flake exporting templates (files)", template_fan_out, 10),
    ("compose.yaml: services", compose_services, 1_000),
    ("compose.yaml: scalar behind 4 levels of 10 aliases", alias_levels, 1_000),
    ("compose.yaml: aliases of a 10 KB scalar", alias_flat, 300),
    ("compose.yaml: closing brackets, go-yaml style", closing_brackets, 100),
    # 100x stays under the 500,000 nodes a YAML file may hold.
    ("compose.yaml: lines, then 64 closing brackets", closing_brackets_late, 2_000),
    # 100x stays under the nodes aliases may copy in one file.
    (".gitlab-ci.yml: jobs merging one anchor", gitlab_anchor_jobs, 60),
    ("workflow: jobs drawn from a matrix", workflow_matrix_jobs, 200),
    ("small Dockerfiles (files)", many_files, 1_000),
    ("exclude glob of many stars", exclude_stars, 2_000),
]


def spawn(argv):
    """Run `argv` to the end: wall time, exit status and peak resident
    memory (MiB)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawn(
        argv[0],
        argv,
        os.environ,
        file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)],
    )
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    return elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024


class Spawner:
    """Runs the binary from a process forked before any input is made: a
    child's peak memory counts what it shared with its parent before it
    started the binary, and this parent grows with the inputs it writes."""

    def __init__(self):
        requests, self.requests = os.pipe()
        self.replies, replies = os.pipe()
        if os.fork() == 0:
            os.close(self.requests)
            os.close(self.replies)
            with os.fdopen(requests) as inbox, os.fdopen(replies, "w") as outbox:
                for line in inbox:
                    outbox.write(json.dumps(spawn(json.loads(line))) + "\n")
                    outbox.flush()
            os._exit(0)
        os.close(requests)
        os.close(replies)
        self.inbox = os.fdopen(self.replies)
        self.outbox = os.fdopen(self.requests, "w")

    def run(self, argv):
        self.outbox.write(json.dumps(argv) + "\n")
        self.outbox.flush()
        return json.loads(self.inbox.readline())


SPAWNER = Spawner()
# A peak at this floor means "at most this".
FLOOR = SPAWNER.run(["/bin/true"])[2]


def measure(binary, path):
    """Wall time and peak resident memory (MiB) of one run."""
    elapsed, code, mib = SPAWNER.run([binary, "--concise", "--color", "never", path])
    if code not in (0, 1, 2):
        sys.exit(f"{path}: exit status {code}")
    return elapsed, mib


def shown(mib):
    return f"<{FLOOR:.0f}" if mib <= FLOOR * 1.05 else f"{mib:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default="target/release/repro-audit")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", default="", help="only the inputs whose title holds this text")
    args = parser.parse_args()
    print(f"{'input':40} {'lines':>8} {'bytes':>10} {'seconds':>8} {'MiB':>7}")
    with tempfile.TemporaryDirectory() as directory:
        for title, make, base in CASES:
            if args.only not in title:
                continue
            rows = []
            for factor in FACTORS:
                n = max(2, int(base * factor * args.scale))
                made = make(n)
                # A Dockerfile's text, or a tree of files (audited as a
                # whole directory).
                files = {"Dockerfile": made} if isinstance(made, str) else made
                tree = os.path.join(directory, f"case-{factor}")
                shutil.rmtree(tree, ignore_errors=True)
                for name, text in files.items():
                    path = os.path.join(tree, name)
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    with open(path, "w") as handle:
                        handle.write(text)
                target = os.path.join(tree, next(iter(files))) if len(files) == 1 else tree
                seconds, mib = measure(args.binary, target)
                rows.append((seconds, mib))
                lines = sum(text.count(chr(10)) for text in files.values())
                size = sum(len(text) for text in files.values())
                print(f"{title:40} {lines:>8} {size:>10} {seconds:>8.3f} {shown(mib):>7}")
            # From 10x to 100x: linear growth is 10x. Time below 50 ms is
            # mostly start-up; say so rather than print a ratio of noise.
            time_ratio = rows[2][0] / rows[1][0] if rows[1][0] > 0.05 else None
            memory_ratio = rows[2][1] / rows[1][1] if rows[1][1] > FLOOR * 1.05 else None
            ratio = f"{time_ratio:.1f}x" if time_ratio else "start-up bound"
            memory = f"{memory_ratio:.1f}x" if memory_ratio else "below the floor"
            print(f"{'':40} 10x to 100x the input: time {ratio}, memory {memory}\n")


if __name__ == "__main__":
    main()
