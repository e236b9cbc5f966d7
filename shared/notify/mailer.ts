/**
 * The mailer port. Adapters: SES (ses-mailer.ts), an outbox folder (outbox-mailer.ts) and SMTP
 * (smtp-mailer.ts, for regions without SES). The digest code only knows this interface.
 */
export interface OutgoingMessage {
  from: string;
  to: string[];
  subject: string;
  /** The complete raw MIME message (mime.ts). */
  raw: Uint8Array;
  /** The HTML part, for adapters that keep a browsable copy (the outbox). */
  html?: string;
  /** A file-name-safe id for the message, e.g. '2026-W48-henan'. */
  id: string;
}

export interface SentReceipt {
  /** Provider message id (SES MessageId, SMTP queue id) or the outbox file name. */
  messageId: string;
  /** Human-readable place the message went (file path, 'SES us-east-1', 'smtp://host:port'). */
  location: string;
}

export interface Mailer {
  /** Name shown in records and CLI output: 'ses', 'outbox', 'smtp'. */
  readonly kind: string;
  send(message: OutgoingMessage): Promise<SentReceipt>;
}

/** Thrown by adapters with the provider's error kept as `cause`. */
export class MailSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailSendError';
  }
}
