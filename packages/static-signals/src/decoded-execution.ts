/**
 * "Execution of decoded data": a code sink (eval, Function, vm, exec, child_process) that receives
 * the output of a decoder (base64, hex, char codes, decompression, decryption, a download), directly
 * or through a variable. Legitimate packages almost never do this; droppers and stealers almost always do.
 */
import { assignedName, callArguments } from './call-arguments.js';

export interface DecodeRules {
  /** Global regex over decoder calls. */
  decoders: RegExp;
  /** Global regex over sink calls; the match must end with the opening `(`. */
  sinks: RegExp;
  /** Optional predicate on a sink match, e.g. only count `exec(` when child_process is in the file. */
  acceptSink?: (sink: string, text: string, index: number) => boolean;
}

export interface DecodedExecution {
  /** Offset of the sink call. */
  index: number;
  /** The sink as written, whitespace removed, e.g. `eval(`. */
  sink: string;
  /** The decoder it received, or the variable name carrying decoded data. */
  via: string;
  /** True when the decoder sits inside the sink's arguments; false when a variable carries it. */
  direct: boolean;
}

/** How far (in characters) decoded data is followed from its assignment to a use. */
export const FLOW_WINDOW = 5000;
/** Caps that keep a hostile or huge minified file linear: sinks and decoders looked at, assignments followed. */
const MAX_MATCHES = 2000;
const MAX_TRACKED_ASSIGNMENTS = 200;
const MAX_USES_PER_ASSIGNMENT = 50;

const IDENTIFIER = /(?<![\w$.])[A-Za-z_$][\w$]*/g;

export function findDecodedExecution(text: string, rules: DecodeRules): DecodedExecution[] {
  const decoded = decodedVariables(text, rules.decoders);
  const found: DecodedExecution[] = [];
  let count = 0;
  for (const m of text.matchAll(rules.sinks)) {
    if (++count > MAX_MATCHES) break;
    const sink = m[0];
    if (rules.acceptSink && !rules.acceptSink(sink, text, m.index)) continue;
    const args = callArguments(text, m.index + sink.length - 1);
    const decoder = firstMatch(args, rules.decoders);
    if (decoder !== null) {
      found.push({ index: m.index, sink: compact(sink), via: compact(decoder), direct: true });
      continue;
    }
    const variable = identifiers(args).find((name) => decoded.get(name)?.some((at) => at < m.index && m.index - at <= FLOW_WINDOW));
    if (variable !== undefined) found.push({ index: m.index, sink: compact(sink), via: variable, direct: false });
  }
  return found;
}

/**
 * Names assigned from a decoder, with the offsets of those assignments, then names assigned from
 * those (two hops: `a = b64(x); b = a.decode()`). Minified code reuses one-letter names everywhere,
 * so a use only counts within FLOW_WINDOW characters after the assignment.
 */
export function decodedVariables(text: string, decoders: RegExp): Map<string, number[]> {
  const names = new Map<string, number[]>();
  const frontier: [string, number][] = [];
  let tracked = 0;
  const add = (name: string, at: number): void => {
    if (tracked >= MAX_TRACKED_ASSIGNMENTS || names.get(name)?.includes(at)) return;
    tracked++;
    names.set(name, [...(names.get(name) ?? []), at]);
    frontier.push([name, at]);
  };
  let count = 0;
  for (const m of text.matchAll(decoders)) {
    if (++count > MAX_MATCHES) break;
    const name = assignedName(text, m.index);
    if (name !== null) add(name, m.index);
  }
  for (let hop = 0; hop < 2; hop++) {
    for (const [name, at] of frontier.splice(0)) {
      const window = text.slice(at, at + FLOW_WINDOW);
      let uses = 0;
      for (const use of window.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(name)}(?![\\w$])`, 'g'))) {
        if (++uses > MAX_USES_PER_ASSIGNMENT) break;
        const target = assignedName(text, at + use.index);
        if (target !== null && target !== name) add(target, at + use.index);
      }
    }
  }
  return names;
}

function identifiers(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(IDENTIFIER), (m) => m[0]))];
}

function firstMatch(text: string, re: RegExp): string | null {
  const m = new RegExp(re.source, re.flags.replace('g', '')).exec(text);
  return m ? m[0] : null;
}

function compact(s: string): string {
  return s.replace(/\s+/g, '');
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
