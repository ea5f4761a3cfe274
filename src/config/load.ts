// Reads the files named by -f (the only I/O of the configuration front end)
// and hands their texts to the parser. A directory stands for its regular
// files whose names end in ".cfg" and do not start with ".", in byte order,
// as HAProxy's cfgfiles_expand_directories() does (no recursion).

import { readdir, readFile, stat } from 'node:fs/promises';
import { CfgCode, DiagnosticList } from './diagnostics.ts';
import { parseSources, type ParseOptions, type ParseResult, type SourceText } from './parser.ts';

/** HAProxy's rule, strstr() included: the first ".cfg" in the name must be its end. */
export function isConfigFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const at = name.indexOf('.cfg');
  return at >= 0 && at + 4 === name.length;
}

function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code !== undefined ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '')}` : String(e);
}

/** Expands directories into their configuration files, in order. */
export async function expandConfigPaths(paths: readonly string[], diags: DiagnosticList): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      diags.error(CfgCode.IO, { file: path }, `cannot open configuration file/directory: ${ioMessage(e)}`);
      continue;
    }
    if (!st.isDirectory()) {
      files.push(path);
      continue;
    }
    let names: string[];
    try {
      names = await readdir(path);
    } catch (e) {
      diags.error(CfgCode.IO, { file: path }, `cannot open configuration directory: ${ioMessage(e)}`);
      continue;
    }
    names = names.filter(isConfigFileName).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const name of names) {
      const file = path.endsWith('/') ? path + name : `${path}/${name}`;
      try {
        // stat follows symlinks: a link to a regular file counts, anything else is skipped.
        if ((await stat(file)).isFile()) files.push(file);
      } catch (e) {
        diags.error(CfgCode.IO, { file }, `cannot open configuration file: ${ioMessage(e)}`);
      }
    }
  }
  return files;
}

/** Reads and parses the configuration given by -f paths (files or directories), in order. */
export async function loadConfig(paths: readonly string[], opts: ParseOptions): Promise<ParseResult> {
  const diags = new DiagnosticList();
  const files = await expandConfigPaths(paths, diags);
  const sources: SourceText[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: await readFile(file, 'utf8') });
    } catch (e) {
      diags.error(CfgCode.IO, { file }, `cannot read configuration file: ${ioMessage(e)}`);
    }
  }
  if (paths.length === 0 || (files.length === 0 && diags.errorCount === 0)) {
    diags.error(CfgCode.IO, undefined, paths.length === 0 ? 'no configuration file given (use -f)' : `no configuration file found in ${paths.join(', ')}`);
  }
  return parseSources(sources, opts, diags);
}
