#!/usr/bin/env bash
# Nix itself, for the flake.nix conformance test and the check that the
# project's own flake.nix parses: Debian's nix-bin (Nix 2.8), which
# evaluates plain expressions offline. Installed only when missing.
set -euo pipefail
if command -v nix-instantiate >/dev/null; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends nix-bin >/dev/null
nix-instantiate --version
