/**
 * The polite HTTP client's public face (the client lives in http/: client.ts and its parts).
 */
export { createHttpClient } from './http/client.ts';
export type {
  FetchedResponse,
  GetOptions,
  HttpClient,
  HttpClientOptions,
  HttpClientStats,
  RobotsRecord,
} from './http/types.ts';
export { CLIENT_VERSION, PRODUCT_TOKEN } from './http/types.ts';
