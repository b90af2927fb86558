// The private package index (infra/packages): its config is validated key by key, the delivery stack
// declares the CodeArtifact domain, repositories and policies it describes, builds fetch a token and
// install from it (buildspec text), and a tag pipeline publishes with the one role that may.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseSettings } from "../infra/config/settings";
import { imageBuildSpec } from "../infra/delivery/build";
import { dockerSecretFlags, packageIndexCommands, tokenSeconds } from "../infra/packages/build-access";
import { publishScript } from "../infra/packages/publishing";
import { tagPatternProblems } from "../infra/packages/settings";
import { problemsOf, rawConfig } from "./config-helpers";
import { all, json, one, planStack } from "./helpers";

const PACKAGES = "slipway:packages";
const withPackages = (value: unknown) => rawConfig("delivery", { [PACKAGES]: JSON.stringify(value) });
const problems = (value: unknown) => problemsOf(withPackages(value));

// --- config ------------------------------------------------------------------------------------------

test("the packages fixture's config is valid and read as typed settings", () => {
    const s = parseSettings(rawConfig("packages-delivery"));
    assert.equal(s.role, "delivery");
    assert.deepEqual(s.role === "delivery" && s.packages, {
        domain: "acme",
        formats: ["pypi", "npm"],
        upstreams: { pypi: "public:pypi", npm: "public:npmjs" },
        publish: { format: "pypi", tagPattern: "v*", testCommand: "pip install . && pytest", directory: "." },
        runtimeRead: false,
    });
});

test("runtimeRead is true or false, and an environment learns it from its delivery stack's file", () => {
    assert.match(problems({ formats: ["pypi"], runtimeRead: "yes" })[0], /slipway:packages\.runtimeRead = "yes" must be true or false .* Fix: pulumi config set --path 'slipway:packages\.runtimeRead' true --stack delivery/);
    assert.match(problems({ formats: ["pypi"], runtimeRead: 1 })[0], /runtimeRead = 1 must be true or false/);
    // `pulumi config set --path` stores "true" as a string: the same as the YAML boolean.
    const s = parseSettings(withPackages({ formats: ["pypi"], runtimeRead: "true" }));
    assert.equal(s.role === "delivery" && s.packages?.runtimeRead, true);
    assert.equal(parseSettings(rawConfig("packages-runtime-delivery")).role === "delivery" && (parseSettings(rawConfig("packages-runtime-delivery")) as { packages?: { runtimeRead: boolean } }).packages?.runtimeRead, true);
    const env = (delivery: string) => parseSettings(rawConfig("staging", { "slipway:deliveryStack": delivery }));
    const on = env("packages-runtime-delivery");
    assert.deepEqual(on.role === "environment" && on.packagesRead, { domain: "acme", formats: ["pypi", "npm"] });
    for (const delivery of ["delivery", "packages-delivery"]) {
        const off = env(delivery);
        assert.ok(off.role === "environment" && !("packagesRead" in off), delivery);
    }
});

test("without slipway:packages there is no package index", () => {
    const s = parseSettings(rawConfig("delivery"));
    assert.equal(s.role === "delivery" && s.packages, undefined);
});

test("an unknown package format is refused, naming the key, the allowed formats and the fix", () => {
    const [p] = problems({ formats: ["pypi", "nuget"] });
    assert.match(p, /slipway:packages\.formats\[1\] = "nuget" is not a format slipway declares a repository for: it must be one of npm, pypi, maven\. Fix: pulumi config set --path 'slipway:packages\.formats\[1\]' pypi --stack delivery/);
});

test("packages without formats, and a format listed twice, are refused", () => {
    assert.match(problems({ domain: "acme" })[0], /slipway:packages\.formats is required/);
    assert.match(problems({ formats: ["npm", "npm"] })[0], /lists npm twice/);
});

test("a domain name CodeArtifact would refuse is refused before anything is declared", () => {
    for (const domain of ["my_domain", "Acme", "a", "acme-", "x".repeat(51)]) {
        assert.match(problems({ formats: ["npm"], domain })[0] ?? "", /slipway:packages\.domain = .* is not a name CodeArtifact accepts/, domain);
    }
    assert.deepEqual(problems({ formats: ["npm"], domain: "a".repeat(50) }), []);
});

test("an upstream for a format that has no repository, or the wrong format's registry, is refused", () => {
    assert.match(problems({ formats: ["pypi"], upstreams: { npm: "public:npmjs" } })[0], /slipway:packages\.upstreams\.npm pins an upstream for npm, which slipway:packages\.formats does not list/);
    assert.match(problems({ formats: ["pypi"], upstreams: { nuget: "public:nuget-org" } })[0], /upstreams\.nuget pins an upstream for "nuget", which is not a package format/);
    assert.match(problems({ formats: ["pypi"], upstreams: { pypi: "public:npmjs" } })[0], /upstreams\.pypi = "public:npmjs" is not an external connection for pypi: it must be one of public:pypi/);
    // A pin to another Maven registry is a choice, not a mistake.
    const s = parseSettings(withPackages({ formats: ["maven"], upstreams: { maven: "public:maven-clojars" } }));
    assert.deepEqual(s.role === "delivery" && s.packages?.upstreams, { maven: "public:maven-clojars" });
});

test("a tag pattern CodePipeline would refuse, or no git tag could match, is refused", () => {
    assert.deepEqual(tagPatternProblems("v*"), []);
    assert.deepEqual(tagPatternProblems("release/{v,r}[0-9]*"), []);
    assert.match(tagPatternProblems("x".repeat(256))[0], /1–255 characters/);
    assert.match(tagPatternProblems("")[0], /1–255 characters/);
    assert.match(tagPatternProblems("v 1*")[0], /git forbids/);
    assert.match(tagPatternProblems("v[0-9*")[0], /unbalanced/);
    assert.match(problems({ formats: ["pypi"], publish: { tagPattern: "v{1,2" } })[0], /slipway:packages\.publish\.tagPattern = "v\{1,2" has an unbalanced .* Fix: pulumi config set --path 'slipway:packages\.publish\.tagPattern' v\*/);
});

test("publishing names a listed format (implied when only one is listed)", () => {
    assert.match(problems({ formats: ["pypi", "npm"], publish: {} })[0], /publish\.format is required when more than one format is listed/);
    assert.match(problems({ formats: ["pypi"], publish: { format: "npm" } })[0], /publish\.format = "npm" is not one of slipway:packages\.formats \(pypi\)/);
    const s = parseSettings(withPackages({ formats: ["npm"], publish: {} }));
    assert.equal(s.role === "delivery" && s.packages?.publish?.tagPattern, "v*");
});

test("a misspelt packages field is refused with the key named", () => {
    assert.match(problems({ formats: ["pypi"], upstream: {} })[0], /slipway:packages = .* is not valid: it Unrecognized key: "upstream"/);
});

// --- the buildspec ------------------------------------------------------------------------------------

test("the build fetches a short-lived token and exports the index before the tests", () => {
    const spec = imageBuildSpec({ testCommand: "pytest", buildCommand: "", packageFormats: ["pypi", "npm", "maven"] }) as { phases: { pre_build: { commands: string[] } } };
    const pre = spec.phases.pre_build.commands;
    const token = pre.findIndex((c) => c.includes("aws codeartifact get-authorization-token"));
    assert.ok(token >= 0 && token < pre.indexOf("pytest"), "token before the tests");
    assert.match(pre[token], /--domain "\$CODEARTIFACT_DOMAIN" --domain-owner "\$CODEARTIFACT_DOMAIN_OWNER" --duration-seconds "\$CODEARTIFACT_LEASE_SECONDS" --query authorizationToken --output text/);
    assert.match(pre[token], /\|\| \{ echo .* >&2; exit 1; \}/, "a failed token stops the build");
    const exported = pre.slice(token, pre.indexOf("pytest")).join("\n");
    assert.match(exported, /export PIP_INDEX_URL="https:\/\/aws:\$\{CODEARTIFACT_AUTH_TOKEN\}@\$\{CODEARTIFACT_PYPI_URL#https:\/\/\}simple\/"/);
    assert.match(exported, /export PIP_EXTRA_INDEX_URL="\$PIP_INDEX_URL"/);
    assert.match(exported, /npm config set registry "\$CODEARTIFACT_NPM_URL"/);
    assert.match(exported, /npm config set "\/\/\$\{CODEARTIFACT_NPM_URL#https:\/\/\}:_authToken" "\$CODEARTIFACT_AUTH_TOKEN"/);
    assert.match(exported, /settings\.xml" <<'SETTINGS'[\s\S]*<password>\$\{env\.CODEARTIFACT_AUTH_TOKEN\}<\/password>[\s\S]*<mirrorOf>\*<\/mirrorOf>/);
    // The token is never echoed, and no command sets -x.
    assert.ok(!pre.some((c) => /echo[^|]*\$\{?CODEARTIFACT_AUTH_TOKEN|set -x/.test(c)));
});

test("docker build receives the index as BuildKit secrets, never as a build argument", () => {
    const spec = imageBuildSpec({ testCommand: "", buildCommand: "", packageFormats: ["pypi", "npm"] }) as { phases: { build: { commands: string[] } } };
    const build = spec.phases.build.commands.find((c) => c.includes("docker build")) as string;
    assert.match(build, /--secret id=codeartifact_token,env=CODEARTIFACT_AUTH_TOKEN --secret id=pip_index_url,env=PIP_INDEX_URL --secret id=npmrc,src="\$HOME\/\.npmrc"/);
    const args = [...build.matchAll(/--build-arg (\S+)/g)].map((m) => m[1]);
    assert.deepEqual(args, ["BUILDKIT_INLINE_CACHE=1"], "the only build argument is the cache flag");
    assert.ok(!/TOKEN|INDEX_URL|npmrc/.test(args.join(" ")));
    assert.deepEqual(dockerSecretFlags(["maven"]), ["--secret id=codeartifact_token,env=CODEARTIFACT_AUTH_TOKEN", '--secret id=maven_settings,src="$HOME/.m2/settings.xml"']);
});

test("without a package index the buildspec is unchanged", () => {
    const plain = imageBuildSpec({ testCommand: "npm test", buildCommand: "" });
    assert.ok(!JSON.stringify(plain).includes("codeartifact") && !JSON.stringify(plain).includes("--secret"));
});

test("the token lasts the build's timeout, within CodeArtifact's 900–43200 seconds", () => {
    assert.equal(tokenSeconds(5), 900);
    assert.equal(tokenSeconds(20), 1200);
    assert.equal(tokenSeconds(2160), 43200);
});

test("the index commands run in bash and set what they say (no token: the fetch fails and stops)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-index-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    // Stand-ins for the AWS CLI and npm, recording what they were asked.
    fs.writeFileSync(path.join(bin, "aws"), '#!/bin/bash\necho "$@" >> "$HOME/aws.log"\n[ -n "$FAIL" ] && exit 255\necho tok-123\n', { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "npm"), '#!/bin/bash\necho "$@" >> "$HOME/npm.log"\n', { mode: 0o755 });
    const script = [...packageIndexCommands(["pypi", "npm", "maven"]), 'echo "PIP=$PIP_INDEX_URL"', 'echo "EXTRA=$PIP_EXTRA_INDEX_URL"'].join("\n");
    const env = {
        PATH: `${bin}:${process.env.PATH}`, HOME: dir, CODEARTIFACT_DOMAIN: "acme", CODEARTIFACT_DOMAIN_OWNER: "123456789012", CODEARTIFACT_LEASE_SECONDS: "1200",
        CODEARTIFACT_PYPI_URL: "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/shop-pypi/",
        CODEARTIFACT_NPM_URL: "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/npm/shop-npm/",
        CODEARTIFACT_MAVEN_URL: "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/maven/shop-maven/",
    };
    const ok = spawnSync("bash", ["-c", script], { env, encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /PIP=https:\/\/aws:tok-123@acme-123456789012\.d\.codeartifact\.us-east-1\.amazonaws\.com\/pypi\/shop-pypi\/simple\//);
    assert.match(ok.stdout, /EXTRA=https:\/\/aws:tok-123@/);
    assert.match(fs.readFileSync(path.join(dir, "aws.log"), "utf8"), /codeartifact get-authorization-token --domain acme --domain-owner 123456789012 --duration-seconds 1200/);
    assert.match(fs.readFileSync(path.join(dir, "npm.log"), "utf8"), /config set \/\/acme-123456789012\.d\.codeartifact\.us-east-1\.amazonaws\.com\/npm\/shop-npm\/:_authToken tok-123/);
    assert.match(fs.readFileSync(path.join(dir, ".m2", "settings.xml"), "utf8"), /\$\{env\.CODEARTIFACT_AUTH_TOKEN\}/, "Maven reads the token itself: it is not written to disk");
    const failed = spawnSync("bash", ["-c", `${script}\necho AFTER`], { env: { ...env, FAIL: "1" }, encoding: "utf8" });
    assert.notEqual(failed.status, 0);
    assert.match(failed.stderr, /could not get a CodeArtifact token for domain acme/);
    assert.ok(!failed.stdout.includes("AFTER"));
});

// --- the publish job's script ---------------------------------------------------------------------------

/** Runs the publish script in a git repository whose HEAD carries `tag`, with a stand-in AWS CLI. */
function publish(files: Record<string, string>, tag: string | undefined, opts: { existing?: boolean; format?: "pypi" | "npm" } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-publish-"));
    const bin = path.join(dir, ".bin");
    fs.mkdirSync(bin);
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
    const git = (...args: string[]) => spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "package");
    if (tag) git("tag", tag);
    fs.writeFileSync(
        path.join(bin, "aws"),
        `#!/bin/bash\necho "$@" >> "${dir}/.aws.log"\n${opts.existing ? 'echo Published; exit 0' : 'echo "An error occurred (ResourceNotFoundException) when calling the DescribePackageVersion operation" >&2; exit 254'}\n`,
        { mode: 0o755 },
    );
    // Uploads are recorded, not made.
    for (const tool of ["twine-upload", "npm"]) fs.writeFileSync(path.join(bin, tool), `#!/bin/bash\necho "${tool} $@" >> "${dir}/.upload.log"\n`, { mode: 0o755 });
    const format = opts.format ?? "pypi";
    const script = publishScript({ format, testCommand: "true" })
        .replace("python3 -m pip install --quiet build twine", "true")
        .replace("rm -rf dist && python3 -m build", "true")
        .replace(/TWINE_USERNAME=\S+ TWINE_PASSWORD=\S+ TWINE_REPOSITORY_URL=\S+ python3 -m twine upload --non-interactive dist\/\*/, "twine-upload dist");
    const run = spawnSync("bash", ["-c", script], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, TAG_PATTERN: "v*", PACKAGE_DIR: ".", REPOSITORY: "shop-pypi", CODEARTIFACT_DOMAIN: "acme", CODEARTIFACT_DOMAIN_OWNER: "123456789012", CODEARTIFACT_URL: "https://x/" },
    });
    const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
    return { status: run.status, stderr: run.stderr, stdout: run.stdout, aws: read(".aws.log"), uploads: read(".upload.log") };
}
const PYPROJECT = (version: string) => `[project]\nname = "Shop_Lib"\nversion = "${version}"\n`;
const hasPython311 = spawnSync("python3", ["-c", "import tomllib"]).status === 0;

test("a tag whose version is the package's publishes it once", { skip: !hasPython311 && "python3 ≥ 3.11 (tomllib) not installed" }, () => {
    const r = publish({ "pyproject.toml": PYPROJECT("1.2.3") }, "v1.2.3");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.aws, /codeartifact describe-package-version --domain acme --domain-owner 123456789012 --repository shop-pypi --format pypi --package shop-lib --package-version 1\.2\.3/, "PyPI names are normalized");
    assert.match(r.uploads, /twine-upload dist/);
    assert.match(r.stdout, /published shop-lib 1\.2\.3 to shop-pypi from tag v1\.2\.3/);
});

test("a tag whose version differs from the package's fails clearly and uploads nothing", { skip: !hasPython311 && "python3 ≥ 3.11 (tomllib) not installed" }, () => {
    const r = publish({ "pyproject.toml": PYPROJECT("1.2.3") }, "v1.3.0");
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /tag v1\.3\.0 says version 1\.3\.0, but pyproject\.toml says 1\.2\.3: bump the version in pyproject\.toml/);
    assert.match(r.stderr, /nothing was published/);
    assert.equal(r.uploads, "");
});

test("a version the repository already holds fails clearly and uploads nothing", { skip: !hasPython311 && "python3 ≥ 3.11 (tomllib) not installed" }, () => {
    const r = publish({ "pyproject.toml": PYPROJECT("1.2.3") }, "v1.2.3", { existing: true });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /version 1\.2\.3 of shop-lib is already in shop-pypi .*published versions never change; bump the version and tag again/);
    assert.equal(r.uploads, "");
});

test("a commit without a matching tag, or a dynamic version, publishes nothing", { skip: !hasPython311 && "python3 ≥ 3.11 (tomllib) not installed" }, () => {
    const untagged = publish({ "pyproject.toml": PYPROJECT("1.2.3") }, "release-1.2.3");
    assert.match(untagged.stderr, /no tag matching v\* points at/);
    const dynamic = publish({ "pyproject.toml": '[project]\nname = "shop-lib"\ndynamic = ["version"]\n' }, "v1.0.0");
    assert.match(dynamic.stderr, /pyproject\.toml has no static version to compare with tag v1\.0\.0/);
    assert.equal(untagged.uploads + dynamic.uploads, "");
});

test("an npm package's scope is its namespace, and its version is checked against the tag", () => {
    const ok = publish({ "package.json": JSON.stringify({ name: "@acme/ui", version: "2.0.0" }) }, "v2.0.0", { format: "npm" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.aws, /--format npm --namespace acme --package ui --package-version 2\.0\.0/);
    assert.match(ok.uploads, /npm publish --registry https:\/\/x\//);
    const wrong = publish({ "package.json": JSON.stringify({ name: "@acme/ui", version: "2.0.0" }) }, "v2.0.1", { format: "npm" });
    assert.match(wrong.stderr, /tag v2\.0\.1 says version 2\.0\.1, but package\.json says 2\.0\.0/);
});

// --- the plan -------------------------------------------------------------------------------------------

test("the delivery stack declares a KMS-encrypted domain and, per format, a private repository behind a pinned public upstream", async () => {
    const plan = await planStack("packages-delivery");
    const domain = one(plan, "aws:codeartifact/domain:Domain");
    assert.equal(domain.inputs.domain, "acme");
    const key = one(plan, "aws:kms/key:Key", "packages-key");
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.match(String(domain.inputs.encryptionKey), /^arn:aws:kms:us-east-1:123456789012:key\//);
    assert.ok(domain.protect, "the domain holds every published version");
    const repos = all(plan, "aws:codeartifact/repository:Repository");
    const byName = Object.fromEntries(repos.map((r) => [String(r.inputs.repository), r]));
    assert.deepEqual(Object.keys(byName).sort(), ["shop-npm", "shop-npm-public", "shop-pypi", "shop-pypi-public"]);
    assert.deepEqual(byName["shop-pypi-public"].inputs.externalConnections, { externalConnectionName: "public:pypi" });
    assert.deepEqual(byName["shop-npm-public"].inputs.externalConnections, { externalConnectionName: "public:npmjs" });
    assert.deepEqual(byName["shop-pypi"].inputs.upstreams, [{ repositoryName: "shop-pypi-public" }]);
    assert.equal(byName["shop-pypi"].inputs.externalConnections, undefined);
});

test("repository and domain policies name the build and publish roles, never *; only the publish role publishes", async () => {
    const plan = await planStack("packages-delivery");
    const roleArn = (name: string) => `arn:aws:iam::123456789012:role/slipway/shop/${String(one(plan, "aws:iam/role:Role", name).inputs.name ?? "")}`;
    const build = all(plan, "aws:iam/role:Role", "build-role")[0];
    const publisher = all(plan, "aws:iam/role:Role", "package-publishing-job-role")[0];
    assert.ok(build && publisher && roleArn);
    const policies = all(plan, "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy");
    assert.equal(policies.length, 4);
    for (const p of policies) {
        const doc = json<{ Statement: { Sid: string; Effect: string; Principal: { AWS: string | string[] }; Action: string[]; Condition?: unknown }[] }>(p, "policyDocument");
        for (const s of doc.Statement) assert.ok(![s.Principal.AWS].flat().includes("*"), `${p.name} ${s.Sid}`);
        const deny = doc.Statement.find((s) => s.Effect === "Deny");
        assert.ok(deny && deny.Action.includes("codeartifact:PublishPackageVersion"), `${p.name} denies publishing to everyone else`);
    }
    const pypi = json<{ Statement: { Sid: string; Principal: { AWS: string[] }; Condition?: Record<string, Record<string, string>> }[] }>(policies.find((p) => p.inputs.repository === "shop-pypi") as never, "policyDocument");
    const publish = pypi.Statement.find((s) => s.Sid === "PublishPackages");
    assert.ok(publish && publish.Principal.AWS.length === 1 && /package-publishing-job-role/.test(publish.Principal.AWS[0]));
    assert.match(String(pypi.Statement.find((s) => s.Sid === "OnlyThePublishJobPublishes")?.Condition?.ArnNotEquals["aws:PrincipalArn"]), /package-publishing-job-role/);
    const npm = json<{ Statement: { Sid: string }[] }>(policies.find((p) => p.inputs.repository === "shop-npm") as never, "policyDocument");
    assert.ok(!npm.Statement.some((s) => s.Sid === "PublishPackages"), "nothing publishes npm packages: publish is for pypi");
});

test("the build project gets the index as plain variables and the token rights in its role, no secret in its environment", async () => {
    const plan = await planStack("packages-delivery");
    const project = one(plan, "aws:codebuild/project:Project", "build-project");
    const vars = (project.inputs.environment as { environmentVariables: { name: string; value: string; type: string }[] }).environmentVariables;
    const v = Object.fromEntries(vars.map((x) => [x.name, x.value]));
    assert.equal(v.CODEARTIFACT_DOMAIN, "acme");
    assert.equal(v.CODEARTIFACT_PYPI_URL, "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/shop-pypi/");
    assert.equal(v.CODEARTIFACT_NPM_URL, "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/npm/shop-npm/");
    assert.ok(!vars.some((x) => /AUTH_TOKEN|PIP_INDEX_URL/.test(x.name)));
    const policy = json<{ Statement: { Sid: string; Action: string[]; Resource: string[]; Condition?: unknown }[] }>(one(plan, "aws:iam/rolePolicy:RolePolicy", "build-policy"), "policy");
    const sid = (s: string) => policy.Statement.find((x) => x.Sid === s);
    assert.deepEqual(sid("PackageIndexToken")?.Resource, ["arn:aws:codeartifact:us-east-1:123456789012:domain/acme"]);
    assert.deepEqual(sid("PackageIndexBearerToken")?.Condition, { StringEquals: { "sts:AWSServiceName": "codeartifact.amazonaws.com" } });
    assert.ok(!policy.Statement.some((s) => s.Action.some((a) => /Publish|PutPackageMetadata/.test(a))), "the build role never publishes");
});

test("a tag pipeline publishes: tags-only trigger from config, queued, no deploy stage", async () => {
    const plan = await planStack("packages-delivery");
    const pipelines = all(plan, "aws:codepipeline/pipeline:Pipeline");
    assert.equal(pipelines.length, 2);
    const tagPipeline = one(plan, "aws:codepipeline/pipeline:Pipeline", "package-publishing-pipeline");
    assert.equal(tagPipeline.inputs.pipelineType, "V2");
    assert.equal(tagPipeline.inputs.executionMode, "QUEUED");
    assert.deepEqual(tagPipeline.inputs.triggers, [{ providerType: "CodeStarSourceConnection", gitConfiguration: { sourceActionName: "Source", pushes: [{ tags: { includes: ["v*"] } }] } }]);
    const stages = tagPipeline.inputs.stages as { name: string; actions: { category: string; configuration: Record<string, string> }[] }[];
    assert.deepEqual(stages.map((s) => s.name), ["Source", "Publish"]);
    assert.ok(!stages.some((s) => s.actions.some((a) => a.category === "Deploy")), "a tag never deploys an environment");
    assert.equal(stages[0].actions[0].configuration.OutputArtifactFormat, "CODEBUILD_CLONE_REF");
    // The app pipeline keeps its branch trigger.
    const app = one(plan, "aws:codepipeline/pipeline:Pipeline", "pipeline-pipeline");
    assert.deepEqual((app.inputs.triggers as { gitConfiguration: { pushes: unknown } }[])[0].gitConfiguration.pushes, [{ branches: { includes: ["main"] } }]);
});

test("a tag pattern from config reaches the trigger and the job", async () => {
    const plan = await planStack("packages-delivery", { set: { [PACKAGES]: JSON.stringify({ formats: ["npm"], publish: { tagPattern: "lib-v*" } }) } });
    const pipeline = one(plan, "aws:codepipeline/pipeline:Pipeline", "package-publishing-pipeline");
    assert.deepEqual((pipeline.inputs.triggers as { gitConfiguration: { pushes: { tags: { includes: string[] } }[] } }[])[0].gitConfiguration.pushes[0].tags.includes, ["lib-v*"]);
    const job = one(plan, "aws:codebuild/project:Project", "package-publishing-job-project");
    const vars = (job.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables;
    assert.equal(vars.find((v) => v.name === "TAG_PATTERN")?.value, "lib-v*");
    assert.equal(vars.find((v) => v.name === "REPOSITORY")?.value, "shop-npm");
});

test("the cost estimate prices the index's storage and requests and the publishes, and nothing without an index", async () => {
    const { estimateCost } = await import("../tools/estimates/cost");
    const lines = estimateCost(await planStack("packages-delivery")).lines;
    const of = (re: RegExp) => lines.filter((l) => re.test(`${l.resource} ${l.item}`));
    assert.equal(of(/^Domain packages-domain package storage, 2 GB/)[0]?.monthly, 2 * 0.05);
    assert.equal(of(/^Domain packages-domain package requests/)[0]?.quantity, ((100 + 4) * 300) / 10000);
    assert.equal(of(/^Project package-publishing-job-project package publishes: 4 × 4 min/)[0]?.monthly, 16 * 0.005);
    assert.equal(of(/^Pipeline package-publishing-pipeline V2 action minutes: 4 tags/)[0]?.quantity, 20);
    // The app pipeline is still priced per build, not per tag.
    assert.match(of(/^Pipeline pipeline-pipeline/)[0]?.item ?? "", /100 runs/);
    const plain = estimateCost(await planStack("delivery"));
    assert.ok(!plain.lines.some((l) => /package/i.test(l.item)) && !plain.assumptions.some((a) => /package index/.test(a)));
});
