// The ops commands with the real AWS SDK and no mocks: no credentials, no region. Each is one clear
// message and exit code 1, before any request leaves the machine.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cli as metrics } from "../tools/ops/metrics-command";
import { cli as status } from "../tools/ops/status-command";
import { cli as rollback } from "../tools/ops/rollback-command";
import { FIXTURES, ROOT } from "./helpers";
import { testIo } from "./ops-helpers";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "ops-home-"));
/** An environment with no credential source the SDK's default chain could use. */
function noCredentials(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
    return {
        ...env,
        HOME: home,
        AWS_CONFIG_FILE: path.join(home, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(home, "no-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
    };
}

test("no credentials: each command says so in one line and exits 1", async () => {
    const saved = process.env;
    process.env = noCredentials();
    try {
        for (const [name, cli, argv] of [
            ["metrics", metrics, ["--stack", "delivery"]],
            ["status", status, ["--stack", "production", "--pipeline", "p"]],
            ["rollback", rollback, ["--stack", "production", "--pipeline", "p", "--yes"]],
        ] as const) {
            const io = testIo({ env: process.env });
            assert.equal(await cli([...argv], io), 1, name);
            const err = io.stderr.join("");
            assert.match(err, /^error: no AWS credentials: the AWS SDK found none \(Could not load credentials from any providers\)\. Sign in first, e\.g\. aws sso login/, name);
            assert.equal(err.trimEnd().split("\n").length, 1, `${name}: ${err}`);
        }
    } finally {
        process.env = saved;
    }
});

test("through npm run's entry (tools/run.cjs): the same one line, no SDK warning, exit 1", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "tools", "run.cjs"), path.join(ROOT, "tools", "ops", "metrics-command.ts"), "--stack", "delivery"], {
        cwd: FIXTURES,
        env: noCredentials(),
        encoding: "utf8",
        timeout: 120_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: no AWS credentials: .* of a role allowed codepipeline:ListPipelines\n$/);
});

test("no region in the stack file: the stack-config message naming aws:region and the fix, exit 1", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-stacks-"));
    for (const f of ["Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    const delivery = fs.readFileSync(path.join(FIXTURES, "Pulumi.delivery.yaml"), "utf8");
    assert.match(delivery, /^ {2}aws:region: us-east-1\n/m);
    fs.writeFileSync(path.join(dir, "Pulumi.delivery.yaml"), delivery.replace(/^ {2}aws:region: us-east-1\n/m, ""));
    const io = testIo({ dir });
    assert.equal(await metrics(["--stack", "delivery"], io), 1);
    assert.match(io.stderr.join(""), /^error: invalid stack config:\n {2}- aws:region is required\. Set it with: pulumi config set aws:region us-east-1 --stack delivery\n$/);
});
