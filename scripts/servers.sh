#!/usr/bin/env bash
# The servers the --fix tests start on loopback (tests/servers): Debian's
# docker-registry (the CNCF distribution registry) and skopeo to push images
# into it, openssl to sign registry tokens. git (for git http-backend) is
# already on the machine. Installed only when missing.
set -euo pipefail
missing=()
for tool in docker-registry skopeo openssl; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends docker-registry skopeo openssl >/dev/null
docker-registry --version
skopeo --version
