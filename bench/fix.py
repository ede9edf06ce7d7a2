"""How long `--diff` takes to pin many images: a local distribution registry
(Debian's docker-registry) holding one two-platform image under TAGS tags,
a generated tree of FILES Dockerfiles naming them through a Docker Hub
mirror, and `repro-audit --diff` run REPEAT times. Prints the median time,
and what one lookup costs. Run by bench/fix.sh."""

import argparse
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "repro-audit")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def build_layout(layout):
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    layer = blob(layout, bytes(10240))
    manifests = []
    for arch in ("amd64", "arm64"):
        config = blob(layout, json.dumps({"architecture": arch, "os": "linux",
                                          "rootfs": {"type": "layers", "diff_ids": []}}).encode())
        manifest = blob(layout, json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer}],
        }).encode())
        manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest,
                          "platform": {"architecture": arch, "os": "linux"}})
    index_bytes = json.dumps({"schemaVersion": 2,
                              "mediaType": "application/vnd.oci.image.index.v1+json",
                              "manifests": manifests}).encode()
    index = blob(layout, index_bytes)
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.index.v1+json", **index,
             "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}, f)
    return index_bytes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tags", type=int, default=200)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for tool in ("docker-registry", "skopeo"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: bash scripts/servers.sh installs it")
    work = tempfile.mkdtemp(prefix="repro-audit-fix-bench-")
    port = free_port()
    with open(os.path.join(work, "registry.yml"), "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                f"storage:\n  filesystem:\n    rootdirectory: {work}/storage\n"
                f"http:\n  addr: 127.0.0.1:{port}\n")
    registry = subprocess.Popen(["docker-registry", "serve", os.path.join(work, "registry.yml")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        layout = os.path.join(work, "layout")
        index = build_layout(layout)
        host = f"127.0.0.1:{port}"
        subprocess.run(["skopeo", "--insecure-policy", "copy", "--all", "--preserve-digests",
                        "--quiet", "--dest-tls-verify=false", f"oci:{layout}:bench",
                        f"docker://{host}/library/bench:tag-0"], check=True)
        # The other tags name the same index, through the registry's API.
        for tag in range(1, args.tags):
            request = urllib.request.Request(
                f"http://{host}/v2/library/bench/manifests/tag-{tag}", data=index, method="PUT",
                headers={"Content-Type": "application/vnd.oci.image.index.v1+json"})
            urllib.request.urlopen(request).close()
        tree = os.path.join(work, "tree")
        for n in range(args.files):
            os.makedirs(os.path.join(tree, f"svc{n}"))
            with open(os.path.join(tree, f"svc{n}", "Dockerfile"), "w") as f:
                f.write(f"FROM bench:tag-{n % args.tags} AS build\nRUN make\n"
                        f"FROM bench:tag-{(n * 7) % args.tags}\nCOPY --from=build /out /\n")
        with open(os.path.join(tree, ".repro-audit.toml"), "w") as f:
            f.write(f'[fix]\nregistry-mirrors = {{ "docker.io" = "http://{host}" }}\n')
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = subprocess.run([BINARY, "--diff", "."], cwd=tree, capture_output=True,
                                    text=True)
            times.append(time.perf_counter() - started)
            if result.returncode != 1 or "Would fix" not in result.stderr:
                sys.exit(f"unexpected result: {result.returncode}\n{result.stderr[-2000:]}")
        summary = result.stderr.strip().splitlines()[-1]
        offline = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run([BINARY, "--diff", "--offline", "."], cwd=tree, capture_output=True)
            offline.append(time.perf_counter() - started)
        median, base = statistics.median(times), statistics.median(offline)
        print(f"{args.files} Dockerfiles, {2 * args.files} images, {args.tags} distinct references")
        print(f"  --diff:             {median:.3f} s median of {args.repeat}  ({summary})")
        print(f"  --diff --offline:   {base:.3f} s (the audit alone)")
        print(f"  per reference:      {(median - base) / args.tags * 1000:.2f} ms, eight at a time")
    finally:
        registry.terminate()
        registry.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
