#!/bin/bash
# Installs an older robot-host package, then upgrades it to the current one, with the real dpkg and
# the package's real maintainer scripts, in a copy-on-write view of this machine: /etc, /usr and /var
# are overlayfs mounts (this machine's files below, every change in WORK/upper) in a private mount
# namespace, and dpkg runs chrooted there. Nothing of the real system changes: the robot user, the
# dpkg database entry and the files land in WORK/upper, and the mounts vanish with the namespace.
# systemd is not running in the chroot (no /run/systemd/system), so the maintainer scripts skip
# systemctl as they do in any chroot; the service is then started the way the unit starts it.
#
# Run as root inside `unshare --mount --propagation private`:
#   dpkg-upgrade.sh WORK OLD.deb NEW.deb STORE.db CONFIG.json STOPFILE [dpkg options for the upgrade]
# Prints "step: ..." lines the test reads; exits non-zero at the first step that fails.
set -euo pipefail
WORK=$1 OLD=$2 NEW=$3 STORE=$4 CONFIG=$5 STOPFILE=$6
shift 6
R="$WORK/root"

mkdir -p "$R"
for d in etc usr var; do
  mkdir -p "$WORK/upper/$d" "$WORK/work/$d" "$R/$d"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$WORK/upper/$d,workdir=$WORK/work/$d" "$R/$d"
done
# Debian 12 merges /usr: /bin, /sbin, /lib, /lib64 are links into it.
for l in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$l" ]; then ln -s "$(readlink "/$l")" "$R/$l"
  elif [ -d "/$l" ]; then mkdir -p "$WORK/upper/$l" "$WORK/work/$l" "$R/$l"
    mount -t overlay overlay -o "lowerdir=/$l,upperdir=$WORK/upper/$l,workdir=$WORK/work/$l" "$R/$l"
  fi
done
mkdir -p "$R/tmp" "$R/run" "$R/dev" "$R/proc" "$R/sys" "$R/root"
chmod 1777 "$R/tmp"
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
cp "$OLD" "$R/tmp/old.deb"
cp "$NEW" "$R/tmp/new.deb"
in_root() { chroot "$R" "$@"; }
as_robot() { chroot "$R" setpriv --reuid=robot --regid=robot --init-groups "$@"; }

echo "step: install the older package"
in_root dpkg -i /tmp/old.deb </dev/null
echo "step: installed $(in_root dpkg-query -W -f '${Version} ${Status}' robot-host)"
in_root getent passwd robot >/dev/null
echo "step: robot user $(in_root id robot)"

echo "step: the maintainer edits the config and the old host leaves its record store"
cat "$CONFIG" > "$R/etc/robot-host/appsettings.json"
install -m 0640 "$STORE" "$R/var/lib/robot-host/robot-records.db"
in_root chown robot:robot /var/lib/robot-host/robot-records.db

echo "step: upgrade with dpkg $*"
in_root dpkg "$@" -i /tmp/new.deb </dev/null
echo "step: installed $(in_root dpkg-query -W -f '${Version} ${Status}' robot-host)"
echo "step: config $(in_root stat -c '%U:%G %a' /etc/robot-host/appsettings.json)"
echo "step: records $(in_root stat -c '%U:%G %a' /var/lib/robot-host)"

echo "step: start the service as its unit does (User=robot, ROBOT_CONFIG, UMask=0027)"
(umask 0027; exec chroot "$R" setpriv --reuid=robot --regid=robot --init-groups \
  env -i PATH=/usr/sbin:/usr/bin ROBOT_CONFIG=/etc/robot-host/appsettings.json /usr/lib/robot-host/robot-host run) > "$WORK/host.log" 2>&1 &
host=$!
for _ in $(seq 1 1200); do
  [ -e "$STOPFILE" ] && break
  kill -0 "$host" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$host" 2>/dev/null || true
status=0; wait "$host" || status=$?
echo "step: host exited $status"

echo "step: verify the records as the maintainer does (the installed config names the store)"
as_robot /usr/bin/robot-host verify-records
echo "step: done"
