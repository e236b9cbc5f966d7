/**
 * Document limits: one error type for "this file exceeds what we parse", so every layer (the ZIP
 * check, PDF checks, the parse sandbox) reports a refusal the same way: a Chinese reason, and the
 * stored result is 无法解析 instead of a crash.
 */

/** A document refused because it exceeds a parse limit (size, entries, pages, memory, time). */
export class DocumentLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentLimitError';
  }
}

/** Memory of the parse Lambda (infra/stack.ts); the sandbox keeps a parse well below it. */
export const PARSE_LAMBDA_MEMORY_MB = 1536;
