/** Stable codes for the devhost's own failures (bad arguments, bad app, unsupported features). */
export const DevhostErrorCode = {
  InvalidArguments: 'INVALID_ARGUMENTS',
  InvalidApp: 'INVALID_APP',
  InvalidConfig: 'INVALID_CONFIG',
  RegistrationLocked: 'REGISTRATION_LOCKED',
  Unsupported: 'UNSUPPORTED',
  BodyTooLarge: 'BODY_TOO_LARGE',
} as const;

export type DevhostErrorCode = (typeof DevhostErrorCode)[keyof typeof DevhostErrorCode];

export class DevhostError extends Error {
  override readonly name = 'DevhostError';
  readonly code: DevhostErrorCode;

  constructor(code: DevhostErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
