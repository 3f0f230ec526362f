/** Kept in step with package.json by a test. */
export const VERSION = '0.1.0';

/** The asset name under which scripts/sea.mjs embeds dist/help.txt. */
export const SEA_HELP_ASSET = 'help.txt';

/** `--version` of the single executable: which build, and the Node.js inside it. */
export function seaVersionLine(): string {
  return `${VERSION} (single executable, Node.js ${process.version}, ${process.platform}-${process.arch})`;
}
