export { parseElf, readElfFile } from './elf';
export type { ElfInfo } from './elf';
export { setElfRunpath } from './elf-runpath';
export { InspectErrorCode } from './errors';
