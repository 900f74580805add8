#!/usr/bin/env bash
# Development / CI environment for cdk-rust.
#
#   scripts/dev-env.sh [up]   install + start everything (idempotent; fast no-op when all is up)
#   scripts/dev-env.sh down   stop what `up` started (sshd, ssh-agent, buildkitd, the registry, dockerd)
#
# `up` provides, all on this machine and offline except for Debian's mirror and crates.io:
#   * Debian's Docker engine (20.10, BuildKit built into /usr/bin/docker), no bridge network;
#   * docker buildx (built from the Go module proxy) as a CLI plugin of the Docker 28 client
#     /usr/local/bin/docker only, in a config dir of its own (.dev-env/buildx-docker-config, used
#     via DOCKER_CONFIG); /usr/bin/docker with the default config keeps seeing no buildx, so tests
#     can exercise both the plain-BuildKit and the buildx code paths;
#   * a builder image `cdk-rust-builder-offline:<recipe hash>` made with debootstrap (no registry
#     is reachable, so nothing can be pulled): the shared builder recipe of
#     lib/bundling/builder-recipe.ts (C compilers for both musl targets, as in the default image),
#     Debian's rustc 1.96 + rust-src, rustup's cargo, and a cargo config that builds static musl
#     binaries with -Zbuild-std;
#   * a git-over-SSH server on 127.0.0.1:22222 (user `git`) serving
#     /srv/cdk-rust-git/private-greeting.git and /srv/cdk-rust-git/shared-toolkit.git, built
#     deterministically from test/fixtures/git-server/<name>, plus an ssh-agent holding the client key;
#   * a Docker registry (Debian's docker-registry) on 127.0.0.1:22225 only, storing in .dev-env/registry:
#     where `cdk deploy` to moto pushes service images (ECR cannot be reached from here);
#   * a real BuildKit daemon (buildkitd, built from the Go module proxy, OCI worker with Debian's runc) on a
#     unix socket only, used through the buildx builder `cdk-rust-remote` (driver `remote`), with the
#     builder image pushed to the loopback registry (scripts/dev-env-remote-builder.sh);
#   * .dev-env/env.sh and .dev-env/env.json with the variables the tests read (CDK_DOCKER,
#     CDK_RUST_BUILDER_IMAGE, SSH_AUTH_SOCK, CDK_RUST_TEST_KNOWN_HOSTS, CDK_RUST_TEST_GIT_URL,
#     CDK_RUST_TEST_REGISTRY, CDK_RUST_TEST_BUILDX_DOCKER, CDK_RUST_TEST_BUILDX_CONFIG,
#     CDK_RUST_TEST_REMOTE_BUILDER, CDK_RUST_TEST_REMOTE_IMAGE).
#
# Everything the script creates lives in <repo>/.dev-env/ except the docker engine's own data,
# the `git` user, /srv/cdk-rust-git and Go's module and build caches (from building buildx).
# Progress goes to stderr.
set -euo pipefail

# The daemons started here must not inherit the caller's other descriptors: a test run wrapped in
# `flock LOCKFILE ...` would otherwise leave the lock held by dockerd for as long as it runs.
for fd_path in /proc/$$/fd/*; do
  fd=${fd_path##*/}
  if [[ $fd =~ ^[0-9]+$ && $fd -gt 2 && $fd -ne 255 ]]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$REPO/.dev-env"

DOCKER=/usr/bin/docker            # Debian's client; /usr/local/bin/docker (28.x, no buildx) fails
SSH_PORT=22222
REGISTRY_ADDR=127.0.0.1:22225
GIT_ROOT=/srv/cdk-rust-git
GIT_REPO="$GIT_ROOT/private-greeting.git"
GIT_URL="ssh://git@127.0.0.1:$SSH_PORT$GIT_REPO"
IMAGE_NAME=cdk-rust-builder-offline
BUILDX_VERSION=v0.38.2            # docker/buildx, built from the Go module proxy
BUILDX_DOCKER=/usr/local/bin/docker   # the client that gets the buildx plugin (Docker 28)
BUILDX_CONFIG="$STATE/buildx-docker-config"   # its DOCKER_CONFIG; never ~/.docker (seen by both clients)
SUITE=bookworm

log() { printf '[dev-env] %s\n' "$*" >&2; }
die() { printf '[dev-env] ERROR: %s\n' "$*" >&2; exit 1; }

# The host's CA bundle is copied into the image: on machines whose HTTPS goes through an
# intercepting proxy (this project's machines do), crates.io is only trusted with the host's CAs.
HOST_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

# The builder recipe shared with the default builder image (lib/bundling/builder-recipe.ts: packages,
# both musl targets' C compilers, cargo's [env] for cc-rs), extracted by extract_recipe into:
RECIPE="$STATE/builder-recipe.sh"

# Tag = short hash of the recipe: the functions that build the image (their text, as bash prints
# them), the shared builder recipe, plus the host CA bundle that gets baked in. Any change of these
# => new tag; edits elsewhere in this script do not rebuild the image. Set in cmd_up, once the
# functions are defined and the shared recipe is extracted.
image_tag() { { declare -f ensure_image prebuild_std host_cargo apt_uri_for_suite; cat "$RECIPE"; cat "$HOST_CA_BUNDLE" 2>/dev/null; } | sha256sum | cut -c1-12; }
IMAGE=

# shellcheck source=scripts/dev-env-remote-builder.sh
. "$REPO/scripts/dev-env-remote-builder.sh"

pid_alive() { local p; p=$(cat "$1" 2>/dev/null) && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }

# --------------------------------------------------------------------------------------------
# 1. Debian packages
# --------------------------------------------------------------------------------------------
ensure_packages() {
  local wanted=(docker.io debootstrap openssh-server openssh-client git file binutils qemu-user-static
                ca-certificates coreutils curl docker-registry) missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]} (apt's output: $STATE/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$STATE/apt.log" 2>&1 || { tail -n 30 "$STATE/apt.log" >&2; die "apt-get update failed (see $STATE/apt.log)"; }
  # policy-rc.d keeps the package scripts from starting the system's own sshd/docker services
  # (we start our own instances below); removed again right after.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; created_policy=1; fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$STATE/apt.log" 2>&1 ||
    { ((created_policy)) && rm -f "$policy"; tail -n 30 "$STATE/apt.log" >&2; die "apt-get install failed (see $STATE/apt.log)"; }
  ((created_policy)) && rm -f "$policy"
  return 0
}

# --------------------------------------------------------------------------------------------
# 2. Docker engine
# --------------------------------------------------------------------------------------------
ensure_docker() {
  if "$DOCKER" info >/dev/null 2>&1; then return 0; fi
  log "starting dockerd (no bridge, no iptables); log: $STATE/dockerd.log"
  # setsid + redirected stdio: the daemon must not hold the caller's (CI's) pipes open.
  setsid dockerd --bridge=none --iptables=false --ip-masq=false \
    >>"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  local i
  for ((i = 0; i < 120; i++)); do
    if [[ -S /var/run/docker.sock ]] && "$DOCKER" info >/dev/null 2>&1; then
      log "dockerd is up"; return 0
    fi
    pid_alive "$STATE/dockerd.pid" || break
    sleep 0.5
  done
  tail -n 30 "$STATE/dockerd.log" >&2 || true
  die "dockerd did not come up (see $STATE/dockerd.log, tail above)"
}

# --------------------------------------------------------------------------------------------
# 2b. buildx, as a CLI plugin of the Docker 28 client only
# --------------------------------------------------------------------------------------------
# Not packaged for bookworm: built with `go install` from the Go module proxy (about 1.5 min on
# two cores) into a directory named after the version (a version change => a new build), then
# copied into a DOCKER_CONFIG of its own. A plugin in ~/.docker/cli-plugins would be seen by
# /usr/bin/docker too, and the tests need one client with buildx and one without.
ensure_buildx() {
  local dir="$STATE/buildx-$BUILDX_VERSION" plugin="$BUILDX_CONFIG/cli-plugins/docker-buildx"
  if [[ ! -x $dir/buildx ]]; then
    local go t0=$SECONDS old
    go=$(command -v go 2>/dev/null) || go=/usr/local/go/bin/go
    [[ -x $go ]] || die "no Go toolchain (go on PATH or /usr/local/go/bin/go) to build buildx $BUILDX_VERSION"
    log "building buildx $BUILDX_VERSION with $go (about 1.5 min); log: $STATE/buildx-build.log"
    rm -rf "$dir.partial"
    mkdir -p "$dir.partial"
    # -X version.Version: what `buildx version` reports (else v0.0.0+unknown), as upstream's own build.
    GOFLAGS=-mod=mod GOBIN="$dir.partial" "$go" install \
      -ldflags "-s -w -X github.com/docker/buildx/version.Version=$BUILDX_VERSION" \
      "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION" \
      >"$STATE/buildx-build.log" 2>&1 </dev/null ||
      { tail -n 30 "$STATE/buildx-build.log" >&2; die "go install of buildx $BUILDX_VERSION failed (see $STATE/buildx-build.log)"; }
    [[ -x $dir.partial/buildx ]] || die "go install left no $dir.partial/buildx"
    rm -rf "$dir"
    mv "$dir.partial" "$dir"   # only a complete build gets the final name
    log "buildx $BUILDX_VERSION built in $((SECONDS - t0)) s"
    for old in "$STATE"/buildx-v*; do   # builds of other versions (~70 MB each)
      [[ $old == "$dir" || ! -d $old ]] || rm -rf "$old"
    done
  fi
  if ! cmp -s "$dir/buildx" "$plugin"; then
    log "installing buildx $BUILDX_VERSION as a CLI plugin in $BUILDX_CONFIG (for $BUILDX_DOCKER)"
    install -D -m 0755 "$dir/buildx" "$plugin.new"
    mv "$plugin.new" "$plugin"
  fi
  chmod 0755 "$plugin"
  local out
  out=$(DOCKER_CONFIG="$BUILDX_CONFIG" "$BUILDX_DOCKER" buildx version 2>&1) ||
    { echo "$out" >&2; die "DOCKER_CONFIG=$BUILDX_CONFIG $BUILDX_DOCKER buildx version fails"; }
  # The other client, with the default config, must not see any buildx (e.g. a plugin someone put
  # in ~/.docker/cli-plugins): the tests of the non-buildx path would silently use it.
  if out=$(env -u DOCKER_CONFIG "$DOCKER" buildx version 2>&1); then
    die "$DOCKER (default config) sees a buildx plugin ($out): remove it from ~/.docker/cli-plugins or /usr/libexec/docker/cli-plugins; buildx belongs in $BUILDX_CONFIG only"
  fi
  out=$(DOCKER_CONFIG="$BUILDX_CONFIG" "$BUILDX_DOCKER" buildx inspect default 2>&1) ||
    { echo "$out" >&2; die "buildx inspect of the default builder fails"; }
  grep -Eq '^Driver:[[:space:]]+docker$' <<<"$out" ||
    { echo "$out" >&2; die "buildx's default builder does not use the 'docker' driver"; }
}

# --------------------------------------------------------------------------------------------
# 3. Builder image, made offline with debootstrap
# --------------------------------------------------------------------------------------------

# Prints the URI of the host's apt source whose Suites include $1 (deb822 debian.sources, with a
# fallback to one-line sources.list entries). The mirror is read at run time, never hard-coded.
apt_uri_for_suite() {
  local suite=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk -v want="$suite" '
      function flush() { if (uri != "" && ok && !done) { print uri; done = 1 } uri = ""; ok = 0 }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/   { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == want) ok = 1 }
      END { flush() }' "$f"
  done | head -n1 | grep . && return 0
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk -v want="$suite" '$1 == "deb" { u = ($2 ~ /^\[/) ? $3 : $2; s = ($2 ~ /^\[/) ? $4 : $3;
                                        if (s == want) { print u; exit } }' | grep .
}

host_cargo() {
  local c
  if command -v rustup >/dev/null 2>&1 && c=$(rustup which --toolchain stable cargo 2>/dev/null); then
    echo "$c"; return 0
  fi
  c="${RUSTUP_HOME:-$HOME/.rustup}/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo"
  [[ -x $c ]] || die "rustup's stable cargo not found (needed in the builder image: Debian's cargo-web breaks on git deps)"
  echo "$c"
}

# Writes the shared builder recipe (the TypeScript constant the library uses) to $RECIPE: one
# source of truth, read with ts-node (a devDependency), so no build of the library is needed.
extract_recipe() {
  (cd "$REPO" && node -e '
    require("ts-node").register({ transpileOnly: true });
    process.stdout.write(require("./lib/bundling/builder-recipe").BUILDER_RECIPE);') >"$RECIPE.new" ||
    die "could not read BUILDER_RECIPE from lib/bundling/builder-recipe.ts"
  grep -q '^set -eu$' "$RECIPE.new" || die "the extracted builder recipe looks wrong: $RECIPE.new"
  mv "$RECIPE.new" "$RECIPE"
}

# Debian ships no musl std, and rustup cannot download one here: the std of both musl targets is built once
# from the toolchain's own sources (rust-src, with the std's crates vendored in it, so offline), as rustup's
# prebuilt targets would be (release profile, both panic runtimes, panic_abort itself built with panic=abort, and
# bitcode embedded so that crates built with `lto` can link it), and installed into the rustc sysroot. Every
# build then links it instead of compiling the std again in each new target cache (-Zbuild-std), which took
# a minute or more of every cold build. Its log: $STATE/std-prebuild.log.
prebuild_std() {
  local root=$1
  log "building the std of both musl targets into the image's sysroot"
  chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin CARGO_HOME=/usr/local/cargo RUSTC=/usr/bin/rustc \
    RUSTC_BOOTSTRAP=1 sh -exc '
      sysroot=$(rustc --print sysroot)
      vendor="$sysroot/lib/rustlib/src/rust/library/vendor"
      # The panic_abort runtime itself is compiled with panic=abort, as rustc'"'"'s own bootstrap does, so that crates
      # built with panic = "abort" can link it; everything else with the default (unwind).
      printf "%s\n" "#!/bin/sh" "prev=" "for arg in \"\$@\"; do" \
        "  if [ \"\$prev\" = --crate-name ] && [ \"\$arg\" = panic_abort ]; then exec \"\$@\" -C panic=abort; fi" \
        "  prev=\$arg" "done" "exec \"\$@\"" >/tmp/std-prebuild-rustc
      chmod 755 /tmp/std-prebuild-rustc
      mkdir -p /tmp/std-prebuild/src && cd /tmp/std-prebuild
      printf "[package]\nname = \"std-prebuild\"\nversion = \"0.0.0\"\nedition = \"2021\"\n" >Cargo.toml
      echo "fn main() {}" >src/main.rs
      for target in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
        RUSTC_WRAPPER=/tmp/std-prebuild-rustc cargo build --offline --release -Zbuild-std=std,panic_abort --target "$target" \
          --config "target.$target.rustflags=[\"-C\", \"embed-bitcode=yes\"]" \
          --config "source.crates-io.replace-with=\"std-vendor\"" --config "source.std-vendor.directory=\"$vendor\""
        mkdir -p "$sysroot/lib/rustlib/$target/lib"
        for rlib in target/$target/release/deps/lib*.rlib; do
          case "$rlib" in */libstd_prebuild-*) ;; *) install -m 0644 "$rlib" "$sysroot/lib/rustlib/$target/lib/" ;; esac
        done
      done
      cd / && rm -rf /tmp/std-prebuild /tmp/std-prebuild-rustc' \
    >"$STATE/std-prebuild.log" 2>&1 ||
    { tail -n 30 "$STATE/std-prebuild.log" >&2; die "building the musl std failed (see $STATE/std-prebuild.log)"; }
}

ensure_image() {
  if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then return 0; fi
  local t0=$SECONDS main_uri sec_uri upd_uri cargo_bin
  main_uri=$(apt_uri_for_suite "$SUITE") || die "no '$SUITE' entry in the host's apt sources"
  sec_uri=$(apt_uri_for_suite "$SUITE-security") || die "no '$SUITE-security' entry in the host's apt sources (rustc-web 1.96 lives there)"
  upd_uri=$(apt_uri_for_suite "$SUITE-updates") || upd_uri=$main_uri
  cargo_bin=$(host_cargo)
  log "building image $IMAGE (debootstrap from the host's mirror, cargo from $cargo_bin)"

  local root="$STATE/rootfs"
  rm -rf --one-file-system "$root"
  mkdir -p "$root"
  debootstrap --variant=minbase \
    --include=ca-certificates,gcc,libc6-dev \
    "$SUITE" "$root" "$main_uri" >"$STATE/debootstrap.log" 2>&1 ||
    { tail -n 30 "$STATE/debootstrap.log" >&2; die "debootstrap failed (see $STATE/debootstrap.log)"; }

  # Rust 1.96 (rustc-web) is only in bookworm-security: add security + updates inside the rootfs.
  cat >"$root/etc/apt/sources.list" <<EOF
deb $main_uri $SUITE main
deb $upd_uri $SUITE-updates main
deb $sec_uri $SUITE-security main
EOF
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
  # The shared builder recipe (the same script the default image runs: packages, both musl C
  # compilers, cargo's [env] for cc-rs), with this image's own toolchain packages: Debian's Rust and
  # LLVM's libunwind. It enables arm64 multiarch, so the arm64 libunwind.a can be fetched after it:
  # libunwind-14:arm64 cannot be co-installed with the amd64 one (same non-multiarch path under
  # /usr/lib/llvm-14), so it is only unpacked aside.
  install -D -m 0755 "$RECIPE" "$root/usr/local/share/cdk-rust/builder-recipe.sh"
  chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin CARGO_HOME=/usr/local/cargo sh -exc '
      sh /usr/local/share/cdk-rust/builder-recipe.sh rustc-web rust-web-src libunwind-14-dev
      cd /tmp && apt-get download -qq libunwind-14-dev:arm64
      mkdir /tmp/unwind-arm64 && dpkg-deb -x libunwind-14-dev_*_arm64.deb /tmp/unwind-arm64
      apt-get clean' \
    >"$STATE/chroot-apt.log" 2>&1 ||
    { tail -n 30 "$STATE/chroot-apt.log" >&2; die "apt-get in the rootfs failed (see $STATE/chroot-apt.log)"; }
  rm -rf "$root/var/lib/apt/lists/"* "$root/usr/sbin/policy-rc.d"
  [[ -f $HOST_CA_BUNDLE ]] && cp "$HOST_CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  : >"$root/etc/resolv.conf"

  # musl static linking kit (see shared/ENVIRONMENT.md): LLVM's libunwind.a alone in a folder, so
  # `-L` finds it and nothing else from llvm-14's lib dir; and a shim for __fprintf_chk, the only
  # glibc-fortify symbol Debian's libunwind.a references, implemented on musl's vfprintf.
  local kit=/usr/local/lib/cdk-rust-musl
  mkdir -p "$root$kit"
  cp "$root/usr/lib/llvm-14/lib/libunwind.a" "$root$kit/libunwind.a"
  cat >"$root$kit/fprintf_chk.c" <<'EOF'
#include <stdarg.h>
#include <stdio.h>
int __fprintf_chk(FILE *stream, int flag, const char *format, ...) {
  (void)flag;
  va_list ap;
  va_start(ap, format);
  int n = vfprintf(stream, format, ap);
  va_end(ap);
  return n;
}
EOF
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin musl-gcc -O2 -c -o "$kit/fprintf_chk.o" "$kit/fprintf_chk.c"

  # Same kit for aarch64: the arm64 libunwind.a and the same shim compiled for arm64 with the
  # recipe's aarch64-linux-musl-gcc.
  local kit64=/usr/local/lib/cdk-rust-musl-aarch64
  mkdir -p "$root$kit64"
  cp "$root/tmp/unwind-arm64/usr/lib/llvm-14/lib/libunwind.a" "$root$kit64/libunwind.a"
  rm -rf "$root/tmp/unwind-arm64" "$root/tmp/"*.deb
  chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin \
    aarch64-linux-musl-gcc -O2 -c -o "$kit64/fprintf_chk.o" "$kit/fprintf_chk.c"

  # rustup's cargo (1.95) next to Debian's rustc (1.96): Debian's cargo-web fails on every git
  # dependency (libgit2 1.5). It links only glibc + libgcc_s, both present in the rootfs.
  install -D -m 0755 "$cargo_bin" "$root/usr/local/bin/cargo"

  # Global cargo config, after the recipe's [env] (C compilers for cc-rs): how this toolchain links.
  # Debian's rustc has no self-contained musl objects, so both targets link through the recipe's musl
  # gcc wrappers (musl's crt objects and libc) with the unwinder kit. Cargo joins arrays across
  # configs (--config on the command line appends to these rustflags), but a
  # RUSTFLAGS/CARGO_TARGET_*_RUSTFLAGS env var would replace them.
  cat >>"$root/usr/local/cargo/config.toml" <<EOF

[target.x86_64-unknown-linux-musl]
linker = "musl-gcc"
rustflags = ["-C", "link-self-contained=no", "-C", "relocation-model=static", "-L", "$kit", "-C", "link-arg=$kit/fprintf_chk.o"]

[target.aarch64-unknown-linux-musl]
linker = "aarch64-linux-musl-gcc"
rustflags = ["-C", "link-self-contained=no", "-C", "relocation-model=static", "-L", "$kit64", "-C", "link-arg=$kit64/fprintf_chk.o"]
EOF
  prebuild_std "$root"

  log "importing rootfs into docker as $IMAGE"
  tar --numeric-owner -C "$root" -c . |
    "$DOCKER" import \
      --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV CARGO_HOME=/usr/local/cargo' \
      --change 'ENV RUSTC=/usr/bin/rustc' \
      --change 'ENV RUSTC_BOOTSTRAP=1' \
      --change 'WORKDIR /src' \
      --message "cdk-rust offline builder (recipe ${IMAGE#*:})" \
      - "$IMAGE" >/dev/null
  rm -rf --one-file-system "$root"
  log "image $IMAGE built in $((SECONDS - t0)) s"
  # Drop builder images of older recipes (1.5 GB each); one still in use just stays.
  local old
  for old in $("$DOCKER" images --format '{{.Repository}}:{{.Tag}}' "$IMAGE_NAME"); do
    [[ $old == "$IMAGE" ]] || "$DOCKER" rmi "$old" >/dev/null 2>&1 || true
  done
}

# --------------------------------------------------------------------------------------------
# 4. git-over-SSH server, client key, ssh-agent
# --------------------------------------------------------------------------------------------
ensure_git_user() {
  if ! id git >/dev/null 2>&1; then
    log "creating user git"
    useradd --system --create-home --home-dir /home/git --shell /usr/bin/git-shell git
  fi
  # useradd leaves the password field as '!' (locked) and sshd (UsePAM no) refuses locked
  # accounts even for key logins; '*' = no password, not locked.
  [[ "$(getent shadow git | cut -d: -f2)" == '*' ]] || usermod -p '*' git
  local home; home=$(getent passwd git | cut -d: -f6)
  install -d -m 0700 -o git -g git "$home/.ssh"
  if ! cmp -s "$STATE/client_ed25519.pub" "$home/.ssh/authorized_keys" 2>/dev/null; then
    install -m 0600 -o git -g git "$STATE/client_ed25519.pub" "$home/.ssh/authorized_keys"
  fi
}

# Builds a fixture's single commit straight into its bare repo: commit_fixture_repo NAME PATH...
# (PATHs relative to test/fixtures/git-server/NAME). Fixed identities, dates and branch + an isolated
# git config => the same SHA on every machine (the fixtures' Cargo.lock files pin it). Prints the SHA.
commit_fixture_repo() {
  local name=$1; shift
  local fixture="$REPO/test/fixtures/git-server/$name" repo="$GIT_ROOT/$name.git"
  [[ -f "$fixture/Cargo.toml" ]] || die "missing fixture $fixture"
  mkdir -p "$GIT_ROOT"
  local -x GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=/nonexistent
  local -x GIT_AUTHOR_NAME="cdk-rust fixtures" GIT_AUTHOR_EMAIL="fixtures@cdk-rust.invalid"
  local -x GIT_COMMITTER_NAME="cdk-rust fixtures" GIT_COMMITTER_EMAIL="fixtures@cdk-rust.invalid"
  local -x GIT_AUTHOR_DATE="2025-01-01T00:00:00+0000" GIT_COMMITTER_DATE="2025-01-01T00:00:00+0000"
  [[ -f "$repo/HEAD" ]] || git init -q --bare --initial-branch=main "$repo"
  local tmp; tmp=$(mktemp -d)
  local -x GIT_DIR="$repo" GIT_INDEX_FILE="$tmp/index" GIT_WORK_TREE="$fixture"
  # Only the named sources: never target/ or a stray Cargo.lock from a local build.
  local tree commit
  tree=$(cd "$fixture" && git -c core.autocrlf=false -c core.filemode=true add -f -- "$@" &&
         git write-tree)
  commit=$(printf '%s fixture\n' "$name" | git commit-tree "$tree")
  rm -rf "$tmp"
  git update-ref refs/heads/main "$commit"
  git symbolic-ref HEAD refs/heads/main
  unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
  echo "$commit"
}

# The served repositories: private-greeting (pinned by private-dep/Cargo.lock) and shared-toolkit, a
# workspace whose crates live in crates/<name>/ (pinned by corpus/monorepo/Cargo.lock).
ensure_git_repo() {
  local commit lock name
  commit=$(commit_fixture_repo private-greeting Cargo.toml src)
  echo "$commit" >"$STATE/private-greeting.sha"
  commit=$(commit_fixture_repo shared-toolkit Cargo.toml crates)
  echo "$commit" >"$STATE/shared-toolkit.sha"
  chown -R git:git "$GIT_ROOT"
  for name in private-greeting:private-dep shared-toolkit:corpus/monorepo; do
    commit=$(cat "$STATE/${name%%:*}.sha")
    lock="$REPO/test/fixtures/${name#*:}/Cargo.lock"
    if [[ -f $lock ]] && ! grep -q "#$commit\"" "$lock"; then
      log "WARNING: $lock does not pin $commit (regenerate it: see test/fixtures/README.md)"
    fi
  done
}

ensure_keys() {
  [[ -f "$STATE/ssh_host_ed25519_key" ]] ||
    ssh-keygen -q -t ed25519 -N '' -C cdk-rust-dev-env-host -f "$STATE/ssh_host_ed25519_key"
  [[ -f "$STATE/client_ed25519" ]] ||
    ssh-keygen -q -t ed25519 -N '' -C cdk-rust-dev-env-client -f "$STATE/client_ed25519"
  chmod 600 "$STATE/ssh_host_ed25519_key" "$STATE/client_ed25519"
  # Pinned known-hosts line, from the host key itself (no ssh-keyscan, no trust-on-first-use).
  printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$STATE/ssh_host_ed25519_key.pub")" \
    >"$STATE/known_hosts.new"
  mv "$STATE/known_hosts.new" "$STATE/known_hosts"
}

ensure_sshd() {
  cat >"$STATE/sshd_config.new" <<EOF
# Generated by scripts/dev-env.sh: test git server, loopback only.
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $STATE/ssh_host_ed25519_key
PidFile $STATE/sshd.pid
AllowUsers git
PermitRootLogin no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
PrintMotd no
LogLevel VERBOSE
EOF
  local changed=0
  cmp -s "$STATE/sshd_config.new" "$STATE/sshd_config" || changed=1
  mv "$STATE/sshd_config.new" "$STATE/sshd_config"
  if pid_alive "$STATE/sshd.pid"; then
    ((changed)) || return 0
    log "sshd config changed: restarting"
    kill "$(cat "$STATE/sshd.pid")"; sleep 0.5
  fi
  mkdir -p /run/sshd && chmod 0755 /run/sshd   # privilege-separation dir (gone after a reboot)
  /usr/sbin/sshd -t -f "$STATE/sshd_config" || die "invalid $STATE/sshd_config"
  log "starting sshd on 127.0.0.1:$SSH_PORT; log: $STATE/sshd.log"
  /usr/sbin/sshd -f "$STATE/sshd_config" -E "$STATE/sshd.log" </dev/null
  local i
  for ((i = 0; i < 50; i++)); do pid_alive "$STATE/sshd.pid" && return 0; sleep 0.1; done
  tail -n 20 "$STATE/sshd.log" >&2 || true
  die "sshd did not start"
}

ensure_agent() {
  local sock="$STATE/agent.sock" rc=0
  SSH_AUTH_SOCK=$sock ssh-add -l >/dev/null 2>&1 || rc=$?
  if ((rc == 2)); then   # 2 = cannot reach an agent: (re)start it
    if pid_alive "$STATE/agent.pid"; then kill "$(cat "$STATE/agent.pid")" 2>/dev/null || true; fi
    rm -f "$sock"
    log "starting ssh-agent at $sock"
    # ssh-agent forks and detaches (stdio to /dev/null); we only keep its pid.
    ssh-agent -a "$sock" -s </dev/null | sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' >"$STATE/agent.pid"
  fi
  local fp; fp=$(ssh-keygen -l -f "$STATE/client_ed25519.pub" | awk '{print $2}')
  SSH_AUTH_SOCK=$sock ssh-add -l 2>/dev/null | grep -qF "$fp" ||
    SSH_AUTH_SOCK=$sock ssh-add -q "$STATE/client_ed25519" 2>/dev/null
}

# The loopback registry. The package's own service and config (listening on every interface) are not
# used: policy-rc.d keeps the package from starting it, and ours listens on 127.0.0.1 only.
ensure_registry() {
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n' \
    "$STATE/registry" "$REGISTRY_ADDR" >"$STATE/registry.yml.new"
  local changed=0
  cmp -s "$STATE/registry.yml.new" "$STATE/registry.yml" || changed=1
  mv "$STATE/registry.yml.new" "$STATE/registry.yml"
  if pid_alive "$STATE/registry.pid"; then
    ((changed)) || return 0
    kill "$(cat "$STATE/registry.pid")"; sleep 0.5
  fi
  mkdir -p "$STATE/registry"
  log "starting the registry on $REGISTRY_ADDR; log: $STATE/registry.log"
  /usr/bin/docker-registry serve "$STATE/registry.yml" >"$STATE/registry.log" 2>&1 </dev/null &
  echo $! >"$STATE/registry.pid"
  local i
  for ((i = 0; i < 50; i++)); do curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1 && return 0; sleep 0.1; done
  tail -n 20 "$STATE/registry.log" >&2 || true
  die "the registry did not start"
}

# End-to-end check of the git server through the agent with the pinned host key.
check_git_over_ssh() {
  local got name
  for name in private-greeting shared-toolkit; do
    got=$(SSH_AUTH_SOCK="$STATE/agent.sock" \
          GIT_SSH_COMMAND="ssh -o UserKnownHostsFile=$STATE/known_hosts -o IdentitiesOnly=no -o BatchMode=yes" \
          git ls-remote "ssh://git@127.0.0.1:$SSH_PORT$GIT_ROOT/$name.git" refs/heads/main 2>&1) ||
      { echo "$got" >&2; tail -n 20 "$STATE/sshd.log" >&2 || true; die "git ls-remote over ssh failed"; }
    [[ "$got" == "$(cat "$STATE/$name.sha")"$'\t'refs/heads/main ]] ||
      die "git server serves '$got' for $name, expected $(cat "$STATE/$name.sha")"
  done
}

# --------------------------------------------------------------------------------------------
# 5. env.sh / env.json
# --------------------------------------------------------------------------------------------
write_env() {
  local -a kv=(
    CDK_DOCKER "$DOCKER"
    CDK_RUST_BUILDER_IMAGE "$IMAGE"
    SSH_AUTH_SOCK "$STATE/agent.sock"
    CDK_RUST_TEST_KNOWN_HOSTS "$STATE/known_hosts"
    CDK_RUST_TEST_GIT_URL "$GIT_URL"
    CDK_RUST_TEST_REGISTRY "$REGISTRY_ADDR"
    CDK_RUST_TEST_BUILDX_DOCKER "$BUILDX_DOCKER"
    CDK_RUST_TEST_BUILDX_CONFIG "$BUILDX_CONFIG"
    CDK_RUST_TEST_REMOTE_BUILDER "$REMOTE_BUILDER"
    CDK_RUST_TEST_REMOTE_IMAGE "$REMOTE_IMAGE_REF"
  )
  local i sh='' json='{' sep=''
  for ((i = 0; i < ${#kv[@]}; i += 2)); do
    sh+="export ${kv[i]}=$(printf '%q' "${kv[i+1]}")"$'\n'
    # values are paths/URLs/tags without quotes or backslashes; JSON-escape them anyway
    local v=${kv[i+1]//\\/\\\\}; v=${v//\"/\\\"}
    json+="$sep\"${kv[i]}\": \"$v\""; sep=', '
  done
  printf '%s' "$sh" >"$STATE/env.sh"
  printf '%s}\n' "$json" >"$STATE/env.json"
}

# --------------------------------------------------------------------------------------------
# The project's npm dependencies, when node_modules is missing or older than the lock file.
ensure_node_modules() {
  if [[ -f $REPO/node_modules/.package-lock.json && ! $REPO/package-lock.json -nt $REPO/node_modules/.package-lock.json ]]; then
    return 0
  fi
  log "installing npm dependencies (npm ci)"
  (cd "$REPO" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

cmd_up() {
  [[ $(id -u) == 0 ]] || die "run as root (apt-get, dockerd, sshd, useradd)"
  local t0=$SECONDS
  mkdir -p "$STATE"
  ensure_node_modules
  extract_recipe
  IMAGE="$IMAGE_NAME:$(image_tag)"
  ensure_packages
  ensure_docker
  ensure_buildx
  ensure_image
  ensure_keys
  ensure_git_user
  ensure_git_repo
  ensure_sshd
  ensure_agent
  ensure_registry
  ensure_remote_builder_env
  check_git_over_ssh
  write_env
  log "up in $((SECONDS - t0)) s: image $IMAGE, git $GIT_URL @ $(cat "$STATE/private-greeting.sha")"
  log "use: source $STATE/env.sh"
}

stop_pidfile() {  # stop_pidfile NAME FILE   (sshd deletes its own pid file on exit: read it once)
  local pid i
  pid=$(cat "$2" 2>/dev/null) || return 0
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$2"
}

cmd_down() {
  stop_pidfile sshd "$STATE/sshd.pid"
  stop_pidfile ssh-agent "$STATE/agent.pid"
  rm -f "$STATE/agent.sock"
  stop_pidfile buildkitd "$STATE/buildkitd.pid"
  rm -f "$BUILDKITD_SOCK"
  stop_pidfile registry "$STATE/registry.pid"
  stop_pidfile dockerd "$STATE/dockerd.pid"   # only a dockerd this script started
}

case "${1:-up}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) echo "usage: $0 [up|down]" >&2; exit 2 ;;
esac
