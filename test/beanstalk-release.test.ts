// The release phase on Elastic Beanstalk (slipway:releaseCommand with beanstalkDeploymentPolicy
// Immutable): its config checks (every other policy refused, with its reason), the environment property
// and the bundle files (the environment's first version and the pipeline build's), and the leader-only
// script run for real in bash against stand-in get-config, docker and aws: success, the failure path,
// the no-op cases, and no property or secret value in its output.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { DeliverySettings, EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { beanstalkBundleFiles, bundleBuildCommands, composeFile, COMPOSE_FILE, SECRETS_ENV_FILE } from "../infra/platforms/beanstalk/bundle";
import {
    RELEASE_COMMAND_MAX_BYTES,
    RELEASE_COMMAND_PROPERTY,
    RELEASE_CONTAINER_COMMAND,
    RELEASE_EXTENSION,
    RELEASE_SCRIPT,
    releaseScript,
} from "../infra/platforms/beanstalk/release";
import { Plan } from "../tools/plan/mock-engine";
import { FIGURES, modelLeadTime } from "../tools/estimates/lead-time";
import { one, planStack } from "./helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { countCall } from "./aws-stub";

const COMMAND = "./manage.py migrate --noinput && ./manage.py check --deploy";
const ENV = "aws:elasticbeanstalk/environment:Environment";
interface Setting {
    namespace: string;
    name: string;
    value: string;
}
const settingsOf = (plan: Plan) => one(plan, ENV).inputs.settings as Setting[];
const option = (plan: Plan, namespace: string, name: string) => settingsOf(plan).find((s) => s.namespace === namespace && s.name === name)?.value;
const property = (plan: Plan, name: string) => option(plan, "aws:elasticbeanstalk:application:environment", name);

// --- config ------------------------------------------------------------------------------------------

test("the Beanstalk release fixture (Immutable, a command with &&) parses with no problem", () => {
    assert.deepEqual(problemsOf(rawConfig("ebrelease-staging")), []);
    const s = parseSettings(rawConfig("ebrelease-staging")) as EnvironmentSettings;
    assert.equal(s.releaseCommand, COMMAND);
    assert.equal(s.beanstalk?.deploymentPolicy, "Immutable");
    // Load-balanced production with Immutable deploys accepts it too.
    assert.deepEqual(problemsOf(rawConfig("beanstalk-production", { "slipway:releaseCommand": COMMAND, "slipway:beanstalkDeploymentPolicy": "Immutable" })), []);
});

test("a release command under AllAtOnce is refused: every instance is out of service while it deploys", () => {
    // The staging tier's default policy on Beanstalk is AllAtOnce.
    rejects(
        rawConfig("beanstalk-staging", { "slipway:releaseCommand": COMMAND }),
        "slipway:releaseCommand",
        "slipway:beanstalkDeploymentPolicy is AllAtOnce",
        "out of service",
        "pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack beanstalk-staging",
        "pulumi config rm slipway:releaseCommand --stack beanstalk-staging",
    );
    rejects(rawConfig("beanstalk-production", { "slipway:releaseCommand": COMMAND, "slipway:beanstalkDeploymentPolicy": "AllAtOnce" }), "slipway:releaseCommand", "AllAtOnce", "while the leader still runs the command");
});

test("a release command under a rolling policy is refused: the leader's batch-mates serve it early, completed batches stay on a failed version", () => {
    for (const policy of ["Rolling", "RollingWithAdditionalBatch"]) {
        rejects(rawConfig("beanstalk-production", { "slipway:releaseCommand": COMMAND, "slipway:beanstalkDeploymentPolicy": policy }), "slipway:releaseCommand", `is ${policy}`, "leaves completed batches on the new version", "Immutable");
    }
});

test("a release command under TrafficSplitting is refused with the reason and its source", () => {
    rejects(
        rawConfig("beanstalk-production", { "slipway:releaseCommand": COMMAND }),
        "slipway:releaseCommand",
        "is TrafficSplitting",
        "launches the whole new set of instances at once",
        "aws/elastic-beanstalk-roadmap#65",
        "pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack beanstalk-production",
    );
});

test("a release command longer than EB's property value allows once base64-encoded is refused, naming the limit", () => {
    const max = "x".repeat(RELEASE_COMMAND_MAX_BYTES);
    assert.equal(RELEASE_COMMAND_MAX_BYTES, 192);
    assert.deepEqual(problemsOf(rawConfig("ebrelease-staging", { "slipway:releaseCommand": max })), []);
    rejects(rawConfig("ebrelease-staging", { "slipway:releaseCommand": `${max}y` }), "slipway:releaseCommand", "193 bytes", "at most 256 characters", "at most 192 bytes", "--stack ebrelease-staging");
});

test("the delivery stack gives a Beanstalk target no Release action: the release runs inside its deploy", () => {
    const d = parseSettings(rawConfig("ebrelease-delivery")) as DeliverySettings;
    assert.deepEqual(d.targets.map((t) => [t.stack, t.platform, t.release]), [["ebrelease-staging", "beanstalk", false]]);
});

// --- the environment: the property and the bundle ------------------------------------------------------

test("the environment carries the command base64-encoded in its release property, and deploys Immutable", async () => {
    const plan = await planStack("ebrelease-staging");
    assert.equal(option(plan, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "Immutable");
    const encoded = property(plan, RELEASE_COMMAND_PROPERTY);
    assert.ok(encoded && /^[A-Za-z0-9+/=]+$/.test(encoded) && encoded.length <= 256, `not a base64 property value: ${encoded}`);
    assert.equal(Buffer.from(encoded, "base64").toString("utf8"), COMMAND);
    // No release command: no property (the script then does nothing).
    assert.equal(property(await planStack("beanstalk-staging"), RELEASE_COMMAND_PROPERTY), undefined);
});

test("every Beanstalk bundle has one leader-only container command running the release script, failures not ignored", async () => {
    for (const stack of ["ebrelease-staging", "beanstalk-staging"]) {
        const plan = await planStack(stack);
        const assets = (one(plan, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.source as { assets: Record<string, { text: string }> }).assets;
        assert.ok(RELEASE_EXTENSION in assets && RELEASE_SCRIPT in assets, `${stack}: ${Object.keys(assets).join(", ")}`);
        assert.equal(assets[RELEASE_SCRIPT].text, releaseScript());
        const config = parse(assets[RELEASE_EXTENSION].text) as Record<string, Record<string, Record<string, unknown>>>;
        assert.deepEqual(Object.keys(config), ["container_commands"], "only container_commands: an Immutable deployment refuses config files that change option settings or resources");
        assert.deepEqual(config.container_commands, { [RELEASE_CONTAINER_COMMAND]: { command: `bash ${RELEASE_SCRIPT}`, leader_only: true } });
    }
});

test("the pipeline's build writes the same release files into the bundle it promotes", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-eb-bundle-"));
    // Its own HOME and --norc: bash started as sshd starts a command (stdin a socket, no SHLVL) reads ~/.bashrc, here the machine's.
    const run = spawnSync("bash", ["--noprofile", "--norc", "-euo", "pipefail", "-c", bundleBuildCommands().join("\n")], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", HOME: dir, REPOSITORY_URL: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop", IMAGE_TAG: "abc123" },
    });
    assert.equal(run.status, 0, run.stderr);
    const expected = beanstalkBundleFiles("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:abc123");
    for (const [file, content] of Object.entries(expected)) assert.equal(fs.readFileSync(path.join(dir, file), "utf8"), content, file);
    fs.rmSync(dir, { recursive: true, force: true });
});

test("lead time counts the release command inside the Beanstalk deploy, not as a deliberate wait", async () => {
    const m = modelLeadTime(await planStack("ebrelease-delivery"), { "ebrelease-staging": await planStack("ebrelease-staging") });
    const deploy = m.stages.find((s) => s.stage.endsWith("Beanstalk deploy (ebrelease-staging)"));
    assert.ok(deploy, m.stages.map((s) => s.stage).join(", "));
    assert.equal(deploy.seconds, FIGURES.releaseCommandSeconds);
    assert.match(deploy.parts[0].label, /release command on the first new instance/);
    assert.deepEqual(m.releaseWaits, {});
    assert.ok(m.excluded.some((e) => e.includes("(ebrelease-staging): launching the new instances") && e.endsWith("only its release command is counted")), m.excluded.join("\n"));
});

// --- the script, run for real against stand-ins ---------------------------------------------------------

const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:0123456789abcdef0123456789abcdef01234567";
const SECRET_VALUE = "s3cr3t-Sentinel-value";
const TOKEN = "ECR-TOKEN-Sentinel";
const PROPERTY_VALUE = "property-Sentinel";

interface Run {
    rc: number | null;
    out: string;
    dir: string;
    /** docker invocations, each its argv. */
    docker: string[][];
    /** The env files `docker run` got, in order, as their contents when it ran. */
    envFiles: string[];
    loginStdin: string;
}

function runScript(o: { properties?: Record<string, string>; runRc?: number; currentImage?: string; secrets?: string | null; env?: Record<string, string> } = {}): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-eb-release-"));
    const bin = path.join(dir, "bin");
    const staging = path.join(dir, "staging");
    const current = path.join(dir, "current");
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(staging, ".slipway"), { recursive: true });
    fs.mkdirSync(current);
    fs.writeFileSync(path.join(staging, COMPOSE_FILE), composeFile(IMAGE));
    if (o.currentImage) fs.writeFileSync(path.join(current, COMPOSE_FILE), composeFile(o.currentImage));
    const secretsFile = path.join(dir, "secrets.env");
    if (o.secrets !== null) fs.writeFileSync(secretsFile, o.secrets ?? `API_KEY=${SECRET_VALUE}\nDATABASE_URL=postgres://app:${SECRET_VALUE}@db/app\n`, { mode: 0o600 });
    const properties = o.properties ?? {
        APP_ENV: "staging",
        PORT: "8080",
        SLIPWAY_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/ebrelease-staging/app-AbCdEf",
        TOKEN_HINT: PROPERTY_VALUE,
        [RELEASE_COMMAND_PROPERTY]: Buffer.from(COMMAND).toString("base64"),
    };
    fs.writeFileSync(path.join(dir, "properties.json"), JSON.stringify(properties));
    // get-config: environment [-k NAME], platformconfig -k AppDeployDir (EB's "Platform script tools").
    fs.writeFileSync(
        path.join(bin, "get-config"),
        [
            "#!/bin/bash",
            `d=${JSON.stringify(dir)}`,
            'case "$1 $2" in',
            '  "environment -k") python3 -c \'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); sys.exit(1) if v is None else print(v)\' "$d/properties.json" "$3" ;;',
            '  "environment ") cat "$d/properties.json" ;;',
            `  "platformconfig -k") echo ${JSON.stringify(current + "/")} ;;`,
            '  *) echo "stub get-config: $*" >&2; exit 2 ;;',
            "esac",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    fs.writeFileSync(
        path.join(bin, "aws"),
        ["#!/bin/bash", `[ "$1 $2" = "ecr get-login-password" ] && [ "$3 $4" = "--region us-east-1" ] && { echo ${TOKEN}; exit 0; }`, 'echo "stub aws: $*" >&2; exit 255', ""].join("\n"),
        { mode: 0o755 },
    );
    fs.writeFileSync(
        path.join(bin, "docker"),
        [
            "#!/bin/bash",
            `d=${JSON.stringify(dir)}`,
            countCall('"$d/docker.n"'),
            'printf "%s\\0" "$@" > "$d/docker.$n.args"',
            'case "$1" in',
            '  login) cat > "$d/login.stdin"; echo "Login Succeeded" ;;',
            "  pull) ;;",
            '  run) shift; i=0; while [ $# -gt 0 ]; do if [ "$1" = --env-file ]; then i=$((i+1)); cp "$2" "$d/envfile.$i"; shift; fi; if [ "$1" = -e ]; then printf "%s=%s\\n" "$2" "${!2-unset}" >> "$d/forwarded"; shift; fi; shift; done',
            '    echo "Operations to perform: Apply all migrations"; exit "${DOCKER_RUN_RC:-0}" ;;',
            '  *) echo "stub docker: $*" >&2; exit 2 ;;',
            "esac",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    // The bundle's script with EB's absolute paths pointed at the stand-ins; nothing else changes.
    const script = releaseScript().replace("/opt/elasticbeanstalk/bin/get-config", path.join(bin, "get-config")).replace(SECRETS_ENV_FILE, secretsFile);
    assert.notEqual(script, releaseScript());
    fs.writeFileSync(path.join(staging, RELEASE_SCRIPT), script);
    const run = spawnSync("bash", [RELEASE_SCRIPT], {
        cwd: staging,
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: dir, TMPDIR: dir, DOCKER_RUN_RC: String(o.runRc ?? 0), ...o.env },
    });
    const count = Number(fs.existsSync(path.join(dir, "docker.n")) ? fs.readFileSync(path.join(dir, "docker.n"), "utf8") : 0);
    const docker = Array.from({ length: count }, (_, i) => fs.readFileSync(path.join(dir, `docker.${i + 1}.args`), "utf8").split("\0").slice(0, -1));
    const envFiles = [1, 2].map((i) => path.join(dir, `envfile.${i}`)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, "utf8"));
    const login = path.join(dir, "login.stdin");
    return { rc: run.status, out: run.stdout + run.stderr, dir, docker, envFiles, loginStdin: fs.existsSync(login) ? fs.readFileSync(login, "utf8") : "" };
}

const noValues = (r: Run) => {
    for (const v of [SECRET_VALUE, TOKEN, PROPERTY_VALUE]) assert.ok(!r.out.includes(v), `the script printed a value (${v}):\n${r.out}`);
};

test("the release script logs in to ECR through stdin, pulls the version's image and runs the command in it with the properties and secrets", () => {
    const r = runScript();
    assert.equal(r.rc, 0, r.out);
    assert.deepEqual(r.docker.map((a) => a[0]), ["login", "pull", "run"]);
    assert.deepEqual(r.docker[0], ["login", "--username", "AWS", "--password-stdin", "123456789012.dkr.ecr.us-east-1.amazonaws.com"]);
    assert.equal(r.loginStdin.trim(), TOKEN);
    assert.deepEqual(r.docker[1], ["pull", "--quiet", IMAGE]);
    const run = r.docker[2];
    assert.deepEqual(run.slice(0, 2), ["run", "--rm"]);
    assert.deepEqual(run.slice(-4), [IMAGE, "sh", "-c", COMMAND], "the command runs with sh -c in the new image, as on ECS");
    assert.equal(run.filter((a) => a === "--env-file").length, 2);
    const [props, secrets] = r.envFiles;
    assert.match(props, /^APP_ENV=staging$/m);
    assert.match(props, /^PORT=8080$/m);
    assert.ok(!props.includes(RELEASE_COMMAND_PROPERTY), "the release property is not handed to the app");
    assert.match(secrets, new RegExp(`^API_KEY=${SECRET_VALUE}$`, "m"));
    // The properties file lived in a temporary directory that is gone, with the ECR login's Docker config.
    const propsPath = run[run.indexOf("--env-file") + 1];
    assert.ok(propsPath.startsWith(r.dir) && !fs.existsSync(propsPath), `left behind: ${propsPath}`);
    assert.deepEqual(fs.readdirSync(r.dir).filter((f) => f.startsWith("tmp.")), []);
    assert.match(r.out, /release command succeeded/);
    noValues(r);
    fs.rmSync(r.dir, { recursive: true, force: true });
});

test("a failing release command fails the script with its exit code: the container command fails the deployment", () => {
    const r = runScript({ runRc: 3 });
    assert.equal(r.rc, 3, r.out);
    assert.match(r.out, /the release command exited 3: failing this deployment/);
    assert.match(r.out, /old version keeps serving/);
    assert.ok(!/succeeded/.test(r.out));
    noValues(r);
    fs.rmSync(r.dir, { recursive: true, force: true });
});

test("without a release property the script exits 0 and runs nothing", () => {
    const r = runScript({ properties: { APP_ENV: "staging" } });
    assert.equal(r.rc, 0, r.out);
    assert.deepEqual(r.docker, []);
    assert.match(r.out, /no release command/);
    fs.rmSync(r.dir, { recursive: true, force: true });
});

test("an instance that already runs the image (an in-place configuration deployment) runs no release", () => {
    const same = runScript({ currentImage: IMAGE });
    assert.equal(same.rc, 0, same.out);
    assert.deepEqual(same.docker, []);
    assert.match(same.out, /already runs/);
    // Another image in the current directory: a release.
    const other = runScript({ currentImage: IMAGE.replace(/:[0-9a-f]+$/, ":ffffffffffffffffffffffffffffffffffffffff") });
    assert.equal(other.rc, 0, other.out);
    assert.deepEqual(other.docker.map((a) => a[0]), ["login", "pull", "run"]);
    for (const r of [same, other]) fs.rmSync(r.dir, { recursive: true, force: true });
});

test("a missing secrets file or a multi-line property fails the deployment before the command runs, printing no value", () => {
    const missing = runScript({ secrets: null });
    assert.notEqual(missing.rc, 0);
    assert.match(missing.out, /secrets\.env is missing/);
    assert.ok(!missing.docker.some((a) => a[0] === "run"));
    const multiline = runScript({ properties: { APP_ENV: `two\n${PROPERTY_VALUE}`, [RELEASE_COMMAND_PROPERTY]: Buffer.from(COMMAND).toString("base64") } });
    assert.notEqual(multiline.rc, 0);
    assert.match(multiline.out, /APP_ENV spans several lines/);
    assert.ok(!multiline.docker.some((a) => a[0] === "run"));
    for (const r of [missing, multiline]) {
        noValues(r);
        fs.rmSync(r.dir, { recursive: true, force: true });
    }
});

test("the database's variables, environment secrets in the command's own environment, reach the release container by name, never by value (found in review: migrations had no database)", () => {
    const pg = { PGHOST: "db.cluster-x.us-east-1.rds.amazonaws.com", PGPORT: "5432", PGDATABASE: "app", PGUSER: "app", PGPASSWORD: SECRET_VALUE };
    const r = runScript({ env: pg });
    assert.equal(r.rc, 0, r.out);
    const run = r.docker[r.docker.length - 1];
    for (const name of Object.keys(pg)) assert.ok(run.join(" ").includes(`-e ${name}`), `${name} not forwarded: ${run.join(" ")}`);
    assert.ok(!run.some((a) => a.includes(SECRET_VALUE)), "a value on docker's command line (a process list shows it)");
    const forwarded = fs.readFileSync(path.join(r.dir, "forwarded"), "utf8");
    assert.match(forwarded, new RegExp(`^PGPASSWORD=${SECRET_VALUE}$`, "m"), "docker reads the value from the script's environment");
    noValues(r);
    // Without a database the names are not forwarded at all.
    const plain = runScript();
    assert.ok(!plain.docker[plain.docker.length - 1].includes("-e"), plain.docker[plain.docker.length - 1].join(" "));
    for (const d of [r.dir, plain.dir]) fs.rmSync(d, { recursive: true, force: true });
});
