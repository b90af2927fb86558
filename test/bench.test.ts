import { test } from "node:test";
import * as assert from "node:assert/strict";
import { compare, measured, median, parseBenchArgs, parseGnuTime } from "../tools/bench";

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
