/**
 * The ReDoc page in a real browser: an app on a real socket, Chromium through playwright-core.
 * ReDoc must render the operations from our own origin, load nothing from outside, and break
 * no rule of its Content-Security-Policy (styles only with the response's nonce). Skipped
 * only when Chromium is not installed and CI is unset.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { chromium } from "playwright-core";
import { gadgetApp } from "./fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

test("ReDoc renders the document offline, from our own origin, under its policy", {
  skip: existsSync(CHROMIUM) || process.env.CI ? false : "Chromium not installed: apt-get install chromium",
  timeout: 120_000,
}, async (t) => {
  const app = gadgetApp({ redocUrl: "/redoc" });
  const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
  const launching = chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  // Registered before the launch settles, so a test that times out still closes the browser.
  t.after(async () => {
    const browser = await launching.catch(() => null);
    await Promise.race([browser?.close(), delay(10_000, undefined, { ref: false })]);
    await app.shutdown();
  });

  const context = await (await launching).newContext();
  const requests: string[] = [];
  const problems: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.addInitScript({
    content: `globalThis.cspViolations = [];
        document.addEventListener("securitypolicyviolation", (e) => cspViolations.push(e.violatedDirective + " blocked " + e.blockedURI));`,
  });

  await page.goto(`${url}/redoc`);
  await page.locator("h1", { hasText: "Gadget <Works> (2.1.0)" }).waitFor({ timeout: 30_000 });
  // An operation's summary, its path and a schema property make it to the page.
  await page.locator("h2", { hasText: "List gadgets" }).first().waitFor();
  assert.ok((await page.getByText("/gadgets/{gadgetId}", { exact: false }).count()) > 0, "the path template is shown");
  // ReDoc's styles applied: its menu is laid out beside the content, not as unstyled text.
  const menuWidth = await page.evaluate(`getComputedStyle(document.querySelector(".menu-content")).width`);
  assert.notEqual(menuWidth, "auto");
  assert.ok(Number.parseFloat(String(menuWidth)) > 100, `the menu is styled (width ${String(menuWidth)})`);
  // The search box is ReDoc's worker at work.
  await page.getByPlaceholder("Search...").fill("gadget");
  await page.locator('[data-role="search:results"]').first().waitFor({ timeout: 15_000 });

  const shot = join(tmpdir(), "redoc.png");
  await page.screenshot({ path: shot, fullPage: false });
  t.diagnostic(`screenshot: ${shot}`);

  const origin = new URL(url).origin;
  const outside = requests.filter((r) => !r.startsWith("data:") && !r.startsWith("blob:") && new URL(r).origin !== origin);
  assert.deepEqual(outside, [], "every request went to the app");
  assert.ok(requests.includes(`${origin}/openapi.json`), "the document was fetched from the app");
  assert.deepEqual(problems, [], "no console errors");
  assert.deepEqual(await page.evaluate("globalThis.cspViolations"), [], "no CSP violations");
});
