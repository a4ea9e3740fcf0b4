// Worker side of the ORT microbench: the same onnxruntime-web build and thread set-up as the
// app's worker, for measuring session options, warm-up, model variants and PNG encoding.
import * as ort from 'onnxruntime-web/wasm';

const base = new URL('./', import.meta.url).href;
// Live sessions by name, so that runs of different models can be interleaved (shared noise).
const sessions = new Map();

function configure(threads) {
  ort.env.wasm.wasmPaths = base + 'ort/';
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
}

async function create({ name, url, options, threads, keep }) {
  if (!keep) {
    for (const old of sessions.values()) await old.release();
    sessions.clear();
  }
  configure(threads || navigator.hardwareConcurrency);
  let began = performance.now();
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const fetched = performance.now() - began;
  began = performance.now();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], ...options });
  sessions.set(name || 'default', session);
  return { fetch: fetched, create: performance.now() - began, threads: ort.env.wasm.numThreads };
}

function input(side) {
  // A smooth synthetic photo-like input (values in the model's normalised range).
  const count = side * side;
  const data = new Float32Array(3 * count);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < count; i++) {
      const x = i % side, y = (i / side) | 0;
      data[c * count + i] = 0.4 * Math.sin((x + 37 * c) / 53) * Math.cos(y / 71) - 0.1;
    }
  }
  return data;
}

async function run({ name, repeats, side }) {
  const session = sessions.get(name || 'default');
  const pixels = input(side || 1024);
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const tensor = new ort.Tensor('float32', pixels, [1, 3, side || 1024, side || 1024]);
    const began = performance.now();
    const out = await session.run({ input: tensor }, ['output']);
    times.push(performance.now() - began);
    out.output.dispose && out.output.dispose();
  }
  return { times };
}

async function photoCanvas(width, height, url) {
  const blob = await (await fetch(url)).blob();
  const bitmap = await createImageBitmap(blob, { resizeWidth: width, resizeHeight: height });
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { canvas, context };
}

function crc32Table() {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
const CRC = crc32Table();
function crc32(parts) {
  let c = 0xffffffff;
  for (const bytes of parts) for (let i = 0; i < bytes.length; i++) c = CRC[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) head[4 + i] = type.charCodeAt(i);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc32([head.subarray(4), data]));
  return [head, data, tail];
}

// PNG from RGBA with filter 0 (none) or 1 (sub) and the browser's own zlib (CompressionStream).
async function encodePng(rgba, width, height, filter) {
  const stride = 4 * width;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    raw[row] = filter;
    const src = y * stride;
    if (filter === 0) {
      raw.set(rgba.subarray(src, src + stride), row + 1);
    } else {
      for (let i = 0; i < 4; i++) raw[row + 1 + i] = rgba[src + i];
      for (let i = 4; i < stride; i++) raw[row + 1 + i] = (rgba[src + i] - rgba[src + i - 4]) & 255;
    }
  }
  const compressed = new Uint8Array(await new Response(
    new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width); view.setUint32(4, height);
  header[8] = 8; header[9] = 6; header[10] = 0; header[11] = 0; header[12] = 0;
  const signature = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
  return new Blob([signature, ...chunk('IHDR', header), ...chunk('IDAT', compressed), ...chunk('IEND', new Uint8Array(0))],
    { type: 'image/png' });
}

// 12 MP: convertToBlob against CompressionStream PNGs, and the alpha step as canvas compositing.
async function encode({ width, height, url }) {
  const { canvas, context } = await photoCanvas(width, height, url);
  const image = context.getImageData(0, 0, width, height);
  // A soft elliptical mask with a feathered edge, like a real cutout.
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const dx = (x - width / 2) / (width * 0.35), dy = (y - height / 2) / (height * 0.42);
    const d = Math.sqrt(dx * dx + dy * dy);
    image.data[4 * (y * width + x) + 3] = d < 0.95 ? 255 : d > 1.05 ? 0 : Math.round(255 * (1.05 - d) / 0.1);
  }
  context.putImageData(image, 0, 0);
  const out = {};
  let began = performance.now();
  const native = await canvas.convertToBlob({ type: 'image/png' });
  out.convertToBlob = { ms: performance.now() - began, bytes: native.size };
  began = performance.now();
  const rgba = context.getImageData(0, 0, width, height).data;
  const read = performance.now() - began;
  for (const filter of [0, 1]) {
    began = performance.now();
    const png = await encodePng(rgba, width, height, filter);
    out['compressionStream_filter' + filter] = { ms: performance.now() - began + read, bytes: png.size };
  }
  // Check the home-made PNG decodes to the same pixels.
  const check = await createImageBitmap(await encodePng(rgba, width, height, 1), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  out.decodes = check.width === width && check.height === height;
  check.close();
  return out;
}

// The alpha step at full size: JS loop over getImageData (what the app does) vs compositing.
async function alphaStep({ width, height, url, side }) {
  const out = {};
  const mask = new Uint8ClampedArray(side * side);
  for (let i = 0; i < mask.length; i++) mask[i] = ((i % side) > side / 4 && (i % side) < 3 * side / 4) ? 255 : 0;
  const source = await (await fetch(url)).blob();
  const full = await createImageBitmap(source);
  {
    const began = performance.now();
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(full, 0, 0);
    const pixels = context.getImageData(0, 0, width, height);
    const read = performance.now();
    const data = pixels.data;
    const sx = side / width, sy = side / height;
    const lo = new Int32Array(width), hi = new Int32Array(width), fr = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const f = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), side - 1);
      lo[x] = Math.floor(f); hi[x] = Math.min(lo[x] + 1, side - 1); fr[x] = f - lo[x];
    }
    for (let y = 0; y < height; y++) {
      const f = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), side - 1);
      const t = Math.floor(f) * side, b = Math.min(Math.floor(f) + 1, side - 1) * side, fy = f - Math.floor(f);
      let p = 4 * y * width + 3;
      for (let x = 0; x < width; x++) {
        const u = mask[t + lo[x]] + (mask[t + hi[x]] - mask[t + lo[x]]) * fr[x];
        const l = mask[b + lo[x]] + (mask[b + hi[x]] - mask[b + lo[x]]) * fr[x];
        data[p] = Math.floor((u + (l - u) * fy) * data[p] / 255 + 0.5);
        p += 4;
      }
    }
    const looped = performance.now();
    context.putImageData(pixels, 0, 0);
    context.getImageData(0, 0, 1, 1);
    const written = performance.now();
    out.jsLoop = written - began;
    out.jsLoopParts = { drawAndRead: read - began, loop: looped - read, write: written - looped };
  }
  {
    const began = performance.now();
    const maskCanvas = new OffscreenCanvas(side, side);
    const rgba = new Uint8ClampedArray(4 * side * side);
    for (let i = 0; i < mask.length; i++) rgba[4 * i + 3] = mask[i];
    maskCanvas.getContext('2d').putImageData(new ImageData(rgba, side, side), 0, 0);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d');
    context.drawImage(full, 0, 0);
    context.globalCompositeOperation = 'destination-in';
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'low';
    context.drawImage(maskCanvas, 0, 0, width, height);
    // Force the work to happen now (canvas drawing is lazy).
    context.getImageData(0, 0, 1, 1);
    out.compositing = performance.now() - began;
  }
  full.close();
  return out;
}

const commands = { create, run, encode, alphaStep };

if (!self.name || !self.name.startsWith('em-pthread')) {
  self.onmessage = async (event) => {
    const { id, cmd, args } = event.data;
    try {
      self.postMessage({ id, value: await commands[cmd](args || {}) });
    } catch (error) {
      self.postMessage({ id, error: String(error && error.message || error) });
    }
  };
}
