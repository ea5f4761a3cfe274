// HAProxy's escaping of logged text (manual 8.6 "Non-printable characters"),
// so that log analysers written for HAProxy split our lines the same way.
//
// - Request lines (%r, %HU...) encode '"', '#' and every byte outside
//   32..126 as '#' + two upper-case hex digits.
// - Captured headers (%hr, %hs...) also encode '{', '|' and '}', which
//   delimit them.
// - The +E flag (meant for RFC 5424 structured data) additionally prefixes
//   '"', '\' and ']' with a backslash when they were not already hex-encoded;
//   on plain text fields (%b, %CC, %ID...) +E is the only escaping done.
//
// Strings are treated as Node's HTTP parser hands them over: one character
// per received byte (latin1). A character above 0xFF cannot come from the
// wire that way, so it is encoded as its UTF-8 bytes.
//
// The fast path is one precompiled regex test; most lines need no escaping.

const HEX = '0123456789ABCDEF';

const URL_SPECIAL = /["#\u0000-\u001f\u007f-\uffff]/;
const URL_SPECIAL_E = /["#\\\]\u0000-\u001f\u007f-\uffff]/;
const HDR_SPECIAL = /["#{|}\u0000-\u001f\u007f-\uffff]/;
const HDR_SPECIAL_E = /["#{|}\\\]\u0000-\u001f\u007f-\uffff]/;
const TEXT_SPECIAL_E = /["\\\]]/;

function hexByte(b: number): string {
  return '#' + HEX[(b >> 4) & 15] + HEX[b & 15];
}

function encodeChar(out: string, code: number): string {
  if (code < 0x100) return out + hexByte(code);
  // UTF-8 bytes of a BMP character (surrogates are encoded one by one, as
  // the lone code units they are in the string).
  if (code < 0x800) return out + hexByte(0xc0 | (code >> 6)) + hexByte(0x80 | (code & 63));
  return out + hexByte(0xe0 | (code >> 12)) + hexByte(0x80 | ((code >> 6) & 63)) + hexByte(0x80 | (code & 63));
}

function slowEncode(s: string, header: boolean, esc: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c >= 127 || c === 0x22 /* " */ || c === 0x23 /* # */) {
      out = encodeChar(out, c);
    } else if (header && (c === 0x7b /* { */ || c === 0x7c /* | */ || c === 0x7d /* } */)) {
      out = encodeChar(out, c);
    } else if (esc && (c === 0x5c /* \ */ || c === 0x5d /* ] */)) {
      out += '\\' + s[i];
    } else {
      out += s[i];
    }
  }
  return out;
}

/** Encoding of the request line and its parts (%r %HM %HU %HP %HPO %HQ %HV). */
export function encodeUri(s: string, esc: boolean): string {
  if (!(esc ? URL_SPECIAL_E : URL_SPECIAL).test(s)) return s;
  return slowEncode(s, false, esc);
}

/** Encoding of one captured header value (%hr %hs %hrl %hsl). */
export function encodeHeader(s: string, esc: boolean): string {
  if (!(esc ? HDR_SPECIAL_E : HDR_SPECIAL).test(s)) return s;
  return slowEncode(s, true, esc);
}

/** +E on plain text fields: backslash before '"', '\' and ']'. Nothing else is touched. */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL_E.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    out += c === '"' || c === '\\' || c === ']' ? '\\' + c : c;
  }
  return out;
}
