// `stats` lines of defaults, frontend, backend and listen sections: the
// stats page's URI, refresh, basic auth, realm, admin condition and display
// switches. As in HAProxy, any line but `stats disable` turns the page on,
// and a section's first line starts from what its defaults section set.

import { CfgCode } from './diagnostics.ts';
import type { Directive } from './directive.ts';
import type { ProxyDraft } from './draft.ts';
import type { StatsSettings } from './model.ts';
import { suggestion } from './suggest.ts';

const SUBKEYWORDS = ['enable', 'disable', 'uri', 'refresh', 'auth', 'realm', 'admin', 'hide-version', 'show-legends', 'show-node', 'show-desc', 'scope', 'http-request'];

function startingPoint(draft: ProxyDraft): StatsSettings {
  for (let p = draft.parent; p !== undefined; p = p.parent) {
    if (p.stats !== undefined) return structuredClone(p.stats);
  }
  return { pos: draft.pos, enabled: false, uri: '/haproxy?stats', refresh: 0, auth: [], realm: 'HAProxy Statistics', hideVersion: false, showLegends: false, admin: [] };
}

export function parseStatsLine(d: Directive, draft: ProxyDraft): void {
  const sub = d.arg(1);
  const st = draft.stats ?? startingPoint(draft);
  const commit = (): void => {
    st.pos = d.pos;
    draft.stats = st;
  };
  switch (sub) {
    case 'enable':
    case 'hide-version':
    case 'show-legends':
      if (!d.noMoreThan(1, `stats ${sub}`)) return;
      if (sub === 'hide-version') st.hideVersion = true;
      if (sub === 'show-legends') st.showLegends = true;
      st.enabled = true;
      return commit();
    case 'disable':
      if (!d.noMoreThan(1, 'stats disable')) return;
      st.enabled = false;
      return commit();
    case 'uri':
      if (!d.need(2, 'stats uri', '<uri>') || !d.noMoreThan(2, 'stats uri')) return;
      st.uri = d.arg(2)!;
      st.enabled = true;
      return commit();
    case 'realm':
      if (!d.need(2, 'stats realm', '<realm>') || !d.noMoreThan(2, 'stats realm')) return;
      st.realm = d.arg(2)!;
      st.enabled = true;
      return commit();
    case 'refresh': {
      if (!d.need(2, 'stats refresh', '<delay>')) return;
      const v = d.time(2, 'stats refresh');
      if (v === undefined || !d.noMoreThan(2, 'stats refresh')) return;
      st.refresh = v;
      st.enabled = true;
      return commit();
    }
    case 'auth': {
      if (!d.need(2, 'stats auth', '<user>:<password>') || !d.noMoreThan(2, 'stats auth')) return;
      const v = d.arg(2)!;
      const colon = v.indexOf(':');
      if (colon <= 0) {
        d.error(CfgCode.BAD_VALUE, "'stats auth' expects <user>:<password> in the same word");
        return;
      }
      st.auth.push({ user: v.slice(0, colon), password: v.slice(colon + 1) });
      st.enabled = true;
      return commit();
    }
    case 'admin': {
      const kw = d.arg(2);
      if (kw !== 'if' && kw !== 'unless') {
        d.error(CfgCode.BAD_ARGUMENT, "'stats admin' requires either 'if' or 'unless' followed by a condition.");
        return;
      }
      if (!d.need(3, `stats admin ${kw}`, 'a condition')) return;
      if (draft.kind === 'defaults') {
        d.error(CfgCode.WRONG_SECTION, "'stats admin' is not allowed in a defaults section");
        return;
      }
      st.admin.push({ pos: d.pos, words: d.words.slice(2) });
      st.enabled = true;
      return commit();
    }
    case 'show-node':
    case 'show-desc':
    case 'scope':
    case 'http-request':
      d.unsupported(`'stats ${sub}'`);
      return;
    case undefined:
      d.error(CfgCode.BAD_ARGUMENT, "'stats' expects 'enable', 'uri', 'realm', 'auth', 'refresh', 'admin', 'hide-version' or 'show-legends'");
      return;
    default:
      d.error(CfgCode.UNKNOWN_KEYWORD, `unknown stats parameter '${sub}'${suggestion(sub, SUBKEYWORDS)}`);
  }
}
