"""Which paths the `files` regex of .pre-commit-hooks.yaml lets through.

usage: hook_files.py HOOKS_YAML PATH...   (prints `yes PATH` or `no PATH`)

pre-commit matches `files` with Python's re.search, as done here.
"""
import re
import sys

import yaml  # pre-commit depends on PyYAML


def main() -> None:
    hooks_path, *paths = sys.argv[1:]
    with open(hooks_path, encoding="utf-8") as f:
        hooks = yaml.safe_load(f)
    pattern = re.compile(hooks[0]["files"])
    for path in paths:
        print(("yes " if pattern.search(path) else "no ") + path)


if __name__ == "__main__":
    main()
