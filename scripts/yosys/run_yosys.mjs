// Runs Yosys 0.55 (the @yowasp/yosys WebAssembly build, on Node.js) over the kernel RTL: the
// named SystemVerilog files are copied into Yosys's virtual file system, the commands given
// with -p run there, and files the commands write under out/ are copied back to --out-dir.
// Usage: node run_yosys.mjs [--out-dir DIR] [--verbose] -p "yosys commands" file.sv...
// --verbose streams Yosys's full log to stdout (progress of long runs); otherwise -q.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = process.env.ESPGW_YOWASP_YOSYS ??
  join(here, '../../build-yosys/node_modules/@yowasp/yosys/gen/bundle.js');

const args = process.argv.slice(2);
let commands = null;
let outDir = '.';
let verbose = false;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-p') commands = args[++i];
  else if (args[i] === '--out-dir') outDir = args[++i];
  else if (args[i] === '--verbose') verbose = true;
  else files.push(args[i]);
}
if (commands === null || files.length === 0) {
  console.error('usage: node run_yosys.mjs [--out-dir DIR] [--verbose] -p "commands" file.sv...');
  process.exit(2);
}

let yosys;
try {
  yosys = await import(resolve(bundle));
} catch (err) {
  console.error(`run_yosys: cannot load @yowasp/yosys from ${bundle}: ${err.message}`);
  console.error('install it with: npm install --prefix build-yosys @yowasp/yosys');
  process.exit(3);
}

// Virtual tree: rtl/<file> for every source, out/ for results.
const tree = { rtl: {}, out: {} };
for (const f of files) tree.rtl[basename(f)] = readFileSync(f, 'utf8');

let result;
try {
  result = await yosys.runYosys([...(verbose ? [] : ['-q', '-l', 'out/yosys.log']), '-p', commands], tree, {
    stdout: (bytes) => { if (bytes) process.stdout.write(bytes); },
    stderr: (bytes) => { if (bytes) process.stderr.write(bytes); },
  });
} catch (err) {
  if (err instanceof yosys.Exit) {
    if (err.files?.out?.['yosys.log']) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'yosys.log'), err.files.out['yosys.log']);
    }
    console.error(`run_yosys: yosys exited with ${err.code}`);
    process.exit(1);
  }
  throw err;
}
mkdirSync(outDir, { recursive: true });
for (const [name, content] of Object.entries(result.out ?? {})) {
  if (typeof content === 'string' || content instanceof Uint8Array) {
    writeFileSync(join(outDir, name), content);
  }
}
