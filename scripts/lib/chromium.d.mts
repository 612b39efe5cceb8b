/** Flags a headless Chromium needs in a container. */
export const CHROMIUM_ARGS: string[];
/** CHROMIUM_PATH, else a system Chromium, else the binary shipped inside @sparticuz/chromium. */
export function resolveChromium(
  env?: NodeJS.ProcessEnv,
): Promise<{ executablePath: string; args: string[]; source: string }>;
