// Bench page for the peer, @imgly/background-removal 1.7.0, served from this folder.
// Bundled by bench/benchsite.py with onnxruntime-web aliased to the peer's own 1.21.0.
import { removeBackground } from '@imgly/background-removal';

const here = new URL('./', location.href).href;
let current = {};

async function run(blob, model, device) {
  // The peer reports its stages through `progress`; the times between them are its stages.
  // It memoizes its set-up on the config (functions left out), so later calls still call the
  // first call's callback: the marks live outside this call.
  const marks = {};
  current = marks;
  const began = performance.now();
  const config = {
    publicPath: here,
    model,
    // 'cpu' unless asked (bench/gpu.py asks for 'gpu', on the adapter our app uses).
    device: device || 'cpu',
    output: { format: 'image/png' },
    progress: (key) => {
      if (key.startsWith('compute:')) (current[key] = current[key] || []).push(performance.now());
    },
  };
  const png = await removeBackground(blob, config);
  const ended = performance.now();
  const at = (key, i) => (marks[key] || [])[i];
  const decode = at('compute:decode', 0);
  const inference = at('compute:inference', 0);
  const mask = at('compute:mask', 0);
  const encode = at('compute:encode', 0);
  const timings = {
    model: decode - began,
    decode: inference - decode,
    // The peer resizes, normalises, runs and upscales in one step: all counted as inference.
    inference: mask - inference,
    postprocess: encode - mask,
    encode: ended - encode,
    total: ended - began,
  };
  return { png, timings, threads: self.crossOriginIsolated ? navigator.hardwareConcurrency : 1 };
}

window.peer = { run, ready: Promise.resolve(true) };
