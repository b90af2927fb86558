// Keeps README.md's included sections equal to their sources: every block
//   <!-- include: docs/NAME.md -->  …  <!-- /include -->
// is replaced by that file, its headings shifted so the file's top heading is a README section (##).
// `npm run docs` regenerates everything generated (Pulumi.yaml config, docs/config.md, docs/security.md, README).
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const INCLUDE = /<!-- include: (docs\/[A-Za-z0-9._-]+\.md) -->\n[\s\S]*?<!-- \/include -->/g;

/** The file's Markdown with headings shifted so its first heading is level 2. */
export function asSection(markdown: string): string {
    const first = /^(#+) /m.exec(markdown);
    const shift = first ? 2 - first[1].length : 0;
    let fenced = false;
    return markdown
        .split("\n")
        .map((line) => {
            if (line.startsWith("```")) fenced = !fenced;
            const heading = !fenced && /^(#+) /.exec(line);
            if (!heading) return line;
            return "#".repeat(Math.max(1, heading[1].length + shift)) + line.slice(heading[1].length);
        })
        .join("\n")
        .trim();
}

export function assembleReadme(readme: string, root = ROOT): string {
    return readme.replace(INCLUDE, (_, file: string) => {
        const source = fs.readFileSync(path.join(root, file), "utf8");
        return `<!-- include: ${file} -->\n${asSection(source)}\n<!-- /include -->`;
    });
}

if (require.main === module) {
    const file = path.join(ROOT, "README.md");
    fs.writeFileSync(file, assembleReadme(fs.readFileSync(file, "utf8")));
    process.stdout.write("README.md: included sections regenerated\n");
}
