#!/usr/bin/env node
// `npm run test:costs`: times every test file in one process (test/all-in-one.ts) and writes
// test/shard-costs.json, which test/shard.ts balances the shards by. Only the balance depends on it.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "slipway-costs-")), "costs.jsonl");
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", path.join("test", "all-in-one.ts")], {
    cwd: path.resolve(__dirname, ".."),
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, SLIPWAY_TEST_COSTS: log },
});
if (run.status !== 0) {
    process.stderr.write(`test:costs: the suite failed (exit ${run.status}); run npm test to see why\n`);
    process.exit(1);
}
const costs = {};
for (const line of fs.readFileSync(log, "utf8").trim().split("\n")) {
    const { file, seconds } = JSON.parse(line);
    costs[file] = Math.round(seconds * 10) / 10;
}
const sorted = Object.fromEntries(Object.entries(costs).sort(([a], [b]) => (a < b ? -1 : 1)));
fs.writeFileSync(path.join(__dirname, "shard-costs.json"), `${JSON.stringify(sorted, null, 2)}\n`);
process.stdout.write(`wrote test/shard-costs.json (${Object.keys(sorted).length} files)\n`);
