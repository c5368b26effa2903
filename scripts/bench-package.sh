#!/usr/bin/env bash
# Measures the packaged host: package size, time from process start to ONLINE on the broker, and
# resident memory 5 s after ONLINE (idle, virtual drivers). arm64 runs under qemu-aarch64-static:
# its figures are relative only (emulation on x86, and qemu's own memory is in the RSS).
# Usage: scripts/bench-package.sh [amd64|arm64] [runs]   (needs artifacts/robot-host_<v>_<arch>.deb and mosquitto)
set -euo pipefail
cd "$(dirname "$0")/.."
ARCH=${1:-amd64}; RUNS=${2:-5}
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
DEB=artifacts/robot-host_${VERSION}_${ARCH}.deb
[ -f "$DEB" ] || { echo "no $DEB: run scripts/package.sh --arch $ARCH" >&2; exit 1; }
WORK=$(mktemp -d); trap 'kill $MPID 2>/dev/null; rm -rf "$WORK"' EXIT
dpkg-deb -x "$DEB" "$WORK/root"
PORT=$(( 20000 + RANDOM % 40000 ))
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$PORT" > "$WORK/m.conf"
mosquitto -c "$WORK/m.conf" >/dev/null 2>&1 & MPID=$!
sleep 0.5
RUNNER=(); [ "$ARCH" = arm64 ] && RUNNER=(qemu-aarch64-static)
echo "package: $DEB $(du -k "$DEB" | cut -f1) KiB, installed $(du -sk "$WORK/root" | cut -f1) KiB"
for i in $(seq 1 "$RUNS"); do
  SERIAL="BENCH-$i"
  printf '{"Robot":{"SerialNumber":"%s"},"Broker":{"Embedded":false},"Link":{"BrokerUri":"mqtt://127.0.0.1:%s"},"Hardware":{"Kind":"virtual"},"Records":{"DatabasePath":"%s/rec-%s.db"}}' \
    "$SERIAL" "$PORT" "$WORK" "$i" > "$WORK/c.json"
  mosquitto_sub -p "$PORT" -h 127.0.0.1 -t "uagv/v2/PortCustoms/$SERIAL/connection" -C 1 > "$WORK/sub" &
  SPID=$!; sleep 0.3
  t0=$(date +%s%N)
  "${RUNNER[@]}" "$WORK/root/usr/lib/robot-host/robot-host" run --config "$WORK/c.json" > "$WORK/host.log" 2>&1 & HPID=$!
  wait $SPID; t1=$(date +%s%N)
  grep -q ONLINE "$WORK/sub" || { echo "no ONLINE" >&2; cat "$WORK/host.log" >&2; exit 1; }
  sleep 5
  rss=$(awk '/VmRSS/ {print $2}' /proc/$HPID/status)
  kill -TERM $HPID; wait $HPID || true
  echo "run $i: start to ONLINE $(( (t1 - t0) / 1000000 )) ms, RSS after start $(( rss / 1024 )) MiB"
done
