#!/usr/bin/env bash
# The live editor's bundle (static/js/live/live-editor.js), built from frontend/.
#   scripts/assets.sh build   install frontend/node_modules from the lock when it changed, then build
#   scripts/assets.sh check   the same install, a build into a temporary folder, and a byte-for-byte
#                             comparison with the committed bundle (make test runs this)
# Without npm: build fails; check fails under CI=true and otherwise warns and
# does nothing, like the Makefile's e2e-deps.
set -euo pipefail

# Pure bash, so that the "npm not found" message shows even on a bare PATH.
here=${BASH_SOURCE[0]%/*}
[[ $here == "${BASH_SOURCE[0]}" ]] && here=.
cd "$here/.."

BUNDLE=static/js/live/live-editor.js
# A copy of the lock the modules were installed from: npm ci (which empties
# node_modules first) runs only when the lock changed.
STAMP=frontend/node_modules/.installed-from-lock

mode=${1:-}
if [[ $mode != build && $mode != check ]]; then
    echo "usage: $0 build|check" >&2
    exit 2
fi

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    if [[ $mode == build ]]; then
        echo "assets: ERROR: npm (Node.js) not found: cannot build $BUNDLE (apt-get install npm)." >&2
        exit 1
    fi
    if [[ ${CI:-} == true ]]; then
        echo "assets: ERROR: npm (Node.js) not found: cannot check that $BUNDLE is what frontend/ builds." >&2
        exit 1
    fi
    echo "assets: WARNING: npm (Node.js) not found: skipping the $mode of $BUNDLE (under CI=true this fails)." >&2
    exit 0
fi

if ! cmp -s frontend/package-lock.json "$STAMP"; then
    echo "assets: installing frontend/node_modules from frontend/package-lock.json"
    # --ignore-scripts: no package runs code at install time; esbuild finds
    # its binary in its platform package without its postinstall.
    (cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp frontend/package-lock.json "$STAMP"
fi

if [[ $mode == build ]]; then
    node frontend/build.mjs --outfile "$BUNDLE"
    echo "assets: built $BUNDLE"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node frontend/build.mjs --outfile "$tmp/live-editor.js"
if ! cmp -s "$tmp/live-editor.js" "$BUNDLE"; then
    echo "assets: ERROR: $BUNDLE is not what frontend/ builds: run make assets and commit." >&2
    exit 1
fi
echo "assets: $BUNDLE is what frontend/ builds."
