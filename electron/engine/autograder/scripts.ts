/**
 * The two scripts Gradescope runs from an autograder package: `setup.sh` once, when it builds the
 * image (as root, from the unzipped package in /autograder/source), and `run_autograder` for every
 * submission. Both take their paths from environment variables so that a test can play Gradescope
 * in a temporary folder:
 *
 * - `AUTOGRADER_ROOT` (default /autograder): holds `submission/` and `results/`;
 * - `PAXLAB_HOME` (default /opt/paxlab): where setup.sh installs PaxLab and run_autograder finds it.
 *
 * Nothing is downloaded: setup.sh copies the package's `paxlab/` folder into place and picks Node
 * (the package's own binary when it has one, else a system `node` of the major version needed).
 */

export interface ScriptOptions {
  labId: string;
  /** Oldest Node major version PaxLab runs on. */
  nodeMajor: number;
  /** `<os>-<arch>` the package's native parts (esbuild, the bundled Node) are built for. */
  platform: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function setupScript(o: ScriptOptions): string {
  return `#!/usr/bin/env bash
# PaxLab autograder: installs PaxLab offline from this package (nothing is downloaded).
set -euo pipefail
SOURCE="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
HOME_DIR="\${PAXLAB_HOME:-/opt/paxlab}"
NEED_MAJOR=${o.nodeMajor}
PLATFORM=${shellQuote(o.platform)}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) HERE=linux-x64 ;;
  Linux-aarch64) HERE=linux-arm64 ;;
  Darwin-x86_64) HERE=darwin-x64 ;;
  Darwin-arm64) HERE=darwin-arm64 ;;
  *) HERE="$(uname -s)-$(uname -m)" ;;
esac
if [ "$HERE" != "$PLATFORM" ]; then
  echo "paxlab setup: this package was built for $PLATFORM, this machine is $HERE; rebuild it there with paxlab autograder" >&2
  exit 1
fi

rm -rf "$HOME_DIR"
mkdir -p "$HOME_DIR"
cp -R "$SOURCE/paxlab/." "$HOME_DIR/"

if [ -x "$SOURCE/node/bin/node" ] || [ -f "$SOURCE/node/bin/node" ]; then
  mkdir -p "$HOME_DIR/node/bin"
  cp "$SOURCE/node/bin/node" "$HOME_DIR/node/bin/node"
  chmod 755 "$HOME_DIR/node/bin/node"
  NODE="$HOME_DIR/node/bin/node"
elif command -v node >/dev/null 2>&1; then
  NODE="$(command -v node)"
else
  echo "paxlab setup: no Node.js: this package has none (built with --no-node) and the image has no node; rebuild it with a Node binary (the default) or install Node $NEED_MAJOR+ first" >&2
  exit 1
fi
MAJOR="$("$NODE" -p 'process.versions.node.split(".")[0]')"
if [ "$MAJOR" -lt "$NEED_MAJOR" ]; then
  echo "paxlab setup: $NODE is Node $MAJOR; PaxLab needs Node $NEED_MAJOR or newer" >&2
  exit 1
fi
# Zip tools do not all keep file modes.
find "$HOME_DIR/node_modules/@esbuild" -path '*/bin/*' -type f -exec chmod 755 {} +
printf '%s\\n' "$NODE" > "$HOME_DIR/node-path"

# Prove the installation works before any student depends on it.
"$NODE" "$HOME_DIR/bin/paxlab.js" lab list >/dev/null
echo "paxlab setup: installed in $HOME_DIR (Node $("$NODE" -v), lab ${o.labId})"
`;
}

export function runScript(o: ScriptOptions): string {
  return `#!/usr/bin/env bash
# PaxLab autograder: grades the submission with the hidden tests into results/results.json.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
HOME_DIR="\${PAXLAB_HOME:-/opt/paxlab}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
if [ ! -f "$HOME_DIR/node-path" ]; then
  printf '%s\\n' '{"score":0,"output":"The autograder is not installed (setup.sh did not run). Tell your instructor.","tests":[]}' > "$RESULTS"
  exit 0
fi
NODE="$(cat "$HOME_DIR/node-path")"
"$NODE" "$HOME_DIR/bin/paxlab.js" autograde ${shellQuote(o.labId)} "$ROOT/submission" --results "$RESULTS"
status=$?
if [ ! -s "$RESULTS" ]; then
  printf '%s\\n' '{"score":0,"output":"The grader stopped before it wrote a result (exit status '"$status"'). Tell your instructor.","tests":[]}' > "$RESULTS"
fi
exit 0
`;
}
