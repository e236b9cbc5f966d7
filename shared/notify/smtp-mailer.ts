import { createTransport, type Transporter } from 'nodemailer';
import { type Mailer, MailSendError, type OutgoingMessage, type SentReceipt } from './mailer.ts';

export interface SmtpMailerOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. @default false */
  secure?: boolean;
  user?: string;
  password?: string;
}

/** Sends raw MIME over SMTP (AWS China regions have no SES; use the office's mail server). */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  readonly #transport: Transporter;
  readonly #location: string;

  constructor(options: SmtpMailerOptions) {
    this.#transport = createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? false,
      auth: options.user ? { user: options.user, pass: options.password ?? '' } : undefined,
    });
    this.#location = `smtp://${options.host}:${options.port}`;
  }

  async send(message: OutgoingMessage): Promise<SentReceipt> {
    try {
      const info = await this.#transport.sendMail({
        envelope: { from: message.from, to: message.to },
        raw: Buffer.from(message.raw),
      });
      return { messageId: String(info.messageId ?? ''), location: this.#location };
    } catch (error) {
      throw new MailSendError(`SMTP 发送失败（${this.#location}）：${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/**
 * A mailer from an SMTP URL: `smtps://user:password@host:465` is TLS from the start, `smtp://…` upgrades
 * with STARTTLS (default port 587); user and password are percent-decoded. Throws on a URL that is not
 * smtp: or smtps:.
 */
export function smtpMailerFromUrl(smtpUrl: string): SmtpMailer {
  const url = new URL(smtpUrl);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP 地址应以 smtp:// 或 smtps:// 开头：${smtpUrl}`);
  }
  const secure = url.protocol === 'smtps:';
  return new SmtpMailer({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : {}),
  });
}
