// The log-format language: every variable, every flag, separators, literal
// text and the compile errors, on known records. Dates are checked in a
// zone that is not GMT (and not a whole number of hours away from it).
process.env.TZ = 'Asia/Kolkata';

import test from 'ava';
import { AccessLogRecord, compileLogFormat } from '../../../src/log/index.ts';
import { fullHttpRecord, localMs, tcpRecord } from './record-fixtures.ts';

function render(fmt: string, r: AccessLogRecord, mode: 'http' | 'tcp' = 'http'): string {
  const c = compileLogFormat(fmt, { mode });
  if (c.errors.length > 0) throw new Error(`unexpected errors for ${fmt}: ${c.errors.join('; ')}`);
  return c.format(r);
}

const ACCEPT_EPOCH_S = Date.UTC(2009, 1, 6, 6, 44, 14) / 1000; // 12:14:14 in Asia/Kolkata

test('every variable renders its field', (t) => {
  const r = fullHttpRecord();
  const cases: Array<[string, string]> = [
    ['%B', '2750'],
    ['%CC', '-'],
    ['%CS', '-'],
    ['%H', 'lb1'],
    ['%HM', 'GET'],
    ['%HP', '/index.html'],
    ['%HPO', '/index.html'],
    ['%HQ', ''],
    ['%HU', '/index.html'],
    ['%HV', 'HTTP/1.1'],
    ['%ID', '-'],
    ['%ST', '200'],
    ['%T', '06/Feb/2009:06:44:14 +0000'],
    ['%Ta', '109'],
    ['%Tc', '30'],
    ['%Td', '0'],
    ['%Th', '0'],
    ['%Ti', '0'],
    ['%Tl', '06/Feb/2009:12:14:14 +0530'],
    ['%Tq', '10'],
    ['%TR', '10'],
    ['%Tr', '69'],
    ['%Ts', String(ACCEPT_EPOCH_S)],
    ['%Tt', '109'],
    ['%Tu', '109'],
    ['%Tw', '0'],
    ['%U', '430'],
    ['%ac', '1'],
    ['%b', 'static'],
    ['%bc', '1'],
    ['%bi', '192.168.1.10'],
    ['%bp', '41000'],
    ['%bq', '0'],
    ['%ci', '10.0.1.2'],
    ['%cp', '33317'],
    ['%f', 'http-in'],
    ['%fc', '1'],
    ['%fi', '10.0.3.31'],
    ['%fp', '8012'],
    ['%ft', 'http-in'],
    ['%hr', '{1wt.eu}'],
    ['%hrl', '1wt.eu'],
    ['%hs', '{}'],
    ['%hsl', '-'],
    ['%lc', '3'],
    ['%ms', '655'],
    ['%pid', '14389'],
    ['%r', 'GET /index.html HTTP/1.1'],
    ['%rc', '0'],
    ['%rt', '7'],
    ['%s', 'srv1'],
    ['%sc', '1'],
    ['%si', '192.168.1.20'],
    ['%sp', '8000'],
    ['%sq', '0'],
    ['%sslc', '-'],
    ['%sslv', '-'],
    ['%t', '06/Feb/2009:12:14:14.655'],
    ['%tr', '06/Feb/2009:12:14:14.655'],
    ['%trg', '06/Feb/2009:06:44:14 +0000'],
    ['%trl', '06/Feb/2009:12:14:14 +0530'],
    ['%ts', '--'],
    ['%tsc', '----'],
  ];
  for (const [fmt, want] of cases) t.is(render(fmt, r), want, fmt);
});

test('the quote, hex, escape and mandatory flags, as HAProxy applies them per field type', (t) => {
  const r = fullHttpRecord();
  r.capturedRequestCookie = 'SID=x"y\\z]';
  r.frontendSsl = true;
  const cases: Array<[string, string]> = [
    // strings: Q quotes, E backslash-escapes " \ ], M gives '-' when empty
    ['%{+Q}b', '"static"'],
    ['%{+Q}CC', '"SID=x"y\\z]"'],
    ['%{+E}CC', 'SID=x\\"y\\\\z\\]'],
    ['%{+Q,+E}CC', '"SID=x\\"y\\\\z\\]"'],
    ['%{+Q}CS', '""'],
    ['%{-M}CS', ''],
    ['%{+Q,-M}CS', '""'],
    ['%{+Q}ft', '"http-in~"'],
    ['%ft', 'http-in~'],
    // numbers ignore Q
    ['%{+Q}ST', '200'],
    ['%{+Q}B', '2750'],
    ['%{+Q}Tt', '109'],
    // addresses: Q quotes the IP, never the port; X gives network-order hex
    ['%{+Q}ci', '"10.0.1.2"'],
    ['%{+Q}cp', '33317'],
    ['%{+X}ci', '0A000102'],
    ['%{+X}cp', '8225'],
    ['%{+X}fi:%{+X}fp', '0A00031F:1F4C'],
    ['%{+X}bi:%{+X}bp', 'C0A8010A:A028'],
    ['%{+X}si:%{+X}sp', 'C0A80114:1F40'],
    // the other hex-capable fields
    ['%{+X}Ts', ACCEPT_EPOCH_S.toString(16).toUpperCase()],
    ['%{+X}ms', '28F'],
    ['%{+X}pid', '3835'],
    ['%{+X}rt', '0007'],
    ['%{+X}lc', '0003'],
    // request line fields quote around the encoded text
    ['%{+Q}r', '"GET /index.html HTTP/1.1"'],
    ['%{+Q}HQ', '""'],
    ['%{+Q}HM', '"GET"'],
    ['%{+Q}hr', '"{1wt.eu}"'],
    ['%{+Q}hrl', '"1wt.eu"'],
    ['%{+Q}hsl', '""'],
    // unknown flag letters and flags without a sign are ignored, as HAProxy does
    ['%{+Z}ci', '10.0.1.2'],
    ['%{Q}ci', '10.0.1.2'],
  ];
  for (const [fmt, want] of cases) t.is(render(fmt, r), want, fmt);
});

test('%o sets the flags of every later variable, which may take them back', (t) => {
  const r = fullHttpRecord();
  t.is(render('%{+Q}o %ci %{-Q}ci %b %cp %r', r), '"10.0.1.2" 10.0.1.2 "static" 33317 "GET /index.html HTTP/1.1"');
  t.is(render('%{-M}o %CC|%{+M}CC', r), '|-');
});

test('spaces are separators: collapsed, dropped at the start, kept at the end', (t) => {
  const r = fullHttpRecord();
  t.is(render('   %ci    %cp  ', r), '10.0.1.2 33317 ');
  t.is(render('a  b', r), 'a b');
  t.is(render('%{-M}CC %b', r), ' static', 'an empty field still counts as written');
});

test('absent header captures take their separator with them', (t) => {
  const r = fullHttpRecord();
  r.requestHeaders.length = 0;
  r.responseHeaders.length = 0;
  t.is(render('%sq/%bq %hr %hs %{+Q}r', r), '0/0 "GET /index.html HTTP/1.1"');
  t.is(render('%hr %hs %b', r), 'static');
  t.is(render('%b %hrl %hsl', r), 'static ', 'as HAProxy: the separator before the last absent field stays');
  r.requestHeaders.push('h');
  t.is(render('%sq/%bq %hr %hs %{+Q}r', r), '0/0 {h} "GET /index.html HTTP/1.1"');
  t.is(render('%hr%hs|%hs %hr', r), '{h}| {h}', 'only a separator right before the absent field is swallowed');
});

test('literal text, %% and a % before punctuation', (t) => {
  const r = fullHttpRecord();
  t.is(render('%%|x"y|a\\b', r), '%|x"y|a\\b');
  t.is(render('A%-b', r), 'A-b', 'HAProxy drops the % and keeps the character');
  t.is(render('[%t]', r), '[06/Feb/2009:12:14:14.655]');
  t.is(render('%ci:%cp', r), '10.0.1.2:33317');
});

test('two numeric fields in a row are concatenated, not added', (t) => {
  const r = fullHttpRecord();
  t.is(render('%ac%fc%ST', r), '11200');
});

test('captured headers and the request line are encoded as in manual 8.6', (t) => {
  const r = fullHttpRecord();
  r.requestHeaders.length = 0;
  // One character per byte, as Node's HTTP parser gives it (latin1): "é" in UTF-8 is \xc3\xa9.
  r.requestHeaders.push('a"b#c{d|e}f\\g]h\x01i\xc3\xa9', null);
  r.uri = '/p"a#b{c}|\\]\x7f';
  t.is(render('%hr', r), '{a#22b#23c#7Bd#7Ce#7Df\\g]h#01i#C3#A9|}');
  t.is(render('%{+E}hr', r), '{a#22b#23c#7Bd#7Ce#7Df\\\\g\\]h#01i#C3#A9|}');
  t.is(render('%hrl', r), 'a#22b#23c#7Bd#7Ce#7Df\\g]h#01i#C3#A9 -');
  t.is(render('%{+Q}hrl', r), '"a#22b#23c#7Bd#7Ce#7Df\\g]h#01i#C3#A9" ""');
  t.is(render('%r', r), 'GET /p#22a#23b{c}|\\]#7F HTTP/1.1', 'braces and bars are only special in headers');
  t.is(render('%{+E}r', r), 'GET /p#22a#23b{c}|\\\\\\]#7F HTTP/1.1');
  r.uri = '/\u20ac';
  t.is(render('%HU', r), '/#E2#82#AC', 'a character above 0xFF is written as its UTF-8 bytes');
});

test('request line parts, including absolute and query-less targets', (t) => {
  const r = fullHttpRecord();
  r.uri = 'http://www.example.com:81/a/b?c=1&d';
  t.is(render('%HM|%HU|%HP|%HPO|%HQ|%HV', r), 'GET|http://www.example.com:81/a/b?c=1&d|http://www.example.com:81/a/b|/a/b|?c=1&d|HTTP/1.1');
  r.uri = 'www.example.com:443';
  r.method = 'CONNECT';
  t.is(render('%HPO|%HP', r), '|www.example.com:443');
  r.method = 'GET';
  r.uri = '/old';
  r.httpVersion = '';
  t.is(render('%r|%HV', r), 'GET /old|HTTP/0.9');
});

test('a request that never parsed logs <BADREQ> and <NOSRV>, as HAProxy 2.6', (t) => {
  const r = new AccessLogRecord();
  r.mode = 'http';
  r.frontendName = 'px-http';
  r.backendName = 'px-http';
  t.is(render('%r|%{+Q}r|%HM|%HU|%HP|%HPO|%HQ|%HV|%s|%si|%sp', r),
    '<BADREQ>|"<BADREQ>"|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<BADREQ>|<NOSRV>|-|-');
  t.is(render('%TR/%Tw/%Tc/%Tr/%Ta %ST %tsc', r), '-1/-1/-1/-1/-1 -1 ----');
});

test('%tr is the accept date plus Th and Ti unless the request date is known', (t) => {
  const r = fullHttpRecord();
  r.Th = 3;
  r.Ti = 5;
  t.is(render('%tr', r), '06/Feb/2009:12:14:14.663');
  r.Ti = -1;
  t.is(render('%tr', r), '06/Feb/2009:12:14:14.655', 'no idle time measured: the accept date');
  r.requestDate = localMs(2009, 2, 6, 12, 14, 15, 2);
  t.is(render('%tr|%trg|%trl', r), '06/Feb/2009:12:14:15.002|06/Feb/2009:06:44:15 +0000|06/Feb/2009:12:14:15 +0530');
});

test('option logasap and redispatch prefixes', (t) => {
  const r = fullHttpRecord();
  r.logasap = true;
  r.redispatched = true;
  r.retries = 3;
  t.is(render('%Ta %Tt %Tu %B %U %rc', r), '+109 +109 +109 +2750 430 +3');
});

test('Td and Tu follow manual 8.4 in both modes', (t) => {
  const h = fullHttpRecord();
  h.Ti = 7;
  h.Tq = 17;
  h.Tt = 130;
  t.is(render('%Td %Tu', h), `${130 - (17 + 0 + 30 + 69)} ${130 - 7}`);
  h.Tr = -1;
  t.is(render('%Td', h), '-1', 'no response: no data phase');
  const c = tcpRecord();
  c.Th = 2;
  c.Tw = 1;
  c.Tc = 4;
  t.is(render('%Td %Tu', c, 'tcp'), `${5007 - (2 + 1 + 4)} 5007`);
  c.Tc = -1;
  t.is(render('%Td', c, 'tcp'), '-1');
});

test('IPv6 addresses, plain and in hex', (t) => {
  const r = fullHttpRecord();
  r.clientIp = '2001:db8::1';
  r.frontendIp = '::ffff:127.0.0.1';
  r.serverIp = '::';
  t.is(render('%ci %{+X}ci %{+X}fi %{+X}si', r),
    '2001:db8::1 20010DB8000000000000000000000001 00000000000000000000FFFF7F000001 00000000000000000000000000000000');
});

test('unknown addresses and ports log a dash (or empty quotes)', (t) => {
  const r = new AccessLogRecord();
  t.is(render('%ci:%cp %bi:%bp %{+Q}si:%{+Q}sp %{+X}ci:%{+X}cp', r), '-:- -:- "":"" -:-');
});

test('the trivial sample fetches read the record', (t) => {
  const r = fullHttpRecord();
  r.responseHeaders[0] = 'text/html';
  r.uniqueId = 'abc';
  t.is(render('%[src] %[src_port] %[dst] %[dst_port] %[fe_name] %[be_name] %[srv_name] %[status]', r),
    '10.0.1.2 33317 10.0.3.31 8012 http-in static srv1 200');
  t.is(render('%[method] %[capture.req.hdr(0)] %[capture.res.hdr(0)] %[capture.req.hdr(4)] %{+Q}[hostname] %[unique-id]', r),
    'GET 1wt.eu text/html - "lb1" abc');
  r.serverName = '<NOSRV>';
  r.status = -1;
  t.is(render('%[srv_name] %[status]', r), '- -', 'a fetch that finds nothing logs a dash');
  t.regex(compileLogFormat('%[path]').errors[0], /not supported yet: '%\[path\]'/, 'haproxy refuses path in a log-format too');
});

test('a reset record renders the defaults and keeps its arrays', (t) => {
  const r = fullHttpRecord();
  const headers = r.requestHeaders;
  r.reset();
  t.is(r.requestHeaders, headers);
  t.is(r.requestHeaders.length, 0);
  t.is(r.pid, 14389, 'per-process fields survive');
  t.is(render('%ci:%cp %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq', r), '-:- -/<NOSRV> -1/-1/-1 0 -- 0/0/0/0/0 0/0');
});

test('errors use HAProxy wording and stable codes, and all are reported at once', (t) => {
  const c = compileLogFormat('%ci %zz %{+Q}x %[req.hdr(host)] %[src,lower] %cp');
  t.deepEqual(c.problems.map((p) => p.code), [
    'HAWSER_LOGFMT_UNKNOWN_VARIABLE',
    'HAWSER_LOGFMT_UNKNOWN_VARIABLE',
    'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED',
    'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED',
  ]);
  t.is(c.errors[0], "no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'");
  t.is(c.errors[1], "no such format variable 'x'. If you wanted to emit the '%' character verbatim, you need to use '%%'");
  t.regex(c.errors[2], /^sample expressions in log-format are not supported yet: '%\[req.hdr\(host\)\]'/);
  t.regex(c.errors[3], /'%\[src,lower\]'/);
  // The rest still renders.
  t.is(c.format(fullHttpRecord()), '10.0.1.2 33317');
});

test('names of Object.prototype members are unknown like any other', (t) => {
  const c = compileLogFormat('%constructor %toString %[constructor] %[__proto__] %{+constructor,+Q}b');
  t.deepEqual(c.problems.map((p) => p.code), [
    'HAWSER_LOGFMT_UNKNOWN_VARIABLE',
    'HAWSER_LOGFMT_UNKNOWN_VARIABLE',
    'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED',
    'HAWSER_LOGFMT_SAMPLE_UNSUPPORTED',
  ]);
  t.is(c.format(fullHttpRecord()), '"static"');
});

test('syntax errors match haproxy -c', (t) => {
  const cases: Array<[string, string]> = [
    ['%{+Q}', "parse argument modifier without variable name near '%{+Q}'"],
    ['abc %', "truncated line after '%'"],
    ['%{+Q', "truncated line after '+Q'"],
    ['%1', "unexpected variable name near '1' at position 1 line : '%1'. Maybe you want to write a single '%', use the syntax '%%'"],
    ['% a', "unexpected variable name near ' ' at position 1 line : '% a'. Maybe you want to write a single '%', use the syntax '%%'"],
    ['%[src', "missing ']' after 'src'"],
  ];
  for (const [fmt, msg] of cases) {
    const c = compileLogFormat(fmt);
    t.deepEqual(c.errors, [msg], fmt);
    t.is(c.problems[0].code, 'HAWSER_LOGFMT_SYNTAX');
  }
});

test('HTTP-only variables are refused in a TCP proxy, the others accepted', (t) => {
  for (const v of ['r', 'HM', 'HP', 'HPO', 'HQ', 'HU', 'HV', 'tr', 'trg', 'trl', 'CC', 'CS', 'Ta', 'Ti', 'Tq', 'TR', 'Tr']) {
    const c = compileLogFormat(`%${v}`, { mode: 'tcp' });
    t.deepEqual(c.errors, [`format variable '${v}' is reserved for HTTP mode`], v);
    t.is(c.problems[0].code, 'HAWSER_LOGFMT_HTTP_ONLY');
  }
  const ok = compileLogFormat('%hr %hs %hrl %hsl %tsc %ts %Th %Tw %Tc %Tt %Tu %Td %B %U %ST %t %T %Tl %Ts %ms', { mode: 'tcp' });
  t.deepEqual(ok.errors, []);
});

test('variables lists what the format reads', (t) => {
  const c = compileLogFormat('%ci:%cp %ci %[src] %{+Q}o %b');
  t.deepEqual(c.variables, ['ci', 'cp', '[src]', 'b']);
});
