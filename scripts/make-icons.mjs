#!/usr/bin/env node
/**
 * Renders the app icon from one SVG and writes every format the packagers want:
 *   resources/icons/icon.svg, icon-{16..512}.png, icon.png (1024), icon.ico, icon.icns
 * ICO and ICNS are written by hand: both are simple containers that accept PNG payloads
 * (ICO since Windows Vista, ICNS types ic07–ic14 since macOS 10.7), so no extra tool.
 * Run with `node scripts/make-icons.mjs`; the outputs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'resources/icons');

// A speech bubble (a citizen's report) carrying an S, on the blue of public signage.
// The S is a stroked path, not text, so the result does not depend on installed fonts.
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2a6fb0"/>
      <stop offset="1" stop-color="#17497d"/>
    </linearGradient>
  </defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#bg)"/>
  <path d="M300 236 H724 A96 96 0 0 1 820 332 V616 A96 96 0 0 1 724 712 H488 L348 828 L372 712 H300
           A96 96 0 0 1 204 616 V332 A96 96 0 0 1 300 236 Z" fill="#ffffff"/>
  <path d="M616 354 C 586 310, 420 302, 418 394 C 416 476, 608 448, 606 546 C 604 640, 438 632, 404 584"
        fill="none" stroke="#1f5f9c" stroke-width="64" stroke-linecap="round" stroke-linejoin="round"/>
  <circle cx="760" cy="236" r="58" fill="#e8a33d" stroke="#ffffff" stroke-width="20"/>
</svg>
`;

const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS element types that hold PNG data, with their pixel size. */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32], // 16@2x
  ['ic07', 128],
  ['ic12', 64], // 32@2x
  ['ic08', 256],
  ['ic13', 256], // 128@2x
  ['ic09', 512],
  ['ic14', 512], // 256@2x
  ['ic10', 1024], // 512@2x
];

async function renderPng(size) {
  return sharp(Buffer.from(SVG), { density: (72 * size) / 1024 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();
}

/** ICO: ICONDIR + one ICONDIRENTRY per image + the PNG payloads. */
export function buildIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, data } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // palette colours
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

/** ICNS: 'icns' + total length, then (type, length incl. 8-byte header, data) elements. */
export function buildIcns(elements) {
  const chunks = elements.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'icon.svg'), SVG);
  const pngs = new Map([[1024, await renderPng(1024)]]);
  for (const size of PNG_SIZES) {
    const data = await renderPng(size);
    pngs.set(size, data);
    writeFileSync(path.join(outDir, `icon-${size}.png`), data);
  }
  const png = (size) => {
    const data = pngs.get(size);
    if (!data) throw new Error(`missing ${size}px render`);
    return data;
  };
  writeFileSync(path.join(outDir, 'icon.png'), png(1024));
  writeFileSync(
    path.join(outDir, 'icon.ico'),
    buildIco(ICO_SIZES.map((size) => ({ size, data: png(size) }))),
  );
  writeFileSync(
    path.join(outDir, 'icon.icns'),
    buildIcns(ICNS_TYPES.map(([type, size]) => ({ type, data: png(size) }))),
  );
  console.log(`Icone scritte in ${path.relative(repoRoot, outDir)}/`);
}

await main();
