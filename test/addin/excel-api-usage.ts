import { relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Which Office.js members a set of source files uses, and the requirement set each belongs
 * to, read with the TypeScript compiler from the `[Api set: ExcelApi x.y]` annotations of
 * @types/office-js. Used by test/addin/excel-api-set.test.ts to hold the adapter to the
 * manifest's ExcelApi 1.8.
 *
 * What counts as a use: a property access or a call (`range.format.fill.color`,
 * `worksheets.add(…)`), a property of an object literal whose type is an Office.js
 * interface (`protect({ allowEditObjects: … })`, `dv.rule = { list: … }`, spread
 * properties included), and a string
 * cast to an Office.js enum (`'Custom' as Excel.ConditionalFormatType`) or written where one
 * is expected (`sheet.visibility = 'Hidden'`), whose member carries its own annotation). Each is resolved to its declaration; only declarations inside
 * the `Excel` namespace are judged (OfficeExtension's runtime — `context.sync()`,
 * `isNullObject` — has no requirement set of its own).
 */

export interface ApiUse {
  /** "Excel.Range.values". */
  member: string;
  /** "addin/excel/office/write-sheet.ts:63". */
  where: string;
  /** The requirement set, e.g. { set: 'ExcelApi', version: [1, 8] }; null when the declaration has no annotation. */
  apiSet: { set: string; version: [number, number] | null; text: string } | null;
}

/**
 * Members declared in the Excel namespace without an annotation, neither on themselves nor on
 * their class, that belong to ExcelApi 1.1, the first set: the entry point and the context's
 * workbook. Any other such member fails the check (its set cannot be known, so it is not
 * assumed to be old).
 */
export const UNANNOTATED_BASE_MEMBERS = new Set(['Excel.run', 'Excel.RequestContext.workbook']);

const API_SET = /\[Api set:\s*([A-Za-z]+)\s*(\d+)\.(\d+)?[^\]]*\]|\[Api set:\s*([^\]]*)\]/;

function apiSetOf(declaration: ts.Declaration): ApiUse['apiSet'] {
  const source = declaration.getSourceFile();
  const comments = ts.getLeadingCommentRanges(source.text, declaration.getFullStart()) ?? [];
  for (const range of comments.reverse()) {
    const m = API_SET.exec(source.text.slice(range.pos, range.end));
    if (!m) continue;
    if (m[1]) return { set: m[1], version: [Number(m[2]), Number(m[3] ?? 0)], text: m[0] };
    return { set: (m[4] ?? '').trim(), version: null, text: m[0] };
  }
  return null;
}

/**
 * An unannotated member (a collection's `items`, the per-class `load` and `toJSON`) belongs
 * to the set of the class or interface that declares it.
 */
function ownerApiSet(declaration: ts.Declaration): ApiUse['apiSet'] {
  const owner = declaration.parent;
  if (!owner || !(ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner) || ts.isEnumDeclaration(owner))) return null;
  const set = apiSetOf(owner);
  return set ? { ...set, text: `${set.text} (of ${owner.name?.text ?? 'its owner'})` } : null;
}

/** "Excel.Range.values" for a declaration inside `declare namespace Excel`, else null. */
function excelName(declaration: ts.Declaration): string | null {
  const parts: string[] = [];
  let node: ts.Node | undefined = declaration;
  let inExcel = false;
  while (node) {
    if (ts.isModuleDeclaration(node)) {
      parts.unshift(node.name.text);
      if (node.name.text === 'Excel' && ts.isSourceFile(node.parent)) inExcel = true;
    } else if ((ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node)) && node.name) {
      parts.unshift(node.name.text);
    } else if ((ts.isPropertyDeclaration(node) || ts.isPropertySignature(node) || ts.isMethodDeclaration(node) || ts.isMethodSignature(node) || ts.isEnumMember(node) || ts.isFunctionDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
      parts.unshift(node.name.text);
    }
    node = node.parent;
  }
  return inExcel ? parts.join('.') : null;
}

function propertyOf(checker: ts.TypeChecker, type: ts.Type | undefined, name: string): ts.Symbol | undefined {
  if (!type) return undefined;
  const t = checker.getNonNullableType(type);
  if (t.isUnion()) {
    for (const part of t.types) {
      const found = propertyOf(checker, part, name);
      if (found) return found;
    }
    return undefined;
  }
  return t.getProperty(name);
}

/** The Excel-namespace declarations a node uses, with the node to report them at. */
function usesOf(checker: ts.TypeChecker, node: ts.Node): Array<{ symbol: ts.Symbol; at: ts.Node }> {
  if (ts.isPropertyAccessExpression(node)) {
    const symbol = checker.getSymbolAtLocation(node.name);
    return symbol ? [{ symbol, at: node.name }] : [];
  }
  if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isObjectLiteralExpression(node.parent) && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))) {
    const symbol = propertyOf(checker, checker.getContextualType(node.parent), node.name.text);
    return symbol ? [{ symbol, at: node.name }] : [];
  }
  if (ts.isSpreadAssignment(node) && ts.isObjectLiteralExpression(node.parent)) {
    // `{ ...options }` where an Office.js interface is expected: each spread property is a use.
    const contextual = checker.getContextualType(node.parent);
    return checker
      .getTypeAtLocation(node.expression)
      .getProperties()
      .flatMap((p) => {
        const symbol = propertyOf(checker, contextual, p.name);
        return symbol ? [{ symbol, at: node.expression }] : [];
      });
  }
  if (ts.isAsExpression(node) && ts.isStringLiteral(node.expression)) {
    const literal = node.expression;
    const target = checker.getTypeAtLocation(node.type);
    const enumSymbol = target.aliasSymbol ?? target.getSymbol();
    const declaration = enumSymbol?.declarations?.[0];
    if (!declaration || !ts.isEnumDeclaration(declaration)) {
      const symbol = enumMemberOf(target, literal.text);
      return symbol ? [{ symbol, at: literal }] : [];
    }
    const member = declaration.members.find((m) => m.initializer && ts.isStringLiteral(m.initializer) && m.initializer.text === literal.text);
    const symbol = member ? checker.getSymbolAtLocation(member.name) : undefined;
    return symbol ? [{ symbol, at: literal }] : [];
  }
  if (ts.isStringLiteral(node) && !ts.isAsExpression(node.parent)) {
    // A plain string where an Office.js enum is expected (`visibility = 'Hidden'`): its member.
    for (const type of expectedTypes(checker, node)) {
      const symbol = enumMemberOf(type, node.text);
      if (symbol) return [{ symbol, at: node }];
    }
    return [];
  }
  return [];
}

/**
 * The types a string literal is expected to have: its contextual type, or for an argument the
 * parameter's type in every overload (Office.js declares the enum and its strings as separate
 * overloads, and the one chosen is the strings').
 */
function expectedTypes(checker: ts.TypeChecker, node: ts.StringLiteral): ts.Type[] {
  const call = node.parent;
  if (ts.isCallExpression(call) && call.arguments.some((a) => a === node)) {
    const index = call.arguments.findIndex((a) => a === node);
    return checker
      .getTypeAtLocation(call.expression)
      .getCallSignatures()
      .flatMap((signature) => {
        const parameter = signature.getParameters()[index];
        return parameter ? [checker.getTypeOfSymbolAtLocation(parameter, call)] : [];
      });
  }
  const contextual = checker.getContextualType(node);
  return contextual ? [contextual] : [];
}

/** The enum member with this string value among a type's union members (Excel.X is a string enum). */
function enumMemberOf(type: ts.Type, text: string): ts.Symbol | undefined {
  for (const part of type.isUnion() ? type.types : [type]) {
    const symbol = part.getSymbol();
    const d = symbol?.declarations?.[0];
    if (d && ts.isEnumMember(d) && d.initializer && ts.isStringLiteral(d.initializer) && d.initializer.text === text) return symbol;
  }
  return undefined;
}

/** Every use of an Excel-namespace member in the given files, each with its requirement set. */
export function excelApiUses(program: ts.Program, files: readonly string[], root: string): ApiUse[] {
  const checker = program.getTypeChecker();
  const out: ApiUse[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not in the program: ${file}`);
    const visit = (node: ts.Node) => {
      for (const { symbol, at } of usesOf(checker, node)) {
        const resolved = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        for (const declaration of resolved.declarations ?? []) {
          const member = excelName(declaration);
          if (!member) continue;
          const { line } = source.getLineAndCharacterOfPosition(at.getStart(source));
          out.push({ member, where: `${relative(root, file)}:${line + 1}`, apiSet: apiSetOf(declaration) ?? ownerApiSet(declaration) });
          break;
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** What is wrong with a use under a highest allowed ExcelApi version; null when it is fine. */
export function problemOf(use: ApiUse, highest: [number, number]): string | null {
  if (!use.apiSet) return UNANNOTATED_BASE_MEMBERS.has(use.member) ? null : `${use.member} (${use.where}) has no [Api set] annotation`;
  if (use.apiSet.set !== 'ExcelApi' || !use.apiSet.version) return `${use.member} (${use.where}) needs ${use.apiSet.text}, not ExcelApi`;
  const [major, minor] = use.apiSet.version;
  if (major > highest[0] || (major === highest[0] && minor > highest[1])) return `${use.member} (${use.where}) needs ExcelApi ${major}.${minor}, above ${highest.join('.')}`;
  return null;
}

/** A program over the files with office-js's types, as the add-in's tsconfig compiles them; `extra` adds in-memory files. */
export function programOver(files: readonly string[], root: string, extra: ReadonlyMap<string, string> = new Map()): ts.Program {
  const config = ts.readConfigFile(resolve(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options: ts.CompilerOptions = { ...parsed.options, types: ['office-js'], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], noEmit: true };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => extra.get(resolve(f)) ?? read(f);
  host.fileExists = (f) => extra.has(resolve(f)) || exists(f);
  host.getSourceFile = (f, language, onError, create) => {
    const text = extra.get(resolve(f));
    return text !== undefined ? ts.createSourceFile(f, text, language, true) : getSource(f, language, onError, create);
  };
  host.getDirectories = (d) => (ts.sys.getDirectories ? ts.sys.getDirectories(d) : []);
  return ts.createProgram({ rootNames: [...files, ...extra.keys()], options, host });
}
