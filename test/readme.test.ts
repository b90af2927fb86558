import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { asSection, assembleReadme } from "../tools/docs/gen-readme";
import { ROOT } from "./helpers";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

test("the README's included sections match their sources (run npm run docs)", () => {
    assert.equal(readme, assembleReadme(readme));
});

test("the README gives the two commands and the real pulumi up path", () => {
    assert.ok(readme.includes("npm ci && npm run plan -- --stack staging"));
    assert.ok(readme.includes("npm ci && npm test"));
    for (const step of ["pulumi up -s delivery", "pulumi up -s staging", "pulumi up -s production", "pulumi destroy -s staging"]) assert.ok(readme.includes(step), step);
    for (const section of ["## Security", "## Day to day", "## Performance and cost", "## Plan JSON format", "## Configuration"]) assert.ok(readme.includes(section), section);
    assert.match(readme, /```mermaid\n/);
});

test("the test command the README gives is the one CI runs", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
});

test("included files become README sections whatever their top heading level", () => {
    assert.equal(asSection("# Title\n\ntext\n## Sub\n```\n# not a heading\n```"), "## Title\n\ntext\n### Sub\n```\n# not a heading\n```");
    assert.equal(asSection("## Already\n### Sub"), "## Already\n### Sub");
});
