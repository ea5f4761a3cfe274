// Users and groups from /etc/passwd and /etc/group text, as `user`/`group`
// in global are resolved before root is given up.

import test from 'ava';
import { findGroup, findUser, groupsOf } from '../../../src/lifecycle/accounts.ts';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nhawser:x:998:997::/var/lib/hawser:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nadm:x:4:syslog,hawser\nnogroup:x:65534:\nhawser:x:997:\nbroken:x:abc:hawser\n';

test('users and groups by name; unknown names are undefined', (t) => {
  t.deepEqual(findUser(PASSWD, 'nobody'), { name: 'nobody', uid: 65534, gid: 65534 });
  t.is(findUser(PASSWD, 'nobod'), undefined);
  t.deepEqual(findGroup(GROUP, 'adm'), { name: 'adm', gid: 4, members: ['syslog', 'hawser'] });
  t.is(findGroup(GROUP, 'broken'), undefined, 'a malformed line is no group');
});

test('supplementary groups: the primary one and every group listing the user', (t) => {
  t.deepEqual(groupsOf(GROUP, 'hawser', 997), [997, 4]);
  t.deepEqual(groupsOf(GROUP, 'nobody', 65534), [65534]);
});
