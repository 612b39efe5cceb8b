import pino from 'pino';

export type Logger = pino.Logger;

/** JSON lines in production; LOG_FORMAT=pretty (set by `npm run dev`) prints them for people via pino-pretty. */
export function createLogger(level: string, format = process.env.LOG_FORMAT): Logger {
  const transport =
    format === 'pretty' ? { target: 'pino-pretty', options: { ignore: 'pid,hostname,service' } } : undefined;
  return pino({ level, base: { service: 'refund-desk' }, transport });
}
