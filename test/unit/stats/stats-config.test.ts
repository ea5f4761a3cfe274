// `stats` lines in proxies: what the model records, what defaults pass on,
// and the refusals, as `hawser -c` reports them.

import test from 'ava';
import { formatDiagnostic, parseConfigText } from '../../../src/config/index.ts';

function parse(text: string) {
  const r = parseConfigText(text, 'h.cfg', { env: {}, localName: 'lb1' });
  return { config: r.config!, errors: r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) };
}

test('a listen with stats lines and no server is a stats proxy', (t) => {
  const { config, errors } = parse(`listen stats
    mode http
    bind 127.0.0.1:8404
    stats uri /s
    stats refresh 5s
    stats auth a:b
    stats auth c:d:e
    stats realm Ops
    stats hide-version
    stats admin if LOCALHOST
`);
  t.deepEqual(errors, []);
  const s = config.frontends.get('stats')!.stats!;
  t.is(s.enabled, true);
  t.is(s.uri, '/s');
  t.is(s.refresh, 5000);
  t.deepEqual(s.auth, [{ user: 'a', password: 'b' }, { user: 'c', password: 'd:e' }]);
  t.is(s.realm, 'Ops');
  t.true(s.hideVersion);
  t.false(s.showLegends);
  t.deepEqual(s.admin.map((a) => a.words), [['if', 'LOCALHOST']]);
});

test('stats enable alone takes HAProxy defaults; defaults sections pass stats on; stats disable turns it off', (t) => {
  const { config, errors } = parse(`defaults
    mode http
    stats enable
frontend a
    bind 127.0.0.1:1
frontend b
    bind 127.0.0.1:2
    stats disable
frontend c
    bind 127.0.0.1:3
    stats uri /mine
`);
  t.deepEqual(errors, []);
  const a = config.frontends.get('a')!.stats!;
  t.is(a.uri, '/haproxy?stats');
  t.is(a.realm, 'HAProxy Statistics');
  t.is(config.frontends.get('b')!.stats, undefined);
  t.is(config.frontends.get('c')!.stats!.uri, '/mine');
});

test('bad stats lines are reported at their line', (t) => {
  const { errors } = parse(`listen s
    mode http
    bind 127.0.0.1:8404
    stats admin
    stats auth nocolon
    stats bogus
    stats refresh soon
`);
  t.is(errors.length, 4);
  t.regex(errors[0], /h\.cfg:4: .*'stats admin' requires either 'if' or 'unless'/);
  t.regex(errors[1], /h\.cfg:5: .*'stats auth' expects <user>:<password>/);
  t.regex(errors[2], /h\.cfg:6: .*unknown stats parameter 'bogus'/);
  t.regex(errors[3], /h\.cfg:7: /);
});
