import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFileDoc, readYamlFile, useParseStore } from "../infra/config/stack-files";
import { parseStore } from "../tools/plan/parse-store";
import { loadStackConfig } from "../tools/plan/stack-config";

/** A store in a fresh folder and files beside it; the store is installed while `body` runs, then the previous one again. */
function withStore(body: (o: { root: string; dir: string; write: (text: string, name?: string) => string; entries: () => string[] }) => void, kept?: number) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "parses-"));
    const dir = path.join(root, "parses");
    let n = 0;
    const write = (text: string, name = `Pulumi.s${n++}.yaml`) => {
        const file = path.join(root, name);
        fs.writeFileSync(file, text);
        return file;
    };
    const previous = useParseStore(parseStore(dir, kept));
    try {
        body({ root, dir, write, entries: () => (fs.existsSync(dir) ? fs.readdirSync(dir) : []) });
    } finally {
        useParseStore(previous);
        fs.rmSync(root, { recursive: true, force: true });
    }
}

const unique = () => `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

test("a clean parse of a kept read is kept between processes, and a later read returns the parser's value from it", () => {
    withStore(({ dir, write, entries }) => {
        const name = `kept-${unique()}`;
        const text = `name: ${name}\nconfig:\n  list: [1, 2.5, "x", null, true]\n`;
        const value = readYamlFile(write(text, "Pulumi.yaml"), { keep: true });
        assert.deepEqual(value, { name, config: { list: [1, 2.5, "x", null, true] } });
        assert.equal(entries().length, 1);
        // What the next process would read: the stored entry, not a parse (a different store object, the same folder).
        const other = parseStore(dir);
        assert.deepEqual(other.get(text)?.value, value);
        // A changed text is another entry.
        assert.equal(other.get(text + "\n# edited\n"), undefined);
    });
});

test("a stack file's text never reaches the store: it may hold a value set in plain text by mistake", () => {
    withStore(({ root, write, entries }) => {
        write(`name: shop\nruntime: nodejs\n# ${unique()}\n`, "Pulumi.yaml");
        write(`config:\n  slipway:role: staging\n  slipway:appSecrets:\n    API_KEY: hunter2-${unique()}\n`, "Pulumi.staging.yaml");
        readStackFileDoc(root, "staging");
        loadStackConfig(root, "staging");
        const stored = entries();
        assert.equal(stored.length, 1, "only the project file's parse is kept");
        for (const f of stored) assert.ok(!fs.readFileSync(path.join(root, "parses", f), "latin1").includes("hunter2"), "no stack file's text in the store");
    });
});

test("a text with a parse error or warning is never kept: every read parses it again and fails or warns as the parser does", () => {
    withStore(({ write, entries }) => {
        const broken = write("config:\n  a: [1, 2\n");
        assert.throws(() => readYamlFile(broken, { keep: true }));
        assert.throws(() => readYamlFile(broken, { keep: true }));
        // An unknown tag parses with a warning (yaml: "Unresolved tag").
        const warned = write(`config:\n  a: !nosuchtag ${unique()}\n`);
        const warnings: string[] = [];
        const original = process.emitWarning;
        process.emitWarning = ((w: string | Error) => warnings.push(String(w))) as typeof process.emitWarning;
        try {
            readYamlFile(warned, { keep: true });
        } finally {
            process.emitWarning = original;
        }
        assert.ok(warnings.length > 0, "the parser warned");
        assert.equal(entries().length, 0);
    });
});

test("a corrupt entry is parsed again, and the store keeps its most recently used entries", () => {
    withStore(({ dir, entries }) => {
        const store = parseStore(dir, 3);
        store.set("a: 1\n", { a: 1 });
        const [entry] = entries();
        fs.writeFileSync(path.join(dir, entry), "not V8's serializer format");
        assert.equal(store.get("a: 1\n"), undefined);
        fs.rmSync(path.join(dir, entry));
        // b, c, d written in turn (dated a minute apart), then b read: e's arrival evicts c, the least recently used.
        for (const [i, t] of ["b: 1\n", "c: 1\n", "d: 1\n"].entries()) {
            const before = new Set(entries());
            store.set(t, { i });
            const written = entries().find((f) => !before.has(f));
            if (written) fs.utimesSync(path.join(dir, written), new Date(Date.now() - (3 - i) * 60_000), new Date(Date.now() - (3 - i) * 60_000));
        }
        assert.deepEqual(store.get("b: 1\n")?.value, { i: 0 });
        store.set("e: 1\n", { i: 3 });
        assert.equal(entries().length, 3);
        assert.deepEqual(store.get("b: 1\n")?.value, { i: 0 }, "the one read last is kept");
        assert.deepEqual(store.get("e: 1\n")?.value, { i: 3 }, "the newest is kept");
        assert.equal(store.get("c: 1\n"), undefined, "the least recently used is gone");
    }, 3);
});
