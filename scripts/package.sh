#!/usr/bin/env bash
# Builds the robot-host Debian package(s): a self-contained publish of src/Robot.Host (JIT, not
# Native AOT: see docs/operations.md, "Why JIT"), the systemd unit, the default config (a conffile)
# and the maintainer scripts, into artifacts/robot-host_<version>_<arch>.deb.
# Usage: scripts/package.sh [--arch arm64|amd64|both]   (default: arm64, the robot's board)
# DEB_COMPRESSION=xz (default, smallest, about 85 s on 2 cores) or gzip (fast, for the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARCH=arm64
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=${2:?--arch needs arm64, amd64 or both}; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (usage: scripts/package.sh [--arch arm64|amd64|both])" >&2; exit 2 ;;
  esac
done
case "$ARCH" in
  both) ARCHES=(amd64 arm64) ;;
  arm64|amd64) ARCHES=("$ARCH") ;;
  *) echo "package.sh: --arch must be arm64, amd64 or both, not '$ARCH'" >&2; exit 2 ;;
esac
command -v dpkg-deb >/dev/null || { echo "package.sh: dpkg-deb not found (apt-get install dpkg-dev)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
[ -n "$VERSION" ] || { echo "package.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
mkdir -p artifacts

for arch in "${ARCHES[@]}"; do
  case "$arch" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; esac
  stage="$ROOT/artifacts/pkg/$arch"
  deb="$ROOT/artifacts/robot-host_${VERSION}_${arch}.deb"
  rm -rf "$stage" && mkdir -p "$stage/DEBIAN" "$stage/usr/lib/robot-host" "$stage/usr/bin" "$stage/etc/robot-host" \
    "$stage/lib/systemd/system" "$stage/usr/share/doc/robot-host"
  echo "publishing robot-host $VERSION for $rid (self-contained)"
  dotnet publish src/Robot.Host/Robot.Host.csproj -c Release -r "$rid" --self-contained -nologo -v quiet \
    -p:DebugType=none -p:GenerateDocumentationFile=false -o "$stage/usr/lib/robot-host" >"$ROOT/artifacts/publish-$arch.log" 2>&1 \
    || { grep -E "error|warn" "$ROOT/artifacts/publish-$arch.log" | sort -u | head -20; echo "package.sh: publish failed for $rid" >&2; exit 1; }
  # The config comes from /etc, not from beside the binary.
  rm -f "$stage/usr/lib/robot-host/appsettings.json" "$stage/usr/lib/robot-host/appsettings."*.json
  install -m 0755 deploy/robot-host.sh "$stage/usr/bin/robot-host"
  install -m 0640 deploy/appsettings.json "$stage/etc/robot-host/appsettings.json"
  install -m 0644 deploy/robot-host.service "$stage/lib/systemd/system/robot-host.service"
  install -m 0644 docs/operations.md "$stage/usr/share/doc/robot-host/operations.md" 2>/dev/null || true
  install -m 0644 deploy/debian/conffiles "$stage/DEBIAN/conffiles"
  for s in postinst prerm postrm; do install -m 0755 "deploy/debian/$s" "$stage/DEBIAN/$s"; done
  find "$stage/usr/lib/robot-host" -type d -exec chmod 0755 {} +
  find "$stage/usr/lib/robot-host" -type f -exec chmod 0644 {} +
  chmod 0755 "$stage/usr/lib/robot-host/robot-host"
  size_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  cat > "$stage/DEBIAN/control" <<CONTROL
Package: robot-host
Version: $VERSION
Architecture: $arch
Maintainer: Port customs robotics <robotics@example.invalid>
Section: misc
Priority: optional
Installed-Size: $size_kb
Depends: libc6 (>= 2.31), libgcc-s1, libstdc++6, zlib1g, libssl3 | libssl1.1, adduser, passwd
Recommends: libgpiod2
Description: host software of the port-customs radiation inspection robot
 The robot's service on its Linux board: safety supervisor, motion, the VDA 5050 link,
 the measurement procedure and the inspection records. Runs as the systemd service
 robot-host (user robot); config in /etc/robot-host, records in /var/lib/robot-host.
CONTROL
  dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$stage" "$deb" >/dev/null
  echo "built $deb ($(du -h "$deb" | cut -f1))"
done
