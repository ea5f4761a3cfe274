// Errors of the logging part, each with a stable HAWSER_LOG_* code so that
// callers and tests match on the code, not on the wording.

export type LogErrorCode =
  | 'HAWSER_LOG_BAD_LEVEL'
  | 'HAWSER_LOG_BAD_FACILITY'
  | 'HAWSER_LOG_BAD_FORMAT'
  | 'HAWSER_LOG_BAD_TARGET'
  | 'HAWSER_LOG_GLOBAL_UNRESOLVED'
  | 'HAWSER_LOG_UNIX_UNSUPPORTED'
  | 'HAWSER_LOG_CLOSED';

export class LogError extends Error {
  readonly code: LogErrorCode;

  constructor(code: LogErrorCode, message: string) {
    super(`${code} ${message}`);
    this.name = 'LogError';
    this.code = code;
  }
}
