// jsonOutput (infra/shared/json.ts) stands in for pulumi.jsonStringify in every policy document: the same
// text, secrecy and dependencies, checked side by side on one value that holds every kind of Input.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { runUnderMocks } from "../tools/plan/mock-engine";
import { jsonOutput } from "../infra/shared/json";

const opts = { project: "slipway", stack: "json", config: { "aws:region": "us-east-1" }, secretKeys: [] };
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });

/** What an Output carries: its value, whether it is secret, and the URNs of the resources it depends on. */
async function carried(o: pulumi.Output<string>): Promise<{ value: string; secret: boolean; urns: string[] }> {
    const value = await new Promise<string>((resolve) => o.apply(resolve));
    // Output's isSecret and resources() are what the SDK reads when it serializes an input (runtime/rpc.js).
    const internal = o as unknown as { isSecret: Promise<boolean>; resources(): Set<pulumi.Resource> };
    const urns = await Promise.all([...internal.resources()].map((r) => new Promise<string>((resolve) => r.urn.apply(resolve))));
    return { value, secret: await internal.isSecret, urns: urns.sort() };
}

/** A value with Outputs of resources, a promise, nested Outputs, an Output of an array holding an Output, and plain JSON. */
function value(secret: boolean) {
    const role = new iam.Role(`role-${secret}`, { assumeRolePolicy: trust });
    const other = new iam.Role(`other-${secret}`, { assumeRolePolicy: trust });
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: [role.arn, "arn:aws:s3:::plain/*", Promise.resolve("arn:aws:s3:::promised/*")],
                Condition: { StringEquals: { "aws:PrincipalArn": secret ? pulumi.secret("arn:aws:iam::123456789012:role/x") : "arn:aws:iam::123456789012:role/x" } },
                Nested: [[pulumi.output(["a", other.name])], { deep: { n: 1, t: true, none: null, gone: undefined } }],
            },
        ],
    };
}

for (const secret of [false, true]) {
    test(`jsonOutput gives jsonStringify's text, secrecy and dependencies (${secret ? "a secret inside" : "no secret"})`, async () => {
        let lean: Awaited<ReturnType<typeof carried>> | undefined;
        let stock: Awaited<ReturnType<typeof carried>> | undefined;
        await runUnderMocks(opts, async () => {
            const v = value(secret);
            [lean, stock] = await Promise.all([carried(jsonOutput(v)), carried(pulumi.jsonStringify(v))]);
            return {};
        });
        assert.ok(lean && stock);
        assert.deepEqual(lean, stock);
        assert.equal(lean.secret, secret);
        assert.equal(lean.urns.length, 2, "both roles");
        assert.match(lean.value, /"Nested":\[\[\["a","other-/);
    });
}

test("jsonOutput of plain JSON is that JSON, carried as jsonStringify carries it: known, not secret, no dependency", async () => {
    const plain = { a: [1, "two", { three: null }], b: false, gone: undefined };
    const text = await new Promise<string>((resolve) => jsonOutput(plain).apply(resolve));
    assert.equal(text, JSON.stringify(plain));
    let lean: Awaited<ReturnType<typeof carried>> | undefined;
    let stock: Awaited<ReturnType<typeof carried>> | undefined;
    let known: boolean[] = [];
    await runUnderMocks(opts, async () => {
        const [a, b] = [jsonOutput(plain), pulumi.jsonStringify(plain)];
        [lean, stock] = await Promise.all([carried(a), carried(b)]);
        known = await Promise.all([a, b].map((o) => (o as unknown as { isKnown: Promise<boolean> }).isKnown));
        return {};
    });
    assert.deepEqual(lean, stock);
    assert.deepEqual(lean, { value: JSON.stringify(plain), secret: false, urns: [] });
    assert.deepEqual(known, [true, true]);
});
