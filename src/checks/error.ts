// Errors raised while turning a check's configuration into a script. They
// carry a stable code; the config layer normally catches these problems
// first, so seeing one at run time means a model the validator let through.

export type CheckErrorCode =
  | 'HAWSER_CHECK_BAD_REGEX'
  | 'HAWSER_CHECK_BAD_HEX'
  | 'HAWSER_CHECK_NO_PORT';

export class CheckError extends Error {
  readonly code: CheckErrorCode;

  constructor(code: CheckErrorCode, message: string) {
    super(`${code} ${message}`);
    this.name = 'CheckError';
    this.code = code;
  }
}
