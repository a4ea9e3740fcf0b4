// Worker bundle entry: hands the npm modules to the Python worker, which cannot import them.
import * as ort from 'onnxruntime-web/wasm';
import { get, set, del, keys } from 'idb-keyval';
import { start } from 'transpiled/worker/backgrone.worker.loop.js';

// ORT's threads are workers too; only the real worker runs the app.
if (!self.name || !self.name.startsWith('em-pthread')) {
  start({
    ort,
    idb: { read: get, write: set, remove: del, list: keys },
    scope: self,
    base: new URL('../', import.meta.url).href,
  });
}
