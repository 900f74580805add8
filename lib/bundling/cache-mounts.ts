/**
 * How the build steps mount BuildKit's cache mounts, and how writers of the shared caches take turns.
 *
 * The registry and git caches (one each per daemon or builder, shared by every project) are mounted
 * `sharing=shared` by every step that mounts them, readers and writers alike. Measured on Docker 20.10's BuildKit
 * and on BuildKit v0.34: a `sharing=locked` mount, `readonly` or not, waits while any other build holds the cache id;
 * a `private` or `shared` mount made while a `locked` or `private` user holds it gets a new, EMPTY cache instead (and
 * BuildKit may hand that empty one to later builds). Only when every user of an id mounts it `shared` do readers
 * neither wait nor see an empty cache: all of them get the same directory at once.
 *
 * Writers (the fetch step, the build cache's seed) then take turns with `flock` on a file inside the registry
 * cache, so that two projects' downloads never write the same crate at once; readers take no lock. Cargo marks an
 * unpacked crate or git checkout complete (`.cargo-ok`) only once it is whole, and an offline cargo that finds one
 * incomplete fails instead of reading it, so a reader never builds from half a download.
 *
 * The target cache is one per project (see cacheIdsFor) and stays `sharing=locked`: two builds of one project
 * must not compile into the same target directory at once.
 */

/** Where the registry cache is mounted, under the builder image's Cargo home. */
export function registryDir(cargoHome: string): string {
  return `${cargoHome}/registry`;
}

/** Where the git cache is mounted. */
export function gitDir(cargoHome: string): string {
  return `${cargoHome}/git`;
}

/** The file writers of the shared caches lock, inside the registry cache (so every builder's writers see it). */
export function sharedCacheLock(cargoHome: string): string {
  return `${registryDir(cargoHome)}/.cdk-rust-writer.lock`;
}

/** A mount of one of the caches shared by every project (registry, git): never waits, never takes a lock. */
export function sharedCacheMount(id: string, target: string, readonly: boolean): string {
  return `--mount=type=cache,id=${id},target=${target},sharing=shared${readonly ? ',readonly' : ''}`;
}

/** A mount of a project's own target cache: one build of the project at a time. */
export function projectCacheMount(id: string, target: string, readonly: boolean): string {
  return `--mount=type=cache,id=${id},target=${target},sharing=locked${readonly ? ',readonly' : ''}`;
}

/**
 * `command` (a shell command line, which may start with `NAME=value` assignments) run while holding the writers'
 * lock of the shared caches, with `flock` when the builder image has it (Debian's util-linux and busybox both do).
 */
export function underWriterLock(command: string, cargoHome: string): string {
  const lock = sharedCacheLock(cargoHome);
  return `if command -v flock >/dev/null 2>&1; then exec 9>${lock} && flock 9; fi && ${command}`;
}
