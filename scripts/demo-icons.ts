// Draws the demo's PNG icons and favicon.ico from its SVG icons, in Chromium:
// `npx tsx scripts/demo-icons.ts`. The outputs are committed; run it again after editing an SVG.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const ICONS = join(import.meta.dirname, '../demo/public/icons');
const PUBLIC = join(ICONS, '..');

/** PNGs the manifest names: [source SVG, size, output file]. */
const PNGS: [string, number, string][] = [
  ['icon.svg', 192, 'icon-192.png'],
  ['icon.svg', 512, 'icon-512.png'],
  ['icon-maskable.svg', 512, 'icon-maskable-512.png'],
  ['icon-maskable.svg', 180, 'apple-touch-icon.png'],
];
/** Sizes packed into favicon.ico, for browsers and tools that ask for it whatever the page says. */
const FAVICON_SIZES = [16, 32, 48];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage();

async function draw(svgFile: string, size: number): Promise<Buffer> {
  const svg = await readFile(join(ICONS, svgFile), 'utf8');
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
  );
  return page.screenshot({ omitBackground: true });
}

for (const [svgFile, size, output] of PNGS) await writeFile(join(ICONS, output), await draw(svgFile, size));
const favicons = [];
for (const size of FAVICON_SIZES) favicons.push({ size, png: await draw('icon.svg', size) });
await writeFile(join(PUBLIC, 'favicon.ico'), icoOf(favicons));
await browser.close();

/** An ICO file holding PNG images (supported by every browser since 2010). */
function icoOf(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size % 256, 0);
    entry.writeUInt8(size % 256, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map(({ png }) => png)]);
}
