// Worker bundle entry: hands the npm modules to the Python worker, which cannot import them.
import * as ort from 'onnxruntime-web/wasm';
import { get, set, del, keys } from 'idb-keyval';
import { start } from 'transpiled/worker/backgrone.worker.loop.js';
// The build's model manifest (bytes and sha256 per engine and chunk), baked into the bundle.
import manifest from 'models-manifest';
// The export worker (downloads, zip, the brush's alpha) is this bundle under another name.
import { zipSync } from 'fflate';
import { start as startExporter } from 'transpiled/worker/backgrone.worker.exporter.js';

if (self.name === 'backgrone-export') {
  startExporter({ scope: self, zip: zipSync });
// ORT's threads are workers too; only the real worker runs the app.
} else if (!self.name || !self.name.startsWith('em-pthread')) {
  start({
    ort,
    idb: { read: get, write: set, remove: del, list: keys },
    scope: self,
    manifest,
    base: new URL('../', import.meta.url).href,
  });
}
