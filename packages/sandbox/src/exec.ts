import type Docker from 'dockerode';
import type { CapturedText } from '@airlock/core';
import { CappedSink } from './capped-sink.js';

export interface ExecRequest {
  cmd: string[];
  user: string;
  env: string[];
  workingDir: string;
  /** After this long the exec is abandoned and `onDeadline` runs (it must stop the processes). */
  deadlineMs: number;
  onDeadline: () => Promise<void>;
  captureBytes: number;
}

export interface ExecOutcome {
  exitCode: number | null;
  stdout: CapturedText;
  stderr: CapturedText;
  /** The host deadline fired: the in-container runner did not end the phase by itself. */
  hitDeadline: boolean;
}

/** Runs a command in a running container, streaming its output into capped buffers. */
export async function execInContainer(container: Docker.Container, request: ExecRequest): Promise<ExecOutcome> {
  const exec = await container.exec({
    Cmd: request.cmd,
    User: request.user,
    Env: request.env,
    WorkingDir: request.workingDir,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new CappedSink(request.captureBytes);
  const stderr = new CappedSink(request.captureBytes);
  container.modem.demuxStream(stream, stdout, stderr);
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), request.deadlineMs);
  });
  const first = await Promise.race([ended.then(() => 'ended' as const), deadline]);
  clearTimeout(timer);
  if (first === 'deadline') {
    await request.onDeadline();
    // The stream ends once the container's processes are gone; don't wait for ever if it does not.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 10_000))]);
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
  const info = await exec.inspect().catch(() => null);
  return {
    exitCode: info && !info.Running ? info.ExitCode : null,
    stdout: stdout.captured(),
    stderr: stderr.captured(),
    hitDeadline: first === 'deadline',
  };
}
