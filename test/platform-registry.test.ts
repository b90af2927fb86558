// The platforms are behind one interface (infra/platforms/platform.ts) and one registry (infra/platforms/index.ts):
// outside infra/platforms/ no code asks which platform it holds; it asks the platform. A new platform is then
// one folder and one line, and nothing else branches on its name.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PLATFORM_NAMES } from "../infra/platforms/platform";
import { ROOT } from "./helpers";

/** Every .ts file under `dir` (relative to the repository), recursively. */
function sources(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.posix.join(dir, e.name);
        return e.isDirectory() ? sources(rel) : rel.endsWith(".ts") ? [rel] : [];
    });
}

/** The lines of `text` that compare something with a platform's name: `=== "beanstalk"`, `!== 'ecs'`, `case "ecs":`. */
export function platformBranches(text: string): string[] {
    const names = PLATFORM_NAMES.join("|");
    const branch = new RegExp(`(===|!==|==|!=)\\s*["'\`](${names})["'\`]|["'\`](${names})["'\`]\\s*(===|!==)|case\\s+["'\`](${names})["'\`]\\s*:`);
    // A comment may name a comparison (a line's own, or a trailing `// …`; a URL's `//` in a string ends the line early, which only ever hides).
    return text.split("\n").filter((line) => !/^\s*(\/\/|\*)/.test(line) && branch.test(line.replace(/\/\/.*$/, "")));
}

test("outside infra/platforms/, nothing branches on a platform's name: the stacks and shared components ask the registry", () => {
    // (tools/check is left out: Application Auto Scaling's service namespace "ecs" is not a platform.)
    const files = [...sources("stacks"), ...sources("infra").filter((f) => !f.startsWith("infra/platforms/")), ...sources("tools/estimates"), ...sources("tools/plan")];
    assert.ok(files.length > 40, `only ${files.length} files found`);
    const found = files.flatMap((f) => platformBranches(fs.readFileSync(path.join(ROOT, f), "utf8")).map((line) => `${f}: ${line.trim()}`));
    assert.deepEqual(found, []);
});

test("the scan sees a platform branch, whichever way it is written", () => {
    assert.equal(platformBranches('    ...(s.platform === "beanstalk" ? { clients: "x" } : {}),').length, 1);
    assert.equal(platformBranches("if (p.name !== 'ecs') return;").length, 1);
    assert.equal(platformBranches('        case "ecs":').length, 1);
    assert.equal(platformBranches('if ("ecs" === kind) x();').length, 1);
    assert.deepEqual(platformBranches('const name = "ecs"; // === "beanstalk" in a comment is fine\n// t.platform === "ecs"'), []);
});
