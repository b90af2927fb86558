// AppSecrets built from its Args: the environment's one Secrets Manager secret. What reaches AWS must keep
// every value secret (the version's secretString is a secret Output, never plain), hold exactly the given
// names as one JSON object, and follow `protect`: a 30-day recovery window and a protected secret in
// production, immediate deletion (so a review stack can reuse the name) otherwise — while the version is
// never protected, or every production rotation would fail.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AppSecrets, AppSecretsArgs } from "../../infra/environment/app-secrets";
import { SECRET } from "../../tools/plan/mock-engine";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, MOCK_ACCOUNT, REGION, registeredOutputs, res } from "./harness";

const test = componentTests(__filename);

const APP_SECRETS = "slipway:environment:AppSecrets";
const SECRET_TYPE = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";

const secrets = (over: Partial<Omit<AppSecretsArgs, "values">> & { values?: Record<string, string> } = {}, name = "secrets", revealSecrets = false) =>
    build(
        () => {
            const values = Object.fromEntries(Object.entries(over.values ?? { STRIPE_KEY: "sk_live_1", DATABASE_URL: "postgres://u:p@db/shop" }).map(([k, v]) => [k, pulumi.secret(v)]));
            const s = new AppSecrets(name, { namePrefix: "slipway/shop/staging/", ...over, values });
            return { arn: s.arn, versionId: s.versionId, names: s.names, secretId: s.secret.id };
        },
        { revealSecrets },
    );

test("an AppSecrets owns its secret and its current version, both named after it", async () => {
    const [a, b] = [await secrets({}, "secrets"), await secrets({}, "other")];
    assertOwnsItsChildren(a, APP_SECRETS, "secrets");
    assertDisjoint(a, b);
});

test("by default (protect false) the secret deletes at once and nothing is protected", async () => {
    const p = await secrets();
    const secret = res(p, SECRET_TYPE, "secrets-app");
    assert.equal(secret.inputs.recoveryWindowInDays, 0);
    assert.equal(secret.protect, false);
    assert.equal(res(p, VERSION, "secrets-current").protect, false);
});

test("protect: true keeps the secret (protected, 30-day recovery window) but never protects the version", async () => {
    const p = await secrets({ protect: true });
    const secret = res(p, SECRET_TYPE, "secrets-app");
    assert.equal(secret.inputs.recoveryWindowInDays, 30);
    assert.equal(secret.protect, true);
    assert.equal(res(p, VERSION, "secrets-current").protect, false);
});

test("the secret is named under the prefix and describes its names, sorted, without their values", async () => {
    const p = await secrets();
    const secret = res(p, SECRET_TYPE, "secrets-app").inputs;
    assert.equal(secret.namePrefix, "slipway/shop/staging/");
    assert.equal(secret.name, undefined);
    assert.equal(secret.description, "App secrets: DATABASE_URL, STRIPE_KEY");
    assert.deepEqual(p.outputs.names, ["DATABASE_URL", "STRIPE_KEY"]);
    assert.equal(res(await secrets({ values: {} }), SECRET_TYPE, "secrets-app").inputs.description, "App secrets: (none yet)");
});

test("the version's value is a secret to the engine, and is the JSON object of every name", async () => {
    const hidden = res(await secrets(), VERSION, "secrets-current").inputs;
    assert.equal(hidden.secretString, SECRET);
    const p = await secrets({}, "secrets", true);
    const version = res(p, VERSION, "secrets-current").inputs;
    assert.equal(version.secretId, p.outputs.secretId);
    assert.deepEqual(JSON.parse(version.secretString as string), { DATABASE_URL: "postgres://u:p@db/shop", STRIPE_KEY: "sk_live_1" });
    // Sorted keys: the same values always give the same JSON, so the version only moves on a real change.
    assert.equal(version.secretString, '{"DATABASE_URL":"postgres://u:p@db/shop","STRIPE_KEY":"sk_live_1"}');
});

test("a changed value gives a new version id; the same values keep it", async () => {
    const [a, b, c] = [await secrets(), await secrets(), await secrets({ values: { STRIPE_KEY: "sk_live_2", DATABASE_URL: "postgres://u:p@db/shop" } })];
    assert.equal(a.outputs.versionId, b.outputs.versionId);
    assert.notEqual(a.outputs.versionId, c.outputs.versionId);
});

test("an AppSecrets registers its ARN and version id", async () => {
    const p = await secrets();
    assert.match(String(p.outputs.arn), new RegExp(`^arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT}:secret:slipway/shop/staging/`));
    assert.deepEqual(registeredOutputs(p, res(p, APP_SECRETS, "secrets")), { arn: p.outputs.arn, versionId: p.outputs.versionId });
});
