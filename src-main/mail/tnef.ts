/**
 * winmail.dat (TNEF, Outlook's own container) unpacked into ordinary attachments with
 * node-tnef. A file it cannot read is kept as it came: nothing is lost.
 */
import { createRequire } from 'node:module';

interface TnefAttachment {
  Title?: string;
  Data?: number[] | Uint8Array;
}
interface TnefResult {
  Attachments?: TnefAttachment[];
}
type ParseBuffer = (data: Buffer, cb: (err: boolean, res: TnefResult) => void) => void;

let parseBufferFn: ParseBuffer | null = null;
function parser(): ParseBuffer {
  if (!parseBufferFn) {
    const require = createRequire(import.meta.url);
    // node-tnef logs every step to stdout through bunyan at level info, which would
    // corrupt `sportello mail parse`'s JSON: its logger is created quiet instead.
    const local = createRequire(require.resolve('node-tnef'));
    const bunyan = local('bunyan') as { createLogger: (o: object) => unknown };
    const original = bunyan.createLogger;
    bunyan.createLogger = (o: object) => original({ ...o, level: 'fatal' });
    try {
      parseBufferFn = (require('node-tnef') as { parseBuffer: ParseBuffer }).parseBuffer;
    } finally {
      bunyan.createLogger = original;
    }
  }
  return parseBufferFn;
}

export function isTnef(fileName: string | null, mime: string): boolean {
  return (
    mime === 'application/ms-tnef' ||
    mime === 'application/vnd.ms-tnef' ||
    /^winmail\.dat$/i.test(fileName ?? '')
  );
}

export function unpackTnef(data: Buffer): { name: string; data: Buffer }[] | null {
  let out: { name: string; data: Buffer }[] | null = null;
  try {
    parser()(data, (err, res) => {
      if (err || !res || !Array.isArray(res.Attachments)) return;
      out = res.Attachments.filter((a) => a.Data && a.Title).map((a) => ({
        name: String(a.Title),
        data: Buffer.from(a.Data as number[]),
      }));
    });
  } catch {
    return null;
  }
  return out;
}
