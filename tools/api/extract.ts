/**
 * Reads a package's public API from its entry file with the TypeScript compiler: every export,
 * its signatures as written in the source (defaults kept, namespace qualifiers dropped) and the
 * summary of its doc comment; for exported classes and interfaces, their public members; and the
 * types those signatures name that the entry does not export.
 */
import { dirname } from 'node:path';
import ts from 'typescript';

export type EntryKind = 'function' | 'class' | 'constant' | 'type';
export type MemberKind = 'method' | 'property';

export interface ApiMember {
  name: string;
  kind: MemberKind;
  /** Call signatures (methods), or `name: Type` (properties). */
  signatures: string[];
  summary: string;
  /** The `// ---- name ----` section of the class body the member is declared under. */
  section: string | null;
}

export interface ApiEntry {
  name: string;
  kind: EntryKind;
  signatures: string[];
  summary: string;
  /** The declaring file, relative to the entry's directory and without extension: `ops/reduce`. */
  module: string;
  /** Another export naming the same declaration (`clip` for `clamp`). */
  aliasOf?: string;
  /** A type the exports' signatures name that the entry does not export. */
  internal?: true;
  /** Class and interface members. */
  members?: ApiMember[];
}

const TYPE_FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType |
  ts.TypeFormatFlags.WriteArrowStyleSignature;

/** Reads the exports of `entry`, compiled with the options of `tsconfig`. */
export function extractApi(entry: string, tsconfig: string): ApiEntry[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  const program = ts.createProgram({ rootNames: [entry], options: parsed.options });
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`${entry} is not in the program`);
  return new Extractor(program.getTypeChecker(), dirname(entry)).module(source);
}

class Extractor {
  /** The declaration each export resolves to, to find aliases (first export wins). */
  private readonly exported = new Map<ts.Symbol, string>();
  /** Type aliases and interfaces of the package that the rendered signatures name. */
  private readonly named = new Set<ts.Symbol>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly root: string,
  ) {}

  module(source: ts.SourceFile): ApiEntry[] {
    const moduleSymbol = this.checker.getSymbolAtLocation(source);
    if (!moduleSymbol) return [];
    const entries = this.checker
      .getExportsOfModule(moduleSymbol)
      .map((s) => this.entry(s.name, this.resolve(s)))
      .filter((e): e is ApiEntry => e !== null);
    // Each internal type's definition may name further ones: the set grows while it is walked.
    for (const symbol of this.named) {
      if (this.exported.has(symbol)) continue;
      const entry = this.entry(symbol.name, symbol);
      if (entry) entries.push({ ...entry, internal: true });
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  private resolve(s: ts.Symbol): ts.Symbol {
    return s.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s;
  }

  private entry(name: string, symbol: ts.Symbol): ApiEntry | null {
    const decl = symbol.declarations?.[0];
    if (!decl) return null;
    const aliasOf = this.exported.get(symbol);
    if (aliasOf === undefined) this.exported.set(symbol, name);
    const base = {
      name,
      summary: summaryOf(symbol, this.checker),
      module: this.moduleOf(decl),
      ...(aliasOf !== undefined ? { aliasOf } : {}),
    };
    if (ts.isClassDeclaration(decl)) {
      const signatures = this.classSigs(decl);
      return { ...base, kind: 'class', signatures, members: this.members(decl) };
    }
    if (ts.isInterfaceDeclaration(decl)) {
      const signatures = [this.interfaceText(decl)];
      return { ...base, kind: 'type', signatures, members: this.members(decl) };
    }
    if (ts.isTypeAliasDeclaration(decl)) {
      const text = `type ${decl.name.text}${this.typeParams(decl)} = ${this.typeNode(decl.type)}`;
      return { ...base, kind: 'type', signatures: [text] };
    }
    const type = this.checker.getTypeOfSymbolAtLocation(symbol, decl);
    const calls = type.getCallSignatures();
    if (calls.length > 0) {
      return { ...base, kind: 'function', signatures: calls.map((s) => this.sig(name, s)) };
    }
    return { ...base, kind: 'constant', signatures: [`${name}: ${this.constantType(decl, type)}`] };
  }

  /** As annotated; `{ inv, det, ... }` for an object of other exports (`linalg`). */
  private constantType(decl: ts.Declaration, type: ts.Type): string {
    if (!ts.isVariableDeclaration(decl)) return this.type(type, decl);
    if (decl.type) return this.typeNode(decl.type);
    const init = decl.initializer;
    if (init && ts.isObjectLiteralExpression(init)) {
      const keys = init.properties.filter(ts.isShorthandPropertyAssignment).map((p) => p.name.text);
      if (keys.length === init.properties.length) return `{ ${keys.join(', ')} }`;
    }
    return this.type(type, decl);
  }

  /** `class X extends Y` and its public constructors as `new X(...)`. */
  private classSigs(decl: ts.ClassDeclaration): string[] {
    const name = decl.name?.text ?? 'default';
    const ctors = decl.members
      .filter(ts.isConstructorDeclaration)
      .filter((m, _, all) => !isHidden(m) && (m.body === undefined || all.length === 1))
      .map((m) => `new ${name}(${m.parameters.map((p) => this.param(p)).join(', ')})`);
    return [`class ${name}${this.heritage(decl)}`, ...ctors];
  }

  /** `interface X<T> extends Y { a: A; b?: B }` on one line. */
  private interfaceText(decl: ts.InterfaceDeclaration): string {
    const members = decl.members.map((m) => {
      if (ts.isPropertySignature(m) && m.type) {
        const name = m.name.getText();
        const ro = m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword);
        return `${ro ? 'readonly ' : ''}${name}${m.questionToken ? '?' : ''}: ${this.typeNode(m.type)}`;
      }
      return source(m).replace(/[;,]$/, '');
    });
    const body = members.length > 0 ? `{ ${members.join('; ')} }` : '{}';
    return `interface ${decl.name.text}${this.typeParams(decl)}${this.heritage(decl)} ${body}`;
  }

  private heritage(decl: ts.ClassDeclaration | ts.InterfaceDeclaration): string {
    return (decl.heritageClauses ?? []).map((h) => ` ${this.typeNode(h)}`).join('');
  }

  private typeParams(decl: ts.DeclarationWithTypeParameterChildren): string {
    const params = decl.typeParameters;
    return params?.length ? `<${params.map((p) => this.typeNode(p)).join(', ')}>` : '';
  }

  private moduleOf(decl: ts.Node): string {
    const file = decl.getSourceFile().fileName;
    const rel = file.startsWith(`${this.root}/`) ? file.slice(this.root.length + 1) : file;
    return rel.replace(/(\.d)?\.[cm]?tsx?$/, '');
  }

  /**
   * Public instance members of a class or interface in declaration order, with the section
   * comment each falls under; `override`s of a base class's members are the base's business.
   */
  private members(decl: ts.ClassDeclaration | ts.InterfaceDeclaration): ApiMember[] {
    const text = decl.getSourceFile().text;
    const out = new Map<string, ApiMember>();
    let section: string | null = null;
    for (const m of decl.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
      section = sectionBefore(text, m.getFullStart()) ?? section;
      if (!isPublic(m) || !m.name || !ts.isIdentifier(m.name) || out.has(m.name.text)) continue;
      const name = m.name.text;
      const symbol = this.checker.getSymbolAtLocation(m.name);
      if (!symbol) continue;
      const summary = summaryOf(symbol, this.checker);
      const optional = symbol.flags & ts.SymbolFlags.Optional ? '?' : '';
      const type = this.checker.getNonNullableType(
        this.checker.getTypeOfSymbolAtLocation(symbol, m),
      );
      if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) {
        const signatures = type.getCallSignatures().map((s) => this.sig(name + optional, s));
        out.set(name, { name, kind: 'method', signatures, summary, section });
        continue;
      }
      const typed = ts.isPropertyDeclaration(m) || ts.isPropertySignature(m) || ts.isAccessor(m);
      const written = typed && m.type ? this.typeNode(m.type) : this.type(type, m);
      const shown = `${isReadonly(symbol) ? 'readonly ' : ''}${name}${optional}: ${written}`;
      out.set(name, { name, kind: 'property', signatures: [shown], summary, section });
    }
    return [...out.values()];
  }

  /** `name<T>(a: A, b = 1, ...rest: R[]): Ret`, parameters as written where the source has them. */
  private sig(name: string, sig: ts.Signature): string {
    const decl = sig.getDeclaration() as ts.SignatureDeclaration | undefined;
    const typeParams = decl ? this.typeParams(decl) : '';
    const params = decl
      ? decl.parameters.map((p) => this.param(p))
      : sig.parameters.map((p) => `${p.name}: ${this.type(this.checker.getTypeOfSymbol(p))}`);
    // `ReturnType<typeof D.slogdet>` reads better resolved.
    const written = decl?.type ? this.typeNode(decl.type) : null;
    const ret =
      written !== null && !/\btypeof\b/.test(written)
        ? written
        : this.type(sig.getReturnType(), decl);
    return `${name}${typeParams}(${params.join(', ')}): ${ret}`;
  }

  private param(p: ts.ParameterDeclaration): string {
    const rest = p.dotDotDotToken ? '...' : '';
    const name = ts.isIdentifier(p.name) ? p.name.text : 'opts';
    if (p.initializer && isLiteral(p.initializer)) return `${name} = ${source(p.initializer)}`;
    const optional = p.questionToken || p.initializer ? '?' : '';
    const type = p.type
      ? this.typeNode(p.type)
      : this.type(this.checker.getTypeAtLocation(p), p, Boolean(p.initializer));
    return `${rest}${name}${optional}: ${type}`;
  }

  /** A type as written, noting the package's types it names. */
  private typeNode(node: ts.Node): string {
    const visit = (n: ts.Node): void => {
      if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n)) {
        const at = ts.isTypeReferenceNode(n) ? n.typeName : n.expression;
        const symbol = this.checker.getSymbolAtLocation(at);
        if (symbol) this.note(this.resolve(symbol));
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    return source(node);
  }

  private note(symbol: ts.Symbol): void {
    const decl = symbol.declarations?.[0];
    if (!decl || decl.getSourceFile().isDeclarationFile) return;
    if (ts.isTypeAliasDeclaration(decl) || ts.isInterfaceDeclaration(decl)) this.named.add(symbol);
  }

  private type(type: ts.Type, at?: ts.Node, widen = false): string {
    const t = widen ? this.checker.getBaseTypeOfLiteralType(type) : type;
    return this.checker.typeToString(t, at, TYPE_FLAGS).replace(/; }/g, ' }');
  }
}

/** The first paragraph of the doc comment, on one line. */
function summaryOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker));
  return text
    .split(/\n\s*\n/)[0]
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of `// ---- name ----` among the comments just before `pos`, if any. */
function sectionBefore(text: string, pos: number): string | null {
  let found: string | null = null;
  for (const c of ts.getLeadingCommentRanges(text, pos) ?? []) {
    const m = /^\/\/\s*-{2,}\s*(.+?)\s*-{2,}\s*$/.exec(text.slice(c.pos, c.end));
    if (m) found = m[1];
  }
  return found;
}

function isPublic(m: ts.ClassElement | ts.TypeElement): boolean {
  const flags = ts.ModifierFlags.Static | ts.ModifierFlags.Override;
  return !ts.isConstructorDeclaration(m) && !isHidden(m) && !(modifiers(m) & flags);
}

function isHidden(m: ts.ClassElement | ts.TypeElement): boolean {
  return (modifiers(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
}

function modifiers(m: ts.ClassElement | ts.TypeElement): ts.ModifierFlags {
  return ts.getCombinedModifierFlags(m as ts.Declaration);
}

function isReadonly(symbol: ts.Symbol): boolean {
  const decls = symbol.declarations ?? [];
  if (decls.some(ts.isSetAccessorDeclaration)) return false;
  return decls.some(
    (d) =>
      ts.isGetAccessorDeclaration(d) ||
      ts.getCombinedModifierFlags(d as ts.Declaration) & ts.ModifierFlags.Readonly,
  );
}

function isLiteral(e: ts.Expression): boolean {
  if (ts.isPrefixUnaryExpression(e)) return isLiteral(e.operand);
  return (
    ts.isNumericLiteral(e) ||
    ts.isStringLiteral(e) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword
  );
}

/** Source text on one line, without comments and without `X.` of namespace imports. */
function source(node: ts.Node): string {
  const file = node.getSourceFile();
  const text = node
    .getText(file)
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^\| /, '')
    .replace(/([([<]) /g, '$1')
    .replace(/ ([)\]>])/g, '$1')
    .replace(/[;,] }/g, ' }')
    .replace(/{(?=\S)/g, '{ ')
    .replace(/(?<=[^\s{])}/g, ' }')
    .replace(/,(?=[)\]>])/g, '');
  const ns = namespaceImports(file);
  if (ns.length === 0) return text;
  return text.replace(new RegExp(`\\b(?:${ns.join('|')})\\.(?=[A-Za-z_$])`, 'g'), '');
}

const nsCache = new WeakMap<ts.SourceFile, string[]>();

/** The local names of `import * as X` in a file. */
function namespaceImports(file: ts.SourceFile): string[] {
  let names = nsCache.get(file);
  if (names) return names;
  names = [];
  for (const s of file.statements) {
    const bindings = ts.isImportDeclaration(s) ? s.importClause?.namedBindings : undefined;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
  }
  nsCache.set(file, names);
  return names;
}
