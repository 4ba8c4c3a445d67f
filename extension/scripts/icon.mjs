// Draws the extension icon (a database cylinder with a check mark) and encodes it as a PNG with
// node's zlib, so the repository holds no binary and the build downloads nothing.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit RGBA pixels (row-major, `size * size * 4` bytes) as a PNG. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  const raw = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BACKGROUND = [29, 53, 87];
const DATABASE = [233, 238, 245];
const BAND = [160, 178, 200];
const BADGE = [42, 157, 143];
const WHITE = [255, 255, 255];

const inEllipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

function distanceToSegment(x, y, ax, ay, bx, by) {
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
}

/** The colour at a point of the 128 x 128 design, or undefined outside the rounded square. */
function paint(x, y) {
  // Rounded square background.
  const r = 26;
  const qx = Math.max(r - x, 0, x - (128 - r));
  const qy = Math.max(r - y, 0, y - (128 - r));
  if (qx * qx + qy * qy > r * r) return undefined;
  let colour = BACKGROUND;
  // Database: a cylinder with two bands.
  const [left, right, top, bottom, rx, ry] = [26, 86, 30, 92, 30, 10];
  const cx = (left + right) / 2;
  const inBody = x >= left && x <= right && y >= top && y <= bottom;
  if (inBody || inEllipse(x, y, cx, top, rx, ry) || inEllipse(x, y, cx, bottom, rx, ry)) {
    colour = DATABASE;
    for (const band of [top, top + 21, top + 42]) {
      const e = ((x - cx) / rx) ** 2 + ((y - band) / ry) ** 2;
      if (Math.abs(Math.sqrt(e) - 1) * ry < 1.6 && (band === top || y > band)) colour = BAND;
    }
  }
  // Badge with a check mark.
  const [bx, by, br] = [92, 92, 26];
  const d = Math.hypot(x - bx, y - by);
  if (d <= br + 4) colour = BACKGROUND; // a ring separating the badge from the cylinder
  if (d <= br) {
    colour = BADGE;
    const stroke = Math.min(distanceToSegment(x, y, 80, 93, 89, 102), distanceToSegment(x, y, 89, 102, 105, 83));
    if (stroke <= 4.2) colour = WHITE;
  }
  return colour;
}

/** The icon as a PNG, `size` pixels square, antialiased by 4 x 4 supersampling. */
export function makeIcon(size = 128) {
  const rgba = Buffer.alloc(size * size * 4);
  const scale = 128 / size;
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [sr, sg, sb, covered] = [0, 0, 0, 0];
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const c = paint((px + (i + 0.5) / n) * scale, (py + (j + 0.5) / n) * scale);
          if (!c) continue;
          sr += c[0];
          sg += c[1];
          sb += c[2];
          covered++;
        }
      }
      const o = (py * size + px) * 4;
      if (covered) rgba.set([Math.round(sr / covered), Math.round(sg / covered), Math.round(sb / covered), Math.round((covered / (n * n)) * 255)], o);
    }
  }
  return encodePng(size, size, rgba);
}
