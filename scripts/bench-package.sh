#!/usr/bin/env bash
# Measures the packaged host: package size; time from process start to ONLINE on the broker;
# resident memory 5 s after ONLINE (idle, virtual drivers); and resident memory during a simulated
# inspection (virtual drivers, a quick profile, a 20 ft box: the order is sent with mosquitto_pub
# as any VDA 5050 client would, and the run ends when the report arrives). arm64 runs under
# qemu-aarch64-static: its figures are relative only (emulation on x86, and qemu's own memory and
# translation cache are in the RSS).
# Usage: scripts/bench-package.sh [amd64|arm64] [runs] [aot|jit] [--no-inspection]
#   aot: artifacts/robot-host_<v>_<arch>.deb (scripts/package.sh);  jit: artifacts/jit/... (scripts/package.sh --jit)
# Needs mosquitto and mosquitto-clients. Prints one line per run and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
ARCH=${1:-amd64}; RUNS=${2:-5}; FLAVOUR=${3:-aot}; INSPECT=1
[ "${4:-}" = --no-inspection ] && INSPECT=0
VERSION=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
case "$FLAVOUR" in
  aot) DEB=artifacts/robot-host_${VERSION}_${ARCH}.deb ;;
  jit) DEB=artifacts/jit/robot-host_${VERSION}_${ARCH}.deb ;;
  *) echo "flavour must be aot or jit" >&2; exit 2 ;;
esac
[ -f "$DEB" ] || { echo "no $DEB: run scripts/package.sh --arch $ARCH$([ "$FLAVOUR" = jit ] && echo ' --jit')" >&2; exit 1; }
WORK=$(mktemp -d); MPID=; HPID=
trap '[ -n "$HPID" ] && kill $HPID 2>/dev/null; [ -n "$MPID" ] && kill $MPID 2>/dev/null; rm -rf "$WORK"' EXIT
dpkg-deb -x "$DEB" "$WORK/root"
PORT=$(( 20000 + RANDOM % 40000 ))
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$PORT" > "$WORK/m.conf"
mosquitto -c "$WORK/m.conf" >/dev/null 2>&1 & MPID=$!
sleep 0.5
RUNNER=(); [ "$ARCH" = arm64 ] && RUNNER=(qemu-aarch64-static)
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }
echo "package: $DEB $(du -k "$DEB" | cut -f1) KiB, installed $(du -sk "$WORK/root" | cut -f1) KiB ($FLAVOUR, $ARCH)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
# The quick profile: one height, two readings 0.5 s apart, no settle or warm-up, 2.5 m between
# stations; the background is measured where the robot stands. Only the figures change, not the code path.
QUICK='"Procedure":{"BackgroundSpotX":0,"BackgroundSpotY":0},"Measurement":{"Profile":{"Name":"bench-quick","WarmUp":"00:00:00","HeightsM":[1.0],"StationSpacingM":2.5,"ReadingsPerPoint":2,"ReadingIntervalS":0.5,"SettleS":0,"Background":{"Readings":2,"IntervalS":0.5,"SettleS":0}}}'
starts=(); idles=(); peaks=()
for i in $(seq 1 "$RUNS"); do
  SERIAL="BENCH-$i"
  printf '{"Robot":{"SerialNumber":"%s"},"Broker":{"Embedded":false},"Link":{"BrokerUri":"mqtt://127.0.0.1:%s"},"Hardware":{"Kind":"virtual"},"Records":{"DatabasePath":"%s/rec-%s.db"},%s}' \
    "$SERIAL" "$PORT" "$WORK" "$i" "$QUICK" > "$WORK/c.json"
  mosquitto_sub -p "$PORT" -h 127.0.0.1 -t "uagv/v2/PortCustoms/$SERIAL/connection" -C 1 > "$WORK/sub" &
  SPID=$!; sleep 0.3
  t0=$(date +%s%N)
  "${RUNNER[@]}" "$WORK/root/usr/lib/robot-host/robot-host" run --config "$WORK/c.json" > "$WORK/host.log" 2>&1 & HPID=$!
  wait $SPID; t1=$(date +%s%N)
  grep -q ONLINE "$WORK/sub" || { echo "no ONLINE" >&2; cat "$WORK/host.log" >&2; exit 1; }
  sleep 5
  idle=$(rss $HPID); start_ms=$(( (t1 - t0) / 1000000 ))
  line="run $i: start to ONLINE $start_ms ms, RSS idle $idle MiB"
  if [ "$INSPECT" = 1 ]; then
    mosquitto_sub -p "$PORT" -h 127.0.0.1 -t "robot/v1/$SERIAL/reports" -C 1 > "$WORK/report" &
    RPID=$!; sleep 0.3
    ts=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
    mosquitto_pub -p "$PORT" -h 127.0.0.1 -q 1 -t "uagv/v2/PortCustoms/$SERIAL/order" -m "{\"headerId\":1,\"timestamp\":\"$ts\",\"version\":\"2.1.0\",\"manufacturer\":\"PortCustoms\",\"serialNumber\":\"$SERIAL\",\"orderId\":\"bench-$i\",\"orderUpdateId\":0,\"nodes\":[{\"nodeId\":\"here\",\"sequenceId\":0,\"released\":true,\"nodePosition\":{\"x\":0,\"y\":0,\"mapId\":\"yard\"},\"actions\":[{\"actionType\":\"inspectContainer\",\"actionId\":\"bench-$i-inspect\",\"blockingType\":\"HARD\",\"actionParameters\":[{\"key\":\"containerNumber\",\"value\":\"CSQU3054383\"},{\"key\":\"containerType\",\"value\":\"20ft\"},{\"key\":\"x\",\"value\":8},{\"key\":\"y\",\"value\":0},{\"key\":\"operatorId\",\"value\":\"bench\"}]}]}],\"edges\":[]}"
    i0=$(date +%s); max=$idle
    while kill -0 $RPID 2>/dev/null; do
      r=$(rss $HPID); [ "$r" -gt "$max" ] && max=$r
      [ $(( $(date +%s) - i0 )) -gt 1800 ] && { echo "inspection did not finish within 30 min" >&2; exit 1; }
      sleep 0.5
    done
    verdict=$(grep -o '"verdict":"[A-Z]*"' "$WORK/report" | head -1)
    peak=$(hwm $HPID); [ "$max" -gt "$peak" ] && peak=$max
    line="$line, inspection $(( $(date +%s) - i0 )) s ($verdict), RSS during it up to $max MiB sampled, peak (VmHWM) $peak MiB"
    peaks+=("$peak")
  fi
  kill -TERM $HPID; wait $HPID || true; HPID=
  starts+=("$start_ms"); idles+=("$idle")
  echo "$line"
done
summary() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "min %s, median %s, max %s", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "summary ($RUNS runs, $FLAVOUR $ARCH): start to ONLINE ms: $(summary "${starts[@]}"); RSS idle MiB: $(summary "${idles[@]}")$([ ${#peaks[@]} -gt 0 ] && echo "; RSS peak during inspection MiB: $(summary "${peaks[@]}")")"
