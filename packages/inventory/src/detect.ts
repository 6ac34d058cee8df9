/** Tells the format of an uploaded inventory: by its file name when that is conventional, else by its content. */
import { InventoryError } from './errors.js';
import type { InventoryFormat } from './types.js';

export function detectInventoryFormat(fileName: string, text: string): InventoryFormat {
  return byFileName(fileName, text) ?? byContent(text) ?? unknown(fileName);
}

/** Whether a path is named like an inventory this package reads (for finding changed lockfiles in a diff). */
export function isInventoryFileName(path: string): boolean {
  return byFileName(path, '') !== undefined;
}

function byFileName(fileName: string, text: string): InventoryFormat | undefined {
  const path = fileName.trim().replace(/\\/g, '/').toLowerCase();
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'package-lock.json') return 'package-lock';
  if (base === 'npm-shrinkwrap.json') return 'npm-shrinkwrap';
  if (base === 'yarn.lock') return /^__metadata:/m.test(text) ? 'yarn-berry' : 'yarn-v1';
  if (base === 'pnpm-lock.yaml' || base === 'pnpm-lock.yml') return 'pnpm-lock';
  if (base === 'poetry.lock') return 'poetry-lock';
  if (/requirements.*\.txt$/.test(base) || (/(?:^|\/)requirements\//.test(path) && base.endsWith('.txt'))) return 'requirements-txt';
  if (base.endsWith('.cdx.json') || base === 'bom.json' || base.endsWith('.bom.json')) return 'cyclonedx-json';
  if (base.endsWith('.spdx.json')) return 'spdx-json';
  return undefined;
}

function byContent(raw: string): InventoryFormat | undefined {
  const text = raw.replace(/^\uFEFF/, '');
  if (/^\s*\{/.test(text)) {
    // Regexes rather than JSON.parse, so a broken file is still routed to its parser and gets a precise error.
    if (/"bomFormat"\s*:\s*"CycloneDX"/.test(text)) return 'cyclonedx-json';
    if (/"spdxVersion"\s*:/.test(text)) return 'spdx-json';
    if (/"lockfileVersion"\s*:/.test(text)) return 'package-lock';
    return undefined;
  }
  if (/^#\s*yarn lockfile v1\s*$/im.test(text)) return 'yarn-v1';
  if (/^__metadata:/m.test(text)) return 'yarn-berry';
  if (/^lockfileVersion:/m.test(text)) return 'pnpm-lock';
  if (/^\[\[package\]\]\s*$/m.test(text)) return 'poetry-lock';
  if (looksLikeRequirements(text)) return 'requirements-txt';
  return undefined;
}

/** Every line is a comment, a pip option or a requirement, and at least one is a `name==version` pin. */
function looksLikeRequirements(text: string): boolean {
  let pins = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw
      .replace(/\s+/g, ' ')
      .replace(/(?:^| )#.*$/, '')
      .replace(/\\$/, '')
      .trim(); // collapsed: keeps the regexes linear
    if (line === '' || /^--?[A-Za-z]/.test(line)) continue;
    if (
      !/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(?:(?:===?|~=|!=|[<>]=?)\s*[\w.*+!-]+\s*,?\s*)*(?:;.*)?(?:\s+--?[A-Za-z].*)?$/.test(
        line,
      )
    )
      return false;
    if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*===?\s*[\w.+!-]+/.test(line)) pins++;
  }
  return pins > 0;
}

function unknown(fileName: string): never {
  throw new InventoryError(
    undefined,
    `cannot tell the format of "${fileName.slice(0, 200)}": expected package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, requirements*.txt, poetry.lock, a CycloneDX JSON (*.cdx.json, bom.json) or an SPDX JSON (*.spdx.json) document`,
  );
}
