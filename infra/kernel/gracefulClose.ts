import type { Server, ServerResponse } from 'node:http';

/**
 * A stop for an HTTP server that answers what is in flight and then lets go of every connection. `server.close()`
 * alone only stops listening: a client that keeps one kept-alive connection busy kept getting answers with
 * `Connection: keep-alive` and the stop never finished; `closeAllConnections()` alone cuts requests mid-answer.
 * Once stopping, every answer not yet started says `Connection: close` (Node then ends the socket after it), idle
 * connections are closed at once and as answers finish, and after `graceMs` whatever is left is cut.
 * Call it before the server takes requests: it tracks the answers in flight.
 */
export const gracefulClose = (server: Server, graceMs = 10_000) => {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  const closeIdle = () => setImmediate(() => server.closeIdleConnections());
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (stopping) {
      // Arrived on a kept-alive connection after the stop began: answered, and the connection goes with it.
      res.setHeader('Connection', 'close');
      res.once('finish', closeIdle);
      return;
    }
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  let closed: Promise<void> | null = null;
  return () => {
    closed ??= new Promise<void>((resolve) => {
      stopping = true;
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
      for (const res of inFlight) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
        // An answer already under way keeps its connection open: close it once the answer is out.
        res.once('finish', closeIdle);
      }
      server.closeIdleConnections();
    });
    return closed;
  };
};
