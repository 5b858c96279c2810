"""Prints packaging's (PyPA) order of every pair of the versions on standard input, as JSON [[a, b, sign], ...]."""
import json
import sys

from packaging.version import Version

versions = [line.strip() for line in sys.stdin if line.strip()]
pairs = []
for a in versions:
    for b in versions:
        x, y = Version(a), Version(b)
        pairs.append([a, b, (x > y) - (x < y)])
print(json.dumps(pairs, indent=0))
