"""Parse Dockerfiles with BuildKit's own parser (PyPI `dockerfile`, which
wraps moby/buildkit's Go parser) and print what it found, as JSON, for the
conformance test in tests/buildkit_conformance.rs.

Usage: python buildkit_parse.py FILE...
"""

import json
import sys

import dockerfile


def describe(path):
    try:
        commands = dockerfile.parse_file(path)
    except dockerfile.GoParseError as error:
        return {"path": path, "error": str(error)}
    return {
        "path": path,
        "instructions": [
            {
                "cmd": command.cmd.upper(),
                "sub_cmd": command.sub_cmd.upper() if command.sub_cmd else None,
                "start_line": command.start_line,
                "end_line": command.end_line,
                "flags": list(command.flags),
                "json": command.json,
                # Only exec form and FROM are compared: elsewhere BuildKit's
                # `value` is shaped per instruction (ENV pairs, …).
                "value": list(command.value)
                if command.json or command.cmd.upper() == "FROM"
                else [],
                "heredocs": [
                    {"name": h.name, "content": h.content} for h in command.heredocs
                ],
            }
            for command in commands
        ],
    }


json.dump([describe(path) for path in sys.argv[1:]], sys.stdout)
