#!/bin/sh
# build.sh builds the notebook UI: it installs the front-end packages exactly as
# web/package-lock.json pins them (npm ci; install scripts are not run), bundles
# web/src with esbuild into dist/ (which go:embed then puts into the binary), and
# runs the front end's unit tests (node --test). Called by `make build` and
# `make test`; needs Node.js 18+ and npm, and the npm registry (or a warm npm
# cache) the first time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
web="$here/web"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "error: building the notebook UI needs Node.js and npm (node 18 or later)." >&2
	echo "       install them (Debian: apt-get install -y nodejs npm) and run make build again." >&2
	exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
	echo "error: the notebook UI needs Node.js 18 or later, found $(node --version)" >&2
	exit 1
fi

cd "$web"
# npm ci runs when node_modules was not installed from this very lockfile (a copy
# kept beside the packages says which one was), so repeated builds stay offline
# and fast.
stamp=node_modules/.trailbook-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	cp package-lock.json "$stamp"
fi
node build.mjs
node --test --test-reporter=dot src/ >/dev/null || {
	echo "error: front-end unit tests failed: run 'cd notebook/ui/web && npm test' to see them" >&2
	exit 1
}
