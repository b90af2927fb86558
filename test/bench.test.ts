import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { compare, measured, median, npmScriptArgs, parseBenchArgs, parseGnuTime } from "../tools/bench";
import { ROOT } from "./helpers";

test("the median of an odd count is the middle value, of an even count the mean of the two middle ones", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), /no values/);
});

test("GNU time's last line (KiB, user s, system s) becomes MB and CPU seconds, whatever the command printed before", () => {
    assert.deepEqual(parseGnuTime("warning: something\n465000 1.50 0.25\n"), { peakMB: (465000 * 1024) / 1e6, cpuSeconds: 1.75 });
    assert.deepEqual(parseGnuTime("Command exited with non-zero status 1\n"), { peakMB: null, cpuSeconds: null });
});

test("ratios compare medians against the targets: a third of the time, half of the memory", () => {
    const anchor = measured("cdk", ["cdk"], [{ seconds: 3, peakMB: 460 }, { seconds: 3.2, peakMB: 470 }, { seconds: 9, peakMB: 465 }]);
    const fast = measured("plan", ["plan"], [{ seconds: 0.5, peakMB: 150 }, { seconds: 0.6, peakMB: 160 }, { seconds: 0.7, peakMB: 155 }]);
    const v = compare(fast, anchor);
    assert.equal(v.timeRatio, 0.6 / 3.2);
    assert.equal(v.timeOk, true);
    assert.equal(v.memoryOk, true);
    const slow = measured("tsx", ["tsx"], [{ seconds: 2, peakMB: 240 }]);
    assert.equal(compare(slow, anchor).timeOk, false);
    assert.equal(compare(slow, anchor).memoryOk, false);
    assert.equal(compare(measured("x", ["x"], [{ seconds: 1, peakMB: null }]), anchor).memoryOk, null);
});

test("bench options default to five runs with the anchor and npm test", () => {
    assert.deepEqual(parseBenchArgs([]), { runs: 5, anchor: true, test: true });
    assert.equal(parseBenchArgs(["--runs", "3", "--no-anchor"]).runs, 3);
    assert.throws(() => parseBenchArgs(["--runs", "0"]), /whole number/);
    assert.throws(() => parseBenchArgs(["--fast"]), /unknown option/);
});

test("the bench times npm run plan's own command line, node flags included", () => {
    assert.deepEqual(npmScriptArgs("plan"), ["--max-semi-space-size=16", "--min-semi-space-size=2", path.join(ROOT, "tools", "run.cjs"), path.join(ROOT, "tools", "plan", "cli.ts")]);
    assert.throws(() => npmScriptArgs("test-that-is-not-there"), /not a node command line/);
    assert.throws(() => npmScriptArgs("bench"), /not a node command line/);
});

test("every tool npm runs through tools/run.cjs starts node with the same flags as npm run plan", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    const tools = Object.entries(scripts).filter(([, command]) => command.includes("tools/run.cjs"));
    assert.ok(tools.length >= 7, `${tools.length} scripts run tools/run.cjs`);
    // node's own flags: what comes before tools/run.cjs (what comes after is the tool's).
    const flags = (name: string) => {
        const args = npmScriptArgs(name);
        return args.slice(0, args.indexOf(path.join(ROOT, "tools", "run.cjs")));
    };
    for (const [name] of tools) assert.deepEqual(flags(name), flags("plan"), name);
});
