// Worker bundle entry: hands the npm modules to the Python worker, which cannot import them.
// worker_entry.start picks the role (job worker, export worker, or one of ORT's threads) by name.
import * as ort from 'onnxruntime-web/wasm';
import { get, set, del, keys } from 'idb-keyval';
import { zipSync, Zlib } from 'fflate';
// The build's model manifest (bytes and sha256 per engine and chunk), baked into the bundle.
import manifest from 'models-manifest';
import { start } from 'transpiled/worker/worker_entry.js';

start({
  ort,
  idb: { read: get, write: set, remove: del, list: keys },
  zip: zipSync,
  // Streaming zlib for PNGs too large for one canvas (worker/strips.py).
  zlib: Zlib,
  scope: self,
  manifest,
  base: new URL('../', import.meta.url).href,
  // The WebGPU runtime, a separate bundle (build/gpu_runtime.py): imported only for the GPU.
  loadGpu: () => import(new URL('../ort-gpu/ort-webgpu.js', import.meta.url).href),
  // libheif for HEIC/HEIF photos, a separate bundle (build/heic_decoder.py): imported only
  // when the first such photo arrives that the browser cannot decode itself.
  loadHeic: () => import(new URL('../heic/heic.js', import.meta.url).href),
});
