// The user name and password of an `Authorization: Basic <base64>` field
// (RFC 7617), as HAProxy's http_auth fetches read them: the scheme in any
// case, the first ':' of the decoded text splits the two.

export interface Credentials {
  user: string;
  pass: string;
}

const BASIC = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i;

/** The credentials in an Authorization value, or null when it is not valid Basic. */
export function parseBasicCredentials(value: string): Credentials | null {
  const m = BASIC.exec(value);
  if (m === null) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('latin1');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { user: text.slice(0, colon), pass: text.slice(colon + 1) };
}

/** The value of the first Authorization field in flat [name, value, ...] fields. */
export function authorizationOf(fields: readonly string[]): string | undefined {
  for (let i = 0; i < fields.length; i += 2) {
    const n = fields[i]!;
    if (n.length === 13 && n.toLowerCase() === 'authorization') return fields[i + 1];
  }
  return undefined;
}
