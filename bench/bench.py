"""Benchmark: audit a directory of many Dockerfiles with repro-audit and with
hadolint, one invocation each, and print both times and throughputs; then
a directory of Nix flakes (flake.nix + a 70-node flake.lock each) with
repro-audit alone (flake-checker is not on the registries CI reaches); then
trees of plain .nix files (package expressions, NixOS modules, shells) at
a quarter, half and all of `--nix-files`, to show the walk stays linear.

Run it with `bash bench/run.sh` (which builds the release binary and the
virtualenv with hadolint first). The corpus is generated, deterministic,
and made of realistic files that both tools parse: multi-stage builds,
long RUN lines with continuations, package installs, ARG/ENV, exec form.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BASES = ["debian:12", "ubuntu:24.04", "alpine:3.20", "python:3.13-slim", "node:22-bookworm",
         "golang:1.23", "rust:1.83", "nginx:1.27", "fedora:41", "debian"]
APT = ["curl", "ca-certificates", "git", "build-essential", "libssl-dev", "jq", "unzip", "tzdata"]
PIP = ["requests", "flask==3.0.3", "gunicorn", "numpy>=1.26", "pydantic==2.9.2"]


def dockerfile(rng, n):
    base = rng.choice(BASES)
    lines = [f"# generated {n}", f"ARG VERSION=1.{n % 50}", f"FROM {base} AS build"]
    lines.append("ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8")
    packages = rng.sample(APT, rng.randint(2, len(APT)))
    if base.startswith("alpine"):
        lines.append("RUN apk add --no-cache " + " ".join(p.replace("build-essential", "build-base") for p in packages))
    elif base.startswith("fedora"):
        lines.append("RUN dnf -y install " + " ".join(packages) + " && dnf clean all")
    else:
        lines.append("RUN apt-get update && \\")
        for p in packages[:-1]:
            lines.append(f"    apt-get install -y --no-install-recommends {p} && \\")
        lines.append(f"    apt-get install -y --no-install-recommends {packages[-1]} && \\")
        lines.append("    rm -rf /var/lib/apt/lists/*")
    lines.append("WORKDIR /src")
    lines.append("COPY requirements.txt package.json ./")
    lines.append("RUN pip install --no-cache-dir " + " ".join(rng.sample(PIP, 3)))
    for i in range(rng.randint(3, 12)):
        lines.append(f"RUN echo step {i} && \\\n    mkdir -p /opt/step{i} && \\\n    touch /opt/step{i}/done")
    lines.append("COPY . .")
    lines.append('RUN ["sh", "-c", "make build VERSION=$VERSION"]')
    lines.append(f"FROM {rng.choice(BASES)}@sha256:{'%064x' % rng.getrandbits(256)}")
    lines.append("COPY --from=build /src/out /app")
    lines.append("USER 1000:1000")
    lines.append("EXPOSE 8080")
    lines.append('HEALTHCHECK --interval=30s CMD ["/app/health"]')
    lines.append('ENTRYPOINT ["/app/run"]')
    return "\n".join(lines) + "\n"


def flake(rng, n):
    """A flake.nix with 10 inputs and its 70-node flake.lock (Nix's own
    layout: keys sorted, two-space indent)."""
    nodes = {}
    root = {}
    decls = []
    for i in range(10):
        name = f"input{i}"
        root[name] = name
        decls.append(f'    {name}.url = "github:owner{i}/repo{i}";')
        children = {}
        for j in range(6):
            child = f"dep{i}_{j}" if j else "nixpkgs"
            key = f"{child}_{i + 2}" if j == 0 else child
            children[child] = key
            # Every input brings its own nixpkgs: NX005 finds the extras.
            nodes[key] = node(rng, "NixOS" if j == 0 else f"o{i}{j}", "nixpkgs" if j == 0 else f"r{j}",
                              "nixos-unstable" if j == 0 else None)
        nodes[name] = node(rng, f"owner{i}", f"repo{i}", None)
        nodes[name]["inputs"] = children
    nodes["root"] = {"inputs": root}
    text = json.dumps({"nodes": nodes, "root": "root", "version": 7}, indent=2, sort_keys=True) + "\n"
    nix = "{\n  inputs = {\n" + "\n".join(decls) + "\n  };\n  outputs = { self, ... }: { };\n}\n"
    return nix, text, len(nodes) - 1


def node(rng, owner, repo, ref):
    rev = "%040x" % rng.getrandbits(160)
    original = {"owner": owner, "repo": repo, "type": "github"}
    if ref:
        original["ref"] = ref
    return {"locked": {"lastModified": 1760000000 + rng.randrange(10**6), "narHash": "sha256-" + "A" * 43 + "=",
                       "owner": owner, "repo": repo, "rev": rev, "type": "github"},
            "original": original}


def nix_file(rng, n):
    """A package expression, a NixOS module or a shell, some with the
    impurities NX009-NX011 report."""
    kind = n % 3
    if kind == 0:
        deps = " ".join(rng.sample(["openssl", "zlib", "curl", "libffi", "sqlite", "ncurses"], 3))
        return (
            "{ lib, stdenv, fetchurl, %s }:\n\n"
            "stdenv.mkDerivation (finalAttrs: {\n"
            "  pname = \"pkg%d\";\n  version = \"1.%d.0\";\n"
            "  src = fetchurl {\n    url = \"https://example.org/pkg%d-${finalAttrs.version}.tar.gz\";\n"
            "    hash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\";\n  };\n"
            "  buildInputs = [ %s ];\n"
            "  meta = with lib; { description = \"Package %d\"; license = licenses.mit; };\n"
            "})\n" % (deps.replace(" ", ", "), n, n % 50, n, deps, n)
        )
    if kind == 1:
        options = "".join(
            "    services.svc%d.opt%d = lib.mkOption { type = lib.types.str; default = \"v%d\"; };\n" % (n, i, i)
            for i in range(rng.randint(3, 12))
        )
        return (
            "{ config, lib, pkgs, ... }:\n\nlet\n  cfg = config.services.svc%d;\nin\n{\n"
            "  options = {\n%s  };\n"
            "  config = lib.mkIf cfg.enable {\n"
            "    systemd.services.svc%d.serviceConfig.ExecStart = \"${pkgs.hello}/bin/hello\";\n"
            "    environment.variables.HOME_DIR = builtins.getEnv \"HOME\";\n  };\n}\n" % (n, options, n)
        )
    return (
        "{ pkgs ? import <nixpkgs> { } }:\n\n"
        "let\n  tool = builtins.fetchTarball \"https://example.org/tool%d/master.tar.gz\";\nin\n"
        "pkgs.mkShell {\n  packages = with pkgs; [ git jq (callPackage tool { }) ];\n"
        "  shellHook = ''\n    echo ready %d\n  '';\n}\n" % (n, n)
    )


def timed(command, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            sys.exit(f"{command[0]} failed ({result.returncode}): {result.stderr.decode()[:500]}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--repro-audit", default="target/release/repro-audit")
    parser.add_argument("--hadolint", default=".venv/bin/hadolint")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--flakes", type=int, default=200)
    parser.add_argument("--parse-lock", default="target/release/examples/parse_lock")
    parser.add_argument("--nix-files", type=int, default=20000)
    args = parser.parse_args()

    rng = random.Random(20261121)
    corpus = tempfile.mkdtemp(prefix="repro-audit-bench-")
    try:
        paths = []
        for n in range(args.files):
            directory = os.path.join(corpus, f"svc{n // 20:03d}")
            os.makedirs(directory, exist_ok=True)
            path = os.path.join(directory, f"Dockerfile.{n:04d}")
            with open(path, "w") as f:
                f.write(dockerfile(rng, n))
            paths.append(path)
        lines = sum(open(p).read().count("\n") for p in paths)
        ours = timed([args.repro_audit, "--format", "json", corpus], args.repeat)
        report = json.loads(subprocess.run([args.repro_audit, "--format", "json", corpus],
                                           capture_output=True).stdout)
        summary = report["summary"]
        theirs = timed([args.hadolint, "--no-fail", "--format", "json", *paths], max(1, args.repeat // 5))
        print(f"corpus: {args.files} Dockerfiles, {lines} lines")
        print(f"repro-audit audited {summary['files']} files: {summary['findings']} findings, "
              f"{summary['errors']} errors")
        print(f"repro-audit: {ours * 1000:9.1f} ms  {args.files / ours:10.0f} files/s  (median of {args.repeat})")
        print(f"hadolint:    {theirs * 1000:9.1f} ms  {args.files / theirs:10.0f} files/s")
        print(f"ratio: repro-audit is {theirs / ours:.0f}x hadolint's throughput")

        flakes = os.path.join(corpus, "flakes")
        for n in range(args.flakes):
            directory = os.path.join(flakes, f"flake{n:04d}")
            os.makedirs(directory)
            nix, lock, count = flake(rng, n)
            with open(os.path.join(directory, "flake.nix"), "w") as f:
                f.write(nix)
            with open(os.path.join(directory, "flake.lock"), "w") as f:
                f.write(lock)
        command = [args.repro_audit, "--format", "json", "--as-of", "2026-11-21", flakes]
        many = timed(command, args.repeat)
        one = timed(command[:-1] + [os.path.join(flakes, "flake0000")], args.repeat)
        report = json.loads(subprocess.run(command, capture_output=True).stdout)["summary"]
        print(f"\nnix: {args.flakes} flakes, a {count}-node flake.lock each "
              f"({report['findings']} findings, {report['errors']} errors)")
        print(f"repro-audit: {many * 1000:9.1f} ms  {args.flakes / many:10.0f} flakes/s "
              f"({many / args.flakes * 1000:.3f} ms per flake); one flake, whole process: {one * 1000:.1f} ms")
        parse = subprocess.run([args.parse_lock, os.path.join(flakes, "flake0000", "flake.lock"), "2000"],
                               capture_output=True, text=True, check=True)
        print(parse.stdout.strip())

        print(f"\nnix files: trees of generated .nix files, all rules")
        for count in (args.nix_files // 4, args.nix_files // 2, args.nix_files):
            tree = os.path.join(corpus, f"nix-files-{count}")
            size = 0
            for n in range(count):
                directory = os.path.join(tree, f"pkgs{n // 100:04d}")
                os.makedirs(directory, exist_ok=True)
                text = nix_file(rng, n)
                size += len(text)
                with open(os.path.join(directory, f"f{n:06d}.nix"), "w") as f:
                    f.write(text)
            command = [args.repro_audit, "--format", "json", tree]
            took = timed(command, args.repeat)
            report = json.loads(subprocess.run(command, capture_output=True).stdout)["summary"]
            print(f"{count:7d} files ({size / 1e6:.1f} MB): {took * 1000:8.1f} ms  "
                  f"{count / took:8.0f} files/s  ({report['findings']} findings, {report['errors']} errors)")
    finally:
        shutil.rmtree(corpus)


if __name__ == "__main__":
    main()
