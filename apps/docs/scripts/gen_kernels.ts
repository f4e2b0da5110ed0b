/**
 * The kernel table of "Writing a backend", generated from the one kernel list (`KERNELS` in
 * packages/tensor/src/kernel_names.ts): names, inputs, whether autodiff differentiates
 * through them and their one-line docs come from the list itself; the attribute types come
 * from the `KernelAttrs` interface beside it (read with the TypeScript checker); the backend
 * columns from the kernels the bundled backends register.
 */
import { join } from 'node:path';
import ts from 'typescript';
import {
  KERNEL_DOCS,
  BINARY_KERNELS,
  COMPARISON_KERNELS,
  KERNEL_NAMES,
  KERNELS,
  REDUCE_KERNELS,
  UNARY_KERNELS,
  getKernelsForBackend,
  type KernelName,
} from '@tessera/tensor';
import '@tessera/cpu-backend';
import '@tessera/webgpu-backend';
import { REPO_ROOT } from './packages.js';

export const KERNEL_NAMES_FILE = join(REPO_ROOT, 'packages/tensor/src/kernel_names.ts');

/** The attribute type of each kernel as written in `KernelAttrs` (`{ axes: number[] }`, `Conv2DAttrs`, ...). */
export function kernelAttributeTypes(file = KERNEL_NAMES_FILE): Map<string, string> {
  const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`gen_kernels: cannot read ${file}`);
  const decl = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'KernelAttrs');
  if (!decl) throw new Error(`gen_kernels: expected interface KernelAttrs in ${file}`);
  const type = checker.getTypeAtLocation(decl.name);
  const out = new Map<string, string>();
  for (const prop of checker.getPropertiesOfType(type)) {
    const t = checker.getTypeOfSymbolAtLocation(prop, decl);
    const noAttrs = checker.getPropertiesOfType(t).length === 0;
    out.set(prop.name, noAttrs ? '' : checker.typeToString(t, decl, ts.TypeFormatFlags.NoTruncation));
  }
  return out;
}

function family(name: KernelName): string {
  const has = (list: readonly string[]) => list.includes(name);
  if (has(UNARY_KERNELS)) return 'unary';
  if (has(BINARY_KERNELS)) return 'binary';
  if (has(COMPARISON_KERNELS)) return 'comparison';
  if (has(REDUCE_KERNELS)) return 'reduction';
  return '';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
const code = (s: string) => (s ? `\`${s.replace(/\|/g, '\\|')}\`` : '');

export interface KernelTable {
  markdown: string;
  count: number;
  backends: Record<string, number>;
}

/** The Markdown table (one row per kernel, in list order) and counts. */
export function kernelTable(): KernelTable {
  const attrs = kernelAttributeTypes();
  const backends = ['cpu', 'webgpu'];
  const registered = Object.fromEntries(backends.map((b) => [b, new Set(getKernelsForBackend(b))]));
  const lines = [
    `| # | kernel | inputs | attributes | grad | ${backends.join(' | ')} | computes |`,
    `| --: | --- | --- | --- | :-: | ${backends.map(() => ':-:').join(' | ')} | --- |`,
  ];
  KERNEL_NAMES.forEach((name, i) => {
    const spec = KERNELS[name];
    const fam = family(name);
    // Kernels of several outputs (the optimizer updates) name them after an arrow.
    const inputs = spec.inputs.map((s) => (s === '...' ? 'x…' : s)).join(', ') + (spec.outputs ? ` → ${spec.outputs.join(', ')}` : '');
    const marks = backends.map((b) => (registered[b].has(name) ? '✓' : '—'));
    const what = cell(KERNEL_DOCS[name]) + (fam ? ` <small>(${fam})</small>` : '');
    lines.push(`| ${i + 1} | \`${name}\` | ${code(inputs)} | ${code(attrs.get(name) ?? '')} | ${spec.differentiable ? '✓' : ''} | ${marks.join(' | ')} | ${what} |`);
  });
  return {
    markdown: `${lines.join('\n')}\n`,
    count: KERNEL_NAMES.length,
    backends: Object.fromEntries(backends.map((b) => [b, registered[b].size])),
  };
}
