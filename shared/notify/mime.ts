/**
 * Raw MIME for the digest: multipart/mixed holding multipart/alternative (text + HTML) and the CSV
 * attachment, built with nodemailer's MailComposer (RFC 2047 encoded-word subject, base64 parts,
 * RFC 2231 file names, proper boundaries).
 */
import MailComposer from 'nodemailer/lib/mail-composer';

export interface MimeAttachment {
  filename: string;
  content: string | Uint8Array;
  contentType: string;
}

export interface MimeInput {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments?: MimeAttachment[];
  /** The Date header (passed in: the domain never reads the clock). */
  date: Date;
  /** Message-ID without angle brackets; derived from the date and recipients when absent. */
  messageId?: string;
}

/** Builds the raw RFC 5322 message bytes. */
export async function buildRawMessage(input: MimeInput): Promise<Uint8Array> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    text: input.text,
    html: input.html,
    date: input.date,
    messageId: input.messageId ? `<${input.messageId}>` : undefined,
    // base64 for both parts: Chinese text in quoted-printable is three times the size and unreadable.
    textEncoding: 'base64',
    attachments: (input.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: typeof a.content === 'string' ? a.content : Buffer.from(a.content),
      contentType: a.contentType,
      contentTransferEncoding: 'base64',
    })),
  });
  const buffer = await composer.compile().build();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
