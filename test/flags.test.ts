// Every offline tool parses its flags with node:util parseArgs (tools/flags.ts); a bad flag is one
// line naming the flag and the fix, exit 1, never a stack trace. Each rule is broken here on purpose.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as path from "path";
import { flagProblem, numberFlag, parseFlags } from "../tools/flags";
import * as bench from "../tools/bench";
import * as cost from "../tools/estimates/cost";
import * as leadTime from "../tools/estimates/lead-time";
import * as plan from "../tools/plan/cli";
import { capturing, ROOT } from "./helpers";

const FLAGS = { stack: { type: "string", short: "s" }, all: { type: "boolean" }, "no-test": { type: "boolean" } } as const;
const fail = (m: string) => new RangeError(m);

test("an unknown flag is named, with the flag it was probably meant to be", () => {
    assert.equal(flagProblem(["--stak", "a"], FLAGS), "unknown option --stak (did you mean --stack?)");
    assert.equal(flagProblem(["--test"], FLAGS), "unknown option --test (did you mean --no-test?)");
    assert.equal(flagProblem(["--frobnicate"], FLAGS), "unknown option --frobnicate");
    assert.equal(flagProblem(["-x"], FLAGS), "unknown option -x");
});

test("a flag that takes a value and has none says so", () => {
    assert.equal(flagProblem(["--stack"], FLAGS), "--stack needs a value");
    assert.equal(flagProblem(["-s"], FLAGS), "-s needs a value");
    assert.equal(flagProblem(["--stack", "--all"], FLAGS), "--stack needs a value (--all is the next flag)");
});

test("a value that starts with a dash must be given inline, as strict parseArgs requires", () => {
    assert.match(flagProblem(["--stack", "-x"], FLAGS) ?? "", /--stack needs a value, not "-x": a value starting with "-" goes inline, --stack=-x/);
    assert.equal(flagProblem(["--stack=-x"], FLAGS), undefined);
    assert.equal(parseFlags(["--stack=-x"], FLAGS, "usage", fail).stack, "-x");
});

test("a switch given a value is refused", () => {
    assert.equal(flagProblem(["--all=yes"], FLAGS), '--all takes no value: drop "=yes"');
});

test("a bare argument is refused: values follow their flag", () => {
    assert.match(flagProblem(["staging"], FLAGS) ?? "", /unexpected argument "staging"/);
    assert.match(flagProblem(["--all", "--", "staging"], FLAGS) ?? "", /unexpected argument "staging"/);
});

test("a problem reaches the caller as its own error, with the usage line", () => {
    assert.throws(() => parseFlags(["--stak", "a"], FLAGS, "usage: tool --stack <name>", fail), (e: unknown) => e instanceof RangeError && e.message === "unknown option --stak (did you mean --stack?). usage: tool --stack <name>");
    assert.deepEqual({ ...parseFlags(["-s", "a", "--all"], FLAGS, "usage", fail) }, { stack: "a", all: true });
});

test("a number flag names the flag, the range and the value it got", () => {
    assert.equal(numberFlag("--runs", "3", { min: 1, integer: true }, fail), 3);
    assert.equal(numberFlag("--share", "0.5", { min: 0, max: 1 }, fail), 0.5);
    assert.throws(() => numberFlag("--runs", "2.5", { min: 1, integer: true }, fail), /^RangeError: --runs needs a whole number ≥ 1, not "2.5"$/);
    assert.throws(() => numberFlag("--share", "2", { min: 0, max: 1 }, fail), /--share needs a number from 0 to 1, not "2"/);
    assert.throws(() => numberFlag("--builds", "many", { min: 0 }, fail), /--builds needs a number ≥ 0, not "many"/);
    assert.throws(() => numberFlag("--builds", "", { min: 0 }, fail), /not ""/);
    assert.throws(() => numberFlag("--builds", "-3", { min: 0 }, fail), /not "-3"/);
});

/** Runs a tool's cli() in this process with stderr captured. */
async function run(cli: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; stderr: string }> {
    let code = 0;
    const stderr = await capturing(process.stderr, async () => void (code = await cli(argv)));
    return { code, stderr };
}

const TOOLS: { name: string; cli: (argv: string[]) => Promise<number>; bad: string[]; says: RegExp }[] = [
    { name: "plan", cli: plan.cli, bad: ["--stak", "staging"], says: /^error: unknown option --stak \(did you mean --stack\?\)\. usage: npm run plan -- / },
    { name: "cost", cli: cost.cli, bad: ["--stack", "s", "--bulds", "3"], says: /^error: unknown option --bulds \(did you mean --builds\?\)\. usage: npm run cost -- / },
    { name: "cost", cli: cost.cli, bad: ["--stack", "s", "--task-hours", "1.5"], says: /^error: --task-hours needs a number from 0 to 1, not "1\.5"$/ },
    { name: "lead-time", cli: leadTime.cli, bad: ["--test-seconds"], says: /^error: --test-seconds needs a value\. usage: npm run lead-time -- / },
    { name: "bench", cli: bench.cli, bad: ["--runs", "0"], says: /^error: --runs needs a whole number ≥ 1, not "0"$/ },
    { name: "bench", cli: bench.cli, bad: ["--no-anchor=1"], says: /^error: --no-anchor takes no value: drop "=1"\. usage: npm run bench / },
];

for (const t of TOOLS) {
    test(`${t.name} ${t.bad.join(" ")} exits 1 with one line naming the flag and the fix`, async () => {
        const { code, stderr } = await run(t.cli, t.bad);
        assert.equal(code, 1);
        assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
        assert.match(stderr.trimEnd(), t.says);
        assert.doesNotMatch(stderr, /\n\s+at /);
    });
}

test("through the runner, as npm run plan calls it, a bad flag exits 1 without a stack trace", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "tools", "run.cjs"), "tools/plan/cli.ts", "--all", "--json"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^error: --json needs a value\. usage: npm run plan -- /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
});
