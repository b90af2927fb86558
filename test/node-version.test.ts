// One Node.js line for the whole project: what CI provisions (.ci/run), what the workflows install
// (NODE_VERSION), what npm test measures against (test/run.cjs) and what the README tells a user to install.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./helpers";

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The major version each place names, by where it is named. */
function nodeMajors(files: (file: string) => string = read): Record<string, string | undefined> {
    const ci = files(".ci/run");
    const out: Record<string, string | undefined> = {
        ".ci/run NODE_WANTED_MAJOR": /^NODE_WANTED_MAJOR=(\d+)$/m.exec(ci)?.[1],
        ".ci/run NODE_PIN": /^NODE_PIN=(\d+)\.\d+\.\d+$/m.exec(ci)?.[1],
        "test/run.cjs NODE_MAJOR": /^const NODE_MAJOR = (\d+);$/m.exec(files("test/run.cjs"))?.[1],
        "README.md": /with Node\.js (\d+) LTS/.exec(files("README.md"))?.[1],
    };
    for (const wf of fs.readdirSync(path.join(ROOT, ".github", "workflows")).filter((f) => f.endsWith(".yml")).sort()) {
        const doc = parse(files(`.github/workflows/${wf}`)) as { env?: Record<string, unknown>; jobs?: Record<string, { steps?: { uses?: string }[] }> };
        const setsUpNode = Object.values(doc.jobs ?? {}).some((j) => (j.steps ?? []).some((s) => s.uses?.startsWith("actions/setup-node")));
        if (setsUpNode) out[`.github/workflows/${wf} env.NODE_VERSION`] = doc.env?.NODE_VERSION === undefined ? undefined : String(doc.env.NODE_VERSION);
    }
    return out;
}

/** Every place that names another major version than .ci/run's NODE_WANTED_MAJOR, or none. */
function nodeVersionProblems(majors: Record<string, string | undefined>): string[] {
    const wanted = majors[".ci/run NODE_WANTED_MAJOR"];
    if (!wanted) return [".ci/run has no NODE_WANTED_MAJOR"];
    return Object.entries(majors)
        .filter(([, major]) => major !== wanted)
        .map(([where, major]) => `${where} names Node ${major ?? "(nothing)"}, .ci/run ${wanted}`);
}

test("CI, the workflows, npm test and the README name one Node.js major version", () => {
    const majors = nodeMajors();
    assert.ok(Object.keys(majors).length >= 8, `only ${Object.keys(majors).length} places found`);
    assert.deepEqual(nodeVersionProblems(majors), []);
});

test("a workflow left on another Node.js, or a README without the version, is caught", () => {
    const withChange = (file: string, from: RegExp, to: string) => (f: string) => (f === file ? read(f).replace(from, to) : read(f));
    const wanted = nodeMajors()[".ci/run NODE_WANTED_MAJOR"];
    const caught = (file: string, from: RegExp, to: string) => nodeVersionProblems(nodeMajors(withChange(file, from, to)));
    assert.deepEqual(caught(".github/workflows/deploy.yml", /NODE_VERSION: "\d+"/, 'NODE_VERSION: "22"'), [`.github/workflows/deploy.yml env.NODE_VERSION names Node 22, .ci/run ${wanted}`]);
    assert.deepEqual(caught("README.md", /with Node\.js \d+ LTS/, "with Node.js"), [`README.md names Node (nothing), .ci/run ${wanted}`]);
    assert.deepEqual(caught(".ci/run", /^NODE_PIN=\d+/m, "NODE_PIN=22"), [`.ci/run NODE_PIN names Node 22, .ci/run ${wanted}`]);
    assert.deepEqual(caught("test/run.cjs", /^const NODE_MAJOR = \d+;$/m, "const NODE_MAJOR = 20;"), [`test/run.cjs NODE_MAJOR names Node 20, .ci/run ${wanted}`]);
});
