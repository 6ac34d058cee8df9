/**
 * `airlock scan`'s progress on a terminal: one line on stderr, rewritten in place, with the elapsed time,
 * the step (fetch, sandbox start, install, import, ... of each view) and what it works on. Nothing at all
 * when stderr is not a TTY (a CI log or a pipe gets no escape codes and no noise).
 */
import type { ProgressEvent } from '@airlock/core';

const STEP_TEXT: Record<ProgressEvent['step'], string> = {
  fetch: 'resolving and downloading',
  prepare: 'reading the package',
  start: 'starting the sandbox',
  install: 'install',
  import: 'import',
  collect: 'collecting what the run left',
  parse: 'reading the syscall records',
  score: 'scoring',
};

/** The line for one step, at most `columns - 1` wide (a line that wraps cannot be rewritten in place). Pure. */
export function progressText(event: ProgressEvent, elapsedMs: number, columns = 80): string {
  const view = event.view ? ` (${event.view} ${event.view === 'control' ? 'run' : 'view'})` : '';
  const text = `[${(elapsedMs / 1000).toFixed(1).padStart(5)} s] ${STEP_TEXT[event.step]}${view}${event.detail ? `: ${event.detail}` : ''}`;
  const width = Math.max(20, columns - 1);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

export interface ProgressLine {
  update(event: ProgressEvent): void;
  /** Clears the line, so what is printed next starts on a clean one. */
  stop(): void;
}

const QUIET: ProgressLine = { update: () => {}, stop: () => {} };

/** A live line on `stream` when it is a TTY (the clock ticks between steps); otherwise one that writes nothing. */
export function progressLine(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressLine {
  if (!stream.isTTY) return QUIET;
  const started = now();
  let last: ProgressEvent | null = null;
  const draw = () => {
    if (last) stream.write(`\r\x1b[2K${progressText(last, now() - started, stream.columns > 0 ? stream.columns : 80)}`);
  };
  const tick = setInterval(draw, 200);
  tick.unref();
  return {
    update(event) {
      last = event;
      draw();
    },
    stop() {
      clearInterval(tick);
      if (last) stream.write('\r\x1b[2K');
      last = null;
    },
  };
}
