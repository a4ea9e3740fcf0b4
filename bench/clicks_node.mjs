// bench/clicks.py's corrector: core/correct.py as transpiled, run by Node (V8, as in Chromium).
// One request per stdin line: {"input": path, "output": path, "side": n, "clicks": [[x, y, keep]]};
// the input file holds the side² mask bytes then the side² RGBA bytes. Answers one JSON line:
// {"changed": n, "ms": correction time}.
import fs from "fs";
import readline from "readline";
import { pathToFileURL } from "url";

const folder = process.argv[2];
const core = await import(pathToFileURL(folder + "/backgrone.core.correct.js").href);
const works = new Map();
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const request = JSON.parse(line);
  const side = request.side;
  const data = fs.readFileSync(request.input);
  const alpha8 = new Uint8ClampedArray(data.buffer, data.byteOffset, side * side);
  const rgba = new Uint8ClampedArray(data.buffer, data.byteOffset + side * side, 4 * side * side);
  if (!works.has(side)) works.set(side, core.Work(side, (n) => new Float64Array(n)));
  const out = new Uint8ClampedArray(side * side);
  const clicks = request.clicks.map((c) => core.Click(c[0], c[1], c[2]));
  const began = performance.now();
  const changed = core.correct(alpha8, rgba, side, clicks, [], works.get(side), out);
  const ms = performance.now() - began;
  fs.writeFileSync(request.output, out);
  process.stdout.write(JSON.stringify({ changed, ms }) + "\n");
}
