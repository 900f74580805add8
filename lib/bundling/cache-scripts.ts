/**
 * The shell scripts of the build cache's dependency archive (POSIX sh, GNU coreutils and findutils,
 * git: all in Debian-based builder images). Each reads the list `lockDepsList` (lock-checksums.ts)
 * writes: `crate <name>-<version> <sha256>` and `git <name> <rev>` lines whose words were checked
 * against strict patterns.
 *
 * - {@link SELECT_DEPS_SCRIPT} (save): the files of `$CARGO_HOME` the lock file names: the `.crate`
 *   files of its registry crates, and the object files of the git databases that hold its locked
 *   commits. Never an index, an unpacked `registry/src` tree, a checkout, or a git config or hook.
 * - {@link VERIFY_DEPS_SCRIPT} (seed, in a stage with no cache mount): from an extracted archive,
 *   keeps each `.crate` whose SHA-256 is the lock file's checksum, and rebuilds each git database into
 *   a fresh repository (`git init --template=`: no hooks, git's own config) from its loose objects
 *   and packs only (packs re-indexed with `index-pack --strict`), kept only when `git fsck --strict`
 *   passes and the locked commit is there.
 * - {@link INSTALL_DEPS_SCRIPT} (seed, with the registry and git caches mounted): copies what the
 *   verify stage kept into the caches, regular files with strictly matched names only, writes each
 *   repository's config and HEAD itself, and never overwrites anything already there.
 *
 * git runs without system or global configuration, hooks, fsmonitor or any transport.
 */

const hex = (n: number) => '[0-9a-f]'.repeat(n);
const LOOSE_OBJECT = `${hex(2)}/${hex(38)}`;
const PACK = `pack/pack-${hex(40)}`;

/** The environment every script runs git in. */
const SAFE_GIT = [
  'export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=/nonexistent GIT_TERMINAL_PROMPT=0',
  'export GIT_CONFIG_COUNT=3 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null ' +
    'GIT_CONFIG_KEY_1=core.fsmonitor GIT_CONFIG_VALUE_1=false GIT_CONFIG_KEY_2=protocol.allow GIT_CONFIG_VALUE_2=never',
];

/** Usage (in `$CARGO_HOME`): `sh select-deps.sh LIST > files`. */
export const SELECT_DEPS_SCRIPT = [
  ...SAFE_GIT,
  'while read -r kind name value; do',
  '  case "$kind" in',
  '  crate)',
  '    for file in registry/cache/*/"$name".crate; do',
  '      if [ -f "$file" ] && [ ! -L "$file" ] && [ ! -L "${file%/*}" ]; then printf \'%s\\n\' "$file"; fi',
  '    done ;;',
  '  git)',
  '    for db in git/db/"$name"-*; do',
  '      hash=${db#git/db/"$name"-}',
  '      case "$hash" in \'\'|*[!0-9a-f]*) continue ;; esac',
  '      if [ ${#hash} -eq 16 ] && [ -d "$db/objects" ] && [ ! -L "$db" ] && [ ! -L "$db/objects" ] &&',
  '        git --git-dir="$db" cat-file -e "$value^{commit}" 2>/dev/null; then',
  '        find "$db/objects" -type f',
  '      fi',
  '    done ;;',
  '  esac',
  'done < "$1"',
  'exit 0',
  '',
].join('\n');

/** Usage: `sh verify-deps.sh EXTRACTED LIST OUT`. */
export const VERIFY_DEPS_SCRIPT = [
  ...SAFE_GIT,
  'src=$1 list=$2 out=$3',
  'mkdir -p "$out"',
  '# rebuild DB NEW REV: a fresh repository NEW holding the objects of DB, kept when it is sound and holds REV',
  'rebuild() {',
  '  git init -q --bare --template= "$2" || return 1',
  '  (cd "$1/objects" && find . -type f) | while read -r file; do',
  '    case "$file" in',
  `      ./${LOOSE_OBJECT}) mkdir -p "$2/objects/\${file%/*}" && cp "$1/objects/$file" "$2/objects/$file" ;;`,
  `      ./${PACK}.pack) git --git-dir="$2" index-pack --strict --stdin < "$1/objects/$file" > /dev/null ;;`,
  '    esac',
  '  done',
  '  git --git-dir="$2" update-ref refs/heads/cdk-rust-locked "$3" 2>/dev/null &&',
  '    git --git-dir="$2" fsck --strict --no-dangling --no-progress > /dev/null 2>&1 &&',
  '    git --git-dir="$2" cat-file -e "$3^{commit}"',
  '}',
  'while read -r kind name value; do',
  '  case "$kind" in',
  '  crate)',
  '    for file in "$src"/registry/cache/*/"$name".crate; do',
  '      dir=${file%/*} && index=${dir##*/}',
  '      case "$index" in \'\'|.*|*[!A-Za-z0-9._-]*) continue ;; esac',
  '      if [ -f "$file" ] && [ ! -L "$file" ] && [ ! -L "$dir" ]; then',
  '        if [ "$(sha256sum < "$file" | cut -c1-64)" = "$value" ]; then',
  '          mkdir -p "$out/registry/cache/$index" && cp "$file" "$out/registry/cache/$index/$name.crate"',
  '        else',
  '          echo "cdk-rust: $index/$name.crate does not match its checksum in Cargo.lock: not restored" >&2',
  '        fi',
  '      fi',
  '    done ;;',
  '  git)',
  '    for db in "$src"/git/db/"$name"-*; do',
  '      base=${db##*/} && hash=${base#"$name"-}',
  '      case "$hash" in \'\'|*[!0-9a-f]*) continue ;; esac',
  '      if [ ${#hash} -eq 16 ] && [ -d "$db/objects" ] && [ ! -L "$db" ] && [ ! -L "$db/objects" ] && [ ! -e "$out/git/db/$base" ]; then',
  '        mkdir -p "$out/git/db"',
  '        if ! rebuild "$db" "$out/git/db/$base" "$value"; then',
  '          rm -rf "$out/git/db/$base"',
  '          echo "cdk-rust: git database $base does not hold a sound $value: not restored" >&2',
  '        fi',
  '      fi',
  '    done ;;',
  '  esac',
  'done < "$list"',
  'exit 0',
  '',
].join('\n');

/** Usage: `sh install-deps.sh VERIFIED CARGO_HOME`. */
export const INSTALL_DEPS_SCRIPT = [
  'src=$1 home=$2',
  'cd "$src" || exit 1',
  'find registry/cache -mindepth 2 -maxdepth 2 -type f -name "*.crate" 2>/dev/null | while read -r file; do',
  '  case "$file" in registry/cache/*/*/*|*[!A-Za-z0-9._/+-]*|*/.*) continue ;; esac',
  '  if [ ! -e "$home/$file" ] && [ ! -L "$home/$file" ]; then install -D -m 0644 "$file" "$home/$file"; fi',
  'done',
  'for db in git/db/*; do',
  '  case "${db#git/db/}" in \'\'|.*|*[!A-Za-z0-9._-]*) continue ;; esac',
  '  if [ ! -d "$db" ] || [ -L "$db" ] || [ -e "$home/$db" ] || [ -L "$home/$db" ]; then continue; fi',
  '  new="$home/$db.cdk-rust-new"',
  '  rm -rf "$new" && mkdir -p "$new/objects" "$new/refs/heads" || continue',
  '  printf \'[core]\\n\\trepositoryformatversion = 0\\n\\tfilemode = true\\n\\tbare = true\\n\' > "$new/config"',
  '  echo "ref: refs/heads/master" > "$new/HEAD"',
  '  rev=$(head -c 41 "$db/refs/heads/cdk-rust-locked" 2>/dev/null)',
  `  case "$rev" in ${hex(40)}) echo "$rev" > "$new/refs/heads/cdk-rust-locked" ;; esac`,
  '  (cd "$db" && find objects -type f) | while read -r file; do',
  '    case "$file" in',
  `      objects/${LOOSE_OBJECT}|objects/${PACK}.pack|objects/${PACK}.idx) install -D -m 0444 "$db/$file" "$new/$file" ;;`,
  '    esac',
  '  done',
  '  mv "$new" "$home/$db"',
  'done',
  'exit 0',
  '',
].join('\n');
