#!/usr/bin/env bash
# Builds framewise's base image from Debian packages, as a Docker-archive tarball that Jib takes as its base
# (tar://...): no registry is needed, so the image builds on a machine that reaches only Debian's and Maven's
# repositories. Debian bookworm with openjdk-17-jre-headless and ca-certificates, made by mmdebstrap, without docs,
# man pages and locales, with a non-root user framewise (uid and gid 10001) who owns /var/lib/framewise
# (Kafka Streams' state directory). Its command is bash, as Debian's own images': the container tests give it to
# Testcontainers as its "tiny image" for the checks it runs (which would otherwise pull alpine from Docker Hub).
#
#   build-base-image.sh OUTPUT.tar
#
# Needs mmdebstrap (Debian package) and root, or mmdebstrap's unshare mode. The result is cached under
# ${FRAMEWISE_CACHE:-~/.cache/framewise}/base-images, keyed by this script's contents, so that the tarball is made
# once per machine (about 30 s and 110 MB of downloads) and not on every build.
set -euo pipefail

out="$1"
suite=bookworm
mirror="${FRAMEWISE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
key="$(sha256sum "$0" | cut -c1-16)"
cache="${FRAMEWISE_CACHE:-$HOME/.cache/framewise}/base-images"
cached="$cache/framewise-base-$suite-$key.tar"

mkdir -p "$(dirname "$out")"
if [ -s "$cached" ]; then
  cp "$cached" "$out"
  echo "base image: $out (cached: $cached)"
  exit 0
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
  echo "error: mmdebstrap is not installed; it builds the image's Debian base. Fix: apt-get install mmdebstrap" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "base image: building Debian $suite + openjdk-17-jre-headless with mmdebstrap (about 30 s)"
# Fixed timestamps make the same package versions give the same layer.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1735689600}"
mmdebstrap --quiet --variant=essential \
  --include=openjdk-17-jre-headless,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='echo "framewise:x:10001:10001:framewise:/home/framewise:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "framewise:x:10001:" >> "$1/etc/group"' \
  --customize-hook='mkdir -p "$1/home/framewise" "$1/var/lib/framewise/state" && chown -R 10001:10001 "$1/home/framewise" "$1/var/lib/framewise"' \
  --customize-hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists" "$1/var/log"/*' \
  "$suite" "$work/layer.tar" "$mirror"

# A Docker archive (what `docker save` writes): one layer, its config, and a manifest naming both.
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mkdir -p "$work/image/$layer_sha"
mv "$work/layer.tar" "$work/image/$layer_sha/layer.tar"
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8",
                  "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"],"User":"10001:10001","WorkingDir":"/home/framewise",
            "Cmd":["/bin/bash"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$layer_sha"]},
 "history":[{"created_by":"mmdebstrap --variant=essential $suite + openjdk-17-jre-headless ca-certificates (deploy/image/build-base-image.sh)"}]}
JSON
config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$work/image/$config_sha.json"
printf '[{"Config":"%s.json","RepoTags":["localhost/framewise-base:%s"],"Layers":["%s/layer.tar"]}]\n' \
  "$config_sha" "$suite" "$layer_sha" > "$work/image/manifest.json"
(cd "$work/image" && tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 -cf "$work/base.tar" -- *)
mkdir -p "$cache"
mv "$work/base.tar" "$cached"
cp "$cached" "$out"
echo "base image: $out ($(du -m "$out" | cut -f1) MB; cached as $cached)"
