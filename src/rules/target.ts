// The parts of a request target that set-path, set-query, replace-path and
// redirect work on: in origin-form "/p?q" and absolute-form
// "http://h/p?q" the path runs from the first '/' after the authority to
// the '?', the query after it. "*" has neither.

/** Where the path starts, or -1 when there is none ("*", "http://host"). */
export function pathStart(target: string): number {
  if (target.charCodeAt(0) === 47 /* / */) return 0;
  const scheme = target.indexOf('://');
  if (scheme < 0) return -1;
  return target.indexOf('/', scheme + 3);
}

function queryMark(target: string, from: number): number {
  const q = target.indexOf('?', from);
  return q < 0 ? target.length : q;
}

/** The path without the query ("" when none). */
export function targetPath(target: string): string {
  const p = pathStart(target);
  return p < 0 ? '' : target.slice(p, queryMark(target, p));
}

/** The path with its query ("pathq"). */
export function targetPathQuery(target: string): string {
  const p = pathStart(target);
  return p < 0 ? '' : target.slice(p);
}

export function withPath(target: string, path: string): string {
  const p = pathStart(target);
  if (p < 0) return target === '*' ? path : target + path;
  return target.slice(0, p) + path + target.slice(queryMark(target, p));
}

export function withPathQuery(target: string, pathq: string): string {
  const p = pathStart(target);
  if (p < 0) return target === '*' ? pathq : target + pathq;
  return target.slice(0, p) + pathq;
}

/** Sets the query ("" keeps a bare '?'... as HAProxy does, see set-query). */
export function withQuery(target: string, query: string): string {
  const q = target.indexOf('?');
  const base = q < 0 ? target : target.slice(0, q);
  return base + '?' + query;
}
