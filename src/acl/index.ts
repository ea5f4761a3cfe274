// Hawser's ACL language, with HAProxy 2.6's meaning: sample fetches,
// converters, pattern matching (-m str beg end sub reg dir dom ip int found
// len bin bool, -i, -n, -f, -M), `acl` declarations, `if`/`unless`
// conditions, and standalone sample expressions for `%[...]`. Pure: files
// come in through a loader, the request through the SampleContext interface.
//
// Compile once (configuration load), evaluate per request:
//
//   const files = new PatternFiles((p) => readFileSync(p, 'latin1'));   // one per load
//   const www = new ProxyAcls({ files, proxy: 'www', hasBackend, hasServer });
//   const def = www.declare(['api', 'path_beg', '/api/'], { file, line });       // acl api path_beg /api/
//   if (def instanceof AclError) report(def);
//   const cond = www.condition(['if', 'api', '!', '{', 'src', '10.0.0.0/8', '}'], { file, line });
//   const name = www.expression('%[req.hdr(host),lower,map(/etc/hawser/hosts.map)]', { file, line });
//   ...per request, with the session implementing SampleContext:
//   if (cond.eval(session)) ...;  name.evalString(session)  // -> 'app' | undefined
//
// The functions under ProxyAcls (compileAclDeclaration + declareAcl,
// compileCondition, compileSampleExpression) are exported too.

export {
  type SampleContext,
  type ClientTlsFacts,
  type CertificateView,
  Sample,
  type SampleType,
  SAMPLE_TYPE_NAMES,
  SMP_ANY,
  SMP_BOOL,
  SMP_INT,
  SMP_ADDR,
  SMP_IPV4,
  SMP_IPV6,
  SMP_STR,
  SMP_BIN,
  SMP_METH,
} from './sample.ts';
export { AclCode, AclError, isAclError, type AclPos } from './errors.ts';
export { type AclCompileOptions, type RulePhase, type UserlistRef, USE_CONN, USE_REQ, USE_RES } from './keyword.ts';
export {
  Acl,
  AclExpression,
  type AclDefinition,
  compileAclDeclaration,
  declareAcl,
  compileCondition,
  Condition,
  type Conflict,
  conflictWarning,
  PREDEFINED_ACLS,
  ACL_FAIL,
  ACL_MISS,
  ACL_PASS,
} from './condition.ts';
export { compileSampleExpression, SampleExpression } from './expression.ts';
export { ProxyAcls } from './proxy-acls.ts';
export { parseClientHello, helloType, helloVersion, helloKeyTypes, type ClientHello, type HelloParse } from './client-hello.ts';
export { PatternFiles, type FileLoader, parsePatternLines, parseMapLines } from './pattern-file.ts';
export { canCast, castSample, sampleText } from './cast.ts';
export { Variables, VAR_CONDITIONS } from './variables.ts';
export { checkVarName } from './fetches-internal.ts';
export { MATCH_METHODS, type MatchMethod } from './patterns.ts';
export { FETCHES, ACL_KEYWORDS, findFetch } from './fetches.ts';
export { CONVERTERS, findConverter } from './converters.ts';
export { compileRegex, expandSubst } from './regex.ts';
