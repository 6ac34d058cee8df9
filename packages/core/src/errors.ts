/** Error codes callers can branch on; messages are for people. */
export type AirlockErrorCode = 'INVALID_INPUT' | 'ARCHIVE_REJECTED' | 'IMAGE_MISSING' | 'DOCKER_UNAVAILABLE' | 'SANDBOX_FAILED' | 'ABORTED';

export class AirlockError extends Error {
  constructor(
    readonly code: AirlockErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AirlockError';
  }
}
