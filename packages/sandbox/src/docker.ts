import Docker from 'dockerode';
import { AirlockError } from '@airlock/core';

/** A Docker client from the usual environment (DOCKER_HOST, or the local socket). */
export function connectDocker(): Docker {
  return new Docker();
}

/** Fails with a clear message when no engine answers, before any work is done. */
export async function assertDockerReachable(docker: Docker): Promise<void> {
  try {
    await docker.ping();
  } catch (err) {
    throw new AirlockError(
      'DOCKER_UNAVAILABLE',
      `no Docker engine answers (${(err as Error).message}); run \`npm run setup\` or start dockerd`,
      { cause: err },
    );
  }
}

/** Reads a dockerode progress stream (build, pull) to its end; rejects on the first error message. */
export function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve(lines)),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error) reject(new Error(event.errorDetail?.message ?? event.error));
        if (event.stream) lines.push(event.stream);
      },
    );
  });
}
