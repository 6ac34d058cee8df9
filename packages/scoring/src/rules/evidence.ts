/** Evidence references for the report's sections, so every hit points at entries a person can find. */
import type { FileWrite, ProcessExec } from '@airlock/core';
import { clip, commandLine } from '../commands.js';
import type { EvidenceRef } from '../types.js';

export const processRef = (p: ProcessExec, index: number): EvidenceRef => ({
  section: 'processes',
  index,
  phase: p.phase,
  pid: p.pid,
  time: p.time,
  path: p.path,
  detail: clip(commandLine(p.argv)),
});

export const writeRef = (w: FileWrite, index: number): EvidenceRef => ({
  section: 'fileWrites',
  index,
  phase: w.phase,
  pid: w.pid,
  time: w.time,
  path: w.path,
  detail: w.source === null ? w.operation : `${w.operation} from ${w.source}`,
});
