import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['command', 'projector', 'query', 'infra/kernel'];

// Methods that take SQL text: node-postgres `query`, and slonik's query methods.
const PG_METHODS = new Set(['query']);
const SLONIK_METHODS = new Set([
  'query',
  'any',
  'anyFirst',
  'one',
  'oneFirst',
  'maybeOne',
  'maybeOneFirst',
  'many',
  'manyFirst',
  'exists',
  'stream',
]);
const PG_DECL = /node_modules\/(@types\/pg|pg|pg-pool)\//;
const SLONIK_DECL = /node_modules\/(slonik|@slonik\/[^/]+)\//;
// The projector's statement builder: `sql(text, values)` and `jsonRows({...})` (projector/sql.ts).
const SQL_BUILDER = /projector\/sql\.ts$/;

/**
 * SQL text that is not a compile-time constant but is built from trusted, validated parts. Each entry is the
 * exact source text of the dynamic part in that file, so a changed expression needs a new review.
 */
const ALLOWED: readonly { file: string; expr: string | RegExp; reason: string }[] = [
  {
    file: 'projector/rebuild/readModelChecksums.ts',
    expr: 'schema',
    reason: 'a schema name checked against ^[a-z_][a-z0-9_]*$ first (rm, or a rebuild schema from code)',
  },
  {
    file: 'projector/rebuild/rebuild.ts',
    expr: 'oldSchema',
    reason: "'rm_old_' and the digits of the current time",
  },
  {
    file: 'projector/rebuild/shadowSchema.ts',
    expr: /^(src|dst|ident\((name|owner|v\.name|v\.owner)\))$/,
    reason:
      'identifiers checked by ident() against ^[a-z_][a-z0-9_]*$ (schema names from code, names from the catalog)',
  },
  {
    file: 'projector/rebuild/shadowSchema.ts',
    expr: "options.join(', ')",
    reason: 'table options read from pg_class, each checked against ^[a-z_]+=[a-z0-9_.]+$',
  },
  {
    file: 'projector/rebuild/shadowSchema.ts',
    expr: /^(definition\.replace\(\/;\\s\*\$\/, ''\)|def\.replace\(` ON \$\{src\}\.`, ` ON \$\{dst\}\.`\))$/,
    reason:
      'view and index definitions from pg_get_viewdef / pg_get_indexdef (the catalog), re-pointed at the copy',
  },
  {
    file: 'projector/votes/voteProjection.ts',
    expr: /^stats\.(names\(\)|columns\(\)|source\(1\))$/,
    reason:
      "jsonRows column list of fixed names and the constant STAT_COLUMNS (spread in, so beyond this scan's rules)",
  },
  {
    file: 'projector/votes/ballotIndexes.ts',
    expr: 'd.qualified',
    reason: "an index of the ballots table from the catalog, quoted by Postgres's format('%I.%I')",
  },
  {
    file: 'projector/votes/ballotIndexes.ts',
    expr: 'd.definition',
    reason:
      'an index definition pg_get_indexdef gave when it was deferred, checked against INDEX_DEFINITION before it runs',
  },
  {
    file: 'query/search/pgSearch.ts',
    expr: 'texts[mode]',
    reason:
      'statements generated once at module load from the constant BILLS / VOTES definitions; request values are $n parameters',
  },
  {
    file: 'infra/kernel/migrate.ts',
    expr: 'role',
    reason: 'a key of RolePasswords (query, projector, command): ALTER ROLE takes no parameters',
  },
  {
    file: 'infra/kernel/migrate.ts',
    expr: 'literal.rows[0]!.q',
    reason: "the password as quoted by Postgres's quote_literal: ALTER ROLE takes no parameters",
  },
];

type Finding = Readonly<{ file: string; line: number; expr: string; reason: string }>;

const listFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? listFiles(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')
        ? [join(ROOT, dir, e.name)]
        : [],
  );

const declaredIn = (type: ts.Type, pattern: RegExp): boolean => {
  if (type.isUnionOrIntersection()) return type.types.some((t) => declaredIn(t, pattern));
  const symbols = [type.getSymbol(), type.aliasSymbol].filter((s): s is ts.Symbol => !!s);
  return symbols.some((s) => (s.declarations ?? []).some((d) => pattern.test(d.getSourceFile().fileName)));
};

/**
 * Finds every SQL text in `files` that is built at run time. SQL texts are the first argument of a pg or
 * slonik query method (or the `text` of a pg query config), the text of a projector `sql(text, values)`, and
 * the `text` of an object literal typed as a projector `Sql`. Safe are: a slonik `sql` tagged template (its
 * values become bound parameters); the `.text` of a projector `Sql` (each of which is checked here); and a
 * compile-time constant: literals, consts bound to constants, templates and `+` of constants, values of a
 * literal type (an `as const` list's elements; casts do not count), `.map(...).join(...)` of a constant list,
 * and the column lists of a `jsonRows` whose column names and types are literals. Anything else is a finding
 * unless ALLOWED names it.
 */
const scanSqlText = (program: ts.Program, files: readonly string[]) => {
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  const sites = { pg: 0, slonik: 0, builder: 0 };
  const usedAllowances = new Set<(typeof ALLOWED)[number]>();

  const resolve = (node: ts.Node) => {
    const s = checker.getSymbolAtLocation(node);
    return s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  };
  const constInitializer = (node: ts.Node): ts.Expression | null => {
    const decl = resolve(node)?.valueDeclaration;
    if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) return null;
    return ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const ? decl.initializer : null;
  };
  const isSlonikSql = (tag: ts.Expression): boolean => {
    let root = tag;
    while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root))
      root = ts.isCallExpression(root) ? root.expression : root.expression;
    const decl = resolve(root)?.declarations?.[0];
    return !!decl && SLONIK_DECL.test(decl.getSourceFile().fileName);
  };
  const isBuilderCall = (node: ts.Node, name: string) => {
    if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression)) return false;
    const decl = resolve(node.expression)?.valueDeclaration;
    return (
      !!decl &&
      ts.isVariableDeclaration(decl) &&
      decl.name.getText() === name &&
      SQL_BUILDER.test(decl.getSourceFile().fileName)
    );
  };

  /** A string known when the code is written: literals, and consts, concatenations and templates of them. */
  const constant = (e: ts.Expression, seen = new Set<ts.Node>()): boolean => {
    // `seen` holds the expressions being evaluated (a const defined through itself is not constant).
    if (seen.has(e)) return false;
    seen.add(e);
    try {
      return constantNode(e, seen);
    } finally {
      seen.delete(e);
    }
  };
  const constantNode = (e: ts.Expression, seen: Set<ts.Node>): boolean => {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))
      return constant(e.expression, seen);
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e)) return true;
    if (ts.isTemplateExpression(e)) return e.templateSpans.every((s) => constant(s.expression, seen));
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
      return constant(e.left, seen) && constant(e.right, seen);
    if (ts.isConditionalExpression(e)) return constant(e.whenTrue, seen) && constant(e.whenFalse, seen);
    // A value whose type is a string or number literal (or a union of them), such as an element of an
    // `as const` list, or the parameter of a callback mapped over a constant list.
    const type = checker.getTypeAtLocation(e);
    if (literalType(type)) return true;
    if (ts.isIdentifier(e)) {
      const symbol = resolve(e);
      if (symbol && constantParams.has(symbol)) return true;
    }
    // `LIST.map((c) => \`...\${c}...\`).join(', ')` over a constant list.
    if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      e.expression.name.text === 'join'
    )
      return constantList(e.expression.expression, seen) && e.arguments.every((a) => constant(a, seen));
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      const init = constInitializer(ts.isIdentifier(e) ? e : e.name);
      if (init) return constant(init, seen);
      // A property of a const object literal (`QUERIES.byId`).
      const decl = resolve(ts.isIdentifier(e) ? e : e.name)?.valueDeclaration;
      if (decl && ts.isPropertyAssignment(decl)) return constant(decl.initializer, seen);
      return false;
    }
    // `rows.source(1)`, `rows.names()`, `rows.columns()` of a `jsonRows({ col: 'type' })` with constant
    // names and types: quoted identifiers and type names from the code, never values.
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      const init = ts.isIdentifier(e.expression.expression)
        ? constInitializer(e.expression.expression)
        : null;
      if (init && isBuilderCall(init, 'jsonRows'))
        return (
          columnTypes((init as ts.CallExpression).arguments[0], seen) &&
          e.arguments.every((a) => constant(a, seen))
        );
    }
    return false;
  };

  /**
   * A `jsonRows` column map: an object literal of identifier-like names and constant types, and spreads of const
   * maps of the same kind (`{ id: 'text', ...FACETS }`).
   */
  const columnTypes = (e: ts.Expression | undefined, seen: Set<ts.Node>): boolean => {
    while (e && (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)))
      e = e.expression;
    return (
      !!e &&
      ts.isObjectLiteralExpression(e) &&
      e.properties.every((p) =>
        ts.isSpreadAssignment(p)
          ? ts.isIdentifier(p.expression) && columnTypes(constInitializer(p.expression) ?? undefined, seen)
          : ts.isPropertyAssignment(p) &&
            (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
            /^[a-z_][a-z0-9_]*$/.test(p.name.text) &&
            constant(p.initializer, seen),
      )
    );
  };
  const literalType = (t: ts.Type): boolean =>
    t.isUnion() ? t.types.every(literalType) : t.isStringLiteral() || t.isNumberLiteral();
  /** Parameters of callbacks mapped over constant lists: each takes only the list's constant values. */
  const constantParams = new Set<ts.Symbol>();
  /** An array of constants: a literal of constants, a const bound to one, or `.map` of one by a constant callback. */
  const constantList = (e: ts.Expression, seen: Set<ts.Node>): boolean => {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e))
      return constantList(e.expression, seen);
    if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => constant(x, seen));
    if (ts.isIdentifier(e)) {
      const init = constInitializer(e);
      return !!init && constantList(init, seen);
    }
    if (
      ts.isCallExpression(e) &&
      ts.isPropertyAccessExpression(e.expression) &&
      e.expression.name.text === 'map'
    ) {
      const fn = e.arguments[0];
      if (!fn || !ts.isArrowFunction(fn) || !constantList(e.expression.expression, seen)) return false;
      const params = fn.parameters
        .slice(0, 1)
        .map((p) => (ts.isIdentifier(p.name) ? resolve(p.name) : undefined));
      if (params.some((p) => !p)) return false;
      for (const p of params) constantParams.add(p!);
      try {
        return ts.isBlock(fn.body) ? false : constant(fn.body, seen);
      } finally {
        for (const p of params) constantParams.delete(p!);
      }
    }
    return false;
  };

  /** Every part of `e` that makes it SQL text built at run time (none when it is safe). */
  const unsafe = (e: ts.Expression): { expr: ts.Node; reason: string }[] => {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e))
      return unsafe(e.expression);
    if (ts.isConditionalExpression(e)) return [...unsafe(e.whenTrue), ...unsafe(e.whenFalse)];
    if (ts.isTaggedTemplateExpression(e))
      return isSlonikSql(e.tag) ? [] : [{ expr: e.tag, reason: 'a template tag other than slonik sql' }];
    if (constant(e)) return [];
    if (ts.isTemplateExpression(e))
      return e.templateSpans
        .filter((span) => !constant(span.expression))
        .map((span) => ({ expr: span.expression, reason: 'template substitution' }));
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken)
      return [{ expr: e, reason: 'string concatenation' }];
    if (ts.isIdentifier(e)) {
      const init = constInitializer(e);
      if (init) return unsafe(init);
    }
    // The text of a projector statement: every `sql(text, values)` and Sql literal is checked on its own.
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'text') {
      const decls = resolve(e.name)?.declarations ?? [];
      if (decls.length && decls.every((d) => SQL_BUILDER.test(d.getSourceFile().fileName))) return [];
    }
    // A slonik token typed as such (a parameter, a property) can only come from the `sql` tag.
    if (declaredIn(checker.getTypeAtLocation(e), SLONIK_DECL)) return [];
    return [{ expr: e, reason: 'SQL text computed at run time' }];
  };

  const where = (file: ts.SourceFile, node: ts.Node) => ({
    file: relative(ROOT, file.fileName),
    line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1,
    expr: node.getText(file),
  });
  const report = (file: ts.SourceFile, found: { expr: ts.Node; reason: string }) => {
    const { file: rel, expr } = where(file, found.expr);
    const allowance = ALLOWED.find(
      (a) => a.file === rel && (typeof a.expr === 'string' ? a.expr === expr : a.expr.test(expr)),
    );
    if (allowance) {
      usedAllowances.add(allowance);
      return;
    }
    findings.push({ ...where(file, found.expr), reason: found.reason });
  };

  const checkText = (file: ts.SourceFile, text: ts.Expression | undefined, kind: keyof typeof sites) => {
    if (!text) return;
    sites[kind]++;
    for (const found of unsafe(text)) report(file, found);
  };
  /** A pg query config `{ text, values, name }` (inline or a const bound to one). */
  const checkConfig = (file: ts.SourceFile, arg: ts.Expression, kind: keyof typeof sites): boolean => {
    const obj = ts.isIdentifier(arg) ? constInitializer(arg) : arg;
    if (!obj || !ts.isObjectLiteralExpression(obj)) return false;
    const text = obj.properties.find((p) => p.name?.getText() === 'text');
    if (text && ts.isPropertyAssignment(text)) checkText(file, text.initializer, kind);
    else if (text && ts.isShorthandPropertyAssignment(text)) checkText(file, text.name, kind);
    else if (text) findings.push({ ...where(file, text), reason: 'SQL text of an unknown shape' });
    return true;
  };

  for (const fileName of files) {
    const file = program.getSourceFile(fileName);
    if (!file) throw new Error(`not in the program: ${fileName}`);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.arguments[0]) {
        const method = node.expression.name.text;
        const receiver = checker.getTypeAtLocation(node.expression.expression);
        const pgCall = PG_METHODS.has(method) && declaredIn(receiver, PG_DECL);
        const slonikCall = SLONIK_METHODS.has(method) && declaredIn(receiver, SLONIK_DECL);
        if (pgCall || slonikCall) {
          const arg = node.arguments[0];
          if (!(pgCall && checkConfig(file, arg, 'pg'))) checkText(file, arg, pgCall ? 'pg' : 'slonik');
        }
      }
      if (isBuilderCall(node, 'sql')) checkText(file, (node as ts.CallExpression).arguments[0], 'builder');
      // An object literal typed as a projector statement: its `text` is SQL text too (except in the builder
      // itself, whose callers are checked).
      if (ts.isObjectLiteralExpression(node) && !SQL_BUILDER.test(file.fileName)) {
        const text = checker.getContextualType(node)?.getProperty('text');
        if (text?.declarations?.some((d) => SQL_BUILDER.test(d.getSourceFile().fileName)))
          checkConfig(file, node, 'builder');
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { findings, sites, unusedAllowances: ALLOWED.filter((a) => !usedAllowances.has(a)) };
};

const compilerOptions = (): ts.CompilerOptions => {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options;
};

/** A program over `files`, plus in-memory sources (paths under ROOT, so 'pg' and 'slonik' resolve). */
const programOf = (files: readonly string[], virtual: Readonly<Record<string, string>> = {}) => {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    virtual[name] !== undefined
      ? ts.createSourceFile(name, virtual[name]!, version)
      : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual[name] !== undefined || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual[name] ?? readFile(name);
  return ts.createProgram({ rootNames: [...files, ...Object.keys(virtual)], options, host });
};

const show = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.file}:${f.line}: ${f.reason}: ${f.expr}`).join('\n');

describe('no SQL text is built by string concatenation (TypeScript compiler API)', function () {
  this.timeout(120_000);

  it('finds every run-time-built SQL text in a fixture', () => {
    const fixture = join(ROOT, 'infra/security/sqlTextFixture.ts');
    const fixtureSource = `
      import pg from 'pg';
      import { sql as slonikSql, type DatabasePool } from 'slonik';
      import { sql, jsonRows, type Sql } from './../../projector/sql.ts';
      const TABLE = 'rm.votes';
      const FIXED = \`SELECT body FROM \${TABLE} WHERE id = $1\`;
      const QUERIES = { byId: 'SELECT 1' };
      const rows = jsonRows({ id: 'text', body: 'jsonb' });
      const FACETS = { status: 'text', votes: 'int' } as const;
      const faceted = jsonRows({ id: 'text', ...FACETS });
      export const good = async (pool: pg.Pool, slonik: DatabasePool, id: string, st: Sql) => {
        await pool.query('SELECT 1');
        await pool.query(FIXED, [id]);
        await pool.query(QUERIES.byId);
        await pool.query(\`INSERT INTO t (\${rows.names()}) SELECT \${rows.columns()} FROM \${rows.source(1)}\`, [rows.param()]);
        await pool.query(\`UPDATE t SET x = 1 FROM \${faceted.source(1)}\`, [faceted.param()]);
        await pool.query(id === 'a' ? 'SELECT 1' : 'SELECT 2');
        await pool.query({ text: 'SELECT $1', values: [id] });
        await pool.query(st.text, st.values as unknown[]);
        await slonik.any(slonikSql.unsafe\`SELECT \${id}\`);
        return sql('UPDATE t SET x = $1', [id]);
      };
      export const bad = async (pool: pg.Pool, slonik: DatabasePool, id: string, table: string) => {
        await pool.query('SELECT * FROM t WHERE id = ' + id);
        await pool.query(\`SELECT * FROM \${table} WHERE id = $1\`, [id]);
        const text = \`DELETE FROM t WHERE id = '\${id}'\`;
        await pool.query(text);
        await pool.query({ text: 'SELECT ' + id });
        await slonik.query(slonikSql.unsafe\`SELECT 1\` as never);
        await pool.query(id);
        const named = jsonRows({ id: 'text', ...Object.fromEntries([[table, 'text']]) });
        await pool.query(\`SELECT \${named.columns()} FROM \${named.source(1)}\`);
        const statement: Sql = { text: \`SELECT \${id}\`, values: [] };
        return [statement, sql(\`UPDATE \${table} SET x = 1\`)];
      };
    `;
    const program = programOf([], { [fixture]: fixtureSource });
    const { findings, sites } = scanSqlText(program, [fixture]);
    const lines = fixtureSource.split('\n');
    const badStart = lines.findIndex((l) => l.includes('export const bad')) + 1;
    expect(sites).to.deep.equal({ pg: 14, slonik: 2, builder: 3 });
    expect(
      findings.map((f) => [f.line > badStart ? 'bad' : 'good', f.reason, f.expr]),
      show(findings),
    ).to.deep.equal([
      ['bad', 'string concatenation', "'SELECT * FROM t WHERE id = ' + id"],
      ['bad', 'template substitution', 'table'],
      ['bad', 'template substitution', 'id'],
      ['bad', 'string concatenation', "'SELECT ' + id"],
      ['bad', 'SQL text computed at run time', 'id'],
      ['bad', 'template substitution', 'named.columns()'],
      ['bad', 'template substitution', 'named.source(1)'],
      ['bad', 'template substitution', 'id'],
      ['bad', 'template substitution', 'table'],
    ]);
  });

  it('finds none in command/, projector/, query/ and infra/kernel/ beyond the reviewed allowlist', () => {
    const files = SCANNED.flatMap(listFiles);
    const { findings, sites, unusedAllowances } = scanSqlText(programOf(files), files);
    console.log(
      `      SQL texts in ${files.length} files: ${JSON.stringify(sites)}; ${ALLOWED.length} allowlisted dynamic parts`,
    );
    // The scan must see the services' queries at all (a broken receiver check would pass vacuously).
    expect(sites.pg + sites.slonik + sites.builder).to.be.greaterThan(100);
    for (const kind of ['pg', 'slonik', 'builder'] as const) expect(sites[kind], kind).to.be.greaterThan(3);
    expect(findings, `SQL text built at run time:\n${show(findings)}`).to.deep.equal([]);
    // An allowance whose code is gone is removed, so the list stays a list of what is really there.
    expect(unusedAllowances.map((a) => `${a.file}: ${a.expr}`)).to.deep.equal([]);
  });
});
