import { SESClient } from '@aws-sdk/client-ses';
import type { MailConfig } from '../../shared/config/config.ts';
import type { Mailer } from '../../shared/notify/mailer.ts';
import { SesMailer } from '../../shared/notify/ses-mailer.ts';
import { SmtpMailer } from '../../shared/notify/smtp-mailer.ts';

/**
 * The mailer the config asks for: SES where it exists, SMTP (nodemailer) in the AWS China regions.
 * `smtps://user:password@host:465` means TLS from the start; `smtp://…` upgrades with STARTTLS.
 */
export function createMailer(config: MailConfig): Mailer {
  if (config.mailer === 'ses') return new SesMailer(new SESClient({}));
  const url = new URL(config.smtpUrl ?? '');
  const secure = url.protocol === 'smtps:';
  return new SmtpMailer({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : {}),
  });
}
