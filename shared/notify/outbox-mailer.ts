import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mailer, OutgoingMessage, SentReceipt } from './mailer.ts';

/** Local mode: writes each message to a folder as {id}.eml (open in any mail client) and {id}.html. */
export class OutboxMailer implements Mailer {
  readonly kind = 'outbox';
  readonly directory: string;

  constructor(directory: string) {
    this.directory = path.resolve(directory);
  }

  async send(message: OutgoingMessage): Promise<SentReceipt> {
    // Keep Chinese region names readable; drop only what file systems refuse or treat specially.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are unsafe in file names
    const id = message.id.replace(/[\u0000-\u001f\\/:*?"<>|\s]+/g, '_').replace(/^\.+/, '_');
    await mkdir(this.directory, { recursive: true });
    const eml = path.join(this.directory, `${id}.eml`);
    await writeFile(eml, message.raw);
    if (message.html !== undefined) await writeFile(path.join(this.directory, `${id}.html`), message.html);
    return { messageId: `${id}.eml`, location: eml };
  }
}
