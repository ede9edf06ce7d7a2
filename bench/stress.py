"""Inputs built to blow up, at growing sizes: time and peak memory of one
repro-audit run on each, so anyone can see that both grow linearly with
the input (each doubling of the input should roughly double both, never
quadruple them).

Run it with `bash bench/stress.sh` (which builds the release binary
first); `--scale 0.5` halves every size. Nothing here is a test: the
numbers depend on the machine, so they are printed, not asserted.
"""

import argparse
import os
import shutil
import subprocess
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


CASES = [
    ("ARG values doubling per line", arg_doubling, 20_000),
    ("ENV values doubling per line", env_doubling, 20_000),
    ("ENV lines copying a long value", env_lines, 25_000),
    ("chained stages with ENV", stage_chain, 10_000),
    ("FROM lines", from_lines, 25_000),
    ("FROM + RUN install", from_run_lines, 25_000),
    ("pipe segments in one RUN", pipe_segments, 10_000),
    ("checked downloads in one RUN", checked_downloads, 5_000),
    ("RUNs installing a long ENV list", variable_installs, 5_000),
    (".nix: pragma lines above a binding", nix_pragma_block, 20_000),
    (".nix: pragma above each finding", nix_pragmas_alternating, 20_000),
    (".nix: long indentation under a comment", nix_long_indent, 100_000),
    (".nix: getEnv calls on one line", nix_one_line, 25_000),
    ("flake exporting templates (files)", template_fan_out, 500),
]


def measure(binary, path):
    """Wall time and peak resident memory (MiB) of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [binary, "--concise", "--color", "never", path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        sys.exit(f"{path}: exit status {code}")
    return elapsed, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default="target/release/repro-audit")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(f"{'input':34} {'lines':>8} {'bytes':>10} {'seconds':>8} {'MiB':>7}")
    with tempfile.TemporaryDirectory() as directory:
        for title, make, base in CASES:
            rows = []
            for factor in (1, 2, 4):
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
                print(f"{title:34} {lines:>8} {size:>10} {seconds:>8.3f} {mib:>7.1f}")
            # Time below 50 ms is mostly start-up; say so rather than
            # print a ratio of noise.
            time_ratio = rows[2][0] / rows[0][0] if rows[0][0] > 0.05 else None
            memory_ratio = rows[2][1] / rows[0][1]
            ratio = f"{time_ratio:.1f}x" if time_ratio else "start-up bound"
            print(f"{'':34} 4x the input: time {ratio}, memory {memory_ratio:.1f}x\n")


if __name__ == "__main__":
    main()
