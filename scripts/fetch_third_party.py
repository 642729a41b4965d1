#!/usr/bin/env python3
"""Fetch the third-party data listed in scripts/third-party.tsv into DEST.

usage: fetch_third_party.py MANIFEST DEST [MIRROR]

Each line of MANIFEST is `PATH<TAB>SHA256<TAB>URL`. For each file:
  1. DEST/PATH already has that sha256: kept;
  2. else MIRROR/schemas/PATH exists: copied, and must have that sha256;
  3. else URL is downloaded, and must have that sha256.
Every file is looked at before anything fails, so one run names everything that is
missing. Once a download fails for want of a network (not an HTTP error), no other
download is tried: the answer would be the same. Standard library only: it runs
before any validator is installed. Exit 0 when every file is in DEST, else 1.
"""

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 30


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 3 or len(fields[1]) != 64:
                sys.exit(f"fetch: {path}:{number}: expected PATH<TAB>SHA256<TAB>URL, got {line!r}")
            rel = fields[0]
            if rel.startswith("/") or ".." in rel.split("/"):
                sys.exit(f"fetch: {path}:{number}: {rel!r} must be a relative path inside DEST")
            entries.append(tuple(fields))
    return entries


def place(tmp, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def copy_verified(source, sha, target):
    """Copy SOURCE to TARGET if its sha256 is SHA; return an error text or None."""
    got = sha256(source)
    if got != sha:
        return f"{source} has sha256 {got}, expected {sha}"
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".fetch-")
    os.close(fd)
    shutil.copyfile(source, tmp)
    place(tmp, target)
    return None


def download(url, sha, target):
    """Download URL to TARGET; return (error text or None, whether the network is down)."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".fetch-")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            shutil.copyfileobj(response, out)
    except urllib.error.HTTPError as e:
        os.unlink(tmp)
        return f"{url}: HTTP {e.code}", False
    except (urllib.error.URLError, OSError) as e:
        os.unlink(tmp)
        return f"{url}: {getattr(e, 'reason', e)}", True
    got = sha256(tmp)
    if got != sha:
        os.unlink(tmp)
        return f"{url} has sha256 {got}, expected {sha}", False
    place(tmp, target)
    return None, False


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    entries = manifest(sys.argv[1])
    dest = sys.argv[2]
    mirror = sys.argv[3] if len(sys.argv) == 4 and sys.argv[3] else None
    if mirror and not os.path.isdir(os.path.join(mirror, "schemas")):
        print(f"fetch: mirror {mirror} has no schemas/ folder; downloading instead", file=sys.stderr)
        mirror = None
    offline = False
    missing, counts = [], {"kept": 0, "mirror": 0, "downloaded": 0}
    for rel, sha, url in entries:
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.isfile(target) and sha256(target) == sha:
            counts["kept"] += 1
            continue
        mirrored = os.path.join(mirror, "schemas", rel) if mirror else None
        if mirrored and os.path.isfile(mirrored):
            error = copy_verified(mirrored, sha, target)
            if error is None:
                counts["mirror"] += 1
            else:
                missing.append((rel, url, error))
            continue
        if offline:
            missing.append((rel, url, "not downloaded: no network"))
            continue
        error, offline = download(url, sha, target)
        if error is None:
            counts["downloaded"] += 1
        else:
            missing.append((rel, url, error))
    summary = ", ".join(f"{n} {how}" for how, n in counts.items() if n)
    if missing:
        print(f"fetch: FAILED: {len(missing)} of {len(entries)} third-party files are missing ({summary or 'none present'}):",
              file=sys.stderr)
        for rel, url, why in missing:
            print(f"  {rel}\n      from {url}\n      {why}", file=sys.stderr)
        where = mirror or "(none: INCEPTION_MIRROR names no folder with schemas/)"
        print(f"fetch: connect to the network, or set INCEPTION_MIRROR to a folder holding schemas/PATH "
              f"for each file above (mirror now: {where})", file=sys.stderr)
        return 1
    print(f"fetch: {len(entries)} third-party files in {dest} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
