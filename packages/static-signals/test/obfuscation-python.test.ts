/** Obfuscation indicators in Python, on inert snippets modeled on PyPI incidents. */
import { scanSource, type StaticSignal } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';
import {
  PY_ALIASED_DOWNLOAD_EXEC,
  PY_BUILTINS_COMPILE,
  PY_EXEC_ZLIB_BASE64,
  PY_MARSHAL,
  PY_POWERSHELL_ENCODED,
  W4SP_SETUP_PY,
} from './fixtures/incident-snippets.js';

const summary = (signals: StaticSignal[]) => signals.map((s) => [s.id, s.severity, s.evidence.line]);

describe('Python decoded execution', () => {
  it('W4SP: exec(Fernet(...).decrypt(...)) in setup.py', () => {
    const signals = scanSource({ path: 'setup.py', text: W4SP_SETUP_PY, installTime: true });
    expect(summary(signals)).toEqual([
      ['obfuscation.long-base64-string', 'medium', 7],
      ['obfuscation.exec-decoded', 'high', 7],
    ]);
    expect(signals[1]!.evidence.value).toBe('exec(decrypt(');
  });

  it('exec(zlib.decompress(base64.b64decode(...))) gives the chain and the execution', () => {
    expect(summary(scanSource({ path: 'pkg/d.py', text: PY_EXEC_ZLIB_BASE64 }))).toEqual([
      ['obfuscation.long-base64-string', 'low', 2],
      ['obfuscation.compressed-payload', 'medium', 2],
      ['obfuscation.exec-decoded', 'high', 2],
    ]);
  });

  it('marshal.loads on an embedded compressed payload is high', () => {
    const signals = scanSource({ path: 'pkg/__init__.py', text: PY_MARSHAL });
    expect(summary(signals)).toEqual([
      ['obfuscation.long-base64-string', 'low', 2],
      ['obfuscation.compressed-payload', 'medium', 2],
      ['obfuscation.exec-decoded', 'high', 2],
      ['obfuscation.marshal-loads', 'high', 2],
    ]);
    expect(signals[3]!.details).toEqual({ embedded: true });
  });

  it('marshal.loads of a file is medium on its own', () => {
    const [signal] = scanSource({ path: 'pkg/cache.py', text: "import marshal\ncode = marshal.loads(open(p, 'rb').read())\n" });
    expect(signal).toMatchObject({
      id: 'obfuscation.marshal-loads',
      severity: 'medium',
      evidence: { line: 2 },
      details: { embedded: false },
    });
  });

  it("__import__('builtins').exec(compile(b64decode(...))) is decoded execution", () => {
    expect(summary(scanSource({ path: 'setup.py', text: PY_BUILTINS_COMPILE }))).toEqual([['obfuscation.exec-decoded', 'high', 1]]);
  });

  it('sees renamed exec fed by renamed urlopen', () => {
    const signals = scanSource({ path: 'setup.py', text: PY_ALIASED_DOWNLOAD_EXEC });
    expect(signals.map((s) => [s.id, s.evidence.line, s.evidence.value])).toEqual([['obfuscation.exec-decoded', 3, '_earoek(_vzmh(']]);
  });

  it('PowerShell -EncodedCommand inside a Python string', () => {
    const signals = scanSource({ path: 'setup.py', text: PY_POWERSHELL_ENCODED, installTime: true });
    expect(summary(signals)).toEqual([['obfuscation.exec-decoded', 'high', 2]]);
    expect(signals[0]!.message).toBe('runs a base64-encoded PowerShell command (-EncodedCommand)');
  });

  it('exec(compile(open(...).read())) — the version-file idiom — is low, and plain code is clean', () => {
    const idiom = "exec(compile(open('pkg/version.py').read(), 'pkg/version.py', 'exec'))\n";
    expect(summary(scanSource({ path: 'setup.py', text: idiom }))).toEqual([['obfuscation.exec-compile', 'low', 1]]);
    const plain = [
      'import base64, json',
      'def load(s):',
      '    data = base64.b64decode(s)',
      '    return json.loads(data)',
      "exec('x = 1')",
    ].join('\n');
    expect(scanSource({ path: 'pkg/util.py', text: plain })).toEqual([]);
  });

  it('chr() chains', () => {
    const chain = `cmd = ${Array.from('curl -s x|sh', (c) => `chr(${c.charCodeAt(0)})`).join(' + ')}\n`;
    expect(summary(scanSource({ path: 'a.py', text: chain }))).toEqual([['obfuscation.charcode-string', 'low', 1]]);
  });
});
