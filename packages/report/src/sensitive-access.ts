import type { SensitiveAccessKind } from '@airlock/core';
import type { StraceEvent } from '@airlock/strace';
import { matchSensitivePath, type SensitivePathRule } from './sensitive-paths.js';

/** What one event did to a sensitive path, before the report adds who and when. */
export interface SensitiveTouch {
  rule: SensitivePathRule;
  path: string;
  access: SensitiveAccessKind;
  operation: string;
}

/**
 * The sensitive path an event touched, if any. Every path the event names counts: the opened path and
 * the kernel's resolved one (a symlink to ~/.ssh/id_rsa is caught), both names of a rename, a link's
 * target, and a Unix socket's path on connect (the Docker socket).
 */
export function sensitiveTouchOf(event: StraceEvent): SensitiveTouch | null {
  if (event.category === 'network') {
    if (event.type !== 'connect' || event.address?.family !== 'AF_UNIX' || event.address.abstract) return null;
    const rule = matchSensitivePath(event.address.path);
    return rule ? { rule, path: event.address.path, access: 'connect', operation: 'connect' } : null;
  }
  if (event.category !== 'file' || event.type === 'chdir') return null;
  const paths = [event.path];
  if (event.type === 'open' && event.resolvedPath) paths.push(event.resolvedPath);
  if (event.type === 'rename') paths.push(event.newPath);
  if (event.type === 'link') paths.push(event.target);
  const access: SensitiveAccessKind =
    event.type === 'readdir'
      ? 'list'
      : event.type === 'stat'
        ? 'check'
        : event.type === 'open' && event.intent === 'read'
          ? 'read'
          : 'write';
  const operation = event.type === 'open' ? event.intent : event.type;
  for (const path of paths) {
    const rule = matchSensitivePath(path);
    if (rule) return { rule, path, access, operation };
  }
  return null;
}
