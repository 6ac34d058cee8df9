/**
 * Obfuscation indicators in package source (JavaScript, Python, shell). Each indicator appears at
 * most once per file, at its first occurrence, with a count: a minified bundle must not produce
 * thousands of signals. Findings in install-time files (install script targets, setup.py) weigh more.
 */
import { findRuns, isBase64Char, isHexChar, isJsFuckChar, looksLikeBase64 } from './character-runs.js';
import { findDecodedExecution, type DecodeRules } from './decoded-execution.js';
import {
  BASE64_OR_HEX_DECODE,
  CHARCODE_JS,
  CHARCODE_PY,
  ENCODED_POWERSHELL,
  EXEC_COMPILE,
  HEX_IDENTIFIER,
  JS_COMPRESSED,
  JS_RULES,
  JS_SINK_ALIASES,
  MARSHAL,
  PY_COMPRESSED,
  PY_DECODER_ALIASES,
  PY_RULES,
  PY_SINK_ALIASES,
  withAliases,
} from './obfuscation-patterns.js';
import { callArguments } from './call-arguments.js';
import { raiseSeverity, signal, type SignalId, type SignalSeverity, type StaticSignal } from './signal.js';
import { TextPositions } from './text-position.js';

export interface SourceFile {
  /** Path inside the package. */
  path: string;
  text: string;
  /** The file runs at install time (an npm install script target, setup.py): findings weigh more. */
  installTime?: boolean;
  /** Overrides the language guessed from the extension (an extensionless file run by node). */
  language?: SourceLanguage;
}

export interface ObfuscationOptions {
  /** Minimum length of a base64 or hex run to report (default 200). */
  minEncodedLength?: number;
  /** Minimum count of `_0x…` identifiers to report (default 5). */
  minHexIdentifiers?: number;
  /** A line longer than this in an install-time file counts as minified (default 1000). */
  minifiedLineLength?: number;
  /** Only this many characters of a file are scanned (default 5 MiB); the rest is noted, not read. */
  maxScanChars?: number;
}

export type SourceLanguage = 'javascript' | 'python' | 'shell' | 'other';

export function languageOf(path: string): SourceLanguage {
  if (/\.(?:[cm]?js|jsx|[cm]?ts|tsx)$/i.test(path)) return 'javascript';
  if (/\.pyw?$/i.test(path)) return 'python';
  if (/\.(?:sh|bash)$/i.test(path)) return 'shell';
  return 'other';
}

/** Scans one source file for obfuscation indicators. */
export function scanSource(file: SourceFile, options: ObfuscationOptions = {}): StaticSignal[] {
  const maxChars = options.maxScanChars ?? 5 * 1024 * 1024;
  const text = file.text.length > maxChars ? file.text.slice(0, maxChars) : file.text;
  const pos = new TextPositions(text);
  const language = file.language ?? languageOf(file.path);
  const out: StaticSignal[] = [];
  const weigh = (severity: SignalSeverity): SignalSeverity => (file.installTime ? raiseSeverity(severity) : severity);
  const emit = (
    id: SignalId,
    severity: SignalSeverity,
    message: string,
    index: number,
    length: number,
    value: string,
    details: Record<string, string | number | boolean> = {},
  ): void => {
    out.push(
      signal(
        id,
        severity,
        message,
        { file: file.path, line: pos.lineOf(index), snippet: pos.snippetAt(index, length), value },
        {
          ...details,
          ...(file.installTime ? { installTime: true } : {}),
          ...(text.length < file.text.length ? { scannedChars: text.length } : {}),
        },
      ),
    );
  };

  scanEncodedStrings(text, options.minEncodedLength ?? 200, weigh, emit);

  if (language === 'javascript' || language === 'other') {
    const hexIds = [...text.matchAll(HEX_IDENTIFIER)];
    if (hexIds.length >= (options.minHexIdentifiers ?? 5)) {
      const first = hexIds[0]!;
      const distinct = new Set(hexIds.map((m) => m[0].toLowerCase())).size;
      emit(
        'obfuscation.hex-identifiers',
        weigh('medium'),
        `${hexIds.length} hex-named identifiers like ${first[0]} (javascript-obfuscator output)`,
        first.index,
        first[0].length,
        first[0],
        { count: hexIds.length, distinct },
      );
    }
    const jsfuck = findRuns(text, isJsFuckChar, 100, 1);
    if (jsfuck[0])
      emit(
        'obfuscation.jsfuck',
        'high',
        'JSFuck-style code built only from []()!+',
        jsfuck[0].start,
        40,
        text.slice(jsfuck[0].start, jsfuck[0].start + 60),
        { length: jsfuck[0].end - jsfuck[0].start },
      );
  }

  if (language === 'javascript') {
    firstOf(text, CHARCODE_JS, (m) =>
      emit('obfuscation.charcode-string', weigh('low'), 'string assembled from a long list of character codes', m.index, m[0].length, m[0]),
    );
    scanCompressed(text, JS_COMPRESSED, emit, weigh);
    reportDecodedExecution(text, withAliases(JS_RULES, text, JS_SINK_ALIASES), emit);
  } else if (language === 'python') {
    firstOf(text, CHARCODE_PY, (m) =>
      emit('obfuscation.charcode-string', weigh('low'), 'string assembled from character codes with chr()', m.index, m[0].length, m[0]),
    );
    scanCompressed(text, PY_COMPRESSED, emit, weigh);
    reportDecodedExecution(text, withAliases(PY_RULES, text, PY_SINK_ALIASES, PY_DECODER_ALIASES), emit);
    scanPythonLoaders(text, emit, weigh, out);
  }

  if (!out.some((s) => s.id === 'obfuscation.exec-decoded')) {
    firstOf(text, ENCODED_POWERSHELL, (m) =>
      emit('obfuscation.exec-decoded', 'high', 'runs a base64-encoded PowerShell command (-EncodedCommand)', m.index, m[0].length, m[0], {
        count: 1,
        direct: true,
      }),
    );
  }

  if (file.installTime && language !== 'other') {
    const longest = pos.longestLine();
    if (longest.length >= (options.minifiedLineLength ?? 1000)) {
      const start = pos.offsetOfLine(longest.line);
      emit(
        'obfuscation.minified-install-script',
        'medium',
        `install-time file has a ${longest.length}-character line (minified or packed code)`,
        start,
        0,
        text.slice(start, start + 80),
        { lineLength: longest.length },
      );
    }
  }
  return out;
}

type Emit = (
  id: SignalId,
  severity: SignalSeverity,
  message: string,
  index: number,
  length: number,
  value: string,
  details?: Record<string, string | number | boolean>,
) => void;

function scanEncodedStrings(text: string, minLength: number, weigh: (s: SignalSeverity) => SignalSeverity, emit: Emit): void {
  const hex = findRuns(text, isHexChar, minLength).filter((r) => !/[0-9a-fA-F]/.test(text[r.end] ?? ''));
  const escapedHex = [...text.matchAll(/(?:\\x[0-9a-fA-F]{2}){40,}/g)];
  const hexTotal = hex.length + escapedHex.length;
  const firstHex = hex[0]?.start ?? escapedHex[0]?.index;
  if (firstHex !== undefined) {
    const len = hex[0] ? hex[0].end - hex[0].start : escapedHex[0]![0].length;
    emit(
      'obfuscation.long-hex-string',
      weigh('low'),
      `${hexTotal} long hex-encoded string(s), the longest first seen at ${len} characters`,
      firstHex,
      40,
      text.slice(firstHex, firstHex + 60),
      { count: hexTotal, length: len },
    );
  }
  const hexStarts = new Set(hex.map((r) => r.start));
  const base64 = findRuns(text, isBase64Char, minLength).filter((r) => {
    if (hexStarts.has(r.start)) return false;
    const run = text.slice(r.start, r.end);
    if (!looksLikeBase64(run)) return false;
    // Data URIs (images, fonts, inline source maps) are how bundles legitimately carry base64.
    return !/(?:data:[\w.+/-]*(?:;[\w=.-]+)*;base64,|sourceMappingURL=)$/.test(text.slice(Math.max(0, r.start - 120), r.start));
  });
  if (base64[0]) {
    const r = base64[0];
    emit(
      'obfuscation.long-base64-string',
      weigh('low'),
      `${base64.length} long base64 string(s), the first ${r.end - r.start} characters`,
      r.start,
      40,
      text.slice(r.start, r.start + 60),
      { count: base64.length, length: r.end - r.start },
    );
  }
}

function scanCompressed(text: string, re: RegExp, emit: Emit, weigh: (s: SignalSeverity) => SignalSeverity): void {
  for (const m of text.matchAll(re)) {
    const args = callArguments(text, m.index + m[0].length - 1);
    if (BASE64_OR_HEX_DECODE.test(args)) {
      emit(
        'obfuscation.compressed-payload',
        weigh('medium'),
        'decompresses an embedded base64/hex payload',
        m.index,
        m[0].length + args.length,
        `${m[0]}${args.slice(0, 80)}`,
      );
      return;
    }
  }
}

function reportDecodedExecution(text: string, rules: DecodeRules, emit: Emit): void {
  const hits = findDecodedExecution(text, rules);
  const first = hits[0];
  if (!first) return;
  emit(
    'obfuscation.exec-decoded',
    'high',
    first.direct
      ? `runs decoded or downloaded data: ${first.sink}…${first.via}…)`
      : `runs decoded or downloaded data: ${first.sink}${first.via}) where ${first.via} holds such data`,
    first.index,
    first.sink.length,
    `${first.sink}${first.via}`,
    { count: hits.length, direct: first.direct },
  );
}

function scanPythonLoaders(text: string, emit: Emit, weigh: (s: SignalSeverity) => SignalSeverity, out: StaticSignal[]): void {
  firstOf(text, MARSHAL, (m) => {
    const args = callArguments(text, m.index + m[0].length - 1);
    const packed =
      /\b(?:(?:zlib|lzma|bz2|gzip)\.decompress|b(?:64|32|85)decode|unhexlify|fromhex)\s*\(/.test(args) || /^\s*b['"]/.test(args);
    emit(
      'obfuscation.marshal-loads',
      packed ? 'high' : weigh('medium'),
      packed ? 'loads marshalled bytecode from an embedded, encoded payload' : 'loads marshalled Python bytecode',
      m.index,
      m[0].length,
      `${m[0]}${args.slice(0, 80)}`,
      { embedded: packed },
    );
  });
  if (out.some((s) => s.id === 'obfuscation.exec-decoded')) return;
  // exec(compile(open('version.py').read(), ...)) is a common, benign setup.py idiom: low on its own.
  firstOf(text, EXEC_COMPILE, (m) =>
    emit(
      'obfuscation.exec-compile',
      weigh('low'),
      'compiles and executes a code string with exec(compile(...))',
      m.index,
      m[0].length,
      m[0],
    ),
  );
}

function firstOf(text: string, re: RegExp, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  const m = re.exec(text);
  re.lastIndex = 0;
  if (m) fn(m);
}
