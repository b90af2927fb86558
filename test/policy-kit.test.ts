// policy/kit.ts's statements(): a policy document's text is parsed once per process and shared by every rule
// that reads it, so what it returns must be the document's statements, the same for every caller, and frozen.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { statements } from "../policy/kit";

const doc = (resource: string) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: [resource], Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } } },
            { Effect: "Deny", NotAction: ["iam:*"], NotResource: "*" },
        ],
    });

test("a document's statements are normalized: one Effect, every list an array of strings", () => {
    assert.deepEqual(statements(doc("arn:aws:s3:::a/*")), [
        { Sid: "Read", Effect: "Allow", Principal: undefined, Action: ["s3:GetObject"], NotAction: [], Resource: ["arn:aws:s3:::a/*"], NotResource: [], Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } } },
        { Sid: undefined, Effect: "Deny", Principal: undefined, Action: [], NotAction: ["iam:*"], Resource: [], NotResource: ["*"], Condition: undefined },
    ]);
    assert.deepEqual(statements("not json"), []);
    assert.deepEqual(statements(undefined), []);
});

test("the same text gives every caller the same statements, which no caller can change; another text its own", () => {
    const text = doc("arn:aws:s3:::shared/*");
    const first = statements(text);
    assert.equal(statements(text), first, "parsed once");
    assert.throws(() => (first as unknown as { Resource: string[] }[])[0].Resource.push("*"), TypeError);
    // The type says so too: a rule that tried would not compile.
    // @ts-expect-error Action is a readonly array
    assert.throws(() => first[0].Action.push("*"), TypeError);
    assert.throws(() => {
        (first[0].Condition as Record<string, Record<string, unknown>>).StringEquals["aws:ResourceAccount"] = "*";
    }, TypeError);
    assert.throws(() => (first as unknown[]).pop(), TypeError);
    assert.deepEqual(statements(text)[0].Resource, ["arn:aws:s3:::shared/*"]);
    assert.deepEqual(statements(doc("arn:aws:s3:::other/*"))[0].Resource, ["arn:aws:s3:::other/*"]);
    // A document given as an object is read as it is, each time.
    const object = JSON.parse(text) as { Statement: { Resource: string[] }[] };
    assert.deepEqual(statements(object)[0].Resource, ["arn:aws:s3:::shared/*"]);
    object.Statement[0].Resource = ["arn:aws:s3:::changed/*"];
    assert.deepEqual(statements(object)[0].Resource, ["arn:aws:s3:::changed/*"]);
});
