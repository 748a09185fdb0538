#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test initramfs: mount what the selftests need, run them,
# then reset the machine (qemu runs with -no-reboot, so it exits).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
# bash process substitution, as in the selftests' diff <(...) <(...)
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LC_ALL=C
cd /root
/usr/bin/bash /klp/run.sh
echo "KLPTEST-DONE"
sync
reboot -f
