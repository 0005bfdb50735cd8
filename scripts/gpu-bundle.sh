#!/usr/bin/env bash
# Builds dist/: a jlink'd JRE, the runnable jar (cubins inside) and bin/dsabench, for a GPU machine
# that has a driver but no Java. Usage: scripts/gpu-bundle.sh DIR. Budget: 60 MB, so that it
# travels with a device call; the cli pom's shade filters already drop what the jar never loads.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
jar=cli/target/dsabench.jar
[ -f "$jar" ] || { echo "gpu-bundle: $jar missing; run 'make build'" >&2; exit 2; }
jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
rm -rf "$dist"
mkdir -p "$dist/bin" "$dist/lib"
# Modules the jar needs (jdeps over a fat jar misses reflective uses; this list ran on an H200).
# java.desktop stays for java.beans (Jackson, SnakeYAML); its AWT/font/image/sound natives go:
# nothing here draws, and they are 4 MB.
"$jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported,java.naming,java.sql,jdk.management,java.net.http,java.xml,jdk.crypto.ec,java.desktop,jdk.httpserver,jdk.attach \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  '--exclude-files=**/libawt*.so,**/libmlib_image.so,**/libfontmanager.so,**/liblcms.so,**/libjavajpeg.so,**/libsplashscreen.so,**/libjsound.so' \
  --output "$dist/jre"
# The JDK's libjvm.so keeps its symbol table (4 MB); the JVM never needs it.
if command -v strip >/dev/null; then
  strip --strip-unneeded "$dist/jre/lib/server/libjvm.so" || echo "gpu-bundle: strip failed; keeping libjvm.so as is"
fi
cp "$jar" "$dist/lib/dsabench.jar"
cp bin/dsabench "$dist/bin/dsabench"
# The reference runner (also inside the jar, which `dsabench reference` extracts) beside the script
# that builds FlashMLA for it from a checkout the user brings.
cp harness/src/main/resources/io/dsabench/harness/reference/dsabench_reference.py "$dist/lib/"
cp scripts/build-references.sh "$dist/bin/"
# The published runs, so that `bin/dsabench bench` run from dist/ compares against the one for its GPU.
for published in reports/published/*/results.json reports/published/*/reference.json; do
  [ -e "$published" ] || continue
  mkdir -p "$dist/$(dirname "$published")"
  cp "$published" "$dist/$published"
done
git rev-parse HEAD >"$dist/COMMIT" 2>/dev/null || echo unknown >"$dist/COMMIT"
size=$(du -sm "$dist" | cut -f1)
echo "gpu-bundle: $dist is ${size} MB"
if [ "$size" -gt 60 ]; then
  echo "gpu-bundle: $dist is over the 60 MB budget" >&2
  exit 1
fi
