export { parseElf, readElfFile } from './elf';
export type { ElfInfo } from './elf';
export { setElfRunpath } from './elf-runpath';
export { parseMachO } from './macho';
export type { MachOInfo, MachOSlice, MachODylib, MachOFileType, DylibKind } from './macho';
export { identifyFile, elfPlatform, machOPlatform } from './identify';
export type { Identity, FileKind, FileFormat, Shebang, ArchiveObjects } from './identify';
export { forbiddenPrefixes, linuxSystemLibrary, isDarwinSystemPath, LINUX_LOADERS, DEFAULT_BUILD_PREFIX } from './allow-list';
export type { ForbiddenPrefix, SystemGroup } from './allow-list';
export { smokeTestArtifact, artifactNameParts } from './smoke-test';
export type { SmokeTestOptions } from './smoke-test';
export { runnerFor } from './run';
export type { Runner } from './run';
export { reportTables } from './report';
export type {
  SmokeReport,
  FileReport,
  Dependency,
  DependencyKind,
  Resolution,
  Problem,
  RunReport,
  CommandReport,
  RunnerKind,
  SystemLibraryUse,
  ReportTable,
} from './report';
export { InspectErrorCode } from './errors';
