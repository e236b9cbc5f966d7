import { describe, expect, it } from 'vitest';
import { CONFIG_ENV, ConfigError, loadConfig } from '../../shared/config/config.ts';

const BASE = { NIANBAO_BUCKET: 'store-bucket', AWS_REGION: 'ap-east-1' };

describe('loadConfig', () => {
  it('reads the base config', () => {
    expect(loadConfig(BASE)).toEqual({ bucketName: 'store-bucket', region: 'ap-east-1', reportYear: undefined });
  });

  it('throws naming the missing variable', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigError(CONFIG_ENV.bucketName, 'Missing environment variable NIANBAO_BUCKET'),
    );
    expect(() => loadConfig(BASE, ['queue'])).toThrow(/NIANBAO_FETCH_QUEUE_URL/);
    expect(() => loadConfig(BASE, ['mail'])).toThrow(/NIANBAO_MAIL_FROM/);
  });

  it('treats a blank variable as missing', () => {
    expect(() => loadConfig({ NIANBAO_BUCKET: '   ' })).toThrow(/NIANBAO_BUCKET/);
  });

  it('adds the queue part with its default job size', () => {
    const config = loadConfig({ ...BASE, NIANBAO_FETCH_QUEUE_URL: 'https://sqs/q' }, ['queue']);
    expect(config.queueUrl).toBe('https://sqs/q');
    expect(config.maxAgenciesPerJob).toBe(10);
    expect(config.crawlWindowHours).toBe(6);
    const week = { ...BASE, NIANBAO_FETCH_QUEUE_URL: 'q', NIANBAO_CRAWL_WINDOW_HOURS: '167' };
    expect(loadConfig(week, ['queue']).crawlWindowHours).toBe(167);
  });

  it('refuses malformed numbers, naming the variable', () => {
    expect(() => loadConfig({ ...BASE, NIANBAO_REPORT_YEAR: '24' })).toThrow(/NIANBAO_REPORT_YEAR/);
    expect(() =>
      loadConfig({ ...BASE, NIANBAO_FETCH_QUEUE_URL: 'q', NIANBAO_MAX_AGENCIES_PER_JOB: '0' }, ['queue']),
    ).toThrow(/NIANBAO_MAX_AGENCIES_PER_JOB/);
    expect(() =>
      loadConfig({ ...BASE, NIANBAO_FETCH_QUEUE_URL: 'q', NIANBAO_CRAWL_WINDOW_HOURS: '200' }, ['queue']),
    ).toThrow(/NIANBAO_CRAWL_WINDOW_HOURS/);
  });

  it('requires the SES identity for SES and the SMTP URL for SMTP', () => {
    const mail = { ...BASE, NIANBAO_MAIL_FROM: 'digest@example.org' };
    expect(() => loadConfig(mail, ['mail'])).toThrow(/NIANBAO_SES_IDENTITY/);
    expect(() => loadConfig({ ...mail, NIANBAO_MAILER: 'smtp' }, ['mail'])).toThrow(/NIANBAO_SMTP_URL/);
    expect(() => loadConfig({ ...mail, NIANBAO_MAILER: 'pigeon' }, ['mail'])).toThrow(/NIANBAO_MAILER/);
    const smtp = loadConfig(
      {
        ...mail,
        NIANBAO_MAILER: 'smtp',
        NIANBAO_SMTP_URL: 'smtps://u:p@mail.example.gov.cn',
        NIANBAO_RECIPIENTS: 'a@x.cn, b@x.cn',
      },
      ['mail'],
    );
    expect(smtp).toMatchObject({ mailer: 'smtp', sesIdentity: undefined, recipients: ['a@x.cn', 'b@x.cn'] });
  });
});
