import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readYamlFile, useParseStore } from "../infra/config/stack-files";
import { parseStore } from "../tools/plan/parse-store";

/** A store in a fresh folder and a YAML file beside it; the store is installed while `body` runs. */
function withStore(body: (o: { dir: string; write: (text: string) => string; entries: () => string[] }) => void, kept?: number) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "parses-"));
    const dir = path.join(root, "parses");
    let n = 0;
    const write = (text: string) => {
        const file = path.join(root, `Pulumi.s${n++}.yaml`);
        fs.writeFileSync(file, text);
        return file;
    };
    useParseStore(parseStore(dir, kept));
    try {
        body({ dir, write, entries: () => (fs.existsSync(dir) ? fs.readdirSync(dir) : []) });
    } finally {
        useParseStore(undefined);
        fs.rmSync(root, { recursive: true, force: true });
    }
}

test("a clean parse is kept between processes and a later read returns the parser's value from it", () => {
    withStore(({ dir, write, entries }) => {
        const name = `kept-${process.pid}-${Date.now()}`;
        const text = `config:\n  slipway:appName: ${name}\n  list: [1, 2.5, "x", null, true]\n`;
        const value = readYamlFile(write(text));
        assert.deepEqual(value, { config: { "slipway:appName": name, list: [1, 2.5, "x", null, true] } });
        assert.equal(entries().length, 1);
        // What the next process would read: the stored entry, not a parse (a different store object, the same folder).
        const other = parseStore(dir);
        assert.deepEqual(other.get(text)?.value, value);
        // A changed text is another entry.
        assert.equal(other.get(text + "\n# edited\n"), undefined);
    });
});

test("a text with a parse error or warning is never kept: every read parses it again and fails or warns as the parser does", () => {
    withStore(({ write, entries }) => {
        const broken = write("config:\n  a: [1, 2\n");
        assert.throws(() => readYamlFile(broken));
        assert.throws(() => readYamlFile(broken));
        // An unknown tag parses with a warning (yaml: "Unresolved tag").
        const warned = write(`config:\n  a: !nosuchtag ${Date.now()}\n`);
        const warnings: string[] = [];
        const onWarning = (w: Error) => warnings.push(w.message);
        process.on("warning", onWarning);
        const original = process.emitWarning;
        process.emitWarning = ((w: string | Error) => warnings.push(String(w))) as typeof process.emitWarning;
        try {
            readYamlFile(warned);
        } finally {
            process.emitWarning = original;
            process.off("warning", onWarning);
        }
        assert.ok(warnings.length > 0, "the parser warned");
        assert.equal(entries().length, 0);
    });
});

test("a corrupt entry is parsed again, and the store keeps only its newest entries", () => {
    withStore(({ dir, entries }) => {
        const store = parseStore(dir, 3);
        store.set("a: 1\n", { a: 1 });
        const [entry] = entries();
        fs.writeFileSync(path.join(dir, entry), "not V8's serializer format");
        assert.equal(store.get("a: 1\n"), undefined);
        for (const [i, t] of ["b: 1\n", "c: 1\n", "d: 1\n", "e: 1\n"].entries()) store.set(t, { i });
        assert.deepEqual(store.get("e: 1\n")?.value, { i: 3 }, "the newest is kept");
        assert.equal(entries().length, 3);
    }, 3);
});
