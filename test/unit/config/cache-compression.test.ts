// `cache` sections and `compression` lines as an operator writes them:
// values, defaults, inheritance from defaults, and HAProxy's refusals.

import test from 'ava';
import { DEFAULTS, parse, parseClean } from './parse.ts';

test('cache: sizes in the units HAProxy uses, and its defaults', (t) => {
  const c = parseClean('cache small\n  total-max-size 4\ncache big\n  total-max-size 64\n  max-object-size 100000\n  max-age 240\n  process-vary on\n  max-secondary-entries 3\n');
  t.deepEqual({ ...c.caches.get('small')!, pos: undefined }, {
    pos: undefined,
    name: 'small',
    totalMaxSize: 4 * 1024 * 1024,
    maxObjectSize: (4 * 1024 * 1024) / 256,
    maxAge: 60,
    processVary: false,
    maxSecondaryEntries: 10,
  });
  t.like(c.caches.get('big'), { totalMaxSize: 64 << 20, maxObjectSize: 100000, maxAge: 240, processVary: true, maxSecondaryEntries: 3 });
});

test('cache: a size is required, an object may take half of it, names are unique', (t) => {
  const r = parse('cache a\n  max-age 10\ncache b\n  total-max-size 1\n  max-object-size 600000\ncache b\n  total-max-size 1\ncache c\n  total-max-size 5000\n  process-vary maybe\n  max-agee 3\n');
  t.deepEqual(r.errors, [
    "HAWSER_CFG_INCOMPLETE t.cfg:1: size not specified for cache 'a' (add 'total-max-size <megabytes>')",
    'HAWSER_CFG_BAD_VALUE t.cfg:3: cache \'b\': "max-object-size" is limited to an half of "total-max-size" => 524288',
    "HAWSER_CFG_DUPLICATE t.cfg:6: duplicate cache name 'b' (first declared at t.cfg:3)",
    "HAWSER_CFG_BAD_VALUE t.cfg:9: 'total-max-size' must be between 1 and 4095, not 5000",
    'HAWSER_CFG_BAD_VALUE t.cfg:10: \'process-vary\' expects "on" or "off" (enable or disable vary processing), not \'maybe\'',
    "HAWSER_CFG_UNKNOWN_KEYWORD t.cfg:11: unknown keyword 'max-agee' in 'cache' section (did you mean 'max-age'?)",
    "HAWSER_CFG_INCOMPLETE t.cfg:8: size not specified for cache 'c' (add 'total-max-size <megabytes>')",
  ].sort((a, b) => Number(/:(\d+):/.exec(a)![1]) - Number(/:(\d+):/.exec(b)![1])));
});

test('compression: algorithms and types add up, defaults come first, offload is not inherited', (t) => {
  const c = parseClean(`${DEFAULTS}  compression algo gzip
  compression type text/html
frontend www
  bind :80
  compression algo deflate br
  compression type text/plain application/json
  compression offload
  compression minsize-res 1k
  default_backend app
backend app
  server s 127.0.0.1:8080
`);
  t.like(c.frontends.get('www')!.compression, {
    algos: ['gzip', 'deflate', 'br'],
    types: ['text/html', 'text/plain', 'application/json'],
    offload: true,
    minsizeRes: 1024,
  });
  t.like(c.backends.get('app')!.compression, { algos: ['gzip'], types: ['text/html'], offload: false });
});

test('compression: HAProxy refuses unknown algorithms and sub-keywords, and ignores offload in defaults', (t) => {
  const r = parse(`${DEFAULTS}  compression offload
frontend www
  bind :80
  compression algo gzip zstd
  compression type
  compression foo
  compression minsize-res lots
`);
  t.deepEqual(r.warnings, ["HAWSER_CFG_IGNORED t.cfg:6: warning: 'compression' : 'offload' ignored in 'defaults' section"]);
  t.deepEqual(r.errors, [
    "HAWSER_CFG_BAD_VALUE t.cfg:9: 'compression' : 'zstd' is not a supported algorithm",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:10: 'compression' expects <type>",
    "HAWSER_CFG_BAD_ARGUMENT t.cfg:11: 'compression' expects 'algo', 'type', 'offload' or 'minsize-res', not 'foo'",
    "HAWSER_CFG_BAD_VALUE t.cfg:12: 'compression minsize-res': 'lots' is not a size (expected a number optionally followed by k, m or g)",
  ]);
});
