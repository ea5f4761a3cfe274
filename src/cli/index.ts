// The command line's public surface: argument parsing, version reports, the
// feature list and the condition language (which the configuration parser
// also uses for `.if` / `.elif`).

export { parseArgs, usageText } from './args.ts';
export type { ArgsEnvironment, CliAction, CliErrorCode, CliOptions, DisabledFeatures, ParseResult } from './args.ts';
export { FEATURES } from './features.ts';
export type { FeatureSet, FilterKind, MuxProtocol, Poller } from './features.ts';
export { COMPAT_VERSION, HAWSER_RELEASE_DATE, HAWSER_VERSION, fullVersionText, versionText } from './version.ts';
export type { BuildInfo, RunningOn } from './version.ts';
export { buildInfo, runningOn } from './build-info.ts';
export { evalCondition } from './condition.ts';
export type { ConditionContext, ConditionErrorCode, ConditionResult } from './condition.ts';
export { checkConditionArgument, expandConditionLine } from './check-condition.ts';
export type { CheckConditionResult, ConditionLine } from './check-condition.ts';
export { memoryDebugHelpText } from './debug-memory.ts';
export { compareVersions, splitVersion } from './version-order.ts';
