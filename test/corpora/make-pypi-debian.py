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

Shared libraries: a Debian extension module links the system's libraries (numpy's libblas.so.3), which a
PyPI manylinux wheel carries itself (auditwheel's `<dist>.libs/`). Each library an extension needs that the
sandbox image lacks (asked once of the image: `dpkg-query`, `ldconfig -p`; no package code) is taken from
the `.deb`s of the package's `lib*` dependencies, copied into `<dist>.libs/` of the wheel, and the
extensions' RUNPATH pointed at it with patchelf (host tool: `apt-get install patchelf`).

Dependencies: every unconditional `Requires-Dist` of a chosen wheel that no chosen wheel provides is made
the same way (and theirs), into the same folder but not into the list: the folder is the dependency mirror
that `--pypi-wheels` serves; what they are is written to test/corpora/pypi-debian-dependencies.json.

Usage: python3 test/corpora/make-pypi-debian.py [--count 340] [--image airlock/sandbox-npm:latest]
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
DEPS_OUT = os.path.join(HERE, "pypi-debian-dependencies.json")
LIBS = os.path.join(CACHE, "debs-libs")  # unpacked lib*.debs, for vendoring
VENDOR_MAX_BYTES = 256 << 20
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


def deb_depends(deb):
    """First alternative of each `Depends` group of a .deb, without versions or architecture."""
    depends = run(["dpkg-deb", "-f", deb, "Depends"])
    return [g.split("|")[0].strip().split(" ")[0].split(":")[0] for g in depends.split(",") if g.strip()]


def debian_requirements(deb, debs_to_projects, own):
    """Projects this `.deb` depends on, by Debian's own `Depends` (python3-* packages mapped back through
    dh-python's table; the first alternative of each group). Debian often drops `install_requires` from the
    metadata it ships (its dependencies live in the package), so these are what the project needs."""
    out = []
    for name in deb_depends(deb):
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


def needed(path):
    """DT_NEEDED sonames of an ELF file ([] for anything else)."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


class Vendor:
    """Shared libraries a Debian extension module needs and the sandbox image lacks, from the `.deb`s of the
    package's `lib*` dependencies (transitively, stopping at packages the image has)."""

    def __init__(self, image):
        out = run(["docker", "run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c",
                   "dpkg-query -W -f='${Package}\\n'; echo ---; ldconfig -p"])
        pkgs, _, ld = out.partition("---")
        self.image_packages = set(pkgs.split())
        self.image_sonames = {line.split()[0] for line in ld.splitlines() if "=>" in line}
        self.index = {}  # soname (file name) -> unpacked file
        self.depends = {}  # lib package -> its Depends, once unpacked
        print(f"image {image}: {len(self.image_packages)} packages, {len(self.image_sonames)} sonames")

    def _unpack(self, pkg):
        """Adds a lib package's shared objects to the index; returns its Depends."""
        download([pkg])
        deb = deb_path(pkg)
        if not deb:
            return []
        dest = os.path.join(LIBS, pkg)
        if not os.path.isdir(dest):
            os.makedirs(LIBS, exist_ok=True)
            shutil.rmtree(dest + ".tmp", ignore_errors=True)
            run(["dpkg-deb", "-x", deb, dest + ".tmp"])
            os.rename(dest + ".tmp", dest)
        for dirpath, _, filenames in os.walk(dest):
            for fn in filenames:
                path = os.path.join(dirpath, fn)
                if ".so" in fn and os.path.isfile(path) and "/usr/share/" not in path:
                    self.index.setdefault(fn, os.path.realpath(path))
        return deb_depends(deb)

    def _visit(self, pkg):
        """A lib package's Depends once it is unpacked; [] for what the image has or is no shared library."""
        if pkg in self.image_packages or not pkg.startswith("lib") or pkg.startswith("libjs-"):
            return []
        if pkg.endswith(("-dev", "-data", "-common", "-doc", "-bin")):
            return []
        if pkg not in self.depends:
            self.depends[pkg] = self._unpack(pkg)
        return self.depends[pkg]

    def libraries(self, deb, elf_paths):
        """({soname: file} to vendor, [sonames found nowhere]). The package's dependency tree is unpacked
        breadth first only as far as it takes to find what is needed (a GUI toolkit's tree is hundreds)."""
        pending = [n for p in elf_paths for n in needed(p) if n not in self.image_sonames]
        queue, seen = deb_depends(deb), set()
        chosen, missing = {}, []
        while pending:
            name = pending.pop()
            if name in chosen or name in missing or name in self.image_sonames:
                continue
            while name not in self.index and queue:
                pkg = queue.pop(0)
                if pkg not in seen:
                    seen.add(pkg)
                    queue += self._visit(pkg)
            path = self.index.get(name)
            if not path:
                missing.append(name)
                continue
            chosen[name] = path
            pending += needed(path)
        return chosen, sorted(missing)


def vendored(files, dist, libs, work):
    """Copies `libs` into `<dist>.libs/` and points every ELF file of the wheel at it (RUNPATH, as auditwheel).
    Each copy keeps its source's mtime after patchelf, so a rerun makes the same bytes."""
    libdir = f"{dist}.libs"
    patched = os.path.join(work, "airlock-vendored")

    def place(src, arc, rpath):
        dest = os.path.join(patched, arc)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(src, dest)
        os.chmod(dest, 0o755)
        if needed(dest) or rpath == "$ORIGIN":
            run(["patchelf", "--set-rpath", rpath, dest])
        mtime = os.stat(src).st_mtime
        os.utime(dest, (mtime, mtime))
        files[arc] = dest

    for arc in [a for a in files if ".so" in os.path.basename(a) and not isinstance(files[a], bytes)]:
        place(files[arc], arc, f"$ORIGIN/{os.path.relpath(libdir, os.path.dirname(arc) or '.')}")
    for soname, src in libs.items():
        place(src, f"{libdir}/{soname}", "$ORIGIN")


# Rule 7: top PyPI projects that Debian ships only as a sibling distribution built from the same source with
# its top-level package renamed. Each is made from the sibling's .deb with the package renamed back, as the
# upstream build makes both: project -> (Debian package, the sibling project it carries, its package, ours).
RENAMED_SIBLINGS = {"pycryptodome": ("python3-pycryptodome", "pycryptodomex", "Cryptodome", "Crypto")}


def renamed(files, package_from, package_to):
    """The sibling's files as the project's: its top-level package folder renamed, and the name in the
    package's Python sources (imports, its own module-path checks) replaced."""
    out = {}
    for arc, src in files.items():
        top, _, rest = arc.partition("/")
        if top != package_from:
            out[arc] = src
            continue
        data = src if isinstance(src, bytes) else open(src, "rb").read()
        if arc.endswith((".py", ".pyi")):
            data = data.replace(package_from.encode(), package_to.encode())
        out[f"{package_to}/{rest}"] = data
    return out


def repack(deb, project, debs_to_projects, vendor=None, sibling=None):
    """The wheel's path and its metadata, or raises ValueError with the reason it cannot be made.
    `sibling`: (Debian package, sibling project, its package, ours) of RENAMED_SIBLINGS."""
    made_as = project
    if sibling:
        project = normalize(sibling[1])
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
        if sibling:
            name = made_as
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
        libs, libs_missing, libs_out = {}, [], None
        if has_binary and vendor:
            # Vendoring never decides whether a project is in the list (the rule does): a failure is recorded.
            try:
                libs, libs_missing = vendor.libraries(deb, [files[a] for a in files if a.endswith(".so")])
            except (subprocess.CalledProcessError, OSError) as err:
                libs_out = f"vendoring failed: {err}"
            size = sum(os.path.getsize(p) for p in libs.values())
            if size > VENDOR_MAX_BYTES:
                libs_out, libs = f"{len(libs)} libraries, {size >> 20} MiB: over {VENDOR_MAX_BYTES >> 20} MiB", {}
            if libs:
                vendored(files, dist, libs, work)
        if sibling:
            files = renamed(files, sibling[2], sibling[3])
        # Metadata: the project's own, moved into a .dist-info (PKG-INFO is METADATA's older name).
        with open(meta_file, "rb") as f:
            metadata = with_requires_dist(f.read(), meta, debian_requirements(deb, debs_to_projects, project))
        if sibling:
            metadata = re.sub(rb"(?m)^Name: .*$", f"Name: {made_as}".encode(), metadata, count=1)
        files[f"{info}/METADATA"] = metadata
        if os.path.isdir(meta):
            for extra in ("entry_points.txt", "top_level.txt", "LICENSE", "licenses"):
                p = os.path.join(meta, extra)
                if os.path.isfile(p):
                    files[f"{info}/{extra}"] = p
            if sibling and f"{info}/top_level.txt" in files:
                files[f"{info}/top_level.txt"] = f"{sibling[3]}\n".encode()
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
        made = {
            **({"links_left_out": len(links_out)} if links_out else {}),
            **({"vendored": sorted(libs)} if libs else {}),
            **({"libraries_missing": libs_missing} if libs_missing else {}),
            **({"libraries_left_out": libs_out} if libs_out else {}),
        }
        return wheel, name, version, tag, mine[0], made
    finally:
        shutil.rmtree(work)


def wheel_requirements(wheel):
    """Normalized names of a wheel's unconditional requirements."""
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return required_names(z.read(meta).partition(b"\n\n")[0])


def renamed_sibling_wheels(available, debs_to_projects, vendor):
    """Rule 7: the RENAMED_SIBLINGS wheels, into the dependency folder (packages install them at run time)."""
    out = []
    for project, sibling in sorted(RENAMED_SIBLINGS.items()):
        pkg = sibling[0]
        deb = None
        if pkg in available:
            download([pkg])
            deb = deb_path(pkg)
        if not deb:
            out.append({"package": project, "required_by": "rule 7 (renamed sibling)", "missing": f"{pkg}: not in bookworm"})
            continue
        wheel, name, version, tag, meta, made = repack(deb, project, debs_to_projects, vendor, sibling=sibling)
        out.append({"file": os.path.relpath(wheel, HERE), "package": project, "version": version, "sha256": sha256_file(wheel),
                    "required_by": f"rule 7: renamed from {sibling[1]} ({sibling[2]} -> {sibling[3]})",
                    "source": {"deb": os.path.basename(deb), "deb_sha256": sha256_file(deb), "metadata": meta, "tag": tag, **made}})
    return out


def dependency_wheels(chosen, table, available, debs_to_projects, vendor):
    """Wheels for what the chosen wheels require and none of them is (transitively), made the same way into
    the same folder: without them an import fails for a missing module and the sample measures nothing."""
    wheel_of = {normalize(e["package"]): os.path.join(HERE, e["file"]) for e in chosen}
    queue = [(req, e["package"]) for e in chosen for req in sorted(wheel_requirements(wheel_of[normalize(e["package"])]))]
    out, done = [], set(wheel_of)
    while queue:
        project, by = queue.pop(0)
        if project in done:
            continue
        done.add(project)
        pkg = table.get(project)
        deb = None
        if pkg and pkg in available:
            download([pkg])
            deb = deb_path(pkg)
        if not deb:
            out.append({"package": project, "required_by": by, "missing": f"no bookworm package ({pkg or 'not in dh-python table'})"})
            continue
        try:
            wheel, name, version, tag, meta, made = repack(deb, project, debs_to_projects, vendor)
        except (ValueError, subprocess.CalledProcessError, OSError, UnicodeDecodeError) as err:
            out.append({"package": project, "required_by": by, "missing": f"{pkg}: {err}"})
            continue
        out.append({"file": os.path.relpath(wheel, HERE), "package": project, "version": version, "sha256": sha256_file(wheel),
                    "required_by": by, "source": {"deb": os.path.basename(deb), "deb_sha256": sha256_file(deb), "metadata": meta, "tag": tag, **made}})
        queue += [(req, project) for req in sorted(wheel_requirements(wheel))]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=340)
    ap.add_argument("--image", default="airlock/sandbox-npm:latest", help="the sandbox image wheels are vendored against")
    args = ap.parse_args()
    if not shutil.which("patchelf"):
        sys.exit("patchelf is needed to vendor shared libraries: apt-get install patchelf")
    vendor = Vendor(args.image)
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
            wheel, name, version, tag, meta, made = repack(deb, project, debs_to_projects, vendor)
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
                    **made,
                },
            }
        )
        print(f"  {len(chosen):3d}  rank {rank:5d}  {project} {version}  <- {os.path.basename(deb)}")
    with open(OUT, "w") as f:
        json.dump(chosen, f, indent=1)
        f.write("\n")
    deps = dependency_wheels(chosen, table, available, debs_to_projects, vendor)
    deps += renamed_sibling_wheels(available, debs_to_projects, vendor)
    with open(DEPS_OUT, "w") as f:
        json.dump(deps, f, indent=1)
        f.write("\n")
    print(f"wrote {len(chosen)} wheels to {os.path.relpath(WHEELS, ROOT)} and the list to {os.path.relpath(OUT, ROOT)}")
    print(f"dependencies: {sum(1 for d in deps if 'file' in d)} more wheels, {sum(1 for d in deps if 'missing' in d)} not in Debian ({os.path.relpath(DEPS_OUT, ROOT)})")
    print(f"left out ({len(skipped)}):")
    for s in skipped:
        print(f"  {s}")
    return 0 if len(chosen) >= args.count else 1


if __name__ == "__main__":
    sys.exit(main())
