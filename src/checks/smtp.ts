// `option smtpchk [HELO|EHLO domain]`: HAProxy 2.6's SMTP dialogue. Read the
// banner (a 3-digit reply, and it must be 2xx), send "HELO localhost" (or the
// configured greeting), expect a 2xx reply (multi-line EHLO answers
// included), then say QUIT and expect 2xx so the server logs a clean close.
// The reply code is the check's code and the reply text its info
// ("Layer7 check passed, code: 221, info: "2.0.0 Bye"").

import { makeScript, type Script } from './script.ts';
import { expectRule } from './tcp-check.ts';
import { firstLine, replyCode, trimmedLine } from './payload.ts';

const QUIT = Buffer.from('QUIT\r\n', 'latin1');
const replyText = (input: Buffer): string => trimmedLine(input, 4);

export function smtpScript(verb: 'HELO' | 'EHLO' = 'HELO', domain = 'localhost'): Script {
  const hello = Buffer.from(`${verb} ${domain}\r\n`, 'utf8');
  return makeScript([
    { kind: 'connect', id: 1, implicit: false, ssl: false, sendProxy: false },
    expectRule({
      id: 2, match: 'rstring', pattern: '^[0-9]{3}[ \r]', minRecv: 4, errorStatus: 'L7RSP', verbose: false,
      onError: (input) => firstLine(input, 0),
    }),
    expectRule({
      id: 3, match: 'rstring', pattern: '^2[0-9]{2}[ \r]', minRecv: 4, errorStatus: 'L7STS', verbose: false,
      onError: replyText, statusCode: replyCode,
    }),
    { kind: 'send', id: 4, data: hello },
    expectRule({
      id: 5, match: 'rstring', pattern: '^(2[0-9]{2}-[^\r]*\r\n)*2[0-9]{2}[ \r]', errorStatus: 'L7STS', verbose: false,
      onError: replyText, onSuccess: replyText, statusCode: replyCode,
    }),
    { kind: 'send', id: 6, data: QUIT },
    expectRule({
      id: 7, match: 'rstring', pattern: '^2[0-9]{2}[- \r]', minRecv: 4, errorStatus: 'L7STS', verbose: false,
      onError: replyText, onSuccess: replyText, statusCode: replyCode,
    }),
  ], false);
}
