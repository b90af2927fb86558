// Shard 1 of the suite (test/shard.ts): loads the suite's bundle (test/suite.ts, built by test/run.cjs,
// named in SLIPWAY_TEST_BUNDLE) and registers its share of the test files.
"use strict";
const { load } = require("../../tools/run.cjs");

const bundle = process.env.SLIPWAY_TEST_BUNDLE;
if (!bundle) throw new Error("test/shards/1.cjs runs under npm test (test/run.cjs), which builds the suite's bundle");
load(bundle).run(0);
