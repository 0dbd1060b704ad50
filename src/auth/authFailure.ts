import { ClientMessage } from '../clientMessages';
import { AppError, ErrorCode } from '../errors';

/** Why a bearer token was refused. For logs only: clients always get the same generic message. */
export const AuthFailureReason = {
  /** No Authorization header, or a scheme other than Bearer (RFC 6750: no error code in the challenge). */
  Missing: 'missing',
  Malformed: 'malformed',
  Expired: 'expired',
  NotYetValid: 'not_yet_valid',
  BadSignature: 'bad_signature',
  AlgorithmNotAllowed: 'algorithm_not_allowed',
  UnknownKey: 'unknown_key',
  ClaimMismatch: 'claim_mismatch',
  Unsupported: 'unsupported',
} as const;

export type AuthFailureReason = (typeof AuthFailureReason)[keyof typeof AuthFailureReason];

/** The `cause` of every UNAUTHORIZED AppError raised by the verifier. Its message never contains the token. */
export class AuthFailure extends Error {
  override readonly name = 'AuthFailure';
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, detail: string, options?: { cause?: unknown }) {
    super(`${reason}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
  }
}

export function createUnauthorizedError(reason: AuthFailureReason, detail: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.Unauthorized, ClientMessage.unauthorized, {
    cause: new AuthFailure(reason, detail, { cause }),
  });
}
