// The picture of `npm run metrics -- --html <file>`: one self-contained HTML page (inline SVG and CSS,
// no script, no external reference) with the four DORA figures, production events per day, and each
// stage's median, p90 and slowest time.
import { humanDuration, type Dora, type Durations } from "./metrics";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Bars of production events per day: deployments up, failures and rollbacks stacked on them. */
export function dailySvg(d: Dora): string {
    const W = 720, H = 180, left = 30, bottom = 24, top = 10;
    const n = d.daily.length || 1;
    const max = Math.max(1, ...d.daily.map((x) => x.deployed + x.failed + x.rolledBack));
    const bw = (W - left) / n;
    const y = (v: number) => ((H - bottom - top) * v) / max;
    const bars = d.daily
        .map((x, i) => {
            const bx = left + i * bw + 1;
            let base = H - bottom;
            const parts: string[] = [];
            for (const [v, cls, label] of [[x.deployed, "ok", "deployed"], [x.failed, "bad", "failed"], [x.rolledBack, "back", "rolled back"]] as const) {
                if (!v) continue;
                base -= y(v);
                parts.push(`<rect class="${cls}" x="${bx.toFixed(1)}" y="${base.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${y(v).toFixed(1)}"><title>${x.day}: ${v} ${label}</title></rect>`);
            }
            const tick = i % Math.ceil(n / 10) === 0 ? `<text x="${bx.toFixed(1)}" y="${H - 8}" class="tick">${x.day.slice(5)}</text>` : "";
            return parts.join("") + tick;
        })
        .join("");
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="production events per day">
<line x1="${left}" y1="${H - bottom}" x2="${W}" y2="${H - bottom}" class="axis"/><text x="0" y="${top + 8}" class="tick">${max}</text>${bars}</svg>`;
}

/** One row per stage: a bar to its median, a lighter one to its p90, a mark at its slowest. */
export function stagesSvg(durations: Durations[]): string {
    const rows = durations.filter((s) => s.stats);
    const W = 720, row = 26, left = 150, H = Math.max(1, rows.length) * row + 20;
    const max = Math.max(1, ...rows.map((s) => s.stats!.slowest));
    const x = (v: number) => left + ((W - left - 90) * v) / max;
    const body = rows
        .map((s, i) => {
            const st = s.stats!;
            const y = 10 + i * row;
            return [
                `<text x="0" y="${y + 14}" class="label">${esc(s.stage)}</text>`,
                `<rect class="p90" x="${left}" y="${y + 2}" width="${(x(st.p90) - left).toFixed(1)}" height="16"><title>p90 ${humanDuration(st.p90)}</title></rect>`,
                `<rect class="median" x="${left}" y="${y + 2}" width="${(x(st.median) - left).toFixed(1)}" height="16"><title>median ${humanDuration(st.median)}</title></rect>`,
                `<line class="slowest" x1="${x(st.slowest).toFixed(1)}" y1="${y}" x2="${x(st.slowest).toFixed(1)}" y2="${y + 20}"><title>slowest ${humanDuration(st.slowest)} (${st.slowestExecution})</title></line>`,
                `<text x="${(x(st.slowest) + 6).toFixed(1)}" y="${y + 14}" class="tick">${humanDuration(st.median)} / ${humanDuration(st.p90)} / ${humanDuration(st.slowest)}</text>`,
            ].join("");
        })
        .join("");
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="stage durations">${body}</svg>`;
}

export interface ChartInput {
    pipeline: string;
    productionStage: string;
    generatedAt: Date;
    dora: Dora;
    durations: Durations[];
}

export function metricsHtml(m: ChartInput): string {
    const d = m.dora;
    const cfr = d.changeFailureRate === undefined ? "-" : `${(d.changeFailureRate * 100).toFixed(1)}%`;
    const card = (title: string, value: string, note: string) => `<div class="card"><div class="t">${esc(title)}</div><div class="v">${esc(value)}</div><div class="n">${esc(note)}</div></div>`;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(m.pipeline)}: delivery metrics</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;padding:10px 14px;min-width:150px}
.t{color:#555}.v{font-size:22px;font-weight:600}.n{color:#777;font-size:12px}
.ok{fill:#2e7d32}.bad{fill:#c62828}.back{fill:#ef6c00}.median{fill:#1565c0}.p90{fill:#90caf9}.slowest{stroke:#000;stroke-width:2}
.axis{stroke:#999}.tick{font-size:10px;fill:#555}.label{font-size:12px;fill:#222}
</style></head><body>
<h1>${esc(m.pipeline)}: the last ${d.days} days (to ${esc(m.generatedAt.toISOString())})</h1>
<div class="cards">
${card("Deployment frequency", `${d.deploymentsPerWeek.toFixed(1)} / week`, `${d.deployments} deployments to ${m.productionStage}`)}
${card("Lead time for changes", humanDuration(d.leadTime?.median), `median of ${d.leadTime?.count ?? 0} commits; p90 ${humanDuration(d.leadTime?.p90)}`)}
${card("Change failure rate", cfr, `${d.failedChanges} of ${d.changes} production changes`)}
${card("Time to restore", humanDuration(d.timeToRestore?.median), `median of ${d.timeToRestore?.count ?? 0}; ${d.unrestored} not restored`)}
</div>
<h2>${esc(m.productionStage)} per day: <span style="color:#2e7d32">deployed</span>, <span style="color:#c62828">failed</span>, <span style="color:#ef6c00">rolled back</span></h2>
${dailySvg(d)}
<h2>Stage durations: <span style="color:#1565c0">median</span>, <span style="color:#90caf9">p90</span>, | slowest</h2>
${stagesSvg(m.durations)}
</body></html>
`;
}
