/**
 * A refusal a person can understand. `code` is stable for programs,
 * `message` is Italian and shown as is.
 */
export type ErrorCode =
  | 'validation'
  | 'forbidden'
  | 'unauthenticated'
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'too_large'
  /** The operation needs an explicit confirmation (e.g. replacing a PC's local data). */
  | 'confirmation_required'
  /** A server the operation depends on could not be reached or refused it. */
  | 'unavailable'
  | 'internal';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const fail = (code: ErrorCode, message: string): never => {
  throw new DomainError(code, message);
};
