// Page bundle entry: gives the Python app the globals and the worker's URL.
import { start } from 'transpiled/page/backgrone.ui.app.js';

start({ window, document, workerUrl: new URL('./worker.js', import.meta.url).href });
