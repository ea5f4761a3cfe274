// The ACL namespace of one proxy: its `acl` declarations in file order and
// the conditions and expressions of its rules, compiled against them. One
// PatternFiles is shared by every proxy of a configuration load, so that a
// pattern or map file is read and indexed once.
//
//   const files = new PatternFiles((p) => readFileSync(p, 'latin1'));
//   const fe = new ProxyAcls({ files, proxy: 'www', hasBackend, hasServer });
//   fe.declare(['api', 'path_beg', '/api/'], pos);             // acl api path_beg /api/
//   const cond = fe.condition(['if', 'api', '!', 'LOCALHOST'], pos);

import { type Acl, type AclDefinition, compileAclDeclaration, compileCondition, type Condition, declareAcl } from './condition.ts';
import { AclError, type AclPos } from './errors.ts';
import { compileSampleExpression, type SampleExpression } from './expression.ts';
import type { AclCompileOptions } from './keyword.ts';
import { PatternFiles } from './pattern-file.ts';

export class ProxyAcls {
  readonly acls = new Map<string, Acl>();
  readonly options: AclCompileOptions;

  constructor(options: AclCompileOptions = {}) {
    const o = { ...options };
    if (o.files === undefined && o.loadFile !== undefined) o.files = new PatternFiles(o.loadFile);
    this.options = o;
  }

  /** `acl NAME ...`: the words after `acl`. A name declared again ORs with its earlier lines. */
  declare(words: readonly string[], pos?: AclPos): AclDefinition | AclError {
    const d = compileAclDeclaration(words, pos, this.options);
    if (d instanceof AclError) return d;
    declareAcl(this.acls, d);
    return d;
  }

  /** A rule's condition from `if`/`unless` on; it sees the ACLs declared before it. */
  condition(words: readonly string[], pos?: AclPos): Condition | AclError {
    return compileCondition(words, this.acls, pos, this.options);
  }

  /** A sample expression ("req.hdr(host),lower" or "%[...]"). */
  expression(text: string, pos?: AclPos): SampleExpression | AclError {
    return compileSampleExpression(text, this.options, pos);
  }
}
