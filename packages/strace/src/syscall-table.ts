/** Which syscalls produce events. Anything not listed is counted as ignored, not parsed. */
import { fileBuilders } from './file-calls.js';
import { networkBuilders } from './network-calls.js';
import { privilegeBuilders } from './privilege-calls.js';
import { processBuilders } from './process-calls.js';
import type { SyscallBuilder } from './syscall-record.js';

export const syscallBuilders: ReadonlyMap<string, SyscallBuilder> = new Map(
  Object.entries({ ...processBuilders, ...fileBuilders, ...networkBuilders, ...privilegeBuilders }),
);

/** Names of the syscalls that produce events. */
export function eventSyscalls(): string[] {
  return [...syscallBuilders.keys()].sort();
}
