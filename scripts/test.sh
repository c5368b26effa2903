#!/usr/bin/env bash
# Runs every test of the robot: unit tests, system tests over the embedded broker and a real
# Mosquitto, and the package tests (the .deb built once here by scripts/package.sh). Installs what the tests need (Debian packages) when missing, starts Mosquitto on a
# free loopback port for the system tests, stops it by its PID, and ends with one plain line:
#   N passed, N failed, N skipped
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Safety]
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

# ---- what the tests need -------------------------------------------------------------------
# The package tests (tests/Robot.PackageTests) build the .deb files with Native AOT: clang links
# (and llvm-objcopy strips) both; the arm64 link also needs the aarch64 cross toolchain's C runtime
# (gcc-aarch64-linux-gnu) and, as the Native AOT prerequisites list them, zlib1g-dev for the target
# (zlib1g-dev:arm64 also brings libc6-dev:arm64). They run the arm64 host under qemu-aarch64-static
# with the arm64 C libraries (multiarch). The browser tests need a CJK font (fonts-wqy-microhei), or the
# Simplified Chinese page renders as empty boxes in their screenshots.
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64 || { echo "could not add the arm64 architecture" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
need_pkgs=()
for pkg in mosquitto mosquitto-clients socat chromium qemu-user-static libssl3:arm64 libicu72:arm64 libstdc++6:arm64 zlib1g:arm64 \
    clang llvm binutils gcc-aarch64-linux-gnu zlib1g-dev zlib1g-dev:arm64 fonts-wqy-microhei; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "installing: ${need_pkgs[*]}"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null \
    || { echo "could not install ${need_pkgs[*]}: the Mosquitto system tests, the browser tests and the package tests cannot run" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] || { echo "mosquitto not found after install" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

# ---- Mosquitto on a free loopback port, stopped by PID on exit -------------------------------
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}
PORT=$(free_port) || { echo "no free port" >&2; exit 1; }
CONF="$RESULTS/mosquitto.conf"
# Mosquitto started as root drops to its own user, which cannot write here: log to stderr instead.
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\n' "$PORT" > "$CONF"
"$MOSQUITTO" -c "$CONF" 2> "$RESULTS/mosquitto.log" &
MOSQUITTO_PID=$!
cleanup() { kill "$MOSQUITTO_PID" 2>/dev/null; wait "$MOSQUITTO_PID" 2>/dev/null; }
trap cleanup EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || { echo "mosquitto did not start on port $PORT" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
export ROBOT_TEST_MOSQUITTO_URL="mqtt://127.0.0.1:$PORT"
echo "mosquitto pid $MOSQUITTO_PID on $ROBOT_TEST_MOSQUITTO_URL"

# ---- build once, then test every project -----------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build Robot.sln -c Debug -v quiet -nologo > "$RESULTS/build.log" 2>&1; then
  grep -E "error|warn" "$RESULTS/build.log" | sort -u | head -40
  echo "build failed (see $RESULTS/build.log)" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
# The Debian packages, built once for the package tests (Native AOT, both architectures in parallel;
# gzip: xz only costs time here). Prints how long it took: the largest step of this script.
package_started=$(date +%s)
if ! DEB_COMPRESSION=gzip scripts/package.sh --arch both > "$RESULTS/package.log" 2>&1; then
  tail -20 "$RESULTS/package.log"
  echo "package build failed (see $RESULTS/package.log)" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
echo "packages built in $(( $(date +%s) - package_started )) s (scripts/package.sh --arch both)"
export ROBOT_TEST_PACKAGES_BUILT=1
projects=(tests/*/*.csproj)
dotnet test Robot.sln -c Debug --no-build --blame-hang-timeout 5m "$@" 2>&1 | tee "$RESULTS/test.log"
status=${PIPESTATUS[0]}

# ---- one plain closing line, summed over all test projects -----------------------------------
summary=$(grep -E '^(Passed|Failed)!' "$RESULTS/test.log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/')
failed=0; passed=0; skipped=0; reported=0
while read -r f p s; do
  [ -z "$f" ] && continue
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s)); reported=$((reported + 1))
done <<< "$summary"
if [ "$reported" -lt "${#projects[@]}" ] && [ $# -eq 0 ]; then
  echo "only $reported of ${#projects[@]} test projects reported results (a test host crashed?)" >&2
  failed=$((failed + ${#projects[@]} - reported))
fi
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
