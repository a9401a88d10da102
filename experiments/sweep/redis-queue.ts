// Shared by the distributed coordinator and `tradegym worker`: queue naming, the Redis keys that
// carry early-stopping decisions back to workers, and connection checks that fail fast.
import { Redis } from 'ioredis';
import { ConfigError } from '../../data/errors.js';

export const DEFAULT_QUEUE_NAME = 'tradegym-sweeps';

/** Redis keys this project writes (besides BullMQ's own `bull:<queue>:*`). */
export const keyPrefix = (queueName: string) => `tradegym:${queueName}:`;

export const decisionKey = (queueName: string, jobId: string, token: string, seq: number) => `${keyPrefix(queueName)}decision:${jobId}:${token}:${seq}`;

/** Intermediate report a worker publishes as job progress. `token` names one attempt of the job. */
export interface ProgressReport {
  token: string;
  seq: number;
  step: number;
  value: number;
}

export function isProgressReport(x: unknown): x is ProgressReport {
  const r = x as Partial<ProgressReport> | null;
  return typeof r === 'object' && r !== null && typeof r.token === 'string' && typeof r.seq === 'number' && typeof r.step === 'number' && typeof r.value === 'number';
}

export function checkQueueUrl(url: string): string {
  if (!/^rediss?:\/\/[^/]+/.test(url)) throw new ConfigError('queue', `"${url}" is not a Redis URL; expected redis://host:port (or rediss://, optionally /db)`);
  return url;
}

export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new ConfigError('queue-name', `"${name}": letters, digits, dot, dash, underscore`);
  return name;
}

/** BullMQ connection options: its blocking commands need maxRetriesPerRequest null. */
export function connectionOptions(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url: checkQueueUrl(url), maxRetriesPerRequest: null };
}

/** A plain client for our own keys. */
export function redisClient(url: string): Redis {
  return new Redis(checkQueueUrl(url), { maxRetriesPerRequest: null });
}

/** Connects once without retrying, so a wrong URL is an error now rather than a silent hang. */
export async function assertReachable(url: string, timeoutMs = 5000): Promise<void> {
  const probe = new Redis(checkQueueUrl(url), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  let cause: Error | undefined;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new ConfigError('queue', `cannot reach Redis at ${url}: ${(cause ?? (err as Error)).message}`);
  } finally {
    probe.disconnect();
  }
}

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));
