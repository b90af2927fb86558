#!/usr/bin/env node
// `npm run test:costs`: times every test file in the shards of a real run (`node test/run.cjs --no-typecheck`,
// SLIPWAY_TEST_COSTS) and writes test/shard-costs.json, which test/shard.ts balances the shards by. Only the
// balance depends on it. A file's time includes the plans it is the first in its shard to ask for (the plan
// thread makes each plan once per run), so the table is a measure of this assignment: run it again after
// moving costs around, until the shards end close together.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "slipway-costs-")), "costs.jsonl");
const run = spawnSync(process.execPath, [path.join("test", "run.cjs"), "--no-typecheck"], {
    cwd: path.resolve(__dirname, ".."),
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, SLIPWAY_TEST_COSTS: log },
});
if (run.status !== 0) {
    process.stderr.write(`test:costs: the suite failed (exit ${run.status}); run npm test to see why\n`);
    process.exit(1);
}
// Each run moves a file's cost halfway from the table's to what it measured: a file's time depends on the
// assignment (the plans it is first to ask for), so taking the new times whole swings files between shards.
const table = path.join(__dirname, "shard-costs.json");
const before = fs.existsSync(table) ? JSON.parse(fs.readFileSync(table, "utf8")) : {};
const costs = {};
for (const line of fs.readFileSync(log, "utf8").trim().split("\n")) {
    const { file, seconds } = JSON.parse(line);
    costs[file] = Math.round(((before[file] ?? seconds) + seconds) * 5) / 10;
}
const sorted = Object.fromEntries(Object.entries(costs).sort(([a], [b]) => (a < b ? -1 : 1)));
fs.writeFileSync(table, `${JSON.stringify(sorted, null, 2)}\n`);
process.stdout.write(`wrote test/shard-costs.json (${Object.keys(sorted).length} files)\n`);
