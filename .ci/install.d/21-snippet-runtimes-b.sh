#!/usr/bin/env bash
# Runtimes for the second half of the snippet targets' round trips (tests/snippets/runners):
#   java_httpclient / java_okhttp: a JDK (javac + java 11+); OkHttp 4.12 jars in ~/.m2 (shipped with the image:
#   Maven Central is not reachable from CI, so when they are absent the java_okhttp round trip skips with a reason);
#   ruby_native, php_curl, c_libcurl: ruby, php-cli + php-curl, gcc + libcurl4-openssl-dev (00-debian.sh).
#   swift_nsurlsession: Debian has no Swift toolchain; its tests are structural.
set -euo pipefail
if ! command -v javac >/dev/null; then
  echo "apt-get install openjdk-17-jdk-headless"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
fi
m2="${HOME}/.m2/repository"
for jar in com/squareup/okhttp3/okhttp/4.12.0/okhttp-4.12.0.jar com/squareup/okio/okio-jvm/3.6.0/okio-jvm-3.6.0.jar \
  org/jetbrains/kotlin/kotlin-stdlib/1.8.21/kotlin-stdlib-1.8.21.jar; do
  [ -f "$m2/$jar" ] || echo "note: $m2/$jar is missing: the java_okhttp round trip will be skipped"
done
