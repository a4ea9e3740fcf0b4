// Service worker entry. The build stamps BACKGRONE_BUILD ({version, files}) into the banner line
// above this bundle, so that every new build changes sw.js and browsers see the update.
import { start } from 'transpiled/sw/backgrone.sw.service_worker.js';

start({ scope: self, build: BACKGRONE_BUILD });
