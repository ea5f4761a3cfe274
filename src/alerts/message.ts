// The mail HAProxy sends for a server state change, reproduced: the
// envelope (HELO name, MAIL FROM, RCPT TO) and the DATA part with From, To,
// Date and `Subject: [HAProxy Alert] <message>` headers, the message again
// as the body, lines ending in CRLF, and the final dot. The subject keeps
// HAProxy's prefix so that mail filters written for HAProxy keep working.
// Pure: the date comes in.

export interface AlertEnvelope {
  /** The name given in HELO (`email-alert myhostname`, default the host's name). */
  helo: string;
  from: string;
  to: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime's "%a, %d %b %Y %T %z (%Z)" in local time, as HAProxy dates its alerts. */
export function mailDate(d: Date, zoneName: string): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${DAYS[d.getDay()]}, ${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)} (${zoneName})`
  );
}

/**
 * The DATA payload, terminated by CRLF.CRLF. Line breaks in the message
 * become spaces (it is one header line) and a line starting with a dot is
 * doubled (RFC 5321 transparency), so no message can end the mail early.
 */
export function alertData(env: AlertEnvelope, message: string, date: string): string {
  const text = message.replace(/[\r\n]+/g, ' ');
  const body = text.startsWith('.') ? '.' + text : text;
  return `From: ${env.from}\r\nTo: ${env.to}\r\nDate: ${date}\r\nSubject: [HAProxy Alert] ${text}\r\n\r\n${body}\r\n\r\n.\r\n`;
}
