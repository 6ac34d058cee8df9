/**
 * What the reader knows about tasks from the `[tgid:tid]` prefix every task log line carries:
 * each tid's thread group, when it was first seen (to tell a clone's fresh child from a reused
 * tid) and its last known comm (to split `comm E name(` when the comm contains spaces).
 * Bounded: past the limit the oldest entries are forgotten.
 */

interface Task {
  tgid: number;
  firstLine: number;
  comm: string | undefined;
}

export class TaskTable {
  private readonly tasks = new Map<number, Task>();

  constructor(private readonly maxEntries = 65_536) {}

  get(tid: number): Task | undefined {
    return this.tasks.get(tid);
  }

  /** Records a task seen for the first time (or a tid now used by another thread group). */
  add(tid: number, tgid: number, line: number, comm?: string): void {
    this.tasks.delete(tid);
    this.tasks.set(tid, { tgid, firstLine: line, comm });
    if (this.tasks.size > this.maxEntries) {
      const oldest = this.tasks.keys().next();
      if (!oldest.done) this.tasks.delete(oldest.value);
    }
  }

  comm(tid: number): string | undefined {
    return this.tasks.get(tid)?.comm;
  }

  setComm(tid: number, comm: string): void {
    const task = this.tasks.get(tid);
    if (task) task.comm = comm;
  }

  delete(tid: number): void {
    this.tasks.delete(tid);
  }
}

/** A set that forgets its oldest members past a limit. */
export class BoundedSet {
  private readonly items = new Set<number>();

  constructor(private readonly maxEntries = 65_536) {}

  has(n: number): boolean {
    return this.items.has(n);
  }

  add(n: number): void {
    this.items.add(n);
    if (this.items.size > this.maxEntries) {
      const oldest = this.items.values().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
  }

  delete(n: number): void {
    this.items.delete(n);
  }
}
