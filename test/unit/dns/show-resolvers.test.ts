// `show resolvers` text and the /etc/resolv.conf reader (parse-resolv-conf).

import test from 'ava';
import { resolvConfNameservers, showResolvers } from '../../../src/dns/index.ts';

const zero = { sent: 0, snd_error: 0, valid: 0, update: 0, cname: 0, cname_error: 0, any_err: 0, nx: 0, timeout: 0, refused: 0, other: 0, invalid: 0, too_big: 0, truncated: 0, outdated: 0 };

test('show resolvers: HAProxy 2.6 layout, one section or all, and its refusal', (t) => {
  const sections = [
    { name: 'a', nameservers: new Map([['ns1', { ...zero, sent: 12, valid: 11, update: 1 }]]) },
    { name: 'b', nameservers: new Map([['x', { ...zero, nx: 3 }], ['y', { ...zero }]]) },
  ];
  const one = showResolvers(sections, 'a');
  t.is(
    one,
    'Resolvers section a\n nameserver ns1:\n  sent:        12\n  snd_error:   0\n  valid:       11\n  update:      1\n  cname:       0\n' +
      '  cname_error: 0\n  any_err:     0\n  nx:          0\n  timeout:     0\n  refused:     0\n  other:       0\n  invalid:     0\n' +
      '  too_big:     0\n  truncated:   0\n  outdated:    0\n',
  );
  const all = showResolvers(sections);
  t.true(all.startsWith(one));
  t.regex(all, /Resolvers section b\n nameserver x:\n(?:.*\n){7}  nx: {10}3\n/);
  t.is(showResolvers(sections, 'c'), "Can't find that resolvers section\n");
});

test('resolv.conf: nameserver lines with IPs (zones kept), port 53; the rest ignored', (t) => {
  const text = '# generated\nsearch example.com\nnameserver 10.0.0.2\n  nameserver fe80::1%eth0\nnameserver dns.example.com\noptions ndots:2\n';
  t.deepEqual(resolvConfNameservers(text), [
    { name: '10.0.0.2', host: '10.0.0.2', port: 53 },
    { name: 'fe80::1%eth0', host: 'fe80::1%eth0', port: 53 },
  ]);
});
