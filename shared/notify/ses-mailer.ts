import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { type Mailer, MailSendError, type OutgoingMessage, type SentReceipt } from './mailer.ts';

/** Sends raw MIME through Amazon SES (SendRawEmail keeps the CSV attachment). */
export class SesMailer implements Mailer {
  readonly kind = 'ses';
  readonly #client: SESClient;

  /** @param client a configured client (region, endpoint for a local SES, credentials). */
  constructor(client: SESClient = new SESClient({})) {
    this.#client = client;
  }

  async send(message: OutgoingMessage): Promise<SentReceipt> {
    try {
      const response = await this.#client.send(
        new SendRawEmailCommand({
          Source: message.from,
          Destinations: message.to,
          RawMessage: { Data: message.raw },
        }),
      );
      const region = await this.#client.config.region();
      return { messageId: response.MessageId ?? '', location: `SES ${region}` };
    } catch (error) {
      throw new MailSendError(`SES 发送失败（${message.to.join(', ')}）：${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
