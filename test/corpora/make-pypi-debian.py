#!/usr/bin/env python3
"""Makes test/corpora/pypi-benign-debian.json and its wheels by the rule in test/corpora/README.md
("pypi-benign-debian.json"), written before any of them ran: popular PyPI projects as wheels rebuilt
from Debian bookworm's python3-* binary packages (PyPI is not reachable here; Debian's archive is).

Order: ../shared/corpus/top-pypi-packages.json (most downloaded first). Mapping from a PyPI project to
its Debian package: dh-python's own table (/usr/share/dh-python/dist/cpython3_fallback of bookworm's
dh-python, downloaded and unpacked, never installed). Each .deb is fetched with `apt-get download`,
unpacked with `dpkg-deb -x` (no maintainer script runs) and its /usr/lib/python3/dist-packages
repacked as a wheel: the project's egg-info or dist-info becomes the wheel's .dist-info, every module
of the package goes in, RECORD is written. Reproducible: files sorted, zip times from the .deb.
Nothing of the projects runs on the host (no import, no setup.py). Wheels go to .airlock/corpora/pypi/
(outside git); the list, how each was made and sha256s go to test/corpora/pypi-benign-debian.json.

Usage: python3 test/corpora/make-pypi-debian.py [--count 340]
"""
import argparse
import base64
import csv
import glob
import hashlib
import io
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
TOP = os.path.join(ROOT, "..", "shared", "corpus", "top-pypi-packages.json")
CACHE = os.path.join(ROOT, ".airlock", "corpora")
DEBS = os.path.join(CACHE, "debs")
WHEELS = os.path.join(CACHE, "pypi")
OUT = os.path.join(HERE, "pypi-benign-debian.json")
SITE = "usr/lib/python3/dist-packages"


def normalize(name):
    """PEP 503."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def deb_path(pkg):
    found = sorted(glob.glob(os.path.join(DEBS, f"{pkg}_*.deb")))
    return found[-1] if found else None


def download(pkgs):
    """apt-get download, many names per call; a name it cannot fetch is retried alone to find it."""
    missing = [p for p in pkgs if not deb_path(p)]
    os.makedirs(DEBS, exist_ok=True)
    for i in range(0, len(missing), 40):
        batch = missing[i : i + 40]
        try:
            run(["apt-get", "download", "-q", *batch], cwd=DEBS)
        except subprocess.CalledProcessError:
            for p in batch:
                subprocess.run(["apt-get", "download", "-q", p], cwd=DEBS, capture_output=True)


def dh_python_table():
    """PyPI dist name (normalized) -> Debian binary package, from bookworm's dh-python."""
    download(["dh-python"])
    work = tempfile.mkdtemp()
    run(["dpkg-deb", "-x", deb_path("dh-python"), work])
    table = {}
    with open(os.path.join(work, "usr/share/dh-python/dist/cpython3_fallback")) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                table.setdefault(normalize(parts[0]), parts[1])
    shutil.rmtree(work)
    return table


def read_metadata(meta_dir):
    """(Name, Version) from METADATA or PKG-INFO (egg-info may be a file, not a directory)."""
    path = meta_dir
    if os.path.isdir(meta_dir):
        path = os.path.join(meta_dir, "METADATA" if meta_dir.endswith(".dist-info") else "PKG-INFO")
    fields = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    return fields.get("Name"), fields.get("Version"), path


def requires_txt_lines(text):
    """`Requires-Dist` values from an egg-info `requires.txt` (sections `[extra]`, `[:marker]`, `[extra:marker]`)."""
    out, extra, marker = [], "", ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].partition(":")
            continue
        conds = [c for c in (f"({marker})" if marker else "", f'extra == "{extra}"' if extra else "") if c]
        out.append(line + (f"; {' and '.join(conds)}" if conds else ""))
    return out


def debian_requirements(deb, debs_to_projects, own):
    """Projects this `.deb` depends on, by Debian's own `Depends` (python3-* packages mapped back through
    dh-python's table; the first alternative of each group). Debian often drops `install_requires` from the
    metadata it ships (its dependencies live in the package), so these are what the project needs."""
    depends = run(["dpkg-deb", "-f", deb, "Depends"])
    out = []
    for group in depends.split(","):
        name = group.split("|")[0].strip().split(" ")[0].split(":")[0]
        # Only python3-* packages: `python3` itself maps to stdlib backports (argparse) in dh-python's table.
        project = debs_to_projects.get(name) if name.startswith("python3-") else None
        if project and project != own and project not in out:
            out.append(project)
    return out


def required_names(head):
    """Normalized names of the metadata's unconditional (not extra-only) requirements."""
    names = set()
    for m in re.finditer(rb"^Requires-Dist: *([A-Za-z0-9._-]+)([^\n]*)$", head, re.M):
        if b"extra ==" not in m.group(2):
            names.add(normalize(m.group(1).decode()))
    return names


def with_requires_dist(metadata, meta_dir, debian_projects=()):
    """The metadata with `Requires-Dist` headers from egg-info's requires.txt when it has none (PKG-INFO of
    older setuptools leaves requirements out), then one for each project Debian's `Depends` names that the
    metadata does not: a wheel without them installs without its dependencies and its import fails."""
    req = os.path.join(meta_dir, "requires.txt") if os.path.isdir(meta_dir) else None
    head, sep, body = metadata.partition(b"\n\n")
    lines = []
    if req and os.path.isfile(req) and not re.search(rb"^Requires-Dist:", head, re.M):
        with open(req, encoding="utf-8", errors="replace") as f:
            lines = requires_txt_lines(f.read())
    have = required_names(head) | {normalize(re.split(r"[ ;<>=!~\[(]", line, maxsplit=1)[0]) for line in lines if "extra ==" not in line}
    lines += [p for p in debian_projects if normalize(p) not in have]
    if not lines:
        return metadata
    added = "".join(f"\nRequires-Dist: {line}" for line in lines).encode()
    return head.rstrip(b"\n") + added + (sep + body if sep else b"\n")


def repack(deb, project, debs_to_projects):
    """The wheel's path and its metadata, or raises ValueError with the reason it cannot be made."""
    work = tempfile.mkdtemp()
    try:
        run(["dpkg-deb", "-x", deb, work])
        site = os.path.join(work, SITE)
        if not os.path.isdir(site):
            raise ValueError(f"no {SITE} in the package")
        metas = [m for m in os.listdir(site) if m.endswith((".dist-info", ".egg-info"))]
        mine = [m for m in metas if normalize(re.split(r"-\d", m[: m.rindex(".")], maxsplit=1)[0]) == project]
        if not mine:
            raise ValueError(f"no dist-info/egg-info for {project} (has: {', '.join(metas) or 'none'})")
        meta = os.path.join(site, mine[0])
        name, version, meta_file = read_metadata(meta)
        if not name or not version:
            raise ValueError(f"{mine[0]}: no Name/Version")
        dist = re.sub(r"[-_.]+", "_", name)
        info = f"{dist}-{version}.dist-info"
        files = {}  # archive name -> (source path or bytes)
        links_out = []  # symlinks to other Debian packages' files, not in the wheel
        for dirpath, dirnames, filenames in os.walk(site):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            rel = os.path.relpath(dirpath, site)
            top = rel.split(os.sep)[0]
            if top.endswith((".dist-info", ".egg-info")):
                continue
            for fn in sorted(filenames):
                if rel == "." and fn.endswith((".egg-info", ".dist-info")):
                    continue
                arc = fn if rel == "." else f"{rel.replace(os.sep, '/')}/{fn}"
                path = os.path.join(dirpath, fn)
                if os.path.islink(path):
                    # Debian links shared data (jquery, locale data) from other packages, which are not
                    # here: a link into this package's own tree is kept as its target's bytes, the others
                    # are left out and counted.
                    target = os.readlink(path)
                    path = os.path.join(work, target.lstrip("/")) if os.path.isabs(target) else os.path.join(dirpath, target)
                    if not os.path.isfile(path):
                        links_out.append(arc)
                        continue
                files[arc] = path
            links_out.extend(f"{rel}/{d}" for d in dirnames if os.path.islink(os.path.join(dirpath, d)))
        has_binary = any(a.endswith(".so") for a in files)
        # Metadata: the project's own, moved into a .dist-info (PKG-INFO is METADATA's older name).
        with open(meta_file, "rb") as f:
            files[f"{info}/METADATA"] = with_requires_dist(f.read(), meta, debian_requirements(deb, debs_to_projects, project))
        if os.path.isdir(meta):
            for extra in ("entry_points.txt", "top_level.txt", "LICENSE", "licenses"):
                p = os.path.join(meta, extra)
                if os.path.isfile(p):
                    files[f"{info}/{extra}"] = p
        tag = "cp311-cp311-linux_x86_64" if has_binary else "py3-none-any"
        files[f"{info}/WHEEL"] = (
            f"Wheel-Version: 1.0\nGenerator: airlock make-pypi-debian\nRoot-Is-Purelib: {'false' if has_binary else 'true'}\nTag: {tag}\n"
        ).encode()
        if not any(a.endswith((".py", ".so")) for a in files if not a.startswith(info)):
            raise ValueError("no Python module in the package")
        wheel = os.path.join(WHEELS, f"{dist}-{version}-{tag}.whl")
        os.makedirs(WHEELS, exist_ok=True)
        record = io.StringIO()
        writer = csv.writer(record, lineterminator="\n")
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
            for arc in sorted(files):
                src = files[arc]
                data = src if isinstance(src, bytes) else open(src, "rb").read()
                when = (2023, 1, 1, 0, 0, 0) if isinstance(src, bytes) else max((1980, 1, 1, 0, 0, 0), tuple(__import__("time").gmtime(os.lstat(src).st_mtime)[:6]))
                zi = zipfile.ZipInfo(arc, date_time=when)
                zi.external_attr = (0o755 if not isinstance(src, bytes) and os.access(src, os.X_OK) else 0o644) << 16
                zi.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(zi, data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                writer.writerow([arc, f"sha256={digest}", len(data)])
            writer.writerow([f"{info}/RECORD", "", ""])
            zi = zipfile.ZipInfo(f"{info}/RECORD", date_time=(2023, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, record.getvalue())
        return wheel, name, version, tag, mine[0], links_out
    finally:
        shutil.rmtree(work)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=340)
    args = ap.parse_args()
    table = dh_python_table()
    debs_to_projects = {}
    for project, pkg in table.items():
        debs_to_projects.setdefault(pkg, project)
    available = set(run(["apt-cache", "pkgnames"]).split())
    rows = json.load(open(TOP))["rows"]
    print(f"top-pypi-packages: {len(rows)} projects; dh-python table: {len(table)} names; bookworm packages: {len(available)}")
    # Fetch ahead in batches (one apt-get per package is slow); the rule below still decides.
    ahead = []
    for row in rows:
        pkg = table.get(normalize(row["project"]))
        if pkg and pkg in available and pkg not in ahead:
            ahead.append(pkg)
        if len(ahead) >= args.count * 3 // 2:
            break
    download(ahead)
    chosen, seen_debs, skipped = [], set(), []
    for rank, row in enumerate(rows, 1):
        if len(chosen) >= args.count:
            break
        project = normalize(row["project"])
        pkg = table.get(project)
        if not pkg or pkg in seen_debs:
            continue
        if pkg not in available:
            skipped.append(f"{project}: {pkg} is not in bookworm")
            continue
        seen_debs.add(pkg)
        download([pkg])
        deb = deb_path(pkg)
        if not deb:
            skipped.append(f"{project}: apt-get download {pkg} failed")
            continue
        try:
            wheel, name, version, tag, meta, links_out = repack(deb, project, debs_to_projects)
        except (ValueError, subprocess.CalledProcessError, OSError, UnicodeDecodeError) as err:
            skipped.append(f"{project} ({pkg}): {err}")
            continue
        chosen.append(
            {
                "file": os.path.relpath(wheel, HERE),
                "package": project,
                "version": version,
                "ecosystem": "pypi",
                "label": "benign",
                "sha256": sha256_file(wheel),
                "rank": rank,
                "why": f"top PyPI project (rank {rank}) with a Debian bookworm package ({pkg}, via dh-python's table)",
                "source": {
                    "deb": os.path.basename(deb),
                    "deb_sha256": sha256_file(deb),
                    "metadata": meta,
                    "tag": tag,
                    **({"links_left_out": len(links_out)} if links_out else {}),
                },
            }
        )
        print(f"  {len(chosen):3d}  rank {rank:5d}  {project} {version}  <- {os.path.basename(deb)}")
    with open(OUT, "w") as f:
        json.dump(chosen, f, indent=1)
        f.write("\n")
    print(f"wrote {len(chosen)} wheels to {os.path.relpath(WHEELS, ROOT)} and the list to {os.path.relpath(OUT, ROOT)}")
    print(f"left out ({len(skipped)}):")
    for s in skipped:
        print(f"  {s}")
    return 0 if len(chosen) >= args.count else 1


if __name__ == "__main__":
    sys.exit(main())
