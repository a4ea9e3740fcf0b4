// The HEIC/HEIF decoder, a bundle of its own (public/heic/, build/heic_decoder.py): libheif's
// Emscripten glue. The job worker imports it only when a HEIC/HEIF photo arrives that the
// browser cannot decode itself, and instantiates libheif.wasm beside it (worker/heic.py).
export { default as libheif } from 'libheif-js/libheif-wasm/libheif.js';
