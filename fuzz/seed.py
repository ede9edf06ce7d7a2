"""Seed each fuzz target's corpus from the project's own inputs of its
kinds: the fixtures, and the examples of the rule docs (rules/*.md) and of
the README and docs/, each code block by its language and by the rule it
documents. `python3 fuzz/seed.py` (fuzz/run.sh runs it) writes
fuzz/corpus/<target>/<hash>; it prints how many seeds each target has and
fails when one has none, so that no target starts from nothing again.
"""

import hashlib
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
# libFuzzer's -max_len in fuzz/run.sh: a longer seed is cut.
MAX_SEED = 64 * 1024

# Fixture names → targets.
FIXTURES = [
    (re.compile(r"(^Dockerfile|^Containerfile|\.[Dd]ockerfile$|\.Containerfile$)"), ["dockerfile"]),
    (re.compile(r"^flake.*\.lock$"), ["flake_lock"]),
    (re.compile(r"^flake\.nix$"), ["flake_nix", "nix_file"]),
    (re.compile(r"\.nix$"), ["nix_file"]),
    (re.compile(r"\.toml$"), ["config"]),
    (re.compile(r"compose.*\.ya?ml$"), ["compose"]),
    (re.compile(r"\.ya?ml$"), ["ci_files"]),
    (re.compile(r"devcontainer\.json$"), ["ci_files"]),
    (re.compile(r"baseline.*\.json$"), ["baseline"]),
]

# A rule doc's code block (by the doc's rule prefix and the block's
# language) → targets.
DOC_BLOCKS = {
    ("DF", "dockerfile"): ["dockerfile"],
    ("CP", "yaml"): ["compose"],
    ("GH", "yaml"): ["ci_files"],
    ("GL", "yaml"): ["ci_files"],
    ("DC", "json"): ["ci_files"],
    ("NX", "nix"): ["flake_nix", "nix_file"],
    ("NX", "json"): ["flake_lock"],
    ("RA", "dockerfile"): ["dockerfile"],
    ("RA", "yaml"): ["ci_files", "compose"],
    ("RA", "nix"): ["nix_file"],
}

# README and docs/ blocks by language alone.
PAGE_BLOCKS = {
    "dockerfile": ["dockerfile"],
    "toml": ["config"],
    "yaml": ["ci_files"],
    "nix": ["nix_file"],
}

# Seeds no file holds: a configuration with every key, a baseline.
WRITTEN = {
    "config": [
        """select = ["DF", "NX", "CP", "GH"]
extend-select = ["RA002"]
ignore = ["DF010", "package-upgrade"]
fail-on = "error"
exclude = ["vendor/**", "*.bad.Dockerfile", "[a-z]?/**/x"]

[severity]
DF002 = "error"
NX00 = "info"

[build-args]
BASE_IMAGE = "debian:12"

[per-file-ignores]
"tests/**" = ["DF001", "GH"]

[nix]
nixpkgs-keys = ["nixpkgs", "nixpkgs-unstable"]
max-age-days = 60
supported-refs = ["nixos-24.11"]

[fix]
registry-mirrors = { "docker.io" = "https://mirror.example.com" }
insecure-registries = ["registry.lan:5000"]
github-url = "https://github.example.com"
timeout = 30
""",
    ],
    "baseline": [
        '{"version": 1, "findings": [{"fingerprint": "0123456789abcdef"}]}\n',
    ],
}


def code_blocks(text):
    """(language, body) of each fenced block."""
    found, open_block = [], None
    for line in text.splitlines(keepends=True):
        if open_block is None:
            if line.startswith("```"):
                open_block = (line[3:].strip(), [])
        elif line.rstrip() == "```":
            found.append((open_block[0], "".join(open_block[1])))
            open_block = None
        else:
            open_block[1].append(line)
    return found


def main():
    seeds = {}

    def add(target, data):
        if isinstance(data, str):
            data = data.encode()
        if data.strip() and len(data) <= MAX_SEED:
            seeds.setdefault(target, set()).add(data)

    for directory, _, names in os.walk(os.path.join(ROOT, "fixtures")):
        for name in names:
            for pattern, targets in FIXTURES:
                if pattern.search(name):
                    with open(os.path.join(directory, name), "rb") as handle:
                        data = handle.read()
                    for target in targets:
                        add(target, data)
                    break
    rules = os.path.join(ROOT, "rules")
    for name in sorted(os.listdir(rules)):
        with open(os.path.join(rules, name), encoding="utf-8") as handle:
            blocks = code_blocks(handle.read())
        for language, body in blocks:
            for target in DOC_BLOCKS.get((name[:2], language), []):
                add(target, body)
    pages = [os.path.join(ROOT, "README.md")] + [
        os.path.join(ROOT, "docs", n) for n in sorted(os.listdir(os.path.join(ROOT, "docs")))
    ]
    for page in pages:
        with open(page, encoding="utf-8") as handle:
            for language, body in code_blocks(handle.read()):
                for target in PAGE_BLOCKS.get(language, []):
                    add(target, body)
    for target, texts in WRITTEN.items():
        for text in texts:
            add(target, text)
    # The Compose target reads its first line as `.env` variables
    # (`A=1;B=2`): each seed gets one.
    seeds["compose"] = {b"TAG=1.2;IMAGE=python\n" + s for s in seeds.get("compose", set())}
    # The structured targets build their input from bytes: any seeds do.
    for target in ("dockerfile_structured", "flake_pair"):
        seeds[target] = set(list(seeds.get("dockerfile", set()))[:64])

    empty = []
    for target in sorted(TARGETS):
        directory = os.path.join(CORPUS, target)
        os.makedirs(directory, exist_ok=True)
        for data in seeds.get(target, set()):
            name = hashlib.sha256(data).hexdigest()[:16]
            with open(os.path.join(directory, name), "wb") as handle:
                handle.write(data)
        count = len(seeds.get(target, set()))
        print(f"{target}: {count} seeds")
        if count == 0:
            empty.append(target)
    if empty:
        sys.exit(f"no seeds for {', '.join(empty)}")


TARGETS = [
    "dockerfile",
    "dockerfile_structured",
    "flake_lock",
    "flake_nix",
    "flake_pair",
    "nix_file",
    "compose",
    "ci_files",
    "config",
    "baseline",
]

if __name__ == "__main__":
    main()
