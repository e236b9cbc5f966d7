// Minimal types for word-extractor 1.0.x (the package ships none): only what extract/doc.ts uses.
declare module 'word-extractor' {
  interface WordDocument {
    getBody(): string;
  }
  export default class WordExtractor {
    extract(source: string | Buffer): Promise<WordDocument>;
  }
}
