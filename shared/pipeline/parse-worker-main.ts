/**
 * The parse sandbox's worker thread: parses and validates the documents the main thread sends, one at
 * a time, and posts back the outcome. Runs under `resourceLimits`, so a runaway document kills this
 * thread, never the process (parse-sandbox.ts).
 */
import { parentPort } from 'node:worker_threads';
import { DocumentLimitError } from '../report/limits.ts';
import { parseReport } from '../report/parse.ts';
import { validateReport } from '../rules/validate.ts';
import type { SandboxOutcome, SandboxRequest } from './parse-sandbox.ts';

parentPort?.on('message', async (request: SandboxRequest) => {
  let outcome: SandboxOutcome;
  try {
    const report = await parseReport(request.input);
    outcome = { ok: true, report, findings: validateReport(report, request.context) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = {
      ok: false,
      reason: error instanceof DocumentLimitError ? message : `解析出错（${message.slice(0, 200)}）`,
    };
  }
  parentPort?.postMessage({ id: request.id, outcome });
});
