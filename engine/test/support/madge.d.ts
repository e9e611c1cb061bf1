// madge ships no types; this is the part of its API the import-cycle test uses.
declare module 'madge' {
  interface MadgeResult {
    /** Each cycle as the list of files (relative to the base directory) that form it. */
    circular(): string[][];
    obj(): Record<string, string[]>;
  }
  interface MadgeConfig {
    fileExtensions?: string[];
    baseDir?: string;
    tsConfig?: string;
  }
  export default function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
}
