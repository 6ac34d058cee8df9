/**
 * The patterns behind the obfuscation indicators: decoders and code sinks for JavaScript and
 * Python, the names droppers rename them to, and fingerprints of obfuscators. Regexes here are
 * bounded (no nested unbounded repetition) because they run over hostile, multi-megabyte files.
 */
import { escapeRegExp, type DecodeRules } from './decoded-execution.js';

const JS_DECODERS =
  /\b(?:atob|unescape|String\.fromCharCode|(?:inflate|inflateRaw|gunzip|unzip|brotliDecompress)Sync|createDecipher(?:iv)?)\s*\(|\bBuffer(?:\.from)?\s*\([^;]{0,400}?['"`](?:base64|base64url|hex)['"`]/g;
const JS_SINKS =
  /\b(?:eval|Function|runIn(?:This|New)?Context|compileFunction|_compile|exec|execSync|spawn|spawnSync|execFile|execFileSync)\s*\(|\bnew\s+(?:vm\.)?Script\s*\(/g;
const JS_CHILD_PROCESS_SINK = /^(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)\s*\($/;

export const JS_RULES: DecodeRules = {
  decoders: JS_DECODERS,
  sinks: JS_SINKS,
  acceptSink: (sink, text, index) => {
    if (!JS_CHILD_PROCESS_SINK.test(sink)) return true;
    // `regex.exec(s)` is everywhere; only count process sinks in files that load child_process,
    // and not when the receiver is visibly a regular expression.
    if (!text.includes('child_process')) return false;
    const before = text.slice(Math.max(0, index - 40), index);
    if (/\/[dgimsuyv]*\s*\.\s*$/.test(before)) return false; // /re/.exec(
    if (/\)\s*\.\s*$/.test(before) && !/child_process['"`]\s*\)\s*\.\s*$/.test(before)) return false; // new RegExp(…).exec(
    return !/(?:\b(?:re|rx|regex|regexp|pattern)|[a-z0-9](?:Re|Regex|RegExp|Pattern)|[A-Z0-9]_RE)\s*\.\s*$/.test(before);
  },
};

const PY_DECODERS =
  /\b(?:(?:urlsafe_)?b(?:64|32|16|85)decode|a85decode|decodebytes|decodestring|unhexlify|a2b_base64|a2b_hex|fromhex|(?:zlib|lzma|bz2|gzip)\.decompress|marshal\.loads|codecs\.decode|decrypt|urlopen|requests\.get)\s*\(|\bmap\s*\(\s*chr\b|\bchr\s*\(\s*\w+\s*\)\s*for\b|\.decode\s*\(\s*['"]rot_?13['"]/g;
const PY_SINKS = /\b(?:exec|eval|os\.system|os\.popen|subprocess\.(?:Popen|call|run|check_call|check_output|getoutput))\s*\(/g;
export const PY_RULES: DecodeRules = { decoders: PY_DECODERS, sinks: PY_SINKS };

/** `_e = exec` / `from os import system as _s` / `const run = eval`: droppers rename their sinks. */
export const PY_SINK_ALIASES = [
  /\b([A-Za-z_]\w*)\s*=\s*(?:builtins\.|__builtins__\.)?(?:exec|eval)\b(?!\s*\()/g,
  /\bfrom\s+(?:builtins|os|subprocess)\s+import\s+(?:exec|eval|system|popen|Popen|call|run|check_output)\s+as\s+([A-Za-z_]\w*)/g,
];
export const JS_SINK_ALIASES = [
  /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:global\.|globalThis\.|window\.)?(?:eval|Function)\s*[;,\n]/g,
];

/** `from base64 import b64decode as _d`, `from urllib.request import urlopen as _u`: renamed decoders. */
export const PY_DECODER_ALIASES = [
  /\bfrom\s+[\w.]+\s+import\s+(?:(?:urlsafe_)?b(?:64|32|16|85)decode|decodebytes|unhexlify|decompress|loads|urlopen|decrypt)\s+as\s+([A-Za-z_]\w*)/g,
];

/** The rules with this file's sink and decoder aliases added to their patterns. */
export function withAliases(
  rules: DecodeRules,
  text: string,
  sinkAliases: readonly RegExp[],
  decoderAliases: readonly RegExp[] = [],
): DecodeRules {
  const extend = (re: RegExp, patterns: readonly RegExp[]): RegExp => {
    const aliases = new Set<string>();
    for (const p of patterns) for (const m of text.matchAll(p)) if (aliases.size < 20) aliases.add(m[1]!);
    if (aliases.size === 0) return re;
    return new RegExp(`${re.source}|(?<![\\w$.])(?:${[...aliases].map(escapeRegExp).join('|')})\\s*\\(`, 'g');
  };
  return { ...rules, sinks: extend(rules.sinks, sinkAliases), decoders: extend(rules.decoders, decoderAliases) };
}

/** `powershell -EncodedCommand <base64>` anywhere (a Python string, a shell line): decoded code run by a shell. */
export const ENCODED_POWERSHELL = /\bpowershell(?:\.exe)?\b[^\n]{0,200}?\s[-/](?:e|ec|enc|encodedcommand)\s+['"]?[A-Za-z0-9+/]{20,}/i;

export const HEX_IDENTIFIER = /\b_0x[0-9a-f]{4,6}\b/gi;
export const CHARCODE_JS = /String\.fromCharCode\s*\(\s*(?:(?:0x[0-9a-f]+|\d+)\s*,\s*){19,}/gi;
export const CHARCODE_PY = /(?:\bchr\s*\(\s*\d+\s*\)\s*\+\s*){9,}|\bjoin\s*\(\s*map\s*\(\s*chr\s*,\s*\[\s*(?:\d+\s*,\s*){19,}/g;
export const PY_COMPRESSED = /\b(?:zlib|lzma|bz2|gzip)\.decompress\s*\(/g;
export const JS_COMPRESSED = /\b(?:inflate|inflateRaw|gunzip|unzip|brotliDecompress)Sync\s*\(/g;
export const BASE64_OR_HEX_DECODE =
  /\bb(?:64|32|85)decode\s*\(|\bunhexlify\s*\(|\bfromhex\s*\(|['"`](?:base64|base64url|hex)['"`]|\batob\s*\(/;
export const MARSHAL = /\bmarshal\.loads\s*\(/g;
export const EXEC_COMPILE = /\bexec\s*\(\s*compile\s*\(/g;
