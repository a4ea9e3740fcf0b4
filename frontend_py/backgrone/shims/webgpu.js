// The WebGPU runtime, a bundle of its own (public/ort-gpu/): the job worker imports it only
// when it is about to run a job on the GPU, so a CPU-only visitor never fetches it.
export * from 'onnxruntime-web/webgpu';
