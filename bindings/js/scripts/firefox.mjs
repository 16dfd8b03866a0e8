// Firefox for the browser suites: Debian's firefox-esr driven by
// puppeteer-core over WebDriver BiDi (stock Firefox speaks it; no patched
// browser, no download). Playwright drives Chromium; its own Firefox is a
// patched build, so Firefox goes through Puppeteer here.
//   KLUIS_FIREFOX=/path/to/firefox   (default /usr/bin/firefox-esr)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Firefox binary: $KLUIS_FIREFOX, or Debian's firefox-esr. */
export const FIREFOX = process.env.KLUIS_FIREFOX || '/usr/bin/firefox-esr';

/**
 * Starts headless Firefox with a fresh profile; answers the Puppeteer
 * browser and a `close()` that also removes the profile.
 */
export async function launchFirefox() {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox is missing at ${FIREFOX}: apt-get install firefox-esr, or set KLUIS_FIREFOX`);
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = mkdtempSync(join(tmpdir(), 'kluis-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: {
      // Loopback only: no update checks, telemetry or remote settings.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A page that can reach `origin` and nothing else: every other request is
 * aborted, so no third-party resource can load.
 */
export async function pageOnlyFor(browser, origin) {
  const page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => (request.url().startsWith(origin) ? request.continue() : request.abort()));
  return page;
}
