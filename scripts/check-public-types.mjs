#!/usr/bin/env node
// The public types as a user sees them: the built declarations (dist/types)
// of the installed package, read with the TypeScript compiler.
//
// For `ai-chat-element` and `ai-chat-element/element` it fails when
//   - a declaration of the package that the API names (a property's type, a
//     hook's parameter, an event's detail, and what those name in turn) is
//     not exported from the entry, so a user could not write its name;
//   - a PascalCase or UPPER_CASE name in a code span of README.md or docs/*.md
//     that the package declares is not exported from the entry;
//   - the entry exports a name that test/types/consumer.ts does not use, so
//     the consumer (compiled by scripts/pack-check.mjs against the packed
//     tarball) stays a complete list.
//
// scripts/pack-check.mjs runs it on the app that installed the tarball. On its
// own, after `npm run build`, it links the working tree into a scratch app:
//
//   node scripts/check-public-types.mjs
//
// Ends with `public-types: N passed, N failed` on its own.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const PACKAGE = 'ai-chat-element';
/** Entries that must each export every type the API names. */
export const TYPED_ENTRIES = [PACKAGE, `${PACKAGE}/element`];
export const CONSUMER = join(ROOT, 'test/types/consumer.ts');

/** The consumer without its first line (`// @ts-nocheck`, there only for the project's own type check). */
export function consumerSource() {
  const [first, ...rest] = readFileSync(CONSUMER, 'utf8').split('\n');
  if (!first.startsWith('// @ts-nocheck')) throw new Error(`${relative(ROOT, CONSUMER)} should start with // @ts-nocheck`);
  return rest.join('\n');
}

/**
 * Problems with the public types, one line each, for the consumer file at
 * `consumerPath` inside an app where the package is installed.
 */
export function publicTypeProblems(consumerPath, compilerOptions, { compile = false } = {}) {
  const options = ts.convertCompilerOptionsFromJson(compilerOptions, dirname(consumerPath)).options;
  const program = ts.createProgram([consumerPath], { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const consumer = program.getSourceFile(consumerPath);
  const used = namesUsedPerEntry(consumer);
  // pack-check compiles the consumer with tsc itself; on its own this script reports the errors too.
  const problems = compile
    ? ts.getPreEmitDiagnostics(program, consumer).map((diagnostic) => {
        const at = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        // +2: lines count from 1, and the copy lacks the source's first line.
        return `test/types/consumer.ts${at ? `:${at.line + 2}` : ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
      })
    : [];
  for (const entry of TYPED_ENTRIES) {
    const resolved = ts.resolveModuleName(entry, consumerPath, options, ts.sys).resolvedModule;
    const file = resolved && program.getSourceFile(resolved.resolvedFileName);
    if (!file) {
      problems.push(`${entry}: its declarations do not resolve from ${consumerPath}`);
      continue;
    }
    const typesDir = dirname(file.fileName) + sep;
    const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(file)).map((s) => [s.name, s]));
    for (const [name, via] of namedByTheApi(checker, [...exported.values()], typesDir)) {
      if (!exported.has(name)) problems.push(`${entry}: the API names ${name} (in ${via}), which it does not export`);
    }
    const declared = declaredNames(program, typesDir);
    for (const name of namesInDocs()) {
      if (declared.has(name) && !exported.has(name)) problems.push(`${entry}: the docs name ${name}, which it does not export`);
    }
    for (const name of exported.keys()) {
      if (!used.get(entry)?.has(name)) problems.push(`${entry}: exports ${name}, which test/types/consumer.ts does not use`);
    }
  }
  return problems;
}

/** Entry → the names the consumer imports from it, or reads as `namespace.Name`. */
function namesUsedPerEntry(source) {
  const used = new Map();
  const namespaces = new Map();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
    const entry = statement.moduleSpecifier.text;
    const names = used.get(entry) ?? new Set();
    used.set(entry, names);
    const bindings = statement.importClause.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) names.add((element.propertyName ?? element.name).text);
    } else if (bindings && ts.isNamespaceImport(bindings)) {
      namespaces.set(bindings.name.text, names);
    }
  }
  const visit = (node) => {
    const [left, right] = ts.isQualifiedName(node)
      ? [node.left, node.right]
      : ts.isPropertyAccessExpression(node)
        ? [node.expression, node.name]
        : [];
    if (left && ts.isIdentifier(left)) namespaces.get(left.text)?.add(right.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return used;
}

/**
 * Name → where it was met, for every top-level declaration of the package that
 * the exported declarations name, following those names in turn. Private
 * members are left out: the declarations keep no type for them.
 */
function namedByTheApi(checker, exports, typesDir) {
  const named = new Map();
  const seen = new Set();
  const inPackage = (node) => node.getSourceFile().fileName.startsWith(typesDir);
  const queue = exports.map((symbol) => resolveAlias(checker, symbol));
  while (queue.length) {
    const symbol = queue.shift();
    if (!symbol || seen.has(symbol)) continue;
    seen.add(symbol);
    for (const declaration of symbol.declarations ?? []) {
      if (!inPackage(declaration)) continue;
      const where = `${symbol.name}, ${relative(typesDir, declaration.getSourceFile().fileName)}`;
      const visit = (node) => {
        if (isPrivate(node)) return;
        const target = referencedSymbol(checker, node);
        if (target) {
          const top = topLevelDeclaration(target, inPackage);
          if (top) {
            if (!named.has(target.name)) named.set(target.name, where);
            queue.push(target);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(declaration);
    }
  }
  return named;
}

function resolveAlias(checker, symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The symbol a type reference, `typeof x`, `import('…').X` or heritage clause names. */
function referencedSymbol(checker, node) {
  let name;
  if (ts.isTypeReferenceNode(node)) name = node.typeName;
  else if (ts.isTypeQueryNode(node)) name = node.exprName;
  else if (ts.isImportTypeNode(node)) name = node.qualifier;
  else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
  if (!name) return undefined;
  const last = ts.isQualifiedName(name) ? name.right : ts.isPropertyAccessExpression(name) ? name.name : name;
  const symbol = checker.getSymbolAtLocation(last);
  return symbol && resolveAlias(checker, symbol);
}

/** A declaration of the symbol that stands at the top of a package file (not a member or a type parameter). */
function topLevelDeclaration(symbol, inPackage) {
  return (symbol.declarations ?? []).find((declaration) => {
    if (!inPackage(declaration)) return false;
    const statement = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
    return statement.parent && ts.isSourceFile(statement.parent);
  });
}

function isPrivate(node) {
  if (ts.isPrivateIdentifier(node.name ?? node)) return true;
  return (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some(
    (modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword,
  );
}

/** Every top-level name declared in the package's declaration files. */
function declaredNames(program, typesDir) {
  const names = new Set();
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(typesDir)) continue;
    for (const statement of file.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text);
        }
      } else if (statement.name && ts.isIdentifier(statement.name)) {
        names.add(statement.name.text);
      }
    }
  }
  return names;
}

/** PascalCase and UPPER_CASE names in the code spans and blocks of README.md and docs/*.md. */
function namesInDocs() {
  const docs = [join(ROOT, 'README.md'), ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f))];
  const names = new Set();
  for (const path of docs) {
    const text = readFileSync(path, 'utf8');
    const code = [...text.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`\n]+)`/g)].map((match) => match[1] ?? match[2]);
    for (const span of code) for (const [name] of span.matchAll(/\b(?:[A-Z][a-z0-9]+[A-Za-z0-9]*|[A-Z][A-Z0-9_]{2,})\b/g)) names.add(name);
  }
  return names;
}

// On its own: a scratch app whose node_modules links to this working tree.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const app = mkdtempSync(join(tmpdir(), 'ai-chat-types-'));
  let failed = 0;
  try {
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(ROOT, join(app, 'node_modules', PACKAGE), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'public-types-app', private: true, type: 'module' }));
    const consumer = join(app, 'consumer.ts');
    writeFileSync(consumer, consumerSource());
    const problems = publicTypeProblems(consumer, {
      target: 'ES2022',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      types: [],
    }, { compile: true });
    for (const problem of problems) console.log(`  FAIL ${problem}`);
    failed = problems.length;
    console.log(`\npublic-types: ${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}
