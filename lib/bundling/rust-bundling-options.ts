/**
 * How a Cargo project is built into a Lambda `bootstrap`.
 *
 * Every option here that can change the binary is part of the asset hash, so changing it triggers a
 * rebuild and leaving everything alone skips the build entirely.
 */
export interface RustBundlingOptions {
  /**
   * Cargo features to enable (`--features`).
   *
   * @default - none beyond the package's default features
   */
  readonly features?: string[];

  /**
   * Build without the package's default features (`--no-default-features`).
   *
   * @default false
   */
  readonly noDefaultFeatures?: boolean;

  /**
   * The Cargo profile to build with (`--profile`).
   *
   * `release` and `dev` are Cargo's own; any custom profile defined in the workspace's Cargo.toml works too.
   *
   * @default 'release'
   */
  readonly profile?: string;

  /**
   * Extra arguments appended to `cargo build`, for what the other options do not cover.
   *
   * They are part of the asset hash. Arguments that change where Cargo writes its output
   * (`--target-dir`, `--out-dir`, `--artifact-dir`) or what it builds (`--target`, `--bin`, `--package`)
   * are rejected: use the dedicated options instead. A `--config FILE` (or `--config=FILE`) names a file
   * relative to the workspace root, below it: the file becomes a build input, so its contents are part of
   * the asset hash and it is in the Docker build's context; an absolute path or a file outside the
   * workspace is rejected. Inline `--config KEY=VALUE` is an argument like any other.
   *
   * @default - none
   */
  readonly cargoArgs?: string[];

  /**
   * Environment variables for the build (both in Docker and in local builds).
   *
   * They are part of the asset hash, and written into the build's Dockerfile. Do not put secrets here:
   * use `buildSecrets` for tokens, and the SSH agent for private git dependencies. The cloud assembly
   * records only their names and salted digests (for `cdk-rust watch`, which takes the values from its
   * own environment and checks them against the digests).
   *
   * @default - none
   */
  readonly buildEnvironment?: Record<string, string>;

  /**
   * Secrets for the build, such as a private registry's token: the id (the environment variable the
   * build reads, e.g. `CARGO_REGISTRIES_MY_REGISTRY_TOKEN`) mapped to where the value comes from:
   * `env:NAME` (a variable of the shell that synthesizes) or `file:PATH` (a file on this machine; a
   * relative path is read from the current directory).
   *
   * In Docker builds the value is handed to BuildKit with `--secret` (from a file readable only by you,
   * outside the build context) and mounted into the fetch and compile steps, which see it as the
   * variable `ID` (trailing line breaks dropped); local builds get it in cargo's environment. It is
   * never written into the Dockerfile, the build context, an image layer, the asset, the template, the
   * assembly's metadata or a log, and it is not part of the asset hash (the ids are: changing a value
   * does not rebuild). Build scripts of the crate and its dependencies can read it, as they can read
   * everything the compile step sees. A source that cannot be read is an error at synth time.
   *
   * @default - none
   */
  readonly buildSecrets?: Record<string, string>;

  /**
   * Glob patterns of files to keep out of the build: they are never hashed, copied into the build
   * context or seen by a build script.
   *
   * Patterns are relative to the workspace root and match as in `.gitignore`, in a simple form: `*`
   * matches any characters but `/`, `?` one character but `/`, and `**` as a whole segment any number of
   * directories; a pattern without a `/` (other than a trailing one) matches a name at any depth, one
   * with a `/` is anchored at the workspace root; a trailing `/` matches directories only, and an
   * excluded directory excludes everything below it. There are no negations, character classes or
   * braces. An empty pattern, an absolute path or `..` is an error. Credentials and private keys are
   * kept out without being listed here.
   *
   * @default - none
   */
  readonly exclude?: string[];

  /**
   * Files and directories that no workspace member or path dependency holds but the build reads, as paths
   * relative to the workspace root: a workspace-level `assets/` that `include_bytes!` reaches, a
   * `migrations/` directory that `sqlx::migrate!("../migrations")` reads, a file above the workspace.
   *
   * They are hashed and sent to the build like the members' files (credentials, caches and what
   * `bundling.exclude` names are still left out). A path that does not exist, or is a symbolic link, is
   * an error. When a build fails on a file of the project that is not sent, its error says to add it here.
   *
   * @default - none: the members, their path dependencies and the workspace files
   */
  readonly include?: string[];

  /**
   * The Rust target triple to build for, overriding the one derived from the function's architecture.
   *
   * Must be a Linux target of the same architecture as the function: `x86_64-unknown-linux-musl`,
   * `aarch64-unknown-linux-musl`, or a `-gnu` variant. For a `-gnu` target the binary is linked with
   * `+crt-static` (static glibc) so that it does not depend on the Lambda image's glibc version.
   *
   * @default - `x86_64-unknown-linux-musl` for x86_64, `aarch64-unknown-linux-musl` for arm64
   */
  readonly target?: string;

  /**
   * The Docker image that runs the build.
   *
   * It must provide `cargo` on `PATH` with the requested target installed, `CARGO_HOME=/usr/local/cargo`
   * (as the official `rust` images do), and `git` plus `openssh-client` when private git dependencies are
   * fetched over SSH. Whatever the toolchain needs (a linker, build-std flags) belongs in the image's own
   * Cargo configuration: cdk-rust runs the same command in every image. Pin it by digest
   * (`name@sha256:...`) to make the asset hash follow the image exactly.
   *
   * @default - the `CDK_RUST_BUILDER_IMAGE` environment variable, or else an image that cdk-rust builds
   * and tags from its own Dockerfile: the official Rust image plus musl tools, both musl targets, git and
   * openssh-client
   */
  readonly builderImage?: string;

  /**
   * The buildx builder that runs the Docker build (`docker buildx build --builder NAME`): for instance a
   * remote BuildKit daemon (buildx's `remote`, `docker-container` or `kubernetes` driver, or a hosted builder)
   * that every CI runner shares, so that its cache mounts stay warm and a big machine does the compiling.
   *
   * Every buildx command cdk-rust runs gets `--builder NAME`. It needs a Docker client with the buildx
   * plugin. A builder other than the local daemon (`docker` driver) cannot see the local daemon's images:
   * `builderImage` must then name an image in a registry the builder can pull, pinned by digest
   * (`registry.example.com/rust-builder@sha256:...`). The binary comes back to this machine (`--output`),
   * so nothing else changes. Which builder builds does not change the binary: it is not part of the asset hash.
   *
   * @default - the builder buildx has selected: `BUILDX_BUILDER`, else the one chosen with `docker buildx use`,
   * else the local Docker daemon's own
   */
  readonly builder?: string;

  /**
   * Forward the SSH agent into the build, so that private git dependencies can be fetched.
   *
   * The agent is mounted only into the step that runs `cargo fetch` (never into the compile step, so
   * build scripts cannot use it), with `--mount=type=ssh,required=true`, and Cargo fetches with the git
   * CLI (`CARGO_NET_GIT_FETCH_WITH_CLI=true`). No key material is copied anywhere.
   *
   * @default - on when Cargo.lock or a Cargo.toml of the workspace names a git source over `ssh://` or `git@`
   */
  readonly forwardSshAgent?: boolean;

  /**
   * The SSH agent socket to forward.
   *
   * @default - the `SSH_AUTH_SOCK` environment variable
   */
  readonly sshAgentSocket?: string;

  /**
   * Pinned `known_hosts` lines for the git hosts reached over SSH, e.g.
   * `github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl`.
   *
   * They are installed as `/etc/ssh/ssh_known_hosts` in the fetch step. cdk-rust never scans host keys
   * and never turns host key checking off: a host that the lock file fetches over SSH with no line here
   * is an error at synth time. Host keys do not change the binary, so they are not part of the asset hash.
   *
   * @default - none
   */
  readonly knownHosts?: string[];

  /**
   * Always build in Docker, even when the host's cargo could build the target.
   *
   * @default false
   */
  readonly forceDockerBundling?: boolean;

  /**
   * The network for the Docker build's `RUN` steps (`docker build --network`).
   *
   * `host` lets a build reach a git server on the developer's loopback (for instance through an SSH
   * tunnel) with the same address as on the host.
   *
   * @default 'host'
   */
  readonly network?: string;

  /**
   * A directory on the host that keeps the build's caches between Docker daemons, for CI runners whose
   * daemon starts empty.
   *
   * After a Docker build, the compiled dependencies (the target cache, with the std when the builder
   * builds it) and the downloaded crates and git checkouts are archived into this directory; a build on
   * a daemon that lacks them restores them first, so a one-line change recompiles one crate instead of
   * the whole dependency tree. Cache the directory in CI (`actions/cache`, GitLab's `cache:`), writing
   * it from the main branch only. Entries are keyed by the workspace's layout, the builder image, the
   * target and the lock file; a damaged or stale entry falls back to a cold build. The directory is
   * untrusted input: the target cache is restored only from entries signed with the secret
   * `CDK_RUST_CACHE_KEY` (read from the environment only; give it to trusted jobs only), and without
   * it only what Cargo.lock pins (crates checked against its checksums, git objects checked by git) is
   * restored. The directory is kept
   * under `CDK_RUST_CACHE_MAX_MB` (default 4096) by dropping the least recently used entries, and
   * `CDK_RUST_CACHE_READ_ONLY=true` restores without ever writing it. Host-toolchain builds do not
   * use it (their target directory is already on the host).
   *
   * @default - the `CDK_RUST_CACHE_DIR` environment variable, or else no build cache
   */
  readonly cacheDirectory?: string;
}
