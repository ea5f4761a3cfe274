// Email alerts (`mailers` sections, `email-alert` in backends): server state
// changes mailed over SMTP, as HAProxy sends them.
export { EmailAlerts, type AlertLevel, type EmailAlertsOptions } from './email-alerts.ts';
export { sendMail, type SendMail, type SmtpTarget } from './smtp.ts';
export { alertData, mailDate, type AlertEnvelope } from './message.ts';
