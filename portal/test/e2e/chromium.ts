/**
 * Debian's Chromium driven by playwright-core, headless, with a fresh profile per run. If Chromium is missing
 * or cannot start, this throws: the end-to-end suite fails instead of skipping (see DEVELOPERS.md).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CUSTODIA_CHROMIUM ?? '/usr/bin/chromium';

/** The flags DEVELOPERS.md documents: no sandbox (containers, root), no GPU, no background traffic. */
export const HEADLESS_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** The reader the journeys stand for: a browser in British English in Berlin (not UTC, not en-US). */
export const BROWSER_LOCALE = 'en-GB';
export const BROWSER_TIME_ZONE = 'Europe/Berlin';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CUSTODIA_CHROMIUM`,
    );
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'custodia-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...HEADLESS_FLAGS],
      viewport: { width: 1280, height: 900 },
      locale: BROWSER_LOCALE,
      timezoneId: BROWSER_TIME_ZONE,
      timeout: 60_000,
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
