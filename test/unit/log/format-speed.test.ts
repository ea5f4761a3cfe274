// How long one httplog line takes to render: the compiled format runs once
// per request, so it must stay in the low microseconds. The bound asserted
// here is loose (a busy CI machine); the figure is printed for the record.

import test from 'ava';
import { compileLogFormat, HTTP_LOG_FORMAT, SyslogHeader } from '../../../src/log/index.ts';
import { fullHttpRecord } from './record-fixtures.ts';

function nsPerOp(n: number, fn: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - start) / n;
}

test('httplog format() costs about a microsecond', (t) => {
  const { format } = compileLogFormat(HTTP_LOG_FORMAT);
  const r = fullHttpRecord();
  r.requestHeaders.length = 0;
  r.requestHeaders.push('www.example.com', 'Mozilla/5.0 (X11; Linux x86_64)');
  r.responseHeaders.length = 0;
  r.responseHeaders.push('1234');
  let sink = 0;
  const base = r.acceptDate;
  // Each iteration moves the accept date by 1 ms so that the per-second date
  // cache is exercised as in real traffic (a new second every 1000 lines).
  const run = (i: number): void => {
    r.acceptDate = base + i;
    r.clientPort = 1024 + (i & 0x7fff);
    const line = format(r);
    // Reading a character flattens the string, as writing it would.
    sink += line.charCodeAt(line.length - 1);
  };
  nsPerOp(50_000, run); // warm-up: let the JIT optimise the generated function
  const ns = Math.min(nsPerOp(200_000, run), nsPerOp(200_000, run));
  t.log(`httplog format(): ${ns.toFixed(0)} ns/op`);
  t.true(sink > 0);
  t.true(ns < 10_000, `${ns} ns/op`);

  const header = new SyslogHeader('rfc5424', 16, { hostname: 'lb1', tag: 'hawser', pid: 1234 });
  const hns = nsPerOp(200_000, (i) => {
    sink += header.render(6, base + i, i % 1000).length;
  });
  t.log(`rfc5424 header render(): ${hns.toFixed(0)} ns/op`);
  t.true(hns < 10_000);
});
