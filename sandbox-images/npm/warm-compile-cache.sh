#!/bin/bash
# Runs as the analysis user at image build time. npm enables Node's compile cache (in /tmp/node-compile-cache,
# as on any machine that has used npm); a fresh container would otherwise compile npm's ~550 modules and
# write each one's cache entry during the traced install (0.5-0.8 CPU-s and 553 renames under gVisor,
# measured). The code paths warmed here are the runner's: `npm cache add`, `npm install <tarball>` and
# `npm ci` with two dependencies and lifecycle scripts. Nothing else is kept: HOME, npm's cache and the projects
# are a throw-away folder.
set -eu
work=$(mktemp -d)
export HOME="$work/home" npm_config_cache="$work/npm-cache" npm_config_update_notifier=false
mkdir -p "$HOME" "$work/dep/package" "$work/pkg/package" "$work/app"
cd "$work"
printf '{"name":"warm-dep","version":"1.0.0","scripts":{"install":"node -e 0"}}\n' > dep/package/package.json
printf '{"name":"warm-pkg","version":"1.0.0","scripts":{"postinstall":"node -e 0"}}\n' > pkg/package/package.json
echo 'module.exports = 1;' | tee dep/package/index.js > pkg/package/index.js
tar -czf dep.tgz -C dep package && tar -czf pkg.tgz -C pkg package
cd app
printf '{"name":"app","version":"1.0.0","private":true}\n' > package.json
npm cache add ../dep.tgz >/dev/null
npm install --no-audit --no-fund --offline --foreground-scripts --loglevel=info ../dep.tgz ../pkg.tgz >/dev/null 2>&1
rm -rf node_modules
npm ci --no-audit --no-fund --offline --foreground-scripts --loglevel=info >/dev/null 2>&1
[ -f node_modules/warm-pkg/index.js ] || { echo "warm-compile-cache: npm ci did not install" >&2; exit 1; }
cd / && rm -rf "$work"
ls -d /tmp/node-compile-cache/*/ >/dev/null
