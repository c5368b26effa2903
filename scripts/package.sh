#!/usr/bin/env bash
# Builds the robot-host Debian package(s): a Native AOT publish of src/Robot.Host (one native
# executable, no .NET runtime on the board: see docs/operations.md, "Why Native AOT"), the systemd
# unit, the default config (a conffile) and the maintainer scripts, into
# artifacts/robot-host_<version>_<arch>.deb, and the executable's debug symbols into
# artifacts/symbols/robot-host_<version>_<arch>.dbg (for reading a core dump; not shipped).
# Usage: scripts/package.sh [--arch arm64|amd64|both] [--jit]   (default: arm64, the robot's board)
#   --jit   the former self-contained JIT publish instead, into artifacts/jit/ (for comparisons only)
# Needs: the .NET SDK, dpkg-deb, clang and binutils; for arm64 also gcc-aarch64-linux-gnu and
# zlib1g-dev:arm64 (scripts/test.sh installs them). DEB_COMPRESSION=xz (default, smallest) or gzip (fast, the tests).
# Any AOT-compiler warning not reviewed in deploy/aot-reviewed-warnings.txt fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARCH=arm64
FLAVOUR=aot
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=${2:?--arch needs arm64, amd64 or both}; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    --jit) FLAVOUR=jit; shift ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (usage: scripts/package.sh [--arch arm64|amd64|both] [--jit])" >&2; exit 2 ;;
  esac
done
case "$ARCH" in
  both) ARCHES=(amd64 arm64) ;;
  arm64|amd64) ARCHES=("$ARCH") ;;
  *) echo "package.sh: --arch must be arm64, amd64 or both, not '$ARCH'" >&2; exit 2 ;;
esac
command -v dpkg-deb >/dev/null || { echo "package.sh: dpkg-deb not found (apt-get install dpkg-dev)" >&2; exit 1; }
if [ "$FLAVOUR" = aot ]; then
  for tool in clang objdump; do
    command -v "$tool" >/dev/null || { echo "package.sh: $tool not found (Native AOT links with clang: apt-get install clang)" >&2; exit 1; }
  done
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
[ -n "$VERSION" ] || { echo "package.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
OUT="$ROOT/artifacts"; [ "$FLAVOUR" = jit ] && OUT="$ROOT/artifacts/jit"
mkdir -p "$OUT" "$ROOT/artifacts/symbols"
REVIEWED="$ROOT/deploy/aot-reviewed-warnings.txt"

# The AOT compiler's warnings in a publish log, one per line, as deploy/aot-reviewed-warnings.txt lists them.
ilc_warnings() {
  grep -E 'warning IL[0-9]{4}' "$1" | sed -E 's/^.*warning (IL[0-9]{4}: .*) \[[^]]*\]$/\1/; s/^.*warning (IL[0-9]{4}: .*)$/\1/' | sort -u
}

rid_of() { case "$1" in amd64) echo linux-x64 ;; arm64) echo linux-arm64 ;; esac; }

# Publish one architecture into its staging folder (the package's /usr/lib/robot-host).
publish() {
  local arch=$1 rid stage log
  rid=$(rid_of "$arch"); stage="$ROOT/artifacts/pkg/$FLAVOUR-$arch"; log="$ROOT/artifacts/publish-$FLAVOUR-$arch.log"
  local started; started=$(date +%s)
  if [ "$FLAVOUR" = aot ]; then
    dotnet publish src/Robot.Host/Robot.Host.csproj -c Release -r "$rid" "${PUBLISH_ARGS[@]}" -nologo -v minimal \
      -p:GenerateDocumentationFile=false -o "$stage/usr/lib/robot-host" >"$log" 2>&1 || return 1
  else
    dotnet publish src/Robot.Host/Robot.Host.csproj -c Release -r "$rid" --self-contained -p:PublishAot=false "${PUBLISH_ARGS[@]}" -nologo -v minimal \
      -p:DebugType=none -p:GenerateDocumentationFile=false -o "$stage/usr/lib/robot-host" >"$log" 2>&1 || return 1
  fi
  echo "published $rid ($FLAVOUR) in $(( $(date +%s) - started )) s"
}

for arch in "${ARCHES[@]}"; do
  stage="$ROOT/artifacts/pkg/$FLAVOUR-$arch"
  rm -rf "$stage" && mkdir -p "$stage/DEBIAN" "$stage/usr/lib/robot-host" "$stage/usr/bin" "$stage/etc/robot-host" \
    "$stage/lib/systemd/system" "$stage/usr/share/doc/robot-host"
done
PUBLISH_ARGS=()
if [ ${#ARCHES[@]} -gt 1 ] && [ "$FLAVOUR" = aot ]; then
  # Both architectures at once (the AOT compiler and the linker of one overlap the other's: about
  # half the time on 2 cores). Restore and compile the shared projects once first, so the two
  # publishes do not write the same files.
  echo "publishing robot-host $VERSION for ${ARCHES[*]} ($FLAVOUR, in parallel)"
  rids=$(for a in "${ARCHES[@]}"; do rid_of "$a"; done | paste -sd';')
  dotnet restore src/Robot.Host/Robot.Host.csproj -p:RuntimeIdentifiers="\"$rids\"" -nologo -v quiet >"$ROOT/artifacts/publish-restore.log" 2>&1 \
    && dotnet build src/Robot.Host/Robot.Host.csproj -c Release --no-restore -nologo -v quiet >>"$ROOT/artifacts/publish-restore.log" 2>&1 \
    || { grep -E "error|warn" "$ROOT/artifacts/publish-restore.log" | sort -u | head -20; echo "package.sh: restore/build failed (see artifacts/publish-restore.log)" >&2; exit 1; }
  PUBLISH_ARGS=(--no-restore --no-dependencies)
  pids=()
  for arch in "${ARCHES[@]}"; do publish "$arch" & pids+=($!); done
  failed=0
  for i in "${!ARCHES[@]}"; do wait "${pids[$i]}" || { failed=1; echo "package.sh: publish failed for ${ARCHES[$i]} (see artifacts/publish-$FLAVOUR-${ARCHES[$i]}.log)" >&2; }; done
  [ "$failed" -eq 0 ] || { for a in "${ARCHES[@]}"; do grep -E "error" "$ROOT/artifacts/publish-$FLAVOUR-$a.log" | sort -u | head -10; done; exit 1; }
else
  for arch in "${ARCHES[@]}"; do
    echo "publishing robot-host $VERSION for $(rid_of "$arch") ($FLAVOUR)"
    publish "$arch" || { grep -E "error|warn" "$ROOT/artifacts/publish-$FLAVOUR-$arch.log" | sort -u | head -20; echo "package.sh: publish failed (see artifacts/publish-$FLAVOUR-$arch.log)" >&2; exit 1; }
  done
fi

for arch in "${ARCHES[@]}"; do
  stage="$ROOT/artifacts/pkg/$FLAVOUR-$arch"
  deb="$OUT/robot-host_${VERSION}_${arch}.deb"
  log="$ROOT/artifacts/publish-$FLAVOUR-$arch.log"
  if [ "$FLAVOUR" = aot ]; then
    unreviewed=$(comm -23 <(ilc_warnings "$log") <(grep -v -e '^#' -e '^[[:space:]]*$' "$REVIEWED" | sort -u))
    if [ -n "$unreviewed" ]; then
      echo "package.sh: the AOT compiler warned about code that was not reviewed ($arch; deploy/aot-reviewed-warnings.txt says how):" >&2
      echo "$unreviewed" >&2
      exit 1
    fi
    # Symbols stay with the build (artifacts/symbols), not on the board.
    mv "$stage/usr/lib/robot-host/robot-host.dbg" "$ROOT/artifacts/symbols/robot-host_${VERSION}_${arch}.dbg"
    rm -f "$stage/usr/lib/robot-host/"*.pdb "$stage/usr/lib/robot-host/"*.dbg
    # The executable needs only glibc (and libssl, loaded when the broker link uses TLS).
    glibc=$(objdump -T "$stage/usr/lib/robot-host/robot-host" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
    depends="libc6 (>= $glibc), libssl3, adduser, passwd"
  else
    depends="libc6 (>= 2.31), libgcc-s1, libstdc++6, zlib1g, libssl3 | libssl1.1, adduser, passwd"
  fi
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
Depends: $depends
Recommends: libgpiod2
Description: host software of the port-customs radiation inspection robot
 The robot's service on its Linux board: safety supervisor, motion, the VDA 5050 link,
 the measurement procedure and the inspection records. Runs as the systemd service
 robot-host (user robot); config in /etc/robot-host, records in /var/lib/robot-host.
CONTROL
  dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$stage" "$deb" >/dev/null
  echo "built $deb ($(du -h "$deb" | cut -f1))"
done
