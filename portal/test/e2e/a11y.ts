/**
 * Accessibility and phone-width checks of a screen in Chromium: axe-core (injected into the page, evaluated through
 * the DevTools protocol so the gateway's Content-Security-Policy needs no exception) at desktop width and at
 * 390 px, where the page must also not scroll sideways.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Serious and critical violations on the page as it is now, one line each (rule, help, where). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const injected = await page.evaluate(() => 'axe' in window);
  if (!injected) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run(context: Document): Promise<AxeResults> } };
    return axe.run(document);
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** How much wider than the viewport the page is (0 when nothing scrolls sideways). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export interface ScreenCheck {
  readonly screen: string;
  readonly desktop: readonly string[];
  readonly phone: readonly string[];
  /** Pixels the page scrolls sideways at phone width. */
  readonly phoneOverflow: number;
}

/**
 * Checks a screen at desktop and phone width and screenshots both; the page is left at desktop width.
 * `atPhone` runs at phone width before the check (e.g. to assert what must stay visible there).
 */
export async function checkScreen(
  page: Page,
  screen: string,
  shoot: (page: Page, name: string) => Promise<void>,
  atPhone?: (page: Page) => Promise<void>,
): Promise<ScreenCheck> {
  const desktop = await seriousViolations(page);
  await shoot(page, screen);
  await page.setViewportSize(PHONE);
  try {
    await atPhone?.(page);
    const phone = await seriousViolations(page);
    const phoneOverflow = await sidewaysOverflow(page);
    await shoot(page, `${screen}-phone`);
    return { screen, desktop, phone, phoneOverflow };
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}
