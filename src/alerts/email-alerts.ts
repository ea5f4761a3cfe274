// Server state changes mailed to the `mailers` of a backend that has
// `email-alert mailers/from/to`, at its `email-alert level` (default alert:
// only servers going DOWN), one mail per change to every mailer of the
// section, as HAProxy does. Mails to one mailer go out one at a time, in
// order; at most MAX_QUEUED wait, newer changes are dropped beyond that (and
// counted), so a dead mail server costs memory for a few mails only.

import type { Config, EmailAlertSettings, MailersSection } from '../config/index.ts';
import type { EventLogger } from '../events/index.ts';
import { alertData, mailDate, type AlertEnvelope } from './message.ts';
import { sendMail as smtpSend, type SendMail, type SmtpTarget } from './smtp.ts';

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type AlertLevel = (typeof LEVELS)[number];

const MAX_QUEUED = 32;

interface Queue {
  target: SmtpTarget;
  label: string;
  timeoutMs: number;
  pending: Array<{ env: AlertEnvelope; message: string }>;
  busy: boolean;
}

interface Route {
  settings: EmailAlertSettings;
  level: number;
  queues: Queue[];
}

export interface EmailAlertsOptions {
  hostname: string;
  events: EventLogger;
  send?: SendMail;
  now?: () => Date;
}

function zoneName(d: Date): string {
  return new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
}

export class EmailAlerts {
  private readonly routes = new Map<string, Route>();
  private readonly opts: EmailAlertsOptions;
  private readonly send: SendMail;
  /** Mails handed to a mail server / dropped (queue full or delivery failed). */
  sent = 0;
  dropped = 0;

  constructor(config: Config, opts: EmailAlertsOptions) {
    this.opts = opts;
    this.send = opts.send ?? smtpSend;
    const queues = new Map<string, Queue[]>();
    const queuesOf = (m: MailersSection): Queue[] => {
      let q = queues.get(m.name);
      if (q === undefined) {
        q = [];
        for (const mailer of m.mailers) {
          if (mailer.address.kind !== 'inet') continue;
          q.push({ target: { host: mailer.address.host, port: mailer.address.port }, label: `${m.name}/${mailer.name}`, timeoutMs: m.timeoutMail, pending: [], busy: false });
        }
        queues.set(m.name, q);
      }
      return q;
    };
    for (const be of config.backends.values()) {
      const ea = be.emailAlert;
      const section = ea?.mailers !== undefined ? config.mailers.get(ea.mailers.name) : undefined;
      if (ea === undefined || section === undefined) continue;
      this.routes.set(be.name, { settings: ea, level: LEVELS.indexOf(ea.level ?? 'alert'), queues: queuesOf(section) });
    }
  }

  /** True when some backend mails its changes. */
  get active(): boolean {
    return this.routes.size > 0;
  }

  /** A server of `backend` changed state; `text` is the log line (a final '.' is dropped, as in HAProxy's mails). */
  serverEvent(backend: string, level: AlertLevel, text: string): void {
    const r = this.routes.get(backend);
    if (r === undefined || LEVELS.indexOf(level) > r.level) return;
    const message = text.endsWith('.') ? text.slice(0, -1) : text;
    const env: AlertEnvelope = { helo: r.settings.myhostname ?? this.opts.hostname, from: r.settings.from!, to: r.settings.to! };
    for (const q of r.queues) {
      if (q.pending.length >= MAX_QUEUED) {
        this.dropped++;
        continue;
      }
      q.pending.push({ env, message });
      this.pump(q);
    }
  }

  private pump(q: Queue): void {
    if (q.busy) return;
    const next = q.pending.shift();
    if (next === undefined) return;
    q.busy = true;
    const now = this.opts.now?.() ?? new Date();
    const data = alertData(next.env, next.message, mailDate(now, zoneName(now)));
    this.send(q.target, next.env, data, q.timeoutMs)
      .then(
        () => {
          this.sent++;
          this.opts.events.info({ event: 'email-alert', mailer: q.label, to: next.env.to, result: 'sent' }, `Email alert sent to ${next.env.to} via ${q.label}`);
        },
        (err: Error) => {
          this.dropped++;
          this.opts.events.warn({ event: 'email-alert', mailer: q.label, to: next.env.to, result: 'failed', error: err.message }, `Email alert [${q.label}] could not be sent: ${err.message}`);
        },
      )
      .finally(() => {
        q.busy = false;
        this.pump(q);
      });
  }
}
