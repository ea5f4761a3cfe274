// Public surface of Hawser's access logging: HAProxy-compatible log lines
// (log-format language, tcplog/httplog/clf), syslog headers, and the sinks
// they are written to. Other folders import from here only.

export { AccessLogRecord, type LogRecordMode } from './record.ts';
export { localDateMs } from './dates.ts';
export {
  compileLogFormat,
  type CompiledLogFormat,
  type CompileLogFormatOptions,
  type LogFormatProblem,
  type LogFormatProblemCode,
} from './format.ts';
export {
  TCP_LOG_FORMAT,
  HTTP_LOG_FORMAT,
  CLF_HTTP_LOG_FORMAT,
  HTTPS_LOG_FORMAT,
  DEFAULT_HTTP_LOG_FORMAT,
  DEFAULT_TCP_LOG_FORMAT,
  chooseLogFormat,
  type LogFormatChoice,
  type LogFormatOptions,
  type LogMoment,
} from './formats.ts';
export {
  LOG_LEVELS,
  LOG_FACILITIES,
  SYSLOG_FORMATS,
  SyslogHeader,
  clampLine,
  levelNumber,
  facilityNumber,
  isSyslogFormat,
  type LogLevel,
  type LogFacility,
  type SyslogFormat,
  type SyslogIdentity,
} from './syslog.ts';
export {
  FdLineSink,
  UdpLineSink,
  sharedFdSink,
  type LineSink,
  type FdLineSinkOptions,
  type UdpLineSinkOptions,
} from './sink.ts';
export { createAccessLogger, type AccessLogger, type AccessLoggerOptions, type AccessLogTarget } from './access-logger.ts';
export { LogError, type LogErrorCode } from './errors.ts';
export {
  isJournalStream,
  journalPrefix,
  pinoSyslogLevel,
  stderrSyslogLevel,
  prefixStderrText,
  type FileIdentity,
} from './journal.ts';
export { fdIsJournal, prefixStderrForJournal } from './journal-stream.ts';
