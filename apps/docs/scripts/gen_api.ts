/**
 * The API reference: TypeDoc (with typedoc-plugin-markdown) over `src/index.ts` of every
 * package `discoverPackages()` finds, compiled as one program with the repo's
 * tsconfig.base.json (customConditions ['@tessera/source']), written as Markdown into the VitePress
 * tree. Then, from the same TypeDoc project:
 *
 * - `api/index.md`: every export of every package, linked to its page;
 * - `api/gaps.md`: the documentation gaps (exports and members without TSDoc, links to
 *   symbols that are not exported, packages without a README);
 * - `api-sidebar.json`: the sidebar of the reference.
 *
 * A `{@link}` that resolves to nothing is an error: the build fails and names it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  Application,
  Converter,
  DeclarationReflection,
  LogLevel,
  ReferenceReflection,
  ReflectionKind,
  ReflectionType,
  RendererEvent,
  type ProjectReflection,
  type Reflection,
  type TypeDocOptions,
} from 'typedoc';
import type { PluginOptions } from 'typedoc-plugin-markdown';
import { DOCS_ROOT, REPO_ROOT, type PackageInfo } from './packages.js';

/** One export or member without documentation. */
export interface Gap {
  pkg: string;
  /** The top-level export it belongs to (`Callback` for `Callback.onEpochEnd`). */
  exportName: string;
  /** `Callback.onEpochEnd`. */
  name: string;
  kind: string;
  /** `packages/layers/src/callbacks/callback.ts:48`. */
  where: string;
  /** Site URL of the page that documents it (without `.md`). */
  url?: string;
}

export interface ApiExport {
  name: string;
  kind: string;
  url: string;
}

export interface ApiResult {
  packages: Array<{ pkg: PackageInfo; exports: ApiExport[] }>;
  gaps: Gap[];
  /** Links to symbols that exist but are not exported (shown as text, listed as gaps). */
  unexportedLinks: string[];
  /** Warnings TypeDoc gave that are not gaps (printed). */
  warnings: string[];
  seconds: number;
}

/** Kinds TypeDoc's `notDocumented` check requires by default (its `requiredToBeDocumented`). */
const REQUIRED: ReflectionKind[] = [
  ReflectionKind.Enum,
  ReflectionKind.EnumMember,
  ReflectionKind.Variable,
  ReflectionKind.Function,
  ReflectionKind.Class,
  ReflectionKind.Interface,
  ReflectionKind.Property,
  ReflectionKind.Method,
  ReflectionKind.Accessor,
  ReflectionKind.TypeAlias,
];

const GROUP_ORDER = ['Namespace', 'Class', 'Interface', 'Type Alias', 'Variable', 'Function', 'Enumeration', 'Reference'];

/** The Markdown plugin writes `api/<slug>/...`: package scopes are dropped from paths. */
/** Where TypeDoc reads from; tests point it at fixtures. */
export interface ApiSourceOptions {
  /** Default: apps/docs/tsconfig.typedoc.json (the repo's tsconfig.base.json, every package's src). */
  tsconfig?: string;
  /** The root module names are relative to (default: the repository). */
  basePath?: string;
}

function typedocOptions(pkgs: PackageInfo[], outDir: string, source: ApiSourceOptions = {}): Partial<TypeDocOptions & PluginOptions> {
  const sourceUrl = process.env.DOCS_SOURCE_URL; // e.g. https://github.com/<org>/<repo>/blob/main
  return {
    name: 'Tessera',
    entryPoints: pkgs.map((p) => p.entry),
    entryPointStrategy: 'resolve',
    tsconfig: source.tsconfig ?? join(DOCS_ROOT, 'tsconfig.typedoc.json'),
    basePath: source.basePath ?? REPO_ROOT,
    plugin: ['typedoc-plugin-markdown'],
    out: outDir,
    readme: 'none',
    skipErrorChecking: true, // each package type-checks itself; the reference only reads its declarations
    excludeInternal: true,
    excludePrivate: true,
    excludeExternals: true,
    sort: ['kind', 'alphabetical'],
    // "Defined in: packages/x/src/y.ts:12" is always shown; it is a link only when the site knows the repository's URL.
    ...(sourceUrl ? { disableGit: true, sourceLinkTemplate: `${sourceUrl}/{path}#L{line}` } : {}),
    validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true },
    logLevel: LogLevel.Warn,
    // typedoc-plugin-markdown, shaped for VitePress
    entryFileName: 'index.md',
    excludeScopesInPaths: true,
    hidePageHeader: true,
    useCodeBlocks: true,
    sanitizeComments: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    typeDeclarationFormat: 'table',
    enumMembersFormat: 'table',
  };
}

function friendlyKind(r: Reflection): string {
  return ReflectionKind.singularString(r.kind);
}

function topLevelExport(r: Reflection): Reflection {
  let cur = r;
  while (cur.parent && !cur.parent.kindOf(ReflectionKind.Module) && !cur.parent.isProject()) cur = cur.parent;
  return cur;
}

function moduleOf(r: Reflection): Reflection | undefined {
  let cur: Reflection | undefined = r;
  while (cur && !cur.kindOf(ReflectionKind.Module)) cur = cur.parent;
  return cur;
}

function sourceOf(r: Reflection): string {
  const s = (r as DeclarationReflection).sources?.[0] ?? (r.parent as DeclarationReflection | undefined)?.sources?.[0];
  return s ? `${s.fileName}:${s.line}` : '';
}

/**
 * Undocumented exports and members, as TypeDoc's `notDocumented` validation finds them
 * (same kinds, signatures checked for functions and methods, a signature documented by its
 * parent counts), minus what it would repeat: inherited members are reported once, where
 * they are declared, and re-exports (the umbrella package) not at all.
 */
function findGaps(project: ProjectReflection, urlOf: (r: Reflection) => string | undefined): Gap[] {
  const kinds = REQUIRED.reduce((k, kind) => k | kind, 0);
  const toProcess: Reflection[] = project.getReflectionsByKind(kinds as ReflectionKind);
  const seen = new Set<Reflection>();
  const reported = new Set<string>();
  const gaps: Gap[] = [];
  outer: while (toProcess.length) {
    const ref = toProcess.shift()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    for (let p = ref.parent; p; p = p.parent) if (p.kindOf(ReflectionKind.Parameter)) continue outer;
    if (ref instanceof ReferenceReflection) continue;
    if (ref instanceof DeclarationReflection && ref.inheritedFrom) continue;
    // Members of a signature's types (a return type's fields) belong to the function's docs.
    for (let p = ref.parent; p; p = p.parent) if (p.kindOf(ReflectionKind.SomeSignature)) continue outer;
    if (ref.kindOf(ReflectionKind.TypeLiteral) && ref.parent?.kindOf(ReflectionKind.TypeAlias)) {
      toProcess.push(ref.parent);
      continue;
    }
    // A function type's signature is documented by its type alias.
    if (ref.kindOf(ReflectionKind.CallSignature) && ref.parent?.kindOf(ReflectionKind.TypeLiteral)) {
      if (ref.parent.parent) toProcess.push(ref.parent.parent);
      continue;
    }
    if (ref.kindOf(ReflectionKind.ConstructorSignature) && ref.parent?.parent?.kindOf(ReflectionKind.TypeAlias)) {
      toProcess.push(ref.parent.parent);
      continue;
    }
    if (ref instanceof DeclarationReflection) {
      const signatures = ref.type instanceof ReflectionType ? ref.type.declaration.getNonIndexSignatures() : ref.getNonIndexSignatures();
      if (signatures.length) {
        toProcess.push(...signatures);
        if (ref.kindOf(ReflectionKind.SignatureContainer)) continue;
      }
    }
    const documented = ref.hasComment() || (ref.kindOf(ReflectionKind.SomeSignature) && ref.parent?.hasComment());
    if (documented) continue;
    // A signature stands for its function or method.
    const subject = ref.kindOf(ReflectionKind.SomeSignature) && ref.parent ? ref.parent : ref;
    if ((subject as DeclarationReflection).inheritedFrom) continue;
    const mod = moduleOf(subject);
    if (!mod) continue;
    const where = sourceOf(ref);
    const name = (subject.getFriendlyFullName().slice(mod.name.length + 1) || subject.name).replace(/\.__type(?=\.|$)/g, '');
    const key = `${mod.name}|${name}|${where}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const top = topLevelExport(subject);
    gaps.push({ pkg: mod.name, exportName: top.name, name, kind: friendlyKind(subject), where, url: urlOf(subject) ?? urlOf(top) });
  }
  return gaps;
}

/** Renames TypeDoc's modules (`tensor/src`) to package names (`@tessera/tensor`) before links resolve. */
function renameModules(app: Application, pkgs: PackageInfo[], basePath: string): void {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    // TypeDoc names a module by its path from basePath: `packages/tensor/src`.
    const byEntry = new Map(pkgs.map((p) => [`${relative(basePath, p.dir).split('\\').join('/')}/src`, p.name]));
    for (const mod of context.project.children ?? []) {
      const name = byEntry.get(mod.name);
      if (!name) throw new Error(`gen_api: TypeDoc module '${mod.name}' matches no package (known: ${[...byEntry.keys()].join(', ')})`);
      mod.name = name;
    }
  });
}

export async function generateApi(pkgs: PackageInfo[], outDir: string, source: ApiSourceOptions = {}): Promise<ApiResult> {
  const started = performance.now();
  const app = await Application.bootstrapWithPlugins(typedocOptions(pkgs, outDir, source) as TypeDocOptions);
  renameModules(app, pkgs, source.basePath ?? REPO_ROOT);

  // Sort TypeDoc's validation warnings: unresolved links fail the build, links to symbols that
  // exist but are not exported are gaps, anything else is printed.
  const invalidLinks: string[] = [];
  const unexportedLinks: string[] = [];
  const warnings: string[] = [];
  const logger = app.logger as unknown as { validationWarning: (text: string, ...rest: unknown[]) => void; warn: (text: string, ...rest: unknown[]) => void };
  const classify = (text: string) => {
    if (/^Failed to resolve link/.test(text)) invalidLinks.push(text);
    else if (/which was resolved but is not included in the documentation/.test(text) || /is referenced by .* but not included in the documentation/.test(text)) unexportedLinks.push(text);
    else warnings.push(text);
  };
  logger.validationWarning = (text: string) => classify(String(text));
  const warn = logger.warn.bind(logger);
  logger.warn = (text: string, ...rest: unknown[]) => {
    const message = String(text);
    if (/Failed to resolve link|not included in the documentation/.test(message)) classify(message);
    // Without a remote (a local clone), TypeDoc cannot make source links; "Defined in" stays as text.
    else if (/The provided git remote .* was not valid/.test(message)) return;
    else warn(text, ...rest);
  };

  const project = await app.convert();
  if (!project) throw new Error('gen_api: TypeDoc could not convert the packages (see the errors above)');
  app.validate(project);
  if (invalidLinks.length) {
    throw new Error(`gen_api: ${invalidLinks.length} broken {@link} in TSDoc:\n  ${invalidLinks.join('\n  ')}`);
  }
  // The renderer drops its router when it is done: keep it to ask for the URLs it gave.
  type Router = { hasUrl(r: Reflection): boolean; getFullUrl(r: Reflection): string };
  let router: Router | undefined;
  app.renderer.on(RendererEvent.END, () => {
    router = (app.renderer as unknown as { router?: Router }).router;
  });
  await app.generateOutputs(project);
  if (app.logger.hasErrors()) throw new Error('gen_api: TypeDoc reported errors (see above)');
  if (!router) throw new Error('gen_api: TypeDoc renderer has no router (unexpected TypeDoc version)');
  const urls = router;
  const urlOf = (r: Reflection): string | undefined => {
    if (!urls.hasUrl(r)) return undefined;
    return `/api/${urls.getFullUrl(r).replace(/\.md(#|$)/, '$1').replace(/(^|\/)index$/, '$1')}`;
  };

  const packages = pkgs.map((pkg) => {
    const mod = project.children?.find((m) => m.name === pkg.name);
    if (!mod) throw new Error(`gen_api: no TypeDoc module for ${pkg.name}`);
    const exports: ApiExport[] = (mod.children ?? []).map((child) => {
      const target = child instanceof ReferenceReflection ? child.tryGetTargetReflectionDeep() ?? child : child;
      return { name: child.name, kind: friendlyKind(child), url: urlOf(target) ?? urlOf(mod) ?? '/api/' };
    });
    return { pkg, exports };
  });

  const gaps = findGaps(project, urlOf);
  return { packages, gaps, unexportedLinks, warnings, seconds: (performance.now() - started) / 1000 };
}

const escapeMd = (s: string) => s.replace(/[|<>*_[\]]/g, (c) => `\\${c}`);

/** `api/index.md`: every export of every package. */
export function apiIndexMarkdown(result: ApiResult): string {
  const total = result.packages.reduce((n, p) => n + p.exports.length, 0);
  const out = [
    '---',
    'outline: [2, 2]',
    '---',
    '',
    '# API reference',
    '',
    `Generated from the TSDoc of every public export: ${total} exports in ${result.packages.length} packages, ` +
      `read from each package's \`src/index.ts\`. Exports and members without documentation are listed on ` +
      `[Documentation gaps](./gaps.md) (${result.gaps.length} today).`,
    '',
  ];
  for (const { pkg, exports } of result.packages) {
    out.push(`## ${pkg.name}`, '', `${pkg.description} [Guide](/guide/${pkg.slug}) · [Package page](/api/${pkg.apiSlug}/)`, '');
    const byKind = new Map<string, ApiExport[]>();
    for (const e of exports) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
    const kinds = [...byKind.keys()].sort((a, b) => rank(a) - rank(b));
    for (const kind of kinds) {
      const items = byKind.get(kind)!.sort((a, b) => a.name.localeCompare(b.name));
      const label = kind === 'Reference' ? 'Re-exports' : plural(kind);
      out.push(`**${label}** (${items.length}): ${items.map((e) => `[\`${e.name}\`](${e.url})`).join(' · ')}`, '');
    }
  }
  return `${out.join('\n')}\n`;
}

function rank(kind: string): number {
  const i = GROUP_ORDER.indexOf(kind);
  return i < 0 ? GROUP_ORDER.length : i;
}

function plural(kind: string): string {
  if (kind === 'Class') return 'Classes';
  if (kind === 'Type Alias') return 'Type aliases';
  return `${kind}s`;
}

/** `api/gaps.md`: what lacks documentation, by package and export. */
export function gapsMarkdown(result: ApiResult, pkgs: PackageInfo[]): string {
  const out = [
    '---',
    'outline: [2, 2]',
    'aside: false',
    'pageClass: wide-page',
    '---',
    '',
    '# Documentation gaps',
    '',
    'Generated at build time from the same TypeDoc run as the [API reference](./index.md): every exported symbol, ' +
      'property, method and accessor that TypeDoc\'s `notDocumented` check would flag (an overloaded function ' +
      'counts once; inherited members are listed where they are declared; the fields of a function\'s parameter and ' +
      'return types are left to the function\'s own docs). Fix a gap by adding TSDoc in the ' +
      'package source; the page regenerates with the site.',
    '',
    `**${result.gaps.length}** undocumented exports and members; ` +
      `**${pkgs.filter((p) => !p.readme).length}** packages without a README; ` +
      `**${result.unexportedLinks.length}** links to symbols that are not exported.`,
    '',
  ];
  const noReadme = pkgs.filter((p) => !p.readme);
  if (noReadme.length) {
    out.push('## Packages without a README', '', ...noReadme.map((p) => `- \`${p.name}\` (\`packages/${p.slug}/README.md\`)`), '');
  }
  if (result.unexportedLinks.length) {
    out.push('## Links to symbols that are not exported', '', 'These links render as plain text: export the symbol or link to a public one.', '');
    out.push(...result.unexportedLinks.map((w) => `- ${escapeMd(w)}`), '');
  }
  for (const pkg of pkgs) {
    const gaps = result.gaps.filter((g) => g.pkg === pkg.name);
    out.push(`## ${pkg.name}`, '');
    if (!gaps.length) {
      out.push('No gaps: every export and member is documented.', '');
      continue;
    }
    out.push(`${gaps.length} undocumented.`, '', '| export | undocumented | kind | source |', '| --- | --- | --- | --- |');
    const sorted = [...gaps].sort((a, b) => a.exportName.localeCompare(b.exportName) || a.name.localeCompare(b.name));
    for (const g of sorted) {
      const exp = g.url ? `[\`${g.exportName}\`](${g.url})` : `\`${g.exportName}\``;
      out.push(`| ${exp} | \`${g.name.replace(/\|/g, '\\|')}\` | ${g.kind} | \`${g.where}\` |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** The sidebar of `/api/`: the overview, the gaps, one entry per package. */
export function apiSidebar(result: ApiResult): unknown {
  return [
    {
      text: 'API reference',
      items: [
        { text: 'All exports', link: '/api/' },
        { text: `Documentation gaps (${result.gaps.length})`, link: '/api/gaps' },
      ],
    },
    {
      text: 'Packages',
      items: result.packages.map(({ pkg, exports }) => ({ text: `${pkg.name} (${exports.length})`, link: `/api/${pkg.apiSlug}/` })),
    },
  ];
}

export async function writeApiExtras(result: ApiResult, pkgs: PackageInfo[], outDir: string, generatedDir: string): Promise<void> {
  await writeFile(join(outDir, 'index.md'), apiIndexMarkdown(result));
  await writeFile(join(outDir, 'gaps.md'), gapsMarkdown(result, pkgs));
  await mkdir(generatedDir, { recursive: true });
  await writeFile(join(generatedDir, 'api-sidebar.json'), `${JSON.stringify(apiSidebar(result), null, 2)}\n`);
  await writeFile(
    join(generatedDir, 'api-summary.json'),
    `${JSON.stringify(
      {
        packages: result.packages.map(({ pkg, exports }) => ({ name: pkg.name, slug: pkg.apiSlug, exports: exports.map((e) => e.name) })),
        gaps: result.gaps,
        unexportedLinks: result.unexportedLinks,
      },
      null,
      2,
    )}\n`,
  );
}

/** For tests: the summary the last build wrote. */
export async function readApiSummary(generatedDir: string): Promise<{ packages: Array<{ name: string; slug: string; exports: string[] }>; gaps: Gap[] }> {
  return JSON.parse(await readFile(join(generatedDir, 'api-summary.json'), 'utf8'));
}
