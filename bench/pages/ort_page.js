// Page side of the ORT microbench: one module worker, one call at a time.
const worker = new Worker(new URL('./ort_worker.bundle.js', import.meta.url), { type: 'module', name: 'ortbench' });
let next = 1;
const waiting = new Map();
worker.onmessage = (event) => {
  const { id, value, error } = event.data;
  const [resolve, reject] = waiting.get(id);
  waiting.delete(id);
  if (error) reject(new Error(error)); else resolve(value);
};
function call(cmd, args) {
  const id = next++;
  return new Promise((resolve, reject) => {
    waiting.set(id, [resolve, reject]);
    worker.postMessage({ id, cmd, args });
  });
}
window.ortbench = { call };
