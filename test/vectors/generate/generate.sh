#!/bin/sh
# Regenerates the version-order vectors from each ecosystem's own tools:
# Maven's ComparableVersion and PyPA's packaging.
#
# Maven changed the order of release qualifiers (`1-ga` against
# `1.abc.2`, MNG-7714) and Debian 12 ships 3.8.7, so the vectors come from
# the current ComparableVersion.java, compiled here: set MAVEN_SRC to it
# (apache/maven, compat/maven-artifact/src/main/java/org/apache/maven/
# artifact/versioning/ComparableVersion.java; test/vulns/vectors/maven/
# SOURCE.md names the commit used). Without it, Debian's jar is used.
# The RubyGems and Composer vectors are upstream test cases (see their files).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar=/usr/share/maven/lib/maven-artifact-3.x.jar
if [ -n "${MAVEN_SRC:-}" ]; then
  javac -d "$work" "$MAVEN_SRC" "$here/MavenOrder.java"
  java -cp "$work" MavenOrder < "$here/maven-versions.txt" > "$out/maven.json"
else
  javac -cp "$jar" -d "$work" "$here/MavenOrder.java"
  java -cp "$jar:$work" MavenOrder < "$here/maven-versions.txt" > "$out/maven.json"
fi
python3 "$here/PythonOrder.py" < "$here/python-versions.txt" > "$out/pypi.json"
echo "wrote $out/maven.json and $out/pypi.json"
