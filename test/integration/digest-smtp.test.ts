/**
 * SmtpMailer against a tiny SMTP server on loopback (node:net): the envelope and the raw MIME arrive
 * unchanged. Enough of RFC 5321 for one plain session: no TLS, no auth, no pipelining.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRawMessage } from '../../shared/notify/mime.ts';
import { SmtpMailer } from '../../shared/notify/smtp-mailer.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

let server: Server;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let current: Received = { from: '', to: [], data: '' };
    socket.write('220 localhost test SMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          current.data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          socket.write('250 OK queued as test-1\r\n');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline === -1) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-localhost\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') {
          current.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          socket.write('250 OK\r\n');
        } else if (verb === 'RCPT') {
          current.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 Bye\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('SmtpMailer', () => {
  it('delivers the raw message with the envelope recipients', async () => {
    const raw = await buildRawMessage({
      from: 'digest@example.org',
      to: ['a@example.gov.cn', 'b@example.gov.cn'],
      subject: '政务公开年报监测周报 2025-W15',
      text: '本周逾期公开 1 个机关。',
      html: '<p>本周逾期公开 1 个机关。</p>',
      date: new Date('2025-04-07T01:00:00Z'),
      messageId: 'smtp-test@nianbao-watch',
    });
    const mailer = new SmtpMailer({ host: '127.0.0.1', port });
    try {
      const receipt = await mailer.send({
        from: 'digest@example.org',
        to: ['a@example.gov.cn', 'b@example.gov.cn'],
        subject: 'ignored: the raw message carries it',
        raw,
        id: 'smtp-test',
      });
      expect(receipt.location).toBe(`smtp://127.0.0.1:${port}`);
    } finally {
      mailer.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]?.from).toBe('digest@example.org');
    expect(received[0]?.to).toEqual(['a@example.gov.cn', 'b@example.gov.cn']);
    expect(received[0]?.data.replace(/\r\n$/, '')).toBe(new TextDecoder().decode(raw).replace(/\r\n$/, ''));
  });
});
