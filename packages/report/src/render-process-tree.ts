import type { Attribution, PhaseName, PhaseProcessTree, ProcessTreeNode } from '@airlock/core';
import { basename, commandLine } from './text-format.js';

/** Nodes printed per phase; the rest are counted. */
export const TREE_LIMIT = 60;
const ARGV_WIDTH = 110;
/** Deeper levels are printed at this indentation with their depth written out. */
const MAX_INDENT = 12;

/**
 * The phase's process tree, indented with box-drawing branches: each line is the command line of the
 * process's last exec (argv shortened), its pid and how it ended, and the lifecycle script it ran under.
 */
export function renderProcessTree(phase: PhaseName, tree: PhaseProcessTree, limit = TREE_LIMIT): string[] {
  const hidden = tree.hiddenProcesses ? `, ${tree.hiddenProcesses} runner process(es) of the sandbox not shown` : '';
  const out = [`Process tree, ${phase}: ${tree.nodes.length} process(es)${hidden}`];
  // Depth-first without recursion: a package can make the tree as deep as it likes.
  const stack = [...tree.roots].reverse().map((id) => ({ id, depth: 0, prefix: '  ', last: true, root: true }));
  let printed = 0;
  while (stack.length > 0 && printed < limit) {
    const { id, depth, prefix, last, root } = stack.pop()!;
    const node = tree.nodes[id]!;
    const branch = root ? '' : last ? '└─ ' : '├─ ';
    const deep = depth > MAX_INDENT ? `[depth ${depth}] ` : '';
    out.push(`${prefix}${branch}${deep}${describeNode(node)}`);
    printed++;
    const childPrefix = root || depth >= MAX_INDENT ? prefix : `${prefix}${last ? '   ' : '│  '}`;
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push({ id: node.children[i]!, depth: depth + 1, prefix: childPrefix, last: i === node.children.length - 1, root: false });
    }
  }
  if (tree.nodes.length > printed) out.push(`  … ${tree.nodes.length - printed} more process(es) (see --json)`);
  return out;
}

function describeNode(node: ProcessTreeNode): string {
  const exec = node.execs.at(-1);
  const command = exec ? commandLine(exec.argv.length ? exec.argv : [exec.path], ARGV_WIDTH) : '(fork of its parent, no exec)';
  const chain = node.execs.length > 1 ? `  (exec chain: ${node.execs.map((e) => basename(e.path)).join(' → ')})` : '';
  return `${command}  [pid ${node.pid}, ${ending(node)}]${chain}${attributionMark(node.attribution)}`;
}

function ending(node: ProcessTreeNode): string {
  if (node.exitSignal) return `killed by ${node.exitSignal}`;
  if (node.exitCode !== null) return `exit ${node.exitCode}`;
  return node.exitTime === null ? 'running when tracing stopped' : 'ended';
}

export function attributionMark(attribution: Attribution | null): string {
  return attribution ? `  <- ${attribution.packageName} ${attribution.event}` : '';
}
