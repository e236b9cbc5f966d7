import { SESClient } from '@aws-sdk/client-ses';
import type { MailConfig } from '../../shared/config/config.ts';
import type { Mailer } from '../../shared/notify/mailer.ts';
import { SesMailer } from '../../shared/notify/ses-mailer.ts';
import { smtpMailerFromUrl } from '../../shared/notify/smtp-mailer.ts';

/**
 * The mailer the config asks for: SES where it exists, SMTP (nodemailer) in the AWS China regions.
 * `smtps://user:password@host:465` means TLS from the start; `smtp://…` upgrades with STARTTLS.
 */
export function createMailer(config: MailConfig): Mailer {
  if (config.mailer === 'ses') return new SesMailer(new SESClient({}));
  return smtpMailerFromUrl(config.smtpUrl ?? '');
}
