'use strict';
// Loads the package the way a user's code would: require() (CommonJS) and import() (ESM), each on its
// own so that a failure of one does not hide the other. The resolvers come from the caller's eval
// context, so they resolve from the scratch project. Writes /airlock/out/import.result.json.
const fs = require('node:fs');
const { callExports, callsRequested } = require('./call-exports.cjs');

const settleMs = Number(process.env.AIRLOCK_IMPORT_SETTLE_MS || 1000);

/**
 * How many times faster timers run in this process: libfaketime's `xN` in the time view's setting
 * (/etc/faketimerc), else 1. The settle wait is scaled by it, so it lasts the same real time in every
 * view without this process reading /proc/uptime (which the scorer counts as a sandbox probe).
 */
function timerSpeedup() {
  try {
    const match = /\sx(\d+(?:\.\d+)?)\b/.exec(` ${fs.readFileSync('/etc/faketimerc', 'utf8')}`);
    return match ? Math.max(1, Number(match[1])) : 1;
  } catch {
    return 1; // no setting: the clock is real
  }
}

function describe(err) {
  return { ok: false, code: (err && err.code) || null, message: String((err && err.message) || err).slice(0, 2000) };
}

/** How many exports are functions, read from property descriptors (no getter of the package runs). */
function countFunctions(mod) {
  if (!mod || (typeof mod !== 'object' && typeof mod !== 'function')) return 0;
  try {
    const members = Object.entries(Object.getOwnPropertyDescriptors(mod)).filter(
      ([key, d]) => d.enumerable && key !== 'prototype' && (typeof d.value === 'function' || d.get),
    ).length;
    return members + (typeof mod === 'function' ? 1 : 0);
  } catch {
    return 0;
  }
}

async function run(requireFn, importFn) {
  const name = process.argv[1] || process.argv[process.argv.length - 1];
  const result = { package: name, require: null, import: null };
  let loaded = null;
  try {
    const mod = requireFn(name);
    loaded = mod;
    result.require = { ok: true, exportKeys: Object.keys(mod || {}).slice(0, 50), functions: countFunctions(mod) };
  } catch (err) {
    result.require = describe(err);
  }
  try {
    const mod = await importFn(name);
    if (loaded === null) loaded = mod;
    result.import = { ok: true, exportKeys: Object.keys(mod || {}).slice(0, 50), functions: countFunctions(mod) };
  } catch (err) {
    result.import = describe(err);
  }
  const write = () => fs.writeFileSync('/airlock/out/import.result.json', JSON.stringify(result));
  write();
  if (loaded !== null && callsRequested()) await callExports(loaded, result, write);
  // Let timers the package armed on load fire; a longer dwell is the runner's job.
  const exitCode = result.require.ok || result.import.ok ? 0 : 1;
  setTimeout(() => process.exit(exitCode), settleMs * timerSpeedup()).unref();
}

module.exports = { run };
