import pgListen, { type Subscriber } from 'pg-listen';
import type { Logger } from 'pino';
import { CHANGES_CHANNEL } from './changes.ts';
import { throttledLog } from './throttledLog.ts';

export type ChangeFeedOptions = Readonly<{
  connectionString: string;
  logger: Logger;
  /** Raw payload of one notification, in commit order. */
  onChange: (payload: string | undefined) => void;
  /** Listening (true, LISTEN active) or not (false: notifications may be missed from now on). */
  onListening: (up: boolean) => void;
  channel?: string;
}>;

const backoff = (attempt: number) => Math.min(250 * 2 ** Math.max(0, attempt - 1), 5_000);

/**
 * LISTEN on the projector's channel with the query role's own connection (LISTEN needs no table rights).
 * pg-listen reconnects and re-LISTENs by itself; we only turn its events into "listening or not", retry the
 * first connection in the background if Postgres is not there yet, and never let it give up.
 */
export const createChangeFeed = (o: ChangeFeedOptions) => {
  const channel = o.channel ?? CHANGES_CHANNEL;
  const warn = throttledLog(o.logger);
  let subscriber: Subscriber | null = null;
  let up = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const setUp = (next: boolean) => {
    if (up === next) return;
    up = next;
    o.logger.info({ channel, listening: up }, up ? 'change feed listening' : 'change feed lost');
    o.onListening(up);
  };

  const connect = async (attempt: number): Promise<void> => {
    if (closed) return;
    // pg-listen is CommonJS; its factory is the `default` member of module.exports.
    const s = pgListen.default(
      { connectionString: o.connectionString, application_name: 'openpolicy-query-listen' },
      {
        // Payloads are parsed by parseChange: a payload pg-listen failed to parse would be dropped, unseen.
        parse: (text: string) => text,
        paranoidChecking: 5_000,
        retryInterval: backoff,
        retryTimeout: 0,
      },
    );
    s.notifications.on(channel, (payload: string | undefined) => o.onChange(payload));
    s.events.on('error', (err: Error) => warn(err, 'change feed error'));
    try {
      await s.connect();
      await s.listenTo(channel);
    } catch (err) {
      warn(err, 'change feed cannot connect; serving uncached until it does');
      s.events.removeAllListeners('error');
      s.events.on('error', () => {});
      await s.close().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(attempt + 1), backoff(attempt));
      return;
    }
    subscriber = s;
    // Registered only now: pg-listen says `connected` before our first LISTEN, and after re-LISTEN on reconnects.
    s.events.on('reconnect', () => setUp(false));
    s.events.on('connected', () => setUp(true));
    setUp(true);
  };

  return {
    /** Resolves after the first attempt; if it failed, later ones run in the background. */
    start: () => connect(1),
    listening: () => up,
    async stop() {
      closed = true;
      if (retry) clearTimeout(retry);
      const s = subscriber;
      if (!s) return;
      // pg-listen's close() ends the current client but not a reconnection already under way: that one would
      // connect later, LISTEN and stay open for good. Close it as soon as it says it is connected.
      s.events.on('connected', () => void s.close().catch(() => undefined));
      await s.close().catch(() => undefined);
    },
  };
};
