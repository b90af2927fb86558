// Item 2, last bullet: the offline plan refuses `secure:` values Pulumi could not decrypt, and with the
// passphrase provider and PULUMI_CONFIG_PASSPHRASE set, decrypts every one.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { RunError } from "@pulumi/pulumi/errors";
import { encrypt, EXAMPLE_PASSPHRASE } from "../tools/docs/encrypt-example";
import { decryptV1, listStacks, loadStackConfig, passphraseKey, secretsProviderOf, secureValueProblems, StackFile, v1CiphertextProblem } from "../tools/plan/stack-config";
import { FIXTURES, runCli } from "./helpers";

const fixture = (stack: string) => parseYaml(fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), "utf8")) as StackFile;
/**
 * The one wrong passphrase every test uses: deriving a key is Pulumi's 1,000,000 PBKDF2 rounds (about half a
 * second here), and passphraseKey keeps a key per passphrase and salt, so a second wrong one would cost a second.
 */
const WRONG = "not-the-passphrase";
const saltOf = (doc: StackFile) => Buffer.from(String(doc.encryptionsalt).split(":")[1], "base64");
/** The staging fixture with one appSecrets leaf replaced. */
function withApiKey(ciphertext: string, doc = fixture("staging")): StackFile {
    const config = { ...doc.config } as Record<string, Record<string, unknown>>;
    config["slipway:appSecrets"] = { ...config["slipway:appSecrets"], API_KEY: { secure: ciphertext } };
    return { ...doc, config };
}

test("encrypting with the example passphrase and decrypting round-trips (Pulumi's symmetric crypter)", () => {
    const key = passphraseKey(EXAMPLE_PASSPHRASE, saltOf(fixture("staging")));
    for (const text of ["hello", "", "postgres://u:p@db:5432/app?sslmode=require", "ünïcødé ✓"]) {
        const ciphertext = encrypt(key, text);
        assert.equal(v1CiphertextProblem(ciphertext), undefined);
        assert.equal(decryptV1(key, ciphertext), text);
    }
    assert.equal(decryptV1(passphraseKey(WRONG, saltOf(fixture("staging"))), encrypt(key, "hello")), undefined);
});

test("every fixture's secure values decrypt with the example passphrase", () => {
    for (const stack of listStacks(FIXTURES)) {
        const doc = fixture(stack);
        assert.equal(secretsProviderOf(doc), "passphrase", stack);
        assert.deepEqual(secureValueProblems(doc, stack, "slipway", EXAMPLE_PASSPHRASE), [], stack);
    }
    const key = passphraseKey(EXAMPLE_PASSPHRASE, saltOf(fixture("staging")));
    const staging = fixture("staging").config as Record<string, Record<string, { secure: string }>>;
    assert.equal(decryptV1(key, staging["slipway:appSecrets"].API_KEY.secure), "example-staging-api-key");
});

test("a wrong passphrase is one clear problem, not a crypto stack trace", () => {
    const problems = secureValueProblems(fixture("staging"), "staging", "slipway", WRONG);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /^PULUMI_CONFIG_PASSPHRASE does not unlock Pulumi\.staging\.yaml/);
    assert.match(problems[0], /export PULUMI_CONFIG_PASSPHRASE=/);
    assert.throws(
        () => loadStackConfig(FIXTURES, "staging", { passphrase: WRONG }),
        (e: unknown) => RunError.isInstance(e) && /PULUMI_CONFIG_PASSPHRASE does not unlock/.test((e as Error).message),
    );
});

test("PULUMI_CONFIG_PASSPHRASE and PULUMI_CONFIG_PASSPHRASE_FILE are read from the environment", () => {
    const saved = { p: process.env.PULUMI_CONFIG_PASSPHRASE, f: process.env.PULUMI_CONFIG_PASSPHRASE_FILE };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "passphrase-"));
    try {
        process.env.PULUMI_CONFIG_PASSPHRASE = WRONG;
        assert.throws(() => loadStackConfig(FIXTURES, "staging"), /does not unlock/);
        process.env.PULUMI_CONFIG_PASSPHRASE = EXAMPLE_PASSPHRASE;
        assert.ok(loadStackConfig(FIXTURES, "staging"));
        delete process.env.PULUMI_CONFIG_PASSPHRASE;
        fs.writeFileSync(path.join(dir, "passphrase"), `${WRONG}\n`);
        process.env.PULUMI_CONFIG_PASSPHRASE_FILE = path.join(dir, "passphrase");
        assert.throws(() => loadStackConfig(FIXTURES, "staging"), /does not unlock/);
        fs.writeFileSync(path.join(dir, "passphrase"), `${EXAMPLE_PASSPHRASE}\n`);
        assert.ok(loadStackConfig(FIXTURES, "staging"));
    } finally {
        for (const [k, v] of [["PULUMI_CONFIG_PASSPHRASE", saved.p], ["PULUMI_CONFIG_PASSPHRASE_FILE", saved.f]] as const) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("the plan is the same with or without the passphrase: secure values stay placeholders", () => {
    assert.deepEqual(loadStackConfig(FIXTURES, "production", { passphrase: EXAMPLE_PASSPHRASE }), loadStackConfig(FIXTURES, "production", { passphrase: undefined }));
});

test("a ciphertext in the wrong form is refused, naming the leaf, even without a passphrase", () => {
    const cases: [string, RegExp][] = [
        ["v1:cm90YXRlZA==:bmV3LWNpcGhlcnRleHQ=", /nonce is 7 bytes, not 12/],
        ["v1:r5QkkhTR3KJhM4bH:c2hvcnQ=", /ciphertext is 5 bytes, shorter than the 16-byte authentication tag/],
        ["plain-text-pasted-here", /not of the form v1:<nonce>:<ciphertext>/],
        ["v1:r5Qkk!TR3KJhM4bH:KUnUbjl1zSpscDl+tpW1n8YquVZHJiPUBEXwm4ialeE=", /nonce is not base64/],
    ];
    for (const [ciphertext, why] of cases) {
        const problems = secureValueProblems(withApiKey(ciphertext), "staging", "slipway");
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.ok(problems[0].startsWith("slipway:appSecrets.API_KEY in Pulumi.staging.yaml is not a Pulumi ciphertext"), problems[0]);
        assert.match(problems[0], why);
        assert.ok(problems[0].includes("pulumi config set --secret --path 'slipway:appSecrets.API_KEY' <value> --stack staging"), problems[0]);
    }
});

test("a well-formed value that does not decrypt with the right passphrase is refused, naming the leaf", () => {
    const key = passphraseKey(EXAMPLE_PASSPHRASE, saltOf(fixture("staging")));
    const good = encrypt(key, "k-1");
    const [v, nonce, body] = good.split(":");
    const bytes = Buffer.from(body, "base64");
    bytes[0] ^= 1;
    const problems = secureValueProblems(withApiKey(`${v}:${nonce}:${bytes.toString("base64")}`), "staging", "slipway", EXAMPLE_PASSPHRASE);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /^slipway:appSecrets\.API_KEY in Pulumi\.staging\.yaml does not decrypt with the stack's passphrase/);
    // Another stack's key (another salt or passphrase): well-formed, not this stack's.
    const foreign = encrypt(crypto.randomBytes(32), "k-1");
    assert.equal(secureValueProblems(withApiKey(foreign), "staging", "slipway", EXAMPLE_PASSPHRASE).length, 1);
    assert.deepEqual(secureValueProblems(withApiKey(foreign), "staging", "slipway"), [], "without a passphrase only the form is checked");
});

test("a damaged encryptionsalt is one problem", () => {
    const problems = secureValueProblems({ ...fixture("staging"), encryptionsalt: "v1:tT36pVaC3xM=" }, "staging", "slipway", EXAMPLE_PASSPHRASE);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^encryptionsalt in Pulumi\.staging\.yaml is not Pulumi's v1:<salt>:<check value> form/);
});

test("a cloud KMS stack's values are checked for form only, even with a passphrase set", () => {
    const kms = { ...fixture("staging"), encryptionsalt: undefined, secretsprovider: "awskms://alias/pulumi?region=us-east-1", encryptedkey: "AQICAHh..." };
    assert.equal(secretsProviderOf(kms), "cloud-kms");
    assert.deepEqual(secureValueProblems(kms, "staging", "slipway", EXAMPLE_PASSPHRASE), []);
    const bad = withApiKey("v1:cm90YXRlZA==:bmV3LWNpcGhlcnRleHQ=", kms);
    assert.match(secureValueProblems(bad, "staging", "slipway", EXAMPLE_PASSPHRASE)[0], /slipway:appSecrets\.API_KEY .* nonce is 7 bytes/);
});

test("a Pulumi Cloud stack's values are the service's base64 ciphertexts, checked for form only", () => {
    const cloud: StackFile = { config: { "slipway:appSecrets": { API_KEY: { secure: "AAABAKZ2ZXJ5LXNlY3JldC1ibG9i" } } } };
    assert.equal(secretsProviderOf(cloud), "pulumi-cloud");
    assert.deepEqual(secureValueProblems(cloud, "staging", "slipway", EXAMPLE_PASSPHRASE), []);
    const pasted = withApiKey("v1:r5QkkhTR3KJhM4bH:KUnUbjl1zSpscDl+tpW1n8YquVZHJiPUBEXwm4ialeE=", { config: cloud.config });
    assert.match(secureValueProblems(pasted, "staging", "slipway")[0], /slipway:appSecrets\.API_KEY in Pulumi\.staging\.yaml is not a Pulumi Cloud ciphertext \(base64\)/);
});

test("a bare key's leaf is named with the project namespace, and a top-level secret's fix has no --path", () => {
    const doc = { ...fixture("staging"), config: { ...fixture("staging").config, dbPassword: { secure: "nope" } } };
    const [problem] = secureValueProblems(doc, "staging", "slipway");
    assert.match(problem, /^slipway:dbPassword in Pulumi\.staging\.yaml/);
    assert.ok(problem.includes("pulumi config set --secret 'slipway:dbPassword' <value> --stack staging"), problem);
});

test("npm run plan with a wrong passphrase exits 1 with the message and no stack trace", async () => {
    const run = await runCli(["--stack", "staging", "--quiet"], { env: { PULUMI_CONFIG_PASSPHRASE: "not-the-passphrase" } });
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /PULUMI_CONFIG_PASSPHRASE does not unlock Pulumi\.staging\.yaml/);
    assert.doesNotMatch(run.err, /at \w+ \(|node:internal|Unsupported state|bad decrypt/);
});
