#!/usr/bin/env bash
# virtop real-libvirt test lab.
#
# Builds tiny busybox guests (distro kernel + busybox initramfs, no root fs),
# and runs them under the system libvirtd as TCG (<domain type='qemu'>) guests
# on an isolated, address-less libvirt network.  Every object this script
# creates or removes is named virtop-lab-*; nothing else is ever touched.
#
# Usage: test/lab/lab.sh COMMAND [ARGS]
#   deps                     install missing Debian packages (apt-get)
#   daemons                  start virtlogd + libvirtd if needed, wait for them
#   build                    build kernel/initramfs/disk images into .work/
#   up [GUEST...]            define + start network and guests (default: all)
#   down [GUEST...]          destroy + undefine guests (no args: all + network)
#   net-down                 remove the lab network if no lab guest is defined
#   status                   list lab objects
#   wait-ready GUEST [SECS]  wait for the guest's READY line on its console
#   all                      deps daemons build up, then wait-ready for all
#   xml GUEST                print the domain XML that `up` would define
#   tcp on|off               (re)start libvirtd with/without a no-auth TCP
#                            listener on 127.0.0.1 (remote-protocol tests)
#
# Guest names pick the load: virtop-lab-spin*, virtop-lab-disk*,
# virtop-lab-netload*, virtop-lab-idle* (a suffix allows extra copies);
# virtop-lab-nostats* is an idle guest whose balloon has no stats period;
# virtop-lab-ipaddr* an idle guest on virtop-lab-ipnet, a second isolated
# network whose DHCP hands out IPv4 link-local addresses (169.254.77.0/24),
# so guest IP lookups (lease, ARP) have something to find;
# virtop-lab-brnet* is a netload guest plugged straight into a plain host
# bridge (virtoplab2, no address, made with ip link while such a guest is
# defined): what <interface type='bridge'> guests on br0 look like;
# virtop-lab-full* writes its whole disk, whose image sits on a small tmpfs
# ($WORK/full, mounted while such a guest is defined): the tmpfs fills, QEMU
# gets ENOSPC and pauses the guest, as a full thin pool would.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Outside the checkout by default: QEMU runs as libvirt-qemu and must be able
# to reach the kernel and disk images, which a clone under /root would hide.
WORK=${VIRTOP_LAB_WORK:-/var/tmp/virtop-lab}
CONN=qemu:///system
PREFIX=virtop-lab-
NET_NAME=virtop-lab-net
NET_BRIDGE=virtoplab0
# the ipaddr guests' network: isolated (no <forward>), DHCP on an IPv4
# link-local /24 — narrow, so it never shadows other 169.254 routes such as a
# cloud's metadata address
IPNET_NAME=virtop-lab-ipnet
IPNET_BRIDGE=virtoplab1
IPNET_PREFIX=169.254.77
DEFAULT_GUESTS=(virtop-lab-spin virtop-lab-disk virtop-lab-netload virtop-lab-idle)
PACKAGES=(libvirt-daemon-system libvirt-clients libvirt-dev qemu-system-x86 qemu-utils dnsmasq-base iproute2 linux-image-cloud-amd64 busybox-static)
# virtio modules the guest needs; their dependencies are resolved from modules.dep
# button + evdev: the ACPI power button (virsh shutdown / reboot) as an input device
GUEST_MODULES=(virtio_pci virtio_blk virtio_net virtio_balloon button evdev)
DISK_SIZE=${VIRTOP_LAB_DISK_SIZE:-64M}
DISK_BPS=${VIRTOP_LAB_DISK_BPS:-16777216} # disk guest read+write cap, bytes/s
# the brnet guests' host bridge: not a libvirt network, no address
HOST_BRIDGE=virtoplab2
# the full guests' filesystem: far smaller than their 64 MiB disk
FULL_DIR=$WORK/full
FULL_FS_SIZE=${VIRTOP_LAB_FULL_FS_SIZE:-8m}

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }
vsh() { virsh -q -c "$CONN" "$@"; }

check_guest_name() {
  case "$1" in
    "$PREFIX"*) ;;
    *) die "refusing to touch '$1': lab objects are named ${PREFIX}*" ;;
  esac
  [[ "$1" != "$NET_NAME" ]] || die "'$NET_NAME' is the lab network, not a guest"
  [[ "$1" != "$IPNET_NAME" ]] || die "'$IPNET_NAME' is a lab network, not a guest"
  [[ "$1" =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad guest name '$1'"
}

# ---------------------------------------------------------------- deps
pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

cmd_deps() {
  command -v dpkg-query >/dev/null || die "deps: not a Debian/Ubuntu host (no dpkg-query)"
  local missing=() p
  for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    check_programs
    log "deps: all present"
    return 0
  fi
  [[ $(id -u) == 0 ]] || die "deps: missing ${missing[*]} and not root"
  log "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  check_programs
}

# Every program the lab and its tests run, with the package that brings it.
# Packages are installed without their Recommends (a lean, predictable set),
# so anything libvirt only recommends must be named in PACKAGES and checked
# here: dnsmasq (DHCP on a lab network) and ip come from Recommends.
LAB_PROGRAMS=(
  virsh:libvirt-clients libvirtd:libvirt-daemon virtlogd:libvirt-daemon-system
  qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils dnsmasq:dnsmasq-base
  ip:iproute2 flock:util-linux gzip:gzip
)

check_programs() {
  local entry prog pkg bad=0
  for entry in "${LAB_PROGRAMS[@]}"; do
    prog=${entry%%:*} pkg=${entry#*:}
    if ! command -v "$prog" >/dev/null && ! [[ -x /usr/sbin/$prog || -x /sbin/$prog ]]; then
      log "deps: error: '$prog' not found (Debian package $pkg)"
      bad=1
    fi
  done
  ((bad == 0)) || die "deps: programs missing; install the packages named above"
}

# ---------------------------------------------------------------- daemons
libvirt_answers() { timeout 10 virsh -c "$CONN" version >/dev/null 2>&1; }

daemon_running() { # NAME: true if a process with exactly that name runs
  local pidfile=/run/$1.pid pid
  if [[ -r $pidfile ]]; then
    pid=$(<"$pidfile")
    [[ -n $pid && -r /proc/$pid/comm && "$(</proc/"$pid"/comm)" == "$1" ]] && return 0
  fi
  pgrep -x "$1" >/dev/null 2>&1
}

cmd_daemons() {
  if libvirt_answers; then
    log "daemons: libvirtd answers on $CONN"
    return 0
  fi
  [[ $(id -u) == 0 ]] || die "daemons: libvirtd does not answer on $CONN and we are not root"
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
    log "daemons: starting via systemctl"
    systemctl start virtlogd.socket virtlogd.service libvirtd.service || true
  else
    local d
    for d in virtlogd libvirtd; do
      if daemon_running "$d"; then
        log "daemons: $d already running"
      else
        command -v "$d" >/dev/null || die "daemons: $d not installed (run: $0 deps)"
        log "daemons: starting $d -d"
        "$d" -d
      fi
    done
  fi
  local deadline=$((SECONDS + ${VIRTOP_LAB_DAEMON_TIMEOUT:-30}))
  until libvirt_answers; do
    ((SECONDS < deadline)) || die "daemons: libvirtd did not answer 'virsh -c $CONN version' within ${VIRTOP_LAB_DAEMON_TIMEOUT:-30}s"
    sleep 0.5
  done
  log "daemons: libvirtd answers on $CONN"
}

# ---------------------------------------------------------------- build
pick_kernel() {
  if [[ -n ${VIRTOP_LAB_KVER:-} ]]; then
    echo "$VIRTOP_LAB_KVER"
    return
  fi
  # prefer the Debian cloud kernel (small, virtio as modules); else the newest
  # kernel that has its modules installed
  local k f
  k=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n1)
  if [[ -z $k ]]; then
    for f in $(ls /boot/vmlinuz-* 2>/dev/null | sort -rV); do
      f=${f#/boot/vmlinuz-}
      [[ -r /lib/modules/$f/modules.dep ]] && { k=$f; break; }
    done
  fi
  [[ -n $k ]] || die "build: no usable /boot/vmlinuz-* (run: $0 deps)"
  [[ -r /boot/vmlinuz-$k ]] || die "build: /boot/vmlinuz-$k is not readable"
  echo "$k"
}

# qemu runs as an unprivileged user (libvirt-qemu on Debian); libvirt chowns
# the image files but not their parent directories
check_work_traversable() {
  local d=$WORK
  while [[ $d != / && -n $d ]]; do
    if [[ -d $d && $(stat -c %A "$d") != *x ]]; then
      log "warning: $d is not world-searchable; qemu may fail to open the lab images" \
        "(chmod o+x it, or set VIRTOP_LAB_WORK to e.g. /var/lib/libvirt/images/virtop-lab)"
      return 0
    fi
    d=$(dirname "$d")
  done
}

find_busybox() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    if [[ -x $b ]] && ! LC_ALL=C ldd "$b" 2>/dev/null | grep -q '=>'; then echo "$b"; return; fi
  done
  die "build: no statically linked busybox (install busybox-static)"
}

# Module load order for GUEST_MODULES: each module after its dependencies.
# Prints "name relpath" lines; built-in modules are skipped.
resolve_modules() {
  local kver=$1 mdir=/lib/modules/$1
  [[ -r $mdir/modules.dep ]] || die "build: $mdir/modules.dep missing"
  declare -A path=() deps=() done_=()
  local line p d n
  while IFS= read -r line; do
    p=${line%%:*}
    d=${line#*:}
    n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}
    path[$n]=$p
    deps[$n]=$d
  done <"$mdir/modules.dep"
  visit() {
    local m=$1 dep dn
    [[ -n ${done_[$m]:-} ]] && return 0
    done_[$m]=1
    if [[ -z ${path[$m]:-} ]]; then
      if grep -q "/${m//_/[_-]}\.ko" "$mdir/modules.builtin" 2>/dev/null; then return 0; fi
      die "build: module $m neither in modules.dep nor modules.builtin for $kver"
    fi
    for dep in ${deps[$m]}; do
      dn=${dep##*/}; dn=${dn%%.ko*}; dn=${dn//-/_}
      visit "$dn"
    done
    echo "$m ${path[$m]}"
  }
  local m
  for m in "${GUEST_MODULES[@]}"; do visit "$m"; done
}

# The guest's /init.  Load comes from the kernel command line: virtop.load=...
write_init() {
  cat <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
say() { echo "virtop-lab: $*"; }

load=idle
dhcp=
for arg in $(cat /proc/cmdline); do
  case $arg in
    virtop.load=*) load=${arg#virtop.load=} ;;
    virtop.dhcp=*) dhcp=${arg#virtop.dhcp=} ;;
  esac
done

for m in $(cat /etc/virtop-lab/modules); do
  insmod /lib/modules/$m.ko || say "insmod $m failed"
done

# wait (max ~10 s) for the virtio devices to probe
i=0
while [ $i -lt 50 ] && { [ ! -b /dev/vda ] || [ ! -e /sys/class/net/eth0 ]; }; do
  sleep 0.2; i=$((i + 1))
done
[ -b /dev/vda ] || say "no /dev/vda"
[ -e /sys/class/net/eth0 ] || say "no eth0"

ip link set lo up
ip link set eth0 up 2>/dev/null

# virtop-lab-ipaddr* guests: an IPv4 address by DHCP (a lease in libvirt's
# dnsmasq), then a ping to the DHCP server now and then so the host's
# neighbour table (libvirt's ARP source) knows the guest too
if [ -n "$dhcp" ]; then
  printf '%s\n' '#!/bin/sh' \
    'case "$1" in bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"; echo "$serverid" >/tmp/dhcp-server ;; esac' \
    >/tmp/dhcp.sh
  chmod +x /tmp/dhcp.sh
  ( udhcpc -i eth0 -q -n -t 10 -T 2 -s /tmp/dhcp.sh >/dev/null 2>&1 &&
      say "dhcp: $(ip -4 addr show dev eth0 | grep -o 'inet [0-9./]*')"
    while :; do
      [ -s /tmp/dhcp-server ] && ping -c 1 -W 1 "$(cat /tmp/dhcp-server)" >/dev/null 2>&1
      sleep 3
    done ) &
fi

# ACPI power button (virsh shutdown, and virsh reboot, which libvirt does as
# shutdown + restart): no acpid needed, any event from the button's input
# device means it was pressed.
for ev in /sys/class/input/event*; do
  case "$(cat "$ev/device/name" 2>/dev/null)" in
    *"Power Button"*)
      ( dd if=/dev/input/${ev##*/} bs=24 count=1 of=/dev/null 2>/dev/null
        say "power button pressed: powering off"
        sync; poweroff -f ) &
      ;;
  esac
done

# online vCPUs hot-added by `virsh setvcpus --live` (there is no udev)
( while :; do
    for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
      [ -e "$f" ] && [ "$(cat "$f")" = 0 ] && echo 1 >"$f" 2>/dev/null
    done
    sleep 1
  done ) &

wait_ll() { # wait (max ~10 s) for a non-tentative IPv6 link-local address
  i=0
  while [ $i -lt 50 ]; do
    ip -6 addr show dev eth0 scope link 2>/dev/null | grep -q 'inet6 fe80' &&
      ! ip -6 addr show dev eth0 2>/dev/null | grep -q tentative && return 0
    sleep 0.2; i=$((i + 1))
  done
  say "eth0 has no usable IPv6 link-local address"
  return 1
}

case $load in
  spin)
    # one busy loop pinned to vCPU 0
    taskset 1 sh -c 'while :; do :; done' &
    ;;
  disk)
    # alternate direct-I/O reads and writes on the raw virtio disk (no fs on it)
    ( while :; do
        dd if=/dev/vda of=/dev/null bs=64k count=256 iflag=direct 2>/dev/null
        dd if=/dev/zero of=/dev/vda bs=64k count=256 seek=256 oflag=direct 2>/dev/null
      done ) &
    ;;
  fill)
    # write the whole disk once, after READY is out; the host's small tmpfs
    # under the image fills first and QEMU pauses the guest mid-write
    ( sleep 2; dd if=/dev/zero of=/dev/vda bs=64k oflag=direct 2>/dev/null ) &
    ;;
  net)
    # small link-local multicast echo requests to all-nodes, link scope only
    wait_ll
    ( while :; do
        ping6 -q -s 16 -i @PING_INTERVAL@ -I eth0 ff02::1 >/dev/null 2>&1
        sleep 1
      done ) &
    ;;
  idle) ;;
  *) say "unknown load '$load'" ;;
esac

read up _ </proc/uptime
echo "VIRTOP-LAB-READY load=$load cpus=$(nproc) uptime=$up"

# keep PID 1 alive; offer a shell on the serial console (virsh console)
while :; do
  setsid cttyhack sh
  sleep 1
done
INIT
}

PING_INTERVAL=${VIRTOP_LAB_PING_INTERVAL:-0.005}

build_stamp() { # everything the build output depends on
  local kver=$1 bb=$2 mods=$3
  {
    echo "kver=$kver"
    stat -c 'vmlinuz %s %Y' "/boot/vmlinuz-$kver"
    stat -c 'busybox %s %Y' "$bb"
    echo "ping=$PING_INTERVAL"
    echo "$mods"
    write_init
  } | sha256sum | cut -d' ' -f1
}

cmd_build() {
  local kver bb mods stamp
  kver=$(pick_kernel)
  bb=$(find_busybox)
  mods=$(resolve_modules "$kver")
  command -v qemu-img >/dev/null || die "build: qemu-img missing (run: $0 deps)"
  mkdir -p "$WORK" "$WORK/disks" "$WORK/logs"
  stamp=$(build_stamp "$kver" "$bb" "$mods")
  if [[ -f $WORK/vmlinuz && -f $WORK/initramfs.cpio.gz && "$(cat "$WORK/build.stamp" 2>/dev/null)" == "$stamp" ]]; then
    log "build: up to date (kernel $kver)"
  else
    log "build: kernel $kver, busybox $bb"
    local root=$WORK/initramfs.d
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc/virtop-lab,lib/modules}
    cp "$bb" "$root/bin/busybox"
    write_init | sed "s|@PING_INTERVAL@|$PING_INTERVAL|" >"$root/init"
    chmod 755 "$root/init"
    # the kernel opens /dev/console before /init runs; /init also remounts /dev
    mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
    local name rel src
    : >"$root/etc/virtop-lab/modules"
    while read -r name rel; do
      src=/lib/modules/$kver/$rel
      case $src in
        # busybox insmod wants plain .ko files
        *.ko.xz) "$bb" xzcat "$src" >"$root/lib/modules/$name.ko" ;;
        *.ko.gz) "$bb" zcat "$src" >"$root/lib/modules/$name.ko" ;;
        *.ko.zst)
          command -v zstd >/dev/null || die "build: $src is zstd-compressed; install zstd"
          zstd -qdc "$src" >"$root/lib/modules/$name.ko" ;;
        *.ko) cp "$src" "$root/lib/modules/$name.ko" ;;
        *) die "build: unknown module format $src" ;;
      esac
      echo "$name" >>"$root/etc/virtop-lab/modules"
    done <<<"$mods"
    log "build: modules $(tr '\n' ' ' <"$root/etc/virtop-lab/modules")"
    (cd "$root" && find . -mindepth 1 | sort | "$bb" cpio -o -H newc 2>/dev/null) | gzip -9 >"$WORK/initramfs.cpio.gz.tmp"
    mv "$WORK/initramfs.cpio.gz.tmp" "$WORK/initramfs.cpio.gz"
    cp "/boot/vmlinuz-$kver" "$WORK/vmlinuz"
    rm -rf "$root"
    echo "$stamp" >"$WORK/build.stamp"
    log "build: wrote $WORK/vmlinuz, $WORK/initramfs.cpio.gz ($(stat -c %s "$WORK/initramfs.cpio.gz") bytes)"
  fi
  local g
  for g in "${DEFAULT_GUESTS[@]}"; do ensure_disk "$g"; done
}

ensure_disk() {
  local img
  img=$(disk_path "$1")
  if [[ $img == "$FULL_DIR"/* ]]; then
    # a full guest starts with an empty disk every time: the last one filled it
    full_fs_up
    rm -f "$img"
  fi
  [[ -f $img ]] && return 0
  mkdir -p "$WORK/disks"
  qemu-img create -q -f qcow2 "$img" "$DISK_SIZE"
  log "build: created $img ($DISK_SIZE)"
}

# ---------------------------------------------------------------- definitions
# guest_spec NAME -> sets LOAD VCPU_MAX VCPU_CUR MEM_MAX MEM_CUR (MiB) STATS_PERIOD
guest_spec() {
  local base=${1#"$PREFIX"}
  MEM_MAX=256 MEM_CUR=192
  STATS_PERIOD=1 # balloon stats period (s); empty: none
  GUEST_NET=$NET_NAME DHCP= GUEST_BRIDGE=
  case $base in
    spin*) LOAD=spin VCPU_MAX=2 VCPU_CUR=2 ;;
    disk*) LOAD=disk VCPU_MAX=1 VCPU_CUR=1 ;;
    netload*) LOAD=net VCPU_MAX=1 VCPU_CUR=1 ;;
    idle*) LOAD=idle VCPU_MAX=4 VCPU_CUR=1 ;;
    nostats*) LOAD=idle VCPU_MAX=1 VCPU_CUR=1 STATS_PERIOD= ;;
    ipaddr*) LOAD=idle VCPU_MAX=1 VCPU_CUR=1 GUEST_NET=$IPNET_NAME DHCP=1 ;;
    full*) LOAD=fill VCPU_MAX=1 VCPU_CUR=1 ;;
    brnet*) LOAD=net VCPU_MAX=1 VCPU_CUR=1 GUEST_BRIDGE=$HOST_BRIDGE ;;
    *) die "unknown lab guest '$1' (names: ${PREFIX}{spin,disk,netload,idle,nostats,ipaddr,full,brnet}[suffix])" ;;
  esac
}

console_log() { echo "$WORK/logs/$1.console.log"; }

# A guest's disk image: the full guests' on the small tmpfs, the others' in $WORK/disks.
disk_path() {
  case ${1#"$PREFIX"} in
    full*) echo "$FULL_DIR/$1.qcow2" ;;
    *) echo "$WORK/disks/$1.qcow2" ;;
  esac
}

# The full guests' tmpfs, mounted once; a fresh (empty) image each time such a guest starts.
full_fs_up() {
  mkdir -p "$FULL_DIR"
  if ! mountpoint -q "$FULL_DIR"; then
    mount -t tmpfs -o "size=$FULL_FS_SIZE,mode=0755" virtop-lab-full "$FULL_DIR" ||
      die "cannot mount a $FULL_FS_SIZE tmpfs on $FULL_DIR (the full-disk guest needs one; root and mount rights)"
    log "up: mounted a $FULL_FS_SIZE tmpfs on $FULL_DIR"
  fi
}

full_fs_down_if_unused() {
  lab_domains | grep -q "^${PREFIX}full" && return 0
  if mountpoint -q "$FULL_DIR" 2>/dev/null; then
    umount "$FULL_DIR" && log "down: unmounted $FULL_DIR"
  fi
  return 0
}

# Host CPU pinning (needs LOAD from guest_spec).  With >= 2 host CPUs the spin
# guest gets the last host CPU to itself (as far as lab guests go) and every
# other lab guest stays off it, so the spin guest's CPU use is predictable.
# The emulator threads follow the <vcpu cpuset>.  VIRTOP_LAB_PIN=0 disables.
vcpu_cpuset() {
  local n
  n=$(nproc)
  if [[ ${VIRTOP_LAB_PIN:-1} == 0 ]] || ((n < 2)); then
    echo ' '
  elif [[ $LOAD == spin ]]; then
    echo " cpuset='$((n - 1))' "
  elif ((n == 2)); then
    echo " cpuset='0' "
  else
    echo " cpuset='0-$((n - 2))' "
  fi
}

# the balloon's <stats period> line (after a newline), or nothing for nostats guests
stats_xml() {
  if [[ -n $STATS_PERIOD ]]; then printf "\n      <stats period='%s'/>" "$STATS_PERIOD"; fi
  return 0
}

domain_xml() {
  local name=$1
  guest_spec "$name"
  local emulator=/usr/bin/qemu-system-x86_64
  # cap the disk guest's dd loop: keeps host disk and CPU use predictable
  local DISK_IOTUNE=""
  [[ $LOAD == disk ]] && DISK_IOTUNE="
      <iotune><total_bytes_sec>$DISK_BPS</total_bytes_sec></iotune>"
  # tmpfs has no O_DIRECT (cache=none); stop on a write error, whatever QEMU's default
  local DISK_DRIVER="cache='none'"
  [[ $LOAD == fill ]] && DISK_DRIVER="cache='writeback' error_policy='stop'"
  cat <<XML
<domain type='qemu'>
  <name>$name</name>
  <description>virtop test lab guest (test/lab/lab.sh, load=$LOAD); safe to delete</description>
  <memory unit='MiB'>$MEM_MAX</memory>
  <currentMemory unit='MiB'>$MEM_CUR</currentMemory>
  <vcpu placement='static'$(vcpu_cpuset)current='$VCPU_CUR'>$VCPU_MAX</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$WORK/vmlinuz</kernel>
    <initrd>$WORK/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 virtop.load=$LOAD${DHCP:+ virtop.dhcp=1}</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$emulator</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' $DISK_DRIVER/>
      <source file='$(disk_path "$name")'/>
      <target dev='vda' bus='virtio'/>$DISK_IOTUNE
    </disk>
$(interface_xml)
    <serial type='pty'>
      <log file='$(console_log "$name")' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <controller type='usb' model='none'/>
    <memballoon model='virtio'>$(stats_xml)
    </memballoon>
  </devices>
</domain>
XML
}

# the guest's NIC: on its lab network, or plugged straight into the host bridge
interface_xml() {
  if [[ -n $GUEST_BRIDGE ]]; then
    printf "    <interface type='bridge'>\n      <source bridge='%s'/>\n      <model type='virtio'/>\n    </interface>" "$GUEST_BRIDGE"
  else
    printf "    <interface type='network'>\n      <source network='%s'/>\n      <model type='virtio'/>\n    </interface>" "$GUEST_NET"
  fi
}

# The brnet guests' bridge: a plain Linux bridge, up, with no address (nothing routes to or from it).
host_bridge_up() {
  if ! ip link show "$HOST_BRIDGE" >/dev/null 2>&1; then
    ip link add "$HOST_BRIDGE" type bridge || die "cannot create the host bridge $HOST_BRIDGE (ip link add; needs root)"
    log "up: created host bridge $HOST_BRIDGE"
  fi
  ip link set "$HOST_BRIDGE" up
}

host_bridge_down_if_unused() {
  lab_domains | grep -q "^${PREFIX}brnet" && return 0
  if ip link show "$HOST_BRIDGE" >/dev/null 2>&1; then
    ip link del "$HOST_BRIDGE" && log "down: removed host bridge $HOST_BRIDGE"
  fi
  return 0
}

network_xml() {
  # no <forward>, no <ip>: isolated and address-less; ports isolated from each
  # other so one guest's multicast never reaches (and loads) another guest
  cat <<XML
<network>
  <name>$NET_NAME</name>
  <bridge name='$NET_BRIDGE' stp='off' delay='0'/>
  <port isolated='yes'/>
</network>
XML
}

ipnet_xml() {
  # isolated too (no <forward>); DHCP on link-local addresses only
  cat <<XML
<network>
  <name>$IPNET_NAME</name>
  <bridge name='$IPNET_BRIDGE' stp='off' delay='0'/>
  <port isolated='yes'/>
  <ip address='$IPNET_PREFIX.1' prefix='24'>
    <dhcp><range start='$IPNET_PREFIX.10' end='$IPNET_PREFIX.99'/></dhcp>
  </ip>
</network>
XML
}

# ---------------------------------------------------------------- up/down
# Both lab networks, by name: NAME exists / is active / define+start from
# the XML that XML_FN prints / destroy+undefine.
net_exists() { vsh net-info "$1" >/dev/null 2>&1; }
net_active() { [[ "$(vsh net-info "$1" 2>/dev/null | awk '$1 == "Active:" {print $2}')" == yes ]]; }

net_ensure() {
  local name=$1 xml_fn=$2 what=$3
  if ! net_exists "$name"; then
    local f
    f=$(mktemp)
    "$xml_fn" >"$f"
    vsh net-define "$f" >/dev/null
    rm -f "$f"
    log "up: defined network $name"
  fi
  if ! net_active "$name"; then
    vsh net-start "$name" >/dev/null
    log "up: started network $name ($what)"
  fi
}

net_remove() {
  local name=$1
  if net_exists "$name"; then
    net_active "$name" && vsh net-destroy "$name" >/dev/null
    vsh net-undefine "$name" >/dev/null
    log "down: removed network $name"
  fi
}

ipnet_up() { net_ensure "$IPNET_NAME" ipnet_xml "bridge $IPNET_BRIDGE, DHCP $IPNET_PREFIX.10-99"; }

# the DHCP network lives as long as an ipaddr guest is defined
ipnet_down_if_unused() {
  lab_domains | grep -q "^${PREFIX}ipaddr" && return 0
  net_remove "$IPNET_NAME"
}

dom_exists() { vsh dominfo "$1" >/dev/null 2>&1; }
dom_state() { vsh domstate "$1" 2>/dev/null | head -n1 || true; }
lab_domains() { vsh list --all --name 2>/dev/null | grep "^$PREFIX" || true; }

net_up() { net_ensure "$NET_NAME" network_xml "bridge $NET_BRIDGE"; }

guest_up() {
  local name=$1 state
  check_guest_name "$name"
  guest_spec "$name"
  state=$(dom_state "$name")
  if [[ $state == running ]]; then
    log "up: $name already running"
    return 0
  fi
  if [[ -n $state ]]; then
    # defined but not running (e.g. a test shut it down): redefine from scratch,
    # since the generated XML carries no UUID and would clash with the old one
    vsh destroy "$name" >/dev/null 2>&1 || true
    vsh undefine "$name" >/dev/null
  fi
  ensure_disk "$name"
  [[ -z $GUEST_BRIDGE ]] || host_bridge_up
  local f
  f=$(mktemp)
  domain_xml "$name" >"$f"
  vsh define "$f" >/dev/null
  rm -f "$f"
  mkdir -p "$WORK/logs" "$WORK/run"
  date +%s.%N >"$WORK/run/$name.started"
  vsh start "$name" >/dev/null
  log "up: started $name (load=$LOAD vcpus=$VCPU_CUR/$VCPU_MAX mem=${MEM_CUR}/${MEM_MAX}MiB)"
}

cmd_up() {
  local guests=("$@")
  ((${#guests[@]})) || guests=("${DEFAULT_GUESTS[@]}")
  local g
  for g in "${guests[@]}"; do check_guest_name "$g"; guest_spec "$g"; done
  [[ -f $WORK/vmlinuz && -f $WORK/initramfs.cpio.gz ]] || cmd_build
  check_work_traversable
  net_up
  for g in "${guests[@]}"; do
    guest_spec "$g"
    if [[ $GUEST_NET == "$IPNET_NAME" ]]; then ipnet_up; break; fi
  done
  for g in "${guests[@]}"; do guest_up "$g"; done
}

guest_down() {
  local name=$1
  check_guest_name "$name"
  if ! dom_exists "$name"; then
    log "down: $name not defined"
    return 0
  fi
  [[ $(dom_state "$name") == "shut off" ]] || vsh destroy "$name" >/dev/null 2>&1 || true
  vsh undefine "$name" >/dev/null
  rm -f "$WORK/run/$name.started"
  log "down: removed $name"
  [[ $name != "${PREFIX}ipaddr"* ]] || ipnet_down_if_unused
  [[ $name != "${PREFIX}full"* ]] || { rm -f "$(disk_path "$name")"; full_fs_down_if_unused; }
  [[ $name != "${PREFIX}brnet"* ]] || host_bridge_down_if_unused
}

cmd_net_down() {
  if [[ -n $(lab_domains) ]]; then
    log "net-down: lab guests still defined, keeping $NET_NAME"
    return 0
  fi
  net_remove "$NET_NAME"
}

cmd_down() {
  local g
  if (($#)); then
    for g in "$@"; do guest_down "$g"; done
  else
    for g in $(lab_domains); do guest_down "$g"; done
    cmd_net_down
    # The transient pools the storage tests create (over the disk images, over
    # the full guests' tmpfs), if a run left them: before the tmpfs goes.
    local pool
    for pool in $(vsh pool-list --name 2>/dev/null | grep "^$PREFIX" || true); do
      vsh pool-destroy "$pool" >/dev/null && log "down: destroyed the transient pool $pool"
    done
    # and the transient network test/lab/storage.test.ts makes for its events
    local net
    for net in $(vsh net-list --name 2>/dev/null | grep "^${PREFIX}ev" || true); do
      vsh net-destroy "$net" >/dev/null && log "down: destroyed the transient network $net"
    done
    full_fs_down_if_unused
    host_bridge_down_if_unused
  fi
}

cmd_status() {
  local g any=0
  printf '%-24s %-10s %s\n' NAME STATE INFO
  if net_exists "$NET_NAME"; then
    printf '%-24s %-10s %s\n' "$NET_NAME" "$(net_active "$NET_NAME" && echo active || echo inactive)" "network, bridge $NET_BRIDGE"
  fi
  if net_exists "$IPNET_NAME"; then
    printf '%-24s %-10s %s\n' "$IPNET_NAME" "$(net_active "$IPNET_NAME" && echo active || echo inactive)" "network, bridge $IPNET_BRIDGE, DHCP $IPNET_PREFIX.10-99"
  fi
  for g in $(lab_domains); do
    any=1
    local ready=no
    grep -q VIRTOP-LAB-READY "$(console_log "$g")" 2>/dev/null && ready=yes
    printf '%-24s %-10s %s\n' "$g" "$(dom_state "$g" | tr ' ' '-')" "ready=$ready log=$(console_log "$g")"
  done
  ((any)) || log "status: no lab guests defined"
}

cmd_wait_ready() {
  local name=${1:-} timeout=${2:-90}
  [[ -n $name ]] || die "usage: wait-ready GUEST [timeout-seconds]"
  check_guest_name "$name"
  local logf start now state
  logf=$(console_log "$name")
  start=$(date +%s.%N)
  local deadline=$((SECONDS + timeout))
  while :; do
    if grep -q 'VIRTOP-LAB-READY' "$logf" 2>/dev/null; then
      now=$(date +%s.%N)
      local since=""
      [[ -f $WORK/run/$name.started ]] &&
        since=$(awk -v a="$(cat "$WORK/run/$name.started")" -v b="$now" 'BEGIN{printf " %.1fs after start", b-a}')
      log "wait-ready: $name ready$since: $(grep -m1 -o 'VIRTOP-LAB-READY.*' "$logf" | tr -d '\r')"
      return 0
    fi
    state=$(dom_state "$name")
    [[ $state == running ]] || die "wait-ready: $name is '${state:-undefined}', not running"
    ((SECONDS < deadline)) || die "wait-ready: $name printed no READY line within ${timeout}s (see $logf)"
    sleep 0.2
  done
}

# ---------------------------------------------------------------- tcp
# Remote-protocol tests need libvirtd on loopback TCP without auth. Only on
# 127.0.0.1, only for as long as a test asks: `tcp on` restarts the daemon
# with a private config that adds the listener, `tcp off` restarts it plain.
TCP_PORT=${VIRTOP_LAB_TCP_PORT:-16509}

tcp_answers() { virsh -q -c "qemu+tcp://127.0.0.1:$TCP_PORT/system" version >/dev/null 2>&1; }

restart_libvirtd() {
  [[ $(id -u) == 0 ]] || die "tcp: must be root to restart libvirtd"
  [[ ! -d /run/systemd/system ]] || die "tcp: systemd host: enable libvirtd-tcp.socket instead"
  local pid
  for pid in $(pgrep -x libvirtd || true); do kill "$pid" 2>/dev/null || true; done
  local deadline=$((SECONDS + 20))
  while pgrep -x libvirtd >/dev/null; do
    ((SECONDS < deadline)) || die "tcp: libvirtd did not exit"
    sleep 0.2
  done
  daemon_running virtlogd || virtlogd -d
  libvirtd -d "$@"
  deadline=$((SECONDS + ${VIRTOP_LAB_DAEMON_TIMEOUT:-30}))
  until libvirt_answers; do
    ((SECONDS < deadline)) || die "tcp: libvirtd did not come back"
    sleep 0.3
  done
}

cmd_tcp() {
  case ${1:-} in
    on)
      if tcp_answers; then log "tcp: already listening on 127.0.0.1:$TCP_PORT"; return 0; fi
      mkdir -p "$WORK/tcp"
      # start from the system config so every other setting stays as it was
      { [[ -f /etc/libvirt/libvirtd.conf ]] && grep -vE '^\s*(listen_tcp|listen_tls|listen_addr|auth_tcp|tcp_port)\s*=' /etc/libvirt/libvirtd.conf || true
        echo 'listen_tls = 0'
        echo 'listen_tcp = 1'
        echo 'listen_addr = "127.0.0.1"'
        echo "tcp_port = \"$TCP_PORT\""
        echo 'auth_tcp = "none"'
      } >"$WORK/tcp/libvirtd.conf"
      restart_libvirtd --listen --config "$WORK/tcp/libvirtd.conf"
      local deadline=$((SECONDS + 15))
      until tcp_answers; do
        ((SECONDS < deadline)) || die "tcp: no answer on qemu+tcp://127.0.0.1:$TCP_PORT/system"
        sleep 0.3
      done
      log "tcp: libvirtd listens on 127.0.0.1:$TCP_PORT (no auth, loopback only)"
      ;;
    off)
      if ! tcp_answers; then log "tcp: not listening"; return 0; fi
      restart_libvirtd
      log "tcp: libvirtd restarted without the TCP listener"
      ;;
    *) die "usage: $0 tcp on|off" ;;
  esac
}

cmd_all() {
  cmd_deps
  cmd_daemons
  cmd_build
  cmd_up "$@"
  local guests=("$@") g
  ((${#guests[@]})) || guests=("${DEFAULT_GUESTS[@]}")
  for g in "${guests[@]}"; do cmd_wait_ready "$g"; done
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    deps) cmd_deps ;;
    daemons) cmd_daemons ;;
    build) cmd_build ;;
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    net-down) cmd_net_down ;;
    status) cmd_status ;;
    wait-ready) cmd_wait_ready "$@" ;;
    all) cmd_all "$@" ;;
    tcp) cmd_tcp "$@" ;;
    xml) check_guest_name "${1:-}"; domain_xml "$1" ;;
    -h | --help | help | "") sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
    *) die "unknown command '$cmd' (try: $0 help)" ;;
  esac
}

main "$@"
