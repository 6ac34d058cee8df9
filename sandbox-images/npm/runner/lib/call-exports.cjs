'use strict';
// The call view's stage of the import: calls what the package exports (functions, classes and their
// methods one level down) with a few argument shapes, so that payloads in `toHex()` or an API client's
// `login(token)` run. String arguments carry the run's `call-argument` honeytoken (from
// /airlock/input/calls.json, which the host writes only in this view): a package that sends it to an
// unknown host stole its arguments. Each call has a time budget for what it returns (a promise); a call
// that blocks synchronously is cut by the phase's limit. Results go to import.result.json as `calls`.
const fs = require('node:fs');

const MAX_CALLS = 120;
const CALL_BUDGET_MS = 1500;
const TOTAL_BUDGET_MS = 20000;

function shapes(token) {
  return [
    { shape: 'none', args: [] },
    { shape: 'string', args: [token] },
    { shape: 'number', args: [42] },
    { shape: 'object', args: [{ token, apiKey: token, password: token, username: 'jordan', auth: token }] },
    { shape: 'callback', args: [token, () => {}] },
  ];
}

function isClass(fn) {
  try {
    return /^class[\s{]/.test(Function.prototype.toString.call(fn));
  } catch {
    return false;
  }
}

/** Functions to call: [path, fn, thisArg], the module itself first, then its members and their members. */
function targets(mod) {
  const out = [];
  const seen = new Set();
  const add = (path, fn, self) => {
    if (typeof fn !== 'function' || seen.has(fn) || out.length >= MAX_CALLS) return;
    seen.add(fn);
    out.push([path, fn, self]);
  };
  const members = (value) => {
    try {
      return Object.keys(value).slice(0, 60);
    } catch {
      return [];
    }
  };
  const get = (obj, key) => {
    try {
      return obj[key];
    } catch {
      return undefined;
    }
  };
  add('(module)', mod, undefined);
  for (const key of members(mod)) {
    const value = get(mod, key);
    add(key, value, mod);
    if (value && typeof value === 'object') for (const inner of members(value)) add(`${key}.${inner}`, get(value, inner), value);
  }
  return out;
}

function settle(value) {
  if (!value || typeof value.then !== 'function') return Promise.resolve('returned');
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timed out'), CALL_BUDGET_MS);
    value.then(
      () => (clearTimeout(timer), resolve('resolved')),
      () => (clearTimeout(timer), resolve('rejected')),
    );
  });
}

/**
 * One call. A class is constructed with the shape's arguments; the first instance made of it has each method
 * called with every shape (a table whose constructor takes nothing and whose `addRow(row)` needs one).
 */
async function callOne(path, fn, self, shape, args, allShapes, explored) {
  try {
    if (isClass(fn)) {
      const instance = new fn(...args);
      if (explored.has(fn)) return { path, shape, outcome: 'constructed' };
      explored.add(fn);
      const outcomes = [];
      const proto = Object.getPrototypeOf(instance);
      for (const name of Object.getOwnPropertyNames(proto).slice(0, 20)) {
        if (name === 'constructor' || typeof instance[name] !== 'function') continue;
        for (const each of allShapes) {
          try {
            outcomes.push(await settle(instance[name](...each.args)));
          } catch {
            outcomes.push('threw');
          }
        }
      }
      return { path, shape, outcome: `constructed; method calls ${outcomes.length}` };
    }
    return { path, shape, outcome: await settle(fn.apply(self, args)) };
  } catch (err) {
    return { path, shape, outcome: 'threw', error: String((err && err.message) || err).slice(0, 200) };
  }
}

/** Calls the exports of `mod`, writing progress into `result.calls` after each call (the package may exit). */
async function callExports(mod, result, write) {
  let token;
  try {
    token = JSON.parse(fs.readFileSync('/airlock/input/calls.json', 'utf8')).token;
  } catch {
    return;
  }
  const started = Date.now();
  const list = [];
  const explored = new Set();
  const all = shapes(token);
  result.calls = { attempted: 0, list };
  for (const [path, fn, self] of targets(mod)) {
    for (const { shape, args } of all) {
      if (Date.now() - started > TOTAL_BUDGET_MS) {
        result.calls.budgetReached = true;
        write();
        return;
      }
      result.calls.attempted += 1;
      const entry = await callOne(path, fn, self, shape, args, all, explored);
      if (list.length < 100) list.push(entry);
      write();
    }
  }
}

/** True when the view asked for calls (the host put calls.json in the input). */
function callsRequested() {
  return fs.existsSync('/airlock/input/calls.json');
}

module.exports = { callExports, callsRequested };
