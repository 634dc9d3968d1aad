/**
 * UUIDv7 (RFC 9562): 48-bit millisecond timestamp, then random bits. Time-ordered
 * ids keep B-tree inserts at the end of the index and sort like creation time.
 * Uses Web Crypto, present in both Node 20 and browsers.
 */
export type IdGenerator = () => string;

const hex = (b: number) => b.toString(16).padStart(2, '0');

export function uuidv7At(ms: number, random: Uint8Array): string {
  const b = new Uint8Array(16);
  let t = Math.floor(ms);
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  for (let i = 6; i < 16; i++) b[i] = random[i - 6] ?? 0;
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = Array.from(b, hex).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Monotonic within one generator: ids minted in the same millisecond still sort in
 * creation order (the random tail is incremented instead of redrawn).
 */
export function createUuidV7(clock: () => number = Date.now): IdGenerator {
  let lastMs = -1;
  let last = new Uint8Array(10);
  return () => {
    const now = clock();
    if (now > lastMs) {
      lastMs = now;
      last = crypto.getRandomValues(new Uint8Array(10));
      last[0]! &= 0x07; // leave room to increment without overflowing the counter
    } else {
      for (let i = 9; i >= 0; i--) {
        last[i] = (last[i]! + 1) & 0xff;
        if (last[i] !== 0) break;
      }
    }
    return uuidv7At(lastMs, last);
  };
}

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s);
