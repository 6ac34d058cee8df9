#!/usr/bin/env python3
"""Makes test/corpora/pypi-benign-sdists.json and its sdists by the rule in test/corpora/README.md
("pypi-benign-sdists.json"): sdists built from the projects' public source repositories, for the
install-time behaviour that Debian's wheels cannot show.

Projects: those of pypi-benign-debian.json, in its (download) order, whose own metadata (Home-page or
Project-URL in the wheel's METADATA, read from the zip, never imported) names a github.com repository.
`--repos N` prints the first N as `github:<owner>/<name>`: the mirrors to fetch (the `fetch` tool puts
them in /work/.mirror/<owner>+<name>/repo; this script reads git directories, never the network).
`--build` then makes, for every listed project whose mirror is there: the tree of the release tag of
the same version (v<version>, <version>, <name>-<version>, else left out and printed) by `git archive`,
and the sdist built from it INSIDE a container of the PyPI sandbox image (no network, gVisor, not root):
`python3 -m build --sdist --no-isolation --skip-dependency-check` with the image's build backends (SETUPTOOLS_SCM_PRETEND_VERSION
set, as `git archive` has no .git). Project code runs only in that container (setup.py runs there).

Usage: python3 test/corpora/make-pypi-sdists.py --repos 40      # the repos to fetch
       python3 test/corpora/make-pypi-sdists.py --build --repos 40 [--mirrors /work/.mirror]
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DEBIAN_LIST = os.path.join(HERE, "pypi-benign-debian.json")
OUT = os.path.join(HERE, "pypi-benign-sdists.json")
SDISTS = os.path.join(ROOT, ".airlock", "corpora", "pypi-sdists")
GITHUB = re.compile(r"https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9][A-Za-z0-9_.-]*?)(?:\.git)?(?:[/#?]|$)")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def repo_of(wheel):
    """owner/name of the first github.com URL in the wheel's METADATA headers (Home-page first)."""
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode("utf-8", "replace").split("\n\n", 1)[0]
    urls = [l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("Home-page:")]
    urls += [l.split(",", 1)[-1].strip() for l in text.splitlines() if l.startswith("Project-URL:")]
    for url in urls:
        m = GITHUB.match(url)
        if m and m.group(2).lower() not in ("sponsors",):
            return f"{m.group(1)}/{m.group(2)}"
    return None


def projects(limit):
    chosen = []
    for e in json.load(open(DEBIAN_LIST)):
        repo = repo_of(os.path.join(HERE, e["file"]))
        if repo:
            chosen.append({**e, "repo": repo})
        if len(chosen) >= limit:
            break
    return chosen


def git(mirror, *args):
    return subprocess.run(["git", "--git-dir", mirror, *args], check=True, capture_output=True, text=True).stdout


def upstream(version):
    """Debian marks a repacked tarball with a local version (`1.0.0+repack`, `+dfsg`): the tag has none."""
    return version.split("+", 1)[0]


def release_tag(mirror, name, version):
    tags = set(git(mirror, "tag", "--list").split())
    version = upstream(version)
    for tag in (f"v{version}", version, f"{name}-{version}", f"{name.replace('-', '_')}-{version}", f"release-{version}"):
        if tag in tags:
            return tag
    return None


def sandbox_image():
    with open(os.path.join(ROOT, "sandbox-images", ".images.json")) as f:
        return json.load(f)["airlock/sandbox-npm"]


def build(entry, mirror, image):
    tag = release_tag(mirror, entry["package"], entry["version"])
    if not tag:
        raise ValueError(f"no tag for version {entry['version']} in {entry['repo']}")
    commit = git(mirror, "rev-list", "-n", "1", tag).strip()
    work = tempfile.mkdtemp(prefix="airlock-sdist-")
    os.chmod(work, 0o777)
    try:
        src = os.path.join(work, "src.tar")
        git(mirror, "archive", "--format=tar", "-o", src, commit)
        out = os.path.join(work, "out")
        os.makedirs(out)
        os.chmod(out, 0o777)
        script = (
            "set -e; mkdir /tmp/src && tar -xf /in/src.tar -C /tmp/src && cd /tmp/src && "
            "HOME=/tmp python3 -m build --sdist --no-isolation --skip-dependency-check --outdir /out >/tmp/build.log 2>&1 || { tail -5 /tmp/build.log >&2; exit 1; }"
        )
        run = subprocess.run(
            ["docker", "run", "--rm", "--network", "none", "--runtime", "airlock-runsc", "--user", "1000:1000",
             "--memory", "1g", "--pids-limit", "256", "-e", f"SETUPTOOLS_SCM_PRETEND_VERSION={upstream(entry['version'])}",
             "-v", f"{src}:/in/src.tar:ro", "-v", f"{out}:/out", image, "sh", "-c", script],
            capture_output=True, text=True, timeout=600,
        )
        if run.returncode != 0:
            raise ValueError(f"sdist build failed in the container: {run.stderr.strip()[-300:]}")
        made = [f for f in os.listdir(out) if f.endswith((".tar.gz", ".zip"))]
        if len(made) != 1:
            raise ValueError(f"expected one sdist, the build made {made}")
        os.makedirs(SDISTS, exist_ok=True)
        dest = os.path.join(SDISTS, made[0])
        shutil.copyfile(os.path.join(out, made[0]), dest)
        return dest, tag, commit
    finally:
        subprocess.run(["rm", "-rf", work])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repos", type=int, default=40)
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--mirrors", default="/work/.mirror")
    args = ap.parse_args()
    listed = projects(args.repos)
    if not args.build:
        for e in listed:
            print(f"github:{e['repo']}  ({e['package']} {e['version']}, rank {e['rank']})")
        return 0
    image = sandbox_image()
    print(f"building sdists in {image} for {len(listed)} projects")
    # A rerun keeps an sdist already built from the same repository and version by the same image.
    before = {(b["source"]["repo"], b["version"], b["source"]["built_in"]): b for b in (json.load(open(OUT)) if os.path.exists(OUT) else [])}
    entries, skipped = [], []
    for e in listed:
        mirror = os.path.join(args.mirrors, e["repo"].replace("/", "+"), "repo")
        if not os.path.isdir(mirror):
            skipped.append(f"{e['package']}: no mirror of github:{e['repo']} at {mirror}")
            continue
        kept = before.get((f"github:{e['repo']}", upstream(e["version"]), image))
        if kept and os.path.exists(os.path.join(HERE, kept["file"])) and sha256_file(os.path.join(HERE, kept["file"])) == kept["sha256"]:
            entries.append({**kept, "rank": e["rank"], "package": e["package"]})
            print(f"  {e['package']} {kept['version']}  (kept)")
            continue
        try:
            dest, tag, commit = build(e, mirror, image)
        except (ValueError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            skipped.append(f"{e['package']} (github:{e['repo']}): {err}")
            continue
        entries.append(
            {
                "file": os.path.relpath(dest, HERE),
                "package": e["package"],
                "version": upstream(e["version"]),
                "ecosystem": "pypi",
                "label": "benign",
                "sha256": sha256_file(dest),
                "rank": e["rank"],
                "why": f"top PyPI project (rank {e['rank']}) in pypi-benign-debian.json whose metadata names github:{e['repo']}",
                "source": {"repo": f"github:{e['repo']}", "tag": tag, "commit": commit, "built_in": image},
            }
        )
        print(f"  {e['package']} {e['version']}  <- github:{e['repo']}@{tag}")
    with open(OUT, "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")
    print(f"wrote {len(entries)} sdists; left out ({len(skipped)}):")
    for s in skipped:
        print(f"  {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
