// One step of the Cookie / Set-Cookie walk shared by cookie persistence and
// the cookie fetches: where the name, the '=' and the value of a pair are,
// and where the next pair starts.

import test from 'ava';
import { CookiePair, nextCookiePair, valueEnd } from '../../../src/http/index.ts';

/** Every pair of a field as [name, value | null (no '='), reserved], walked as the callers do. */
function pairs(v: string, list: boolean): [string, string | null, boolean][] {
  const p = new CookiePair();
  const out: [string, string | null, boolean][] = [];
  for (let from = 0; from < v.length; from = p.next + 1) {
    nextCookiePair(v, from, v.length, list, p);
    out.push([v.slice(p.attBeg, p.attEnd), p.equal === p.next ? null : v.slice(p.valBeg, p.valEnd), p.reserved]);
  }
  return out;
}

test('names and values lose the spaces around them; a bare word has no value', (t) => {
  t.deepEqual(pairs(' a = 1 ;b=2;\tlang ; c =', true), [
    ['a', '1', false],
    ['b', '2', false],
    ['lang', null, false],
    ['c', '', false],
  ]);
});

test("a quoted value keeps its ';' and ','; a $attribute is flagged", (t) => {
  t.deepEqual(pairs('$Version=1; q="x;y,\\"z"; n=2', true), [
    ['$Version', '1', true],
    ['q', '"x;y,\\"z"', false],
    ['n', '2', false],
  ]);
});

test("in a list (Cookie) a ',' ends a bare name; in Set-Cookie only ';' does", (t) => {
  t.deepEqual(pairs('a,b=1', true), [
    ['a', null, false],
    ['b', '1', false],
  ]);
  t.deepEqual(pairs('a,b=1', false), [['a,b', '1', false]]);
});

test("valueEnd: ',' outside quotes, and ';' too for cookies", (t) => {
  const v = 'x"a,b";c,d';
  t.is(valueEnd(v, 0, v.length, false), 8);
  t.is(valueEnd(v, 0, v.length, true), 6);
  t.is(valueEnd('"open,', 0, 6, false), 6);
});
