import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { RULES } from "../policy/rules";
import { SECURITY_DOC, securityDoc } from "../tools/docs/security-docs";

test("docs/security.md is generated from the pack (run npm run docs:security after changing a rule)", () => {
    assert.equal(fs.readFileSync(SECURITY_DOC, "utf8"), securityDoc());
});

test("docs/security.md lists every rule with its enforcement", () => {
    const text = securityDoc();
    for (const rule of RULES) assert.ok(text.includes(`| \`${rule.name}\` | ${rule.enforcementLevel} |`), rule.name);
});
