#!/usr/bin/env bash
# make arm64-check: install and exercise picoagent in an emulated aarch64 Debian.
#
# Builds a Debian bookworm arm64 root with debootstrap (Debian's packages), runs it
# through qemu-user-static via binfmt_misc, installs picoagent from this working
# tree with pip (aarch64 wheels from PyPI), and runs `picoagent validate` on the
# examples, `picoagent find` on a bundled screenshot and the unit tests that need
# no display.  Correctness only: emulated timings say nothing about ARM speed.
#
# Needs root.  Takes ~10-20 minutes the first time; the root is kept in
# build/arm64-root and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOTFS=${ARM64_ROOT:-$PWD/build/arm64-root}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

step() { printf '\n== %s\n' "$*"; }

step "host tools (qemu-user-static, debootstrap, binfmt-support)"
missing=$(for p in qemu-user-static debootstrap binfmt-support; do
  dpkg -s $p >/dev/null 2>&1 || echo $p; done)
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  $SUDO mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
$SUDO update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  $SUDO update-binfmts --import qemu-aarch64 >/dev/null 2>&1 || true
fi
grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || {
  echo "arm64-check: qemu-aarch64 is not registered with binfmt_misc" >&2; exit 3; }

if [ ! -x "$ROOTFS/usr/bin/python3" ]; then
  step "debootstrap bookworm arm64 into $ROOTFS"
  $SUDO mkdir -p "$ROOTFS"
  $SUDO debootstrap --arch=arm64 --variant=minbase \
    --include=python3,python3-venv,python3-pip,ca-certificates,libgl1,libglib2.0-0 \
    bookworm "$ROOTFS" "$MIRROR"
fi

step "copy the working tree"
$SUDO rm -rf "$ROOTFS/opt/picoagent"
$SUDO mkdir -p "$ROOTFS/opt/picoagent"
git ls-files -z --cached --others --exclude-standard | \
  $SUDO tar --null -T - -cf - | $SUDO tar -xf - -C "$ROOTFS/opt/picoagent"
$SUDO cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true
# the host's way to PyPI (index settings and the CA bundle they trust) goes along
for f in /etc/pip.conf /etc/ssl/certs/ca-certificates.crt; do
  if [ -f "$f" ]; then $SUDO mkdir -p "$ROOTFS$(dirname $f)"; $SUDO cp "$f" "$ROOTFS$f"; fi
done
$SUDO rm -rf "$ROOTFS/etc/xdg/pip"

# onnxruntime reads /proc/cpuinfo to detect ARM features; under qemu-user the
# host's x86 cpuinfo makes it crash, so a Raspberry Pi 4 cpuinfo is bound over it.
CPUINFO=$(mktemp)
for i in 0 1 2 3; do cat >> "$CPUINFO" <<CPU
processor	: $i
BogoMIPS	: 108.00
Features	: fp asimd evtstrm crc32 cpuid
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x0
CPU part	: 0xd08
CPU revision	: 3

CPU
done
printf 'Hardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n' >> "$CPUINFO"

cleanup() {
  for m in proc/cpuinfo proc sys dev; do
    mountpoint -q "$ROOTFS/$m" && $SUDO umount -l "$ROOTFS/$m" || true
  done
  rm -f "$CPUINFO"
}
trap cleanup EXIT
$SUDO mount -t proc proc "$ROOTFS/proc"
$SUDO mount --bind "$CPUINFO" "$ROOTFS/proc/cpuinfo"
$SUDO mount --rbind /dev "$ROOTFS/dev"
$SUDO mount -t sysfs sysfs "$ROOTFS/sys"

step "install picoagent with pip inside the arm64 root"
$SUDO chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  ${PIP_INDEX_URL:+PIP_INDEX_URL=$PIP_INDEX_URL} PIP_DEFAULT_TIMEOUT=180 \
  /bin/bash -euo pipefail -c '
  uname -m
  python3 --version
  [ -x /opt/venv/bin/python ] || python3 -m venv /opt/venv
  /opt/venv/bin/pip install -q --upgrade pip
  /opt/venv/bin/pip install -q "/opt/picoagent[test]"
  /opt/venv/bin/python -c "import platform, onnxruntime; print(\"python\", platform.machine(), \"onnxruntime\", onnxruntime.__version__)"
'

step "run picoagent under emulation"
$SUDO chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  /bin/bash -euo pipefail -c '
  cd /opt/picoagent
  echo "machine: $(uname -m)"
  /opt/venv/bin/picoagent validate examples/*.yaml
  /opt/venv/bin/picoagent find "{text: OK, right_of: Cancel}" --image tests/data/zenity_entry.png
  /opt/venv/bin/python -m pytest -q -p no:cacheprovider tests/unit \
    -k "not test_random and not lazy_finds_the_same" 2>&1 | tail -3
'
step "arm64-check passed"
