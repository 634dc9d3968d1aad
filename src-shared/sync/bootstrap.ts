/**
 * POST /sync/v1/bootstrap: a new replica's first download, streamed.
 *
 * The answer is NDJSON (`application/x-ndjson`), one JSON object per line, in version
 * order:
 *
 *   {"total":N}                         rows the stream will carry (for the progress bar;
 *                                       may come after the first rows, or never)
 *   {"table":…,"op":…,"key":…,"row":…}  a RowChange, exactly as in a pull page
 *   {"cursor":V}                        checkpoint: every row up to version V was sent;
 *                                       the replica may commit and save V as its cursor
 *   {"reset":true}                      the replica must wipe and start again from 0
 *   {"end":true,"cursor":V}             the stream is complete up to V
 *
 * A stream cut anywhere (network, server restart) loses nothing: the replica resumes
 * with `after` = the last checkpoint it saved. Rows arrive as the server stored them
 * (the server passes the stored JSON through), a child possibly before its report.
 * After the end line the replica goes on with ordinary pulls from the end cursor.
 */
import { z } from 'zod';

export const zBootstrapRequest = z.object({
  clientId: z.string().uuid(),
  /** 0 for a new replica; otherwise the last checkpoint of an interrupted bootstrap. */
  after: z.number().int().min(0),
});

export const zBootstrapLine = z.union([
  z.object({ total: z.number().int() }),
  z.object({ cursor: z.number().int() }),
  z.object({ reset: z.literal(true) }),
  z.object({ end: z.literal(true), cursor: z.number().int() }),
]);

export const BOOTSTRAP_PATH = '/sync/v1/bootstrap';
export const NDJSON = 'application/x-ndjson';
