/** `nianbao serve [--store DIR] [--port N]`: serves a local store's site on 127.0.0.1 until interrupted. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startSiteServer } from '../site/server.ts';
import { DEFAULT_STORE_LOCATION } from '../storage/open-store.ts';
import { parseOptionsOrExit } from './options.ts';

const USAGE = [
  '用法：nianbao serve [--store 目录] [--port 端口]',
  '',
  '选项：',
  '  --store 目录   存储位置（默认 ./.nianbao），浏览其中 site/ 下的结果网站和存档原件',
  '  --port 端口    监听 127.0.0.1 的端口（默认 8080；0 为任选空闲端口）',
  '  -h, --help     显示本说明',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const parsed = parseOptionsOrExit(args, { store: { type: 'string' }, port: { type: 'string' } }, USAGE);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const location = values.store ?? DEFAULT_STORE_LOCATION;
  if (/^s3:\/\//i.test(location)) {
    console.error('serve 只能浏览本地目录；S3 上的网站请通过 CloudFront 访问（见 README）。');
    return 2;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port 应为 0–65535 的整数：${values.port}`);
    return 2;
  }
  const root = path.resolve(location);
  if (!existsSync(path.join(root, 'site', 'index.html'))) {
    console.error(
      `${root} 下还没有结果网站，请先运行 npx nianbao site${values.store ? ` --store ${values.store}` : ''}（或 npm start）。`,
    );
    return 2;
  }
  let server: Awaited<ReturnType<typeof startSiteServer>>;
  try {
    server = await startSiteServer({ root, port });
  } catch (error) {
    console.error(`无法启动浏览服务：${(error as Error).message}`);
    return 2;
  }
  console.log(`结果网站：${server.url}`);
  console.log('仅本机可访问（127.0.0.1）。按 Ctrl+C 停止。');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
