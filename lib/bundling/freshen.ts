/**
 * Makes cargo's freshness checks follow file contents, not modification times.
 *
 * Cargo takes a source as unchanged when it is older than the artifacts built from it. Times in the
 * build context cannot be trusted for that: BuildKit's COPY cache ignores them (a context whose
 * contents match an earlier build reuses that layer with its old times), a git checkout gives every
 * file the time of the checkout, and a build cache restored on a fresh CI runner holds artifacts
 * newer than some edits. So before each compile this script gives every source file the time at
 * which its current content was first seen by a build in this target cache:
 *
 * - the target cache keeps a manifest (`<target>/.cdk-rust-inputs`) of each file's SHA-256 and the
 *   time recorded for that content;
 * - a file whose content is in the manifest gets the recorded time back; any other file (new,
 *   edited, or switched back to earlier contents) gets the current time, which is recorded;
 * - the current time is never older than anything already in the target cache (a cache restored
 *   from a machine whose clock ran ahead cannot hide an edit).
 *
 * Every content change thus gets a time later than every artifact built before it, whichever build
 * of whichever binary of the workspace made that artifact, and an unchanged file keeps a time older
 * than its artifacts, so cargo recompiles exactly the crates whose sources changed. The new manifest
 * is installed (atomically, by rename) before cargo runs, so a failed or interrupted build still
 * leaves a manifest that matches the times of the files it compiled.
 *
 * A file name that `sha256sum` has to escape (a line break or backslash in it) cannot be matched
 * back: then every file gets the current time and no manifest is kept (everything recompiles).
 *
 * Needs `sh`, GNU coreutils and findutils, and `awk` (all in Debian-based builder images).
 * Usage: `sh freshen.sh <target dir> <src dir>`.
 */
export const FRESHEN_SCRIPT = [
  'set -eu',
  'target="$1"',
  'manifest="$target/.cdk-rust-inputs"',
  'work="$target/.cdk-rust-freshen"',
  'rm -rf "$work"',
  'mkdir -p "$work"',
  'now=$(date +%s.%N)',
  'newest=$(find "$target" -newermt "@$now" -printf \'%T@\\n\' | sort -n | tail -n 1)',
  'if [ -n "$newest" ]; then now=$(echo "$newest" | awk \'{ printf "%d.000000000", $1 + 1 }\'); fi',
  'cd "$2"',
  'find . -type f -exec sha256sum {} + > "$work/hashes"',
  'old=/dev/null',
  'if [ -f "$manifest" ]; then old="$manifest"; fi',
  ': > "$work/manifest"',
  // Manifest lines: `<sha256> <time> <path>`. sha256sum lines: `<sha256>  <path>`, or `\<sha256>  <escaped path>`.
  'awk -v now="$now" -v work="$work" -v old="$old" \'',
  '  BEGIN { while ((getline line < old) > 0) { r = substr(line, 66); i = index(r, " "); p = substr(r, i + 1); hash[p] = substr(line, 1, 64); time[p] = substr(r, 1, i - 1) } }',
  '  /^\\\\/ { escaped = 1; next }',
  '  { h = substr($0, 1, 64); p = substr($0, 67); t = now',
  // A time that is not a number: a manifest of an earlier cdk-rust (`<sha256>  <path>`), so the file counts as changed.
  '    if ((p in hash) && hash[p] == h && time[p] ~ /^[0-9]+\\.[0-9]+$/) t = time[p]',
  '    print h " " t " " p > (work "/manifest")',
  '    f = work "/at-" t; print p >> f; close(f) }',
  '  END { if (escaped) print "" > (work "/escaped") }',
  '\' "$work/hashes"',
  'if [ -f "$work/escaped" ]; then',
  '  rm -f "$manifest"',
  '  find . -type f -exec touch -c -d "@$now" {} +',
  'else',
  '  for list in "$work"/at-*; do',
  '    [ -f "$list" ] || continue',
  '    tr \'\\n\' \'\\0\' < "$list" | xargs -0 -r touch -c -d "@${list##*/at-}" --',
  '  done',
  '  mv "$work/manifest" "$manifest"',
  'fi',
  'rm -rf "$work"',
  '',
].join('\n');
