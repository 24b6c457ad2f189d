/**
 * Summarizes a V8 `.cpuprofile` (node --cpu-prof): busy time (idle excluded), the functions with
 * the most self time, the most inclusive time, and self time per module (package or folder).
 *
 *   npx tsx test/bench/cpu-profile-top.ts <file.cpuprofile> [--top=20]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  self: ProfileEntry[];
  inclusive: ProfileEntry[];
  modules: ProfileEntry[];
}

const IDLE = new Set(["(idle)"]);

function shortUrl(url: string): string {
  const withoutScheme = url.replace(/^file:\/\//, "");
  const modules = withoutScheme.lastIndexOf("node_modules/");
  if (modules >= 0) return withoutScheme.slice(modules + "node_modules/".length);
  const root = withoutScheme.search(/\/(packages|services|test|infra)\//);
  return root >= 0 ? withoutScheme.slice(root + 1) : withoutScheme;
}

function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (url === "") return functionName || "(anonymous)";
  return `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`;
}

/** `kafkajs`, `@clickhouse/client`, `packages/kafka`, `node:internal/...`, or the special node's name. */
function moduleKey(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === "") return functionName;
  const path = url.replace(/^file:\/\//, "");
  const modules = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path.slice(path.lastIndexOf("node_modules/")));
  if (path.includes("node_modules/") && modules !== null) return modules[1] as string;
  const own = /\/((packages|services)\/[^/]+)\//.exec(path);
  if (own !== null) return own[1] as string;
  if (path.startsWith("node:")) return path.split("/").slice(0, 2).join("/");
  return shortUrl(url);
}

export function summarizeProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    // timeDeltas[i] is the time before sample i; attribute it to that sample.
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  let busyMs = 0;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id) as ProfileNode;
    if (IDLE.has(node.callFrame.functionName)) continue;
    busyMs += ms;
    self.set(functionKey(node), (self.get(functionKey(node)) ?? 0) + ms);
    modules.set(moduleKey(node), (modules.get(moduleKey(node)) ?? 0) + ms);
    // Each function on the stack once, however often it recurses.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = functionKey(byId.get(at) as ProfileNode);
      if (onStack.has(key)) continue;
      onStack.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  }
  const ranked = (map: Map<string, number>, skip: (name: string) => boolean = () => false) =>
    [...map]
      .filter(([name]) => !skip(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / busyMs }));
  const structural = (name: string) => name.startsWith("(root)") || name.startsWith("(program)");
  return {
    wallMs,
    busyMs,
    self: ranked(self),
    inclusive: ranked(inclusive, structural),
    modules: ranked(modules),
  };
}

export function formatProfile(label: string, summary: ProfileSummary): string {
  const line = (entry: ProfileEntry) =>
    `    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.ms.toFixed(0).padStart(7)} ms  ${entry.name}`;
  return [
    `${label}: ${(summary.busyMs / 1000).toFixed(1)} s busy of ${(summary.wallMs / 1000).toFixed(1)} s profiled (${((100 * summary.busyMs) / summary.wallMs).toFixed(0)}% of one core)`,
    "  self time by module:",
    ...summary.modules.slice(0, 12).map(line),
    "  self time by function:",
    ...summary.self.map(line),
    "  inclusive time by function:",
    ...summary.inclusive.map(line),
  ].join("\n");
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const top = Number(/^--top=(\d+)$/.exec(process.argv.find((arg) => arg.startsWith("--top=")) ?? "")?.[1] ?? 20);
  for (const path of process.argv.slice(2).filter((arg) => !arg.startsWith("--"))) {
    process.stdout.write(`${formatProfile(path, summarizeProfile(readProfile(path), top))}\n\n`);
  }
}
