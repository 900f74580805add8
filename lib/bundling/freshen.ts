/**
 * Makes cargo's freshness checks follow file contents, not modification times.
 *
 * BuildKit's COPY cache ignores modification times: a context whose contents match an earlier build
 * (say, after switching branches back) reuses that layer with its old times, and cargo, which
 * compares times, would take sources older than its artifacts as unchanged and keep the artifacts of
 * other contents. So before each compile this script hashes `src`, touches every file whose content
 * differs from the manifest the last successful build left in the target cache (every file when
 * there is none), and removes that manifest, so that a failed build leaves none behind. The build
 * step installs the new manifest (`<target>/.cdk-rust-inputs.next`) only once cargo succeeded.
 *
 * Usage: `sh freshen.sh <target dir> <src dir>`.
 */
export const FRESHEN_SCRIPT = [
  'set -eu',
  'manifest="$1/.cdk-rust-inputs"',
  'cd "$2"',
  'find . -type f -exec sha256sum {} + | LC_ALL=C sort > "$manifest.next"',
  'if [ -f "$manifest" ]; then',
  '  LC_ALL=C comm -13 "$manifest" "$manifest.next" | cut -c67- | while IFS= read -r file; do touch -c -- "$file"; done',
  'else',
  '  find . -type f -exec touch -c {} +',
  'fi',
  'rm -f "$manifest"',
  '',
].join('\n');
