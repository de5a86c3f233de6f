import ts from 'typescript';

const checkOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => '\n',
};

/**
 * Type-checks a TypeScript file as a user of the installed packages would (NodeNext, strict, no
 * custom export condition: imports resolve to what node_modules holds). `typeRoots` is where
 * `@types/node` is found. Returns the diagnostics, formatted; none when it checks.
 */
export function typeCheckFile(file: string, typeRoots: readonly string[]): string[] {
  const program = ts.createProgram([file], { ...checkOptions, typeRoots: [...typeRoots] });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.formatDiagnostic(diagnostic, formatHost));
}

/**
 * TypeScript to JavaScript ESM by erasing the types only (the compiler's transpileModule; nothing
 * is downleveled). Throws on syntax errors.
 */
export function stripTypes(source: string, fileName = 'example.ts'): string {
  const output = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.ESNext,
      verbatimModuleSyntax: true,
    },
  });
  const errors = output.diagnostics ?? [];
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, formatHost));
  return output.outputText;
}
