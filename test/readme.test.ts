// The README is the front door and docs/ holds the details: both must stay true to the repository.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { anchors, readmeWithContents, slug } from "../tools/docs/gen-readme";
import { planStack, ROOT } from "./helpers";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const DOCS = path.join(ROOT, "docs");
const docPages = fs.readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort();

test("the README's contents list matches its sections (run npm run docs)", () => {
    assert.equal(readme, readmeWithContents(readme));
});

test("the README stays a front door: under 300 lines", () => {
    const lines = readme.trimEnd().split("\n").length;
    assert.ok(lines <= 300, `README.md has ${lines} lines: move details to docs/`);
});

test("the README gives the two commands and the real pulumi up path", () => {
    assert.ok(readme.includes("npm ci && npm run plan -- --stack staging"));
    assert.ok(readme.includes("npm ci && npm test"));
    for (const step of ["pulumi up -s delivery", "pulumi up -s staging", "pulumi up -s production", "pulumi destroy -s staging"]) assert.ok(readme.includes(step), step);
    for (const section of ["## Two commands", "## Layout", "## The real path", "## Day to day", "## Documentation"]) assert.ok(readme.includes(section), section);
    assert.match(readme, /```mermaid\n/);
});

test("the test command the README gives is the one CI runs", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
});

test("the README links every page in docs/", () => {
    for (const page of docPages) assert.ok(readme.includes(`](docs/${page})`), `docs/${page} is not linked from the README`);
});

/** Relative Markdown links of a file: [text](target), outside fenced code. */
function links(markdown: string): string[] {
    const prose = markdown.replace(/^```[\s\S]*?^```/gm, "");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
}

test("every link in the README and docs/ reaches an existing file and heading", () => {
    const files = ["README.md", ...docPages.map((p) => `docs/${p}`)];
    const broken: string[] = [];
    for (const file of files) {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        for (const link of links(text)) {
            const [target, anchor] = link.split("#");
            const resolved = target ? path.join(path.dirname(path.join(ROOT, file)), target) : path.join(ROOT, file);
            if (!fs.existsSync(resolved)) {
                broken.push(`${file}: ${link} (no such file)`);
                continue;
            }
            if (anchor !== undefined && !anchors(fs.readFileSync(resolved, "utf8")).has(anchor)) broken.push(`${file}: ${link} (no such heading)`);
        }
    }
    assert.deepEqual(broken, []);
});

test("anchors are GitHub's: lower case, punctuation dropped, spaces made hyphens", () => {
    assert.equal(slug("The real path: `pulumi up` against AWS"), "the-real-path-pulumi-up-against-aws");
    assert.equal(slug("Lead time, commit → production: `npm run lead-time`"), "lead-time-commit--production-npm-run-lead-time");
    assert.deepEqual([...anchors("# A\n```\n# not a heading\n```\n## A\n")], ["a", "a-1"]);
});

/** The README's layout block (the Layout section's code block with no language): each entry's paths. */
function layoutEntries(): string[] {
    const section = readme.slice(readme.indexOf("## Layout"), readme.indexOf("\n## ", readme.indexOf("## Layout") + 1));
    const blocks: { lang: string; lines: string[] }[] = [];
    let open: { lang: string; lines: string[] } | undefined;
    for (const line of section.split("\n")) {
        if (line.startsWith("```")) {
            if (open) blocks.push(open);
            open = open ? undefined : { lang: line.slice(3), lines: [] };
        } else open?.lines.push(line);
    }
    const block = blocks.find((b) => b.lang === "");
    assert.ok(block, "the Layout section has a plain code block of paths");
    return block.lines.filter((line) => line && !line.startsWith(" ")).flatMap((line) => line.split(/ {2,}/)[0].split(", "));
}

test("every path the README's layout names exists", () => {
    for (const entry of layoutEntries()) {
        const dir = path.join(ROOT, path.dirname(entry));
        const name = new RegExp(`^${path.basename(entry).replace(/[.]/g, "\\.").replace(/<[a-z]+>/g, "[^/]+")}$`);
        const found = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => name.test(f) && (!entry.endsWith("/") || fs.statSync(path.join(dir, f)).isDirectory()));
        assert.ok(found, `${entry} is in the README's layout but not in the repository`);
    }
});

test("the README's layout leaves out no folder, and no file of a folder it lists file by file", () => {
    const entries = layoutEntries().map((e) => e.replace(/\/$/, ""));
    const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
    const covered = (p: string) => entries.some((e) => p === e || p.startsWith(`${e}/`));
    const missing = new Set<string>();
    for (const file of tracked.filter((f) => f.includes("/") && !f.startsWith("."))) {
        if (covered(file)) continue;
        // The first level of the file's path that the layout neither names nor goes into.
        const parts = file.split("/");
        for (let i = 1; i <= parts.length; i++) {
            const p = parts.slice(0, i).join("/");
            if (!entries.some((e) => e.startsWith(`${p}/`))) {
                missing.add(i < parts.length ? `${p}/` : p);
                break;
            }
        }
    }
    assert.deepEqual([...missing], [], "add these to the README's layout");
});

test("docs/plan-format.md documents exactly the fields a plan has", async () => {
    const doc = fs.readFileSync(path.join(DOCS, "plan-format.md"), "utf8");
    const plan = await planStack("staging");
    const fields = new Set([...Object.keys(plan), ...plan.resources.flatMap((r) => Object.keys(r))]);
    const documented = new Set([...doc.matchAll(/^- `([A-Za-z]+)`: /gm)].map((m) => m[1]));
    assert.deepEqual([...documented].sort(), [...fields].sort());
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? "{}") as Record<string, unknown> & { resources: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(example), Object.keys(plan), "the example's top-level fields");
    assert.deepEqual(Object.keys(example.resources[0]), Object.keys(plan.resources[0]), "the example resource's fields");
});
