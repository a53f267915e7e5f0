#!/usr/bin/env python3
"""Counts CloudTrail records whose userIdentity.type is "Root": the plain json + gzip loop a
user would write. usage: count_root.py DIR (prints the count on stdout)."""
import gzip
import json
import os
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: count_root.py DIR", file=sys.stderr)
        return 2
    n = 0
    for root, dirs, files in os.walk(sys.argv[1]):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".json.gz"):
                continue
            with gzip.open(os.path.join(root, name), "rb") as f:
                doc = json.load(f)
            for rec in doc.get("Records", []):
                if (rec.get("userIdentity") or {}).get("type") == "Root":
                    n += 1
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
