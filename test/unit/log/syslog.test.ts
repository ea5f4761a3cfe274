// The syslog header layouts of `log ... format F`, as haproxy 2.6 writes
// them (captured from the installed haproxy with TZ=Asia/Kolkata), and the
// line-length limit.
process.env.TZ = 'Asia/Kolkata';

import test from 'ava';
import {
  LOG_FACILITIES,
  LOG_LEVELS,
  SYSLOG_FORMATS,
  SyslogHeader,
  clampLine,
  facilityNumber,
  isSyslogFormat,
  levelNumber,
} from '../../../src/log/index.ts';

// 2026-11-24 14:33:02.319901 in Asia/Kolkata.
const NOW = Date.UTC(2026, 10, 24, 9, 3, 2, 319);
const US = 901;
const INFO = 6;
const LOCAL0 = 16;
const id = { hostname: '', tag: 'hawser', pid: 8737 };

test('levels and facilities are numbered as syslog does', (t) => {
  t.is(LOG_LEVELS.length, 8);
  t.is(levelNumber('emerg'), 0);
  t.is(levelNumber('info'), 6);
  t.is(levelNumber('debug'), 7);
  t.is(levelNumber('error'), -1);
  t.is(LOG_FACILITIES.length, 24);
  t.is(facilityNumber('kern'), 0);
  t.is(facilityNumber('daemon'), 3);
  t.is(facilityNumber('local0'), 16);
  t.is(facilityNumber('local7'), 23);
  t.is(facilityNumber('local8'), -1);
  t.deepEqual([...SYSLOG_FORMATS].filter(isSyslogFormat), [...SYSLOG_FORMATS]);
  t.false(isSyslogFormat('json'));
});

test('each format lays out its header like haproxy', (t) => {
  const cases: Array<[string, string]> = [
    ['raw', ''],
    ['short', '<6>'],
    ['priority', '<134>'],
    ['timed', '<6>2026-11-24T14:33:02.319901+05:30 '],
    ['iso', '2026-11-24T14:33:02.319901+05:30 '],
    ['local', '<134>Nov 24 14:33:02 hawser[8737]: '],
    ['rfc3164', '<134>Nov 24 14:33:02 localhost hawser[8737]: '],
    ['rfc5424', '<134>1 2026-11-24T14:33:02.319901+05:30 - hawser 8737 - - '],
  ];
  for (const [format, want] of cases) {
    if (!isSyslogFormat(format)) throw new Error(format);
    t.is(new SyslogHeader(format, LOCAL0, id).render(INFO, NOW, US), want, format);
  }
});

test('a hostname (log-send-hostname) appears in rfc3164 and rfc5424 only', (t) => {
  const withHost = { ...id, hostname: 'myhost' };
  t.is(new SyslogHeader('rfc3164', LOCAL0, withHost).render(INFO, NOW, US), '<134>Nov 24 14:33:02 myhost hawser[8737]: ');
  t.is(new SyslogHeader('rfc5424', LOCAL0, withHost).render(INFO, NOW, US), '<134>1 2026-11-24T14:33:02.319901+05:30 myhost hawser 8737 - - ');
  t.is(new SyslogHeader('local', LOCAL0, withHost).render(INFO, NOW, US), '<134>Nov 24 14:33:02 hawser[8737]: ');
});

test('the priority is facility*8 + level; short and timed carry the level only', (t) => {
  const daemon = facilityNumber('daemon');
  t.is(new SyslogHeader('priority', daemon, id).render(0, NOW, 0), '<24>');
  t.is(new SyslogHeader('priority', facilityNumber('kern'), id).render(0, NOW, 0), '<0>');
  t.is(new SyslogHeader('priority', facilityNumber('local7'), id).render(7, NOW, 0), '<191>');
  t.is(new SyslogHeader('short', facilityNumber('local7'), id).render(3, NOW, 0), '<3>');
  t.is(new SyslogHeader('timed', facilityNumber('local7'), id).render(3, NOW, 0), '<3>2026-11-24T14:33:02.319000+05:30 ');
});

test('an empty tag is left out, structured data replaces the rfc5424 dash', (t) => {
  const noTag = { ...id, tag: '' };
  t.is(new SyslogHeader('local', LOCAL0, noTag).render(INFO, NOW, US), '<134>Nov 24 14:33:02 ');
  t.is(new SyslogHeader('rfc3164', LOCAL0, noTag).render(INFO, NOW, US), '<134>Nov 24 14:33:02 localhost ');
  t.is(new SyslogHeader('rfc5424', LOCAL0, noTag).render(INFO, NOW, US), '<134>1 2026-11-24T14:33:02.319901+05:30 - - 8737 - - ');
  const sd = { ...id, structuredData: '[exampleSDID@1234 x="1"] ' };
  t.is(new SyslogHeader('rfc5424', LOCAL0, sd).render(INFO, NOW, US),
    '<134>1 2026-11-24T14:33:02.319901+05:30 - hawser 8737 - [exampleSDID@1234 x="1"] ');
});

test('days below 10 are space-padded in rfc3164 time, zero-padded in ISO time', (t) => {
  const nov4 = Date.UTC(2026, 10, 4, 0, 0, 5, 7); // 05:30:05.007 local
  t.is(new SyslogHeader('local', LOCAL0, id).render(INFO, nov4, 0), '<134>Nov  4 05:30:05 hawser[8737]: ');
  t.is(new SyslogHeader('iso', LOCAL0, id).render(INFO, nov4, 42), '2026-11-04T05:30:05.007042+05:30 ');
});

test('consecutive renders in one second reuse the cached time but keep ms and us exact', (t) => {
  const h = new SyslogHeader('iso', LOCAL0, id);
  t.is(h.render(INFO, NOW, 1), '2026-11-24T14:33:02.319001+05:30 ');
  t.is(h.render(INFO, NOW + 600, 2), '2026-11-24T14:33:02.919002+05:30 ');
  t.is(h.render(INFO, NOW + 700, 3), '2026-11-24T14:33:03.019003+05:30 ');
});

test('lines are cut to the byte limit, keeping whole characters', (t) => {
  const line = 'x'.repeat(2000);
  t.is(clampLine(line, 1024, 1).length, 1023, 'file descriptors keep one byte for the newline');
  t.is(clampLine(line, 1024, 0).length, 1024, 'datagrams get the newline on top');
  t.is(clampLine('short', 1024, 1), 'short');
  const euro = '\u20ac'.repeat(500); // 1500 bytes
  const cut = clampLine(euro, 1024, 0);
  t.is(Buffer.byteLength(cut), 1023);
  t.is(cut, '\u20ac'.repeat(341));
});
