#!/bin/sh
# Regenerates the version-order vectors from each ecosystem's own tools:
# Maven's ComparableVersion (Debian's maven package) and PyPA's packaging.
# The RubyGems and Composer vectors are upstream test cases (see their files).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar=/usr/share/maven/lib/maven-artifact-3.x.jar
javac -cp "$jar" -d "$work" "$here/MavenOrder.java"
java -cp "$jar:$work" MavenOrder < "$here/maven-versions.txt" > "$out/maven.json"
python3 "$here/PythonOrder.py" < "$here/python-versions.txt" > "$out/pypi.json"
echo "wrote $out/maven.json and $out/pypi.json"
